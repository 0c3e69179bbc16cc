// Character classes of the reference, digest and platform grammars, as constexpr 256-entry
// tables. The same tables drive the PEGTL rules, the hand-written fast checks and compile-time
// (consteval) validation, so a class is defined once.
#ifndef OCIKIT_GRAMMAR_CHARS_HPP
#define OCIKIT_GRAMMAR_CHARS_HPP

#include <array>
#include <bit>
#include <cstddef>
#include <string_view>
#include <tao/pegtl/contrib/analyze_traits.hpp>
#include <tao/pegtl/contrib/predicates.hpp>
#include <tao/pegtl/type_list.hpp>

namespace ocikit::grammar {

namespace detail {

/// A 256-entry membership table built from a list of characters and ranges ("a-z0-9._").
struct char_table {
  std::array<bool, 256> member{};
  /// `spec` lists single characters and ranges `x-y`; a '-' first or last stands for itself.
  consteval explicit char_table(std::string_view spec) {
    for (std::size_t i = 0; i < spec.size(); ++i) {
      if (i + 2 < spec.size() && spec[i + 1] == '-') {
        for (int c = static_cast<unsigned char>(spec[i]); c <= static_cast<unsigned char>(spec[i + 2]);
             ++c) {
          member[static_cast<std::size_t>(c)] = true;
        }
        i += 2;
      } else {
        member[static_cast<unsigned char>(spec[i])] = true;
      }
    }
  }
  [[nodiscard]] constexpr bool operator()(char c) const noexcept {
    return member[static_cast<unsigned char>(c)];
  }
};

/// Adapts a table to PEGTL's predicate interface.
template <const char_table& Table>
struct table_test {
  [[nodiscard]] static constexpr bool test(char c) noexcept { return Table(c); }
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

/// PEGTL rule matching one byte of a table.
template <const detail::char_table& Table>
struct in_table : tao::pegtl::predicates_or<detail::table_test<Table>> {};

inline constexpr std::size_t unbounded = static_cast<std::size_t>(-1);

/// PEGTL rule matching a run of Min..Max bytes of a table, as one atomic step: equivalent to
/// `rep_min_max<Min, Max, in_table<Table>>` (it fails when more than Max bytes follow), but
/// scanned in a tight loop — most of a reference's bytes are matched here.
template <const detail::char_table& Table, std::size_t Min = 1, std::size_t Max = unbounded>
struct run {
  using rule_t = run;
  using subs_t = tao::pegtl::empty_list;

  /// Length of the run at [b, e), looking at no more than Max + 1 bytes.
  [[nodiscard]] static constexpr std::size_t scan(const char* b, const char* e) noexcept {
    const std::size_t avail = static_cast<std::size_t>(e - b);
    const std::size_t limit = Max == unbounded || avail <= Max ? avail : Max + 1;
    std::size_t n = 0;
    // Eight bytes per step without a branch per byte, then byte by byte.
    while (n + 8 <= limit) {
      const char* p = b + n;
      const bool all = Table(p[0]) & Table(p[1]) & Table(p[2]) & Table(p[3]) & Table(p[4]) &
                       Table(p[5]) & Table(p[6]) & Table(p[7]);
      if (!all) break;
      n += 8;
    }
    while (n < limit && Table(b[n])) ++n;
    return n;
  }
  /// Where a failed match went wrong (for diagnostics): the first byte that broke the rule.
  [[nodiscard]] static constexpr const char* failure_position(const char* b, const char* e) noexcept {
    const std::size_t n = scan(b, e);
    return b + (n < Min ? n : Max);
  }
  /// Where a successful match stopped (a byte the table rejected, or the end).
  [[nodiscard]] static constexpr const char* stop_position(const char* b, const char* e) noexcept {
    return b + scan(b, e);
  }

  template <typename ParseInput>
  [[nodiscard]] static bool match(ParseInput& in) noexcept {
    const std::size_t n = scan(in.current(), in.end());
    if (n < Min || (Max != unbounded && n > Max)) return false;
    in.bump_in_this_line(n);
    return true;
  }
};

}  // namespace ocikit::grammar

template <typename Name, const ocikit::grammar::detail::char_table& Table, std::size_t Min,
          std::size_t Max>
struct tao::pegtl::analyze_traits<Name, ocikit::grammar::run<Table, Min, Max>>
    : std::conditional_t<Min == 0, tao::pegtl::analyze_opt_traits<>,
                         tao::pegtl::analyze_any_traits<>> {};

#endif  // OCIKIT_GRAMMAR_CHARS_HPP
