#include "ocikit/hash.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "test_support.hpp"

namespace {

using ocikit::digest_algorithm;
using ocikit::errc;
using ocikit_test::pseudo_random_bytes;

// Expected values are plain C strings: Catch2 prints them without its std::string_view support,
// which needs its main compiled as C++17 or later.
struct vector_case {
  digest_algorithm alg;
  const char* empty;
  const char* abc;
  const char* m448;  // "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
  const char* million_a;
};

// FIPS 180-2 appendix / NIST CSRC example values.
constexpr vector_case vectors[] = {
    {digest_algorithm::sha256,
     "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
     "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
     "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
     "sha256:cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"},
    {digest_algorithm::sha384,
     "sha384:38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2"
     "f14898b95b",
     "sha384:cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baec"
     "a134c825a7",
     "sha384:3391fdddfc8dc7393707a65b1b4709397cf8b1d162af05abfe8f450de5f36bc6b0455a8520bc4e6f5fe95b"
     "1fe3c8452b",
     "sha384:9d0e1809716474cb086e834e310a4a1ced149e9c00f248527972cec5704c2a5b07b8b3dc38ecc4ebae97dd"
     "d87f3d8985"},
    {digest_algorithm::sha512,
     "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318"
     "d2877eec2f63b931bd47417a81a538327af927da3e",
     "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c"
     "23a3feebbd454d4423643ce80e2a9ac94fa54ca49f",
     "sha512:204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3b"
     "ea57789ca031ad85c7a71dd70354ec631238ca3445",
     "sha512:e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb043"
     "2ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b"},
};

constexpr std::string_view m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
constexpr const char* sha256_abc =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr const char* sha256_empty =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::string name_of(digest_algorithm a) { return std::string(ocikit::to_string(a)); }

ocikit::digest sha256_of(std::string_view s) {
  return ocikit::hash_bytes(digest_algorithm::sha256, s).value();
}

}  // namespace

TEST_CASE("hasher: NIST vectors for empty, abc and the 448-bit message", "[hash]") {
  for (const auto& v : vectors) {
    CAPTURE(name_of(v.alg));
    ocikit::hasher h(v.alg);
    CHECK(h.algorithm() == v.alg);
    CHECK(h.finish() == v.empty);
    h.update("abc");
    CHECK(h.finish() == v.abc);
    h.update(m448);
    CHECK(h.finish() == v.m448);

    CHECK(ocikit::hash_bytes(v.alg, "").value() == v.empty);
    CHECK(ocikit::hash_bytes(v.alg, "abc").value() == v.abc);
    CHECK(ocikit::hash_bytes(v.alg, m448).value() == v.m448);
  }
}

TEST_CASE("hash_bytes: the one-shot digest equals the streaming hasher at every block edge",
          "[hash]") {
  // hash_bytes takes a shorter way for sha256 (OpenSSL's SHA256_* functions); the padding and
  // length encoding must agree with the EVP hasher at and around each 64-byte block edge.
  const std::string bytes = pseudo_random_bytes(4096 + 70);
  std::vector<std::size_t> sizes = {0, 1, 2, 1000, 1026, 4096, 4096 + 70};
  for (std::size_t edge = 64; edge <= 256; edge += 64) {
    for (std::size_t n = edge - 9; n <= edge + 1; ++n) sizes.push_back(n);
  }
  for (const std::size_t n : sizes) {
    CAPTURE(n);
    const std::string_view part(bytes.data(), n);
    ocikit::hasher h(digest_algorithm::sha256);
    h.update(part);
    const auto one_shot = ocikit::hash_bytes(digest_algorithm::sha256, part);
    REQUIRE(one_shot);
    CHECK(one_shot->str() == h.finish().str());
  }
  for (const auto& v : vectors) {
    CAPTURE(name_of(v.alg));
    CHECK(ocikit::hash_bytes(v.alg, "")->str() == v.empty);
    CHECK(ocikit::hash_bytes(v.alg, "abc")->str() == v.abc);
    CHECK(ocikit::hash_bytes(v.alg, m448)->str() == v.m448);
    CHECK(ocikit::hash_bytes(v.alg, std::string(1000000, 'a'))->str() == v.million_a);
  }
}

TEST_CASE("hasher: one million 'a' through many updates of uneven sizes", "[hash]") {
  const std::string block(1000, 'a');
  for (const auto& v : vectors) {
    CAPTURE(name_of(v.alg));
    ocikit::hasher h(v.alg);
    std::size_t left = 1000000;
    std::size_t step = 1;
    while (left > 0) {
      const std::size_t n = std::min({step, left, block.size()});
      h.update(std::string_view(block.data(), n));
      left -= n;
      step = step * 7 % 997 + 1;  // 1, 8, 57, 400, ...: crosses block boundaries everywhere
    }
    CHECK(h.finish() == v.million_a);
  }
}

TEST_CASE("hasher: the digest does not depend on how the bytes are split", "[hash]") {
  const std::string data = pseudo_random_bytes(1500);
  for (const auto& v : vectors) {
    CAPTURE(name_of(v.alg));
    const ocikit::digest whole = ocikit::hash_bytes(v.alg, data).value();
    ocikit::hasher h(v.alg);
    // Every two-way split.
    for (std::size_t cut = 0; cut <= data.size(); ++cut) {
      h.update(std::string_view(data).substr(0, cut));
      h.update(std::string_view(data).substr(cut));
      REQUIRE(h.finish() == whole);
    }
    // Fixed-size pieces of every width up to two blocks, plus empty updates in between.
    for (std::size_t width = 1; width <= 2 * 128 + 1; ++width) {
      for (std::size_t at = 0; at < data.size(); at += width) {
        h.update(std::string_view(data).substr(at, width));
        h.update(std::string_view());
      }
      REQUIRE(h.finish() == whole);
    }
  }
}

TEST_CASE("hasher: the update overloads feed the same bytes", "[hash]") {
  const std::string data = pseudo_random_bytes(300);
  const std::vector<unsigned char> u(data.begin(), data.end());
  std::vector<std::byte> b(data.size());
  for (std::size_t i = 0; i < data.size(); ++i) b[i] = static_cast<std::byte>(u[i]);

  ocikit::hasher h(digest_algorithm::sha256);
  h.update(std::span<const unsigned char>(u).first(100));
  h.update(std::span<const std::byte>(b).subspan(100, 100));
  h.update(std::string_view(data).substr(200));
  const ocikit::digest mixed = h.finish();
  CHECK(mixed == sha256_of(data));
  CHECK(ocikit::hash_bytes(digest_algorithm::sha256, std::span<const unsigned char>(u)).value() ==
        mixed);
  CHECK(ocikit::hash_bytes(digest_algorithm::sha256, std::span<const std::byte>(b)).value() ==
        mixed);

  // chars: std::span<char>, std::span<const char>, std::vector<char>, std::array<char, N>.
  std::vector<char> chars(data.begin(), data.end());
  h.update(std::span<char>(chars).first(10));
  h.update(std::span<const char>(chars).subspan(10, 90));
  h.update(std::vector<char>(chars.begin() + 100, chars.begin() + 299));
  std::array<char, 1> last{chars[299]};
  h.update(last);
  CHECK(h.finish() == mixed);

  ocikit::digester d(digest_algorithm::sha256);
  d.update(std::span<char>(chars));
  CHECK(d.size() == 300);
  CHECK(d.finish() == mixed);
  ocikit::verifier v(mixed, 300);
  CHECK(v.update(std::span<const char>(chars)).has_value());
  CHECK(v.verify().has_value());
  // A string literal still takes the string_view overload (no ambiguity).
  h.update("abc");
  CHECK(h.finish() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("verifier::size_mismatch_error: the text verify() and update() give", "[hash][verify]") {
  const auto e = ocikit::verifier::size_mismatch_error(3, 4);
  CHECK(e.code() == errc::content_size_mismatch);
  CHECK(e.message().find("expected 3 bytes, got 4") != std::string::npos);
  CHECK(ocikit::verifier::size_mismatch_error(3, 5, "at least ")
            .message()
            .find("expected 3 bytes, got at least 5") != std::string::npos);
  ocikit::verifier v(sha256_of("abc"), 3);
  CHECK(v.update("abcd").error() == ocikit::verifier::size_mismatch_error(3, 4, "at least "));
}

TEST_CASE("hasher: finish starts a new message and reset discards the current one", "[hash]") {
  ocikit::hasher h(digest_algorithm::sha256);
  h.update("abc");
  CHECK(h.finish() == sha256_abc);
  CHECK(h.finish() == sha256_empty);  // nothing given since the last finish
  h.update("ab");
  h.update("c");
  CHECK(h.finish() == sha256_abc);
  h.update("garbage");
  h.reset();
  h.update("abc");
  const auto d = h.try_finish();
  REQUIRE(d.has_value());
  CHECK(*d == sha256_abc);
  CHECK(std::string(d->algorithm()) == "sha256");
  CHECK(d->encoded().size() == 64);
}

TEST_CASE("hasher: movable but not copyable, and a moved-from hasher reports an error", "[hash]") {
  static_assert(!std::is_copy_constructible_v<ocikit::hasher>);
  static_assert(!std::is_copy_assignable_v<ocikit::hasher>);
  static_assert(std::is_nothrow_move_constructible_v<ocikit::hasher>);
  static_assert(std::is_nothrow_move_assignable_v<ocikit::hasher>);
  static_assert(!std::is_copy_constructible_v<ocikit::digester>);
  static_assert(std::is_nothrow_move_constructible_v<ocikit::digester>);
  static_assert(!std::is_copy_constructible_v<ocikit::verifier>);
  static_assert(std::is_move_constructible_v<ocikit::verifier>);

  ocikit::hasher a(digest_algorithm::sha256);
  a.update("a");
  ocikit::hasher b(std::move(a));  // the message continues in b
  b.update("bc");
  CHECK(b.finish() == sha256_abc);

  // NOLINTBEGIN(bugprone-use-after-move): the moved-from state is what is tested.
  a.update("ignored");
  const auto moved = a.try_finish();
  REQUIRE_FALSE(moved.has_value());
  CHECK(moved.error() == errc::hash_failed);
  CHECK(moved.error().message() == "hashing failed: the hasher was moved from");
  CHECK_THROWS_AS(a.finish(), ocikit::system_error);
  a.reset();  // usable again
  a.update("abc");
  CHECK(a.finish() == sha256_abc);
  // NOLINTEND(bugprone-use-after-move)

  ocikit::hasher c(digest_algorithm::sha512);
  c.update("xyz");
  c = std::move(b);  // c is now a sha256 hasher in b's state (finished)
  CHECK(c.algorithm() == digest_algorithm::sha256);
  c.update("abc");
  CHECK(c.finish() == sha256_abc);

  std::vector<ocikit::hasher> many;
  many.reserve(20);
  for (int i = 0; i < 20; ++i)
    many.push_back(ocikit::hasher::create(digest_algorithm::sha384).value());
  many.front().update("abc");
  CHECK(many.front().finish() == vectors[1].abc);
}

TEST_CASE("digester: digest and size in one pass", "[hash]") {
  auto d = ocikit::digester::create(digest_algorithm::sha256);
  REQUIRE(d.has_value());
  CHECK(d->size() == 0);
  d->update("a");
  d->update("bc");
  CHECK(d->size() == 3);
  CHECK(d->finish() == sha256_abc);
  CHECK(d->size() == 3);  // still available after finish
  d->update(m448);        // a new message
  CHECK(d->size() == m448.size());
  CHECK(d->finish() == vectors[0].m448);
  CHECK(d->finish() == sha256_empty);
  CHECK(d->size() == 0);
  d->update("xx");
  d->reset();
  CHECK(d->size() == 0);
  CHECK(d->algorithm() == digest_algorithm::sha256);
}

TEST_CASE("verifier: matching content verifies", "[hash][verify]") {
  const auto expected = ocikit::digest::parse(sha256_abc).value();
  ocikit::verifier v(expected, 3);
  CHECK(v.expected() == expected);
  CHECK(v.expected_size() == 3);
  CHECK(v.update("ab").has_value());
  CHECK(v.update("c").has_value());
  CHECK(v.size() == 3);
  CHECK(v.verify().has_value());
  CHECK(v.verify().has_value());  // the same verdict again

  // Unknown size: only the digest is checked.
  ocikit::verifier u(expected);
  CHECK(u.expected_size() == ocikit::verifier::unknown_size);
  CHECK(u.update("abc").has_value());
  CHECK(u.verify().has_value());

  // The expected digest's algorithm chooses the hash.
  ocikit::verifier w(ocikit::digest::parse(vectors[2].abc).value(), 3);
  CHECK(w.update("abc").has_value());
  CHECK(w.verify().has_value());
}

TEST_CASE("verifier: digest mismatch names both digests", "[hash][verify]") {
  ocikit::verifier v(ocikit::digest::parse(sha256_abc).value(), 3);
  REQUIRE(v.update("abd").has_value());
  const auto r = v.verify();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::content_digest_mismatch);
  CHECK(r.error() == ocikit::condition::digest_mismatch);
  CHECK(std::string(r.error().id()) == "content.digest_mismatch");
  CHECK(r.error().message() ==
        "content digest mismatch: expected "
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad, got " +
            sha256_of("abd").str());
  CHECK(v.verify().error().message() == r.error().message());
  const auto late = v.update("x");
  REQUIRE_FALSE(late.has_value());
  CHECK(late.error().message() == "hashing failed: update() after verify()");
}

TEST_CASE("verifier: size is checked before the digest", "[hash][verify]") {
  SECTION("too few bytes") {
    ocikit::verifier v(ocikit::digest::parse(sha256_abc).value(), 3);
    REQUIRE(v.update("ab").has_value());
    const auto r = v.verify();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::content_size_mismatch);
    CHECK(r.error() == ocikit::condition::size_mismatch);
    CHECK(r.error().message() == "content size mismatch: expected 3 bytes, got 2");
  }
  SECTION("wrong size and wrong digest: the size is reported") {
    ocikit::verifier v(ocikit::digest::parse(sha256_abc).value(), 10);
    REQUIRE(v.update("xyz").has_value());
    const auto r = v.verify();
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::content_size_mismatch);
    CHECK(r.error().message() == "content size mismatch: expected 10 bytes, got 3");
  }
  SECTION("too many bytes are reported as soon as they arrive") {
    ocikit::verifier v(ocikit::digest::parse(sha256_abc).value(), 3);
    REQUIRE(v.update("ab").has_value());
    const auto early = v.update("cde");
    REQUIRE_FALSE(early.has_value());
    CHECK(early.error() == errc::content_size_mismatch);
    CHECK(early.error().message() == "content size mismatch: expected 3 bytes, got at least 5");
    CHECK_FALSE(v.update("f").has_value());
    CHECK(v.size() == 6);
    CHECK(v.verify().error().message() == "content size mismatch: expected 3 bytes, got 6");
  }
  SECTION("an expected size of zero") {
    ocikit::verifier v(ocikit::digest::parse(sha256_empty).value(), 0);
    CHECK(v.update("").has_value());
    CHECK(v.verify().has_value());
    CHECK(v.update("").error() == errc::hash_failed);
  }
}

TEST_CASE("verifier: digests ocikit cannot compute are refused", "[hash][verify]") {
  const std::string b3 = "blake3:" + std::string(64, 'a');
  const auto blake3 = ocikit::parse_digest(b3, ocikit::algorithm_set::all()).value();
  const auto r = ocikit::verifier::create(blake3, 1);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::hash_unavailable);
  CHECK(r.error().message() ==
        "hash algorithm unavailable: blake3 (ocikit validates such digests but does not compute "
        "them)");

  const std::string other = "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564";
  const auto unknown = ocikit::parse_digest_lenient(other).value();
  const auto u = ocikit::verifier::create(unknown);
  REQUIRE_FALSE(u.has_value());
  CHECK(u.error().message() ==
        "hash algorithm unavailable: sha256+b64u (not an algorithm ocikit knows)");
  CHECK_THROWS_AS(ocikit::verifier(unknown), ocikit::system_error);
}

TEST_CASE("blake3 is never hashed", "[hash]") {
  const std::string text =
      "hash algorithm unavailable: blake3 (ocikit validates such digests but does not compute "
      "them)";
  const auto h = ocikit::hasher::create(digest_algorithm::blake3);
  REQUIRE_FALSE(h.has_value());
  CHECK(h.error() == errc::hash_unavailable);
  CHECK(h.error().message() == text);
  CHECK_THROWS_WITH(ocikit::hasher(digest_algorithm::blake3), text);
  CHECK_FALSE(ocikit::digester::create(digest_algorithm::blake3).has_value());
  CHECK(ocikit::hash_bytes(digest_algorithm::blake3, "abc").error() == errc::hash_unavailable);
  std::istringstream in("abc");
  CHECK(ocikit::hash_stream(in, digest_algorithm::blake3).error() == errc::hash_unavailable);
}

TEST_CASE("hash_stream: reads to the end of the stream", "[hash]") {
  const std::string data = pseudo_random_bytes((1 << 16) * 3 + 17);  // several internal reads
  std::istringstream in(data);
  CHECK(ocikit::hash_stream(in).value() == sha256_of(data));

  std::istringstream abc("abc");
  CHECK(ocikit::hash_stream(abc, digest_algorithm::sha384).value() == vectors[1].abc);

  std::istringstream empty;
  CHECK(ocikit::hash_stream(empty).value() == sha256_empty);

  std::istringstream failed("abc");
  failed.setstate(std::ios::failbit);
  const auto r = ocikit::hash_stream(failed);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::io_failed);
  CHECK(r.error().message() == "cannot read stream: it is in a failed state");
}
