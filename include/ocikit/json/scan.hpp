// The scanning steps of the strict JSON layer's fast path: whitespace, plain strings (no
// escapes; UTF-8 checked), integers and UTF-8 sequences. detail::fast_tape
// (ocikit/json/strict_parser.hpp) builds its tape with them. Each step answers "not here"
// (nullptr, false) for anything it does not handle; the caller then takes the general path
// (Boost.JSON), which decides and reports.
#ifndef OCIKIT_JSON_SCAN_HPP
#define OCIKIT_JSON_SCAN_HPP

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "ocikit/config.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocikit::json::detail {

// True when the bytes at `pos` start a well-formed UTF-8 sequence (RFC 3629: no overlongs, no
// surrogates, nothing above U+10FFFF).
inline bool utf8_sequence_ok(std::string_view s, std::size_t pos) noexcept {
  const auto b = [&](std::size_t i) { return static_cast<unsigned char>(s[i]); };
  const unsigned char c = b(pos);
  if (c < 0x80) return true;
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;
    if (c == 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;
    if (c == 0xf4) hi = 0x8f;
  } else {
    return false;
  }
  if (pos + len > s.size()) return false;
  if (b(pos + 1) < lo || b(pos + 1) > hi) return false;
  for (std::size_t i = 2; i < len; ++i) {
    if (b(pos + i) < 0x80 || b(pos + i) > 0xbf) return false;
  }
  return true;
}

// ' ', '\t', '\n' or '\r' (RFC 8259 whitespace).
inline bool is_whitespace(char c) noexcept {
  constexpr std::uint64_t mask = (std::uint64_t{1} << ' ') | (std::uint64_t{1} << '\t') |
                                 (std::uint64_t{1} << '\n') | (std::uint64_t{1} << '\r');
  const auto u = static_cast<unsigned char>(c);
  return u <= ' ' && ((mask >> u) & 1) != 0;
}

// The first byte at or after `p` that is not whitespace (or `end`).
inline const char* skip_whitespace_run(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  // Sixteen bytes per step: the first byte that is not ' ', '\n', '\t' or '\r' ends the run
  // (a newline and its indentation usually fit in one step).
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i blank = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\t')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('\r'))));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(blank));
    if (mask != 0xffff) return p + __builtin_ctz(~mask);
    p += 16;
  }
#elif __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  // Indentation after a newline: spaces eight at a time.
  while (p != end && is_whitespace(*p)) {
    ++p;
    while (end - p >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, 8);
      const std::uint64_t other = w ^ 0x2020202020202020u;
      if (other != 0) {
        p += __builtin_ctzll(other) / 8;
        break;
      }
      p += 8;
    }
  }
#endif
  while (p != end && is_whitespace(*p)) ++p;
  return p;
}

// Most calls find no whitespace at all: one inlined test for those.
OCIKIT_ALWAYS_INLINE const char* skip_whitespace(const char* p, const char* end) noexcept {
  if (p != end && static_cast<unsigned char>(*p) > ' ') return p;
  return skip_whitespace_run(p, end);
}

// The whitespace after a member name's ':' (usually one space: no call for that).
OCIKIT_ALWAYS_INLINE const char* skip_whitespace_after_colon(const char* p,
                                                             const char* end) noexcept {
  if (p != end && *p == ' ') ++p;
  return skip_whitespace(p, end);
}

// The first byte at or after `p` that may end a plain string run: '"', '\\', a control
// character or a non-ASCII byte (or `end`).
inline const char* find_special(const char* p, const char* end) noexcept {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(' ');
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // A signed compare: bytes >= 0x80 are negative, so below ' ' too.
    const __m128i hit =
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                     _mm_cmplt_epi8(v, space));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  for (; p != end; ++p) {
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
  }
  return p;
}

// The closing quote of a string whose text starts at `p`; nullptr for an escape, a control
// character, bad UTF-8 or no closing quote.
inline const char* string_end(const char* p, const char* begin, const char* end) noexcept {
  for (;;) {
    p = find_special(p, end);
    if (p == end) return nullptr;
    const auto c = static_cast<unsigned char>(*p);
    if (c == '"') return p;
    if (c < 0x80) return nullptr;  // an escape or a control character
    const std::string_view all(begin, static_cast<std::size_t>(end - begin));
    if (!utf8_sequence_ok(all, static_cast<std::size_t>(p - begin))) return nullptr;
    p += c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
  }
}

inline bool is_digit(char c) noexcept { return static_cast<unsigned char>(c - '0') <= 9; }

// -?[1-9][0-9]{0,17} or 0 at `p`: the end of the number (and its value in `v`), or nullptr.
// Anything longer, "-0", fractions and exponents are for the general path (a following '.' or 'e' is
// refused by the caller, which expects ',', '}', ']' or the end).
inline const char* integer(const char* p, const char* end, std::uint64_t& v) noexcept {
  const bool negative = *p == '-';
  if (negative) ++p;
  if (p == end || !is_digit(*p)) return nullptr;
  if (*p == '0') {
    v = 0;
    return negative ? nullptr : p + 1;
  }
  std::uint64_t x = 0;
  const char* const stop = end - p > 18 ? p + 18 : end;
  for (; p != stop && is_digit(*p); ++p) x = x * 10 + static_cast<std::uint64_t>(*p - '0');
  if (p != end && is_digit(*p)) return nullptr;  // a 19th digit
  v = negative ? ~x + 1 : x;
  return p;
}

}  // namespace ocikit::json::detail

#endif  // OCIKIT_JSON_SCAN_HPP
