// ocikit::error — one error type for every parser and check in ocikit.
//
// An error carries
//   - a fine-grained code (`errc`) with a stable printable id such as `reference.invalid_tag`;
//   - a coarse `condition` equal to the error the Go reference implementation returns for the
//     same input (`invalid_format`, `name_contains_uppercase`, `digest_unsupported`, ...);
//   - where the input went wrong: a byte offset for strings, a JSON pointer for documents;
//   - the offending byte when there is one, and an optional detail text;
//   - a message a person can act on, built on demand (no allocation while parsing):
//       "repository name must be lowercase: 'M' at byte 9".
// It converts to std::error_code (category "ocikit") whose default condition is the coarse one.
//
// To add a code: append one OCIKIT_ERRC line in the area's block below. The id and the message
// template are part of the contract; tests compare exact texts. Message templates understand
//   {o} the byte offset, {c} the offending byte quoted ('M', or byte 0x07), {d} the detail text,
//   {x} and {y} two numbers, {p} the JSON pointer (or "/" for the document itself).
#ifndef OCIKIT_ERROR_HPP
#define OCIKIT_ERROR_HPP

#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ocikit/config.hpp"
#include "ocikit/detail/ascii.hpp"

namespace ocikit {

// Coarse conditions. The first group matches the errors of Go's distribution/reference and
// go-digest one to one; the rest group the other areas.
#define OCIKIT_CONDITIONS(X) \
  X(invalid_format)          \
  X(name_empty)              \
  X(name_contains_uppercase) \
  X(name_too_long)           \
  X(name_not_canonical)      \
  X(name_is_identifier)      \
  X(digest_invalid_format)   \
  X(digest_invalid_length)   \
  X(digest_unsupported)      \
  X(digest_mismatch)         \
  X(size_mismatch)           \
  X(policy_violation)        \
  X(io_error)                \
  X(resource_limit)          \
  X(json_invalid)            \
  X(manifest_invalid)        \
  X(manifest_unsupported)    \
  X(platform_invalid)        \
  X(not_found)               \
  X(locked)

// X(enumerator, "stable.id", condition, "message template")
#define OCIKIT_ERRORS(X)                                                                          \
  /* references */                                                                                \
  X(reference_empty, "reference.empty", name_empty,                                               \
    "reference is empty: a repository name needs at least one component")                         \
  X(reference_invalid_format, "reference.invalid_format", invalid_format,                         \
    "invalid reference format: unexpected {c} at byte {o}")                                       \
  X(reference_unexpected_end, "reference.unexpected_end", invalid_format,                         \
    "invalid reference format: the reference ends too early at byte {o}")                         \
  X(reference_invalid_domain, "reference.invalid_domain", invalid_format,                         \
    "invalid registry domain at byte {o}: unexpected {c}; domain labels are letters, digits and " \
    "inner '-', separated by '.'")                                                                \
  X(reference_invalid_port, "reference.invalid_port", invalid_format,                             \
    "invalid registry port at byte {o}: unexpected {c}; a port is decimal digits only")           \
  X(reference_invalid_path, "reference.invalid_path", invalid_format,                             \
    "invalid repository path at byte {o}: unexpected {c}; path components are lowercase letters " \
    "and digits separated by '.', '_', '__' or '-'")                                              \
  X(reference_uppercase, "reference.uppercase", name_contains_uppercase,                          \
    "repository name must be lowercase: {c} at byte {o}")                                         \
  X(reference_name_too_long, "reference.name_too_long", name_too_long,                            \
    "repository name must not be more than 255 bytes: the path is {x} bytes long")                \
  X(reference_invalid_tag, "reference.invalid_tag", invalid_format,                               \
    "invalid tag at byte {o}: unexpected {c}; a tag starts with a letter, digit or '_' and "      \
    "continues with letters, digits, '_', '.' or '-'")                                            \
  X(reference_tag_too_long, "reference.tag_too_long", invalid_format,                             \
    "invalid tag at byte {o}: a tag is at most 128 bytes long")                                   \
  X(reference_invalid_digest, "reference.invalid_digest", invalid_format,                         \
    "invalid digest at byte {o}: unexpected {c}; a digest is an algorithm, ':' and at least 32 "  \
    "hex digits")                                                                                 \
  X(reference_is_identifier, "reference.is_identifier", name_is_identifier,                       \
    "invalid repository name: a 64-digit hexadecimal string is an image ID, not a name")          \
  X(reference_not_canonical, "reference.not_canonical", name_not_canonical,                       \
    "repository name must be canonical: the fully qualified form is '{d}'")                       \
  X(reference_invalid_argument, "reference.invalid_argument", invalid_format, "invalid {d}")      \
  /* registry policies (optional stricter checks) */                                              \
  X(policy_uppercase, "policy.uppercase", policy_violation,                                       \
    "registry policy: the login server must be lowercase: {c} at byte {o}")                       \
  X(policy_port, "policy.port", policy_violation,                                                 \
    "registry policy: the login server must not name a port (byte {o})")                          \
  X(policy_invalid_character, "policy.invalid_character", policy_violation,                       \
    "registry policy: {c} at byte {o} is not allowed in a repository name here; allowed are "     \
    "[a-z0-9._/-]")                                                                               \
  X(policy_missing_domain, "policy.missing_domain", policy_violation,                             \
    "registry policy: the reference must name its registry")                                      \
  /* digests */                                                                                   \
  X(digest_empty, "digest.empty", digest_invalid_format, "digest is empty")                       \
  X(digest_missing_separator, "digest.missing_separator", digest_invalid_format,                  \
    "invalid digest: no ':' between algorithm and encoded part")                                  \
  X(digest_empty_algorithm, "digest.empty_algorithm", digest_invalid_format,                      \
    "invalid digest: the algorithm before ':' is empty")                                          \
  X(digest_empty_encoded, "digest.empty_encoded", digest_invalid_format,                          \
    "invalid digest: the encoded part after ':' is empty (byte {o})")                             \
  X(digest_invalid_algorithm, "digest.invalid_algorithm", digest_invalid_format,                  \
    "invalid digest algorithm at byte {o}: {c} is not allowed; algorithms are lowercase letters " \
    "and digits separated by '+', '.', '_' or '-'")                                               \
  X(digest_invalid_encoded, "digest.invalid_encoded", digest_invalid_format,                      \
    "invalid digest at byte {o}: {c} is not allowed in the encoded part")                         \
  X(digest_unsupported, "digest.unsupported", digest_unsupported,                                 \
    "unsupported digest algorithm '{d}'")                                                         \
  X(digest_invalid_length, "digest.invalid_length", digest_invalid_length,                        \
    "invalid digest length: {d} digests have {x} hex digits, this one has {y}")                   \
  X(digest_invalid_hex, "digest.invalid_hex", digest_invalid_format,                              \
    "invalid digest at byte {o}: {c} is not a lowercase hex digit")                               \
  /* hashing and content verification */                                                          \
  X(hash_unavailable, "hash.unavailable", io_error, "hash algorithm unavailable: {d}")            \
  X(hash_failed, "hash.failed", io_error, "hashing failed: {d}")                                  \
  X(content_digest_mismatch, "content.digest_mismatch", digest_mismatch,                          \
    "content digest mismatch: {d}")                                                               \
  X(content_size_mismatch, "content.size_mismatch", size_mismatch, "content size mismatch: {d}")  \
  X(io_failed, "io.failed", io_error, "{d}")                                                      \
  X(input_line_too_long, "input.line_too_long", resource_limit,                                   \
    "the input line is longer than {x} bytes and was not parsed")                                 \
  /* OCI image layouts on disk (ocikit/layout/) */                                                \
  X(layout_invalid, "layout.invalid", invalid_format, "not an OCI image layout: {d}")             \
  X(layout_not_found, "layout.not_found", not_found, "not in the OCI image layout: {d}")          \
  X(layout_ambiguous, "layout.ambiguous", invalid_format,                                         \
    "the OCI image layout holds more than one image, name one as oci:DIR:NAME: {d}")              \
  /* strict JSON layer: json.* codes are appended here */                                         \
  X(json_too_large, "json.too_large", resource_limit, "document too large: {d}")                  \
  X(json_empty, "json.empty", json_invalid, "invalid JSON: the document is empty")                \
  X(json_bom, "json.bom", json_invalid,                                                           \
    "invalid JSON at byte 0: a byte order mark; JSON documents are UTF-8 without a BOM")          \
  X(json_invalid_utf8, "json.invalid_utf8", json_invalid,                                         \
    "invalid JSON at byte {o}: {c} is not valid UTF-8")                                           \
  X(json_syntax, "json.syntax", json_invalid, "invalid JSON at byte {o}: unexpected {c}")         \
  X(json_incomplete, "json.incomplete", json_invalid,                                             \
    "invalid JSON: the document ends at byte {o} before its value is complete")                   \
  X(json_trailing_data, "json.trailing_data", json_invalid,                                       \
    "invalid JSON at byte {o}: {c} after the end of the document")                                \
  X(json_comment, "json.comment", json_invalid,                                                   \
    "invalid JSON at byte {o}: comments are not allowed in JSON")                                 \
  X(json_lone_surrogate, "json.lone_surrogate", json_invalid,                                     \
    "invalid JSON at byte {o}: a \\u escape of an unpaired UTF-16 surrogate")                     \
  X(json_duplicate_key, "json.duplicate_key", json_invalid,                                       \
    "duplicate member name at {p} (byte {o}): member names must be unique")                       \
  X(json_too_deep, "json.too_deep", resource_limit,                                               \
    "document nests deeper than {d} levels at byte {o}")                                          \
  /* manifests: manifest.* codes are appended here */                                             \
  X(manifest_not_object, "manifest.not_object", manifest_invalid,                                 \
    "the document is not a JSON object: a manifest or an index is an object")                     \
  X(manifest_unsupported_schema1, "manifest.unsupported_schema1", manifest_unsupported,           \
    "Docker image manifest schema 1 is not supported: {d}")                                       \
  X(manifest_unsupported_artifact, "manifest.unsupported_artifact", manifest_unsupported,         \
    "the OCI artifact manifest (application/vnd.oci.artifact.manifest.v1+json) was removed from " \
    "the image spec before v1.1.0 and is not supported")                                          \
  X(manifest_unsupported_media_type, "manifest.unsupported_media_type", manifest_unsupported,     \
    "unsupported document media type at {p}: {d}")                                                \
  X(manifest_unknown_kind, "manifest.unknown_kind", manifest_invalid,                             \
    "cannot tell what the document is: it has no mediaType and none of manifests, config or "     \
    "layers")                                                                                     \
  X(manifest_ambiguous, "manifest.ambiguous", manifest_invalid,                                   \
    "ambiguous document at {p}: {d} (CVE-2021-41190)")                                            \
  X(manifest_media_type_mismatch, "manifest.media_type_mismatch", manifest_invalid,               \
    "media type mismatch: {d}")                                                                   \
  X(manifest_missing_field, "manifest.missing_field", manifest_invalid,                           \
    "missing required field {p}")                                                                 \
  X(manifest_wrong_type, "manifest.wrong_type", manifest_invalid, "wrong JSON type at {p}: {d}")  \
  X(manifest_schema_version_invalid, "manifest.schema_version_invalid", manifest_invalid,         \
    "invalid schemaVersion at {p}: {d}")                                                          \
  X(manifest_media_type_missing, "manifest.media_type_missing", manifest_invalid,                 \
    "missing {p}: the document should declare its media type {d}")                                \
  X(manifest_config_media_type_invalid, "manifest.config_media_type_invalid", manifest_invalid,   \
    "invalid config media type at {p}: {d}")                                                      \
  X(manifest_config_digest_invalid, "manifest.config_digest_invalid", manifest_invalid,           \
    "invalid config digest at {p}: {d}")                                                          \
  X(manifest_config_size_invalid, "manifest.config_size_invalid", manifest_invalid,               \
    "invalid config size at {p}: {d}")                                                            \
  X(manifest_layer_media_type_invalid, "manifest.layer_media_type_invalid", manifest_invalid,     \
    "invalid layer media type at {p}: {d}")                                                       \
  X(manifest_layer_digest_invalid, "manifest.layer_digest_invalid", manifest_invalid,             \
    "invalid layer digest at {p}: {d}")                                                           \
  X(manifest_layer_size_invalid, "manifest.layer_size_invalid", manifest_invalid,                 \
    "invalid layer size at {p}: {d}")                                                             \
  X(manifest_entry_media_type_invalid, "manifest.entry_media_type_invalid", manifest_invalid,     \
    "invalid index entry media type at {p}: {d}")                                                 \
  X(manifest_entry_digest_invalid, "manifest.entry_digest_invalid", manifest_invalid,             \
    "invalid index entry digest at {p}: {d}")                                                     \
  X(manifest_entry_size_invalid, "manifest.entry_size_invalid", manifest_invalid,                 \
    "invalid index entry size at {p}: {d}")                                                       \
  X(manifest_subject_media_type_invalid, "manifest.subject_media_type_invalid", manifest_invalid, \
    "invalid subject media type at {p}: {d}")                                                     \
  X(manifest_subject_digest_invalid, "manifest.subject_digest_invalid", manifest_invalid,         \
    "invalid subject digest at {p}: {d}")                                                         \
  X(manifest_subject_size_invalid, "manifest.subject_size_invalid", manifest_invalid,             \
    "invalid subject size at {p}: {d}")                                                           \
  X(manifest_descriptor_media_type_invalid, "manifest.descriptor_media_type_invalid",             \
    manifest_invalid, "invalid descriptor media type at {p}: {d}")                                \
  X(manifest_descriptor_digest_invalid, "manifest.descriptor_digest_invalid", manifest_invalid,   \
    "invalid descriptor digest at {p}: {d}")                                                      \
  X(manifest_descriptor_size_invalid, "manifest.descriptor_size_invalid", manifest_invalid,       \
    "invalid descriptor size at {p}: {d}")                                                        \
  X(manifest_digest_unverifiable, "manifest.digest_unverifiable", digest_unsupported,             \
    "unverifiable digest at {p}: ocikit does not know the algorithm '{d}'")                       \
  X(manifest_digest_not_accepted, "manifest.digest_not_accepted", digest_unsupported,             \
    "digest algorithm '{d}' at {p} is not accepted")                                              \
  X(manifest_artifact_type_invalid, "manifest.artifact_type_invalid", manifest_invalid,           \
    "invalid artifactType at {p}: {d}")                                                           \
  X(manifest_artifact_type_missing, "manifest.artifact_type_missing", manifest_invalid,           \
    "missing {p}: a manifest whose config has the empty media type "                              \
    "(application/vnd.oci.empty.v1+json) must declare artifactType")                              \
  X(manifest_url_invalid, "manifest.url_invalid", manifest_invalid, "invalid URL at {p}: {d}")    \
  X(manifest_url_scheme, "manifest.url_scheme", manifest_invalid,                                 \
    "URL at {p} has the scheme '{d}': http or https is expected")                                 \
  X(manifest_annotation_invalid, "manifest.annotation_invalid", manifest_invalid,                 \
    "invalid annotation at {p}: {d}")                                                             \
  X(manifest_data_invalid, "manifest.data_invalid", manifest_invalid, "invalid data at {p}: {d}") \
  X(manifest_data_size_mismatch, "manifest.data_size_mismatch", size_mismatch,                    \
    "data at {p} does not match the size: {d}")                                                   \
  X(manifest_data_digest_mismatch, "manifest.data_digest_mismatch", digest_mismatch,              \
    "data at {p} does not match the digest: {d}")                                                 \
  X(manifest_layers_empty, "manifest.layers_empty", manifest_invalid,                             \
    "{p} is empty: an image manifest should have at least one layer")                             \
  X(manifest_foreign_layer_urls, "manifest.foreign_layer_urls", manifest_invalid,                 \
    "foreign layer at {p} has no urls: a Docker foreign layer must say where to download it")     \
  X(manifest_layer_deprecated, "manifest.layer_deprecated", manifest_invalid,                     \
    "deprecated layer media type at {p}: {d}")                                                    \
  X(manifest_empty_descriptor_mismatch, "manifest.empty_descriptor_mismatch", manifest_invalid,   \
    "descriptor at {p} has the empty media type but is not the empty blob '{}': {d}")             \
  X(manifest_platform_features_reserved, "manifest.platform_features_reserved", manifest_invalid, \
    "{p} is reserved by the OCI image spec for future use")                                       \
  X(manifest_platform_missing, "manifest.platform_missing", manifest_invalid,                     \
    "missing {p}: a Docker manifest list entry should name its platform")                         \
  /* platforms: platform.* codes are appended here */                                             \
  X(platform_empty, "platform.empty", platform_invalid,                                           \
    "platform specifier is empty: write <os>, <arch> or <os>/<arch>[/<variant>], "                \
    "e.g. 'linux/amd64'")                                                                         \
  X(platform_wildcard, "platform.wildcard", platform_invalid,                                     \
    "wildcard '*' at byte {o} is not supported in a platform specifier: name the os and "         \
    "architecture, e.g. 'linux/amd64'")                                                           \
  X(platform_too_many_parts, "platform.too_many_parts", platform_invalid,                         \
    "too many parts in platform specifier: a third '/' at byte {o}; the form is "                 \
    "<os>/<arch>[/<variant>]")                                                                    \
  X(platform_empty_part, "platform.empty_part", platform_invalid,                                 \
    "empty {d} at byte {o}: each part of <os>/<arch>[/<variant>] needs at least one "             \
    "character")                                                                                  \
  X(platform_invalid_os, "platform.invalid_os", platform_invalid,                                 \
    "invalid operating system at byte {o}: unexpected {c}; an os is letters, digits, '_' or "     \
    "'-', optionally followed by (version[+feature...])")                                         \
  X(platform_invalid_os_option, "platform.invalid_os_option", platform_invalid,                   \
    "invalid os version or feature at byte {o}: unexpected {c}; use letters, digits, '_', '.', "  \
    "'-' or %XX escapes, '+' before each feature and ')' at the end")                             \
  X(platform_unclosed_os_options, "platform.unclosed_os_options", platform_invalid,               \
    "unclosed '(' in platform specifier: the input ends at byte {o}; close the os version and "   \
    "features with ')'")                                                                          \
  X(platform_empty_os_feature, "platform.empty_os_feature", platform_invalid,                     \
    "empty os feature at byte {o}: each '+' must be followed by a feature name, e.g. "            \
    "'windows(10.0.20348+win32k)'")                                                               \
  X(platform_invalid_escape, "platform.invalid_escape", platform_invalid,                         \
    "invalid percent escape at byte {o}: '%' must be followed by two hex digits, e.g. '%2B' "     \
    "for '+'")                                                                                    \
  X(platform_invalid_architecture, "platform.invalid_architecture", platform_invalid,             \
    "invalid architecture at byte {o}: unexpected {c}; an architecture is letters, digits, "      \
    "'_', '.' or '-'")                                                                            \
  X(platform_invalid_variant, "platform.invalid_variant", platform_invalid,                       \
    "invalid variant at byte {o}: unexpected {c}; a variant is letters, digits, '_', '.' or "     \
    "'-'")                                                                                        \
  X(platform_unknown_os_or_arch, "platform.unknown_os_or_arch", platform_invalid,                 \
    "unknown operating system or architecture '{d}': a single word must be a known os "           \
    "(linux, windows, darwin, ...) or architecture (amd64, arm64, arm, ...); write "              \
    "<os>/<arch> for any other")                                                                  \
  X(platform_unknown_os, "platform.unknown_os", platform_invalid,                                 \
    "unknown operating system '{d}': a version or features in parentheses need a known os, or "   \
    "the form <os>(...)/<arch>")                                                                  \
  X(platform_no_match, "platform.no_match", not_found, "no manifest for {d}")                     \
  X(platform_not_an_index, "platform.not_an_index", manifest_unsupported,                         \
    "cannot select a platform from {d}: only an OCI image index or a Docker manifest list has "   \
    "one entry per platform")                                                                     \
  /* the registry store: store.* codes are appended here */                                       \
  X(store_not_found, "store.not_found", not_found, "not found: {d}")                              \
  X(store_locked, "store.locked", locked, "locked: {d}")                                          \
  X(store_digest_mismatch, "store.digest_mismatch", digest_mismatch,                              \
    "digest mismatch, nothing was stored: {d}")                                                   \
  X(store_size_mismatch, "store.size_mismatch", size_mismatch,                                    \
    "size mismatch, nothing was stored: {d}")                                                     \
  X(store_blob_missing, "store.blob_missing", not_found,                                          \
    "the manifest references a blob the store does not have, push it first: {d}")                 \
  X(store_manifest_missing, "store.manifest_missing", not_found,                                  \
    "the index references a manifest that is not in the repository, push it first: {d}")          \
  X(store_manifest_invalid, "store.manifest_invalid", manifest_invalid,                           \
    "invalid manifest, nothing was stored: {d}")                                                  \
  X(store_wrong_registry, "store.wrong_registry", policy_violation, "wrong registry: {d}")        \
  X(store_invalid_name, "store.invalid_name", invalid_format, "invalid {d}")                      \
  X(store_not_a_store, "store.not_a_store", not_found,                                            \
    "not an ocikit store: {d}; create one with `ocikit store init`")                              \
  X(store_exists, "store.exists", policy_violation, "{d}")                                        \
  X(store_corrupt, "store.corrupt", io_error,                                                     \
    "the store is inconsistent: {d}; run `ocikit store "                                          \
    "fsck --repair`")                                                                             \
  X(store_io, "store.io", io_error, "store I/O error: {d}")                                       \
  /* remote registries: remote.* codes are appended here */                                       \
  X(remote_url_invalid, "remote.url_invalid", invalid_format, "invalid URL: {d}")                 \
  X(remote_connect, "remote.connect", io_error, "cannot connect: {d}")                            \
  X(remote_tls, "remote.tls", io_error, "TLS failed: {d}")                                        \
  X(remote_timeout, "remote.timeout", io_error, "timed out: {d}")                                 \
  X(remote_protocol, "remote.protocol", io_error, "the server's response is malformed: {d}")      \
  X(remote_too_large, "remote.too_large", resource_limit, "the response is too large: {d}")       \
  X(remote_too_many_redirects, "remote.too_many_redirects", io_error, "too many redirects: {d}")  \
  X(remote_unauthorized, "remote.unauthorized", policy_violation,                                 \
    "authentication required or refused: {d}")                                                    \
  X(remote_denied, "remote.denied", policy_violation, "access denied: {d}")                       \
  X(remote_unsupported, "remote.unsupported", policy_violation,                                   \
    "the registry does not support this: {d}")                                                    \
  X(remote_too_many_requests, "remote.too_many_requests", resource_limit,                         \
    "the registry asks to slow down (429): {d}")                                                  \
  X(remote_error, "remote.error", io_error, "the registry answered with an error: {d}")           \
  X(remote_credentials, "remote.credentials", io_error, "credentials: {d}")

enum class condition : int {
  ok = 0,
#define OCIKIT_X_CONDITION(name) name,
  OCIKIT_CONDITIONS(OCIKIT_X_CONDITION)
#undef OCIKIT_X_CONDITION
};

enum class errc : int {
  ok = 0,
#define OCIKIT_X_ERRC(name, id, cond, text) name,
  OCIKIT_ERRORS(OCIKIT_X_ERRC)
#undef OCIKIT_X_ERRC
};

namespace detail {

struct errc_info {
  std::string_view id;
  condition cond;
  std::string_view text;
};

inline constexpr errc_info errc_table[] = {{"ok", condition::ok, "no error"},
#define OCIKIT_X_INFO(name, id, cond, text) {id, condition::cond, text},
                                           OCIKIT_ERRORS(OCIKIT_X_INFO)
#undef OCIKIT_X_INFO
};

inline constexpr std::string_view condition_names[] = {"ok",
#define OCIKIT_X_CONDITION_NAME(name) #name,
                                                       OCIKIT_CONDITIONS(OCIKIT_X_CONDITION_NAME)
#undef OCIKIT_X_CONDITION_NAME
};

constexpr const errc_info& info(errc e) noexcept {
  const auto i = static_cast<std::size_t>(e);
  return i < std::size(errc_table) ? errc_table[i] : errc_table[0];
}

// Quotes one byte for a message: 'M', or "byte 0x07" when it is not printable ASCII.
inline void append_quoted_byte(std::string& out, char ch) {
  const auto u = static_cast<unsigned char>(ch);
  if (u >= 0x20 && u < 0x7f) {
    out += '\'';
    out += ch;
    out += '\'';
  } else {
    char digits[2];
    encode_hex(&u, 1, digits);
    out += "byte 0x";
    out.append(digits, 2);
  }
}

}  // namespace detail

/// The stable printable id of a code, e.g. "reference.invalid_tag".
constexpr std::string_view to_string(errc e) noexcept { return detail::info(e).id; }

/// The name of a condition, e.g. "name_contains_uppercase".
constexpr std::string_view to_string(condition c) noexcept {
  const auto i = static_cast<std::size_t>(c);
  return i < std::size(detail::condition_names) ? detail::condition_names[i] : "unknown";
}

/// The coarse condition of a code.
constexpr condition condition_of(errc e) noexcept { return detail::info(e).cond; }

namespace detail {

class condition_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ocikit.condition"; }
  std::string message(int ev) const override {
    return std::string(to_string(static_cast<condition>(ev)));
  }
};

class error_category_impl final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ocikit"; }
  std::string message(int ev) const override {
    return std::string(to_string(static_cast<errc>(ev)));
  }
  std::error_condition default_error_condition(int ev) const noexcept override;
};

}  // namespace detail

inline const std::error_category& condition_category() noexcept {
  static const detail::condition_category_impl instance;
  return instance;
}

inline const std::error_category& error_category() noexcept {
  static const detail::error_category_impl instance;
  return instance;
}

inline std::error_condition make_error_condition(condition c) noexcept {
  return {static_cast<int>(c), condition_category()};
}

inline std::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), error_category()};
}

inline std::error_condition detail::error_category_impl::default_error_condition(
    int ev) const noexcept {
  return make_error_condition(condition_of(static_cast<errc>(ev)));
}

/// An ocikit error: code, where, and the means to say it in words.
class error {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  error() noexcept = default;
  /// An error at a byte offset; `ch` is the offending byte when `has_char`.
  // NOLINTNEXTLINE(google-explicit-constructor): an errc converts to an error on purpose
  constexpr error(errc code, std::size_t offset = npos) noexcept : code_(code), offset_(offset) {}
  constexpr error(errc code, std::size_t offset, char ch) noexcept
      : code_(code), offset_(offset), ch_(ch), has_char_(true) {}
  /// An error with a detail text (a name, two digests that differ, an OS error...).
  error(errc code, std::size_t offset, std::string detail)
      : code_(code), offset_(offset), detail_(std::move(detail)) {}

  /// The same error with the numbers that its message shows as {x} and {y} (kept as numbers so
  /// that building the error does not allocate).
  [[nodiscard]] constexpr error with_numbers(std::size_t x, std::size_t y = 0) && {
    x_ = x;
    y_ = y;
    return std::move(*this);
  }
  [[nodiscard]] constexpr std::size_t number_x() const noexcept { return x_; }
  [[nodiscard]] constexpr std::size_t number_y() const noexcept { return y_; }

  /// The same error, as a document error at a JSON pointer (RFC 6901).
  [[nodiscard]] error at_pointer(std::string pointer) && {
    pointer_ = std::move(pointer);
    has_pointer_ = true;
    return std::move(*this);
  }
  /// The same error with every byte offset moved by `delta` (for errors of embedded parts).
  [[nodiscard]] constexpr error shifted(std::size_t delta) const& {
    error e = *this;
    if (e.offset_ != npos) e.offset_ += delta;
    return e;
  }
  [[nodiscard]] error shifted(std::size_t delta) && {
    if (offset_ != npos) offset_ += delta;
    return std::move(*this);
  }

  [[nodiscard]] constexpr errc code() const noexcept { return code_; }
  [[nodiscard]] constexpr ocikit::condition condition() const noexcept {
    return condition_of(code_);
  }
  [[nodiscard]] constexpr std::string_view id() const noexcept { return to_string(code_); }
  [[nodiscard]] constexpr std::string_view condition_name() const noexcept {
    return to_string(condition());
  }
  /// Byte offset into the input where it went wrong, or npos.
  [[nodiscard]] constexpr std::size_t offset() const noexcept { return offset_; }
  [[nodiscard]] constexpr bool has_offset() const noexcept { return offset_ != npos; }
  [[nodiscard]] constexpr bool has_char() const noexcept { return has_char_; }
  [[nodiscard]] constexpr char character() const noexcept { return ch_; }
  [[nodiscard]] std::string_view detail() const noexcept { return detail_; }
  [[nodiscard]] bool has_pointer() const noexcept { return has_pointer_; }
  /// JSON pointer of a document error ("" is the whole document).
  [[nodiscard]] std::string_view pointer() const noexcept { return pointer_; }

  [[nodiscard]] std::error_code error_code() const noexcept { return make_error_code(code_); }
  /// `std::error_code ec = err;` (category "ocikit"; its default condition is the coarse one).
  operator std::error_code() const noexcept {  // NOLINT(google-explicit-constructor)
    return make_error_code(code_);
  }

  /// A sentence for a person, e.g. "repository name must be lowercase: 'M' at byte 9".
  [[nodiscard]] std::string message() const {
    const std::string_view t = detail::info(code_).text;
    std::string out;
    out.reserve(t.size() + detail_.size() + 16);
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '{' && i + 2 < t.size() && t[i + 2] == '}') {
        switch (t[i + 1]) {
          case 'o':
            out += offset_ == npos ? std::string("?") : std::to_string(offset_);
            i += 2;
            continue;
          case 'c':
            if (has_char_) {
              detail::append_quoted_byte(out, ch_);
            } else {
              out += "end of input";
            }
            i += 2;
            continue;
          case 'd':
            out += detail_;
            i += 2;
            continue;
          case 'x':
            out += std::to_string(x_);
            i += 2;
            continue;
          case 'y':
            out += std::to_string(y_);
            i += 2;
            continue;
          case 'p':
            out += pointer_.empty() ? std::string_view("/") : std::string_view(pointer_);
            i += 2;
            continue;
          default: break;
        }
      }
      out += t[i];
    }
    return out;
  }

  friend constexpr bool operator==(const error& a, errc b) noexcept { return a.code_ == b; }
  friend constexpr bool operator==(const error& a, ocikit::condition b) noexcept {
    return a.condition() == b;
  }
  friend bool operator==(const error& a, const error& b) noexcept {
    return a.code_ == b.code_ && a.offset_ == b.offset_ && a.has_char_ == b.has_char_ &&
           (!a.has_char_ || a.ch_ == b.ch_) && a.x_ == b.x_ && a.y_ == b.y_ &&
           a.detail_ == b.detail_ && a.pointer_ == b.pointer_;
  }

 private:
  errc code_ = errc::ok;
  std::size_t offset_ = npos;
  std::size_t x_ = 0;
  std::size_t y_ = 0;
  char ch_ = 0;
  bool has_char_ = false;
  bool has_pointer_ = false;
  std::string detail_;
  std::string pointer_;
};

/// Writes "id: message", e.g. "reference.uppercase: repository name must be lowercase: 'M' at
/// byte 9".
inline std::ostream& operator<<(std::ostream& os, const error& e) {
  return os << e.id() << ": " << e.message();
}
/// Writes the stable id ("reference.invalid_tag").
inline std::ostream& operator<<(std::ostream& os, errc e) { return os << to_string(e); }
/// Writes the condition's name ("name_contains_uppercase").
inline std::ostream& operator<<(std::ostream& os, condition c) { return os << to_string(c); }

/// Thrown by the throwing conveniences and by result<T>::value() on an error.
class system_error : public std::runtime_error {
 public:
  explicit system_error(error e) : std::runtime_error(e.message()), error_(std::move(e)) {}
  [[nodiscard]] const ocikit::error& get() const noexcept { return error_; }

 private:
  ocikit::error error_;
};

/// Found by ADL from boost::system::result<T, ocikit::error>::value().
[[noreturn]] inline void throw_exception_from_error(const error& e, const boost::source_location&) {
  throw system_error(e);
}

/// Every fallible ocikit function returns a result: a value or an ocikit::error.
/// (An alias so that it can become std::expected once the toolchains have it.)
template <class T>
using result = boost::system::result<T, error>;

}  // namespace ocikit

template <>
struct std::is_error_code_enum<ocikit::errc> : std::true_type {};
template <>
struct std::is_error_condition_enum<ocikit::condition> : std::true_type {};

#endif  // OCIKIT_ERROR_HPP
