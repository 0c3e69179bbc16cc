// Parsing manifests and indexes from their exact bytes.
//
//   ocikit::parse_manifest(bytes, options)       -> result<parsed_manifest>
//   ocikit::parse_manifest_file(path, options)   -> result<parsed_manifest>   the size bound is
//                                                   checked (fstat) before the file is read
//   ocikit::parse_descriptor(bytes, options)     -> result<parsed_descriptor>  (a descriptor
//                                                   document, application/vnd.oci.descriptor.v1+json)
//
// In this order (docs/manifest.md):
//   1. size: more than `checks.max_size` bytes (default 4 MiB) fails before any other work
//      (json.too_large);
//   2. digest of the exact bytes (never of a re-serialisation): `parsed.digest`, `parsed.size`
//      (sha256 is fed a block at a time while step 3 reads the bytes: the processor runs the
//      two side by side);
//   3. the strict JSON layer (ocikit/json/strict_parser.hpp): UTF-8 only, no BOM, no duplicate
//      member names, no lone surrogates, no comments, no trailing data, bounded depth;
//   4. what the document is (CVE-2021-41190):
//        - a present `mediaType` decides and must be one of the four kinds exactly
//          (manifest.unsupported_media_type); Docker schema 1 and the removed OCI artifact
//          manifest are recognised and refused (manifest.unsupported_schema1,
//          manifest.unsupported_artifact);
//        - without it: `manifests` -> OCI index, `config`/`layers` -> OCI manifest (Docker kinds
//          require mediaType); `fsLayers` or schemaVersion 1 -> schema 1; neither ->
//          manifest.unknown_kind;
//        - a manifest with `manifests`, an index with `config` or `layers` (even `[]`), anything
//          with `fsLayers`: manifest.ambiguous;
//        - `expected_media_type` (an HTTP Content-Type, parameters ignored, or the parent
//          descriptor's mediaType) must name the same kind (manifest.media_type_mismatch);
//   5. the model, and the rules of ocikit/validate.hpp (unless `validate` is false: then only
//      what building the model needs — JSON types, required members, digest grammar, integer
//      ranges — is checked), in one walk (ocikit/detail/manifest_reader.hpp).
// Steps 1-4 fail the parse. Problems of step 5 are kept in `parsed.problems`; with
// `reject_invalid` (the default) a document with any error-severity problem fails the parse with
// the first of them, so a value always means "valid". Set `reject_invalid = false` to get the
// model and the full report of an invalid document.
//
// Example:
//   auto m = ocikit::parse_manifest(body, {.expected_media_type = content_type,
//                                          .checks = {.strict = true}});
//   if (!m) return m.error();                  // e.g. manifest.layer_digest_invalid at /layers/2/digest
//   m->digest;                                 // sha256 of the exact bytes
//   for (const auto& layer : m->manifest.layers()) fetch(layer);
#ifndef OCIKIT_PARSE_MANIFEST_HPP
#define OCIKIT_PARSE_MANIFEST_HPP

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/check_options.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/manifest_reader.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/file.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/json/pointer.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/problem.hpp"

namespace ocikit {

/// Options of parse_manifest and parse_descriptor.
struct manifest_parse_options {
  /// What the document must be, e.g. an HTTP Content-Type (parameters are ignored) or the parent
  /// descriptor's mediaType. Empty: no expectation.
  std::string_view expected_media_type{};
  /// The rules' options and the size limit: `strict`, `accepted_algorithms`, `max_size`
  /// (ocikit/check_options.hpp).
  check_options checks{};
  /// Deepest nesting accepted (capped at json::max_depth_limit).
  std::size_t max_depth = json::default_max_depth;
  /// The algorithm of `parsed_manifest::digest` (sha256, sha384 or sha512).
  digest_algorithm hash_algorithm = digest_algorithm::sha256;
  /// Run the rules of ocikit/validate.hpp (else only what building the model needs).
  bool validate = true;
  /// Fail the parse with the first error-severity problem (else return the model and report).
  bool reject_invalid = true;
};

/// A parsed descriptor document and its problems.
struct parsed_descriptor {
  ocikit::descriptor descriptor;  ///< the model
  std::vector<problem> problems;  ///< errors and warnings, in document order
  /// True when no problem is an error.
  [[nodiscard]] bool valid() const noexcept { return !has_errors(problems); }
};

namespace detail {

inline error document_error(errc code, std::string_view pointer, std::string detail = {}) {
  return error(code, error::npos, std::move(detail)).at_pointer(std::string(pointer));
}

/// What the document is (rules 1-3 of "What a document is" in docs/manifest.md).
inline result<manifest_kind> detect_kind(json::value root) {
  std::optional<json::value> media_type;
  std::optional<json::value> schema_version;
  bool manifests = false;
  bool config = false;
  bool layers = false;
  bool fs_layers = false;
  for (const json::member m : root.members()) {
    switch (field_of(m.key)) {
      case field::media_type: media_type = m.value; break;
      case field::schema_version: schema_version = m.value; break;
      case field::manifests: manifests = true; break;
      case field::config: config = true; break;
      case field::layers: layers = true; break;
      case field::fs_layers: fs_layers = true; break;
      default: break;
    }
  }
  manifest_kind kind = manifest_kind::oci_manifest;
  if (media_type) {
    if (!media_type->is_string()) {
      return document_error(errc::manifest_wrong_type, "/mediaType",
                            expected_found("a string", *media_type));
    }
    const std::string_view mt = media_type->get_string();
    if (is_schema1(mt)) {
      return document_error(errc::manifest_unsupported_schema1, "/mediaType",
                            "the media type is " + quote_text(mt));
    }
    if (mt == media_types::oci_artifact_manifest) {
      return document_error(errc::manifest_unsupported_artifact, "/mediaType");
    }
    const auto k = manifest_kind_of(mt);
    if (!k) {
      return document_error(errc::manifest_unsupported_media_type, "/mediaType",
                            quote_text(mt) + " is not an OCI or Docker manifest or index type");
    }
    kind = *k;
  } else {
    if (fs_layers) {
      return document_error(errc::manifest_unsupported_schema1, "/fsLayers",
                            "the document has fsLayers");
    }
    if (schema_version && schema_version->kind() == json::value_kind::int64 &&
        schema_version->get_int64() == 1) {
      return document_error(errc::manifest_unsupported_schema1, "/schemaVersion",
                            "schemaVersion is 1");
    }
    if (manifests && (config || layers)) {
      return document_error(errc::manifest_ambiguous, config ? "/config" : "/layers",
                            "a document without mediaType has both manifests and " +
                                std::string(config ? "config" : "layers"));
    }
    if (manifests) {
      kind = manifest_kind::oci_index;
    } else if (config || layers) {
      kind = manifest_kind::oci_manifest;
    } else {
      return document_error(errc::manifest_unknown_kind, "");
    }
  }
  // "<member> is not allowed in <kind>" (the text is made only on this error path).
  const auto not_allowed = [kind](std::string_view pointer, std::string_view member) {
    std::string detail(member);
    detail += " is not allowed in ";
    detail += describe(kind);
    return document_error(errc::manifest_ambiguous, pointer, std::move(detail));
  };
  if (fs_layers) return not_allowed("/fsLayers", "fsLayers (Docker schema 1)");
  if (is_index(kind)) {
    if (config) return not_allowed("/config", "config");
    if (layers) return not_allowed("/layers", "layers");
  } else if (manifests) {
    return not_allowed("/manifests", "manifests");
  }
  return kind;
}

/// Rule 4 of "What a document is": an outside expectation must name the detected kind.
inline result<void> check_expected(json::value root, manifest_kind kind,
                                   std::string_view expected) {
  if (expected.empty()) return {};
  const std::string_view want = strip_parameters(expected);
  if (want == media_type_of(kind)) return {};
  const auto declared = root.find("mediaType");
  std::string detail = "the document is ";
  detail += describe(kind);
  detail += declared ? " (" + quote_text(media_type_of(kind)) + ")"
                     : std::string(" (inferred: it has no mediaType)");
  detail += ", but " + quote_text(want) + " was expected";
  return document_error(errc::manifest_media_type_mismatch, declared ? "/mediaType" : "",
                        std::move(detail));
}

inline error too_large(std::size_t size, std::size_t limit) {
  return error(errc::json_too_large, limit,
               std::to_string(size) + " bytes, the limit is " + std::to_string(limit));
}

// Frees the storage of a thread's scratch document after a parse that made it large.
class release_if_large {
 public:
  explicit release_if_large(json::document& doc) noexcept : doc_(doc) {}
  release_if_large(const release_if_large&) = delete;
  release_if_large& operator=(const release_if_large&) = delete;
  ~release_if_large() {
    if (doc_.node_capacity() > max_kept_nodes) doc_ = json::document();
  }

 private:
  static constexpr std::size_t max_kept_nodes = 4096;
  json::document& doc_;
};

inline json::strict_options strict_options_of(const manifest_parse_options& o) noexcept {
  json::strict_options so;
  so.max_size = o.checks.max_size;
  so.max_depth = o.max_depth;
  return so;
}

/// Steps 3-5 into `out` (kind and model, problems): the strict tape, kind detection and the
/// reader. The first failure, if any; with `reject_invalid`, the first error-severity problem
/// too. `progress` is called as the tape moves through `bytes` (json::detail::parse_strict_paced),
/// and with the end of `bytes` once the tape is built.
template <class Progress>
result<void> read_document(std::string_view bytes, const manifest_parse_options& options,
                           parsed_manifest& out, Progress& progress) {
  // The tape's storage is reused by the calls of a thread (a large one is released after use).
  thread_local json::document doc;
  const release_if_large release(doc);
  if (auto ok = json::detail::parse_strict_paced(doc, bytes, strict_options_of(options), progress);
      !ok) {
    return std::move(ok).error();
  }
  progress(bytes.data() + bytes.size());
  const json::value root = doc.root();
  if (!root.is_object()) return document_error(errc::manifest_not_object, "");
  auto kind = detect_kind(root);
  if (!kind) return std::move(kind).error();
  if (auto ok = check_expected(root, *kind, options.expected_media_type); !ok) {
    return std::move(ok).error();
  }
  out.kind = *kind;
  manifest_reader reader(options.checks, options.validate, out.problems);
  reader.read(root, *kind, out.manifest);
  if (options.reject_invalid) {
    for (problem& p : out.problems) {
      if (p.severity == severity::error) return std::move(p.error);
    }
  }
  return {};
}

/// The document's digest into `out.digest`, and steps 3-5 (read_document).
inline result<void> digest_and_read(std::string_view bytes, const manifest_parse_options& options,
                                    parsed_manifest& out) {
#if defined(OCIKIT_HAS_SHA256_BLOCKS)
  if (options.hash_algorithm == digest_algorithm::sha256) {
    // The digest is computed a block at a time while the tape is built (see sha256_blocks): a
    // parse of the registry mix takes about 88% of the time it takes with the digest computed
    // first (benchmarks/registry_mix.cpp).
    sha256_blocks sha(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
    if (auto ok = read_document(bytes, options, out, sha); !ok) return ok;
    out.digest = sha.finish();
    return {};
  }
#endif
  auto digest = hash_bytes(options.hash_algorithm, bytes);
  if (!digest) return digest.error();
  out.digest = std::move(*digest);
  json::detail::no_progress none;
  return read_document(bytes, options, out, none);
}

/// Reads a document into `out`, a default-constructed parsed_manifest (the steps at the top of
/// this file); the first failure, if any (then `out` is not to be used).
inline result<void> read_manifest(std::string_view bytes, const manifest_parse_options& options,
                                  parsed_manifest& out) {
  const std::size_t max_size = options.checks.max_size;
  if (bytes.size() > max_size) return too_large(bytes.size(), max_size);
  out.size = static_cast<std::int64_t>(bytes.size());
  if (auto ok = digest_and_read(bytes, options, out); !ok) return ok;
  out.bytes = std::string(bytes);  // built at its size (assign() grows a string)
  return {};
}

}  // namespace detail

/// Parses a manifest or an index from its exact bytes (see the steps at the top of this file).
/// Example: `auto m = ocikit::parse_manifest(body, {.expected_media_type = content_type});`
inline result<parsed_manifest> parse_manifest(std::string_view bytes,
                                              const manifest_parse_options& options = {}) {
  // The value is built in place in the result, and every return is `r`: no move of the model
  // (a return of anything else, even before `r` is declared, makes g++ and clang move it).
  result<parsed_manifest> r(boost::system::in_place_value);
  if (auto ok = detail::read_manifest(bytes, options, *r); !ok) r = std::move(ok).error();
  return r;
}

namespace detail {

/// The structure of a manifest (its kind, children and blobs) without the rules: parse_manifest
/// with `validate` and `reject_invalid` off, `expected_media_type` = `media_type` (when not
/// empty) and the digest by `alg`. What moving and listing manifests needs; a document that is
/// not one of the four kinds still fails.
inline result<parsed_manifest> read_structure(std::string_view bytes,
                                              std::string_view media_type = {},
                                              digest_algorithm alg = digest_algorithm::sha256) {
  manifest_parse_options o;
  o.validate = false;
  o.reject_invalid = false;
  o.expected_media_type = media_type;
  o.hash_algorithm = alg;
  return parse_manifest(bytes, o);
}

}  // namespace detail

/// parse_manifest over raw bytes.
inline result<parsed_manifest> parse_manifest(std::span<const std::byte> bytes,
                                              const manifest_parse_options& options = {}) {
  return parse_manifest(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                        options);
}

/// parse_manifest over the contents of a file. A regular file larger than `checks.max_size`
/// is refused from its size (fstat) before anything is read (json.too_large); anything else is
/// read up to max_size + 1 bytes. io.failed names the path and the system's reason.
/// Example: `auto m = ocikit::parse_manifest_file("blobs/sha256/ab12...", {.validate = false});`
inline result<parsed_manifest> parse_manifest_file(const std::filesystem::path& path,
                                                   const manifest_parse_options& options = {}) {
  auto fd = open_file(path);
  if (!fd) return fd.error();
  const std::size_t limit = options.checks.max_size;
  auto in = read_at_most(fd->get(), limit, file_name(path));
  if (!in) return in.error();
  if (in->too_large) {
    if (in->file_size) return detail::too_large(static_cast<std::size_t>(*in->file_size), limit);
    return error(
        errc::json_too_large, limit,
        "more than " + std::to_string(limit) + " bytes, the limit is " + std::to_string(limit));
  }
  return parse_manifest(in->bytes, options);
}

/// Parses a descriptor document (application/vnd.oci.descriptor.v1+json) with the descriptor
/// rules of ocikit/validate.hpp; the size limit and the strict JSON layer as parse_manifest.
/// Example: `auto d = ocikit::parse_descriptor(R"({"mediaType":"text/plain","digest":...})");`
inline result<parsed_descriptor> parse_descriptor(std::string_view bytes,
                                                  const manifest_parse_options& options = {}) {
  const std::size_t max_size = options.checks.max_size;
  if (bytes.size() > max_size) return detail::too_large(bytes.size(), max_size);
  auto doc = json::parse_strict(bytes, detail::strict_options_of(options));
  if (!doc) return std::move(doc).error();
  parsed_descriptor out;
  detail::manifest_reader reader(options.checks, options.validate, out.problems);
  if (!reader.read_descriptor(doc->root(), json::path{}, detail::descriptor_role::descriptor, true,
                              out.descriptor)) {
    return std::move(out.problems.front().error);
  }
  if (options.reject_invalid) {
    for (problem& p : out.problems) {
      if (p.severity == severity::error) return std::move(p.error);
    }
  }
  return out;
}

}  // namespace ocikit

#endif  // OCIKIT_PARSE_MANIFEST_HPP
