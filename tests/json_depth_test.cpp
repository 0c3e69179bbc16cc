// The nesting bound of the strict JSON layer and of parse_manifest: the default (512) accepts
// what registries written in Go accept in practice, fails cleanly with json.too_deep beyond it,
// stays configurable, and the stack a parse at the bound takes is measured on a painted thread
// stack (the figures in ocikit/json/strict_parser.hpp, default_max_depth).
#include "ocikit/json/strict_parser.hpp"  // first: the header must be self-contained

#include <pthread.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>

#include "ocikit/error.hpp"
#include "ocikit/parse_manifest.hpp"

namespace {

namespace json = ocikit::json;
using ocikit::errc;

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

/// A valid OCI manifest whose unknown member "x" nests arrays so that the document is `depth`
/// levels deep (the manifest object is level 1).
std::string manifest_with_depth(std::size_t depth) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":)"
         R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
         R"("size":2},"layers":[],"x":)" +
         nested_arrays(depth - 1) + "}";
}

/// The offset of the first '[' of "x" in manifest_with_depth().
std::size_t nesting_start() { return manifest_with_depth(2).find(R"("x":[)") + 4; }

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OCIKIT_TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define OCIKIT_TEST_ASAN 1
#endif

/// The stack a parse at the bound may take: an optimised build stays within musl's 128 KiB
/// default thread stack (measured: about 49 KB with g++ -O2); ASan and -O0 builds have larger
/// frames (measured: 210 KB with clang -O1 ASan, 506 KB at -O0) and must stay within 1 MiB, far
/// within the 8 MiB of a glibc main or default thread stack.
#if defined(__OPTIMIZE__) && !defined(OCIKIT_TEST_ASAN)
constexpr std::size_t stack_budget = std::size_t{128} << 10;
#else
constexpr std::size_t stack_budget = std::size_t{1} << 20;
#endif

/// Runs `fn` on a thread whose stack (`size` bytes, ours) is painted first, and returns how
/// many bytes of it were written: the stack the call took, plus the thread's own start-up.
std::size_t stack_used(const std::function<void()>& fn, std::size_t size = std::size_t{8} << 20) {
  constexpr unsigned char paint = 0xA5;
  void* stack = nullptr;
  REQUIRE(posix_memalign(&stack, 1 << 16, size) == 0);
  std::memset(stack, paint, size);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack, size);
  pthread_t thread;
  auto body = [](void* arg) -> void* {
    (*static_cast<const std::function<void()>*>(arg))();
    return nullptr;
  };
  const int created = pthread_create(&thread, &attr, body, const_cast<std::function<void()>*>(&fn));
  pthread_attr_destroy(&attr);
  if (created == 0) pthread_join(thread, nullptr);
  const auto* bytes = static_cast<const unsigned char*>(stack);
  std::size_t untouched = 0;
  while (untouched < size && bytes[untouched] == paint) ++untouched;
  std::free(stack);
  REQUIRE(created == 0);
  return size - untouched;
}

}  // namespace

TEST_CASE("depth: the default bound is 512, the largest honoured", "[json][depth]") {
  STATIC_REQUIRE(json::default_max_depth == 512);
  STATIC_REQUIRE(json::default_max_depth >= 256);
  STATIC_REQUIRE(json::default_max_depth <= json::max_depth_limit);
  STATIC_REQUIRE(json::strict_options{}.max_depth == json::default_max_depth);
  CHECK(ocikit::manifest_parse_options{}.max_depth == json::default_max_depth);
}

TEST_CASE("depth: strict JSON at the bound, one beyond, and 10,000", "[json][depth]") {
  CHECK(json::parse_strict(nested_arrays(512)).has_value());
  for (const std::size_t depth : {std::size_t{513}, std::size_t{10'000}}) {
    const auto r = json::parse_strict(nested_arrays(depth));
    INFO("depth " << depth);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::json_too_deep);
    CHECK(r.error().id() == "json.too_deep");
    CHECK(r.error().offset() == 512);
    CHECK(r.error().message() == "document nests deeper than 512 levels at byte 512");
  }
  // Objects count the same as arrays.
  std::string objects;
  for (int i = 0; i < 511; ++i) objects += R"({"a":)";
  CHECK(json::parse_strict(objects + "1" + std::string(511, '}')).has_value());
  CHECK(json::parse_strict(objects + "[]" + std::string(511, '}')).has_value());
  CHECK(json::parse_strict(objects + "[[]]" + std::string(511, '}')).error().code() ==
        errc::json_too_deep);
}

TEST_CASE("depth: a manifest whose unknown member nests deep", "[json][depth][manifest]") {
  // The issue's document: depth 65, refused by the old default of 64.
  for (const std::size_t depth : {std::size_t{65}, std::size_t{256}, std::size_t{512}}) {
    const auto r = ocikit::parse_manifest(manifest_with_depth(depth));
    INFO("depth " << depth);
    REQUIRE(r.has_value());
    CHECK(r->valid());
  }
  for (const std::size_t depth : {std::size_t{513}, std::size_t{10'000}}) {
    const auto r = ocikit::parse_manifest(manifest_with_depth(depth));
    INFO("depth " << depth);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == errc::json_too_deep);
    CHECK(r.error().offset() == nesting_start() + 511);
  }
}

TEST_CASE("depth: the bound stays configurable", "[json][depth]") {
  json::strict_options o;
  o.max_depth = 100;
  CHECK(json::parse_strict(nested_arrays(100), o).has_value());
  CHECK(json::parse_strict(nested_arrays(101), o).error().offset() == 100);
  ocikit::manifest_parse_options m;
  m.max_depth = 100;
  CHECK(ocikit::parse_manifest(manifest_with_depth(100), m).has_value());
  CHECK(ocikit::parse_manifest(manifest_with_depth(101), m).error().code() == errc::json_too_deep);
  // Above the hard cap counts as the cap.
  o.max_depth = 1'000'000;
  CHECK(json::parse_strict(nested_arrays(512), o).has_value());
  CHECK(json::parse_strict(nested_arrays(513), o).error().code() == errc::json_too_deep);
}

TEST_CASE("depth: the stack a parse at the bound takes", "[json][depth][stack]") {
  const std::string at_bound = nested_arrays(512);
  const std::string beyond = nested_arrays(10'000);
  const std::string manifest_at_bound = manifest_with_depth(512);
  const std::string manifest_beyond = manifest_with_depth(10'000);
  bool ok[4] = {false, false, false, false};
  const std::size_t used[4] = {
      stack_used([&] { ok[0] = json::parse_strict(at_bound).has_value(); }),
      stack_used([&] { ok[1] = !json::parse_strict(beyond).has_value(); }),
      stack_used([&] { ok[2] = ocikit::parse_manifest(manifest_at_bound).has_value(); }),
      stack_used([&] { ok[3] = !ocikit::parse_manifest(manifest_beyond).has_value(); })};
  const std::size_t shallow = stack_used([] { (void)json::parse_strict("[[]]"); });
  for (int i = 0; i < 4; ++i) {
    INFO("case " << i << ": " << used[i] << " bytes of stack; a 2-level parse takes " << shallow);
    CHECK(ok[i]);
    // Painting worked, and the deep parse really took more than a shallow one.
    CHECK(used[i] > shallow);
    CHECK(used[i] < stack_budget);
  }
  // Failing beyond the bound takes no more stack than succeeding at it.
  CHECK(used[1] <= used[0] + (std::size_t{16} << 10));
  CHECK(used[3] <= used[2] + (std::size_t{16} << 10));
}
