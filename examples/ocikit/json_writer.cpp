#include "json_writer.hpp"

#include <string>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/json/scan.hpp"

namespace ocikit::cli {

namespace {

void append_escaped_byte(std::string& out, unsigned char c) {
  out += "\\u00";
  out += ocikit::detail::hex_digits[c >> 4];
  out += ocikit::detail::hex_digits[c & 0xf];
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20) {
      switch (c) {
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default: append_escaped_byte(out, c);
      }
      ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
      ++i;
    } else if (ocikit::json::detail::utf8_sequence_ok(s, i)) {
      // Copy a well-formed UTF-8 sequence; escape each byte of anything else.
      const std::size_t len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      out.append(s.substr(i, len));
      i += len;
    } else {
      append_escaped_byte(out, c);
      ++i;
    }
  }
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
