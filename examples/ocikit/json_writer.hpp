// The CLI's one JSON writer: every verb prints its JSON through it, so commas, quoting and
// escaping are decided in one place.
//
//   json_writer w(out);                  appends to `out`
//   w.begin_object().member("input", s).member("valid", true);
//   w.key("error").error(e);             {"code":…,"condition":…,"offset":N|null,"message":…}
//   w.key("size").value(std::uint64_t{3});
//   w.key("platform").value_or_null(p);  "" -> null
//   w.key("layers").raw(ocikit::serialize(d));   an already serialised value
//   w.end_object().line();               "}\n"
//
// Strings are escaped as RFC 8259 requires; bytes that are not valid UTF-8 are written as
// \u00XX so that the output stays valid JSON whatever the input (the library's
// ocikit::json::write_string writes bytes as they are, for documents that must hash exactly).
#ifndef OCIKIT_EXAMPLES_JSON_WRITER_HPP
#define OCIKIT_EXAMPLES_JSON_WRITER_HPP

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

#include "ocikit/error.hpp"

namespace ocikit::cli {

/// Appends `s` as a JSON string literal (quotes included), escaping as RFC 8259 requires; bytes
/// that are not valid UTF-8 are written as \u00XX so the output stays valid JSON.
void append_json_string(std::string& out, std::string_view s);

/// Writes JSON values to a string, with the separators in place. Containers nest up to 64
/// levels (the CLI needs 4).
class json_writer {
 public:
  explicit json_writer(std::string& out) noexcept : out_(out) {}

  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }

  /// A member name; the next call writes its value.
  json_writer& key(std::string_view name);

  /// A string value.
  json_writer& value(std::string_view s);
  json_writer& value(const char* s) { return value(std::string_view(s)); }
  json_writer& value(const std::string& s) { return value(std::string_view(s)); }
  /// true or false.
  json_writer& value(bool b) { return raw(b ? "true" : "false"); }
  /// An integer.
  template <class Int>
  requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool> &&
           !std::is_same_v<Int, char>) json_writer& value(Int n) {
    return raw(std::to_string(n));
  }
  /// null.
  json_writer& null() { return raw("null"); }
  /// A string, or null when it is empty.
  json_writer& value_or_null(std::string_view s) { return s.empty() ? null() : value(s); }
  /// An array of strings.
  json_writer& strings(std::span<const std::string> items);
  /// `{"code":…,"condition":…,"offset":N|null,"message":…}`: the error object of every verb.
  json_writer& error(const ocikit::error& e);
  /// A value already serialised as JSON, written as it is.
  json_writer& raw(std::string_view json);

  /// `key(name).value(v)`.
  template <class T>
  json_writer& member(std::string_view name, const T& v) {
    key(name);
    return value(v);
  }

  /// Ends the line (one JSON document per line).
  json_writer& line() {
    out_ += '\n';
    return *this;
  }

 private:
  json_writer& open(char c);
  json_writer& close(char c);
  void separate();

  std::string& out_;
  std::uint64_t has_items_ = 0;  // bit d: the container at depth d has an item already
  std::size_t depth_ = 0;
  bool after_key_ = false;
};

}  // namespace ocikit::cli

#endif  // OCIKIT_EXAMPLES_JSON_WRITER_HPP
