// Moving images between an OCI image layout on disk and a registry (ocikit::store::registry:
// the embedded store, or later a remote one).
//
//   ocikit::layout::push_image(layout, name, registry, where)   -> result<transfer_report>
//   ocikit::layout::pull_image(registry, what, writer, name, options) -> result<transfer_report>
//
// push_image (`ocikit store push oci:DIR[:NAME] REF`): the entry `name` of the layout (see
// image_layout::find) with its children and blobs, then the layout's referrers of what was
// pushed (manifests whose `subject` is one of them: signatures, SBOMs), so that a signature
// travels with its image. Bad input changes nothing in the registry: before the first write,
// every manifest is read, verified and validated as the registry will, every blob the registry
// lacks is checked for presence and size and, but for the largest, hashed, and a locked
// repository or tag is refused. Then blobs go first (the largest streamed from its file, hashed
// by the registry while it writes, so a 1 GiB layer is read once; a blob the registry has is
// skipped), the manifests bottom-up (children of an index before it, each by digest), the top
// document under `where` (a tag, or a digest), and the referrers by digest.
// pull_image (`ocikit store pull REF oci:DIR[:NAME] [--platform P]`): the manifest `what`
// resolves to, with all its children and blobs (verified while read), written to the layout and
// named `name` in index.json ("" = unnamed). With a platform, only the index entry chosen for it
// (ocikit::select_manifest's rules) is written, as an image of its own.
//
// Example:
//   auto l = ocikit::layout::image_layout::open("sample");
//   auto r = ocikit::layout::push_image(*l, "v1", store, store.parse("team/app:v1").value());
#ifndef OCIKIT_LAYOUT_TRANSFER_HPP
#define OCIKIT_LAYOUT_TRANSFER_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ocikit/copy.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/error.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_writer.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/store/registry.hpp"

namespace ocikit::layout {

/// What a transfer did.
struct transfer_report {
  descriptor root;                    ///< the top document (after platform selection)
  std::vector<descriptor> manifests;  ///< every manifest and index written, children first
  std::vector<descriptor> referrers;  ///< referrers pushed with it (push_image)
  std::size_t blobs_copied = 0;       ///< blobs written
  std::size_t blobs_present = 0;      ///< blobs the destination had already
  std::uint64_t bytes_copied = 0;     ///< bytes of the blobs written
};

/// Options of pull_image.
struct pull_options {
  /// Write only the entry of an index chosen for this platform.
  std::optional<ocikit::platform> platform;
};

namespace detail {

// What copy_image walks documents with (ocikit/copy.hpp).
using ocikit::detail::blobs_of;
using ocikit::detail::max_copy_depth;
using ocikit::detail::read_structure;

// A push in two phases, so that bad input never changes the registry: plan() reads and checks
// everything it can without writing (every manifest read, verified against its descriptor and
// validated as the registry will; every blob the registry lacks present with its size; all of
// them but the largest hashed; the tag not locked), then run() writes: the largest new blob
// first (the registry verifies it while it writes and keeps nothing when it does not match),
// the other blobs, the manifests bottom-up, the top one under `where`, then the referrers.
class pusher {
 public:
  pusher(const image_layout& from, store::registry& to, std::string repository)
      : from_(from), to_(to), repository_(std::move(repository)) {}

  // Plans `d` and everything below it (children before parents).
  result<void> plan(const descriptor& d, std::size_t depth = 0) {
    if (depth > max_copy_depth) {
      return error(errc::layout_invalid, error::npos,
                   "indexes nest deeper than " + std::to_string(max_copy_depth) + " levels below " +
                       d.digest.str());
    }
    if (planned_.contains(d.digest.str())) return {};
    auto bytes = from_.read_manifest(d);
    if (!bytes) return bytes.error();
    manifest_parse_options o;
    o.expected_media_type = d.media_type;
    auto parsed = parse_manifest(*bytes, o);
    if (!parsed) {
      return error(
          errc::store_manifest_invalid, error::npos,
          d.digest.str() + " in '" + from_.directory().string() + "': " + parsed.error().message());
    }
    for (const descriptor& child : parsed->manifest.manifests()) {
      if (auto r = plan(child, depth + 1); !r) return r.error();
    }
    for (const descriptor* b : blobs_of(*parsed)) {
      if (auto r = plan_blob(*b); !r) return r.error();
    }
    planned_.insert(d.digest.str());
    steps_.push_back({d, std::move(*bytes)});
    return {};
  }

  // Plans the layout's referrers of what is planned (manifests whose subject is one of them),
  // until none is left; returns how many steps precede them.
  result<std::size_t> plan_referrers() {
    const std::size_t image_steps = steps_.size();
    bool more = true;
    while (more) {
      more = false;
      for (const descriptor& e : from_.entries()) {
        if (planned_.contains(e.digest.str()) || !manifest_kind_of(e.media_type)) continue;
        auto bytes = from_.read_manifest(e);
        if (!bytes) return bytes.error();
        auto parsed = read_structure(*bytes, e.media_type);
        if (!parsed) return parsed.error();
        const descriptor* subject = parsed->manifest.subject();
        if (subject == nullptr || !planned_.contains(subject->digest.str())) continue;
        if (auto r = plan(e); !r) return r.error();
        more = true;
      }
    }
    return image_steps;
  }

  // Hashes every new blob but the largest (which the registry verifies while it writes).
  result<void> verify_new_blobs() {
    std::sort(new_blobs_.begin(), new_blobs_.end(),
              [](const descriptor& a, const descriptor& b) { return a.size > b.size; });
    for (std::size_t i = 1; i < new_blobs_.size(); ++i) {
      auto in = from_.open_blob(new_blobs_[i]);
      if (!in) return in.error();
      std::vector<std::byte> buffer(std::min<std::size_t>(
          store::transfer_buffer_size, static_cast<std::size_t>(new_blobs_[i].size) + 1));
      for (;;) {
        auto n = (*in)->read(buffer);
        if (!n) return in_layout(new_blobs_[i], n.error());
        if (*n == 0) break;
      }
    }
    return {};
  }

  // Writes the plan; `where` names the top document (steps_[image_steps - 1]).
  result<void> run(const store::target& where, std::size_t image_steps) {
    for (const descriptor& b : new_blobs_) {
      if (auto r = push_blob(b); !r) return r.error();
    }
    for (std::size_t i = 0; i < steps_.size(); ++i) {
      const step& st = steps_[i];
      store::push_manifest_options o;
      o.media_type = st.d.media_type;
      store::target t;
      if (i + 1 == image_steps) {
        t = where;
      } else {
        t.repository = repository_;
        t.digest = st.d.digest;
      }
      auto pushed = to_.push_manifest(t, st.bytes, o);
      if (!pushed) return pushed.error();
      (i < image_steps ? report.manifests : report.referrers).push_back(std::move(*pushed));
    }
    return {};
  }

  transfer_report report;

 private:
  struct step {
    descriptor d;
    std::string bytes;
  };

  static error in_layout(const descriptor& b, const error& e) {
    return error(e.code(), error::npos,
                 std::string(e.detail()) + " (blob " + b.digest.str() + " of the layout)");
  }

  result<void> plan_blob(const descriptor& b) {
    if (!blobs_.insert(b.digest.str()).second) return {};
    if (auto known = to_.stat_blob(repository_, b.digest.view()); known) {
      ++report.blobs_present;
      return {};
    }
    std::error_code ec;
    const auto path = from_.blob_path(b.digest.view());
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
      return error(errc::layout_not_found, error::npos,
                   "blob " + b.digest.str() + " (no file " + path.string() + ")");
    }
    if (size != static_cast<std::uintmax_t>(b.size)) {
      return error(errc::content_size_mismatch, error::npos,
                   "expected " + std::to_string(b.size) + " bytes, got " + std::to_string(size) +
                       " (blob " + b.digest.str() + " of the layout)");
    }
    new_blobs_.push_back(b);
    return {};
  }

  result<void> push_blob(const descriptor& b) {
    auto in = from_.open_raw_blob(b.digest.view());
    if (!in) return in.error();
    store::blob_expectation expected;
    expected.digest = b.digest;
    expected.size = b.size;
    auto pushed = to_.push_blob(repository_, **in, expected);
    if (!pushed) return pushed.error();
    if (pushed->existed) {
      ++report.blobs_present;
    } else {
      ++report.blobs_copied;
      report.bytes_copied += static_cast<std::uint64_t>(pushed->size);
    }
    return {};
  }

  const image_layout& from_;
  store::registry& to_;
  std::string repository_;
  std::set<std::string> planned_;
  std::set<std::string> blobs_;
  std::vector<descriptor> new_blobs_;
  std::vector<step> steps_;
};

// Refuses a push to a repository or a tag whose writeEnabled is false before anything is
// written (the registry would refuse the manifest only after its blobs).
inline result<void> check_writable(store::registry& to, const store::target& where) {
  store::target repo;
  repo.repository = where.repository;
  for (const store::target& t : {repo, where}) {
    if (!t.is_repository() && t.tag.empty()) continue;
    auto a = to.get_attributes(t);
    if (a && !a->write_enabled) {
      return error(errc::store_locked, error::npos,
                   "'" + t.string() + "' has writeEnabled=false: no push");
    }
  }
  return {};
}

class puller {
 public:
  puller(store::registry& from, layout_writer& to, std::string repository)
      : from_(from), to_(to), repository_(std::move(repository)) {}

  result<void> write(const descriptor& d, std::string_view bytes, std::size_t depth = 0) {
    if (depth > max_copy_depth) {
      return error(errc::layout_invalid, error::npos,
                   "indexes nest deeper than " + std::to_string(max_copy_depth) + " levels below " +
                       d.digest.str());
    }
    auto parsed = read_structure(bytes, d.media_type);
    if (!parsed) return parsed.error();
    for (const descriptor& child : parsed->manifest.manifests()) {
      if (!written_.insert(child.digest.str()).second) continue;
      auto pulled = pull(child.digest);
      if (!pulled) return pulled.error();
      if (auto r = write(pulled->descriptor, pulled->bytes, depth + 1); !r) return r.error();
    }
    for (const descriptor* b : blobs_of(*parsed)) {
      if (auto r = copy_blob(*b); !r) return r.error();
    }
    if (auto w = to_.write_bytes(d, bytes); !w) return w.error();
    report.manifests.push_back(d);
    return {};
  }

  result<store::pulled_manifest> pull(const ocikit::digest& d) {
    store::target t;
    t.repository = repository_;
    t.digest = d;
    return from_.pull_manifest(t);
  }

  transfer_report report;

 private:
  result<void> copy_blob(const descriptor& b) {
    if (to_.has_blob(b)) {
      ++report.blobs_present;
      return {};
    }
    auto reader = from_.open_blob(repository_, b.digest.view());
    if (!reader) return reader.error();
    auto w = to_.write_blob(b, **reader, false);
    if (!w) return w.error();
    if (*w) {
      ++report.blobs_copied;
      report.bytes_copied += static_cast<std::uint64_t>(b.size);
    } else {
      ++report.blobs_present;
    }
    return {};
  }

  store::registry& from_;
  layout_writer& to_;
  std::string repository_;
  std::set<std::string> written_;
};

}  // namespace detail

/// Pushes the image named `name` in `from` (see image_layout::find; "" = the only one) with all
/// its children, blobs and referrers into `to` under `where` (a tag, or a digest the top
/// document must have). The report's root is the top document's descriptor as the registry
/// stored it.
inline result<transfer_report> push_image(const image_layout& from, std::string_view name,
                                          store::registry& to, const store::target& where) {
  auto entry = from.find(name);
  if (!entry) return entry.error();
  detail::pusher p(from, to, where.repository);
  if (auto r = p.plan(*entry); !r) return r.error();
  auto image_steps = p.plan_referrers();
  if (!image_steps) return image_steps.error();
  if (auto r = p.verify_new_blobs(); !r) return r.error();
  if (auto r = detail::check_writable(to, where); !r) return r.error();
  if (auto r = p.run(where, *image_steps); !r) return r.error();
  p.report.root = p.report.manifests.back();
  return std::move(p.report);
}

/// Pulls what `what` resolves to from `from` into the layout `to`, named `name` ("" = no
/// ref.name), and commits index.json. With options.platform and an index, only the chosen
/// entry is written (platform.no_match when none fits).
inline result<transfer_report> pull_image(store::registry& from, const store::target& what,
                                          layout_writer& to, std::string_view name,
                                          const pull_options& options = {}) {
  auto top = from.pull_manifest(what);
  if (!top) return top.error();
  detail::puller p(from, to, what.repository);
  store::pulled_manifest chosen = std::move(*top);
  if (options.platform) {
    auto child = choose_platform(from, what.repository, std::move(chosen), *options.platform);
    if (!child) return child.error();
    chosen = std::move(*child);
  }
  if (auto r = p.write(chosen.descriptor, chosen.bytes); !r) return r.error();
  descriptor entry;
  entry.media_type = chosen.descriptor.media_type;
  entry.digest = chosen.descriptor.digest;
  entry.size = chosen.descriptor.size;
  entry.artifact_type = chosen.descriptor.artifact_type;
  to.add(entry, name);
  if (auto c = to.commit(); !c) return c.error();
  p.report.root = std::move(entry);
  return std::move(p.report);
}

}  // namespace ocikit::layout

#endif  // OCIKIT_LAYOUT_TRANSFER_HPP
