// Reading an OCI image layout on disk (image-spec image-layout.md): `oci-layout`, `index.json`
// and `blobs/<alg>/<encoded>`, as skopeo, umoci and other tools write it.
//
//   ocikit::layout::image_layout::open(dir)   -> result<image_layout>
//   layout.entries()                          the descriptors of index.json, in order
//   layout.find(name)                         the entry whose org.opencontainers.image.ref.name
//                                             is `name` (empty: the layout's only image)
//   layout.names()                            every ref.name, in order, each once
//   layout.blob_path(digest)                  where a blob lives
//   layout.open_blob(descriptor)              a reader that verifies digest and size
//   layout.read_manifest(descriptor)          a manifest's exact bytes, verified
//   ocikit::layout::check_layout_file(bytes)  the content of `oci-layout`, checked
//   ocikit::layout::parse_index_file(bytes)   -> result<index_file>: what index.json lists
//                                             (the reader's own parser, without files)
//
// What real layouts hold and how it is read (docs/store.md):
//   - `"manifests": null` (umoci's empty layout) and a missing `manifests` are an empty list;
//   - entries without a ref.name are untagged images (skopeo's retag leaves one);
//   - the same digest listed twice (skopeo's copy without a name appends) is one image;
//   - when several entries have the same ref.name the first wins, as skopeo and containers/image
//     read it;
//   - unknown members of index.json are ignored, its top-level annotations kept.
// Errors: layout.invalid (no oci-layout, an unsupported imageLayoutVersion, an index.json that is
// not an index), layout.not_found (no such name), layout.ambiguous (no name given and more than
// one image), io.failed (the file system), and the descriptor errors of parse_descriptor.
//
// Example:
//   auto l = ocikit::layout::image_layout::open("/tmp/alpine");
//   auto d = l->find("3.19");                       // the descriptor tagged 3.19
//   auto bytes = l->read_manifest(*d);              // verified
#ifndef OCIKIT_LAYOUT_IMAGE_LAYOUT_HPP
#define OCIKIT_LAYOUT_IMAGE_LAYOUT_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/layout/detail/files.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::layout {

/// The annotation that names an entry of index.json (its "tag").
inline constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";
/// The content of `oci-layout` this reader and the writer know.
inline constexpr std::string_view layout_version = "1.0.0";
/// The largest manifest read into memory (as parse_manifest's default limit).
inline constexpr std::size_t max_manifest_size = json::default_max_size;

/// The ref.name of an entry ("" when it has none).
[[nodiscard]] inline std::string_view ref_name(const descriptor& d) noexcept {
  const auto it = d.annotations.find(ref_name_annotation);
  return it == d.annotations.end() ? std::string_view() : std::string_view(it->second);
}

/// A byte source over a file that checks digest and size: the read that reaches the end fails
/// with content.size_mismatch or content.digest_mismatch when the bytes are not the expected ones.
class verified_source : public store::byte_source {
 public:
  verified_source(std::unique_ptr<store::byte_source> in, verifier check) noexcept
      : in_(std::move(in)), check_(std::move(check)) {}

  result<std::size_t> read(std::span<std::byte> buffer) override {
    auto n = in_->read(buffer);
    if (!n) return n.error();
    if (*n == 0) {
      if (auto v = check_.verify(); !v) return v.error();
      return std::size_t{0};
    }
    if (auto u = check_.update(std::span<const std::byte>(buffer.data(), *n)); !u) {
      return u.error();
    }
    return *n;
  }
  [[nodiscard]] std::int64_t size_hint() const noexcept override { return in_->size_hint(); }

 private:
  std::unique_ptr<store::byte_source> in_;
  verifier check_;
};

/// What an index.json lists, as image_layout reads it.
struct index_file {
  std::vector<descriptor> entries;  ///< `manifests`, in document order (duplicates kept)
  annotation_map annotations;       ///< the top-level annotations (string values)
};

/// Checks the content of an `oci-layout` file: a JSON object whose imageLayoutVersion is "1.0.0"
/// (layout.invalid otherwise; `dir` names the layout in the message).
/// Example: `check_layout_file(R"({"imageLayoutVersion":"1.0.0"})")` succeeds.
inline result<void> check_layout_file(std::string_view bytes,
                                      const std::filesystem::path& dir = {}) {
  boost::system::error_code ec;
  const boost::json::value header = boost::json::parse(bytes, ec);
  const auto* version =
      !ec && header.is_object() ? header.as_object().if_contains("imageLayoutVersion") : nullptr;
  if (version == nullptr || !version->is_string()) {
    return detail::invalid(dir, "oci-layout is not {\"imageLayoutVersion\": \"1.0.0\"}");
  }
  if (std::string_view(version->as_string()) != layout_version) {
    return detail::invalid(
        dir, "imageLayoutVersion '" + std::string(version->as_string()) + "' (ocikit reads 1.0.0)");
  }
  return {};
}

/// Reads the bytes of an index.json as image_layout::open does: schemaVersion 2, the index
/// mediaType when present, `manifests` an array of descriptors (null or missing: none), string
/// annotations kept, other members ignored. Errors: layout.invalid naming `dir` and, for an
/// entry, its JSON pointer (`/manifests/3: ...`).
/// Example: `parse_index_file(R"({"schemaVersion":2,"manifests":[]})")->entries.empty()`
inline result<index_file> parse_index_file(std::string_view bytes,
                                           const std::filesystem::path& dir = {}) {
  index_file out;
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(bytes, ec);
  if (ec || !doc.is_object()) return detail::invalid(dir, "index.json is not a JSON object");
  const auto& obj = doc.as_object();
  if (const auto* sv = obj.if_contains("schemaVersion");
      sv == nullptr || !sv->is_int64() || sv->as_int64() != 2) {
    return detail::invalid(dir, "index.json: schemaVersion is not 2");
  }
  if (const auto* mt = obj.if_contains("mediaType");
      mt != nullptr &&
      (!mt->is_string() || std::string_view(mt->as_string()) != media_types::oci_index)) {
    return detail::invalid(dir,
                           "index.json: mediaType is not " + std::string(media_types::oci_index));
  }
  if (const auto* a = obj.if_contains("annotations"); a != nullptr && a->is_object()) {
    for (const auto& kv : a->as_object()) {
      if (kv.value().is_string()) {
        out.annotations.emplace(std::string(kv.key()), std::string(kv.value().as_string()));
      }
    }
  }
  const auto* list = obj.if_contains("manifests");
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) return detail::invalid(dir, "index.json: manifests is not an array");
  std::size_t i = 0;
  for (const auto& entry : list->as_array()) {
    auto d = parse_descriptor(boost::json::serialize(entry));
    if (!d) {
      return detail::invalid(
          dir, "index.json: /manifests/" + std::to_string(i) + ": " + d.error().message());
    }
    out.entries.push_back(std::move(d->descriptor));
    ++i;
  }
  return out;
}

/// An OCI image layout opened for reading. It reads index.json once, at open().
class image_layout {
 public:
  /// Opens the layout in `dir`: checks `oci-layout` and reads `index.json`.
  static result<image_layout> open(const std::filesystem::path& dir) {
    image_layout l;
    l.dir_ = dir;
    auto marker = detail::read_small_file(dir / "oci-layout", std::size_t{64} * 1024);
    if (!marker) {
      if (marker.error().code() == errc::layout_not_found) {
        return detail::invalid(dir, "no oci-layout file");
      }
      return marker.error();
    }
    if (auto ok = check_layout_file(*marker, dir); !ok) return ok.error();
    auto index = detail::read_small_file(dir / "index.json", max_manifest_size);
    if (!index) {
      if (index.error().code() == errc::layout_not_found) {
        return detail::invalid(dir, "no index.json file");
      }
      return index.error();
    }
    auto contents = parse_index_file(*index, dir);
    if (!contents) return contents.error();
    l.entries_ = std::move(contents->entries);
    l.annotations_ = std::move(contents->annotations);
    return l;
  }

  /// The layout's directory.
  [[nodiscard]] const std::filesystem::path& directory() const noexcept { return dir_; }
  /// The entries of index.json in document order (duplicates kept as listed).
  [[nodiscard]] const std::vector<descriptor>& entries() const noexcept { return entries_; }
  /// index.json's top-level annotations.
  [[nodiscard]] const annotation_map& annotations() const noexcept { return annotations_; }

  /// Every ref.name of index.json, in document order, each once.
  [[nodiscard]] std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) {
      const std::string_view n = ref_name(e);
      if (n.empty()) continue;
      bool seen = false;
      for (const auto& o : out) seen = seen || o == n;
      if (!seen) out.emplace_back(n);
    }
    return out;
  }

  /// The entry named `name` (the first one, as skopeo reads it). With an empty name: the
  /// layout's only image (one entry, or entries that all list the same digest), else
  /// layout.ambiguous naming what is there, or layout.not_found for an empty layout.
  [[nodiscard]] result<descriptor> find(std::string_view name) const {
    if (!name.empty()) {
      for (const auto& e : entries_) {
        if (ref_name(e) == name) return e;
      }
      return error(errc::layout_not_found, error::npos,
                   "'" + std::string(name) + "' in '" + dir_.string() + "' (" + listing() + ")");
    }
    if (entries_.empty()) {
      return error(errc::layout_not_found, error::npos,
                   "any image: '" + dir_.string() + "' has none");
    }
    for (const auto& e : entries_) {
      if (e.digest != entries_.front().digest) {
        return error(errc::layout_ambiguous, error::npos,
                     "'" + dir_.string() + "' (" + listing() + ")");
      }
    }
    return entries_.front();
  }

  /// Where the blob of `d` lives: blobs/<algorithm>/<encoded>.
  [[nodiscard]] std::filesystem::path blob_path(digest_view d) const {
    return dir_ / "blobs" / std::string(d.algorithm()) / std::string(d.encoded());
  }

  /// A reader of a blob that verifies its digest and size (layout.not_found when missing).
  [[nodiscard]] result<std::unique_ptr<store::byte_source>> open_blob(const descriptor& d) const {
    auto raw = open_raw_blob(d.digest.view());
    if (!raw) return raw.error();
    auto check = verifier::create(d.digest.view(), d.size);
    if (!check) return check.error();
    return std::unique_ptr<store::byte_source>(
        std::make_unique<verified_source>(std::move(*raw), std::move(*check)));
  }

  /// A blob's file as it is, unverified (for a consumer that verifies itself, such as a
  /// registry's push_blob with an expected digest and size).
  [[nodiscard]] result<std::unique_ptr<store::byte_source>> open_raw_blob(digest_view d) const {
    const auto path = blob_path(d);
    auto f = store::file_source::open(path);
    if (!f) {
      if (!std::filesystem::exists(path)) {
        return error(errc::layout_not_found, error::npos,
                     "blob " + std::string(d.text()) + " (no file " + path.string() + ")");
      }
      return f.error();
    }
    return std::unique_ptr<store::byte_source>(std::move(*f));
  }

  /// A manifest's exact bytes, verified against the descriptor's digest and size (at most
  /// max_manifest_size bytes).
  [[nodiscard]] result<std::string> read_manifest(const descriptor& d) const {
    if (d.size < 0 || static_cast<std::uint64_t>(d.size) > max_manifest_size) {
      return error(errc::json_too_large, error::npos,
                   std::to_string(d.size) + " bytes for the manifest " + d.digest.str());
    }
    auto bytes = detail::read_small_file(blob_path(d.digest.view()), max_manifest_size);
    if (!bytes) {
      if (bytes.error().code() == errc::layout_not_found) {
        return error(errc::layout_not_found, error::npos, "manifest " + d.digest.str());
      }
      return bytes.error();
    }
    auto check = verifier::create(d.digest.view(), d.size);
    if (!check) return check.error();
    if (auto u = check->update(*bytes); !u) return u.error();
    if (auto v = check->verify(); !v) return v.error();
    return std::move(*bytes);
  }

 private:
  image_layout() = default;

  // "names: a, b; 2 untagged entries"
  [[nodiscard]] std::string listing() const {
    std::string s;
    const auto all = names();
    if (all.empty()) {
      s = "no names";
    } else {
      s = "names: ";
      for (std::size_t i = 0; i < all.size(); ++i) {
        if (i != 0) s += ", ";
        s += all[i];
      }
    }
    std::size_t untagged = 0;
    for (const auto& e : entries_) {
      if (ref_name(e).empty()) ++untagged;
    }
    if (untagged != 0) s += "; " + std::to_string(untagged) + " untagged";
    return s;
  }

  std::filesystem::path dir_;
  std::vector<descriptor> entries_;
  annotation_map annotations_;
};

}  // namespace ocikit::layout

#endif  // OCIKIT_LAYOUT_IMAGE_LAYOUT_HPP
