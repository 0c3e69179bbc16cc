// Choosing the manifest of one platform from an image index or a Docker manifest list
// (docs/platform.md; containerd's
// platforms.Only(p) matcher and its ordered comparer are the de-facto standard).
//
//   ocikit::select_manifest(source, wanted)     -> result<selection>    the best entry
//   ocikit::matching_manifests(entries, wanted) -> std::vector<selection>  all matches, best first
//   ocikit::selection                           { entry, index, rank }
//
// `source` is an ocikit::image_index, an ocikit::docker_manifest_list, an ocikit::any_manifest or
// ocikit::parsed_manifest holding one of those, or any std::span<const ocikit::descriptor>;
// `wanted` defaults to ocikit::host_platform(). The rules, in order:
//   1. an entry without a `platform` never matches, nor does `unknown/unknown` (attestation
//      manifests);
//   2. an entry matches when platform_matcher::only(wanted) accepts it (ocikit/platform.hpp:
//      normalised comparison, the architecture's compatibility order, the candidate's
//      os.features a subset of the wanted ones, the Windows os.version rule);
//   3. the lowest rank wins (its position in the compatibility order of `wanted`);
//   4. for a Windows `wanted`, among entries of equal rank the higher os.version wins, compared as
//      the numbers major.minor.build.revision (an empty or unparsable version counts as 0.0.0.0);
//   5. then the entry with more os.features (as written) wins;
//   6. otherwise the first entry in document order wins (a stable order).
// Rules 2, 3, 5 and 6 are containerd's Only(wanted) with its Less and a stable sort. Rule 4 is
// containerd's Windows tie-break (windowsMatchComparer.Less, the comparer of its Default() on a
// Windows host) widened on purpose: containerd compares the os.version strings, so
// 10.0.20348.999 beats 10.0.20348.1000; ocikit compares the numbers, so the image closest to the
// host's own build and revision wins.
//
// On no match: platform.no_match (condition not_found), whose message names the wanted platform
// and the platforms present, e.g.
//   "no manifest for linux/riscv64; present: linux/amd64, linux/arm64/v8,
//    windows(10.0.20348)/amd64"
// The present platforms are written with ocikit::format_platform() as the document spells them (not
// normalised), each once, in document order, without `unknown/unknown` and entries that have no
// platform; at most 16 are named ("..., and 3 more"); "none" when there is none. A document that
// is not an index gives platform.not_an_index (condition manifest_unsupported).
//
// A selection points into the entries it was chosen from: keep the index alive while using it
// (the overloads for temporaries of the owning types are deleted).
//
// Example:
//   auto parsed = ocikit::parse_manifest(bytes);                   // an index
//   auto wanted = ocikit::parse_platform("linux/arm64");
//   auto chosen = ocikit::select_manifest(*parsed, *wanted);
//   if (chosen) fetch((*chosen)->digest);                           // linux/arm64 or linux/arm/v7
//   else std::cerr << chosen.error().message() << '\n';
#ifndef OCIKIT_SELECT_HPP
#define OCIKIT_SELECT_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/platform_windows.hpp"
#include "ocikit/error.hpp"
#include "ocikit/index.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/platform.hpp"

namespace ocikit {

/// One entry chosen from an index: a pointer to it (into the entries selected from), its
/// position in `manifests` and its compatibility rank (0 = the wanted platform itself).
/// `sel->digest` and `*sel` reach the descriptor.
struct selection {
  const descriptor* entry = nullptr;  ///< the chosen entry (never null in a returned selection)
  std::size_t index = 0;              ///< its position in the index's `manifests`
  int rank = 0;                       ///< compatibility_rank(wanted, entry->platform)

  [[nodiscard]] const descriptor& operator*() const noexcept { return *entry; }
  [[nodiscard]] const descriptor* operator->() const noexcept { return entry; }

  friend bool operator==(const selection&, const selection&) = default;
};

namespace detail {

/// How many distinct platforms a platform.no_match message names.
inline constexpr std::size_t no_match_listed = 16;

/// A match and its tie-break key.
struct ranked_entry {
  selection sel;
  std::uint64_t version_key = 0;  ///< windows_version_key for a Windows request, else 0
  std::size_t features = 0;       ///< the entry's os.features, as written
};

/// Is `a` preferred to `b`? Lower rank, then (Windows) higher version, then more os.features;
/// never by position, so a stable pass keeps the first of equals.
constexpr bool preferred(const ranked_entry& a, const ranked_entry& b) noexcept {
  if (a.sel.rank != b.sel.rank) return a.sel.rank < b.sel.rank;
  if (a.version_key != b.version_key) return a.version_key > b.version_key;
  return a.features > b.features;
}

/// unknown/unknown in any case: what BuildKit writes for attestation manifests, which no
/// platform runs and no-match messages leave out.
inline bool unknown_platform(const platform& p) {
  std::string os = p.os;
  std::string arch = p.architecture;
  lower_in_place(os);
  lower_in_place(arch);
  return os == "unknown" && arch == "unknown";
}

/// Calls `fn(ranked_entry)` for every entry of `entries` that `wanted` (normalised) can run.
template <class Fn>
void for_each_match(std::span<const descriptor> entries, const platform& wanted, Fn fn) {
  const bool windows = wanted.os == "windows";
  const platform_matcher only = platform_matcher::only(wanted);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const descriptor& d = entries[i];
    if (!d.platform) continue;
    if (unknown_platform(*d.platform)) continue;
    const auto rank = only.position(*d.platform);
    if (!rank) continue;
    fn(ranked_entry{selection{&d, i, static_cast<int>(*rank)},
                    windows ? windows_version_key(d.platform->os_version) : 0,
                    d.platform->os_features.size()});
  }
}

/// platform.no_match for a normalised `wanted`: "no manifest for <wanted>; present: <list>".
inline error no_match(std::span<const descriptor> entries, const platform& wanted) {
  std::vector<std::string> present;
  for (const descriptor& d : entries) {
    if (!d.platform) continue;
    if (unknown_platform(*d.platform)) continue;
    std::string name = format_platform(*d.platform);
    if (std::find(present.begin(), present.end(), name) == present.end()) {
      present.push_back(std::move(name));
    }
  }
  std::string text = format_platform(wanted);
  text += "; present: ";
  if (present.empty()) text += "none";
  for (std::size_t i = 0; i < present.size() && i < no_match_listed; ++i) {
    if (i != 0) text += ", ";
    text += present[i];
  }
  if (present.size() > no_match_listed) {
    text += ", and ";
    text += std::to_string(present.size() - no_match_listed);
    text += " more";
  }
  return error(errc::platform_no_match, error::npos, std::move(text));
}

}  // namespace detail

/// Every entry of `entries` that `wanted` can run, best first (the order of select_manifest's
/// rules 3-5); empty when none. What a client tries in turn when the best is unavailable.
///   matching_manifests(idx.manifests, {.os = "linux", .architecture = "arm64"})
///       -> linux/arm64/v8 (rank 0), then linux/arm/v7 (rank 2)
[[nodiscard]] inline std::vector<selection> matching_manifests(
    std::span<const descriptor> entries, const platform& wanted = host_platform()) {
  const platform w = normalize_platform(wanted);
  std::vector<detail::ranked_entry> ranked;
  detail::for_each_match(entries, w, [&](const detail::ranked_entry& r) { ranked.push_back(r); });
  std::stable_sort(ranked.begin(), ranked.end(), detail::preferred);
  std::vector<selection> out;
  out.reserve(ranked.size());
  for (const detail::ranked_entry& r : ranked) out.push_back(r.sel);
  return out;
}

/// The entry of `entries` that best fits `wanted` (the rules at the top of this file), in one
/// pass that keeps only the best so far, or platform.no_match naming the platforms present.
///   select_manifest(idx.manifests, *parse_platform("linux/amd64/v3"))
///       -> the linux/amd64/v3 entry, else amd64/v2, else amd64, else linux/386
[[nodiscard]] inline result<selection> select_manifest(std::span<const descriptor> entries,
                                                       const platform& wanted = host_platform()) {
  const platform w = normalize_platform(wanted);
  std::optional<detail::ranked_entry> best;
  detail::for_each_match(entries, w, [&](const detail::ranked_entry& r) {
    if (!best || detail::preferred(r, *best)) best = r;
  });
  if (best) return best->sel;
  return detail::no_match(entries, w);
}

/// select_manifest over an OCI image index's `manifests`.
///   select_manifest(index, {.os = "linux", .architecture = "arm64"})
[[nodiscard]] inline result<selection> select_manifest(const image_index& index,
                                                       const platform& wanted = host_platform()) {
  return select_manifest(std::span<const descriptor>(index.manifests), wanted);
}

/// select_manifest over a Docker manifest list's `manifests`.
///   select_manifest(list, *parse_platform("linux/arm/v6"))
[[nodiscard]] inline result<selection> select_manifest(const docker_manifest_list& list,
                                                       const platform& wanted = host_platform()) {
  return select_manifest(std::span<const descriptor>(list.manifests), wanted);
}

/// select_manifest over a document of any kind: an index or a manifest list, else
/// platform.not_an_index ("cannot select a platform from an OCI image manifest: ...").
///   select_manifest(parsed.manifest)   // for the host platform
[[nodiscard]] inline result<selection> select_manifest(const any_manifest& document,
                                                       const platform& wanted = host_platform()) {
  if (!document.is_index()) {
    return error(errc::platform_not_an_index, error::npos,
                 std::string(detail::describe(document.kind())));
  }
  return select_manifest(document.manifests(), wanted);
}

/// select_manifest over what ocikit::parse_manifest returned.
///   auto parsed = ocikit::parse_manifest(bytes);
///   auto chosen = select_manifest(*parsed, wanted);
[[nodiscard]] inline result<selection> select_manifest(const parsed_manifest& parsed,
                                                       const platform& wanted = host_platform()) {
  return select_manifest(parsed.manifest, wanted);
}

// A selection points into its source: selecting from a temporary would leave it dangling.
result<selection> select_manifest(const image_index&&, const platform& = host_platform()) = delete;
result<selection> select_manifest(const docker_manifest_list&&,
                                  const platform& = host_platform()) = delete;
result<selection> select_manifest(const any_manifest&&, const platform& = host_platform()) = delete;
result<selection> select_manifest(const parsed_manifest&&,
                                  const platform& = host_platform()) = delete;

}  // namespace ocikit

#endif  // OCIKIT_SELECT_HPP
