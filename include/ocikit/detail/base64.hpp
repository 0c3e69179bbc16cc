// Strict padded standard base64 (RFC 4648 section 4) for descriptor `data` fields: the alphabet
// A-Z a-z 0-9 + /, a length that is a multiple of 4, '=' padding only at the end, no whitespace.
// decode_base64 for the rules (ocikit/detail/manifest_reader.hpp), encode_base64 for the
// builders (ocikit/build.hpp). Internal to ocikit.
#ifndef OCIKIT_DETAIL_BASE64_HPP
#define OCIKIT_DETAIL_BASE64_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace ocikit::detail {

struct base64_fault {
  std::size_t offset = 0;  // byte of the input where decoding failed
  std::string_view why;    // "" on success
};

inline constexpr std::string_view base64_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

inline constexpr std::array<std::int8_t, 256> base64_values = [] {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  for (std::size_t i = 0; i < base64_alphabet.size(); ++i) {
    t[static_cast<unsigned char>(base64_alphabet[i])] = static_cast<std::int8_t>(i);
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

// Padded standard base64 (RFC 4648 section 4), the form `data` takes.
inline std::string encode_base64(std::span<const std::byte> in) {
  constexpr std::string_view alphabet = base64_alphabet;
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto at = [&in](std::size_t k) { return std::to_integer<std::uint32_t>(in[k]); };
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (const std::size_t rest = in.size() - i; rest != 0) {
    const std::uint32_t v = (at(i) << 16) | (rest == 2 ? at(i + 1) << 8 : 0);
    out += alphabet[(v >> 18) & 63];
    out += alphabet[(v >> 12) & 63];
    out += rest == 2 ? alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_BASE64_HPP
