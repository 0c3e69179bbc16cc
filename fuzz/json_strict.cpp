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
