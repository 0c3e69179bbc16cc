// The strict JSON layer in front of every ocikit document model (I-JSON, RFC 7493, as the OCI
// image-spec requires): a Boost.JSON `basic_parser` SAX handler that records the document on a
// flat tape, and refuses what a lenient parser would let through. Common documents take a fast
// path (detail::fast_tape) that builds the same tape and hands anything unusual, and every
// fault, to Boost.JSON.
//
//   ocikit::json::parse_strict(bytes, options)          -> result<json::document>
//   ocikit::json::parse_strict_into(doc, bytes, options) -> result<void>  (reuses doc's storage)
//   ocikit::json::document                        the tape; views the caller's bytes
//   ocikit::json::value                           one value of a document (a cheap handle)
//
// Refused, each with the byte offset (and, inside containers, the JSON pointer) of the fault:
//   json.too_large        more than `max_size` bytes (checked before any parsing work)
//   json.empty            nothing but whitespace
//   json.bom              a UTF-8 byte order mark
//   json.invalid_utf8     bytes that are not UTF-8 (in strings and anywhere else)
//   json.lone_surrogate   a \u escape of an unpaired UTF-16 surrogate
//   json.duplicate_key    two members of one object with the same (unescaped) name
//   json.comment          // and /* */ comments
//   json.trailing_data    anything but whitespace after the document
//   json.too_deep         arrays and objects nested deeper than `max_depth`
//   json.syntax / json.incomplete   everything else RFC 8259 forbids (trailing commas, ...)
//
// Numbers keep their exact value: integers in [-2^63, 2^64) are stored as integers (never through
// a double, so 2^53+1 stays exact); any other number keeps its text (`2.0`, `1e3`) so that a
// model can refuse it with a precise message.
//
// Depth: Boost.JSON's parser recurses once per nesting level and checks the depth before each
// level, so the stack is bounded by `max_depth` (default 512, see default_max_depth for the
// stack it takes); values above `max_depth_limit` (512) count as 512. A 100,000-deep document
// fails at byte `max_depth` without growing the stack further.
//
// Example:
//   auto doc = ocikit::json::parse_strict(R"({"schemaVersion":2,"layers":[]})");
//   doc->root().find("schemaVersion")->get_int64() == 2;
//   ocikit::json::parse_strict(R"({"a":1,"a":2})").error().id() == "json.duplicate_key";
#ifndef OCIKIT_JSON_STRICT_PARSER_HPP
#define OCIKIT_JSON_STRICT_PARSER_HPP

#include <algorithm>
#include <boost/json/basic_parser_impl.hpp>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "ocikit/config.hpp"
#include "ocikit/detail/ascii.hpp"
#include "ocikit/error.hpp"
#include "ocikit/json/pointer.hpp"
#include "ocikit/json/scan.hpp"

namespace ocikit::json {

/// The default document size limit: 4 MiB (4,194,304 bytes pass, one more byte fails).
inline constexpr std::size_t default_max_size = std::size_t{4} * 1024 * 1024;
/// The default nesting limit: 512, the largest that max_depth_limit honours. A manifest needs 5
/// levels, but registries written in Go accept unknown members nested up to 10,000 deep, so the
/// bound is as high as the stack allows. Measured at 512 levels (tests/json_depth_test.cpp, on a
/// painted thread stack): about 49 KB of stack with g++ -O2, 210 KB with clang ASan — within
/// musl's 128 KiB default thread stack in a release build and far within glibc's 8 MiB; at
/// 1,024 a release build would leave less than 40 KB of a 128 KiB stack. Deeper documents fail
/// with json.too_deep at byte 512 without using more stack.
inline constexpr std::size_t default_max_depth = 512;
/// The largest nesting limit honoured (it bounds the parser's recursion).
inline constexpr std::size_t max_depth_limit = 512;

/// Limits of parse_strict().
struct strict_options {
  std::size_t max_size = default_max_size;    ///< bytes; larger inputs fail before parsing
  std::size_t max_depth = default_max_depth;  ///< nesting levels; capped at max_depth_limit
};

/// The JSON type of a value, with integers told apart from other numbers.
enum class value_kind : std::uint8_t {
  null,
  boolean,
  int64,   ///< an integer in [-2^63, 2^63)
  uint64,  ///< an integer in [2^63, 2^64)
  number,  ///< any other number (fraction, exponent, or too large); its text is kept
  string,
  array,
  object
};

/// "null", "a boolean", "an integer", "a number", "a string", "an array", "an object".
/// Example: `to_description(value_kind::string) == "a string"`
constexpr std::string_view to_description(value_kind k) noexcept {
  switch (k) {
    case value_kind::null: return "null";
    case value_kind::boolean: return "a boolean";
    case value_kind::int64:
    case value_kind::uint64: return "an integer";
    case value_kind::number: return "a number";
    case value_kind::string: return "a string";
    case value_kind::array: return "an array";
    case value_kind::object: return "an object";
  }
  return "a value";
}

namespace detail {

// One tape entry. Containers are followed by their children (objects: key, value, key, ...);
// `skip` jumps over a whole value.
struct node {
  std::uint64_t data = 0;  // int64/uint64 bits, boolean, or the text offset
  std::uint32_t size = 0;  // text length; element or member count
  std::uint32_t skip = 1;  // nodes in this value's subtree, itself included
  value_kind kind = value_kind::null;
  bool in_arena = false;  // the text is unescaped into the arena (else it views the input)
};

class tape_builder;
class fast_tape;

// Appends entry `count` to a tape (which grows by doubling). Fields are stored one by one:
// copying a node built on the stack stalls on store forwarding.
inline void append_node(std::vector<node>& nodes, std::size_t& count, std::uint64_t data,
                        std::uint32_t size, value_kind k, bool in_arena) {
  if (OCIKIT_UNLIKELY(count == nodes.size())) nodes.resize(nodes.size() * 2);
  node& n = nodes[count++];
  n.data = data;
  n.size = size;
  n.skip = 1;
  n.kind = k;
  n.in_arena = in_arena;
}

// The text of a tape entry, resolved through the (growing) containers of a document.
struct text_source {
  const std::vector<node>* nodes;
  const std::vector<char>* arena;
  const char* input;
  [[nodiscard]] std::string_view text(std::uint32_t i) const noexcept {
    const node& n = (*nodes)[i];
    return {(n.in_arena ? arena->data() : input) + n.data, n.size};
  }
};
struct key_hash {
  text_source src;
  std::size_t operator()(std::uint32_t i) const noexcept {
    return std::hash<std::string_view>{}(src.text(i));
  }
};
struct key_equal {
  text_source src;
  bool operator()(std::uint32_t a, std::uint32_t b) const noexcept {
    return src.text(a) == src.text(b);
  }
};
// The member names (tape indices) of an object with many members.
using key_set = std::unordered_set<std::uint32_t, key_hash, key_equal>;

// One open array or object while parsing.
struct tape_frame {
  std::uint32_t node = 0;      // the container's tape index
  std::uint32_t done = 0;      // complete elements / members
  std::uint32_t last_key = 0;  // tape index of the current member name
  bool has_key = false;        // a name was read and its value is not complete yet
  std::unique_ptr<key_set> keys;
};

}  // namespace detail

class value;

/// A member of an object: its unescaped name and its value.
struct member;

/// One value of a document: a small handle, valid while the document and its input live.
/// Obtain values from document::root() and the accessors below (a default-constructed value
/// refers to nothing and must not be used).
class value {
 public:
  constexpr value() noexcept = default;

  [[nodiscard]] constexpr value_kind kind() const noexcept { return n_->kind; }
  [[nodiscard]] constexpr bool is_null() const noexcept { return kind() == value_kind::null; }
  [[nodiscard]] constexpr bool is_bool() const noexcept { return kind() == value_kind::boolean; }
  [[nodiscard]] constexpr bool is_string() const noexcept { return kind() == value_kind::string; }
  [[nodiscard]] constexpr bool is_array() const noexcept { return kind() == value_kind::array; }
  [[nodiscard]] constexpr bool is_object() const noexcept { return kind() == value_kind::object; }
  /// An integer of any range (int64 or uint64 kind).
  [[nodiscard]] constexpr bool is_integer() const noexcept {
    return kind() == value_kind::int64 || kind() == value_kind::uint64;
  }
  /// Any number: integer or not.
  [[nodiscard]] constexpr bool is_number() const noexcept {
    return is_integer() || kind() == value_kind::number;
  }

  /// The unescaped text of a string (precondition: is_string()).
  [[nodiscard]] std::string_view get_string() const noexcept { return text(); }
  /// The source text of a non-integer number, e.g. "2.0" (precondition: kind() == number).
  [[nodiscard]] std::string_view number_text() const noexcept { return text(); }
  /// Precondition: kind() == int64.
  [[nodiscard]] constexpr std::int64_t get_int64() const noexcept {
    return static_cast<std::int64_t>(n_->data);
  }
  /// Precondition: kind() == uint64.
  [[nodiscard]] constexpr std::uint64_t get_uint64() const noexcept { return n_->data; }
  /// Precondition: is_bool().
  [[nodiscard]] constexpr bool get_bool() const noexcept { return n_->data != 0; }

  /// Elements of an array or members of an object (0 for scalars).
  [[nodiscard]] constexpr std::size_t size() const noexcept {
    return is_array() || is_object() ? n_->size : 0;
  }

  /// Iterates the elements of an array (precondition: is_array()).
  class element_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = json::value;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = json::value;
    element_iterator() = default;
    json::value operator*() const noexcept { return {n_, input_, arena_}; }
    element_iterator& operator++() noexcept {
      n_ += n_->skip;
      return *this;
    }
    element_iterator operator++(int) noexcept {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const element_iterator& a, const element_iterator& b) noexcept {
      return a.n_ == b.n_;
    }

   private:
    friend class json::value;
    element_iterator(const detail::node* n, const char* input, const char* arena) noexcept
        : n_(n), input_(input), arena_(arena) {}
    const detail::node* n_ = nullptr;
    const char* input_ = nullptr;
    const char* arena_ = nullptr;
  };

  /// Iterates the members of an object (precondition: is_object()).
  class member_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = member;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = member;
    member_iterator() = default;
    inline member operator*() const noexcept;
    member_iterator& operator++() noexcept {
      n_ += 1 + (n_ + 1)->skip;
      return *this;
    }
    member_iterator operator++(int) noexcept {
      auto old = *this;
      ++*this;
      return old;
    }
    friend bool operator==(const member_iterator& a, const member_iterator& b) noexcept {
      return a.n_ == b.n_;
    }

   private:
    friend class json::value;
    member_iterator(const detail::node* n, const char* input, const char* arena) noexcept
        : n_(n), input_(input), arena_(arena) {}
    const detail::node* n_ = nullptr;  // at the key
    const char* input_ = nullptr;
    const char* arena_ = nullptr;
  };

  template <class It>
  struct range {
    It first;
    It last;
    [[nodiscard]] It begin() const noexcept { return first; }
    [[nodiscard]] It end() const noexcept { return last; }
  };

  /// The elements of an array; empty for any other kind.
  [[nodiscard]] range<element_iterator> elements() const noexcept {
    if (!is_array()) return {};
    return {{n_ + 1, input_, arena_}, {n_ + n_->skip, input_, arena_}};
  }
  /// The members of an object, in document order; empty for any other kind.
  [[nodiscard]] range<member_iterator> members() const noexcept {
    if (!is_object()) return {};
    return {{n_ + 1, input_, arena_}, {n_ + n_->skip, input_, arena_}};
  }
  /// The member named `key` of an object (names are unique in a strict document).
  [[nodiscard]] inline std::optional<value> find(std::string_view key) const noexcept;

 private:
  friend class document;
  constexpr value(const detail::node* n, const char* input, const char* arena) noexcept
      : n_(n), input_(input), arena_(arena) {}
  [[nodiscard]] std::string_view text() const noexcept {
    return {(n_->in_arena ? arena_ : input_) + n_->data, n_->size};
  }

  const detail::node* n_ = nullptr;
  const char* input_ = nullptr;
  const char* arena_ = nullptr;
};

struct member {
  std::string_view key;
  json::value value;
};

inline member value::member_iterator::operator*() const noexcept {
  const json::value k(n_, input_, arena_);
  return {k.get_string(), json::value(n_ + 1, input_, arena_)};
}

inline std::optional<value> value::find(std::string_view key) const noexcept {
  for (const member m : members()) {
    if (m.key == key) return m.value;
  }
  return std::nullopt;
}

/// A parsed document: the tape of its values. It views the input it was parsed from, which must
/// outlive it (strings without escapes are not copied).
class document {
 public:
  document() = default;

  /// The top-level value. Precondition: the document holds a parse that succeeded.
  [[nodiscard]] value root() const noexcept {
    return {nodes_.data(), input_.data(), arena_.data()};
  }
  /// The bytes the document was parsed from.
  [[nodiscard]] std::string_view input() const noexcept { return input_; }
  /// Number of values and member names on the tape.
  [[nodiscard]] std::size_t node_count() const noexcept { return used_; }
  /// Tape entries the document can hold without allocating (parse_strict_into reuses them).
  [[nodiscard]] std::size_t node_capacity() const noexcept { return nodes_.capacity(); }

 private:
  friend class detail::tape_builder;
  friend class detail::fast_tape;

  std::string_view input_;
  std::vector<detail::node> nodes_;  // the tape; entries past used_ are spare capacity
  std::size_t used_ = 0;
  std::vector<char> arena_;
  std::vector<detail::tape_frame> frames_;  // scratch of the parser, kept for reuse
};

namespace detail {

// The code unit of a `\u` escape (four hex digits) starting at `pos`, or -1.
inline long u_escape_at(std::string_view s, std::size_t pos) noexcept {
  if (pos + 6 > s.size() || s[pos] != '\\' || s[pos + 1] != 'u') return -1;
  long v = 0;
  for (std::size_t i = pos + 2; i < pos + 6; ++i) {
    const int h = ocikit::detail::hex_value(s[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  // The backslash must not itself be escaped: count the backslashes before it.
  std::size_t k = pos;
  while (k > 0 && s[k - 1] == '\\') --k;
  return (pos - k) % 2 == 0 ? v : -1;
}

// Where the surrogate escape that Boost.JSON stopped at (or just after) begins, or npos.
inline std::size_t surrogate_escape_before(std::string_view s, std::size_t pos) noexcept {
  const std::size_t from = std::min(pos, s.size());
  for (std::size_t back = 0; back <= 12 && back <= from; ++back) {
    const std::size_t at = from - back;
    const long u = u_escape_at(s, at);
    if (u >= 0xd800 && u <= 0xdfff) return at;
  }
  return error::npos;
}

// The opening quote of the member name whose closing quote is at `close`.
inline std::size_t opening_quote_before(std::string_view s, std::size_t close) noexcept {
  std::size_t i = std::min(close, s.size());
  while (i > 0) {
    --i;
    if (s[i] != '"') continue;
    std::size_t k = i;
    while (k > 0 && s[k - 1] == '\\') --k;
    if ((i - k) % 2 == 0) return i;
  }
  return 0;
}

// Builds the tape from Boost.JSON's SAX events and detects duplicate member names. Reuses the
// storage of the document it fills.
class tape_builder {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  tape_builder(std::string_view input, document& doc)
      : input_(input), doc_(doc), nodes_(doc.nodes_), arena_(doc.arena_), frames_(doc.frames_) {
    doc.input_ = input;
    doc.used_ = 0;
    const std::size_t want = input.size() / 16 + 16;
    if (nodes_.size() < want) nodes_.resize(want);
    arena_.clear();
    frames_.clear();
  }

  /// Publishes the tape (call once the parse succeeded).
  void finish() noexcept { doc_.used_ = count_; }

  bool on_document_begin(boost::json::error_code&) { return true; }
  bool on_document_end(boost::json::error_code&) { return true; }
  bool on_array_begin(boost::json::error_code&) { return open(value_kind::array); }
  bool on_array_end(std::size_t n, boost::json::error_code&) { return close(n); }
  bool on_object_begin(boost::json::error_code&) { return open(value_kind::object); }
  bool on_object_end(std::size_t n, boost::json::error_code&) { return close(n); }
  bool on_string_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    append_part(s);
    return true;
  }
  bool on_string(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    push_text(value_kind::string, s);
    return value_done();
  }
  bool on_key_part(boost::json::string_view s, std::size_t, boost::json::error_code&) {
    append_part(s);
    return true;
  }
  bool on_key(boost::json::string_view s, std::size_t, boost::json::error_code& ec) {
    return key(s, ec);
  }
  bool on_number_part(boost::json::string_view s, boost::json::error_code&) {
    append_part(s);
    return true;
  }
  bool on_int64(std::int64_t i, boost::json::string_view, boost::json::error_code&) {
    parts_ = false;
    push_scalar(value_kind::int64, static_cast<std::uint64_t>(i));
    return value_done();
  }
  bool on_uint64(std::uint64_t u, boost::json::string_view, boost::json::error_code&) {
    parts_ = false;
    push_scalar(value_kind::uint64, u);
    return value_done();
  }
  bool on_double(double, boost::json::string_view s, boost::json::error_code&) {
    push_text(value_kind::number, s);
    return value_done();
  }
  bool on_bool(bool b, boost::json::error_code&) {
    push_scalar(value_kind::boolean, b ? 1 : 0);
    return value_done();
  }
  bool on_null(boost::json::error_code&) {
    push_scalar(value_kind::null, 0);
    return value_done();
  }
  bool on_comment_part(boost::json::string_view, boost::json::error_code&) { return true; }
  bool on_comment(boost::json::string_view, boost::json::error_code&) { return true; }

  /// Set when a duplicate member name stopped the parse.
  [[nodiscard]] bool duplicate() const noexcept { return duplicate_; }

  /// The JSON pointer of the value being parsed when the parse stopped.
  [[nodiscard]] std::string pointer() const {
    std::string out;
    for (const tape_frame& f : frames_) {
      if (nodes_[f.node].kind == value_kind::object) {
        if (f.has_key) append_pointer_token(out, text_of(f.last_key));
      } else {
        append_pointer_index(out, f.done);
      }
    }
    return out;
  }

 private:
  static constexpr std::uint32_t linear_key_limit = 16;

  [[nodiscard]] text_source source() const noexcept { return {&nodes_, &arena_, input_.data()}; }
  [[nodiscard]] std::string_view text_of(std::uint32_t i) const noexcept {
    return source().text(i);
  }

  void push_node(std::uint64_t data, std::uint32_t size, value_kind k, bool in_arena) {
    append_node(nodes_, count_, data, size, k, in_arena);
  }
  bool open(value_kind k) {
    frames_.push_back(tape_frame{static_cast<std::uint32_t>(count_), 0, 0, false, nullptr});
    push_node(0, 0, k, false);
    return true;
  }
  bool close(std::size_t count) {
    const std::uint32_t at = frames_.back().node;
    nodes_[at].size = static_cast<std::uint32_t>(count);
    nodes_[at].skip = static_cast<std::uint32_t>(count_ - at);
    frames_.pop_back();
    return value_done();
  }
  bool value_done() noexcept {
    if (!frames_.empty()) {
      ++frames_.back().done;
      frames_.back().has_key = false;
    }
    return true;
  }
  void push_scalar(value_kind k, std::uint64_t data) { push_node(data, 0, k, false); }
  void append_part(boost::json::string_view s) {
    if (!parts_) {
      parts_ = true;
      part_start_ = arena_.size();
    }
    arena_.insert(arena_.end(), s.data(), s.data() + s.size());
  }
  [[nodiscard]] bool inside_input(boost::json::string_view s) const noexcept {
    const auto p = reinterpret_cast<std::uintptr_t>(s.data());
    const auto b = reinterpret_cast<std::uintptr_t>(input_.data());
    return p >= b && p - b <= input_.size() && s.size() <= input_.size() - (p - b);
  }
  void push_text(value_kind k, boost::json::string_view s) {
    if (!parts_ && inside_input(s)) {
      push_node(static_cast<std::uint64_t>(s.data() - input_.data()),
                static_cast<std::uint32_t>(s.size()), k, false);
      return;
    }
    append_part(s);
    parts_ = false;
    push_node(part_start_, static_cast<std::uint32_t>(arena_.size() - part_start_), k, true);
  }
  bool key(boost::json::string_view s, boost::json::error_code& ec) {
    push_text(value_kind::string, s);
    const auto idx = static_cast<std::uint32_t>(count_ - 1);
    tape_frame& f = frames_.back();
    f.last_key = idx;
    f.has_key = true;
    if (f.keys) {
      if (!f.keys->insert(idx).second) return fail_duplicate(ec);
      return true;
    }
    const std::string_view name = text_of(idx);
    std::uint32_t k = f.node + 1;
    for (std::uint32_t i = 0; i < f.done; ++i) {
      if (nodes_[k].size == name.size() && text_of(k) == name) return fail_duplicate(ec);
      k += 1 + nodes_[k + 1].skip;
    }
    if (f.done + 1 >= linear_key_limit) {
      f.keys = std::make_unique<key_set>(std::size_t{64}, key_hash{source()}, key_equal{source()});
      k = f.node + 1;
      for (std::uint32_t i = 0; i < f.done; ++i) {
        f.keys->insert(k);
        k += 1 + nodes_[k + 1].skip;
      }
      f.keys->insert(idx);
    }
    return true;
  }
  bool fail_duplicate(boost::json::error_code& ec) {
    duplicate_ = true;
    ec = boost::json::error::syntax;
    return false;
  }

  std::string_view input_;
  document& doc_;
  std::vector<node>& nodes_;
  std::vector<char>& arena_;
  std::vector<tape_frame>& frames_;
  std::size_t count_ = 0;  // used entries of nodes_
  std::size_t part_start_ = 0;
  bool parts_ = false;
  bool duplicate_ = false;
};

// The fast path for the common document: strings without escapes (ASCII or well-formed UTF-8),
// integers of at most 18 digits, objects of at most `max_members` members, nesting below the
// depth limit and at most `max_open` levels. It fills the same tape as tape_builder and gives up
// (returns false) on anything else, including every fault: the caller then parses again with
// Boost.JSON, which decides and reports. So this only has to be right about what it accepts, and
// each thing it accepts is accepted by Boost.JSON with the same tape
// (tests/json_strict_parser_test.cpp compares them).
class fast_tape {
 public:
  fast_tape(std::string_view input, document& doc, std::size_t max_depth) noexcept
      : begin_(input.data()),
        end_(input.data() + input.size()),
        nodes_(doc.nodes_),
        max_depth_(max_depth) {}

  // Parses the whole input; true when the tape is complete (`count()` entries). One loop with
  // the position and the tape's end in locals (registers), an explicit stack of open
  // containers, and gotos between the states "value", "member name" and "after a value".
  // `progress(p)` is called after each member name with the position reached (see
  // detail::parse_strict_paced).
  template <class Progress>
  bool run(Progress& progress) {
    const std::size_t want = static_cast<std::size_t>(end_ - begin_) / 16 + 16;
    if (nodes_.size() < want) nodes_.resize(want);
    node* base = nodes_.data();
    node* out = base;
    node* cap = base + nodes_.size();
    const auto push = [&](std::uint64_t data, std::uint32_t size, value_kind k)
        __attribute__((always_inline)) {
      if (OCIKIT_UNLIKELY(out == cap)) grow(base, out, cap);
      out->data = data;
      out->size = size;
      out->skip = 1;
      out->kind = k;
      out->in_arena = false;
      ++out;
    };
    struct frame {
      std::uint32_t at;  // the container's tape index
      std::uint32_t n;   // complete members / elements
      bool object;
      // Bit min(size, 63) set for each member name's size: a name of a size not seen yet
      // cannot repeat one, which spares the comparisons for most names.
      std::uint64_t name_sizes;
    };
    frame stack[max_open];
    std::size_t open = 0;
    // The names of each open object (offset and length), for the duplicate check.
    std::uint32_t name_at[max_open][max_members];
    std::uint32_t name_size[max_open][max_members];

    const char* const begin = begin_;
    const char* const end = end_;
    const char* p = skip_whitespace(begin, end);

  value:
    if (p == end) return false;
    switch (*p) {
      case '"': {
        const char* const first = p + 1;
        p = string_end(first, begin, end);
        if (p == nullptr) return false;
        push(static_cast<std::uint64_t>(first - begin), static_cast<std::uint32_t>(p - first),
             value_kind::string);
        ++p;
        goto after_value;
      }
      case '{':
      case '[': {
        const bool object = *p == '{';
        if (open + 1 >= max_depth_ || open == max_open) return false;
        stack[open++] = {static_cast<std::uint32_t>(out - base), 0, object, 0};
        push(0, 0, object ? value_kind::object : value_kind::array);
        p = skip_whitespace(p + 1, end);
        if (p != end && *p == (object ? '}' : ']')) {
          ++p;
          goto close;
        }
        if (object) goto name;
        goto value;
      }
      case 't':
      case 'f':
      case 'n': {
        const char c = *p;
        const std::string_view word = c == 't' ? "true" : c == 'f' ? "false" : "null";
        if (static_cast<std::size_t>(end - p) < word.size() ||
            std::memcmp(p, word.data(), word.size()) != 0) {
          return false;
        }
        p += word.size();
        push(c == 't' ? 1 : 0, 0, c == 'n' ? value_kind::null : value_kind::boolean);
        goto after_value;
      }
      default: {
        std::uint64_t v = 0;
        p = integer(p, end, v);
        if (p == nullptr) return false;
        push(v, 0, value_kind::int64);
        goto after_value;
      }
    }

  name : {
    frame& f = stack[open - 1];
    if (p == end || *p != '"' || f.n == max_members) return false;
    const char* const first = p + 1;
    p = string_end(first, begin, end);
    if (p == nullptr) return false;
    const auto size = static_cast<std::uint32_t>(p - first);
    std::uint32_t* const names = name_at[open - 1];
    std::uint32_t* const sizes = name_size[open - 1];
    const std::uint64_t size_bit = std::uint64_t{1} << std::min<std::uint32_t>(size, 63);
    if ((f.name_sizes & size_bit) != 0) {
      for (std::uint32_t i = 0; i < f.n; ++i) {
        if (sizes[i] == size && std::memcmp(begin + names[i], first, size) == 0) return false;
      }
    }
    f.name_sizes |= size_bit;
    names[f.n] = static_cast<std::uint32_t>(first - begin);
    sizes[f.n] = size;
    push(names[f.n], size, value_kind::string);
    progress(p);
    p = skip_whitespace(p + 1, end);
    if (p == end || *p != ':') return false;
    p = skip_whitespace_after_colon(p + 1, end);
    goto value;
  }

  after_value:
    if (open == 0) {
      p = skip_whitespace(p, end);
      count_ = static_cast<std::size_t>(out - base);
      return p == end;
    }
    {
      frame& f = stack[open - 1];
      ++f.n;
      p = skip_whitespace(p, end);
      if (p == end) return false;
      if (*p == ',') {
        p = skip_whitespace(p + 1, end);
        if (f.object) goto name;
        goto value;
      }
      if (*p != (f.object ? '}' : ']')) return false;
      ++p;
    }
  close : {
    const frame& f = stack[--open];
    base[f.at].size = f.n;
    base[f.at].skip = static_cast<std::uint32_t>(out - base) - f.at;
    goto after_value;
  }
  }
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  // Makes `doc` the document of a run() that succeeded over `input`.
  void commit(document& doc, std::string_view input) const noexcept {
    doc.input_ = input;
    doc.used_ = count_;
    doc.arena_.clear();
  }

 private:
  // Doubles the tape (entries are addressed by index, so only these pointers change).
  void grow(node*& base, node*& out, node*& cap) {
    const auto n = static_cast<std::size_t>(out - base);
    nodes_.resize(nodes_.size() * 2);
    base = nodes_.data();
    out = base + n;
    cap = base + nodes_.size();
  }

  // Larger objects go to tape_builder, whose duplicate check hashes.
  static constexpr std::uint32_t max_members = 16;
  // Deeper documents too (a manifest needs 5 levels).
  static constexpr std::size_t max_open = 16;

  const char* begin_;
  const char* end_;
  std::vector<node>& nodes_;
  std::size_t max_depth_;
  std::size_t count_ = 0;
};

// The ocikit error for a parse that Boost.JSON stopped at `pos` with `ec`.
inline error classify_json_error(std::string_view in, std::size_t pos,
                                 const boost::json::error_code& ec, std::size_t depth) {
  namespace bj = boost::json;
  if (ec == bj::error::too_deep) return error(errc::json_too_deep, pos, std::to_string(depth));
  // A multi-byte sequence cut short by a quote reads as "incomplete" to Boost.JSON.
  if (pos < in.size() && static_cast<unsigned char>(in[pos]) >= 0x80 &&
      !utf8_sequence_ok(in, pos)) {
    return error(errc::json_invalid_utf8, pos, in[pos]);
  }
  if (ec == bj::error::incomplete) {
    // Boost.JSON waits for the rest of a multi-byte sequence that the input cuts short.
    for (std::size_t i = in.size() > 4 ? in.size() - 4 : 0; i < in.size(); ++i) {
      if (static_cast<unsigned char>(in[i]) >= 0xc0 && !utf8_sequence_ok(in, i)) {
        return error(errc::json_invalid_utf8, i, in[i]);
      }
    }
    const bool blank = in.find_first_not_of(" \t\r\n") == std::string_view::npos;
    return blank ? error(errc::json_empty, 0) : error(errc::json_incomplete, in.size());
  }
  if (ec == bj::error::illegal_leading_surrogate || ec == bj::error::illegal_trailing_surrogate) {
    const std::size_t at = surrogate_escape_before(in, pos);
    return error(errc::json_lone_surrogate, at == error::npos ? pos : at);
  }
  if (pos >= in.size()) return error(errc::json_incomplete, in.size());
  const char c = in[pos];
  if (c == '/' && pos + 1 < in.size() && (in[pos + 1] == '/' || in[pos + 1] == '*')) {
    return error(errc::json_comment, pos);
  }
  if (static_cast<unsigned char>(c) >= 0x80 && !utf8_sequence_ok(in, pos)) {
    return error(errc::json_invalid_utf8, pos, c);
  }
  // A high surrogate escape right before the stop, not followed by a low one.
  if (pos >= 6) {
    const long u = u_escape_at(in, pos - 6);
    if (u >= 0xd800 && u <= 0xdbff) return error(errc::json_lone_surrogate, pos - 6);
  }
  return error(errc::json_syntax, pos, c);
}

}  // namespace detail

namespace detail {

// The strict parse by Boost.JSON alone, after the size and BOM checks: what decides and reports
// every fault, and the reference the fast path must agree with.
inline result<void> parse_boost_into(document& doc, std::string_view input, std::size_t max_depth) {
  boost::json::parse_options po;
  po.max_depth = max_depth;
  po.allow_comments = false;
  po.allow_trailing_commas = false;
  po.allow_invalid_utf8 = false;
  boost::json::basic_parser<tape_builder> parser(po, input, doc);
  boost::json::error_code ec;
  const std::size_t used = parser.write_some(false, input.data(), input.size(), ec);
  if (ec) {
    const tape_builder& h = parser.handler();
    error e = h.duplicate() ? error(errc::json_duplicate_key, opening_quote_before(input, used))
                            : classify_json_error(input, used, ec, po.max_depth);
    if (e.code() != errc::json_empty && e.code() != errc::json_too_deep) {
      e = std::move(e).at_pointer(h.pointer());
    }
    return e;
  }
  if (used < input.size()) return error(errc::json_trailing_data, used, input[used]);
  parser.handler().finish();
  return {};
}

}  // namespace detail

namespace detail {

// A Progress that does nothing.
struct no_progress {
  constexpr void operator()(const char* /*reached*/) const noexcept {}
};

// parse_strict_into that also calls `progress(p)` as the fast path moves through the input (after
// each member name, with the position reached; never on the general path). A caller that has
// other work over the same bytes does it there in small steps, so that the processor runs that
// work and the parse side by side: parse_manifest feeds SHA-256 one block at a time, whose
// long chain of dependent instructions otherwise leaves most of the core idle.
template <class Progress>
result<void> parse_strict_paced(document& doc, std::string_view input,
                                const strict_options& options, Progress& progress) {
  const std::size_t max_size =
      std::min<std::size_t>(options.max_size, std::numeric_limits<std::uint32_t>::max());
  if (input.size() > max_size) {
    return error(errc::json_too_large, max_size,
                 std::to_string(input.size()) + " bytes, the limit is " + std::to_string(max_size));
  }
  if (input.size() >= 3 && input.substr(0, 3) == "\xEF\xBB\xBF") return error(errc::json_bom, 0);
  const std::size_t max_depth = std::clamp<std::size_t>(options.max_depth, 1, max_depth_limit);
  if (fast_tape fast(input, doc, max_depth); fast.run(progress)) {
    fast.commit(doc, input);
    return {};
  }
  return parse_boost_into(doc, input, max_depth);
}

}  // namespace detail

/// Parses `input` into `doc`, reusing the storage `doc` already has (for callers that parse
/// many documents). On failure `doc` holds no usable document.
/// Example: `ocikit::json::document doc; for (auto& b : bodies) if (parse_strict_into(doc, b)) ...`
inline result<void> parse_strict_into(document& doc, std::string_view input,
                                      const strict_options& options = {}) {
  detail::no_progress none;
  return detail::parse_strict_paced(doc, input, options, none);
}

/// Parses `input` as one strict JSON document (see the rules at the top of this file).
/// The document views `input`, which must outlive it.
/// Example: `auto doc = ocikit::json::parse_strict(bytes); if (!doc) puts(doc.error().message().c_str());`
inline result<document> parse_strict(std::string_view input, const strict_options& options = {}) {
  document doc;
  auto r = parse_strict_into(doc, input, options);
  if (!r) return std::move(r).error();
  return doc;
}

}  // namespace ocikit::json

#endif  // OCIKIT_JSON_STRICT_PARSER_HPP
