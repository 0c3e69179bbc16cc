// Tests of ocikit/digest.hpp: algorithms and algorithm sets, parse_digest with every check in
// go-digest's order (exact ids, offsets and messages), is_valid_digest, the view and owning
// types over the same cases, parse_digest_lenient, and an independent model of go-digest's
// Validate run over generated inputs.
#include "ocikit/digest.hpp"

#include "ocikit/detail/digest_oracle.hpp"

#include <array>
#include <catch2/catch.hpp>
#include <cstddef>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

/// The error of parsing a digest built for the test (parse_digest refuses a temporary string:
/// its view would dangle).
ocikit::error digest_error(const std::string& s,
                           ocikit::algorithm_set set = ocikit::algorithm_set::defaults()) {
  return ocikit::parse_digest(s, set).error();
}

using ocikit::algorithm_set;
using ocikit::condition;
using ocikit::digest_algorithm;
using ocikit::errc;

using ocikit_test::h128;
using ocikit_test::h64;
using ocikit_test::h96;

std::string upper(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

using ocikit::detail::model_go_validate;
using ocikit::detail::model_oci_grammar;

// ---- the two types under test ---------------------------------------------------------------

struct view_api {
  using type = ocikit::digest_view;
  static ocikit::result<type> parse(std::string_view s,
                                    algorithm_set a = algorithm_set::defaults()) {
    return ocikit::parse_digest(s, a);
  }
};
struct owning_api {
  using type = ocikit::digest;
  static ocikit::result<type> parse(std::string_view s,
                                    algorithm_set a = algorithm_set::defaults()) {
    return ocikit::digest::parse(s, a);
  }
};
struct copied_api {
  using type = ocikit::digest;
  static ocikit::result<type> parse(std::string_view s,
                                    algorithm_set a = algorithm_set::defaults()) {
    auto v = ocikit::parse_digest(s, a);
    if (!v) return v.error();
    return ocikit::digest(*v);
  }
};

struct valid_case {
  std::string input;
  algorithm_set accepted;
  digest_algorithm algorithm;
};

std::vector<valid_case> valid_cases() {
  return {
      {"sha256:" + h64, algorithm_set::defaults(), digest_algorithm::sha256},
      {"sha384:" + h96, algorithm_set::defaults(), digest_algorithm::sha384},
      {"sha512:" + h128, algorithm_set::defaults(), digest_algorithm::sha512},
      {"blake3:" + h64, algorithm_set::all(), digest_algorithm::blake3},
      {"blake3:" + h64, algorithm_set{digest_algorithm::blake3}, digest_algorithm::blake3},
      {"sha256:" + std::string(64, '0'), {digest_algorithm::sha256}, digest_algorithm::sha256},
      {"sha512:" + std::string(128, 'f'), {digest_algorithm::sha512}, digest_algorithm::sha512},
  };
}

struct invalid_case {
  std::string input;
  algorithm_set accepted;
  errc code;
  std::size_t offset;
  std::string message;  ///< empty: not compared
};

std::vector<invalid_case> invalid_cases() {
  const auto def = algorithm_set::defaults();
  return {
      // 1. empty parts and the separator
      {"", def, errc::digest_empty, 0, "digest is empty"},
      {"sha256", def, errc::digest_missing_separator, 6,
       "invalid digest: no ':' between algorithm and encoded part"},
      {":" + h64, def, errc::digest_empty_algorithm, 0,
       "invalid digest: the algorithm before ':' is empty"},
      {"sha256:", def, errc::digest_empty_encoded, 7,
       "invalid digest: the encoded part after ':' is empty (byte 7)"},
      {"md5:", def, errc::digest_empty_encoded, 4, ""},  // empty beats unsupported
      {":", def, errc::digest_empty_algorithm, 0, ""},
      // 2. not accepted: unsupported when the OCI grammar matches, else invalid format
      {"md5:d41d8cd98f00b204e9800998ecf8427e", def, errc::digest_unsupported, 0,
       "unsupported digest algorithm 'md5'"},
      {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", def, errc::digest_unsupported, 0,
       "unsupported digest algorithm 'sha256+b64u'"},
      {"blake3:" + h64, def, errc::digest_unsupported, 0, "unsupported digest algorithm 'blake3'"},
      {"sha512:" + h128, {digest_algorithm::sha256}, errc::digest_unsupported, 0, ""},
      {"sha256:" + h64, algorithm_set{}, errc::digest_unsupported, 0, ""},
      {"SHA256:" + h64, def, errc::digest_invalid_algorithm, 0,
       "invalid digest algorithm at byte 0: 'S' is not allowed; algorithms are lowercase letters "
       "and digits separated by '+', '.', '_' or '-'"},
      {"sha256+:" + h64, def, errc::digest_invalid_algorithm, 6, ""},
      {"-sha:x", def, errc::digest_invalid_algorithm, 0, ""},
      {"sha256..x:ab", def, errc::digest_invalid_algorithm, 6, ""},
      {"a_:b", def, errc::digest_invalid_algorithm, 1, ""},
      {"foo:bar baz", def, errc::digest_invalid_encoded, 7,
       "invalid digest at byte 7: ' ' is not allowed in the encoded part"},
      {"a:b:c", def, errc::digest_invalid_encoded, 3, ""},
      {"foo:a+b", def, errc::digest_invalid_encoded, 5, ""},
      {"md5:\xff", def, errc::digest_invalid_encoded, 4,
       "invalid digest at byte 4: byte 0xff is not allowed in the encoded part"},
      // 3. length before characters
      {"sha256:" + h64.substr(1), def, errc::digest_invalid_length, 7,
       "invalid digest length: sha256 digests have 64 hex digits, this one has 63"},
      {"sha256:" + h64 + "0", def, errc::digest_invalid_length, 7,
       "invalid digest length: sha256 digests have 64 hex digits, this one has 65"},
      {"sha384:" + h64, def, errc::digest_invalid_length, 7,
       "invalid digest length: sha384 digests have 96 hex digits, this one has 64"},
      {"sha512:" + upper(h64), def, errc::digest_invalid_length, 7,
       "invalid digest length: sha512 digests have 128 hex digits, this one has 64"},
      {"blake3:abc", algorithm_set::all(), errc::digest_invalid_length, 7,
       "invalid digest length: blake3 digests have 64 hex digits, this one has 3"},
      {"sha256:" + h64 + ":", def, errc::digest_invalid_length, 7, ""},
      {"sha256:zz", def, errc::digest_invalid_length, 7, ""},
      // 4. characters outside [a-f0-9]
      {"sha256:" + upper(h64), def, errc::digest_invalid_hex, 7,
       "invalid digest at byte 7: 'E' is not a lowercase hex digit"},
      {"sha256:" + h64.substr(0, 63) + "g", def, errc::digest_invalid_hex, 70,
       "invalid digest at byte 70: 'g' is not a lowercase hex digit"},
      {"sha256:" + h64.substr(0, 10) + "\x01" + h64.substr(11), def, errc::digest_invalid_hex, 17,
       "invalid digest at byte 17: byte 0x01 is not a lowercase hex digit"},
  };
}

}  // namespace

// ---- algorithms and sets ----------------------------------------------------------------------

static_assert(ocikit::to_string(digest_algorithm::sha256) == "sha256");
static_assert(ocikit::encoded_size(digest_algorithm::sha512) == 128);
static_assert(ocikit::algorithm_from_name("sha384") == digest_algorithm::sha384);
static_assert(!ocikit::algorithm_from_name("SHA256"));
static_assert(algorithm_set::defaults().contains(digest_algorithm::sha256));
static_assert(!algorithm_set::defaults().contains(digest_algorithm::blake3));
static_assert(algorithm_set::all().contains(digest_algorithm::blake3));
static_assert(algorithm_set().empty());

TEST_CASE("digest algorithms: names and sizes", "[digest]") {
  const std::array<std::pair<digest_algorithm, std::pair<std::string_view, std::size_t>>, 4> all{{
      {digest_algorithm::sha256, {"sha256", 64}},
      {digest_algorithm::sha384, {"sha384", 96}},
      {digest_algorithm::sha512, {"sha512", 128}},
      {digest_algorithm::blake3, {"blake3", 64}},
  }};
  for (const auto& [a, info] : all) {
    CHECK(ocikit::to_string(a) == info.first);
    CHECK(ocikit::encoded_size(a) == info.second);
    CHECK(ocikit::algorithm_from_name(info.first) == a);
  }
  for (std::string_view unknown : {"", "md5", "SHA256", "sha256 ", "sha-256", "sha25", "sha2566"}) {
    INFO(unknown);
    CHECK_FALSE(ocikit::algorithm_from_name(unknown));
  }
}

TEST_CASE("algorithm_set: membership and find", "[digest]") {
  algorithm_set s;
  CHECK(s.empty());
  CHECK_FALSE(s.contains(digest_algorithm::sha256));
  s.insert(digest_algorithm::sha512).insert(digest_algorithm::blake3);
  CHECK_FALSE(s.empty());
  CHECK(s.contains(digest_algorithm::sha512));
  CHECK(s.contains(digest_algorithm::blake3));
  CHECK_FALSE(s.contains(digest_algorithm::sha256));
  CHECK(s.find("sha512") == digest_algorithm::sha512);
  CHECK_FALSE(s.find("sha256"));
  CHECK_FALSE(s.find("md5"));
  CHECK(algorithm_set::defaults() == algorithm_set{digest_algorithm::sha256,
                                                   digest_algorithm::sha384,
                                                   digest_algorithm::sha512});
  CHECK_FALSE(algorithm_set::defaults() == algorithm_set::all());
  CHECK(algorithm_set(algorithm_set::defaults()).insert(digest_algorithm::blake3) ==
        algorithm_set::all());
}

TEST_CASE("algorithm_set::parse: the CLI's --algorithms list", "[digest]") {
  auto one = algorithm_set::parse("sha256");
  REQUIRE(one.has_value());
  CHECK(*one == algorithm_set{digest_algorithm::sha256});
  auto two = algorithm_set::parse("sha512,sha256");
  REQUIRE(two.has_value());
  CHECK(*two == algorithm_set{digest_algorithm::sha256, digest_algorithm::sha512});
  auto every = algorithm_set::parse("sha256,sha384,sha512,blake3");
  REQUIRE(every.has_value());
  CHECK(*every == algorithm_set::all());
  auto dup = algorithm_set::parse("blake3,blake3");
  REQUIRE(dup.has_value());
  CHECK(*dup == algorithm_set{digest_algorithm::blake3});

  struct bad {
    std::string_view list;
    std::size_t offset;
    std::string_view message;
  };
  for (const bad& b : {bad{"", 0, "unsupported digest algorithm ''"},
                       bad{"md5", 0, "unsupported digest algorithm 'md5'"},
                       bad{"SHA256", 0, "unsupported digest algorithm 'SHA256'"},
                       bad{",sha256", 0, "unsupported digest algorithm ''"},
                       bad{"sha256,", 7, "unsupported digest algorithm ''"},
                       bad{"sha256,,sha512", 7, "unsupported digest algorithm ''"},
                       bad{"sha256,md5", 7, "unsupported digest algorithm 'md5'"},
                       bad{"sha256 ,sha512", 0, "unsupported digest algorithm 'sha256 '"}}) {
    INFO("'" << b.list << "'");
    const auto r = algorithm_set::parse(b.list);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::digest_unsupported);
    CHECK(r.error() == condition::digest_unsupported);
    CHECK(r.error().offset() == b.offset);
    CHECK(r.error().message() == b.message);
  }
}

// ---- parsing: the same cases over the view and the owning types -----------------------------

TEMPLATE_TEST_CASE("valid digests", "[digest]", view_api, owning_api, copied_api) {
  for (const auto& c : valid_cases()) {
    INFO(c.input);
    const auto r = TestType::parse(c.input, c.accepted);
    REQUIRE(r.has_value());
    CHECK(r->string() == c.input);
    CHECK(r->text() == c.input);
    CHECK(r->algorithm() == ocikit::to_string(c.algorithm));
    CHECK(r->encoded() == std::string_view(c.input).substr(c.input.find(':') + 1));
    CHECK(r->encoded().size() == ocikit::encoded_size(c.algorithm));
    CHECK(r->colon() == c.input.find(':'));
    CHECK(r->known_algorithm() == c.algorithm);
    CHECK_FALSE(r->empty());
    std::string tag = c.input;
    tag[c.input.find(':')] = '-';
    CHECK(r->tag_form() == tag);
    CHECK(ocikit::is_valid_digest(c.input, c.accepted));
    CHECK(model_go_validate(c.input, c.accepted) == condition::ok);
  }
}

TEMPLATE_TEST_CASE("invalid digests: code, condition, offset and message", "[digest]", view_api,
                   owning_api, copied_api) {
  for (const auto& c : invalid_cases()) {
    INFO("'" << c.input << "'");
    const auto r = TestType::parse(c.input, c.accepted);
    REQUIRE_FALSE(r.has_value());
    const ocikit::error& e = r.error();
    CHECK(e.id() == ocikit::to_string(c.code));
    CHECK(e.code() == c.code);
    CHECK(e.offset() == c.offset);
    CHECK(e.offset() <= c.input.size());
    CHECK(e.condition() == model_go_validate(c.input, c.accepted));
    if (!c.message.empty()) CHECK(e.message() == c.message);
    CHECK_FALSE(ocikit::is_valid_digest(c.input, c.accepted));
    CHECK(e.error_code() == e.condition());
  }
}

TEST_CASE("the default set is sha256, sha384 and sha512", "[digest]") {
  CHECK(ocikit::is_valid_digest("sha256:" + h64));
  CHECK(ocikit::is_valid_digest("sha384:" + h96));
  CHECK(ocikit::is_valid_digest("sha512:" + h128));
  CHECK_FALSE(ocikit::is_valid_digest("blake3:" + h64));
  CHECK(digest_error("blake3:" + h64) == errc::digest_unsupported);
  CHECK(ocikit::is_valid_digest("blake3:" + h64, algorithm_set::all()));
}

TEST_CASE("order of the checks decides the error", "[digest]") {
  const auto def = algorithm_set::defaults();
  // An empty encoded part is reported before an unknown algorithm.
  CHECK(ocikit::parse_digest("nope:", def).error() == errc::digest_empty_encoded);
  // An unknown algorithm before the encoded part's characters are looked at.
  CHECK(digest_error("nope:" + upper(h64), def) == errc::digest_unsupported);
  CHECK(digest_error("nope:" + h64 + "!", def) == errc::digest_invalid_encoded);
  // The length before the characters.
  CHECK(digest_error("sha256:" + upper(h64) + "A", def) == errc::digest_invalid_length);
  CHECK(digest_error("sha256:" + std::string(64, 'G'), def) == errc::digest_invalid_hex);
  // The first ':' separates; a later one belongs to the encoded part.
  CHECK(digest_error("sha256:" + h64.substr(0, 63) + ":", def) == errc::digest_invalid_hex);
}

TEST_CASE("digest values: comparison, hashing, conversions, from_bytes", "[digest]") {
  const std::string text = "sha256:" + h64;
  const auto v = ocikit::parse_digest(text);
  REQUIRE(v.has_value());
  const ocikit::digest d(*v);
  CHECK(d == text);
  CHECK(d.string() == text);
  CHECK(d.view() == *v);
  const ocikit::digest_view converted = d;
  CHECK(converted == *v);
  CHECK(converted.text().data() == d.text().data());  // the view points into the owner
  CHECK(std::hash<ocikit::digest>{}(d) == std::hash<std::string_view>{}(text));

  const auto other = ocikit::digest::parse("sha512:" + h128);
  REQUIRE(other.has_value());
  CHECK(d < *other);
  CHECK(*v < other->view());
  CHECK_FALSE(d == *other);
  std::unordered_set<ocikit::digest> set{d, *other, d};
  CHECK(set.size() == 2);

  const ocikit::digest_view empty;
  CHECK(empty.empty());
  CHECK(ocikit::digest().empty());

  // sha256("") as raw bytes.
  const std::array<unsigned char, 32> bytes{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14,
                                            0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
                                            0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c,
                                            0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55};
  const auto made = ocikit::digest::from_bytes(digest_algorithm::sha256, bytes);
  CHECK(made == text);
  CHECK(made.algorithm() == "sha256");
  CHECK(made.colon() == 6);
  CHECK(ocikit::is_valid_digest(made.string()));
  const std::array<unsigned char, 2> short_bytes{0x00, 0xff};
  CHECK(ocikit::digest::from_bytes(digest_algorithm::sha512, short_bytes) == "sha512:00ff");
  const std::array<unsigned char, 80> long_bytes{};  // a text longer than the inline capacity
  const auto long_made = ocikit::digest::from_bytes(digest_algorithm::sha512, long_bytes);
  CHECK(long_made == "sha512:" + std::string(160, '0'));
  CHECK(ocikit::digest(long_made) == long_made);
}

TEST_CASE("digest storage: inline up to sha512, heap beyond; copies and moves keep the text",
          "[digest]") {
  // The three default algorithms fit inline (sha512: 135 bytes, the inline capacity); a
  // well-formed digest of another algorithm may be longer and is kept on the heap.
  const std::string sha512 = "sha512:" + h128;
  REQUIRE(sha512.size() == ocikit::digest::inline_capacity);
  const std::string long_text = "multihash+base58:" + std::string(200, 'Z');
  const auto long_view = ocikit::parse_digest_lenient(long_text);
  REQUIRE(long_view.has_value());
  for (const std::string& text : {"sha256:" + h64, sha512, long_text}) {
    INFO(text);
    const auto view = ocikit::parse_digest_lenient(text);
    REQUIRE(view.has_value());
    const ocikit::digest d(*view);
    CHECK(d == text);
    CHECK(d.colon() == view->colon());
    CHECK(d.text().data() != text.data());  // a copy, not a view of the input

    ocikit::digest copy(d);
    CHECK(copy == text);
    CHECK(copy.text().data() != d.text().data());
    ocikit::digest moved(std::move(copy));
    CHECK(moved == text);
    CHECK(moved.colon() == d.colon());
    CHECK(copy.empty());  // NOLINT(bugprone-use-after-move): moved-from digests are empty

    // Assignments between every pair of sizes (inline over heap, heap over inline, ...).
    for (const std::string& other_text : {"sha256:" + h64, sha512, long_text}) {
      const auto other_view = ocikit::parse_digest_lenient(other_text);
      REQUIRE(other_view.has_value());
      ocikit::digest target(*other_view);
      target = d;
      CHECK(target == text);
      CHECK(target.algorithm() == d.algorithm());
      ocikit::digest source(*other_view);
      target = std::move(source);
      CHECK(target == other_text);
      CHECK(source.empty());           // NOLINT(bugprone-use-after-move)
      ocikit::digest& alias = target;  // self-assignment through a reference keeps the text
      target = alias;
      CHECK(target == other_text);
      target = std::move(alias);
      CHECK(target == other_text);
    }
  }
  ocikit::digest reused(*long_view);
  reused = ocikit::digest(*ocikit::parse_digest(sha512));  // heap storage dropped for inline
  CHECK(reused == sha512);
  reused = ocikit::digest(*long_view);
  CHECK(reused == long_text);
  CHECK(ocikit::digest(ocikit::digest_view()).empty());

  reused.assign(*ocikit::parse_digest(sha512));  // assign(): heap to inline, keeps the colon
  CHECK(reused == sha512);
  CHECK(reused.colon() == 6);
  reused.assign(*long_view);
  CHECK(reused == long_text);
  CHECK(reused.algorithm() == "multihash+base58");
  reused.assign(ocikit::digest_view());
  CHECK(reused.empty());

  // assign() from a view of the digest's own text, inline and on the heap, whole or in part
  // (overlapping, and heap text moving inline). The colon passed is not checked by assign().
  for (const std::string& text : {sha512, long_text}) {
    for (const std::size_t from : {std::size_t{0}, std::size_t{3}, text.size() - 100}) {
      INFO(text << " from " << from);
      ocikit::digest self(*ocikit::parse_digest_lenient(text));
      const std::string_view part = self.text().substr(from);
      const std::string want(part);
      self.assign(ocikit::digest_view::unchecked(part, 1));
      CHECK(self.text() == want);
      CHECK(self.colon() == 1);
    }
  }
}

TEST_CASE("parse_digest_lenient: known algorithms exact, unknown well-formed ones accepted",
          "[digest]") {
  struct row {
    std::string input;
    bool valid;
    bool known;
    errc code;  ///< when not valid
  };
  const std::vector<row> rows = {
      {"sha256:" + h64, true, true, errc::ok},
      {"sha384:" + h96, true, true, errc::ok},
      {"sha512:" + h128, true, true, errc::ok},
      {"blake3:" + h64, true, true, errc::ok},
      {"md5:d41d8cd98f00b204e9800998ecf8427e", true, false, errc::ok},
      {"sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", true, false, errc::ok},
      {"multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8", true, false, errc::ok},
      {"sha256:" + h64.substr(1), false, false, errc::digest_invalid_length},
      {"blake3:abc", false, false, errc::digest_invalid_length},
      {"sha256:" + upper(h64), false, false, errc::digest_invalid_hex},
      {"MD5:abc", false, false, errc::digest_invalid_algorithm},
      {"md5:a b", false, false, errc::digest_invalid_encoded},
      {"", false, false, errc::digest_empty},
      {"md5", false, false, errc::digest_missing_separator},
      {"md5:", false, false, errc::digest_empty_encoded},
  };
  for (const auto& r : rows) {
    INFO(r.input);
    const auto l = ocikit::parse_digest_lenient(r.input);
    REQUIRE(l.has_value() == r.valid);
    if (r.valid) {
      CHECK(l->string() == r.input);
      CHECK(l->known_algorithm().has_value() == r.known);
      CHECK(l->algorithm() == std::string_view(r.input).substr(0, r.input.find(':')));
    } else {
      CHECK(l.error() == r.code);
      // It fails exactly as the strict parse with every known algorithm does.
      CHECK(l.error() == ocikit::parse_digest(r.input, algorithm_set::all()).error());
    }
  }
}

TEST_CASE("is_valid_digest == parse_digest().has_value() and the go-digest model agrees",
          "[digest]") {
  // Inputs: every case above, plus single-byte mutations of valid digests and random strings
  // over the interesting alphabet, under several accepted sets.
  std::vector<std::string> inputs;
  for (const auto& c : valid_cases()) inputs.push_back(c.input);
  for (const auto& c : invalid_cases()) inputs.push_back(c.input);
  const std::string alphabet = "sha256:blake3SHA+._-=/ 0fgFZ:\x80";
  for (const std::string& base :
       std::vector<std::string>{"sha256:" + h64, "sha384:" + h96, "blake3:" + h64, "md5:abc"}) {
    for (std::size_t i = 0; i <= base.size(); i += 3) {
      for (char c : std::string_view("A:g.-+_= \xff")) {
        std::string m = base;
        if (i < m.size()) {
          m[i] = c;
        } else {
          m += c;
        }
        inputs.push_back(m);
        inputs.push_back(base.substr(0, i));
      }
    }
  }
  std::mt19937 rng(20240601);
  for (int n = 0; n < 3000; ++n) {
    std::string s;
    const auto len = rng() % 24;
    for (std::size_t k = 0; k < len; ++k) s += alphabet[rng() % alphabet.size()];
    inputs.push_back(s);
  }
  const algorithm_set sets[] = {algorithm_set::defaults(), algorithm_set::all(), algorithm_set{},
                                algorithm_set{digest_algorithm::sha256},
                                algorithm_set{digest_algorithm::blake3}};
  std::size_t valid = 0;
  for (const auto& s : inputs) {
    for (const auto set : sets) {
      INFO("'" << s << "'");
      const auto r = ocikit::parse_digest(s, set);
      CHECK(ocikit::is_valid_digest(s, set) == r.has_value());
      CHECK((r ? condition::ok : r.error().condition()) == model_go_validate(s, set));
      const auto o = ocikit::digest::parse(s, set);
      REQUIRE(o.has_value() == r.has_value());
      if (r) {
        ++valid;
        CHECK(o->string() == r->string());
      } else {
        CHECK(o.error() == r.error());
        CHECK(r.error().offset() <= s.size());
        CHECK_FALSE(r.error().message().empty());
      }
      CHECK(ocikit::detail::matches_oci_grammar(s) == model_oci_grammar(s));
      CHECK(ocikit::detail::matches_oci_grammar_scanned(s) == model_oci_grammar(s));
    }
  }
  CHECK(valid > 20);
}
