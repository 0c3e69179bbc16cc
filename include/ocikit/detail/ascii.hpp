// ASCII helpers shared by the library: the lowercase hex digits, the hex encoder of bytes, the
// value of a hex digit, and ASCII lowercasing (never the locale's). Internal to ocikit: one copy
// of each, so that digests, JSON escapes, error messages and URL checks spell and read hex the
// same way.
#ifndef OCIKIT_DETAIL_ASCII_HPP
#define OCIKIT_DETAIL_ASCII_HPP

#include <cstddef>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocikit::detail {

/// The sixteen lowercase hex digits: hex_digits[n] for 0 <= n < 16.
inline constexpr char hex_digits[] = "0123456789abcdef";

/// Writes the 2 * n lowercase hex digits of `bytes[0..n)` at `out` (high nibble first) and
/// returns the end: the one encoder behind digest::from_bytes and error messages' byte quotes.
inline char* encode_hex(const unsigned char* bytes, std::size_t n, char* out) noexcept {
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes per step: split into nibbles (high first), each to '0' + n, plus 39 for
  // n > 9 ('a' - '0' - 10).
  for (; i + 16 <= n; i += 16, out += 32) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i));
    const __m128i mask = _mm_set1_epi8(0x0f);
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(v, 4), mask);
    const __m128i lo = _mm_and_si128(v, mask);
    const auto digits = [](__m128i nibbles) {
      const __m128i letter =
          _mm_and_si128(_mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9)), _mm_set1_epi8(39));
      return _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')), letter);
    };
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out), digits(_mm_unpacklo_epi8(hi, lo)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + 16), digits(_mm_unpackhi_epi8(hi, lo)));
  }
#endif
  for (; i < n; ++i) {
    *out++ = hex_digits[bytes[i] >> 4];
    *out++ = hex_digits[bytes[i] & 0xf];
  }
  return out;
}

/// The value of a hex digit (either case), or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// 'A'-'Z' to 'a'-'z'; every other byte as it is.
constexpr char ascii_to_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

/// ASCII case-insensitive `s == lower`, where `lower` is already lowercase.
constexpr bool equals_lower(std::string_view s, std::string_view lower) noexcept {
  if (s.size() != lower.size()) return false;
  for (std::size_t k = 0; k < s.size(); ++k) {
    if (ascii_to_lower(s[k]) != lower[k]) return false;
  }
  return true;
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_ASCII_HPP
