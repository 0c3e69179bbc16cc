// Differential fuzzing of the strict JSON layer (ocikit/json/strict_parser.hpp) against
// Boost.JSON's own parser (boost::json::parse with the same depth limit).
//
// The input is the document. Every oracle below that does not hold calls abort():
//   - parse_strict never crashes, and its depth is bounded (sanitizers watch the stack);
//   - strict is stricter: whatever parse_strict accepts, boost::json::parse accepts, and the two
//     values are the same (kinds, strings, integers, member names in order; numbers that are
//     not integers keep their text);
//   - whatever boost::json::parse refuses, parse_strict refuses;
//   - what only parse_strict refuses is a duplicate member name (or a document over 4 MiB);
//   - every error has a code, an offset no larger than the input, and a non-empty message;
//   - the fast path of parse_strict_into (with its fallback) and Boost.JSON alone
//     (detail::parse_boost_into) give the same tape or the same error;
//   - parse_strict_into a reused document gives the same result as a fresh parse.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "ocikit/json/strict_parser.hpp"

namespace {

namespace json = ocikit::json;

void check(bool ok) {
  if (!ok) std::abort();
}

// Same value, walked together (depth is bounded by the parse).
void same(json::value a, const boost::json::value& b) {
  switch (a.kind()) {
    case json::value_kind::null: check(b.is_null()); break;
    case json::value_kind::boolean: check(b.is_bool() && b.get_bool() == a.get_bool()); break;
    case json::value_kind::int64: check(b.is_int64() && b.get_int64() == a.get_int64()); break;
    case json::value_kind::uint64: check(b.is_uint64() && b.get_uint64() == a.get_uint64()); break;
    case json::value_kind::number: check(b.is_double() && !a.number_text().empty()); break;
    case json::value_kind::string:
      check(b.is_string() && std::string_view(b.get_string()) == a.get_string());
      break;
    case json::value_kind::array: {
      check(b.is_array() && b.get_array().size() == a.size());
      std::size_t i = 0;
      for (const json::value e : a.elements()) same(e, b.get_array()[i++]);
      check(i == a.size());
      break;
    }
    case json::value_kind::object: {
      check(b.is_object() && b.get_object().size() == a.size());
      auto it = b.get_object().begin();
      for (const json::member m : a.members()) {
        check(std::string_view(it->key()) == m.key);
        same(m.value, it->value());
        ++it;
      }
      break;
    }
  }
}

// The same document on two tapes: kinds, values, texts, sizes, in order.
void same_tape(json::value a, json::value b) {
  check(a.kind() == b.kind() && a.size() == b.size());
  switch (a.kind()) {
    case json::value_kind::null: break;
    case json::value_kind::boolean: check(a.get_bool() == b.get_bool()); break;
    case json::value_kind::int64: check(a.get_int64() == b.get_int64()); break;
    case json::value_kind::uint64: check(a.get_uint64() == b.get_uint64()); break;
    case json::value_kind::number: check(a.number_text() == b.number_text()); break;
    case json::value_kind::string: check(a.get_string() == b.get_string()); break;
    case json::value_kind::array: {
      auto x = a.elements().begin();
      for (const json::value y : b.elements()) same_tape(*x++, y);
      break;
    }
    case json::value_kind::object: {
      auto x = a.members().begin();
      for (const json::member y : b.members()) {
        const json::member m = *x++;
        check(m.key == y.key);
        same_tape(m.value, y.value);
      }
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto strict = json::parse_strict(text);

  boost::json::parse_options po;
  po.max_depth = json::default_max_depth;
  boost::json::error_code ec;
  boost::json::monotonic_resource mr;
  const boost::json::value lenient = boost::json::parse(text, ec, &mr, po);

  if (strict) {
    check(!ec);
    same(strict->root(), lenient);
  } else {
    const ocikit::error& e = strict.error();
    check(e.code() != ocikit::errc::ok);
    check(!e.message().empty());
    check(!e.has_offset() || e.offset() <= size);
    if (!ec) {
      check(e.code() == ocikit::errc::json_duplicate_key ||
            e.code() == ocikit::errc::json_too_large);
    }
  }

  // The fast path (with its fallback) and Boost.JSON alone build the same tape or the same error,
  // at a depth limit taken from the input too (the fast path gives up at the limit). (A BOM is
  // refused before either runs.)
  const bool bom = text.substr(0, 3) == "\xEF\xBB\xBF";
  for (const std::size_t depth : {json::default_max_depth, std::size_t{1} + size % 7}) {
    if (bom) break;
    json::document fast;
    json::document slow;
    const auto a = json::parse_strict_into(fast, text, {.max_depth = depth});
    const auto b = ocikit::json::detail::parse_boost_into(slow, text, depth);
    check(a.has_value() == b.has_value());
    if (a) {
      check(fast.node_count() == slow.node_count());
      same_tape(fast.root(), slow.root());
    } else {
      check(a.error() == b.error() && a.error().message() == b.error().message());
    }
  }

  // A reused document parses the same way.
  static json::document reused;
  const auto again = json::parse_strict_into(reused, text);
  check(again.has_value() == strict.has_value());
  if (strict) {
    check(reused.node_count() == strict->node_count());
    same(reused.root(), lenient);
  } else {
    check(again.error() == strict.error());
  }
  return 0;
}
