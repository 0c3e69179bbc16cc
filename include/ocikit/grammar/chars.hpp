// Character classes of the reference, digest and platform grammars, as constexpr 256-entry
// tables. The same tables drive the PEGTL rules (through grammar::in_table, grammar/pegtl.hpp),
// the hand-written fast checks and compile-time validation of literals (ocikit::literals), so a
// class is defined once. This header does not include PEGTL.
#ifndef OCIKIT_GRAMMAR_CHARS_HPP
#define OCIKIT_GRAMMAR_CHARS_HPP

#include <array>
#include <cstddef>
#include <string_view>

namespace ocikit::grammar {

namespace detail {

/// A 256-entry membership table built from a list of characters and ranges ("a-z0-9._").
struct char_table {
  std::array<bool, 256> member{};
  /// The same set as byte ranges [lo, hi] (at most 8), for vectorised scans.
  std::array<std::array<unsigned char, 2>, 8> ranges{};
  std::size_t range_count = 0;
  /// `spec` lists single characters and ranges `x-y`; a '-' first or last stands for itself.
  consteval explicit char_table(std::string_view spec) {
    for (std::size_t i = 0; i < spec.size(); ++i) {
      if (i + 2 < spec.size() && spec[i + 1] == '-') {
        for (int c = static_cast<unsigned char>(spec[i]);
             c <= static_cast<unsigned char>(spec[i + 2]); ++c) {
          member[static_cast<std::size_t>(c)] = true;
        }
        i += 2;
      } else {
        member[static_cast<unsigned char>(spec[i])] = true;
      }
    }
    for (std::size_t c = 0; c < 256;) {
      if (!member[c]) {
        ++c;
        continue;
      }
      std::size_t last = c;
      while (last + 1 < 256 && member[last + 1]) ++last;
      if (range_count < ranges.size()) {
        ranges[range_count] = {static_cast<unsigned char>(c), static_cast<unsigned char>(last)};
      }
      ++range_count;  // more than 8 ranges: no vectorised scan (see grammar/scan.hpp)
      c = last + 1;
    }
  }
  [[nodiscard]] constexpr bool operator()(char c) const noexcept {
    return member[static_cast<unsigned char>(c)];
  }
};

}  // namespace detail

namespace chars {
// clang-format off
inline constexpr detail::char_table lower_alnum{"a-z0-9"};           ///< path component body
inline constexpr detail::char_table alnum{"A-Za-z0-9"};              ///< domain label body
inline constexpr detail::char_table alpha{"A-Za-z"};
inline constexpr detail::char_table digit{"0-9"};
inline constexpr detail::char_table hex{"0-9A-Fa-f"};                ///< reference-level digest hex
inline constexpr detail::char_table lower_hex{"0-9a-f"};             ///< registered digest encodings
inline constexpr detail::char_table ipv6{"0-9A-Fa-f:"};              ///< inside [ ] of a host
inline constexpr detail::char_table tag_first{"A-Za-z0-9_"};
inline constexpr detail::char_table tag_rest{"A-Za-z0-9_.-"};
inline constexpr detail::char_table upper{"A-Z"};
inline constexpr detail::char_table oci_algorithm{"a-z0-9"};         ///< OCI digest algorithm component
inline constexpr detail::char_table oci_algorithm_separator{"+._-"};
inline constexpr detail::char_table oci_encoded{"a-zA-Z0-9=_-"};     ///< OCI digest encoded part
inline constexpr detail::char_table ref_algorithm_separator{"+._-"}; ///< reference-level algorithm
// clang-format on
}  // namespace chars

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_CHARS_HPP
