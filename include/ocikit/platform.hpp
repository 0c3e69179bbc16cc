// Platforms: the `platform` object of an image index entry, the platform specifiers users type
// (`linux/arm64`, `windows(10.0.20348+win32k)/amd64`, `linux(+gpu)/amd64`), and containerd's
// rules (containerd/platforms, the de-facto standard) to parse, normalise, format, match and
// rank them (docs/platform.md).
//
//   ocikit::parse_platform(spec[, host])            specifier -> normalised platform
//   ocikit::parse_platform_specifier(spec[, host])  containerd's Parse: as written, not normalised
//   ocikit::normalize_platform(p)                   canonical spelling (x86_64 -> amd64, ...)
//   ocikit::format_platform(p), os << p             platform -> specifier (containerd's FormatAll)
//   ocikit::host_platform()                         the platform this program was compiled for
//   ocikit::platform_matcher::only(p), ::only_strict(p), ::only_os(p), ::ordered(ps), ::any(ps)
//                                                   containerd's matchers: match(), less(), sort()
//   ocikit::compatibility_rank(w, c)                position of `c` in the preference order of `w`
//   ocikit::platform_matches(w, c)                  can `w` run `c`?
//
// Example:
//   auto p = ocikit::parse_platform("Linux/aarch64/v8");  // os "linux", architecture "arm64"
//   ocikit::format_platform(*p) == "linux/arm64";
//   ocikit::compatibility_rank(*p, {.os = "linux", .architecture = "arm", .variant = "v7"}) == 2;
//   auto m = ocikit::platform_matcher::only(*p);
//   m.sort(candidates);                                    // best first, as containerd's Less
//
// The grammar of specifiers is ocikit/grammar/platform.hpp; internals are in
// ocikit/detail/platform_{syntax,vector,windows}.hpp.
#ifndef OCIKIT_PLATFORM_HPP
#define OCIKIT_PLATFORM_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/detail/platform_syntax.hpp"
#include "ocikit/detail/platform_vector.hpp"
#include "ocikit/detail/platform_windows.hpp"
#include "ocikit/error.hpp"

namespace ocikit {

/// An OCI platform (image-spec `platform`: `architecture`, `os`, `os.version`, `os.features`,
/// `variant`, `features`). Compare normalised platforms only (see normalize_platform()).
struct platform {
  std::string os;            ///< "linux", "windows", "darwin", ...
  std::string architecture;  ///< "amd64", "arm64", "arm", "386", ...
  std::string variant;       ///< "v7", "v8.2", ... (empty when the architecture's default)
  std::string os_version;    ///< JSON `os.version`, e.g. "10.0.20348.3091"
  std::vector<std::string> os_features;  ///< JSON `os.features`, e.g. {"win32k"}
  std::vector<std::string> features;     ///< JSON `features` (reserved by the image-spec)

  friend bool operator==(const platform&, const platform&) = default;
};

/// Is `os` one of Go's operating systems (aix, android, darwin, dragonfly, freebsd, hurd,
/// illumos, ios, js, linux, nacl, netbsd, openbsd, plan9, solaris, windows, zos)? Exact match:
/// normalise first.   is_known_os("linux") == true; is_known_os("Linux") == false
[[nodiscard]] constexpr bool is_known_os(std::string_view os) noexcept {
  return detail::listed(detail::known_oses, os);
}

/// Is `arch` one of Go's architectures (386, amd64, arm, arm64, ppc64le, riscv64, s390x, ...)?
/// Exact match: normalise first.   is_known_architecture("arm64") == true
[[nodiscard]] constexpr bool is_known_architecture(std::string_view arch) noexcept {
  return detail::listed(detail::known_architectures, arch);
}

/// The canonical spelling of a platform (containerd's Normalize), field by field:
///   os            lowercased; macos -> darwin; empty -> the os this program was compiled for
///   architecture  lowercased, with its variant lowercased:
///                 i386 -> 386 (variant dropped); x86_64, x86-64 -> amd64; amd64/v1 -> amd64;
///                 aarch64 -> arm64; arm64 variant 8, v8, v8.0 -> none; 9, 9.0, v9.0 -> v9;
///                 armhf -> arm/v7; armel -> arm/v6; arm with no variant or 7 -> v7;
///                 arm 5, 6, 8 -> v5, v6, v8
///   os_features   sorted, duplicates removed
///   os_version, features  unchanged
/// Example: normalize_platform({.os = "Linux", .architecture = "x86_64"}) == linux/amd64.
[[nodiscard]] inline platform normalize_platform(platform p) {
  detail::normalize_os(p.os);
  detail::normalize_architecture(p.architecture, p.variant);
  std::sort(p.os_features.begin(), p.os_features.end());
  p.os_features.erase(std::unique(p.os_features.begin(), p.os_features.end()), p.os_features.end());
  return p;
}

/// The platform this program was compiled for (the preprocessor's view of the target: Go's
/// GOOS/GOARCH names; arm's variant from __ARM_ARCH), normalised. Unrecognised targets give
/// "unknown". Example: on x86-64 Linux, host_platform() == {"linux", "amd64"}.
[[nodiscard]] inline platform host_platform() {
  platform p;
  p.os = detail::compiled_os;
#if defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
  p.architecture = "amd64";
#elif defined(__i386__) || defined(_M_IX86)
  p.architecture = "386";
#elif defined(__aarch64__) || defined(_M_ARM64)
  p.architecture = "arm64";
#elif defined(__arm__) || defined(_M_ARM)
  p.architecture = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 5 && __ARM_ARCH <= 8
  p.variant = detail::v_name(__ARM_ARCH);
#endif
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  p.architecture = "ppc64le";
#elif defined(__powerpc64__)
  p.architecture = "ppc64";
#elif defined(__s390x__)
  p.architecture = "s390x";
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
  p.architecture = "riscv64";
#elif defined(__loongarch64)
  p.architecture = "loong64";
#elif defined(__mips64) && defined(__MIPSEL__)
  p.architecture = "mips64le";
#elif defined(__mips64)
  p.architecture = "mips64";
#elif defined(__mips__) && defined(__MIPSEL__)
  p.architecture = "mipsle";
#elif defined(__mips__)
  p.architecture = "mips";
#elif defined(__wasm__)
  p.architecture = "wasm";
#else
  p.architecture = "unknown";
#endif
  return normalize_platform(std::move(p));
}

/// Parses a platform specifier (grammar::platform_specifier_only) exactly as containerd's
/// platforms.Parse does, without normalising the result:
///   specifier := <os> | <arch> | <os>/<arch>[/<variant>]     <os> := name[(version[+feature…])]
/// The os is lowercased (macos -> darwin); version and features are %XX-decoded, the features
/// kept in the order written. A single word is an operating system if is_known_os() says so
/// (the architecture is `host`'s, with its variant only for arm other than v7), else an
/// architecture that must be is_known_architecture() after normalisation (the os is `host`'s).
/// The architecture is normalised with its variant, then arm/v7 is written without a variant
/// and a three-part arm64 without one gets v8:
///   parse_platform_specifier("linux/arm")        -> linux/arm          (variant "")
///   parse_platform_specifier("linux/arm64/v8")   -> linux/arm64/v8
///   parse_platform_specifier("linux(+b+a)/amd64") -> os_features {"b", "a"}
/// Errors as parse_platform().
[[nodiscard]] inline result<platform> parse_platform_specifier(std::string_view spec,
                                                               const platform& host) {
  auto syntax = detail::parse_platform_syntax(spec);
  if (!syntax) return syntax.error();
  platform p;
  p.os = std::string(syntax->os_name);
  detail::normalize_os(p.os);
  p.os_version = std::move(syntax->os_version);
  p.os_features = std::move(syntax->os_features);
  const auto drop_arm_v7 = [](platform& q) {
    if (q.architecture == "arm" && q.variant == "v7") q.variant.clear();
  };
  if (syntax->parts == 1) {
    if (is_known_os(p.os)) {
      p.architecture = host.architecture;
      if (host.architecture == "arm" && host.variant != "v7") p.variant = host.variant;
      return p;
    }
    if (syntax->has_options) {
      return error(errc::platform_unknown_os, 0, std::string(syntax->os_name));
    }
    p.architecture = std::string(syntax->os_name);
    detail::normalize_architecture(p.architecture, p.variant);
    drop_arm_v7(p);
    if (!is_known_architecture(p.architecture)) {
      return error(errc::platform_unknown_os_or_arch, 0, std::string(syntax->os_name));
    }
    p.os = host.os;
    return p;
  }
  p.architecture = std::string(syntax->architecture);
  p.variant = std::string(syntax->variant);
  detail::normalize_architecture(p.architecture, p.variant);
  if (syntax->parts == 2) {
    drop_arm_v7(p);
  } else if (p.architecture == "arm64" && p.variant.empty()) {
    p.variant = "v8";
  }
  return p;
}

/// parse_platform_specifier(spec, host_platform()).
[[nodiscard]] inline result<platform> parse_platform_specifier(std::string_view spec) {
  return parse_platform_specifier(spec, host_platform());
}

/// Parses a platform specifier and normalises it: normalize_platform() of
/// parse_platform_specifier(spec, host), so `linux/arm` gives arm/v7 and os features come
/// sorted, without duplicates.
///   parse_platform("linux/arm", host)  -> {os "linux", architecture "arm", variant "v7"}
///   parse_platform("windows(10.0.20348+win32k)/amd64", host)
///                                      -> {"windows", "amd64", "", "10.0.20348", {"win32k"}}
///   parse_platform("arm64", {.os = "linux", .architecture = "amd64"}) -> linux/arm64
/// Errors: platform.empty, platform.wildcard, platform.too_many_parts, platform.empty_part,
/// platform.invalid_os, platform.invalid_os_option, platform.unclosed_os_options,
/// platform.empty_os_feature, platform.invalid_escape, platform.invalid_architecture,
/// platform.invalid_variant, platform.unknown_os_or_arch, platform.unknown_os.
[[nodiscard]] inline result<platform> parse_platform(std::string_view spec, const platform& host) {
  auto p = parse_platform_specifier(spec, host);
  if (!p) return p.error();
  return normalize_platform(std::move(*p));
}

/// parse_platform(spec, host_platform()).   parse_platform("linux/amd64/v3")
[[nodiscard]] inline result<platform> parse_platform(std::string_view spec) {
  return parse_platform(spec, host_platform());
}

/// Writes a platform as a specifier (containerd's FormatAll):
///   os[(version[+feature…])][/architecture[/variant]]      "unknown" when os is empty
/// The parentheses appear when there is a version or a non-empty feature; features are written
/// sorted, empty and repeated ones skipped; bytes of the version and features outside
/// [A-Za-z0-9_.-] are written as %XX. Fields are written as they are: normalise first for the
/// canonical form. For a platform that parse_platform() produced,
/// parse_platform(format_platform(p)) == p.
///   format_platform({.os = "windows", .architecture = "amd64", .os_version = "10.0.17763",
///                    .os_features = {"win32k"}}) == "windows(10.0.17763+win32k)/amd64"
[[nodiscard]] inline std::string format_platform(const platform& p) {
  if (p.os.empty()) return "unknown";
  std::string out = p.os;
  std::vector<std::string_view> features;
  for (const auto& f : p.os_features) {
    if (!f.empty()) features.emplace_back(f);
  }
  std::sort(features.begin(), features.end());
  features.erase(std::unique(features.begin(), features.end()), features.end());
  if (!p.os_version.empty() || !features.empty()) {
    out += '(';
    detail::percent_encode(out, p.os_version);
    for (const auto f : features) {
      out += '+';
      detail::percent_encode(out, f);
    }
    out += ')';
  }
  if (!p.architecture.empty()) {
    out += '/';
    out += p.architecture;
  }
  if (!p.variant.empty()) {
    out += '/';
    out += p.variant;
  }
  return out;
}

/// Writes format_platform(p).   std::cout << p;   // linux/arm64/v8
inline std::ostream& operator<<(std::ostream& os, const platform& p) {
  return os << format_platform(p);
}

/// containerd's platform matchers (compare.go): which platforms a request or host accepts, and
/// their order of preference (`Less`), ported rule by rule.
///
///   only(p)         p and what p runs (the compatibility order of compatibility_rank())
///   only_strict(p)  p alone (amd64 does not take 386, arm/v7 not arm/v6)
///   only_os(p)      any architecture of p's os (same os.version rule and os.features); the
///                   exact architecture ranks first
///   ordered(ps)     any of ps, preferring the earlier ones
///   any(ps)         any of ps, without preference
///   windows_host(p) containerd's Default() on Windows: p alone, the higher os.version string
///                   first
///
/// Each entry `e` (normalised) matches a candidate `c` when normalize_platform(c) has e's os,
/// architecture and variant, c's os_features (normalised) are a subset of e's, and, when e is
/// Windows, c's os.version passes the Windows rule (an empty or unparsable wanted version, or
/// an empty candidate one, passes; else the same major.minor and a build the host runs) and a
/// `win32k` feature of c is ignored. os.version is ignored for every other os.
///
/// less(a, b), per matcher (the non-obvious parts of containerd's rules, kept on purpose):
///   only, only_strict, ordered: the entry each matches first wins; on the same entry the one
///       with more os_features (as written, counted with repeats) wins; when neither matches,
///       both are compared again with their os_features removed — so `linux(+other)/amd64`,
///       which linux/amd64 does not accept, still sorts before windows/amd64;
///   any: a match wins; two matches with different os_features counts, the larger; neither
///       matching, again without os_features;
///   only_os: an os match wins; two os matches are ordered as only_strict(p) orders them;
///   windows_host: a match wins; two matches, the greater os.version as a string.
/// All of these are strict weak orders, so sort() (stable) gives the order containerd's
/// sort.Slice gives for up to 12 candidates (its insertion sort; above, Go's order of equal
/// candidates is unspecified).
///
/// One intentional difference: an arm64 variant outside containerd's table (v8.10, v9.8, v10)
/// matches itself under only(); containerd's Only matches nothing for it, not even itself.
///
/// Example:
///   auto m = ocikit::platform_matcher::only(*ocikit::parse_platform("linux(+f1+f2)/amd64"));
///   m.match(*ocikit::parse_platform("linux(+f1)/amd64")) == true;
///   m.sort(list);   // linux(+f1+f2)/amd64, linux(+f2)/amd64, linux(+f1)/amd64, linux/amd64
class platform_matcher {
 public:
  /// containerd's Only(p): p's compatibility vector.
  [[nodiscard]] static platform_matcher only(const platform& p) {
    platform_matcher m(kind::only);
    m.entries_.push_back(make_entry(normalize_platform(p)));
    return m;
  }
  /// containerd's OnlyStrict(p).
  [[nodiscard]] static platform_matcher only_strict(const platform& p) {
    platform_matcher m(kind::ordered);
    m.entries_.push_back(make_entry(normalize_platform(p)));
    return m;
  }
  /// containerd's OnlyOS(p).
  [[nodiscard]] static platform_matcher only_os(const platform& p) {
    platform_matcher m(kind::only_os);
    m.entries_.push_back(make_entry(normalize_platform(p)));
    return m;
  }
  /// containerd's Ordered(ps...).
  [[nodiscard]] static platform_matcher ordered(std::span<const platform> ps) {
    platform_matcher m(kind::ordered);
    for (const platform& p : ps) m.entries_.push_back(make_entry(p));
    return m;
  }
  /// containerd's Any(ps...).
  [[nodiscard]] static platform_matcher any(std::span<const platform> ps) {
    platform_matcher m(kind::any);
    for (const platform& p : ps) m.entries_.push_back(make_entry(p));
    return m;
  }
  /// containerd's windowsMatchComparer{NewMatcher(p)} (its Default() on a Windows host).
  [[nodiscard]] static platform_matcher windows_host(const platform& p) {
    platform_matcher m(kind::windows_host);
    m.entries_.push_back(make_entry(p));
    return m;
  }

  /// Does the matcher accept `c`?
  [[nodiscard]] bool match(const platform& c) const {
    if (kind_ == kind::only_os) return match_os(c);
    return first_match(c).has_value();
  }

  /// Position of `c` in the matcher's order of entries (0 = the first entry), or nullopt when
  /// it does not match; for only(), compatibility_rank() without its unknown/unknown rule.
  /// only_os(): 0 when it matches.
  [[nodiscard]] std::optional<std::int64_t> position(const platform& c) const {
    if (kind_ == kind::only_os) return match_os(c) ? std::optional<std::int64_t>(0) : std::nullopt;
    return first_match(c);
  }

  /// Is `a` preferred to `b`? containerd's Less for this matcher (see above).
  [[nodiscard]] bool less(const platform& a, const platform& b) const {
    switch (kind_) {
      case kind::only:
      case kind::ordered: return ordered_less(a, b);
      case kind::any: return any_less(a, b);
      case kind::only_os: {
        const bool ma = match_os(a);
        if (!ma) return false;
        if (!match_os(b)) return true;
        return ordered_less(a, b);
      }
      case kind::windows_host: {
        const bool ma = first_match(a).has_value();
        const bool mb = first_match(b).has_value();
        if (ma && mb) return a.os_version > b.os_version;
        return ma && !mb;
      }
    }
    return false;
  }

  /// Sorts `ps` best first by less(), keeping the order of equals.
  void sort(std::span<platform> ps) const {
    std::stable_sort(ps.begin(), ps.end(),
                     [this](const platform& a, const platform& b) { return less(a, b); });
  }

 private:
  enum class kind : std::uint8_t { only, ordered, any, only_os, windows_host };

  /// containerd's NewMatcher(p).
  struct entry {
    platform wanted;       ///< normalised
    bool windows = false;  ///< p.os == "windows" as given: the version rule, win32k ignored
    detail::windows_os_version version;
  };

  explicit platform_matcher(kind k) : kind_(k) {}

  static entry make_entry(const platform& p) {
    entry e;
    e.windows = p.os == "windows";
    e.version = detail::parse_windows_os_version(p.os_version);
    e.wanted = normalize_platform(p);
    return e;
  }

  /// Is `sub` (sorted, unique) a subset of `set` (sorted, unique)?
  static bool features_subset(const std::vector<std::string>& sub,
                              const std::vector<std::string>& set) {
    return std::includes(set.begin(), set.end(), sub.begin(), sub.end());
  }

  /// The candidate as entry `e` compares it: win32k dropped for Windows, then normalised.
  static platform as_seen_by(const entry& e, const platform& c) {
    platform n = c;
    if (e.windows) {
      const auto it = std::find(n.os_features.begin(), n.os_features.end(), "win32k");
      if (it != n.os_features.end()) n.os_features.erase(it);
    }
    return normalize_platform(std::move(n));
  }

  /// Everything of entry `e` but architecture and variant; `n` is as_seen_by(e, c).
  static bool match_except_architecture(const entry& e, const platform& c, const platform& n) {
    return n.os == e.wanted.os &&
           (!e.windows || detail::windows_os_version_matches(e.version, c.os_version)) &&
           features_subset(n.os_features, e.wanted.os_features);
  }

  static bool entry_match(const entry& e, const platform& c) {
    const platform n = as_seen_by(e, c);
    return match_except_architecture(e, c, n) && n.architecture == e.wanted.architecture &&
           n.variant == e.wanted.variant;
  }

  /// Index of the first entry that matches `c`.
  std::optional<std::int64_t> first_match(const platform& c) const {
    if (kind_ == kind::only) {
      // Every entry of the vector shares the os, os.version and os.features of the first.
      const entry& e = entries_.front();
      const platform n = as_seen_by(e, c);
      if (!match_except_architecture(e, c, n)) return std::nullopt;
      return detail::architecture_rank(e.wanted.architecture, e.wanted.variant, n.architecture,
                                       n.variant);
    }
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entry_match(entries_[i], c)) return static_cast<std::int64_t>(i);
    }
    return std::nullopt;
  }

  /// onlyOSComparer.matchOS: os, the Windows version rule, os.features (win32k counts here).
  bool match_os(const platform& c) const {
    const entry& e = entries_.front();
    const platform n = normalize_platform(c);
    return n.os == e.wanted.os &&
           (e.wanted.os != "windows" ||
            detail::windows_os_version_matches(e.version, c.os_version)) &&
           features_subset(n.os_features, e.wanted.os_features);
  }

  static platform without_features(platform p) {
    p.os_features.clear();
    return p;
  }

  /// orderedPlatformComparer.Less (only_os: over its single entry, as only_strict).
  bool ordered_less(const platform& a, const platform& b) const {
    const auto ia = first_match(a);
    const auto ib = first_match(b);
    if (ia || ib) {
      if (ia && (!ib || *ia < *ib)) return true;
      if (!ia || !ib || *ib < *ia) return false;
      return a.os_features.size() > b.os_features.size();
    }
    if (a.os_features.empty() && b.os_features.empty()) return false;
    const auto sa = first_match(without_features(a));
    const auto sb = first_match(without_features(b));
    return sa && (!sb || *sa < *sb);
  }

  /// anyPlatformComparer.Less.
  bool any_less(const platform& a, const platform& b) const {
    const bool ma = first_match(a).has_value();
    const bool mb = first_match(b).has_value();
    if (ma && mb) return a.os_features.size() > b.os_features.size();
    if (!ma && !mb && (!a.os_features.empty() || !b.os_features.empty())) {
      return first_match(without_features(a)).has_value() &&
             !first_match(without_features(b)).has_value();
    }
    return ma && !mb;
  }

  kind kind_;
  std::vector<entry> entries_;
};

/// Where `candidate` stands in the preference order of a host or request `wanted`: 0 for the
/// same platform, higher for less preferred, -1 when `wanted` cannot run it: the position of
/// platform_matcher::only(wanted), except that an `unknown/unknown` candidate (an attestation
/// manifest) never matches. The order (containerd's platformVector; compare.go):
///   amd64/vN    vN, vN-1, ..., v1, then 386
///   arm/vN      vN, vN-1, ..., v5
///   arm64/v8.x  v8.x, v8.x-1, ..., v8, then arm/v8, arm/v7, arm/v6, arm/v5
///   arm64/v9.x  v9.x, ..., v9, then v8.(x+5, at most 9), ..., v8, then arm/v8, ..., arm/v5
///   others      only themselves (also arm64 variants outside v8-v8.9, v9-v9.7)
/// and every entry also needs: the same os; the candidate's os_features (a Windows candidate's
/// `win32k` aside) a subset of the wanted ones; for a Windows `wanted` with an os_version, the
/// Windows version rule (same major.minor; below build 20348 the same build; from 20348 any
/// build from the newest LTSC build (20348, 26100) below the host's up to the host's own).
/// Rank 0 is containerd's strict match (OnlyStrict).
///   compatibility_rank(linux/amd64/v3, linux/amd64)  == 2
///   compatibility_rank(linux/arm64, linux/arm/v7)    == 2
///   compatibility_rank(linux/amd64, linux/arm64)     == -1
[[nodiscard]] inline int compatibility_rank(const platform& wanted, const platform& candidate) {
  std::string os = candidate.os;
  std::string arch = candidate.architecture;
  detail::lower_in_place(os);
  detail::lower_in_place(arch);
  if (os == "unknown" && arch == "unknown") return -1;
  const auto rank = platform_matcher::only(wanted).position(candidate);
  return rank ? static_cast<int>(*rank) : -1;
}

/// Can `wanted` (a host, or a request such as `linux/arm64`) run `candidate` (an index entry's
/// platform)? compatibility_rank(wanted, candidate) >= 0 (containerd's Only(wanted).Match, but
/// never for unknown/unknown).
///   platform_matches(linux/amd64, linux/386) == true; platform_matches(linux/386, linux/amd64)
///   == false
[[nodiscard]] inline bool platform_matches(const platform& wanted, const platform& candidate) {
  return compatibility_rank(wanted, candidate) >= 0;
}

}  // namespace ocikit

#endif  // OCIKIT_PLATFORM_HPP
