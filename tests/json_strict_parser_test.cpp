#include "ocikit/json/strict_parser.hpp"

#include <pthread.h>

#include <catch2/catch.hpp>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/json/pointer.hpp"

namespace {

namespace json = ocikit::json;
using ocikit::errc;

// The error of a document that must fail.
ocikit::error failure(std::string_view text, const json::strict_options& o = {}) {
  auto r = json::parse_strict(text, o);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

void check_error(std::string_view text, errc code, std::size_t offset, std::string_view pointer,
                 std::string_view message, const json::strict_options& o = {}) {
  CAPTURE(text);
  const ocikit::error e = failure(text, o);
  CHECK(e.code() == code);
  CHECK(e.offset() == offset);
  CHECK(e.pointer() == pointer);
  CHECK(e.message() == message);
}

std::string nested_arrays(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

}  // namespace

TEST_CASE("strict parser: values, kinds and iteration", "[json]") {
  const std::string text =
      R"({"s":"text","i":-7,"t":true,"f":false,"n":null,"a":[1,"x",{}],"o":{"k":"v"}})";
  auto doc = json::parse_strict(text);
  REQUIRE(doc.has_value());
  const json::value root = doc->root();
  REQUIRE(root.is_object());
  CHECK(root.size() == 7);

  std::vector<std::string_view> keys;
  for (const json::member m : root.members()) keys.push_back(m.key);
  CHECK(keys == std::vector<std::string_view>{"s", "i", "t", "f", "n", "a", "o"});

  CHECK(root.find("s")->get_string() == "text");
  CHECK(root.find("i")->kind() == json::value_kind::int64);
  CHECK(root.find("i")->get_int64() == -7);
  CHECK(root.find("t")->get_bool());
  CHECK_FALSE(root.find("f")->get_bool());
  CHECK(root.find("n")->is_null());
  CHECK_FALSE(root.find("missing").has_value());

  const json::value a = *root.find("a");
  REQUIRE(a.is_array());
  CHECK(a.size() == 3);
  std::vector<json::value_kind> kinds;
  for (const json::value e : a.elements()) kinds.push_back(e.kind());
  CHECK(kinds == std::vector<json::value_kind>{json::value_kind::int64, json::value_kind::string,
                                               json::value_kind::object});
  CHECK(root.find("o")->find("k")->get_string() == "v");
  // Scalars have no elements or members.
  CHECK(root.find("s")->size() == 0);
  CHECK(root.find("s")->members().begin() == root.find("s")->members().end());
  CHECK(doc->node_count() == 20);
  CHECK(doc->input() == text);
}

TEST_CASE("strict parser: strings without escapes view the input", "[json]") {
  const std::string text = R"({"key":"plain","esc":"a\u00e9\n\ud83d\ude00"})";
  auto doc = json::parse_strict(text);
  REQUIRE(doc.has_value());
  const std::string_view plain = doc->root().find("key")->get_string();
  CHECK(plain == "plain");
  CHECK(plain.data() == text.data() + 8);
  // Escapes are unescaped: U+00E9, a newline, and a surrogate pair as one 4-byte UTF-8 sequence.
  CHECK(doc->root().find("esc")->get_string() == "a\xC3\xA9\n\xF0\x9F\x98\x80");
}

TEST_CASE("strict parser: integers are exact, other numbers keep their text", "[json]") {
  auto doc = json::parse_strict(
      R"([9007199254740993, 9223372036854775807, -9223372036854775808, 9223372036854775808,)"
      R"( 18446744073709551615, 18446744073709551616, 2.0, 1e3, -0, 0])");
  REQUIRE(doc.has_value());
  std::vector<json::value> v;
  for (const json::value e : doc->root().elements()) v.push_back(e);
  REQUIRE(v.size() == 10);
  CHECK(v[0].kind() == json::value_kind::int64);
  CHECK(v[0].get_int64() == 9007199254740993);  // 2^53 + 1: not rounded through a double
  CHECK(v[1].get_int64() == INT64_MAX);
  CHECK(v[2].get_int64() == INT64_MIN);
  CHECK(v[3].kind() == json::value_kind::uint64);
  CHECK(v[3].get_uint64() == 9223372036854775808ULL);
  CHECK(v[4].get_uint64() == UINT64_MAX);
  CHECK(v[5].kind() == json::value_kind::number);
  CHECK(v[5].number_text() == "18446744073709551616");
  CHECK(v[6].kind() == json::value_kind::number);
  CHECK(v[6].number_text() == "2.0");
  CHECK(v[7].number_text() == "1e3");
  CHECK(v[8].kind() == json::value_kind::int64);
  CHECK(v[8].get_int64() == 0);
  CHECK(v[9].get_int64() == 0);
  CHECK(v[5].is_number());
  CHECK_FALSE(v[5].is_integer());
  CHECK(v[3].is_integer());
}

TEST_CASE("strict parser: progress reports positions in order, on the fast path only", "[json]") {
  struct recorder {
    std::vector<const char*> reached;
    void operator()(const char* p) { reached.push_back(p); }
  };
  const std::string doc = R"({"a": 1, "bb": {"c": [true, "x"]}, "d": "e"})";
  recorder r;
  json::document d;
  REQUIRE(json::detail::parse_strict_paced(d, doc, {}, r).has_value());
  // One call per member name, at its closing quote, in document order.
  REQUIRE(r.reached.size() == 4);
  CHECK(r.reached[0] - doc.data() == 3);
  CHECK(r.reached[1] - doc.data() == 12);
  CHECK(r.reached[2] - doc.data() == 18);
  CHECK(r.reached[3] - doc.data() == 37);
  // The same tape as without progress.
  json::document plain;
  REQUIRE(json::parse_strict_into(plain, doc).has_value());
  CHECK(plain.node_count() == d.node_count());
  // A document for the general path (an escape) may report some positions first, all inside
  // the input and in order.
  const std::string escaped = R"({"a": 1, "b": "\u0041"})";
  recorder e;
  REQUIRE(json::detail::parse_strict_paced(d, escaped, {}, e).has_value());
  for (std::size_t i = 0; i < e.reached.size(); ++i) {
    CHECK(e.reached[i] >= escaped.data());
    CHECK(e.reached[i] < escaped.data() + escaped.size());
    if (i > 0) CHECK(e.reached[i - 1] < e.reached[i]);
  }
  CHECK(d.root().find("b")->get_string() == "A");
}

TEST_CASE("strict parser: duplicate member names", "[json]") {
  check_error(R"({"a":1,"a":2})", errc::json_duplicate_key, 7, "/a",
              "duplicate member name at /a (byte 7): member names must be unique");
  // Compared after unescaping.
  check_error(R"({"x":{"a":1,"\u0061":2}})", errc::json_duplicate_key, 12, "/x/a",
              "duplicate member name at /x/a (byte 12): member names must be unique");
  // Pointer tokens are escaped (RFC 6901).
  check_error(R"({"a/b~":1,"a/b~":2})", errc::json_duplicate_key, 10, "/a~1b~0",
              "duplicate member name at /a~1b~0 (byte 10): member names must be unique");
  // Inside arrays.
  check_error(R"([0,{"k":1,"k":1}])", errc::json_duplicate_key, 10, "/1/k",
              "duplicate member name at /1/k (byte 10): member names must be unique");
  // The same name in different objects is fine.
  CHECK(json::parse_strict(R"({"a":{"a":{"a":1}},"b":{"a":2}})").has_value());
}

TEST_CASE("strict parser: duplicate names of sizes seen before, and long names", "[json]") {
  // The fast tape compares a name only with earlier names of its size (sizes of 63 bytes and
  // more share one class): names of one size, and long names of different sizes.
  CHECK(failure(R"({"ab":1,"cd":2,"ef":3,"cd":4})").code() == errc::json_duplicate_key);
  CHECK(json::parse_strict(R"({"ab":1,"cd":2,"ef":3,"a":4,"abc":5})").has_value());
  const std::string n63(63, 'x');
  const std::string n64(64, 'x');
  const std::string n100(100, 'x');
  const std::string y100(100, 'y');
  const std::string distinct =
      "{\"" + n63 + "\":1,\"" + n64 + "\":2,\"" + n100 + "\":3,\"" + y100 + "\":4";
  CHECK(json::parse_strict(distinct + "}").has_value());
  for (const std::string* again : {&n63, &n64, &n100, &y100}) {
    const ocikit::error e = failure(distinct + ",\"" + *again + "\":5}");
    CHECK(e.code() == errc::json_duplicate_key);
    CHECK(e.pointer() == "/" + *again);
    CHECK(e.offset() == distinct.size() + 1);
  }
}

TEST_CASE("strict parser: duplicate detection in large objects", "[json]") {
  std::string text = "{";
  for (int i = 0; i < 200; ++i) {
    if (i != 0) text += ',';
    text += "\"k" + std::to_string(i) + "\":" + std::to_string(i);
  }
  std::string ok = text + "}";
  auto doc = json::parse_strict(ok);
  REQUIRE(doc.has_value());
  CHECK(doc->root().size() == 200);
  CHECK(doc->root().find("k199")->get_int64() == 199);

  // A duplicate of an early name late in the object (found through the hash set).
  const std::string bad = text + ",\"k3\":0}";
  const ocikit::error e = failure(bad);
  CHECK(e.code() == errc::json_duplicate_key);
  CHECK(e.pointer() == "/k3");
  CHECK(e.offset() == text.size() + 1);
  // Exactly at the switch from linear search to the set.
  std::string edge = "{";
  for (int i = 0; i < 16; ++i) edge += "\"n" + std::to_string(i) + "\":0,";
  CHECK(failure(edge + "\"n0\":1}").code() == errc::json_duplicate_key);
  CHECK(failure(edge + "\"n15\":1}").code() == errc::json_duplicate_key);
  CHECK(json::parse_strict(edge + "\"n16\":1}").has_value());
}

TEST_CASE("strict parser: byte order mark, comments, trailing data", "[json]") {
  check_error("\xEF\xBB\xBF{}", errc::json_bom, 0, "",
              "invalid JSON at byte 0: a byte order mark; JSON documents are UTF-8 without a BOM");
  check_error("{} x", errc::json_trailing_data, 3, "",
              "invalid JSON at byte 3: 'x' after the end of the document");
  check_error("{}{}", errc::json_trailing_data, 2, "",
              "invalid JSON at byte 2: '{' after the end of the document");
  check_error("1 2", errc::json_trailing_data, 2, "",
              "invalid JSON at byte 2: '2' after the end of the document");
  check_error("// c\n{}", errc::json_comment, 0, "",
              "invalid JSON at byte 0: comments are not allowed in JSON");
  check_error(R"({"a"/**/:1})", errc::json_comment, 4, "/a",
              "invalid JSON at byte 4: comments are not allowed in JSON");
  check_error("[1,/* x */2]", errc::json_comment, 3, "/1",
              "invalid JSON at byte 3: comments are not allowed in JSON");
  // Trailing whitespace is not data.
  CHECK(json::parse_strict("{} \t\r\n").has_value());
}

TEST_CASE("strict parser: syntax errors, empty and incomplete documents", "[json]") {
  check_error("", errc::json_empty, 0, "", "invalid JSON: the document is empty");
  check_error(" \n\t ", errc::json_empty, 0, "", "invalid JSON: the document is empty");
  check_error("[1,2", errc::json_incomplete, 4, "/2",
              "invalid JSON: the document ends at byte 4 before its value is complete");
  check_error(R"({"a":)", errc::json_incomplete, 5, "/a",
              "invalid JSON: the document ends at byte 5 before its value is complete");
  check_error("[1,]", errc::json_syntax, 3, "/1", "invalid JSON at byte 3: unexpected ']'");
  check_error(R"({"a":1,})", errc::json_syntax, 7, "", "invalid JSON at byte 7: unexpected '}'");
  check_error("{'a':1}", errc::json_syntax, 1, "", "invalid JSON at byte 1: unexpected '''");
  check_error("[NaN]", errc::json_syntax, 1, "/0", "invalid JSON at byte 1: unexpected 'N'");
  check_error("\"a\nb\"", errc::json_syntax, 2, "", "invalid JSON at byte 2: unexpected byte 0x0a");
  check_error(R"("\x")", errc::json_syntax, 2, "", "invalid JSON at byte 2: unexpected 'x'");
}

TEST_CASE("strict parser: invalid UTF-8", "[json]") {
  check_error("\"a\xC3(\"", errc::json_invalid_utf8, 2, "",
              "invalid JSON at byte 2: byte 0xc3 is not valid UTF-8");
  check_error("{\"k\xFF\":1}", errc::json_invalid_utf8, 3, "",
              "invalid JSON at byte 3: byte 0xff is not valid UTF-8");
  check_error("\"\xC0\x80\"", errc::json_invalid_utf8, 1, "",  // overlong NUL
              "invalid JSON at byte 1: byte 0xc0 is not valid UTF-8");
  check_error("\"\xED\xA0\x80\"", errc::json_invalid_utf8, 1, "",  // an encoded surrogate
              "invalid JSON at byte 1: byte 0xed is not valid UTF-8");
  check_error("\"\xF4\x90\x80\x80\"", errc::json_invalid_utf8, 1, "",  // above U+10FFFF
              "invalid JSON at byte 1: byte 0xf4 is not valid UTF-8");
  check_error("\xFE\xFF{}", errc::json_invalid_utf8, 0, "",  // a UTF-16 byte order mark
              "invalid JSON at byte 0: byte 0xfe is not valid UTF-8");
  check_error("[\"\xE2\x82\"]", errc::json_invalid_utf8, 2, "/0",  // truncated sequence
              "invalid JSON at byte 2: byte 0xe2 is not valid UTF-8");
  // Valid UTF-8 outside a string is a syntax error, not an encoding error.
  check_error("\xC3\xA9", errc::json_syntax, 0, "", "invalid JSON at byte 0: unexpected byte 0xc3");
  CHECK(json::parse_strict("\"\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\"").has_value());
}

TEST_CASE("strict parser: lone surrogate escapes", "[json]") {
  const std::string_view msg =
      "invalid JSON at byte 1: a \\u escape of an unpaired UTF-16 surrogate";
  check_error(R"("\ud800")", errc::json_lone_surrogate, 1, "", msg);
  check_error(R"("\ud800\u0041")", errc::json_lone_surrogate, 1, "", msg);
  check_error(R"("\udc00")", errc::json_lone_surrogate, 1, "", msg);
  check_error(R"("\uDBFFx")", errc::json_lone_surrogate, 1, "", msg);
  check_error(R"({"k":"ab\ud83d"})", errc::json_lone_surrogate, 8, "/k",
              "invalid JSON at byte 8: a \\u escape of an unpaired UTF-16 surrogate");
  CHECK(json::parse_strict(R"("\ud83d\ude00")").has_value());
  CHECK(json::parse_strict(R"("\\ud800")").has_value());  // an escaped backslash, then text
}

TEST_CASE("strict parser: every single byte as a document and inside a string", "[json]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    CAPTURE(b);
    const std::string alone(1, c);
    const auto r = json::parse_strict(alone);
    CHECK(r.has_value() == (b >= '0' && b <= '9'));
    if (!r) {
      const errc want =
          b == ' ' || b == '\t' || b == '\n' || b == '\r' ? errc::json_empty
          : b == '"' || b == '[' || b == '{' || b == '-' || b == 't' || b == 'f' || b == 'n'
              ? errc::json_incomplete
          : b >= 0x80 ? errc::json_invalid_utf8
                      : errc::json_syntax;
      CHECK(r.error().code() == want);
    }
    const std::string quoted = std::string("\"") + c + "\"";
    const auto s = json::parse_strict(quoted);
    const bool ok = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
    CHECK(s.has_value() == ok);
    if (ok) CHECK(s->root().get_string() == alone);
    if (!ok) {
      const errc want = b >= 0x80   ? errc::json_invalid_utf8
                        : b == '"'  ? errc::json_trailing_data
                        : b == '\\' ? errc::json_incomplete
                                    : errc::json_syntax;
      CHECK(s.error().code() == want);
    }
  }
}

TEST_CASE("strict parser: depth limit", "[json]") {
  CHECK(json::parse_strict(nested_arrays(json::default_max_depth)).has_value());
  check_error(nested_arrays(json::default_max_depth + 1), errc::json_too_deep, 512, "",
              "document nests deeper than 512 levels at byte 512");
  json::strict_options o;
  o.max_depth = 3;
  CHECK(json::parse_strict(R"({"a":{"b":[]}})", o).has_value());
  check_error(R"({"a":{"b":[[]]}})", errc::json_too_deep, 11, "",
              "document nests deeper than 3 levels at byte 11", o);
  // Limits above the hard cap are capped.
  o.max_depth = 1'000'000;
  CHECK(json::parse_strict(nested_arrays(json::max_depth_limit), o).has_value());
  check_error(nested_arrays(json::max_depth_limit + 1), errc::json_too_deep, 512, "",
              "document nests deeper than 512 levels at byte 512", o);
}

namespace {
struct deep_job {
  std::string text;
  bool done = false;
  ocikit::errc code = ocikit::errc::ok;
  std::size_t offset = 0;
};
void* run_deep(void* arg) {
  auto* job = static_cast<deep_job*>(arg);
  const auto r = json::parse_strict(job->text);
  job->done = true;
  if (!r) {
    job->code = r.error().code();
    job->offset = r.error().offset();
  }
  return nullptr;
}
}  // namespace

TEST_CASE("strict parser: 100,000 levels fail on a 1 MiB stack", "[json]") {
  // A recursive parser without a bound would need far more than 1 MiB for this document (the
  // bound's 512 levels take up to about 0.5 MiB under ASan at -O0; tests/json_depth_test.cpp).
  deep_job job;
  job.text = std::string(100'000, '[') + std::string(100'000, ']');
  pthread_attr_t attr;
  REQUIRE(pthread_attr_init(&attr) == 0);
  REQUIRE(pthread_attr_setstacksize(&attr, std::size_t{1024} * 1024) == 0);
  pthread_t thread;
  REQUIRE(pthread_create(&thread, &attr, run_deep, &job) == 0);
  REQUIRE(pthread_join(thread, nullptr) == 0);
  pthread_attr_destroy(&attr);
  CHECK(job.done);
  CHECK(job.code == errc::json_too_deep);
  CHECK(job.offset == json::default_max_depth);
  // Objects as well.
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  CHECK(failure(objects).code() == errc::json_too_deep);
}

TEST_CASE("strict parser: size limit is checked before parsing", "[json]") {
  json::strict_options o;
  o.max_size = 10;
  CHECK(json::parse_strict("[1,2,3,45]", o).has_value());
  // Not even JSON: the size decides first.
  check_error("not JSON!!!", errc::json_too_large, 10, "",
              "document too large: 11 bytes, the limit is 10", o);

  // The default: 4 MiB pass, one byte more fails.
  std::string big(json::default_max_size, ' ');
  big[0] = '"';
  big[big.size() - 2] = '"';
  CHECK(json::parse_strict(big).has_value());
  big += ' ';
  check_error(big, errc::json_too_large, 4194304, "",
              "document too large: 4194305 bytes, the limit is 4194304");
}

TEST_CASE("strict parser: a document can be reused", "[json]") {
  json::document doc;
  REQUIRE(json::parse_strict_into(doc, R"({"a":[1,2,3],"b":"\u0041"})").has_value());
  CHECK(doc.root().find("b")->get_string() == "A");
  const std::size_t capacity = doc.node_capacity();
  CHECK(capacity >= doc.node_count());
  REQUIRE_FALSE(json::parse_strict_into(doc, R"({"x":1,"x":2})").has_value());
  REQUIRE(json::parse_strict_into(doc, R"(["\u0042",true])").has_value());
  CHECK(doc.node_count() == 3);
  CHECK(doc.root().size() == 2);
  CHECK((*doc.root().elements().begin()).get_string() == "B");
  CHECK(doc.node_capacity() == capacity);
}

namespace {

// Same values, kinds, texts and order: `a` and `b` describe the same document.
bool same_value(json::value a, json::value b) {
  if (a.kind() != b.kind() || a.size() != b.size()) return false;
  switch (a.kind()) {
    case json::value_kind::null: return true;
    case json::value_kind::boolean: return a.get_bool() == b.get_bool();
    case json::value_kind::int64: return a.get_int64() == b.get_int64();
    case json::value_kind::uint64: return a.get_uint64() == b.get_uint64();
    case json::value_kind::number: return a.number_text() == b.number_text();
    case json::value_kind::string: return a.get_string() == b.get_string();
    case json::value_kind::array: {
      auto x = a.elements().begin();
      for (const json::value y : b.elements()) {
        if (!same_value(*x++, y)) return false;
      }
      return true;
    }
    case json::value_kind::object: {
      auto x = a.members().begin();
      for (const json::member y : b.members()) {
        const json::member m = *x++;
        if (m.key != y.key || !same_value(m.value, y.value)) return false;
      }
      return true;
    }
  }
  return false;
}

}  // namespace

// parse_strict_into tries a fast path first and falls back to Boost.JSON for anything else: both
// must accept the same documents, with the same values and node counts, and fail alike.
TEST_CASE("strict parser: the fast path agrees with Boost.JSON", "[json]") {
  const std::vector<std::string> texts = {"{}",
                                          "[]",
                                          "0",
                                          "-1",
                                          "1",
                                          "-0",
                                          "01",
                                          "1.5",
                                          "1e3",
                                          "true",
                                          "false",
                                          "null",
                                          "nul",
                                          "\"\"",
                                          "\"a\"",
                                          " \t\r\n[1 , 2 ]\n",
                                          "[1,]",
                                          "{\"a\":1,}",
                                          "{\"a\" : [ {} , [ ] ]}",
                                          "123456789012345678",
                                          "1234567890123456789",
                                          "-123456789012345678",
                                          "-1234567890123456789",
                                          "18446744073709551615",
                                          "18446744073709551616",
                                          "9223372036854775807",
                                          "-9223372036854775808",
                                          "[1]x",
                                          "{\"a\":1}{",
                                          "\"\\u0041\"",
                                          "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"",
                                          "\"\xC3\"",
                                          "\"\xED\xA0\x80\"",
                                          "\"\xF4\x90\x80\x80\"",
                                          "\"\xC0\xAF\"",
                                          "\"a\x01\"",
                                          "\"a\x7F\"",
                                          "{\"a\":1,\"a\":2}",
                                          "{\"a\":{\"b\":1},\"b\":{\"a\":2}}",
                                          "[\"0123456789abcdef0123456789\"]",
                                          "{\"k\":\"                                        \"}",
                                          "[        1,\n        2]",
                                          "[[[[[[[[[[1]]]]]]]]]]",
                                          "[tru]",
                                          "[true,fals]",
                                          "{\"a\"1}",
                                          "{1:2}",
                                          "\"abc",
                                          "[\"a\"    ",
                                          "{\"a\":1",
                                          "  ",
                                          ""};
  std::vector<std::string> all = texts;
  // Objects around the fast path's member limit, with and without a duplicate.
  for (int n : {15, 16, 17, 40}) {
    for (bool dup : {false, true}) {
      std::string o = "{";
      for (int i = 0; i < n; ++i)
        o += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
      if (dup) o += ",\"k3\":0";
      all.push_back(o + "}");
    }
  }
  for (const char* name :
       {"oci_manifest_1k.json", "docker_manifest_1k.json", "oci_manifest_3k.json"}) {
    std::ifstream in(std::string(OCIKIT_BENCH_DATA) + "/" + name, std::ios::binary);
    REQUIRE(in);
    all.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  for (const std::string& text : all) {
    CAPTURE(text);
    for (std::size_t depth : {std::size_t{3}, std::size_t{10}, json::default_max_depth}) {
      json::document fast;
      json::document slow;
      const auto a = json::parse_strict_into(fast, text, {.max_depth = depth});
      const auto b = json::detail::parse_boost_into(slow, text, depth);
      REQUIRE(a.has_value() == b.has_value());
      if (!a) {
        CHECK(a.error() == b.error());
        continue;
      }
      CHECK(fast.node_count() == slow.node_count());
      CHECK(same_value(fast.root(), slow.root()));
    }
  }
}

// The fast path's whitespace skipping, nesting limit, per-level name lists and tape growth.
TEST_CASE("strict parser: the fast path agrees with Boost.JSON on layouts and nesting", "[json]") {
  std::vector<std::string> all = {
      "{\n\t\"a\": 1,\r\n\t\"b\": [\r\n\t\t2\r\n\t]\r\n}",
      "{\"a\"  :  1  ,  \"b\"\n:\n\"c\"\n}",
      "{\"a\":\t1}",
      "{\"a\": \u0020}",
      "[ \n ]",
      "{ \n }",
      "{\"a\":{\"x\":1},\"b\":{\"x\":2,\"y\":{\"x\":3}},\"c\":{\"x\":4,\"x\":5}}",
      "{\"a\":{\"x\":1},\"a\":{}}",
      "[{},[],{\"a\":[]},[{}]]",
      "{\"a\":1} ",
      "{\"a\":1}\n\n",
  };
  // Indentation of every length around the 16-byte steps, then a value, a ',' or a '}'.
  for (std::size_t n : {1U, 7U, 8U, 15U, 16U, 17U, 31U, 32U, 33U, 40U}) {
    const std::string pad(n, ' ');
    all.push_back("{\n" + pad + "\"a\": 1,\n" + pad + "\"b\": [\n" + pad + "2\n" + pad + "]\n}");
    all.push_back("[1" + pad + "," + pad + "2" + pad + "]");
    all.push_back("[1," + pad + "\t" + pad + "2]");
    all.push_back(pad + "[]" + pad);
    // Runs that mix all four whitespace bytes, across and inside the 16-byte steps.
    std::string mixed;
    for (std::size_t i = 0; i < n; ++i) mixed += " \t\r\n"[i % 4];
    all.push_back("{" + mixed + "\"a\"" + mixed + ":" + mixed + "[" + mixed + "1" + mixed + "," +
                  mixed + "true" + mixed + "]" + mixed + "}" + mixed);
  }
  // Nesting around the fast path's stack of open containers.
  for (int depth : {14, 15, 16, 17, 20, 40}) {
    std::string a;
    std::string o;
    for (int i = 0; i < depth; ++i) {
      a += i % 2 ? "[" : "{\"k\":";
      o += "{\"k\": ";
    }
    a += "1";
    o += "\"v\"";
    for (int i = depth; i-- > 0;) {
      a += i % 2 ? "]" : "}";
      o += "}";
    }
    all.push_back(a);
    all.push_back(o);
  }
  // A tape larger than the first guess (one entry per two bytes).
  std::string many = "[0";
  for (int i = 0; i < 3000; ++i) many += ",1";
  all.push_back(many + "]");
  // Each text into a fresh document and into one reused for all of them.
  const auto agrees = [](const std::string& text, std::size_t depth, json::document& doc) {
    json::document reference;
    const auto got = json::parse_strict_into(doc, text, {.max_depth = depth});
    const auto want = json::detail::parse_boost_into(reference, text, depth);
    REQUIRE(got.has_value() == want.has_value());
    if (got)
      return doc.node_count() == reference.node_count() && same_value(doc.root(), reference.root());
    return got.error() == want.error();
  };
  json::document reused;
  for (const std::string& text : all) {
    CAPTURE(text);
    for (std::size_t depth : {std::size_t{3}, std::size_t{16}, std::size_t{17}, std::size_t{18},
                              json::default_max_depth}) {
      json::document fresh;
      CHECK(agrees(text, depth, fresh));
      CHECK(agrees(text, depth, reused));
    }
  }
}

TEST_CASE("strict parser: kind descriptions", "[json]") {
  CHECK(json::to_description(json::value_kind::null) == "null");
  CHECK(json::to_description(json::value_kind::boolean) == "a boolean");
  CHECK(json::to_description(json::value_kind::int64) == "an integer");
  CHECK(json::to_description(json::value_kind::uint64) == "an integer");
  CHECK(json::to_description(json::value_kind::number) == "a number");
  CHECK(json::to_description(json::value_kind::string) == "a string");
  CHECK(json::to_description(json::value_kind::array) == "an array");
  CHECK(json::to_description(json::value_kind::object) == "an object");
}

TEST_CASE("json pointers", "[json][pointer]") {
  std::string p;
  json::append_pointer_token(p, "a/b~c");
  CHECK(p == "/a~1b~0c");
  json::append_pointer_index(p, 12);
  CHECK(p == "/a~1b~0c/12");
  json::append_pointer_token(p, "");
  CHECK(p == "/a~1b~0c/12/");

  const json::path root;
  CHECK(root.is_root());
  CHECK(root.str().empty());
  const json::path layers = root.key("layers");
  const json::path third = layers.index(2);
  CHECK_FALSE(third.is_root());
  CHECK(third.key("digest").str() == "/layers/2/digest");
  CHECK(root.key("m~/").str() == "/m~0~1");
}
