// Fuzzing of manifest parsing and validation (ocikit/parse_manifest.hpp, ocikit/validate.hpp,
// ocikit/referrers.hpp).
//
// The input is the document. Every oracle below that does not hold calls abort():
//   - parse_manifest never crashes, and reports in bounded memory and depth (the size and depth
//     limits are the defaults; sanitizers watch the rest);
//   - a parsed document keeps the exact bytes, their size, and their sha256;
//   - validate(parsed) finds the same problems as the parse, and the default (rejecting) parse
//     succeeds exactly when the report has no error, failing with the report's first error;
//   - the same bytes viewed as each of the four kinds (expected_media_type) parse exactly when
//     kind detection found that kind, and otherwise fail with the same error or a mismatch;
//   - every error has a code, a printable id and a non-empty message; every problem's pointer
//     is "" or starts with '/';
//   - parse_descriptor never crashes and its errors are well-formed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocikit/hash.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/validate.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void check_error(const ocikit::error& e) {
  check(e.code() != ocikit::errc::ok);
  check(!e.id().empty());
  check(!e.message().empty());
  check(e.pointer().empty() || e.pointer().front() == '/');
}

constexpr ocikit::manifest_kind kinds[] = {
    ocikit::manifest_kind::oci_manifest, ocikit::manifest_kind::oci_index,
    ocikit::manifest_kind::docker_manifest, ocikit::manifest_kind::docker_manifest_list};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  ocikit::manifest_parse_options report;
  report.reject_invalid = false;
  const auto parsed = ocikit::parse_manifest(bytes, report);
  const auto strict = ocikit::parse_manifest(bytes);

  if (!parsed) {
    check_error(parsed.error());
    check(!strict.has_value());
    check(strict.error() == parsed.error());
  } else {
    check(parsed->bytes == bytes);
    check(parsed->size == static_cast<std::int64_t>(size));
    // Against the EVP hasher: parse_manifest feeds SHA256_* while it parses.
    ocikit::hasher h(ocikit::digest_algorithm::sha256);
    h.update(bytes);
    check(h.finish() == parsed->digest);
    const auto sha = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes);
    check(sha.has_value() && *sha == parsed->digest);
    check(parsed->manifest.kind() == parsed->kind);
    for (const ocikit::problem& p : parsed->problems) check_error(p.error);
    check(ocikit::validate(*parsed) == parsed->problems);
    check(strict.has_value() == parsed->valid());
    if (strict) {
      check(strict->manifest == parsed->manifest);
      check(strict->digest == parsed->digest);
    } else {
      const ocikit::problem* first = nullptr;
      for (const ocikit::problem& p : parsed->problems) {
        if (p.severity == ocikit::severity::error) {
          first = &p;
          break;
        }
      }
      check(first != nullptr && first->error == strict.error());
    }
    (void)ocikit::referrer_descriptor(*parsed);
  }

  // The same bytes as each kind: agreement with kind detection.
  for (const ocikit::manifest_kind k : kinds) {
    ocikit::manifest_parse_options as = report;
    as.expected_media_type = ocikit::media_type_of(k);
    const auto viewed = ocikit::parse_manifest(bytes, as);
    if (parsed && parsed->kind == k) {
      check(viewed.has_value());
      check(viewed->manifest == parsed->manifest);
      check(viewed->problems == parsed->problems);
    } else {
      check(!viewed.has_value());
      check(parsed ? viewed.error().code() == ocikit::errc::manifest_media_type_mismatch
                   : viewed.error() == parsed.error());
    }
  }

  const auto d = ocikit::parse_descriptor(bytes);
  if (!d) check_error(d.error());
  return 0;
}
