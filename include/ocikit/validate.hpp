// Validation of manifests and indexes: every rule of docs/manifest.md, all problems reported
// (not just the first), each with a severity, a stable code and the JSON pointer of the
// offending value.
//
//   ocikit::validate(parsed, options)            -> std::vector<problem>
//   ocikit::verify_descriptor(descriptor, bytes) -> result<void>   size first, then digest
//   ocikit::validate_options                     the rules' options (ocikit::check_options)
//
// The rules run in one walk that also builds the model (ocikit/detail/manifest_reader.hpp), the
// walk ocikit::parse_manifest makes; the referrers helpers are in ocikit/referrers.hpp.
//
// The rules (E = error, W = warning; <role> is config, layer, entry (index manifests[]),
// subject or descriptor):
//   document   schemaVersion present and the integer 2 (manifest.schema_version_invalid, E);
//              mediaType should be present in OCI kinds (manifest.media_type_missing, W);
//              required members present (manifest.missing_field, E): config and layers in
//              manifests, manifests in indexes; known members of the wrong JSON type
//              (manifest.wrong_type, E); artifactType an RFC 6838 media type
//              (manifest.artifact_type_invalid, E) and required when config.mediaType is the
//              empty type (manifest.artifact_type_missing, E); an OCI manifest without layers
//              (manifest.layers_empty: W, E when `strict`). Unknown members are ignored.
//   descriptor mediaType, digest and size required (manifest.missing_field, E);
//              mediaType an RFC 6838 media type (manifest.<role>_media_type_invalid, E);
//              digest of the OCI grammar, registered algorithms exact
//              (manifest.<role>_digest_invalid, E); a well-formed algorithm ocikit does not know
//              (manifest.digest_unverifiable, W); a known algorithm outside the accepted set
//              (manifest.digest_not_accepted, E); size an exact integer in [0, 2^63-1], never a
//              string or `2.0` (manifest.<role>_size_invalid, E); urls an array of absolute
//              URIs (manifest.url_invalid, E), http or https expected (manifest.url_scheme, W);
//              annotations an object of strings (manifest.annotation_invalid, E); data padded
//              base64 (manifest.data_invalid, E) whose bytes have length `size`
//              (manifest.data_size_mismatch, E) and hash to `digest`
//              (manifest.data_digest_mismatch, E); Docker foreign layers carry urls
//              (manifest.foreign_layer_urls, E); OCI non-distributable layer types are
//              deprecated (manifest.layer_deprecated, W); the empty media type on something
//              other than the blob `{}` (manifest.empty_descriptor_mismatch, W).
//   platform   architecture and os required (manifest.missing_field, E); os.version and
//              variant strings, os.features and features arrays of strings (manifest.wrong_type,
//              E); `features` is reserved in OCI documents
//              (manifest.platform_features_reserved, W); a Docker manifest list entry without
//              platform (manifest.platform_missing, W).
// What a document is (CVE-2021-41190), its size, and the JSON hygiene are checked by
// ocikit::parse_manifest (ocikit/parse_manifest.hpp) before these rules run.
//
// Example:
//   auto parsed = ocikit::parse_manifest(bytes, {.reject_invalid = false});
//   for (const ocikit::problem& p : ocikit::validate(*parsed, {.strict = true}))
//     std::cout << p.id() << ' ' << p.pointer() << ": " << p.message() << '\n';
#ifndef OCIKIT_VALIDATE_HPP
#define OCIKIT_VALIDATE_HPP

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/check_options.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/detail/manifest_reader.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/problem.hpp"

namespace ocikit {

/// Options of the rules: `strict` and `accepted_algorithms` (`max_size` is not used here).
using validate_options = check_options;

/// Runs every rule again over a parsed document's exact bytes and returns all problems in
/// document order (errors and warnings). parse_manifest already did this with its own options;
/// call validate() to apply other options, e.g. `strict`.
/// Example: `for (auto& p : ocikit::validate(parsed, {.strict = true})) puts(p.message().c_str());`
inline std::vector<problem> validate(const parsed_manifest& parsed,
                                     const validate_options& options = {}) {
  std::vector<problem> out;
  json::strict_options so;
  so.max_size = parsed.bytes.size();
  so.max_depth = json::max_depth_limit;
  auto doc = json::parse_strict(parsed.bytes, so);
  if (!doc) {
    out.push_back(problem{severity::error, std::move(doc).error()});
    return out;
  }
  if (!doc->root().is_object()) {
    out.push_back(problem{severity::error, error(errc::manifest_not_object, 0)});
    return out;
  }
  detail::manifest_reader checker(options, true, out);
  any_manifest model;
  checker.read(doc->root(), parsed.kind, model);
  return out;
}

/// Checks content against its descriptor with an ocikit::verifier: the size first
/// (content.size_mismatch), then the digest of the exact bytes (content.digest_mismatch).
/// hash.unavailable when the digest's algorithm cannot be computed (blake3, unknown algorithms).
/// Example: `if (auto r = ocikit::verify_descriptor(layer, bytes); !r) fail(r.error());`
inline result<void> verify_descriptor(const descriptor& d, std::span<const std::byte> bytes) {
  if (d.size < 0 || bytes.size() != static_cast<std::uint64_t>(d.size)) {
    return verifier::size_mismatch_error(d.size, bytes.size());
  }
  if (d.digest.empty()) return error(errc::digest_empty, 0);
  auto v = verifier::create(d.digest, d.size);
  if (!v) return v.error();
  if (auto ok = v->update(bytes); !ok) return ok;
  return v->verify();
}

/// verify_descriptor over the bytes of a string.
inline result<void> verify_descriptor(const descriptor& d, std::string_view bytes) {
  return verify_descriptor(d, std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

}  // namespace ocikit

#endif  // OCIKIT_VALIDATE_HPP
