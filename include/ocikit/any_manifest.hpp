// "Whatever came back" from a registry or a layout: one of the four document kinds, and the
// parsed document with its exact bytes, digest and problems.
//
//   ocikit::any_manifest      a variant of image_manifest | image_index | docker_manifest |
//                             docker_manifest_list with accessors common to the kinds
//   ocikit::parsed_manifest   what ocikit::parse_manifest returns: kind, model, digest and size
//                             of the exact bytes, the bytes, and every problem found
//
// Example:
//   auto parsed = ocikit::parse_manifest(bytes);
//   if (parsed && parsed->manifest.is_index())
//     for (const ocikit::descriptor& d : parsed->manifest.manifests()) ...
#ifndef OCIKIT_ANY_MANIFEST_HPP
#define OCIKIT_ANY_MANIFEST_HPP

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/index.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/problem.hpp"

namespace ocikit {

/// One of the four document kinds. The alternative's index is its manifest_kind.
class any_manifest {
 public:
  using variant_type =
      std::variant<image_manifest, image_index, docker_manifest, docker_manifest_list>;

  /// An empty OCI image manifest.
  any_manifest() = default;
  any_manifest(image_manifest m) : v_(std::move(m)) {}        // NOLINT(google-explicit-constructor)
  any_manifest(image_index m) : v_(std::move(m)) {}           // NOLINT(google-explicit-constructor)
  any_manifest(docker_manifest m) : v_(std::move(m)) {}       // NOLINT(google-explicit-constructor)
  any_manifest(docker_manifest_list m) : v_(std::move(m)) {}  // NOLINT(google-explicit-constructor)

  /// Which of the four kinds this is.
  [[nodiscard]] manifest_kind kind() const noexcept {
    return static_cast<manifest_kind>(v_.index());
  }
  /// True for an OCI index or a Docker manifest list.
  [[nodiscard]] bool is_index() const noexcept { return ocikit::is_index(kind()); }
  /// True for an OCI image manifest or a Docker schema 2 manifest.
  [[nodiscard]] bool is_manifest() const noexcept { return !is_index(); }

  /// The alternative, or nullptr. Example: `if (auto* m = any.get_if<ocikit::image_manifest>())`
  template <class T>
  [[nodiscard]] const T* get_if() const noexcept {
    return std::get_if<T>(&v_);
  }
  template <class T>
  [[nodiscard]] T* get_if() noexcept {
    return std::get_if<T>(&v_);
  }
  /// The underlying std::variant (for std::visit).
  [[nodiscard]] const variant_type& variant() const noexcept { return v_; }
  [[nodiscard]] variant_type& variant() noexcept { return v_; }

  /// The document's `mediaType` field ("" when the document has none).
  [[nodiscard]] std::string_view media_type() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return m->media_type;
    if (const auto* i = get_if<image_index>()) return i->media_type;
    if (const auto* d = get_if<docker_manifest>()) return d->media_type;
    if (const auto* l = get_if<docker_manifest_list>()) return l->media_type;
    return {};
  }
  /// The document's `artifactType` ("" for Docker kinds and when absent).
  [[nodiscard]] std::string_view artifact_type() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return m->artifact_type;
    if (const auto* i = get_if<image_index>()) return i->artifact_type;
    return {};
  }
  /// The config descriptor of a manifest kind, or nullptr for an index.
  [[nodiscard]] const descriptor* config() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return &m->config;
    if (const auto* d = get_if<docker_manifest>()) return &d->config;
    return nullptr;
  }
  /// The layers of a manifest kind (empty for an index).
  [[nodiscard]] std::span<const descriptor> layers() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return m->layers;
    if (const auto* d = get_if<docker_manifest>()) return d->layers;
    return {};
  }
  /// The entries of an index kind (empty for a manifest).
  [[nodiscard]] std::span<const descriptor> manifests() const noexcept {
    if (const auto* i = get_if<image_index>()) return i->manifests;
    if (const auto* l = get_if<docker_manifest_list>()) return l->manifests;
    return {};
  }
  /// The `subject` of an OCI kind, or nullptr.
  [[nodiscard]] const descriptor* subject() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return m->subject ? &*m->subject : nullptr;
    if (const auto* i = get_if<image_index>()) return i->subject ? &*i->subject : nullptr;
    return nullptr;
  }
  /// The top-level annotations of an OCI kind, or nullptr for Docker kinds.
  [[nodiscard]] const annotation_map* annotations() const noexcept {
    if (const auto* m = get_if<image_manifest>()) return &m->annotations;
    if (const auto* i = get_if<image_index>()) return &i->annotations;
    return nullptr;
  }

  friend bool operator==(const any_manifest&, const any_manifest&) = default;

 private:
  variant_type v_;
};

/// A parsed document (see ocikit::parse_manifest). `digest` and `size` are those of `bytes`, the
/// exact input: use them (never a re-serialisation) to address the document.
struct parsed_manifest {
  manifest_kind kind = manifest_kind::oci_manifest;  ///< the detected kind
  any_manifest manifest;                             ///< the model
  ocikit::digest digest;                             ///< digest of the exact bytes
  std::int64_t size = 0;                             ///< number of bytes
  std::string bytes;                                 ///< the exact bytes
  std::vector<problem> problems;                     ///< errors and warnings, in document order

  /// True when no problem is an error (warnings allowed).
  [[nodiscard]] bool valid() const noexcept { return !has_errors(problems); }

  /// Same kind, model, digest, size, bytes and problems.
  friend bool operator==(const parsed_manifest&, const parsed_manifest&) = default;

  /// A descriptor of this document: the kind's media type, its digest and size (what an index
  /// entry or a `subject` would say about it).
  [[nodiscard]] descriptor to_descriptor() const {
    descriptor d;
    d.media_type = media_type_of(kind);
    d.digest = digest;
    d.size = size;
    return d;
  }
};

namespace detail {

/// How messages name a document kind: "an OCI image manifest", "a Docker manifest list".
constexpr std::string_view describe(manifest_kind k) noexcept {
  switch (k) {
    case manifest_kind::oci_manifest: return "an OCI image manifest";
    case manifest_kind::oci_index: return "an OCI image index";
    case manifest_kind::docker_manifest: return "a Docker image manifest";
    case manifest_kind::docker_manifest_list: return "a Docker manifest list";
  }
  return "a document";
}

}  // namespace detail

}  // namespace ocikit

#endif  // OCIKIT_ANY_MANIFEST_HPP
