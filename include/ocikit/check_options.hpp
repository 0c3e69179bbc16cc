// The options every check of a document shares: ocikit::parse_manifest (as its `checks`),
// ocikit::validate and the builders of ocikit/build.hpp (validate_options and build_options
// are this struct).
//
// Example:
//   ocikit::validate(parsed, {.strict = true});
//   ocikit::parse_manifest(body, {.checks = {.accepted_algorithms = {ocikit::digest_algorithm::sha256}}});
//   ocikit::make_image_manifest(config, layers, {.max_size = 1 << 20});
#ifndef OCIKIT_CHECK_OPTIONS_HPP
#define OCIKIT_CHECK_OPTIONS_HPP

#include <cstddef>

#include "ocikit/digest.hpp"
#include "ocikit/json/strict_parser.hpp"

namespace ocikit {

/// What parse_manifest, validate and the builders check a document with.
struct check_options {
  /// An OCI image manifest with no layers is an error rather than a warning
  /// (manifest.layers_empty).
  bool strict = false;
  /// Digest algorithms a descriptor may use. A registered algorithm outside the set is an error
  /// (manifest.digest_not_accepted); an algorithm ocikit does not know stays a warning.
  /// Default: every algorithm ocikit knows (sha256, sha384, sha512, blake3).
  algorithm_set accepted_algorithms = algorithm_set::all();
  /// Largest document accepted, in bytes (registries accept 4 MiB), checked before any parsing
  /// work (json.too_large). validate() works on bytes parse_manifest accepted and ignores it.
  std::size_t max_size = json::default_max_size;

  friend constexpr bool operator==(const check_options&, const check_options&) noexcept = default;
};

}  // namespace ocikit

#endif  // OCIKIT_CHECK_OPTIONS_HPP
