// Deterministic JSON for the document models: the bytes a builder pushes and hashes.
//
//   ocikit::serialize(m)           -> std::string   image_manifest, image_index, docker_manifest,
//                                                   docker_manifest_list, any_manifest,
//                                                   descriptor, platform
//   ocikit::json::write(out, m)    appends the same bytes to `out`
//   ocikit::json::write_string(out, s)   one JSON string literal (RFC 8259 escaping)
//   ocikit::json::write_escaped(out, s)  the same without the quotes
// ocikit::finalize(m) (ocikit/build.hpp) adds the digest and size of the bytes.
//
// The form (docs/manifest.md, "Digest of a manifest": building must be deterministic):
//   - no insignificant whitespace, members in a fixed order, that of the OCI spec examples:
//       manifest    schemaVersion, mediaType, artifactType, config, layers, subject, annotations
//       index       schemaVersion, mediaType, artifactType, manifests, subject, annotations
//       Docker      schemaVersion, mediaType, config, layers  |  schemaVersion, mediaType, manifests
//       descriptor  mediaType, digest, size, urls, annotations, data, artifactType, platform
//       platform    architecture, os, os.version, os.features, variant, features
//   - absent members are omitted. The models spell absence as an empty string (every string
//     member but `data`: mediaType, artifactType, digest, architecture, os, os.version,
//     variant), an empty array (urls, os.features, features), an empty annotation map, or
//     std::nullopt (data, platform, subject); so a required string left empty is reported by
//     the validator as missing (manifest.missing_field), not as an empty value. Members that are
//     not strings are always written: schemaVersion, config, layers, manifests, size;
//   - annotations in the map's order (sorted by key, byte-wise), so insertion order never matters;
//   - integers exactly (std::int64_t, never through a double);
//   - strings escaped as RFC 8259 requires and nothing more: `"` and `\` and the control
//     characters U+0000..U+001F (\b \f \n \r \t, else \u00XX with lowercase hex); every other
//     byte, UTF-8 included, is written as it is. Strings are not checked for UTF-8: a model
//     holding invalid UTF-8 gives a document that ocikit::parse_manifest refuses
//     (json.invalid_utf8), and the builders of ocikit/build.hpp report it.
// For every model m that parse_manifest can produce, parse_manifest(serialize(m))->manifest == m.
//
// Example:
//   ocikit::image_manifest m;
//   m.media_type = ocikit::media_types::oci_manifest;
//   m.artifact_type = "application/vnd.example";
//   m.config = ocikit::empty_descriptor();
//   ocikit::serialize(m) ==
//     R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
//     R"("artifactType":"application/vnd.example","config":{"mediaType":)"
//     R"("application/vnd.oci.empty.v1+json","digest":"sha256:44136fa3…","size":2,)"
//     R"("data":"e30="},"layers":[]})"
#ifndef OCIKIT_JSON_SERIALIZE_HPP
#define OCIKIT_JSON_SERIALIZE_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/ascii.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/index.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/platform.hpp"

namespace ocikit {

namespace json {

/// Appends the text of `s` escaped for a JSON string, without the quotes: `"` `\` and
/// U+0000..U+001F escaped (the short forms \b \f \n \r \t where RFC 8259 has one, else
/// \u00XX), all other bytes as they are.
/// Example: write_escaped(out, "a\"b") appends `a\"b` (with the backslash).
inline void write_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the bytes not yet copied
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    out += '\\';
    switch (c) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '\b': out += 'b'; break;
      case '\f': out += 'f'; break;
      case '\n': out += 'n'; break;
      case '\r': out += 'r'; break;
      case '\t': out += 't'; break;
      default:
        out += "u00";
        out += ocikit::detail::hex_digits[c >> 4];
        out += ocikit::detail::hex_digits[c & 0xf];
        break;
    }
  }
  out.append(s.data() + run, s.size() - run);
}

/// Appends `s` as a JSON string literal, quotes included (write_escaped between quotes).
/// Example: write_string(out, "a\"b\n") appends `"a\"b\n"` (with the backslashes).
inline void write_string(std::string& out, std::string_view s) {
  out += '"';
  write_escaped(out, s);
  out += '"';
}

namespace detail {

// `,"name":` (or `"name":` for the first member of an object).
inline void write_key(std::string& out, std::string_view name, bool& first) {
  if (!first) out += ',';
  first = false;
  write_string(out, name);
  out += ':';
}

inline void write_string_member(std::string& out, std::string_view name, std::string_view value,
                                bool& first) {
  write_key(out, name, first);
  write_string(out, value);
}

// A member whose absence is spelt as the empty string.
inline void write_optional_string(std::string& out, std::string_view name, std::string_view value,
                                  bool& first) {
  if (!value.empty()) write_string_member(out, name, value, first);
}

inline void write_string_array(std::string& out, std::span<const std::string> values) {
  out += '[';
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i != 0) out += ',';
    write_string(out, values[i]);
  }
  out += ']';
}

inline void write_optional_array(std::string& out, std::string_view name,
                                 std::span<const std::string> values, bool& first) {
  if (values.empty()) return;
  write_key(out, name, first);
  write_string_array(out, values);
}

inline void write_integer(std::string& out, std::int64_t v) { out += std::to_string(v); }

}  // namespace detail

/// Appends an annotation map as a JSON object, members in the map's (sorted) order.
inline void write(std::string& out, const annotation_map& annotations) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : annotations) {
    detail::write_string_member(out, key, value, first);
  }
  out += '}';
}

/// Appends a platform object: architecture, os, os.version, os.features, variant, features.
inline void write(std::string& out, const platform& p) {
  out += '{';
  bool first = true;
  detail::write_optional_string(out, "architecture", p.architecture, first);
  detail::write_optional_string(out, "os", p.os, first);
  detail::write_optional_string(out, "os.version", p.os_version, first);
  detail::write_optional_array(out, "os.features", p.os_features, first);
  detail::write_optional_string(out, "variant", p.variant, first);
  detail::write_optional_array(out, "features", p.features, first);
  out += '}';
}

/// Appends a descriptor: mediaType, digest, size, urls, annotations, data, artifactType, platform.
inline void write(std::string& out, const descriptor& d) {
  out += '{';
  bool first = true;
  detail::write_optional_string(out, "mediaType", d.media_type, first);
  detail::write_optional_string(out, "digest", d.digest.string(), first);
  detail::write_key(out, "size", first);
  detail::write_integer(out, d.size);
  detail::write_optional_array(out, "urls", d.urls, first);
  if (!d.annotations.empty()) {
    detail::write_key(out, "annotations", first);
    write(out, d.annotations);
  }
  if (d.data) detail::write_string_member(out, "data", *d.data, first);
  detail::write_optional_string(out, "artifactType", d.artifact_type, first);
  if (d.platform) {
    detail::write_key(out, "platform", first);
    write(out, *d.platform);
  }
  out += '}';
}

namespace detail {

inline void write_descriptors(std::string& out, std::string_view name,
                              std::span<const descriptor> ds, bool& first) {
  write_key(out, name, first);
  out += '[';
  for (std::size_t i = 0; i < ds.size(); ++i) {
    if (i != 0) out += ',';
    write(out, ds[i]);
  }
  out += ']';
}

inline void write_head(std::string& out, int schema_version, std::string_view media_type,
                       bool& first) {
  write_key(out, "schemaVersion", first);
  out += std::to_string(schema_version);
  write_optional_string(out, "mediaType", media_type, first);
}

inline void write_tail(std::string& out, const std::optional<descriptor>& subject,
                       const annotation_map& annotations, bool& first) {
  if (subject) {
    write_key(out, "subject", first);
    write(out, *subject);
  }
  if (!annotations.empty()) {
    write_key(out, "annotations", first);
    write(out, annotations);
  }
}

}  // namespace detail

/// Appends an OCI image manifest: schemaVersion, mediaType, artifactType, config, layers,
/// subject, annotations.
inline void write(std::string& out, const image_manifest& m) {
  out += '{';
  bool first = true;
  detail::write_head(out, m.schema_version, m.media_type, first);
  detail::write_optional_string(out, "artifactType", m.artifact_type, first);
  detail::write_key(out, "config", first);
  write(out, m.config);
  detail::write_descriptors(out, "layers", m.layers, first);
  detail::write_tail(out, m.subject, m.annotations, first);
  out += '}';
}

/// Appends an OCI image index: schemaVersion, mediaType, artifactType, manifests, subject,
/// annotations.
inline void write(std::string& out, const image_index& m) {
  out += '{';
  bool first = true;
  detail::write_head(out, m.schema_version, m.media_type, first);
  detail::write_optional_string(out, "artifactType", m.artifact_type, first);
  detail::write_descriptors(out, "manifests", m.manifests, first);
  detail::write_tail(out, m.subject, m.annotations, first);
  out += '}';
}

/// Appends a Docker schema 2 manifest: schemaVersion, mediaType, config, layers.
inline void write(std::string& out, const docker_manifest& m) {
  out += '{';
  bool first = true;
  detail::write_head(out, m.schema_version, m.media_type, first);
  detail::write_key(out, "config", first);
  write(out, m.config);
  detail::write_descriptors(out, "layers", m.layers, first);
  out += '}';
}

/// Appends a Docker manifest list: schemaVersion, mediaType, manifests.
inline void write(std::string& out, const docker_manifest_list& m) {
  out += '{';
  bool first = true;
  detail::write_head(out, m.schema_version, m.media_type, first);
  detail::write_descriptors(out, "manifests", m.manifests, first);
  out += '}';
}

/// Appends whichever document `m` holds.
inline void write(std::string& out, const any_manifest& m) {
  std::visit([&out](const auto& doc) { write(out, doc); }, m.variant());
}

}  // namespace json

/// The deterministic JSON of a document, a descriptor or a platform (see the top of this file).
/// Example: `ocikit::serialize(ocikit::empty_descriptor())` ==
///   R"({"mediaType":"application/vnd.oci.empty.v1+json","digest":"sha256:44136fa3…","size":2,"data":"e30="})"
template <class T>
requires requires(std::string& out, const T& v) { json::write(out, v); }
[[nodiscard]] std::string serialize(const T& value) {
  std::string out;
  out.reserve(512);
  json::write(out, value);
  return out;
}

}  // namespace ocikit

#endif  // OCIKIT_JSON_SERIALIZE_HPP
