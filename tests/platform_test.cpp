// Tests of ocikit/platform.hpp and ocikit/grammar/platform.hpp: grammar (every byte of every
// character class), parsing of every specifier form, containerd's normalisation table, format,
// the parse -> format -> parse fixed point, the compatibility order, os.features, Windows
// os.version rules, and exact errors.
#include "ocikit/platform.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>
#include <vector>

#include "ocikit/grammar/platform.hpp"

#include "platform_support.hpp"

namespace {

namespace pegtl = tao::pegtl;
namespace g = ocikit::grammar;
using ocikit::platform;
using ocikit::test::make;

const platform linux_amd64 = make("linux", "amd64");

/// Parses with a fixed host so that single-word specifiers are deterministic.
platform parsed(std::string_view spec, const platform& host = linux_amd64) {
  auto r = ocikit::parse_platform(spec, host);
  INFO("spec: " << spec);
  REQUIRE(r.has_value());
  return *r;
}

int rank(std::string_view wanted, std::string_view candidate) {
  return ocikit::compatibility_rank(parsed(wanted), parsed(candidate));
}

template <class Rule>
bool full_match(std::string_view s) {
  pegtl::memory_input<> in(s.data(), s.size(), "test");
  return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
}

std::string describe(const platform& p) {
  std::string out = p.os + "|" + p.architecture + "|" + p.variant + "|" + p.os_version + "|";
  for (const auto& f : p.os_features) out += f + ",";
  return out;
}

}  // namespace

// ---- grammar ---------------------------------------------------------------------------------

TEST_CASE("platform character classes: all 256 bytes", "[platform][grammar]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool alnum = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9');
    const bool os_name = alnum || c == '_' || c == '-';
    const bool option = alnum || c == '_' || c == '.' || c == '-';
    const bool part = option;
    INFO("byte " << b);
    CHECK(g::chars::platform_os_name(c) == os_name);
    CHECK(g::chars::platform_option(c) == option);
    CHECK(g::chars::platform_part(c) == part);
    // The rules built on the tables agree byte by byte.
    const std::string one(1, c);
    CHECK(full_match<g::platform_os_name>(one) == os_name);
    CHECK(full_match<g::platform_architecture>(one) == part);
    CHECK(full_match<g::platform_variant>(one) == part);
    CHECK(full_match<g::platform_os_version>(one) == option);
    CHECK(full_match<g::platform_os_feature>(one) == option);
    // The first escaped digit, and the second, are hex digits only.
    const bool hex = (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
    CHECK(full_match<g::platform_pct_encoded>(std::string("%") + c + "0") == hex);
    CHECK(full_match<g::platform_pct_encoded>(std::string("%0") + c) == hex);
  }
}

TEST_CASE("platform grammar has no PEG problems", "[platform][grammar]") {
  CHECK(pegtl::analyze<g::platform_specifier_only>(0) == 0);
}

TEST_CASE("platform grammar accepts every specifier form", "[platform][grammar]") {
  for (const std::string_view s :
       {"linux", "arm64", "Linux", "x86_64", "linux/amd64", "linux/arm/v7", "linux/arm64/v8.2",
        "windows(10.0.17763)/amd64", "windows(10.0.20348+win32k)/amd64", "windows()",
        "windows()/amd64", "linux(+gpu+simd)/amd64", "windows(+win32k)",
        "windows(10.0.17763%2Bbuild.42)", "windows(50%25done)/amd64", "a_b-c/d.e_f-g/h.i_j-k",
        "0/0/0"}) {
    INFO(s);
    CHECK(full_match<g::platform_specifier>(s));
    CHECK(full_match<g::platform_os>(s.substr(0, s.find('/'))));
  }
  CHECK(full_match<g::platform_full>("linux/arm/v7"));
  CHECK(full_match<g::platform_full>("linux/arm"));
  CHECK_FALSE(full_match<g::platform_full>("linux"));
  CHECK(full_match<g::platform_single>("linux"));
  CHECK(full_match<g::platform_single>("windows(10.0.17763+win32k)"));
  CHECK_FALSE(full_match<g::platform_single>("linux/amd64"));
  CHECK(full_match<g::platform_os_options>(""));
  CHECK(full_match<g::platform_os_options>("10.0.17763"));
  CHECK(full_match<g::platform_os_options>("+a+b"));
  CHECK(full_match<g::platform_os_options>("1%2B2+a%25"));
  CHECK_FALSE(full_match<g::platform_os_options>("+"));
  CHECK_FALSE(full_match<g::platform_os_options>("1++a"));
}

TEST_CASE("platform grammar rejects malformed specifiers", "[platform][grammar]") {
  for (const std::string_view s : {"",
                                   "*",
                                   "linux/*",
                                   "*/arm64",
                                   "/linux/arm",
                                   "linux/arm/",
                                   "linux /arm",
                                   "linux/&arm",
                                   "linux/arm/foo/bar",
                                   "linux//v7",
                                   "lin.ux",
                                   "windows(10.0",
                                   "windows(10.0+)",
                                   "windows(1%zz)",
                                   "windows(1%2)",
                                   "windows()x/amd64",
                                   "windows(1)(2)",
                                   "(1)/amd64",
                                   "linux/arm/v7/",
                                   "linux\n",
                                   " linux",
                                   "windows(a b)"}) {
    INFO(s);
    CHECK_FALSE(full_match<g::platform_specifier>(s));
  }
}

TEST_CASE("the step-by-step parser agrees with the grammar on every short string",
          "[platform][grammar]") {
  // All strings of length <= 4 over the bytes that matter to the grammar.
  constexpr std::string_view alphabet = "a/()+%1.*F ";
  std::vector<std::string> inputs{""};
  std::size_t begin = 0;
  for (int len = 1; len <= 4; ++len) {
    const std::size_t end = inputs.size();
    for (std::size_t i = begin; i < end; ++i) {
      for (const char c : alphabet) inputs.push_back(inputs[i] + c);
    }
    begin = end;
  }
  std::size_t accepted = 0;
  for (const auto& s : inputs) {
    const bool grammar = full_match<g::platform_specifier>(s);
    const auto steps = ocikit::detail::parse_platform_syntax(s);
    if (grammar != steps.has_value()) FAIL("disagreement on '" << s << "'");
    if (!steps) {
      // Every rejection points inside the input (or at its end).
      CHECK(steps.error().offset() <= s.size());
    }
    accepted += grammar ? 1 : 0;
  }
  CHECK(inputs.size() == 16105);
  CHECK(accepted > 100);
}

// ---- parse -----------------------------------------------------------------------------------

TEST_CASE("parse_platform: every form", "[platform][parse]") {
  struct row {
    std::string_view spec;
    platform expected;
  };
  const row rows[] = {
      // <os>: the host's architecture and variant are filled in
      {"linux", make("linux", "amd64")},
      {"Linux", make("linux", "amd64")},
      {"macOS", make("darwin", "amd64")},
      {"windows", make("windows", "amd64")},
      {"windows()", make("windows", "amd64")},
      {"windows(10.0.17763)", make("windows", "amd64", "", "10.0.17763")},
      {"windows(10.0.17763+win32k)", make("windows", "amd64", "", "10.0.17763", {"win32k"})},
      {"linux(+gpu)", make("linux", "amd64", "", "", {"gpu"})},
      {"linux(+gpu+simd)", make("linux", "amd64", "", "", {"gpu", "simd"})},
      {"linux(+unsorted+erofs)", make("linux", "amd64", "", "", {"erofs", "unsorted"})},
      {"windows(10.0.17763%2Bbuild.42)", make("windows", "amd64", "", "10.0.17763+build.42")},
      {"windows(10.0.17763%2bbuild.42+win32k)",
       make("windows", "amd64", "", "10.0.17763+build.42", {"win32k"})},
      {"windows(50%25done)", make("windows", "amd64", "", "50%done")},
      {"freebsd", make("freebsd", "amd64")},
      // <arch>: the host's os is filled in
      {"arm", make("linux", "arm", "v7")},
      {"armel", make("linux", "arm", "v6")},
      {"armhf", make("linux", "arm", "v7")},
      {"Aarch64", make("linux", "arm64")},
      {"x86_64", make("linux", "amd64")},
      {"x86-64", make("linux", "amd64")},
      {"i386", make("linux", "386")},
      {"386", make("linux", "386")},
      {"s390x", make("linux", "s390x")},
      {"ppc64le", make("linux", "ppc64le")},
      {"riscv64", make("linux", "riscv64")},
      // <os>/<arch>
      {"linux/arm64", make("linux", "arm64")},
      {"linux/arm", make("linux", "arm", "v7")},
      {"Linux/x86_64", make("linux", "amd64")},
      {"linux/s390x", make("linux", "s390x")},
      {"windows(10.0.20348+win32k)/amd64", make("windows", "amd64", "", "10.0.20348", {"win32k"})},
      {"windows(10.0.17763)/amd64", make("windows", "amd64", "", "10.0.17763")},
      {"linux(+b+a+b)/amd64", make("linux", "amd64", "", "", {"a", "b"})},
      {"someos/somearch", make("someos", "somearch")},
      // <os>/<arch>/<variant>
      {"linux/arm64/v8", make("linux", "arm64")},
      {"linux/arm64/v8.2", make("linux", "arm64", "v8.2")},
      {"linux/arm64/9.0", make("linux", "arm64", "v9")},
      {"linux/arm/v6", make("linux", "arm", "v6")},
      {"linux/arm/7", make("linux", "arm", "v7")},
      {"linux/amd64/v3", make("linux", "amd64", "v3")},
      {"linux/amd64/V1", make("linux", "amd64")},
      {"windows(10.0.17763)/arm64/v8", make("windows", "arm64", "", "10.0.17763")},
      {"SomeOS/SomeArch/SomeVariant", make("someos", "somearch", "somevariant")},
  };
  for (const auto& r : rows) {
    INFO(r.spec);
    CHECK(describe(parsed(r.spec)) == describe(r.expected));
    CHECK(parsed(r.spec) == r.expected);
  }
}

TEST_CASE("parse_platform: a single word takes the rest from the given host", "[platform][parse]") {
  const platform arm_v6_host = make("linux", "arm", "v6");
  CHECK(parsed("linux", arm_v6_host) == make("linux", "arm", "v6"));
  CHECK(parsed("windows(10.0.17763)", arm_v6_host) == make("windows", "arm", "v6", "10.0.17763"));
  const platform windows_host = make("windows", "amd64", "", "10.0.20348", {"win32k"});
  CHECK(parsed("arm64", windows_host) == make("windows", "arm64"));
  // The host is normalised along with the result; its os version and features are not copied.
  CHECK(parsed("linux", make("Linux", "aarch64", "v8")) == make("linux", "arm64"));
  CHECK(parsed("arm", make("MacOS", "amd64")) == make("darwin", "arm", "v7"));
  // Two or three parts ignore the host.
  CHECK(parsed("linux/arm64", arm_v6_host) == make("linux", "arm64"));
}

TEST_CASE("parse_platform without a host uses host_platform()", "[platform][parse]") {
  const platform host = ocikit::host_platform();
  const auto os_only = ocikit::parse_platform("linux");
  REQUIRE(os_only.has_value());
  CHECK(os_only->os == "linux");
  CHECK(os_only->architecture == host.architecture);
  CHECK(os_only->variant == host.variant);
  const auto arch_only = ocikit::parse_platform("arm64");
  REQUIRE(arch_only.has_value());
  CHECK(arch_only->os == host.os);
  CHECK(arch_only->architecture == "arm64");
}

TEST_CASE("host_platform is normalised and names this target", "[platform]") {
  const platform host = ocikit::host_platform();
  CHECK_FALSE(host.os.empty());
  CHECK_FALSE(host.architecture.empty());
  CHECK(ocikit::normalize_platform(host) == host);
  CHECK(host.os_version.empty());
  CHECK(host.os_features.empty());
#if defined(__linux__) && !defined(__ANDROID__)
  CHECK(host.os == "linux");
#endif
#if defined(__x86_64__)
  CHECK(host.architecture == "amd64");
  CHECK(host.variant.empty());
#elif defined(__aarch64__)
  CHECK(host.architecture == "arm64");
#endif
  CHECK(ocikit::is_known_os(host.os));
  CHECK(ocikit::is_known_architecture(host.architecture));
}

TEST_CASE("known operating systems and architectures", "[platform]") {
  for (const std::string_view os :
       {"aix", "android", "darwin", "dragonfly", "freebsd", "hurd", "illumos", "ios", "js", "linux",
        "nacl", "netbsd", "openbsd", "plan9", "solaris", "windows", "zos"}) {
    CHECK(ocikit::is_known_os(os));
    CHECK_FALSE(ocikit::is_known_architecture(os));
  }
  for (const std::string_view arch :
       {"386",     "amd64",    "amd64p32",  "arm",         "armbe",   "arm64",
        "arm64be", "ppc64",    "ppc64le",   "loong64",     "mips",    "mipsle",
        "mips64",  "mips64le", "mips64p32", "mips64p32le", "ppc",     "riscv",
        "riscv64", "s390",     "s390x",     "sparc",       "sparc64", "wasm"}) {
    CHECK(ocikit::is_known_architecture(arch));
    CHECK_FALSE(ocikit::is_known_os(arch));
  }
  CHECK_FALSE(ocikit::is_known_os("Linux"));
  CHECK_FALSE(ocikit::is_known_os("macos"));
  CHECK_FALSE(ocikit::is_known_architecture("x86_64"));
  CHECK_FALSE(ocikit::is_known_architecture(""));
}

// ---- normalise -------------------------------------------------------------------------------

TEST_CASE("normalize: every row of the table", "[platform][normalize]") {
  struct row {
    platform in;
    platform out;
  };
  const row rows[] = {
      // os lowercased, macos -> darwin
      {make("Linux", "amd64"), make("linux", "amd64")},
      {make("WINDOWS", "amd64"), make("windows", "amd64")},
      {make("macos", "arm64"), make("darwin", "arm64")},
      {make("MacOS", "arm64"), make("darwin", "arm64")},
      {make("darwin", "arm64"), make("darwin", "arm64")},
      // i386 -> 386
      {make("linux", "i386"), make("linux", "386")},
      {make("linux", "I386", "foo"), make("linux", "386")},
      {make("linux", "386"), make("linux", "386")},
      // x86_64, x86-64 -> amd64; amd64/v1 -> amd64
      {make("linux", "x86_64"), make("linux", "amd64")},
      {make("linux", "x86-64"), make("linux", "amd64")},
      {make("linux", "X86_64", "v2"), make("linux", "amd64", "v2")},
      {make("linux", "amd64", "v1"), make("linux", "amd64")},
      {make("linux", "amd64", "V1"), make("linux", "amd64")},
      {make("linux", "x86_64", "v1"), make("linux", "amd64")},
      {make("linux", "amd64", "v3"), make("linux", "amd64", "v3")},
      {make("linux", "amd64", "1"), make("linux", "amd64", "1")},
      // aarch64 -> arm64; variant 8, v8, v8.0 -> none; 9, 9.0 (and v9.0) -> v9
      {make("linux", "aarch64"), make("linux", "arm64")},
      {make("linux", "AArch64", "v8"), make("linux", "arm64")},
      {make("linux", "arm64", "8"), make("linux", "arm64")},
      {make("linux", "arm64", "v8"), make("linux", "arm64")},
      {make("linux", "arm64", "v8.0"), make("linux", "arm64")},
      {make("linux", "arm64", "9"), make("linux", "arm64", "v9")},
      {make("linux", "arm64", "9.0"), make("linux", "arm64", "v9")},
      {make("linux", "arm64", "v9.0"), make("linux", "arm64", "v9")},
      {make("linux", "arm64", "v9"), make("linux", "arm64", "v9")},
      {make("linux", "arm64", "v8.2"), make("linux", "arm64", "v8.2")},
      {make("linux", "aarch64", "V9.2"), make("linux", "arm64", "v9.2")},
      // armhf -> arm/v7; armel -> arm/v6
      {make("linux", "armhf"), make("linux", "arm", "v7")},
      {make("linux", "armhf", "v6"), make("linux", "arm", "v7")},
      {make("linux", "armel"), make("linux", "arm", "v6")},
      {make("linux", "ARMEL", "v7"), make("linux", "arm", "v6")},
      // arm with no variant or 7 -> v7; 5, 6, 8 -> v5, v6, v8
      {make("linux", "arm"), make("linux", "arm", "v7")},
      {make("linux", "arm", "7"), make("linux", "arm", "v7")},
      {make("linux", "arm", "5"), make("linux", "arm", "v5")},
      {make("linux", "arm", "6"), make("linux", "arm", "v6")},
      {make("linux", "arm", "8"), make("linux", "arm", "v8")},
      {make("linux", "arm", "v5"), make("linux", "arm", "v5")},
      {make("linux", "arm", "V6"), make("linux", "arm", "v6")},
      {make("linux", "arm", "4"), make("linux", "arm", "4")},
      // others are only lowercased
      {make("linux", "PPC64LE"), make("linux", "ppc64le")},
      {make("linux", "riscv64", "RVA23"), make("linux", "riscv64", "rva23")},
      // os.features sorted and deduplicated; os.version untouched
      {make("windows", "amd64", "", "10.0.20348.1", {"b", "a", "b"}),
       make("windows", "amd64", "", "10.0.20348.1", {"a", "b"})},
      {make("Windows", "amd64", "", "ABC"), make("windows", "amd64", "", "ABC")},
  };
  for (const auto& r : rows) {
    INFO(describe(r.in));
    CHECK(describe(ocikit::normalize_platform(r.in)) == describe(r.out));
    // Normalising is idempotent.
    CHECK(ocikit::normalize_platform(ocikit::normalize_platform(r.in)) ==
          ocikit::normalize_platform(r.in));
  }
  platform with_features = make("linux", "amd64");
  with_features.features = {"sse4", "avx"};
  CHECK(ocikit::normalize_platform(with_features).features ==
        std::vector<std::string>{"sse4", "avx"});
}

// ---- format ----------------------------------------------------------------------------------

TEST_CASE("format writes os[(version[+feature...])]/arch[/variant]", "[platform][format]") {
  struct row {
    platform in;
    std::string_view out;
  };
  const row rows[] = {
      {make("linux", "amd64"), "linux/amd64"},
      {make("linux", "arm", "v7"), "linux/arm/v7"},
      {make("linux", "arm64", "v8.2"), "linux/arm64/v8.2"},
      {make("windows", "amd64", "", "10.0.17763"), "windows(10.0.17763)/amd64"},
      {make("windows", "amd64", "", "10.0.17763", {"win32k"}), "windows(10.0.17763+win32k)/amd64"},
      {make("linux", "amd64", "", "", {"gpu", "simd"}), "linux(+gpu+simd)/amd64"},
      {make("linux", "amd64", "", "", {"unsorted", "erofs"}), "linux(+erofs+unsorted)/amd64"},
      {make("linux", "amd64", "", "", {"", "gpu", "", "simd"}), "linux(+gpu+simd)/amd64"},
      {make("linux", "amd64", "", "", {""}), "linux/amd64"},
      // escapes
      {make("windows", "amd64", "", "10.0.17763+build.42"), "windows(10.0.17763%2Bbuild.42)/amd64"},
      {make("windows", "amd64", "", "10.0.17763+build.42", {"win32k"}),
       "windows(10.0.17763%2Bbuild.42+win32k)/amd64"},
      {make("windows", "amd64", "", "50%done"), "windows(50%25done)/amd64"},
      {make("windows", "amd64", "", "1.0(beta)"), "windows(1.0%28beta%29)/amd64"},
      {make("windows", "amd64", "", "a/b"), "windows(a%2Fb)/amd64"},
      {make("linux", "amd64", "", "", {"feat+v2"}), "linux(+feat%2Bv2)/amd64"},
      {make("linux", "amd64", "", "", {"100%gpu"}), "linux(+100%25gpu)/amd64"},
      {make("windows", "amd64", "", "10.0+build", {"feat+1"}),
       "windows(10.0%2Bbuild+feat%2B1)/amd64"},
      {make("linux", "amd64", "", "a b\xc3\x01"), "linux(a%20b%C3%01)/amd64"},
      // fields as they are
      {make("linux", ""), "linux"},
      {make("Linux", "x86_64"), "Linux/x86_64"},
      {make("unknown", "unknown"), "unknown/unknown"},
  };
  for (const auto& r : rows) {
    INFO(describe(r.in));
    CHECK(ocikit::format_platform(r.in) == std::string(r.out));
  }
}

TEST_CASE("format then parse keeps os.version and os.features", "[platform][format]") {
  for (const auto& p :
       {make("windows", "amd64", "", "10.0.17763+build.42", {"win32k"}),
        make("windows", "amd64", "", "1.0(beta)"), make("windows", "amd64", "", "a/b%c"),
        make("linux", "amd64", "", "", {"feat+v2", "100%gpu"}),
        make("linux", "amd64", "", "sp ace\x7f\xff", {"(x)"})}) {
    const std::string text = ocikit::format_platform(p);
    INFO(text);
    const platform q = parsed(text);
    CHECK(q == ocikit::normalize_platform(p));
  }
}

TEST_CASE("parse -> format -> parse is a fixed point", "[platform][format][parse]") {
  const platform hosts[] = {linux_amd64, make("linux", "arm", "v6"), make("windows", "arm64"),
                            make("darwin", "arm64", "v8.2")};
  for (const auto& host : hosts) {
    for (const std::string_view spec : {"linux",
                                        "macOS",
                                        "windows(10.0.17763+win32k)",
                                        "windows()",
                                        "linux(+b+a+a)",
                                        "arm",
                                        "armel",
                                        "armhf",
                                        "Aarch64",
                                        "x86_64",
                                        "i386",
                                        "s390x",
                                        "linux/arm64/v8",
                                        "linux/arm/7",
                                        "linux/amd64/v1",
                                        "linux/amd64/v4",
                                        "linux/arm64/9.0",
                                        "windows(10.0.17763%2Bbuild.42+win32k)/amd64",
                                        "windows(50%25done)/arm64/v9.2",
                                        "SomeOS/SomeArch/SomeVariant",
                                        "a/b/c",
                                        "unknown/unknown"}) {
      INFO(spec << " on " << describe(host));
      const platform p = parsed(spec, host);
      CHECK(ocikit::normalize_platform(p) == p);
      const std::string text = ocikit::format_platform(p);
      const platform q = parsed(text, host);
      CHECK(q == p);
      CHECK(ocikit::format_platform(q) == text);
    }
  }
}

// ---- compatibility ---------------------------------------------------------------------------

namespace {
struct rank_row {
  std::string_view candidate;
  int rank;
};

void check_ranks(std::string_view wanted, std::initializer_list<rank_row> rows) {
  for (const auto& r : rows) {
    INFO(wanted << " runs " << r.candidate);
    CHECK(rank(wanted, r.candidate) == r.rank);
    CHECK(ocikit::platform_matches(parsed(wanted), parsed(r.candidate)) == (r.rank >= 0));
  }
}
}  // namespace

TEST_CASE("compatibility order: amd64 v1 .. v4, then 386", "[platform][match]") {
  check_ranks("linux/amd64", {{"linux/amd64", 0},
                              {"linux/amd64/v1", 0},
                              {"linux/x86_64", 0},
                              {"linux/386", 1},
                              {"linux/i386", 1},
                              {"linux/amd64/v2", -1},
                              {"linux/amd64/v3", -1},
                              {"linux/amd64/v4", -1},
                              {"linux/arm64", -1},
                              {"linux/arm/v7", -1},
                              {"windows/amd64", -1}});
  check_ranks("linux/amd64/v2", {{"linux/amd64/v2", 0},
                                 {"linux/amd64", 1},
                                 {"linux/amd64/v1", 1},
                                 {"linux/386", 2},
                                 {"linux/amd64/v3", -1},
                                 {"linux/amd64/v4", -1}});
  check_ranks("linux/amd64/v3", {{"linux/amd64/v3", 0},
                                 {"linux/amd64/v2", 1},
                                 {"linux/amd64", 2},
                                 {"linux/386", 3},
                                 {"linux/amd64/v4", -1}});
  check_ranks("linux/amd64/v4", {{"linux/amd64/v4", 0},
                                 {"linux/amd64/v3", 1},
                                 {"linux/amd64/v2", 2},
                                 {"linux/amd64", 3},
                                 {"linux/386", 4},
                                 {"linux/amd64/v5", -1},
                                 {"linux/amd64/v02", -1}});
  check_ranks("linux/386", {{"linux/386", 0}, {"linux/amd64", -1}, {"linux/arm/v7", -1}});
}

TEST_CASE("compatibility order: arm v5 .. v8", "[platform][match]") {
  check_ranks("linux/arm/v8", {{"linux/arm/v8", 0},
                               {"linux/arm", 1},
                               {"linux/arm/v7", 1},
                               {"linux/armhf", 1},
                               {"linux/arm/v6", 2},
                               {"linux/armel", 2},
                               {"linux/arm/v5", 3},
                               {"linux/arm/v4", -1},
                               {"linux/arm64", -1},
                               {"linux/amd64", -1}});
  check_ranks("linux/arm/v7", {{"linux/arm/v7", 0},
                               {"linux/arm", 0},
                               {"linux/arm/v6", 1},
                               {"linux/arm/v5", 2},
                               {"linux/arm/v8", -1},
                               {"linux/arm/v4", -1},
                               {"linux/arm64", -1}});
  check_ranks("linux/arm/v6",
              {{"linux/arm/v6", 0}, {"linux/arm/v5", 1}, {"linux/arm", -1}, {"linux/arm/v7", -1}});
  check_ranks("linux/arm/v5", {{"linux/arm/v5", 0}, {"linux/arm/v4", -1}, {"linux/arm/v6", -1}});
  check_ranks("linux/arm/v4", {{"linux/arm/v4", 0}, {"linux/arm/v5", -1}});
}

TEST_CASE("compatibility order: arm64 v8.x", "[platform][match]") {
  check_ranks("linux/arm64", {{"linux/arm64", 0},
                              {"linux/arm64/v8", 0},
                              {"linux/aarch64", 0},
                              {"linux/arm64/v8.0", 0},
                              {"linux/arm/v8", 1},
                              {"linux/arm", 2},
                              {"linux/arm/v7", 2},
                              {"linux/arm/v6", 3},
                              {"linux/arm/v5", 4},
                              {"linux/arm/v4", -1},
                              {"linux/arm/v9", -1},
                              {"linux/arm64/v8.1", -1},
                              {"linux/arm64/v9", -1},
                              {"linux/amd64", -1}});
  check_ranks("linux/arm64/v8.1", {{"linux/arm64/v8.1", 0},
                                   {"linux/arm64", 1},
                                   {"linux/arm/v8", 2},
                                   {"linux/arm/v7", 3},
                                   {"linux/arm/v5", 5},
                                   {"linux/arm64/v8.2", -1},
                                   {"linux/arm64/v9", -1},
                                   {"linux/arm/v9", -1}});
  check_ranks("linux/arm64/v8.2", {{"linux/arm64/v8.2", 0},
                                   {"linux/arm64/v8.1", 1},
                                   {"linux/arm64/v8", 2},
                                   {"linux/arm/v8", 3},
                                   {"linux/arm/v7", 4},
                                   {"linux/arm/v6", 5},
                                   {"linux/arm/v5", 6},
                                   {"linux/arm64/v8.3", -1}});
  check_ranks("linux/arm64/v8.9", {{"linux/arm64/v8.9", 0},
                                   {"linux/arm64/v8.1", 8},
                                   {"linux/arm64", 9},
                                   {"linux/arm/v5", 13},
                                   {"linux/arm64/v9", -1}});
}

TEST_CASE("compatibility order: arm64 v9.x", "[platform][match]") {
  check_ranks("linux/arm64/v9", {{"linux/arm64/v9", 0},
                                 {"linux/arm64/v9.0", 0},
                                 {"linux/arm64/9", 0},
                                 {"linux/arm64/v8.5", 1},
                                 {"linux/arm64/v8.4", 2},
                                 {"linux/arm64/v8.3", 3},
                                 {"linux/arm64/v8.2", 4},
                                 {"linux/arm64/v8.1", 5},
                                 {"linux/arm64", 6},
                                 {"linux/arm64/v8", 6},
                                 // containerd: every v8.x and v9.x falls back to arm/v8
                                 {"linux/arm/v9", -1},
                                 {"linux/arm/v8", 7},
                                 {"linux/arm", 8},
                                 {"linux/arm/v6", 9},
                                 {"linux/arm/v5", 10},
                                 {"linux/arm/v4", -1},
                                 {"linux/arm64/v8.6", -1},
                                 {"linux/arm64/v9.1", -1},
                                 {"linux/amd64", -1}});
  check_ranks("linux/arm64/v9.2", {{"linux/arm64/v9.2", 0},
                                   {"linux/arm64/v9.1", 1},
                                   {"linux/arm64/v9", 2},
                                   {"linux/arm64/v8.7", 3},
                                   {"linux/arm64/v8.6", 4},
                                   {"linux/arm64/v8.5", 5},
                                   {"linux/arm64/v8.1", 9},
                                   {"linux/arm64", 10},
                                   {"linux/arm/v8", 11},
                                   {"linux/arm/v7", 12},
                                   {"linux/arm/v5", 14},
                                   {"linux/arm/v9", -1},
                                   {"linux/arm64/v8.8", -1},
                                   {"linux/arm64/v9.3", -1}});
  // v9.4 pairs with v8.9; from v9.5 on, v8.9 is the cap.
  check_ranks("linux/arm64/v9.4", {{"linux/arm64/v9", 4},
                                   {"linux/arm64/v8.9", 5},
                                   {"linux/arm64/v8.8", 6},
                                   {"linux/arm64", 14},
                                   {"linux/arm/v8", 15}});
  check_ranks("linux/arm64/v9.5", {{"linux/arm64/v9.5", 0},
                                   {"linux/arm64/v9", 5},
                                   {"linux/arm64/v8.9", 6},
                                   {"linux/arm64/v8.8", 7},
                                   {"linux/arm64/v8.1", 14},
                                   {"linux/arm64", 15},
                                   {"linux/arm/v8", 16},
                                   {"linux/arm/v5", 19},
                                   {"linux/arm64/v8.10", -1}});
}

TEST_CASE("compatibility order: other architectures and the os", "[platform][match]") {
  check_ranks("linux/ppc64le", {{"linux/ppc64le", 0}, {"linux/ppc64", -1}, {"linux/amd64", -1}});
  check_ranks("linux/riscv64", {{"linux/riscv64", 0}, {"linux/riscv64/rva23", -1}});
  check_ranks("linux/s390x/z15", {{"linux/s390x/z15", 0}, {"linux/s390x", -1}});
  check_ranks("windows/amd64", {{"windows/amd64", 0},
                                {"windows(10.0.17763)/amd64", 0},
                                {"windows/386", 1},
                                {"linux/amd64", -1},
                                {"windows/arm", -1}});
  check_ranks("darwin/arm64", {{"macos/arm64", 0}, {"MacOS/aarch64/v8", 0}, {"linux/arm64", -1}});
  // Raw (not normalised) platforms from a JSON document are normalised before comparing.
  CHECK(ocikit::compatibility_rank(make("Linux", "x86_64", "v3"), make("linux", "X86-64")) == 2);
  CHECK(ocikit::compatibility_rank(make("linux", "aarch64"), make("linux", "armhf")) == 2);
  // The os version of a non-Windows platform plays no part.
  CHECK(rank("linux(5.10)/amd64", "linux(6.1)/amd64") == 0);
}

TEST_CASE("unknown/unknown never matches", "[platform][match]") {
  const platform attestation = make("unknown", "unknown");
  CHECK(ocikit::compatibility_rank(linux_amd64, attestation) == -1);
  CHECK_FALSE(ocikit::platform_matches(linux_amd64, attestation));
  CHECK_FALSE(ocikit::platform_matches(attestation, attestation));
  CHECK_FALSE(ocikit::platform_matches(make("Unknown", "UNKNOWN"), make("UNKNOWN", "Unknown")));
  CHECK_FALSE(ocikit::platform_matches(parsed("unknown/unknown"), parsed("unknown/unknown")));
  // Only the pair is excluded.
  CHECK(ocikit::platform_matches(make("unknown", "amd64"), make("unknown", "amd64")));
  CHECK(ocikit::platform_matches(make("linux", "unknown"), make("linux", "unknown")));
}

TEST_CASE("os.features of a candidate must be a subset of the wanted ones", "[platform][match]") {
  CHECK(rank("windows(+win32k)/amd64", "windows/amd64") == 0);
  CHECK(rank("windows(+win32k)/amd64", "windows(+win32k)/amd64") == 0);
  CHECK(rank("windows(+win32k)/amd64", "windows(+other)/amd64") == -1);
  // A Windows candidate's win32k is not considered (containerd's windowsStripFeaturesMatcher).
  CHECK(rank("windows/amd64", "windows(+win32k)/amd64") == 0);
  CHECK(rank("windows/amd64", "windows(+win32k+other)/amd64") == -1);
  CHECK(rank("linux/amd64", "linux(+win32k)/amd64") == -1);
  CHECK(rank("linux(+a+b+c)/amd64", "linux(+c+a)/amd64") == 0);
  CHECK(rank("linux(+a+b+c)/amd64", "linux(+a+d)/amd64") == -1);
  CHECK(rank("linux(+gpu)/amd64/v2", "linux(+gpu)/386") == 2);
  CHECK(rank("linux(+gpu)/amd64/v2", "linux(+gpu+rdma)/386") == -1);
  // Unsorted and duplicated features compare as sets.
  CHECK(ocikit::compatibility_rank(make("linux", "amd64", "", "", {"c", "a", "b"}),
                                   make("linux", "amd64", "", "", {"b", "a", "a"})) == 0);
  CHECK(ocikit::compatibility_rank(make("linux", "amd64", "", "", {"a"}),
                                   make("linux", "amd64", "", "", {"a", "a", "b"})) == -1);
}

TEST_CASE("Windows os.version: parsing major.minor.build", "[platform][windows]") {
  using ocikit::detail::parse_windows_os_version;
  using ocikit::detail::windows_os_version;
  CHECK(parse_windows_os_version("10.0.17763") == windows_os_version{10, 0, 17763});
  CHECK(parse_windows_os_version("10.0.20348.3091") == windows_os_version{10, 0, 20348});
  CHECK(parse_windows_os_version("10.0.20348.x") == windows_os_version{10, 0, 20348});
  CHECK(parse_windows_os_version("255.255.65535") == windows_os_version{255, 255, 65535});
  CHECK(parse_windows_os_version("010.00.017763") == windows_os_version{10, 0, 17763});
  for (const std::string_view bad :
       {"", "10", "10.0", "10.0.", "10..17763", "a.0.17763", "10.0.17763a", "256.0.1", "10.256.1",
        "10.0.65536", "-1.0.1", "+10.0.1", " 10.0.1", "10.0.99999999999999"}) {
    INFO(bad);
    CHECK(parse_windows_os_version(bad) == windows_os_version{});
  }
  static_assert(ocikit::detail::parse_windows_os_version("10.0.26100.1") ==
                ocikit::detail::windows_os_version{10, 0, 26100});
}

TEST_CASE("Windows os.version: which hosts run which builds", "[platform][windows]") {
  const auto runs = [](std::string_view host, std::string_view ctr) {
    return ocikit::platform_matches(make("windows", "amd64", "", std::string(host)),
                                    make("windows", "amd64", "", std::string(ctr)));
  };
  // Below build 20348: the same build only.
  CHECK(runs("10.0.17763", "10.0.17763"));
  CHECK(runs("10.0.17763.5936", "10.0.17763.1"));
  CHECK_FALSE(runs("10.0.17763", "10.0.14393"));
  CHECK_FALSE(runs("10.0.17763", "10.0.20348"));
  // Windows Server 2022 (20348): 20348 only.
  CHECK(runs("10.0.20348", "10.0.20348.3091"));
  CHECK_FALSE(runs("10.0.20348", "10.0.17763"));
  CHECK_FALSE(runs("10.0.20348", "10.0.22621"));
  // Windows 11 22H2 (22621) and 23H2 server (25398): from 20348 up to the host.
  CHECK(runs("10.0.22621", "10.0.20348"));
  CHECK(runs("10.0.22621", "10.0.22000"));
  CHECK(runs("10.0.22621", "10.0.22621"));
  CHECK_FALSE(runs("10.0.22621", "10.0.17763"));
  CHECK_FALSE(runs("10.0.22621", "10.0.25398"));
  CHECK(runs("10.0.25398", "10.0.20348"));
  // Windows Server 2025 (26100): from the LTSC below it (20348) up to the host.
  CHECK(runs("10.0.26100", "10.0.26100.2894"));
  CHECK(runs("10.0.26100", "10.0.20348"));
  CHECK_FALSE(runs("10.0.26100", "10.0.19041"));
  // Later hosts: from 26100 up to the host.
  CHECK_FALSE(runs("10.0.26200", "10.0.20348"));
  CHECK_FALSE(runs("10.0.26100", "10.0.26200"));
  CHECK(runs("10.0.26200", "10.0.26100"));
  CHECK(runs("10.0.26200", "10.0.26200"));
  CHECK_FALSE(runs("10.0.26200", "10.0.20348"));
  CHECK_FALSE(runs("10.0.26200", "10.0.26300"));
  // major.minor must be equal.
  CHECK_FALSE(runs("10.0.20348", "6.3.20348"));
  CHECK_FALSE(runs("10.0.20348", "10.1.20348"));
  CHECK_FALSE(runs("10.1.22621", "10.0.22621"));
  // No version (or an unparsable one) on the wanted side, or none on the candidate: anything.
  CHECK(runs("", "10.0.17763"));
  CHECK(runs("garbage", "10.0.17763"));
  CHECK(runs("10.0.70000", "10.0.17763"));
  CHECK(runs("10.0.20348", ""));
  // An unparsable candidate version does not run on a versioned host.
  CHECK_FALSE(runs("10.0.20348", "garbage"));
  // The rule is the wanted platform's: a Linux wanted platform ignores versions.
  CHECK(ocikit::platform_matches(make("linux", "amd64", "", "10.0.20348"),
                                 make("linux", "amd64", "", "10.0.17763")));
  // Through specifiers, with the rest of the order.
  CHECK(rank("windows(10.0.22621)/amd64", "windows(10.0.20348)/386") == 1);
  CHECK(rank("windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64") == -1);
  CHECK(rank("Windows(10.0.17763)/amd64", "windows(10.0.20348)/amd64") == -1);
}

TEST_CASE("rank: absurd variants stay bounded", "[platform][match]") {
  CHECK(rank("linux/amd64/v99999999", "linux/386") == 99999999);
  CHECK(rank("linux/amd64/v99999999", "linux/amd64/v2") == 99999997);
  CHECK(rank("linux/amd64/v999999999", "linux/386") == 1);  // more than 8 digits: a name
  // arm64 variants outside containerd's table (v8-v8.9, v9-v9.7) run only themselves.
  CHECK(rank("linux/arm64/v9.99999999", "linux/arm64/v9.99999999") == 0);
  CHECK(rank("linux/arm64/v9.99999999", "linux/arm64/v8.9") == -1);
  CHECK(rank("linux/arm64/v10.2", "linux/arm64/v10.2") == 0);
  CHECK(rank("linux/arm64/v10.2", "linux/arm64/v10") == -1);
  CHECK(rank("linux/arm64/v10.2", "linux/arm/v10.2") == -1);
  CHECK(rank("linux/arm64/v10.2", "linux/arm/v8") == -1);
  CHECK(rank("linux/arm64/vx", "linux/arm/vx") == -1);
  CHECK(rank("linux/arm/v00008", "linux/arm/v5") == 3);
}

// ---- errors ----------------------------------------------------------------------------------

TEST_CASE("parse_platform errors: id, offset and message", "[platform][errors]") {
  struct row {
    std::string_view spec;
    std::string_view id;
    std::size_t offset;
    std::string_view message;
  };
  const row rows[] = {
      {"", "platform.empty", 0,
       "platform specifier is empty: write <os>, <arch> or <os>/<arch>[/<variant>], e.g. "
       "'linux/amd64'"},
      {"*", "platform.wildcard", 0,
       "wildcard '*' at byte 0 is not supported in a platform specifier: name the os and "
       "architecture, e.g. 'linux/amd64'"},
      {"linux/*", "platform.wildcard", 6, ""},
      {"lin!ux/*", "platform.wildcard", 7, ""},
      {"linux/arm/v7/extra", "platform.too_many_parts", 12,
       "too many parts in platform specifier: a third '/' at byte 12; the form is "
       "<os>/<arch>[/<variant>]"},
      {"linux/arm/foo/bar", "platform.too_many_parts", 13, ""},
      {"/linux/arm", "platform.empty_part", 0,
       "empty operating system at byte 0: each part of <os>/<arch>[/<variant>] needs at least one "
       "character"},
      {"(1)/amd64", "platform.empty_part", 0, ""},
      {"linux/", "platform.empty_part", 6,
       "empty architecture at byte 6: each part of <os>/<arch>[/<variant>] needs at least one "
       "character"},
      {"linux//v7", "platform.empty_part", 6, ""},
      {"linux/arm/", "platform.empty_part", 10,
       "empty variant at byte 10: each part of <os>/<arch>[/<variant>] needs at least one "
       "character"},
      {"linux/arm//", "platform.empty_part", 10, ""},
      {"linux /arm", "platform.invalid_os", 5,
       "invalid operating system at byte 5: unexpected ' '; an os is letters, digits, '_' or '-', "
       "optionally followed by (version[+feature...])"},
      {"lin.ux/amd64", "platform.invalid_os", 3, ""},
      {"\x01linux", "platform.invalid_os", 0,
       "invalid operating system at byte 0: unexpected byte 0x01; an os is letters, digits, '_' "
       "or '-', optionally followed by (version[+feature...])"},
      {"windows()x/amd64", "platform.invalid_os", 9, ""},
      {"windows(1)(2)", "platform.invalid_os", 10, ""},
      {"windows(10.0 )/amd64", "platform.invalid_os_option", 12,
       "invalid os version or feature at byte 12: unexpected ' '; use letters, digits, '_', '.', "
       "'-' or %XX escapes, '+' before each feature and ')' at the end"},
      {"windows(+!)", "platform.invalid_os_option", 9, ""},
      {"windows(a/b)/amd64", "platform.invalid_os_option", 9, ""},
      {"windows(10.0", "platform.unclosed_os_options", 12,
       "unclosed '(' in platform specifier: the input ends at byte 12; close the os version and "
       "features with ')'"},
      {"windows(10.0+win32k", "platform.unclosed_os_options", 19, ""},
      {"windows(", "platform.unclosed_os_options", 8, ""},
      {"windows(10.0+)/amd64", "platform.empty_os_feature", 13,
       "empty os feature at byte 13: each '+' must be followed by a feature name, e.g. "
       "'windows(10.0.20348+win32k)'"},
      {"windows(++a)/amd64", "platform.empty_os_feature", 9, ""},
      {"windows(+", "platform.empty_os_feature", 9, ""},
      {"windows(1%zz)/amd64", "platform.invalid_escape", 9,
       "invalid percent escape at byte 9: '%' must be followed by two hex digits, e.g. '%2B' for "
       "'+'"},
      {"windows(1%2)", "platform.invalid_escape", 9, ""},
      {"windows(+a%G1)/amd64", "platform.invalid_escape", 10, ""},
      {"windows(+%)", "platform.invalid_escape", 9, ""},
      {"linux/&arm", "platform.invalid_architecture", 6,
       "invalid architecture at byte 6: unexpected '&'; an architecture is letters, digits, '_', "
       "'.' or '-'"},
      {"linux/arm&", "platform.invalid_architecture", 9, ""},
      {"linux/arm(7)", "platform.invalid_architecture", 9, ""},
      {"linux/arm/v7!", "platform.invalid_variant", 12,
       "invalid variant at byte 12: unexpected '!'; a variant is letters, digits, '_', '.' or '-'"},
      {"linux/arm/\xff", "platform.invalid_variant", 10, ""},
      {"linx", "platform.unknown_os_or_arch", 0,
       "unknown operating system or architecture 'linx': a single word must be a known os (linux, "
       "windows, darwin, ...) or architecture (amd64, arm64, arm, ...); write <os>/<arch> for any "
       "other"},
      {"unknown", "platform.unknown_os_or_arch", 0, ""},
      {"amd64(10.0)", "platform.unknown_os", 0,
       "unknown operating system 'amd64': a version or features in parentheses need a known os, or "
       "the form <os>(...)/<arch>"},
      {"foo()", "platform.unknown_os", 0, ""},
  };
  for (const auto& r : rows) {
    INFO("spec: " << r.spec);
    const auto p = ocikit::parse_platform(r.spec, linux_amd64);
    REQUIRE_FALSE(p.has_value());
    const ocikit::error& e = p.error();
    CHECK(std::string(e.id()) == std::string(r.id));
    CHECK(e.offset() == r.offset);
    CHECK(e.condition() == ocikit::condition::platform_invalid);
    CHECK(e.error_code().category() == ocikit::error_category());
    CHECK(e.error_code().default_error_condition() ==
          ocikit::make_error_condition(ocikit::condition::platform_invalid));
    if (!r.message.empty()) CHECK(e.message() == std::string(r.message));
    // value() throws the same error.
    CHECK_THROWS_AS(p.value(), ocikit::system_error);
  }
}

TEST_CASE("parse_platform errors do not depend on the host", "[platform][errors]") {
  for (const std::string_view spec : {"linx", "linux/arm/v7/x", "windows(", "amd64(1)"}) {
    const auto a = ocikit::parse_platform(spec, linux_amd64);
    const auto b = ocikit::parse_platform(spec, make("windows", "arm64"));
    REQUIRE_FALSE(a.has_value());
    REQUIRE_FALSE(b.has_value());
    CHECK(a.error() == b.error());
  }
}
