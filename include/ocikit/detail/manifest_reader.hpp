// The reader under ocikit::parse_manifest, ocikit::parse_descriptor and ocikit::validate: one walk
// over a strict JSON document (ocikit/json/strict_parser.hpp) that builds the model of its kind
// (any_manifest, descriptor) and reports every problem with its JSON pointer. The rules it
// applies are listed in ocikit/validate.hpp. Internal to ocikit.
#ifndef OCIKIT_DETAIL_MANIFEST_READER_HPP
#define OCIKIT_DETAIL_MANIFEST_READER_HPP

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/check_options.hpp"
#include "ocikit/config.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/ascii.hpp"
#include "ocikit/detail/base64.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/index.hpp"
#include "ocikit/json/pointer.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/media_type_text.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/problem.hpp"

namespace ocikit {

namespace detail {

/// Where a descriptor sits; it chooses the error codes of its core fields.
enum class descriptor_role : std::uint8_t { config, layer, entry, subject, descriptor };

struct role_codes {
  errc media_type;
  errc digest;
  errc size;
};

constexpr role_codes codes_of(descriptor_role r) noexcept {
  switch (r) {
    case descriptor_role::config:
      return {errc::manifest_config_media_type_invalid, errc::manifest_config_digest_invalid,
              errc::manifest_config_size_invalid};
    case descriptor_role::layer:
      return {errc::manifest_layer_media_type_invalid, errc::manifest_layer_digest_invalid,
              errc::manifest_layer_size_invalid};
    case descriptor_role::entry:
      return {errc::manifest_entry_media_type_invalid, errc::manifest_entry_digest_invalid,
              errc::manifest_entry_size_invalid};
    case descriptor_role::subject:
      return {errc::manifest_subject_media_type_invalid, errc::manifest_subject_digest_invalid,
              errc::manifest_subject_size_invalid};
    case descriptor_role::descriptor: break;
  }
  return {errc::manifest_descriptor_media_type_invalid, errc::manifest_descriptor_digest_invalid,
          errc::manifest_descriptor_size_invalid};
}

// The member names ocikit knows, found by length first (one comparison per member). Inlined:
// the switch on the length then merges with the caller's switch on the field.
enum class field : std::uint8_t {
  unknown,
  schema_version,
  media_type,
  artifact_type,
  config,
  layers,
  manifests,
  subject,
  annotations,
  digest,
  size,
  urls,
  data,
  platform,
  architecture,
  os,
  os_version,
  os_features,
  variant,
  features,
  fs_layers,
};

// k == lit for a key whose length is already known to match (compiles to a few loads).
template <std::size_t N>
constexpr bool is(std::string_view k, const char (&lit)[N]) noexcept {
  return __builtin_memcmp(k.data(), lit, N - 1) == 0;
}

OCIKIT_ALWAYS_INLINE constexpr field field_of(std::string_view k) noexcept {
  switch (k.size()) {
    case 2: return is(k, "os") ? field::os : field::unknown;
    case 4:
      if (is(k, "size")) return field::size;
      if (is(k, "urls")) return field::urls;
      if (is(k, "data")) return field::data;
      return field::unknown;
    case 6:
      if (is(k, "digest")) return field::digest;
      if (is(k, "config")) return field::config;
      if (is(k, "layers")) return field::layers;
      return field::unknown;
    case 7:
      if (is(k, "subject")) return field::subject;
      if (is(k, "variant")) return field::variant;
      return field::unknown;
    case 8:
      if (is(k, "platform")) return field::platform;
      if (is(k, "features")) return field::features;
      if (is(k, "fsLayers")) return field::fs_layers;
      return field::unknown;
    case 9:
      if (is(k, "mediaType")) return field::media_type;
      if (is(k, "manifests")) return field::manifests;
      return field::unknown;
    case 10: return is(k, "os.version") ? field::os_version : field::unknown;
    case 11:
      if (is(k, "annotations")) return field::annotations;
      if (is(k, "os.features")) return field::os_features;
      return field::unknown;
    case 12:
      if (is(k, "artifactType")) return field::artifact_type;
      if (is(k, "architecture")) return field::architecture;
      return field::unknown;
    case 13: return is(k, "schemaVersion") ? field::schema_version : field::unknown;
    default: return field::unknown;
  }
}

// "expected a string, found an integer"
inline std::string expected_found(std::string_view expected, json::value v) {
  std::string out = "expected ";
  out += expected;
  out += ", found ";
  out += json::to_description(v.kind());
  return out;
}

inline std::string quote_text(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 2);
  out += '\'';
  out += s;
  out += '\'';
  return out;
}

// Why `url` is not an absolute http(s)-style URI, "" when it is one. Sets `scheme`.
inline std::string url_fault(std::string_view url, std::string_view& scheme) {
  const auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  const auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (url.empty()) return "it is empty";
  std::size_t i = 0;
  if (!alpha(url[0]))
    return quote_text(url) + " is not an absolute URI: it does not start with a scheme";
  while (i < url.size() &&
         (alpha(url[i]) || digit(url[i]) || url[i] == '+' || url[i] == '-' || url[i] == '.')) {
    ++i;
  }
  if (i == url.size() || url[i] != ':') {
    return quote_text(url) + " is not an absolute URI: it has no scheme";
  }
  scheme = url.substr(0, i);
  // RFC 3986 characters: unreserved, sub-delims, gen-delims, and pct-encoded.
  constexpr std::string_view allowed = "-._~!$&'()*+,;=:@/?#[]";
  for (std::size_t k = i + 1; k < url.size(); ++k) {
    const char c = url[k];
    if (alpha(c) || digit(c) || allowed.find(c) != std::string_view::npos) continue;
    if (c == '%' && k + 2 < url.size() && hex_value(url[k + 1]) >= 0 &&
        hex_value(url[k + 2]) >= 0) {
      k += 2;
      continue;
    }
    std::string out = quote_text(url) + " is not a URI: ";
    if (c == '%') {
      out += "'%' at byte " + std::to_string(k) + " is not followed by two hex digits";
    } else {
      std::string q;
      append_quoted_byte(q, c);
      out += q + " at byte " + std::to_string(k) + " is not allowed";
    }
    return out;
  }
  if (equals_lower(scheme, "http") || equals_lower(scheme, "https")) {
    const std::string_view rest = url.substr(i + 1);
    if (rest.substr(0, 2) != "//")
      return quote_text(url) + " has no '//' and host after the scheme";
    std::string_view authority = rest.substr(2);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    const std::size_t at = authority.rfind('@');
    if (at != std::string_view::npos) authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (!host.empty() && host.front() == '[') {
      host = host.substr(0, host.find(']') == std::string_view::npos ? 0 : host.find(']') + 1);
    } else {
      host = host.substr(0, host.find(':'));
    }
    if (host.empty()) return quote_text(url) + " has no host";
  }
  return {};
}

// Walks a strict JSON document of one kind, builds the model and collects the problems: with
// `rules`, every rule listed in ocikit/validate.hpp; without, only what building the model
// needs (JSON types, required members, digest grammar, integer ranges).
class manifest_reader {
 public:
  manifest_reader(const check_options& options, bool rules, std::vector<problem>& out) noexcept
      : opt_(options), rules_(rules), out_(out) {}

  /// An image manifest (OCI or Docker): config and layers, plus artifactType, subject and
  /// annotations for OCI.
  template <class Manifest>
  void read_manifest(json::value root, Manifest& m) {
    constexpr bool oci = std::is_same_v<Manifest, image_manifest>;
    bool has_config = false;
    bool has_layers = false;
    bool has_artifact_type = false;
    const json::path top;
    read_top(root, m, oci ? manifest_kind::oci_manifest : manifest_kind::docker_manifest,
             [&](field f, json::value v, const json::path& at) {
               if (f == field::config) {
                 has_config = true;
                 read_descriptor(v, at, descriptor_role::config, oci, m.config);
               } else if (f == field::layers) {
                 has_layers = true;
                 read_descriptors(v, at, descriptor_role::layer, oci, m.layers);
                 if (oci && rules_ && v.is_array() && v.size() == 0) {
                   report(opt_.strict ? severity::error : severity::warning,
                          errc::manifest_layers_empty, at);
                 }
               } else if constexpr (oci) {
                 read_oci_member(f, v, at, m, has_artifact_type);
               }
             });
    if (!has_config) missing(top.key("config"));
    if (!has_layers) missing(top.key("layers"));
    if constexpr (oci) {
      if (rules_ && has_config && !has_artifact_type &&
          m.config.media_type.known_index() == known_media_type(media_types::oci_empty)) {
        report(severity::error, errc::manifest_artifact_type_missing, top.key("artifactType"));
      }
    }
  }

  /// An index (OCI image index or Docker manifest list): manifests, plus artifactType, subject
  /// and annotations for OCI.
  template <class Index>
  void read_index(json::value root, Index& m) {
    constexpr bool oci = std::is_same_v<Index, image_index>;
    bool has_manifests = false;
    bool has_artifact_type = false;
    read_top(root, m, oci ? manifest_kind::oci_index : manifest_kind::docker_manifest_list,
             [&](field f, json::value v, const json::path& at) {
               if (f == field::manifests) {
                 has_manifests = true;
                 read_descriptors(v, at, descriptor_role::entry, oci, m.manifests);
               } else if constexpr (oci) {
                 read_oci_member(f, v, at, m, has_artifact_type);
               }
             });
    if (!has_manifests) missing(json::path{}.key("manifests"));
  }

  /// Builds the model of a document of kind `k` in `out`, a default-constructed any_manifest
  /// (rules and problems as the class comment says). The model is built in place: moving a
  /// whole manifest costs, and so does replacing the empty OCI manifest `out` starts with.
  void read(json::value root, manifest_kind k, any_manifest& out) {
    auto& v = out.variant();
    switch (k) {
      case manifest_kind::oci_manifest: read_manifest(root, fresh<image_manifest>(v)); return;
      case manifest_kind::oci_index: read_index(root, fresh<image_index>(v)); return;
      case manifest_kind::docker_manifest: read_manifest(root, fresh<docker_manifest>(v)); return;
      case manifest_kind::docker_manifest_list:
        read_index(root, fresh<docker_manifest_list>(v));
        return;
    }
  }

  /// Reads a descriptor into `d`; false (after a manifest.wrong_type problem) when `v` is not an
  /// object.
  bool read_descriptor(json::value v, const json::path& at, descriptor_role role, bool oci,
                       descriptor& d) {
    if (!v.is_object()) {
      wrong_type(at, expected_found("an object (a descriptor)", v));
      return false;
    }
    const role_codes codes = codes_of(role);
    bool has_media_type = false;
    bool has_digest = false;
    bool has_size = false;
    bool digest_ok = false;
    bool size_ok = false;
    bool has_platform = false;
    std::optional<json::value> data;
    for (const json::member mem : v.members()) {
      const std::string_view k = mem.key;
      const json::path field = at.key(k);
      switch (field_of(k)) {
        case field::media_type: {
          has_media_type = true;
          if (mem.value.is_string()) {
            d.media_type.assign(mem.value.get_string());
            if (rules_) check_media_type(d.media_type, field, codes.media_type, role);
          } else {
            report(severity::error, codes.media_type, field, expected_found("a string", mem.value));
          }
          break;
        }
        case field::digest: {
          has_digest = true;
          digest_ok = read_digest(mem.value, field, codes.digest, d);
          break;
        }
        case field::size: {
          has_size = true;
          size_ok = read_size(mem.value, field, codes.size, d.size);
          break;
        }
        case field::urls: {
          read_urls(mem.value, field, d.urls);
          break;
        }
        case field::annotations: {
          read_annotations(mem.value, field, d.annotations);
          break;
        }
        case field::data: {
          if (mem.value.is_string()) {
            d.data.emplace(mem.value.get_string());
            data = mem.value;
          } else {
            wrong_type(field, expected_found("a string (base64)", mem.value));
          }
          break;
        }
        case field::artifact_type: {
          read_artifact_type(mem.value, field, d.artifact_type);
          break;
        }
        case field::platform: {
          has_platform = true;
          read_platform(mem.value, field, oci, d.platform);
          break;
        }
        default: break;
      }
    }
    if (!has_media_type) missing(at.key("mediaType"));
    if (!has_digest) missing(at.key("digest"));
    if (!has_size) missing(at.key("size"));
    if (!rules_) return true;
    if (data) check_data(*data, at.key("data"), d, digest_ok, size_ok);
    if (role == descriptor_role::layer &&
        d.media_type.known_index() ==
            known_media_type(media_types::docker_foreign_layer_tar_gzip) &&
        d.urls.empty()) {
      report(severity::error, errc::manifest_foreign_layer_urls, at);
    }
    if (role == descriptor_role::entry && !oci && !has_platform) {
      report(severity::warning, errc::manifest_platform_missing, at.key("platform"));
    }
    if (d.media_type.known_index() == known_media_type(media_types::oci_empty) && digest_ok &&
        size_ok) {
      if (d.size != empty_blob_size) {
        report(severity::warning, errc::manifest_empty_descriptor_mismatch, at,
               "its size is " + std::to_string(d.size) + ", not 2");
      } else if (d.digest.algorithm() == "sha256" && d.digest.string() != empty_blob_digest) {
        report(severity::warning, errc::manifest_empty_descriptor_mismatch, at,
               "its digest is " + d.digest.str() + ", not " + std::string(empty_blob_digest));
      }
    }
    return true;
  }

 private:
  void report(severity s, errc code, const json::path& at, std::string detail = {}) {
    out_.push_back(problem{s, error(code, error::npos, std::move(detail)).at_pointer(at.str())});
  }
  // The alternative `Model` of a default-constructed variant: the one it holds already (an
  // empty OCI manifest), else a new one.
  template <class Model>
  static Model& fresh(any_manifest::variant_type& v) {
    if (auto* m = std::get_if<Model>(&v)) return *m;
    return v.emplace<Model>();
  }
  void missing(const json::path& at) { report(severity::error, errc::manifest_missing_field, at); }
  void wrong_type(const json::path& at, std::string detail) {
    report(severity::error, errc::manifest_wrong_type, at, std::move(detail));
  }

  /// The members of a document's top level, in document order: schemaVersion and mediaType
  /// here, the others to `member(field, value, path)`; then finish_top.
  template <class Model, class Member>
  void read_top(json::value root, Model& m, manifest_kind kind, Member member) {
    const json::path top;
    bool has_schema = false;
    bool has_media_type = false;
    for (const json::member mem : root.members()) {
      const json::path at = top.key(mem.key);
      const field f = field_of(mem.key);
      if (f == field::schema_version) {
        has_schema = true;
        m.schema_version = read_schema_version(mem.value, at);
      } else if (f == field::media_type) {
        has_media_type = read_string(mem.value, at, m.media_type);
      } else {
        member(f, mem.value, at);
      }
    }
    finish_top(top, has_schema, has_media_type, kind);
  }

  /// artifactType, subject and annotations, which OCI manifests and indexes share.
  template <class Model>
  void read_oci_member(field f, json::value v, const json::path& at, Model& m,
                       bool& has_artifact_type) {
    switch (f) {
      case field::artifact_type:
        has_artifact_type = true;
        read_artifact_type(v, at, m.artifact_type);
        break;
      case field::subject: read_subject(v, at, m.subject); break;
      case field::annotations: read_annotations(v, at, m.annotations); break;
      default: break;
    }
  }

  void finish_top(const json::path& top, bool has_schema, bool has_media_type, manifest_kind k) {
    if (!has_schema) missing(top.key("schemaVersion"));
    if (rules_ && !has_media_type) {
      report(severity::warning, errc::manifest_media_type_missing, top.key("mediaType"),
             std::string(media_type_of(k)));
    }
  }

  template <class Text>  // std::string, media_type_text
  bool read_string(json::value v, const json::path& at, Text& out) {
    if (!v.is_string()) {
      wrong_type(at, expected_found("a string", v));
      return false;
    }
    out.assign(v.get_string());
    return true;
  }

  void read_string_array(json::value v, const json::path& at, std::vector<std::string>& out) {
    if (!v.is_array()) {
      wrong_type(at, expected_found("an array of strings", v));
      return;
    }
    out.reserve(v.size());
    std::size_t i = 0;
    for (const json::value e : v.elements()) {
      if (e.is_string()) {
        out.emplace_back(e.get_string());
      } else {
        wrong_type(at.index(i), expected_found("a string", e));
      }
      ++i;
    }
  }

  int read_schema_version(json::value v, const json::path& at) {
    if (v.kind() == json::value_kind::int64 && v.get_int64() == 2) return 2;
    std::string detail = "expected the integer 2, found ";
    switch (v.kind()) {
      case json::value_kind::int64: detail += std::to_string(v.get_int64()); break;
      case json::value_kind::uint64: detail += std::to_string(v.get_uint64()); break;
      case json::value_kind::number: detail += v.number_text(); break;
      default: detail += json::to_description(v.kind()); break;
    }
    report(severity::error, errc::manifest_schema_version_invalid, at, std::move(detail));
    return 0;
  }

  void read_artifact_type(json::value v, const json::path& at, std::string& out) {
    if (!read_string(v, at, out)) return;
    if (rules_ && !is_valid_media_type(out)) {
      report(severity::error, errc::manifest_artifact_type_invalid, at, media_type_error(out));
    }
  }

  void check_media_type(const media_type_text& mt, const json::path& at, errc code,
                        descriptor_role role) {
    if (!mt.is_known()) {  // the known ones are valid, and only known layer types are deprecated
      if (!is_valid_media_type(mt)) report(severity::error, code, at, media_type_error(mt));
      return;
    }
    if (role == descriptor_role::layer && is_deprecated_layer(mt)) {
      report(severity::warning, errc::manifest_layer_deprecated, at,
             quote_text(mt) + ": non-distributable layers are deprecated since image-spec v1.1");
    }
  }

  // The common case inline: a plain sha256 digest that the options accept.
  OCIKIT_ALWAYS_INLINE bool read_digest(json::value v, const json::path& at, errc code,
                                        descriptor& d) {
    if (OCIKIT_LIKELY(v.is_string()) && is_plain_sha256(v.get_string()) &&
        (!rules_ || opt_.accepted_algorithms.contains(digest_algorithm::sha256))) {
      d.digest.assign(digest_view::unchecked(v.get_string(), 6));
      return true;
    }
    return read_other_digest(v, at, code, d);
  }

  OCIKIT_NOINLINE bool read_other_digest(json::value v, const json::path& at, errc code,
                                         descriptor& d) {
    if (!v.is_string()) {
      report(severity::error, code, at, expected_found("a string", v));
      return false;
    }
    const std::string_view s = v.get_string();
    if (is_plain_sha256(s)) {  // not accepted by the options
      d.digest.assign(digest_view::unchecked(s, 6));
      report(severity::error, errc::manifest_digest_not_accepted, at, "sha256");
      return false;
    }
    const auto parsed = parse_digest_lenient(s);
    if (!parsed) {
      report(severity::error, code, at, quote_text(s) + ": " + parsed.error().message());
      return false;
    }
    d.digest.assign(*parsed);
    if (!rules_) return true;
    if (const auto alg = parsed->known_algorithm()) {
      if (!opt_.accepted_algorithms.contains(*alg)) {
        report(severity::error, errc::manifest_digest_not_accepted, at,
               std::string(to_string(*alg)));
        return false;
      }
    } else {
      report(severity::warning, errc::manifest_digest_unverifiable, at,
             std::string(parsed->algorithm()));
    }
    return true;
  }

  // The common case inline: an integer from 0 to 2^63-1.
  OCIKIT_ALWAYS_INLINE bool read_size(json::value v, const json::path& at, errc code,
                                      std::int64_t& out) {
    if (OCIKIT_LIKELY(v.kind() == json::value_kind::int64 && v.get_int64() >= 0)) {
      out = v.get_int64();
      return true;
    }
    return read_other_size(v, at, code, out);
  }

  OCIKIT_NOINLINE bool read_other_size(json::value v, const json::path& at, errc code,
                                       std::int64_t& out) {
    switch (v.kind()) {
      case json::value_kind::int64:
        out = v.get_int64();
        if (out >= 0) return true;
        report(severity::error, code, at, std::to_string(out) + " is negative");
        return false;
      case json::value_kind::uint64:
        report(severity::error, code, at,
               std::to_string(v.get_uint64()) + " is larger than 9223372036854775807");
        return false;
      case json::value_kind::number: {
        const std::string_view text = v.number_text();
        const bool integral = text.find_first_of(".eE") == std::string_view::npos;
        report(severity::error, code, at,
               integral ? std::string(text) + " is larger than 9223372036854775807"
                        : "expected an integer, found the number " + std::string(text));
        return false;
      }
      default: report(severity::error, code, at, expected_found("an integer", v)); return false;
    }
  }

  void read_urls(json::value v, const json::path& at, std::vector<std::string>& out) {
    if (!v.is_array()) {
      wrong_type(at, expected_found("an array of URLs", v));
      return;
    }
    out.reserve(v.size());
    std::size_t i = 0;
    for (const json::value e : v.elements()) {
      const json::path item = at.index(i++);
      if (!e.is_string()) {
        wrong_type(item, expected_found("a string", e));
        continue;
      }
      out.emplace_back(e.get_string());
      if (!rules_) continue;
      std::string_view scheme;
      std::string fault = url_fault(out.back(), scheme);
      if (!fault.empty()) {
        report(severity::error, errc::manifest_url_invalid, item, std::move(fault));
      } else if (!equals_lower(scheme, "http") && !equals_lower(scheme, "https")) {
        report(severity::warning, errc::manifest_url_scheme, item, std::string(scheme));
      }
    }
  }

  void read_annotations(json::value v, const json::path& at, annotation_map& out) {
    if (!v.is_object()) {
      wrong_type(at, expected_found("an object of strings", v));
      return;
    }
    for (const json::member mem : v.members()) {
      if (mem.value.is_string()) {
        // Names are unique (strict JSON) and often sorted: the hint makes that case O(1).
        out.emplace_hint(out.end(), mem.key, mem.value.get_string());
      } else {
        report(severity::error, errc::manifest_annotation_invalid, at.key(mem.key),
               expected_found("a string value", mem.value));
      }
    }
  }

  // Builds the platform in place in `out` (a platform is six strings and vectors: moving one
  // costs); leaves `out` empty when `v` is not an object.
  void read_platform(json::value v, const json::path& at, bool oci, std::optional<platform>& out) {
    if (!v.is_object()) {
      wrong_type(at, expected_found("an object (a platform)", v));
      out.reset();
      return;
    }
    platform& p = out.emplace();
    bool has_architecture = false;
    bool has_os = false;
    for (const json::member mem : v.members()) {
      const std::string_view k = mem.key;
      const json::path field = at.key(k);
      switch (field_of(k)) {
        // An empty string is missing: the model cannot tell them apart (json/serialize.hpp
        // omits it), so a document must not either. A value of another type was reported.
        case field::architecture: {
          has_architecture =
              !read_string(mem.value, field, p.architecture) || !p.architecture.empty();
          break;
        }
        case field::os: {
          has_os = !read_string(mem.value, field, p.os) || !p.os.empty();
          break;
        }
        case field::os_version: {
          read_string(mem.value, field, p.os_version);
          break;
        }
        case field::os_features: {
          read_string_array(mem.value, field, p.os_features);
          break;
        }
        case field::variant: {
          read_string(mem.value, field, p.variant);
          break;
        }
        case field::features: {
          read_string_array(mem.value, field, p.features);
          if (rules_ && oci)
            report(severity::warning, errc::manifest_platform_features_reserved, field);
          break;
        }
        default: break;
      }
    }
    if (!has_architecture) missing(at.key("architecture"));
    if (!has_os) missing(at.key("os"));
  }

  void read_descriptors(json::value v, const json::path& at, descriptor_role role, bool oci,
                        std::vector<descriptor>& out) {
    if (!v.is_array()) {
      wrong_type(at, expected_found("an array of descriptors", v));
      return;
    }
    out.reserve(v.size());
    std::size_t i = 0;
    for (const json::value e : v.elements()) {
      read_descriptor(e, at.index(i++), role, oci, out.emplace_back());
    }
  }

  void read_subject(json::value v, const json::path& at, std::optional<descriptor>& out) {
    out.emplace();
    if (!read_descriptor(v, at, descriptor_role::subject, true, *out)) out.reset();
  }

  void check_data(json::value v, const json::path& at, const descriptor& d, bool digest_ok,
                  bool size_ok) {
    std::string bytes;
    const auto fault = decode_base64(v.get_string(), bytes);
    if (!fault.why.empty()) {
      report(severity::error, errc::manifest_data_invalid, at,
             "not padded base64: " + std::string(fault.why) + " at byte " +
                 std::to_string(fault.offset));
      return;
    }
    if (size_ok && bytes.size() != static_cast<std::uint64_t>(d.size)) {
      report(severity::error, errc::manifest_data_size_mismatch, at,
             "it decodes to " + std::to_string(bytes.size()) + " bytes, the size is " +
                 std::to_string(d.size));
      return;
    }
    if (!digest_ok) return;
    const auto alg = d.digest.known_algorithm();
    if (!alg || *alg == digest_algorithm::blake3) return;  // not computable: digest_unverifiable
    const auto actual = hash_bytes(*alg, std::string_view(bytes));
    if (actual && *actual != d.digest) {
      report(severity::error, errc::manifest_data_digest_mismatch, at,
             "it hashes to " + actual->str() + ", the digest is " + d.digest.str());
    }
  }

  const check_options& opt_;
  bool rules_;
  std::vector<problem>& out_;
};

}  // namespace detail

}  // namespace ocikit

#endif  // OCIKIT_DETAIL_MANIFEST_READER_HPP
