// Tests of the PEGTL grammars in ocikit/grammar/: every character class over all 256 byte values
// against an independent predicate, every production of the reference and digest grammars with
// its edge cases, the run<> rule, pegtl::analyze on the top-level rules, and embedding the rules
// in a user grammar.
#include "ocikit/grammar/chars.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>
#include <vector>

#include "ocikit/grammar/digest.hpp"
#include "ocikit/grammar/reference.hpp"
#include "ocikit/grammar/scan.hpp"

namespace {

namespace pegtl = tao::pegtl;
namespace g = ocikit::grammar;
namespace chars = ocikit::grammar::chars;

const std::string hex64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// True when Rule matches the whole of s.
template <class Rule>
bool whole(std::string_view s) {
  pegtl::memory_input in(s.data(), s.size(), "grammar_test");
  return pegtl::parse<pegtl::seq<Rule, pegtl::eof>>(in);
}

/// How many bytes Rule consumes at the start of s, or nothing when it fails.
template <class Rule>
std::optional<std::size_t> prefix(std::string_view s) {
  pegtl::memory_input in(s.data(), s.size(), "grammar_test");
  if (!pegtl::parse<Rule>(in)) return std::nullopt;
  return static_cast<std::size_t>(in.current() - s.data());
}

template <class Rule>
void check_matches(std::initializer_list<std::string_view> good,
                   std::initializer_list<std::string_view> bad) {
  for (auto s : good) {
    INFO("should match: '" << s << "'");
    CHECK(whole<Rule>(s));
  }
  for (auto s : bad) {
    INFO("should not match: '" << s << "'");
    CHECK_FALSE(whole<Rule>(s));
  }
}

// Independent predicates, written with plain comparisons (no <cctype>: no locale).
bool p_lower(unsigned c) { return c >= 'a' && c <= 'z'; }
bool p_upper(unsigned c) { return c >= 'A' && c <= 'Z'; }
bool p_digit(unsigned c) { return c >= '0' && c <= '9'; }
bool p_alpha(unsigned c) { return p_lower(c) || p_upper(c); }
bool p_alnum(unsigned c) { return p_alpha(c) || p_digit(c); }
bool p_hex(unsigned c) { return p_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool p_lower_hex(unsigned c) { return p_digit(c) || (c >= 'a' && c <= 'f'); }
bool p_alg_sep(unsigned c) { return c == '+' || c == '.' || c == '_' || c == '-'; }

struct class_case {
  const char* name;
  const ocikit::grammar::detail::char_table& table;
  std::function<bool(unsigned)> expected;
  std::size_t members;
};

template <const ocikit::grammar::detail::char_table& Table>
void check_rules_agree_with_table() {
  for (unsigned c = 0; c < 256; ++c) {
    const char ch = static_cast<char>(c);
    const std::string one(1, ch);
    INFO("byte " << c);
    CHECK(whole<g::in_table<Table>>(one) == Table(ch));
    CHECK(whole<g::run<Table>>(one) == Table(ch));
    CHECK(whole<g::run<Table, 0>>(one) == Table(ch));
    CHECK(g::detail::table_test<Table>::test(ch) == Table(ch));
  }
}

}  // namespace

// ---- compile-time use of the tables (a bad literal can fail to compile) ----------------------

namespace {
consteval bool all_in(const ocikit::grammar::detail::char_table& t, std::string_view s) {
  for (char c : s) {
    if (!t(c)) return false;
  }
  return true;
}
constexpr ocikit::grammar::detail::char_table dash_last{"a-c-"};
constexpr ocikit::grammar::detail::char_table dash_first{"-xz"};
}  // namespace

static_assert(all_in(chars::lower_alnum, "ubuntu2404"));
static_assert(!all_in(chars::lower_alnum, "Ubuntu"));
static_assert(all_in(chars::tag_rest, "v1.2.3-rc_1"));
static_assert(!all_in(chars::tag_first, "-"));
static_assert(all_in(chars::oci_encoded, "LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564="));
static_assert(dash_last('a') && dash_last('b') && dash_last('c') && dash_last('-'));
static_assert(!dash_last('d') && !dash_last('`'));
static_assert(dash_first('-') && dash_first('x') && dash_first('z') && !dash_first('y'));

// Hand-scanned rules are constexpr: literals can be validated at compile time.
namespace {
template <class Rule>
consteval bool scans_whole(std::string_view s) {
  const auto r = Rule::scan(s.data(), s.data() + s.size());
  return r.end == s.data() + s.size();
}
}  // namespace
static_assert(scans_whole<ocikit::grammar::path>("library/ubuntu"));
static_assert(scans_whole<ocikit::grammar::path>("a.b_c__d-e---f/g"));
static_assert(!scans_whole<ocikit::grammar::path>("Library/ubuntu"));
static_assert(!scans_whole<ocikit::grammar::path>("a___b"));
static_assert(scans_whole<ocikit::grammar::domain_name>("Registry.Example.COM"));
static_assert(!scans_whole<ocikit::grammar::domain_name>("a-.b"));
static_assert(scans_whole<ocikit::grammar::tag>("v1.2.3-rc.1"));
static_assert(!scans_whole<ocikit::grammar::tag>(".hidden"));
static_assert(scans_whole<ocikit::grammar::ipv6_host>("[fe80::1]"));
static_assert(scans_whole<ocikit::grammar::reference_algorithm>("sha256+b64u"));

TEST_CASE("character classes: all 256 bytes against independent predicates", "[grammar][chars]") {
  const std::vector<class_case> cases = {
      {"lower_alnum", chars::lower_alnum, [](unsigned c) { return p_lower(c) || p_digit(c); }, 36},
      {"alnum", chars::alnum, p_alnum, 62},
      {"alpha", chars::alpha, p_alpha, 52},
      {"digit", chars::digit, p_digit, 10},
      {"hex", chars::hex, p_hex, 22},
      {"lower_hex", chars::lower_hex, p_lower_hex, 16},
      {"ipv6", chars::ipv6, [](unsigned c) { return p_hex(c) || c == ':'; }, 23},
      {"tag_first", chars::tag_first, [](unsigned c) { return p_alnum(c) || c == '_'; }, 63},
      {"tag_rest", chars::tag_rest,
       [](unsigned c) { return p_alnum(c) || c == '_' || c == '.' || c == '-'; }, 65},
      {"upper", chars::upper, p_upper, 26},
      {"oci_algorithm", chars::oci_algorithm, [](unsigned c) { return p_lower(c) || p_digit(c); },
       36},
      {"oci_algorithm_separator", chars::oci_algorithm_separator, p_alg_sep, 4},
      {"oci_encoded", chars::oci_encoded,
       [](unsigned c) { return p_alnum(c) || c == '=' || c == '_' || c == '-'; }, 65},
      {"ref_algorithm_separator", chars::ref_algorithm_separator, p_alg_sep, 4},
  };
  for (const auto& k : cases) {
    std::size_t members = 0;
    for (unsigned c = 0; c < 256; ++c) {
      const char ch = static_cast<char>(c);
      INFO(k.name << " byte " << c);
      CHECK(k.table(ch) == k.expected(c));
      CHECK(k.table.member[c] == k.expected(c));
      if (k.table(ch)) ++members;
    }
    INFO(k.name);
    CHECK(members == k.members);
  }
}

TEST_CASE("in_table and run agree with their table on every byte", "[grammar][chars]") {
  check_rules_agree_with_table<chars::lower_alnum>();
  check_rules_agree_with_table<chars::alnum>();
  check_rules_agree_with_table<chars::alpha>();
  check_rules_agree_with_table<chars::digit>();
  check_rules_agree_with_table<chars::hex>();
  check_rules_agree_with_table<chars::lower_hex>();
  check_rules_agree_with_table<chars::ipv6>();
  check_rules_agree_with_table<chars::tag_first>();
  check_rules_agree_with_table<chars::tag_rest>();
  check_rules_agree_with_table<chars::upper>();
  check_rules_agree_with_table<chars::oci_algorithm>();
  check_rules_agree_with_table<chars::oci_algorithm_separator>();
  check_rules_agree_with_table<chars::oci_encoded>();
  check_rules_agree_with_table<chars::ref_algorithm_separator>();
}

TEST_CASE("run<Table, Min, Max> is an atomic bounded repetition", "[grammar][chars]") {
  using two_to_three = g::run<chars::digit, 2, 3>;
  CHECK_FALSE(prefix<two_to_three>(""));
  CHECK_FALSE(prefix<two_to_three>("1"));
  CHECK(prefix<two_to_three>("12") == 2U);
  CHECK(prefix<two_to_three>("123") == 3U);
  CHECK_FALSE(prefix<two_to_three>("1234"));  // more than Max: fails, does not stop at Max
  CHECK(prefix<two_to_three>("12a") == 2U);
  CHECK(prefix<two_to_three>("123a4") == 3U);
  CHECK(prefix<g::run<chars::digit, 0>>("") == 0U);
  CHECK(prefix<g::run<chars::digit, 0>>("x") == 0U);
  CHECK(prefix<g::run<chars::digit>>(std::string(1000, '7')) == 1000U);
  // Runs longer than the eight-byte fast path, with the stop in every position of a block.
  for (std::size_t n = 1; n < 40; ++n) {
    std::string s(n, 'a');
    s += 'G';
    s += "aaaaaaaaaaaaaaaa";
    INFO("n " << n);
    CHECK(prefix<g::run<chars::lower_hex>>(s) == n);
    CHECK(prefix<g::run<chars::lower_hex, 0, 64>>(s) == n);
    CHECK(prefix<g::run<chars::lower_hex, 40>>(s) == std::nullopt);
  }
}

TEST_CASE("domain productions", "[grammar][reference]") {
  check_matches<g::domain_label>({"a", "A", "0", "ab", "a-b", "a--b", "Zz9", "xn--bcher-kva"},
                                 {"", "-", "-a", "a-", "a_b", "a.b", "a b", "\xc3\xa9"});
  check_matches<g::domain_name>(
      {"a", "a.b", "Example.COM", "a-b.c-d", "localhost", "1.2.3.4", "docker.io"},
      {"", "a.", ".a", "a..b", "a_b.c", "a.-b", "a-.b", "a.b/"});
  check_matches<g::ipv6_host>({"[::1]", "[::]", "[fe80::1]", "[FE80::ABCD]", "[0:0:0:0:0:0:0:1]",
                               "[2001:db8::1]", "[abc]", "[:]"},
                              {"[]", "[::1", "::1]", "[::g]", "[fe80::1%eth0]", "[1.2.3.4]",
                               "[::ffff:1.2.3.4]", "::1", "[[::1]]"});
  check_matches<g::host>({"a", "a.b", "[::1]", "localhost"}, {"", "[]", "a.", "[::1]:5000"});
  check_matches<g::port>({"0", "5000", "65536", "99999999999999999999"},
                         {"", "a", "50a", "-1", " 1", "+1"});
  check_matches<g::domain>(
      {"localhost:5000", "[::1]:5000", "[::1]", "a.b", "a:0", "Registry.Example.COM:443"},
      {"", "a:", ":5000", "a:b", "[::1]:", "a:5000:1", "a.b:", "[::1]5000"});
  check_matches<g::domain_prefix>({"a.b/", "a/", "[::1]:5000/", "localhost:5000/"},
                                  {"a", "a.b", "/", "a:/", "a//"});
}

TEST_CASE("path productions", "[grammar][reference]") {
  // separator := "__" | "_" | "." | "-"+ ; "__" is tried first, so "___" never separates.
  CHECK(prefix<g::path_component>("a_b") == 3U);
  CHECK(prefix<g::path_component>("a__b") == 4U);
  CHECK(prefix<g::path_component>("a___b") == 1U);
  CHECK(prefix<g::path_component>("a.b") == 3U);
  CHECK(prefix<g::path_component>("a..b") == 1U);
  CHECK(prefix<g::path_component>("a----b") == 6U);
  CHECK(prefix<g::path_component>("a-_b") == 1U);
  CHECK(prefix<g::path_component>("a_") == 1U);
  CHECK(prefix<g::path_component>("a-") == 1U);
  CHECK(prefix<g::path_component>("ab/cd") == 2U);
  CHECK(prefix<g::path_component>("abC") == 2U);
  CHECK_FALSE(prefix<g::path_component>(""));
  CHECK_FALSE(prefix<g::path_component>("_a"));
  CHECK_FALSE(prefix<g::path_component>("A"));
  CHECK(prefix<g::path>("a/b//c") == 3U);
  CHECK(prefix<g::path>("a/b/") == 3U);
  CHECK(prefix<g::path>("a/B") == 1U);

  check_matches<g::path_component>(
      {"a", "0", "a0", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b_c__d-e", "0.0.0", "x-1--2---3"},
      {"", "A", "aB", "a___b", "a..b", "_a", "a_", ".a", "a.", "-a", "a-", "a._b", "a-_b", "a_.b",
       "a/b", "a:b", "a b", "a+b"});
  check_matches<g::path>({"a", "a/b", "a/b/c", "library/ubuntu", "a_b/c-d/e.f", "0/1/2"},
                         {"", "/a", "a/", "a//b", "a/B", "a/_b", "a/b/"});
}

TEST_CASE("name: the domain exists only when a '/' follows", "[grammar][reference]") {
  check_matches<g::name>({"a", "a/b", "localhost:5000/a/b", "[::1]/a", "[::1]:5000/a",
                          "Example.com/x", "test_com/foo", "library/ubuntu", "a.b.c/d"},
                         {"", "Example/X", "a:5000", "A", "Foo.com", "a/", "[::1]", "[::1]:5000"});
  // Greedy domain: "library/ubuntu" takes "library" as the domain in strict grammar terms.
  CHECK(prefix<g::domain_prefix>("library/ubuntu") == 8U);
  CHECK_FALSE(prefix<g::domain_prefix>("test_com/foo"));
}

TEST_CASE("tag production and its 128-byte limit", "[grammar][reference]") {
  const std::string t127 = "v" + std::string(126, 'x');
  const std::string t128 = "v" + std::string(127, 'x');
  const std::string t129 = "v" + std::string(128, 'x');
  check_matches<g::tag>({"a", "_", "0", "A", "latest", "v1.2.3-rc.1", "__", "9-", "a.-_"},
                        {"", ".a", "-a", "a/b", "a:b", "a@b", "a b", "a+b"});
  CHECK(whole<g::tag>(t127));
  CHECK(whole<g::tag>(t128));
  CHECK_FALSE(whole<g::tag>(t129));
  CHECK(prefix<g::tag>(t128) == 128U);
  CHECK_FALSE(prefix<g::tag>(t129));  // the run fails as a whole past 128 bytes
  CHECK(prefix<g::tag>(t128 + "@") == 128U);
}

TEST_CASE("reference-level digest productions", "[grammar][reference]") {
  CHECK(prefix<g::reference_algorithm>("sha256+") == 6U);
  CHECK(prefix<g::reference_algorithm>("a+1") == 1U);
  CHECK(prefix<g::reference_algorithm>("a1b2:") == 4U);
  check_matches<g::reference_algorithm>({"sha256", "sha256+b64u", "a.b_c-d+e", "SHA256", "A.B"},
                                        {"", "a+", "+a", "a++b", "a+1b", "1sha", "a:b"});
  const std::string h31(31, 'a');
  const std::string h32(32, 'a');
  check_matches<g::reference_digest_hex>({h32, hex64, "ABCDEFabcdef0123456789ABCDEFabcd"},
                                         {h31, "", h31 + "g", std::string(32, 'g')});
  check_matches<g::reference_digest>(
      {"sha256:" + hex64, "SHA256:" + hex64, "foo:" + h32, "a.b+c:" + h32, "sha256:" + h32},
      {"sha256:" + h31, "sha256", ":" + hex64, "sha256:", "sha256::" + hex64, "1a:" + h32,
       "sha256:" + hex64 + "g"});
}

TEST_CASE("reference and identifier productions", "[grammar][reference]") {
  check_matches<g::reference_only>(
      {"a", "a:b", "a@sha256:" + hex64, "a:b@sha256:" + hex64, "localhost:5000/a/b:1.0",
       "[::1]:5000/a:t@sha512:" + std::string(128, 'f'), "test.com:5000", "a:5000/b",
       "Registry.IO/x:Y@SHA256:" + hex64},
      {"", ":", "@", "a:", "a@", "a:@", "a::b", "a@b", "a@sha256:" + hex64 + "@x", "A", "a/B",
       "a:b/c", "a b", "a\n"});
  CHECK(whole<g::reference>("a:b@sha256:" + hex64));
  check_matches<g::identifier>({hex64, std::string(64, '0')},
                               {hex64.substr(1), hex64 + "0", std::string(64, 'A'), ""});
  CHECK_FALSE(prefix<g::identifier>(hex64 + "0"));  // exactly 64, not a prefix of 65
  check_matches<g::identifier_only>({hex64}, {hex64 + " ", "sha256:" + hex64});
}

TEST_CASE("OCI digest productions", "[grammar][digest]") {
  check_matches<g::digest_algorithm_component>({"sha256", "0", "md5"}, {"", "SHA", "a-", "a+"});
  for (unsigned c = 0; c < 256; ++c) {
    const std::string one(1, static_cast<char>(c));
    INFO("byte " << c);
    CHECK(whole<g::digest_algorithm_separator>(one) == p_alg_sep(c));
  }
  check_matches<g::digest_algorithm>({"sha256", "sha256+b64u", "multihash+base58", "a.b_c-d", "0"},
                                     {"", "a+", "+a", "a..b", "Sha256", "a+-b", "sha256:"});
  check_matches<g::digest_encoded>({"abcXYZ019=_-", "=", "-", hex64},
                                   {"", "a b", "a:b", "a+b", "a/b", "a.b", "\xc3\xa9"});
  check_matches<g::digest>({"sha256:" + hex64, "md5:abc", "a:=", "sha256+b64u:LCa0a2j_xo"},
                           {"sha256:", ":abc", "SHA:x", "a:b:c", "a", "", "a.:b"});
  check_matches<g::digest_only>({"sha256:" + hex64}, {"sha256:" + hex64 + ":"});
}

TEST_CASE("pegtl::analyze finds no problem in the top-level rules", "[grammar]") {
  CHECK(pegtl::analyze<g::reference_only>() == 0);
  CHECK(pegtl::analyze<g::reference>() == 0);
  CHECK(pegtl::analyze<g::name>() == 0);
  CHECK(pegtl::analyze<g::domain>() == 0);
  CHECK(pegtl::analyze<g::path>() == 0);
  CHECK(pegtl::analyze<g::tag>() == 0);
  CHECK(pegtl::analyze<g::reference_digest>() == 0);
  CHECK(pegtl::analyze<g::identifier_only>() == 0);
  CHECK(pegtl::analyze<g::digest_only>() == 0);
  CHECK(pegtl::analyze<g::digest>() == 0);
}

namespace {

// A user grammar that embeds the reference rule: a comma-separated list of references.
struct reference_list : pegtl::seq<pegtl::list<g::reference, pegtl::one<','>>, pegtl::eof> {};

template <class Rule>
struct collect : pegtl::nothing<Rule> {};
template <>
struct collect<g::path> {
  template <class ActionInput>
  static void apply(const ActionInput& in, std::vector<std::string>& paths) {
    paths.push_back(in.string());
  }
};
template <>
struct collect<g::tag> {
  template <class ActionInput>
  static void apply(const ActionInput& in, std::vector<std::string>& paths) {
    paths.push_back("tag=" + in.string());
  }
};

}  // namespace

TEST_CASE("the rules embed in a user grammar with user actions", "[grammar]") {
  const std::string text = "ubuntu,example.com/a/b:1,c@sha256:" + hex64;
  std::vector<std::string> seen;
  pegtl::memory_input in(text, "list");
  REQUIRE(pegtl::parse<reference_list, collect>(in, seen));
  CHECK(seen == std::vector<std::string>{"ubuntu", "a/b", "tag=1", "c"});

  for (std::string_view bad : {"ubuntu,,b", "ubuntu,", ",a", "a,B"}) {
    INFO(bad);
    pegtl::memory_input in2(bad.data(), bad.size(), "list");
    std::vector<std::string> ignored;
    CHECK_FALSE(pegtl::parse<reference_list, collect>(in2, ignored));
  }
}
