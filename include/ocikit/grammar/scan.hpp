// Hand-scanned PEGTL rules: productions whose bodies are tight loops over the character tables
// rather than trees of tiny PEGTL combinators (most of a reference's bytes are matched here).
// Each such rule is still a named PEGTL rule that users can embed; it provides
//   static constexpr scan_result scan(const char* b, const char* e) noexcept
// which is the single definition of what the rule matches: `end` is where the match ends
// (nullptr when it does not match) and `furthest` is the furthest byte the rule examined and
// rejected — what the diagnostics report, exactly as a PEGTL star<>/plus<> would have.
// Being constexpr, the same code also validates literals at compile time. This header needs
// only PEGTL's tiny type_list.hpp; grammar/pegtl.hpp adds what pegtl::analyze needs.
#ifndef OCIKIT_GRAMMAR_SCAN_HPP
#define OCIKIT_GRAMMAR_SCAN_HPP

#include <bit>
#include <concepts>
#include <cstddef>
#include <tao/pegtl/type_list.hpp>
#include <type_traits>
#include <utility>

#include "ocikit/grammar/chars.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocikit::grammar {

/// What a hand-scanned rule found at [b, e).
struct scan_result {
  const char* end;       ///< one past the match, or nullptr when the rule does not match
  const char* furthest;  ///< the furthest byte examined and rejected (or e)
};

namespace detail {
constexpr scan_result no_match(const char* at) noexcept { return {nullptr, at}; }
constexpr const char* later(const char* a, const char* b) noexcept { return a > b ? a : b; }
}  // namespace detail

/// Base of hand-scanned rules: adapts `Derived::scan` to PEGTL's match interface.
template <class Derived, bool CanBeEmpty = false>
struct scanned_rule {
  using rule_t = Derived;
  using subs_t = tao::pegtl::empty_list;
  static constexpr bool can_be_empty = CanBeEmpty;

  template <typename ParseInput>
  [[nodiscard]] static bool match(ParseInput& in) noexcept {
    const scan_result r = Derived::scan(in.current(), in.end());
    if (r.end == nullptr) return false;
    in.bump_in_this_line(static_cast<std::size_t>(r.end - in.current()));
    return true;
  }
};

/// True for rules that provide the scan protocol (used by the diagnostics).
template <class Rule>
concept hand_scanned = requires(const char* p) {
  { Rule::scan(p, p) } -> std::same_as<scan_result>;
};

inline constexpr std::size_t unbounded = static_cast<std::size_t>(-1);

#if defined(__SSE2__)
namespace detail {
/// Members of `Table` among 16 bytes, as a 16-bit mask (bit i: byte i is a member). Each range
/// [lo, hi] is one subtract, one unsigned minimum and one compare; the ranges are constants.
template <const char_table& Table, std::size_t... R>
inline unsigned sse2_members(__m128i x, std::index_sequence<R...> /*ranges*/) noexcept {
  const auto in_range = [x](unsigned char lo, unsigned char hi) {
    const __m128i t = _mm_sub_epi8(x, _mm_set1_epi8(static_cast<char>(lo)));
    return _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(static_cast<char>(hi - lo))), t);
  };
  const __m128i in = (_mm_setzero_si128() | ... | in_range(Table.ranges[R][0], Table.ranges[R][1]));
  return static_cast<unsigned>(_mm_movemask_epi8(in));
}

/// Leading members of `Table` in [b, b + limit), sixteen bytes per step; stops when fewer than
/// sixteen bytes are left (the caller finishes), so it never reads past the input.
template <const char_table& Table>
inline std::size_t sse2_run_length(const char* b, std::size_t limit) noexcept {
  std::size_t n = 0;
  while (n + 16 <= limit) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + n));
    const unsigned mask = sse2_members<Table>(x, std::make_index_sequence<Table.range_count>{});
    if (mask != 0xffffU) return n + static_cast<std::size_t>(std::countr_one(mask));
    n += 16;
  }
  return n;
}
}  // namespace detail
#endif

/// A run of Min..Max bytes of a table: `rep_min_max<Min, Max, in_table<Table>>` (it fails when
/// more than Max such bytes follow), scanned in a tight loop.
template <const detail::char_table& Table, std::size_t Min = 1, std::size_t Max = unbounded>
struct run : scanned_rule<run<Table, Min, Max>, Min == 0> {
  /// Length of the run at [b, e), looking at no more than Max + 1 bytes.
  [[nodiscard]] static constexpr std::size_t length(const char* b, const char* e) noexcept {
    const auto avail = static_cast<std::size_t>(e - b);
    const std::size_t limit = Max == unbounded || avail <= Max ? avail : Max + 1;
    std::size_t n = 0;
#if defined(__SSE2__)
    if constexpr (Table.range_count <= 6) {
      if (!std::is_constant_evaluated()) n = detail::sse2_run_length<Table>(b, limit);
    }
#endif
    // Eight bytes per step without a branch per byte (digests are long runs of hex).
    while (n + 8 <= limit) {
      const char* p = b + n;
      const auto in = [p](std::size_t i) { return static_cast<unsigned>(Table(p[i])); };
      const unsigned all = in(0) & in(1) & in(2) & in(3) & in(4) & in(5) & in(6) & in(7);
      if (all == 0) break;
      n += 8;
    }
    while (n < limit && Table(b[n])) ++n;
    return n;
  }
  [[nodiscard]] static constexpr scan_result scan(const char* b, const char* e) noexcept {
    const std::size_t n = length(b, e);
    if (n < Min) return detail::no_match(b + n);
    if (Max != unbounded && n > Max) return detail::no_match(b + Max);
    return {b + n, b + n};
  }
};

/// Skips a run of table members (0 or more) and returns where it stops. A plain loop: the runs
/// inside names are short, where the eight-byte steps of `run` do not pay off.
template <const detail::char_table& Table>
constexpr const char* skip(const char* b, const char* e) noexcept {
  while (b != e && Table(*b)) ++b;
  return b;
}

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_SCAN_HPP
