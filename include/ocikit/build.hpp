// Building manifests and indexes from scratch: descriptors of blobs, builders that fill in what
// the specs fix, and validation of the result by the same rules that check a document received
// from a registry.
//
//   ocikit::descriptor_from_bytes(media_type, bytes, alg)    -> result<descriptor>
//   ocikit::descriptor_from_stream(media_type, istream, alg) -> result<descriptor>
//   ocikit::descriptor_from_file(media_type, path, alg)      -> result<descriptor>
//   ocikit::descriptor_with_data(media_type, bytes, alg)     -> result<descriptor> (`data` embedded)
//   ocikit::image_manifest_builder / ocikit::image_index_builder
//                            schemaVersion 2 and the OCI media type set; setters for config,
//                            layers or entries, artifactType, subject, annotations; build()
//   ocikit::make_image_manifest(config, layers, options)    -> result<image_manifest>
//   ocikit::make_image_index(entries, options)              -> result<image_index>
//   ocikit::validate_model(model, options)                  -> std::vector<problem>
//   ocikit::finalize(model, alg)                            -> result<built_manifest>
//                            the deterministic bytes (ocikit::serialize), their digest and size
//
// Validation: a model is serialised (ocikit::serialize) and the bytes go through
// ocikit::parse_manifest with the rules of ocikit/validate.hpp, expecting the model's kind. So a
// built document passes exactly when the same bytes received from a registry would: e.g. an
// artifact whose config is the empty descriptor needs an artifactType
// (manifest.artifact_type_missing at /artifactType), a manifest without layers is a warning
// (an error with `strict`), and a document over `max_size` bytes (default 4 MiB, what registries
// accept) is refused (json.too_large).
//
// Example:
//   auto layer = ocikit::descriptor_from_bytes(ocikit::media_types::oci_layer_tar_gzip, tgz);
//   auto m = ocikit::image_manifest_builder(ocikit::empty_descriptor())
//                .artifact_type("application/vnd.example.sbom")
//                .layer(*layer)
//                .annotation("org.opencontainers.image.created", "2024-01-01T00:00:00Z")
//                .build();
//   if (!m) return m.error();                    // the first error, with its JSON pointer
//   auto doc = ocikit::finalize(*m);             // doc->bytes, doc->digest, doc->size
#ifndef OCIKIT_BUILD_HPP
#define OCIKIT_BUILD_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/check_options.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/base64.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/hash_file.hpp"
#include "ocikit/index.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/problem.hpp"

namespace ocikit {

/// Options of the validation of built models: `strict`, `accepted_algorithms` and `max_size`
/// (the largest serialised document accepted; registries accept 4 MiB).
using build_options = check_options;

namespace detail::building {

inline std::span<const std::byte> bytes_of(std::string_view s) noexcept {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

// manifest.descriptor_media_type_invalid at /mediaType when `mt` is not an RFC 6838 media type.
inline result<void> check_media_type(std::string_view mt) {
  if (is_valid_media_type(mt)) return {};
  return error(errc::manifest_descriptor_media_type_invalid, error::npos, media_type_error(mt))
      .at_pointer("/mediaType");
}

inline descriptor make_descriptor(std::string_view mt, digest d, std::uint64_t size) {
  descriptor out;
  out.media_type = mt;
  out.digest = std::move(d);
  out.size = static_cast<std::int64_t>(size);
  return out;
}

template <class T>
struct model_kind;
template <>
struct model_kind<image_manifest> {
  static constexpr manifest_kind value = manifest_kind::oci_manifest;
};
template <>
struct model_kind<image_index> {
  static constexpr manifest_kind value = manifest_kind::oci_index;
};
template <>
struct model_kind<docker_manifest> {
  static constexpr manifest_kind value = manifest_kind::docker_manifest;
};
template <>
struct model_kind<docker_manifest_list> {
  static constexpr manifest_kind value = manifest_kind::docker_manifest_list;
};

template <class T>
concept document_model = requires {
  model_kind<T>::value;
};

inline std::vector<problem> validate_document(const std::string& bytes, manifest_kind kind,
                                              const build_options& options) {
  manifest_parse_options po;
  po.expected_media_type = media_type_of(kind);
  po.checks = options;
  po.max_depth = json::max_depth_limit;
  po.reject_invalid = false;
  auto parsed = parse_manifest(bytes, po);
  if (!parsed) return {problem{severity::error, std::move(parsed).error()}};
  return std::move(parsed->problems);
}

// The first error of `problems`, or the model.
template <class T>
result<T> first_error_or(std::vector<problem> problems, T model) {
  for (problem& p : problems) {
    if (p.severity == severity::error) return std::move(p.error);
  }
  return model;
}

}  // namespace detail::building

/// A descriptor of a blob held in memory: the media type, the digest of the exact bytes
/// (sha256 by default; sha384 and sha512 too, hash.unavailable for blake3) and their size.
/// manifest.descriptor_media_type_invalid when `media_type` is not an RFC 6838 `type/subtype`.
/// Example: `descriptor_from_bytes(ocikit::media_types::oci_empty, "{}")->digest ==
///           "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"`
inline result<descriptor> descriptor_from_bytes(
    std::string_view media_type, std::span<const std::byte> bytes,
    digest_algorithm algorithm = digest_algorithm::sha256) {
  if (auto ok = detail::building::check_media_type(media_type); !ok) return ok.error();
  auto d = hash_bytes(algorithm, bytes);
  if (!d) return d.error();
  return detail::building::make_descriptor(media_type, std::move(*d), bytes.size());
}

/// descriptor_from_bytes over the bytes of a string.
inline result<descriptor> descriptor_from_bytes(
    std::string_view media_type, std::string_view bytes,
    digest_algorithm algorithm = digest_algorithm::sha256) {
  return descriptor_from_bytes(media_type, detail::building::bytes_of(bytes), algorithm);
}

/// A descriptor of everything left in a stream, hashed and counted in one pass with a 64 KiB
/// buffer (constant memory). io.failed when the stream is in a failed state or a read fails.
/// Example: `std::ifstream in("layer.tar.gzip", std::ios::binary);
///           auto d = descriptor_from_stream(ocikit::media_types::oci_layer_tar_gzip, in);`
inline result<descriptor> descriptor_from_stream(
    std::string_view media_type, std::istream& in,
    digest_algorithm algorithm = digest_algorithm::sha256) {
  if (auto ok = detail::building::check_media_type(media_type); !ok) return ok.error();
  auto sink = digester::create(algorithm);
  if (!sink) return sink.error();
  if (auto fed = ocikit::detail::feed_stream(in, *sink); !fed) return fed.error();
  auto d = sink->try_finish();
  if (!d) return d.error();
  return detail::building::make_descriptor(media_type, std::move(*d), sink->size());
}

/// A descriptor of a file (ocikit::hash_file: 1 MiB blocks, constant memory). io.failed names
/// the path and the system's reason.
/// Example: `auto d = descriptor_from_file(ocikit::media_types::oci_layer_tar, "rootfs.tar");`
inline result<descriptor> descriptor_from_file(
    std::string_view media_type, const std::filesystem::path& path,
    digest_algorithm algorithm = digest_algorithm::sha256) {
  if (auto ok = detail::building::check_media_type(media_type); !ok) return ok.error();
  auto f = hash_file(path, algorithm);
  if (!f) return f.error();
  return detail::building::make_descriptor(media_type, std::move(f->digest), f->size);
}

/// descriptor_from_bytes with the bytes embedded as padded base64 in `data` (image-spec
/// descriptor.md "Embedded Content"; keep it for small blobs).
/// Example: `descriptor_with_data(ocikit::media_types::oci_empty, "{}")` ==
///          ocikit::empty_descriptor()
inline result<descriptor> descriptor_with_data(
    std::string_view media_type, std::string_view bytes,
    digest_algorithm algorithm = digest_algorithm::sha256) {
  auto d = descriptor_from_bytes(media_type, bytes, algorithm);
  if (d) d->data = detail::encode_base64(detail::building::bytes_of(bytes));
  return d;
}

/// A serialised document: its exact bytes, and the digest and size of those bytes (what a
/// registry push, an index entry or a `subject` needs).
struct built_manifest {
  std::string bytes;      ///< the deterministic JSON (ocikit::serialize)
  ocikit::digest digest;  ///< the digest of `bytes`
  std::int64_t size = 0;  ///< bytes.size()

  /// A descriptor of the document, e.g. for an index entry:
  /// `idx.manifests.push_back(built.to_descriptor(ocikit::media_types::oci_manifest));`
  [[nodiscard]] descriptor to_descriptor(std::string_view media_type) const {
    descriptor d;
    d.media_type = media_type;
    d.digest = digest;
    d.size = size;
    return d;
  }

  friend bool operator==(const built_manifest&, const built_manifest&) = default;
};

/// Serialises a document and hashes the exact bytes (hash.unavailable for blake3). No rule is
/// checked here: the builders validate before they finalize.
/// Example: `auto b = ocikit::finalize(m); push(b->bytes, b->digest);`
template <class T>
requires requires(std::string& out, const T& v) { json::write(out, v); }
[[nodiscard]] result<built_manifest> finalize(
    const T& document, digest_algorithm algorithm = digest_algorithm::sha256) {
  built_manifest out;
  out.bytes = serialize(document);
  auto d = hash_bytes(algorithm, std::string_view(out.bytes));
  if (!d) return d.error();
  out.digest = std::move(*d);
  out.size = static_cast<std::int64_t>(out.bytes.size());
  return out;
}

/// Every problem of a model, errors and warnings in document order: the model is serialised and
/// checked as ocikit::parse_manifest checks received bytes, expecting the model's kind (a Docker
/// model without its mediaType is therefore manifest.media_type_mismatch). A failure before the
/// rules run (json.too_large, json.invalid_utf8 for a string that is not UTF-8, a foreign
/// mediaType) is the one problem returned.
/// Example: `for (auto& p : ocikit::validate_model(m)) std::cerr << p.message() << '\n';`
template <detail::building::document_model T>
[[nodiscard]] std::vector<problem> validate_model(const T& model,
                                                  const build_options& options = {}) {
  return detail::building::validate_document(serialize(model),
                                             detail::building::model_kind<T>::value, options);
}

/// validate_model for whichever document `model` holds.
[[nodiscard]] inline std::vector<problem> validate_model(const any_manifest& model,
                                                         const build_options& options = {}) {
  return detail::building::validate_document(serialize(model), model.kind(), options);
}

/// Builds an OCI image manifest: schemaVersion 2 and mediaType
/// application/vnd.oci.image.manifest.v1+json are set; the setters fill in the rest, in any
/// order (annotations end up sorted by key whatever the order of the calls).
/// Example:
///   auto m = ocikit::image_manifest_builder(config).layer(l1).layer(l2).build();
class image_manifest_builder {
 public:
  image_manifest_builder() { m_.media_type = media_types::oci_manifest; }
  /// A builder with its config descriptor.
  explicit image_manifest_builder(descriptor config) : image_manifest_builder() {
    m_.config = std::move(config);
  }

  /// Sets `config`.
  image_manifest_builder& config(descriptor d) {
    m_.config = std::move(d);
    return *this;
  }
  /// Appends a layer.
  image_manifest_builder& layer(descriptor d) {
    m_.layers.push_back(std::move(d));
    return *this;
  }
  /// Replaces the layers.
  image_manifest_builder& layers(std::vector<descriptor> ds) {
    m_.layers = std::move(ds);
    return *this;
  }
  /// Sets `artifactType` ("" removes it).
  image_manifest_builder& artifact_type(std::string_view t) {
    m_.artifact_type = std::string(t);
    return *this;
  }
  /// Sets `subject`, the manifest this one refers to.
  image_manifest_builder& subject(descriptor d) {
    m_.subject = std::move(d);
    return *this;
  }
  /// Sets one annotation (replacing an earlier value of the key).
  image_manifest_builder& annotation(std::string_view key, std::string_view value) {
    m_.annotations.insert_or_assign(std::string(key), std::string(value));
    return *this;
  }
  /// Replaces the annotations.
  image_manifest_builder& annotations(annotation_map a) {
    m_.annotations = std::move(a);
    return *this;
  }

  /// The model as built so far (not validated).
  [[nodiscard]] const image_manifest& model() const noexcept { return m_; }
  /// Every problem of the model (validate_model).
  [[nodiscard]] std::vector<problem> problems(const build_options& options = {}) const {
    return validate_model(m_, options);
  }
  /// The model when it has no error-severity problem (warnings allowed), else the first error.
  [[nodiscard]] result<image_manifest> build(const build_options& options = {}) const {
    return detail::building::first_error_or(problems(options), m_);
  }

 private:
  image_manifest m_;
};

/// Builds an OCI image index: schemaVersion 2 and mediaType
/// application/vnd.oci.image.index.v1+json are set.
/// Example:
///   auto idx = ocikit::image_index_builder()
///                  .manifest(amd64.to_descriptor(mt), ocikit::platform{.os = "linux",
///                                                                .architecture = "amd64"})
///                  .build();
class image_index_builder {
 public:
  image_index_builder() { m_.media_type = media_types::oci_index; }

  /// Appends an entry as it is.
  image_index_builder& manifest(descriptor d) {
    m_.manifests.push_back(std::move(d));
    return *this;
  }
  /// Appends an entry with its platform.
  image_index_builder& manifest(descriptor d, platform p) {
    d.platform = std::move(p);
    return manifest(std::move(d));
  }
  /// Replaces the entries.
  image_index_builder& manifests(std::vector<descriptor> ds) {
    m_.manifests = std::move(ds);
    return *this;
  }
  /// Sets `artifactType` ("" removes it).
  image_index_builder& artifact_type(std::string_view t) {
    m_.artifact_type = std::string(t);
    return *this;
  }
  /// Sets `subject`.
  image_index_builder& subject(descriptor d) {
    m_.subject = std::move(d);
    return *this;
  }
  /// Sets one annotation (replacing an earlier value of the key).
  image_index_builder& annotation(std::string_view key, std::string_view value) {
    m_.annotations.insert_or_assign(std::string(key), std::string(value));
    return *this;
  }
  /// Replaces the annotations.
  image_index_builder& annotations(annotation_map a) {
    m_.annotations = std::move(a);
    return *this;
  }

  /// The model as built so far (not validated).
  [[nodiscard]] const image_index& model() const noexcept { return m_; }
  /// Every problem of the model (validate_model).
  [[nodiscard]] std::vector<problem> problems(const build_options& options = {}) const {
    return validate_model(m_, options);
  }
  /// The model when it has no error-severity problem (warnings allowed), else the first error.
  [[nodiscard]] result<image_index> build(const build_options& options = {}) const {
    return detail::building::first_error_or(problems(options), m_);
  }

 private:
  image_index m_;
};

/// An OCI image manifest of a config and layers (no artifactType, subject or annotations: use
/// image_manifest_builder for those), validated.
/// Example: `auto m = ocikit::make_image_manifest(config, {layer});`
[[nodiscard]] inline result<image_manifest> make_image_manifest(descriptor config,
                                                                std::vector<descriptor> layers,
                                                                const build_options& options = {}) {
  return image_manifest_builder(std::move(config)).layers(std::move(layers)).build(options);
}

/// An OCI image index of entries (each with its platform, if any), validated.
/// Example: `auto idx = ocikit::make_image_index({amd64_entry, arm64_entry});`
[[nodiscard]] inline result<image_index> make_image_index(std::vector<descriptor> manifests,
                                                          const build_options& options = {}) {
  return image_index_builder().manifests(std::move(manifests)).build(options);
}

}  // namespace ocikit

#endif  // OCIKIT_BUILD_HPP
