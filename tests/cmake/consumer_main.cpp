// The consumer program of the three packaging tests (find_package, add_subdirectory,
// FetchContent): each project under tests/cmake/ builds this one file against ocikit.
// Includes the umbrella header, calls into ocikit and into the dependencies that the
// ocikit::ocikit target must bring along (Boost.JSON, OpenSSL's libcrypto).
#include <ocikit/ocikit.hpp>
// The umbrella header must be self-sufficient: it comes first.
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <cstdio>
#include <string_view>
#include <system_error>

namespace {
int failures = 0;
void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "consumer: FAILED %s\n", what);
    ++failures;
  }
}
}  // namespace

int main() {
  check(ocikit::to_string(ocikit::errc::reference_empty) == "reference.empty",
        "to_string(errc::reference_empty) == \"reference.empty\"");
  const std::error_code ec = ocikit::make_error_code(ocikit::errc::reference_empty);
  check(std::string_view(ec.category().name()) == "ocikit", "error category is \"ocikit\"");
  const auto ref = ocikit::parse_reference("localhost/team/app:1.0");
  check(ref.has_value() && ref->domain() == "localhost" && ref->path() == "team/app" &&
            ref->tag() == "1.0",
        "parse_reference(\"localhost/team/app:1.0\")");
  const auto empty = ocikit::parse_reference("");
  check(!empty.has_value() && empty.error().id() == "reference.empty",
        "parse_reference(\"\") fails with reference.empty");
#ifdef OCIKIT_EXPECTED_VERSION
  check(std::string_view(OCIKIT_VERSION_STRING) == OCIKIT_EXPECTED_VERSION,
        "OCIKIT_VERSION_STRING equals the package version");
#endif
  // Link-time checks: these need Boost::json and OpenSSL::Crypto through ocikit::ocikit.
  check(boost::json::parse(R"({"schemaVersion":2})").at("schemaVersion").as_int64() == 2,
        "Boost.JSON parses");
  check(EVP_MD_size(EVP_sha256()) == 32, "OpenSSL sha256 is 32 bytes");
  if (failures == 0) std::puts("consumer: ok (ocikit " OCIKIT_VERSION_STRING ")");
  return failures == 0 ? 0 : 1;
}
