#include "json_writer.hpp"

#include <string>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/json/scan.hpp"
#include "ocikit/json/serialize.hpp"

namespace ocikit::cli {

void append_json_string(std::string& out, std::string_view s) {
  // Runs of valid UTF-8 escaped as the library escapes document strings; each byte of anything
  // else as \u00XX.
  out += '"';
  std::size_t run = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if (ocikit::json::detail::utf8_sequence_ok(s, i)) {
      i += c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
    } else {
      ocikit::json::write_escaped(out, s.substr(run, i - run));
      out += "\\u00";
      out += ocikit::detail::hex_digits[c >> 4];
      out += ocikit::detail::hex_digits[c & 0xf];
      run = ++i;
    }
  }
  ocikit::json::write_escaped(out, s.substr(run));
  out += '"';
}

void json_writer::separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;
  const std::uint64_t bit = std::uint64_t{1} << (depth_ - 1);
  if ((has_items_ & bit) != 0) out_ += ',';
  has_items_ |= bit;
}

json_writer& json_writer::open(char c) {
  separate();
  out_ += c;
  ++depth_;
  has_items_ &= ~(std::uint64_t{1} << (depth_ - 1));
  return *this;
}

json_writer& json_writer::close(char c) {
  out_ += c;
  --depth_;
  return *this;
}

json_writer& json_writer::key(std::string_view name) {
  separate();
  append_json_string(out_, name);
  out_ += ':';
  after_key_ = true;
  return *this;
}

json_writer& json_writer::value(std::string_view s) {
  separate();
  append_json_string(out_, s);
  return *this;
}

json_writer& json_writer::raw(std::string_view json) {
  separate();
  out_ += json;
  return *this;
}

json_writer& json_writer::strings(std::span<const std::string> items) {
  begin_array();
  for (const std::string& s : items) value(s);
  return end_array();
}

json_writer& json_writer::error(const ocikit::error& e) {
  begin_object();
  member("code", e.id());
  member("condition", e.condition_name());
  key("offset");
  if (e.has_offset()) {
    value(e.offset());
  } else {
    null();
  }
  member("message", e.message());
  return end_object();
}

}  // namespace ocikit::cli
