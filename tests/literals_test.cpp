// Tests of the compile-time literals (ocikit::literals, in ocikit/reference.hpp and
// ocikit/digest.hpp): valid literals are constant expressions whose parts are checked with
// static_assert, and each equals the run-time parse of the same text. The literals that must not
// compile are in tests/compile_fail/.
#include "ocikit/reference.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "ocikit/digest.hpp"

using namespace ocikit::literals;

#define H64 "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
#define H96 H64 "0123456789abcdef0123456789abcdef"
#define H128 H64 H64

namespace {

// Parts checked at compile time: the literal is a constant expression.
constexpr auto ubuntu = "ubuntu:24.04"_ref;
static_assert(ubuntu.path() == "ubuntu" && ubuntu.tag() == "24.04" && !ubuntu.has_domain());
static_assert(ubuntu.familiar_string() == "ubuntu:24.04");

constexpr auto full = "registry.example.com:5000/team/app_1.x:v1.2-rc@sha256:" H64 ""_ref;
static_assert(full.domain() == "registry.example.com:5000");
static_assert(full.path() == "team/app_1.x");
static_assert(full.name() == "registry.example.com:5000/team/app_1.x");
static_assert(full.tag() == "v1.2-rc");
static_assert(full.digest() == "sha256:" H64);
static_assert(full.digest_value().algorithm() == "sha256");

constexpr auto ipv6 = "[::1]:5000/a__b--c/d"_ref;
static_assert(ipv6.domain() == "[::1]:5000" && ipv6.path() == "a__b--c/d" && !ipv6.has_tag());

constexpr auto hub = "docker.io/library/ubuntu"_ref;
static_assert(hub.familiar_name() == "ubuntu");

constexpr auto sha512 = "x@sha512:" H128 ""_ref;
static_assert(sha512.has_digest() && sha512.digest().size() == 7 + 128);

constexpr auto d256 = "sha256:" H64 ""_digest;
static_assert(d256.algorithm() == "sha256" && d256.encoded() == H64);
static_assert(d256.known_algorithm() == ocikit::digest_algorithm::sha256);
constexpr auto d384 = "sha384:" H96 ""_digest;
static_assert(d384.encoded().size() == 96);
constexpr auto d512 = "sha512:" H128 ""_digest;
static_assert(d512.known_algorithm() == ocikit::digest_algorithm::sha512);

template <class A, class B>
void check_same(const A& a, const B& b) {
  CHECK(a.string() == b.string());
  CHECK(a.domain() == b.domain());
  CHECK(a.path() == b.path());
  CHECK(a.tag() == b.tag());
  CHECK(a.digest() == b.digest());
  CHECK(a.has_domain() == b.has_domain());
  CHECK(a.has_tag() == b.has_tag());
  CHECK(a.has_digest() == b.has_digest());
  CHECK(a.offsets().domain_end == b.offsets().domain_end);
  CHECK(a.offsets().path_begin == b.offsets().path_begin);
  CHECK(a.offsets().path_end == b.offsets().path_end);
  CHECK(a.offsets().tag_end == b.offsets().tag_end);
  CHECK(a.offsets().digest_begin == b.offsets().digest_begin);
  CHECK(a.offsets().size == b.offsets().size);
}

}  // namespace

TEST_CASE("reference literals equal the run-time strict parse", "[literals]") {
  // A path of 255 bytes (the limit) and a tag of 128 (the limit) are valid literals too.
#define A16 "aaaaaaaaaaaaaaaa"
#define A64 A16 A16 A16 A16
  constexpr auto longest =
      "x.io/" A64 A64 A64 A16 A16 A16 "aaaaaaaaaaaaaaa:" A64 A64 "@sha256:" H64 ""_ref;
  static_assert(longest.path().size() == 255 && longest.tag().size() == 128);
  const ocikit::reference_view literals[] = {ubuntu, full, ipv6, hub, sha512, longest};
  for (const auto& lit : literals) {
    const std::string text(lit.string());  // a copy: the run-time parse sees other bytes
    INFO(text);
    const auto parsed = ocikit::parse_reference(text);
    REQUIRE(parsed.has_value());
    check_same(lit, *parsed);
    CHECK(lit == *parsed);
    // The literal views the literal itself (static storage), never a copy.
    CHECK(lit.string().data() != text.data());
  }
}

TEST_CASE("digest literals equal the run-time parse", "[literals]") {
  const ocikit::digest_view literals[] = {d256, d384, d512};
  for (const auto& lit : literals) {
    const std::string text(lit.string());
    INFO(text);
    const auto parsed = ocikit::parse_digest(text);
    REQUIRE(parsed.has_value());
    CHECK(lit == *parsed);
    CHECK(lit.algorithm() == parsed->algorithm());
    CHECK(lit.encoded() == parsed->encoded());
    CHECK(lit.colon() == parsed->colon());
  }
  // A literal converts to the owning digest like any view.
  const ocikit::digest owned(d256);
  CHECK(owned == "sha256:" H64);
}
