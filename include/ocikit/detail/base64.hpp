// Strict padded standard base64 (RFC 4648 section 4) for descriptor `data` fields: the alphabet
// A-Z a-z 0-9 + /, a length that is a multiple of 4, '=' padding only at the end, no whitespace.
// Internal to ocikit.
#ifndef OCIKIT_DETAIL_BASE64_HPP
#define OCIKIT_DETAIL_BASE64_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ocikit::detail {

struct base64_fault {
  std::size_t offset = 0;  // byte of the input where decoding failed
  std::string_view why;    // "" on success
};

inline constexpr std::array<std::int8_t, 256> base64_values = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  constexpr std::string_view alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (std::size_t i = 0; i < alphabet.size(); ++i) {
    t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  }
  return t;
}();

// Decodes `in` into `out` (replacing its content). On failure `out` is unspecified.
inline base64_fault decode_base64(std::string_view in, std::string& out) {
  out.clear();
  if (in.size() % 4 != 0) {
    return {in.size(), "its length is not a multiple of 4 (is the '=' padding missing?)"};
  }
  out.reserve(in.size() / 4 * 3);
  for (std::size_t i = 0; i < in.size(); i += 4) {
    const bool last = i + 4 == in.size();
    std::uint32_t bits = 0;
    std::size_t pad = 0;
    for (std::size_t k = 0; k < 4; ++k) {
      const char c = in[i + k];
      if (c == '=') {
        if (!last || k < 2) return {i + k, "'=' padding is only allowed at the end"};
        ++pad;
        bits <<= 6;
        continue;
      }
      if (pad != 0) return {i + k - pad, "'=' padding is only allowed at the end"};
      const std::int8_t v = base64_values[static_cast<unsigned char>(c)];
      if (v < 0) return {i + k, "a character outside the base64 alphabet"};
      bits = (bits << 6) | static_cast<std::uint32_t>(v);
    }
    out += static_cast<char>((bits >> 16) & 0xff);
    if (pad < 2) out += static_cast<char>((bits >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(bits & 0xff);
  }
  return {};
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_BASE64_HPP
