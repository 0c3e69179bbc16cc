// Moving images between an OCI image layout on disk and a registry (ocikit::store::registry:
// the embedded store, or later a remote one).
//
//   ocikit::layout::push_image(layout, name, registry, where)   -> result<transfer_report>
//   ocikit::layout::pull_image(registry, what, writer, name, options) -> result<transfer_report>
//
// push_image (`ocikit store push oci:DIR[:NAME] REF`): the entry `name` of the layout (see
// image_layout::find), pushed bottom-up so that nothing is ever referenced before it exists:
// the blobs of each manifest (streamed from their files; the registry hashes them while it
// writes and checks digest and size; a blob it has already is skipped), then each manifest by
// digest, the children of an index before the index, and the top document last, under `where`
// (a tag, or a digest). Then the layout's referrers of what was pushed (manifests whose
// `subject` is one of them: signatures, SBOMs), by digest, so that a signature travels with its
// image.
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

#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/error.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_writer.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/select.hpp"
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

inline result<parsed_manifest> read_structure(std::string_view bytes, std::string_view media_type) {
  manifest_parse_options o;
  o.validate = false;
  o.reject_invalid = false;
  o.expected_media_type = media_type;
  return parse_manifest(bytes, o);
}

// The blobs a manifest kind references: its config, then its layers.
inline std::vector<const descriptor*> blobs_of(const parsed_manifest& m) {
  std::vector<const descriptor*> out;
  if (const descriptor* c = m.manifest.config()) out.push_back(c);
  for (const descriptor& l : m.manifest.layers()) out.push_back(&l);
  return out;
}

class pusher {
 public:
  pusher(const image_layout& from, store::registry& to, std::string repository)
      : from_(from), to_(to), repository_(std::move(repository)) {}

  // Pushes `d` and everything below it; `where` names it (a digest target for children).
  result<void> push(const descriptor& d, const store::target& where, std::size_t depth = 0) {
    if (depth > 8) {
      return error(errc::layout_invalid, error::npos,
                   "indexes nest deeper than 8 levels below " + d.digest.str());
    }
    auto bytes = from_.read_manifest(d);
    if (!bytes) return bytes.error();
    auto parsed = read_structure(*bytes, d.media_type);
    if (!parsed) return parsed.error();
    for (const descriptor& child : parsed->manifest.manifests()) {
      if (done_.contains(child.digest.str())) continue;
      if (auto r = push(child, by_digest(child), depth + 1); !r) return r.error();
    }
    for (const descriptor* b : blobs_of(*parsed)) {
      if (auto r = push_blob(*b); !r) return r.error();
    }
    store::push_manifest_options o;
    o.media_type = d.media_type;
    auto pushed = to_.push_manifest(where, *bytes, o);
    if (!pushed) return pushed.error();
    done_.insert(d.digest.str());
    report.manifests.push_back(std::move(*pushed));
    return {};
  }

  // Pushes every manifest of the layout whose subject was pushed, until none is left.
  result<void> push_referrers() {
    bool more = true;
    while (more) {
      more = false;
      for (const descriptor& e : from_.entries()) {
        if (done_.contains(e.digest.str()) || !manifest_kind_of(e.media_type)) continue;
        auto bytes = from_.read_manifest(e);
        if (!bytes) return bytes.error();
        auto parsed = read_structure(*bytes, e.media_type);
        if (!parsed) return parsed.error();
        const descriptor* subject = parsed->manifest.subject();
        if (subject == nullptr || !done_.contains(subject->digest.str())) continue;
        if (auto r = push(e, by_digest(e)); !r) return r.error();
        report.referrers.push_back(report.manifests.back());
        more = true;
      }
    }
    return {};
  }

  [[nodiscard]] store::target by_digest(const descriptor& d) const {
    store::target t;
    t.repository = repository_;
    t.digest = d.digest;
    return t;
  }

  transfer_report report;

 private:
  result<void> push_blob(const descriptor& b) {
    if (!blobs_.insert(b.digest.str()).second) return {};
    if (auto s = to_.stat_blob(repository_, b.digest.view()); s) {
      ++report.blobs_present;
      return {};
    }
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
  std::set<std::string> done_;
  std::set<std::string> blobs_;
};

class puller {
 public:
  puller(store::registry& from, layout_writer& to, std::string repository)
      : from_(from), to_(to), repository_(std::move(repository)) {}

  result<void> write(const descriptor& d, std::string_view bytes, std::size_t depth = 0) {
    if (depth > 8) {
      return error(errc::layout_invalid, error::npos,
                   "indexes nest deeper than 8 levels below " + d.digest.str());
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
  if (auto r = p.push(*entry, where); !r) return r.error();
  p.report.root = p.report.manifests.back();
  if (auto r = p.push_referrers(); !r) return r.error();
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
    auto parsed = detail::read_structure(chosen.bytes, chosen.descriptor.media_type);
    if (!parsed) return parsed.error();
    if (parsed->manifest.is_index()) {
      auto sel = select_manifest(*parsed, *options.platform);
      if (!sel) return sel.error();
      auto child = p.pull((*sel)->digest);
      if (!child) return child.error();
      chosen = std::move(*child);
    }
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
