// Media types: the constants of the OCI and Docker specs (docs/manifest.md, "Media types to
// know"), the four document kinds, and the helpers a puller needs.
//
//   ocikit::media_types::oci_manifest, ...      string constants (std::string_view)
//   ocikit::manifest_kind                       oci_manifest | oci_index | docker_manifest |
//                                               docker_manifest_list
//   ocikit::manifest_kind_of(mt)                the kind a media type names (exact match)
//   os << kind, os << compression               to_string() of each
//   ocikit::media_type_of(kind)                 the kind's media type
//   ocikit::is_valid_media_type(mt)             RFC 6838 type/subtype, no parameters
//                                               (grammar/media_type.hpp)
//   ocikit::strip_parameters(content_type)      "a/b; charset=utf-8" -> "a/b"
//   ocikit::is_manifest / is_index / is_layer / is_docker / is_oci / is_nondistributable /
//   is_deprecated_layer / is_schema1 / layer_compression
//
// Media types are compared exactly (case-sensitive): CVE-2021-41190 requires that a document's
// `mediaType` be one of the four kinds byte for byte.
//
// Example:
//   ocikit::manifest_kind_of("application/vnd.oci.image.index.v1+json") ==
//       ocikit::manifest_kind::oci_index;
//   ocikit::layer_compression(ocikit::media_types::oci_layer_tar_zstd) == ocikit::compression::zstd;
#ifndef OCIKIT_MEDIA_TYPE_HPP
#define OCIKIT_MEDIA_TYPE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "ocikit/grammar/media_type.hpp"

namespace ocikit {

/// Media type constants. OCI image-spec v1.1, Docker image manifest v2 schema 2, and common
/// artifact types.
namespace media_types {
// clang-format off
// OCI image-spec
inline constexpr std::string_view oci_descriptor = "application/vnd.oci.descriptor.v1+json";
inline constexpr std::string_view oci_layout_header = "application/vnd.oci.layout.header.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";
inline constexpr std::string_view oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_tar_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_tar_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
/// Deprecated (image-spec v1.1): non-distributable layers.
inline constexpr std::string_view oci_layer_nondistributable_tar =
    "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view oci_layer_nondistributable_tar_gzip =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view oci_layer_nondistributable_tar_zstd =
    "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
/// Removed before image-spec v1.1.0: never a supported document kind.
inline constexpr std::string_view oci_artifact_manifest =
    "application/vnd.oci.artifact.manifest.v1+json";
// Docker
inline constexpr std::string_view docker_manifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list =
    "application/vnd.docker.distribution.manifest.list.v2+json";
/// Docker schema 1 (unsupported).
inline constexpr std::string_view docker_manifest_v1 =
    "application/vnd.docker.distribution.manifest.v1+json";
/// Docker schema 1, signed (unsupported).
inline constexpr std::string_view docker_manifest_v1_signed =
    "application/vnd.docker.distribution.manifest.v1+prettyjws";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_tar_gzip =
    "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_foreign_layer_tar_gzip =
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
inline constexpr std::string_view docker_layer_tar = "application/vnd.docker.image.rootfs.diff.tar";
inline constexpr std::string_view docker_plugin_config = "application/vnd.docker.plugin.v1+json";
// Common artifacts
inline constexpr std::string_view helm_config = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view helm_chart = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr std::string_view cosign_simple_signing =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view dsse_envelope = "application/vnd.dsse.envelope.v1+json";
inline constexpr std::string_view notary_signature = "application/vnd.cncf.notary.signature";
inline constexpr std::string_view spdx_json = "application/spdx+json";
inline constexpr std::string_view cyclonedx_json = "application/vnd.cyclonedx+json";
inline constexpr std::string_view in_toto_json = "application/vnd.in-toto+json";
inline constexpr std::string_view wasm_config = "application/vnd.wasm.config.v0+json";
inline constexpr std::string_view wasm = "application/wasm";
// clang-format on
}  // namespace media_types

/// The four documents ocikit parses as manifests.
enum class manifest_kind : std::uint8_t {
  oci_manifest = 0,          ///< application/vnd.oci.image.manifest.v1+json
  oci_index = 1,             ///< application/vnd.oci.image.index.v1+json
  docker_manifest = 2,       ///< application/vnd.docker.distribution.manifest.v2+json
  docker_manifest_list = 3,  ///< application/vnd.docker.distribution.manifest.list.v2+json
};

/// "oci-manifest", "oci-index", "docker-manifest", "docker-manifest-list".
constexpr std::string_view to_string(manifest_kind k) noexcept {
  switch (k) {
    case manifest_kind::oci_manifest: return "oci-manifest";
    case manifest_kind::oci_index: return "oci-index";
    case manifest_kind::docker_manifest: return "docker-manifest";
    case manifest_kind::docker_manifest_list: return "docker-manifest-list";
  }
  return "unknown";
}

/// Writes to_string(k). Example: `std::cout << parsed.kind;  // oci-manifest`
inline std::ostream& operator<<(std::ostream& os, manifest_kind k) { return os << to_string(k); }

/// The media type of a kind. Example: `media_type_of(manifest_kind::oci_index)`.
constexpr std::string_view media_type_of(manifest_kind k) noexcept {
  switch (k) {
    case manifest_kind::oci_manifest: return media_types::oci_manifest;
    case manifest_kind::oci_index: return media_types::oci_index;
    case manifest_kind::docker_manifest: return media_types::docker_manifest;
    case manifest_kind::docker_manifest_list: return media_types::docker_manifest_list;
  }
  return {};
}

/// The kind a media type names, exactly (no parameters, case-sensitive), or none.
/// Example: `manifest_kind_of("application/vnd.oci.image.manifest.v1+json")`
constexpr std::optional<manifest_kind> manifest_kind_of(std::string_view mt) noexcept {
  if (mt == media_types::oci_manifest) return manifest_kind::oci_manifest;
  if (mt == media_types::oci_index) return manifest_kind::oci_index;
  if (mt == media_types::docker_manifest) return manifest_kind::docker_manifest;
  if (mt == media_types::docker_manifest_list) return manifest_kind::docker_manifest_list;
  return std::nullopt;
}

/// True for the index kinds (OCI index, Docker manifest list).
constexpr bool is_index(manifest_kind k) noexcept {
  return k == manifest_kind::oci_index || k == manifest_kind::docker_manifest_list;
}
/// True for the OCI kinds.
constexpr bool is_oci(manifest_kind k) noexcept {
  return k == manifest_kind::oci_manifest || k == manifest_kind::oci_index;
}

/// Compression of a layer's content.
enum class compression : std::uint8_t { none, gzip, zstd };

/// "none", "gzip", "zstd".
constexpr std::string_view to_string(compression c) noexcept {
  switch (c) {
    case compression::none: return "none";
    case compression::gzip: return "gzip";
    case compression::zstd: return "zstd";
  }
  return "unknown";
}

/// Writes to_string(c). Example: `std::cout << ocikit::compression::zstd;  // zstd`
inline std::ostream& operator<<(std::ostream& os, compression c) { return os << to_string(c); }

namespace detail {

struct media_type_fault {
  std::size_t offset = 0;  // where the media type stops matching
  std::string_view why;    // what is wrong there ("" when valid)
};

// Where and why `mt` fails the media type rule (an empty `why` when it matches).
constexpr media_type_fault check_media_type(std::string_view mt) noexcept {
  namespace ch = grammar::chars;
  const std::size_t slash = mt.find('/');
  if (mt.empty()) return {0, "it is empty"};
  if (slash == std::string_view::npos) return {mt.size(), "it has no '/' between type and subtype"};
  for (std::size_t part = 0, start = 0, end = slash; part < 2;
       ++part, start = slash + 1, end = mt.size()) {
    if (start == end) return {start, part == 0 ? "the type is empty" : "the subtype is empty"};
    if (!ch::media_type_first(mt[start])) {
      return {start, part == 0 ? "the type must start with a letter or digit"
                               : "the subtype must start with a letter or digit"};
    }
    for (std::size_t i = start + 1; i < end; ++i) {
      if (!ch::media_type_rest(mt[i])) {
        return {i, mt[i] == '/' ? "it has more than one '/'"
                   : mt[i] == ';' || mt[i] == ' '
                       ? "parameters are not allowed"
                       : "only letters, digits and !#$&^_.+- are allowed"};
      }
    }
    if (end - start > grammar::media_type_name_max) {
      return {start + grammar::media_type_name_max, part == 0
                                                        ? "the type is longer than 127 bytes"
                                                        : "the subtype is longer than 127 bytes"};
    }
  }
  return {0, {}};
}

// The media types most descriptors carry, all valid: a shortcut past the grammar check.
constexpr bool is_common_media_type(std::string_view mt) noexcept {
  namespace m = media_types;
  for (const std::string_view common :
       {m::oci_layer_tar_gzip, m::oci_config, m::oci_manifest, m::oci_index, m::oci_layer_tar_zstd,
        m::oci_layer_tar, m::oci_empty, m::docker_layer_tar_gzip, m::docker_config,
        m::docker_manifest, m::docker_manifest_list}) {
    if (mt == common) return true;
  }
  return false;
}

constexpr bool starts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace detail

/// RFC 6838 `type "/" subtype`, 1-127 restricted characters each, no parameters
/// (grammar::media_type_only). Example: `is_valid_media_type("text/plain")`.
constexpr bool is_valid_media_type(std::string_view mt) noexcept {
  return detail::is_common_media_type(mt) || detail::check_media_type(mt).why.empty();
}

/// Why `mt` is not a valid media type, as a sentence fragment quoting it, or "" when valid.
/// Example: `media_type_error("application") == "'application': it has no '/' between type and subtype"`
inline std::string media_type_error(std::string_view mt) {
  const auto f = detail::check_media_type(mt);
  if (f.why.empty()) return {};
  std::string out;
  out.reserve(mt.size() + f.why.size() + 16);
  out += '\'';
  out += mt;
  out += "': ";
  out += f.why;
  if (!mt.empty() && f.offset < mt.size() && f.why.find("longer") == std::string_view::npos) {
    out += " (byte ";
    out += std::to_string(f.offset);
    out += ')';
  }
  return out;
}

/// The media type of an HTTP Content-Type: parameters (after ';') and surrounding blanks removed.
/// Example: `strip_parameters("application/vnd.oci.image.index.v1+json; charset=utf-8")`
constexpr std::string_view strip_parameters(std::string_view content_type) noexcept {
  const std::size_t semi = content_type.find(';');
  std::string_view s = content_type.substr(0, semi);
  const auto blank = [](char c) { return c == ' ' || c == '\t'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

/// An image manifest type: OCI image manifest or Docker schema 2 manifest.
constexpr bool is_manifest(std::string_view mt) noexcept {
  return mt == media_types::oci_manifest || mt == media_types::docker_manifest;
}
/// An index type: OCI image index or Docker manifest list.
constexpr bool is_index(std::string_view mt) noexcept {
  return mt == media_types::oci_index || mt == media_types::docker_manifest_list;
}
/// Docker schema 1 (refused by ocikit).
constexpr bool is_schema1(std::string_view mt) noexcept {
  return mt == media_types::docker_manifest_v1 || mt == media_types::docker_manifest_v1_signed;
}
/// Any `application/vnd.docker.*` type.
constexpr bool is_docker(std::string_view mt) noexcept {
  return detail::starts_with(mt, "application/vnd.docker.");
}
/// Any `application/vnd.oci.*` type.
constexpr bool is_oci(std::string_view mt) noexcept {
  return detail::starts_with(mt, "application/vnd.oci.");
}

/// The compression of a layer media type (OCI layer types, Docker rootfs types), or none for a
/// type that is not a known layer type.
/// Example: `layer_compression("application/vnd.docker.image.rootfs.diff.tar.gzip") == compression::gzip`
constexpr std::optional<compression> layer_compression(std::string_view mt) noexcept {
  namespace m = media_types;
  if (mt == m::oci_layer_tar || mt == m::oci_layer_nondistributable_tar ||
      mt == m::docker_layer_tar) {
    return compression::none;
  }
  if (mt == m::oci_layer_tar_gzip || mt == m::oci_layer_nondistributable_tar_gzip ||
      mt == m::docker_layer_tar_gzip || mt == m::docker_foreign_layer_tar_gzip) {
    return compression::gzip;
  }
  if (mt == m::oci_layer_tar_zstd || mt == m::oci_layer_nondistributable_tar_zstd) {
    return compression::zstd;
  }
  return std::nullopt;
}

/// A known layer type (OCI `…image.layer…` and Docker `…image.rootfs…` types).
constexpr bool is_layer(std::string_view mt) noexcept { return layer_compression(mt).has_value(); }

/// A layer that registries do not distribute: OCI non-distributable or Docker foreign layers.
constexpr bool is_nondistributable(std::string_view mt) noexcept {
  return detail::starts_with(mt, "application/vnd.oci.image.layer.nondistributable.") ||
         mt == media_types::docker_foreign_layer_tar_gzip;
}

/// A layer type the image-spec deprecates (the OCI non-distributable types).
constexpr bool is_deprecated_layer(std::string_view mt) noexcept {
  return detail::starts_with(mt, "application/vnd.oci.image.layer.nondistributable.") &&
         is_layer(mt);
}

}  // namespace ocikit

#endif  // OCIKIT_MEDIA_TYPE_HPP
