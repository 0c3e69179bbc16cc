// ASCII helpers shared by the library: the lowercase hex digits, the value of a hex digit, and
// ASCII lowercasing (never the locale's). Internal to ocikit: one copy of each, so that digests,
// JSON escapes, error messages and URL checks spell and read hex the same way.
#ifndef OCIKIT_DETAIL_ASCII_HPP
#define OCIKIT_DETAIL_ASCII_HPP

#include <cstddef>
#include <string_view>

namespace ocikit::detail {

/// The sixteen lowercase hex digits: hex_digits[n] for 0 <= n < 16.
inline constexpr char hex_digits[] = "0123456789abcdef";

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
