// The PEGTL side of the character tables and the hand-scanned rules: `in_table<Table>` (one
// byte of a table, as a PEGTL rule) and the analyze traits that let pegtl::analyze look at
// hand-scanned rules. The grammar headers that compose rules with PEGTL include it; the parsers
// (reference.hpp, digest.hpp) do not.
#ifndef OCIKIT_GRAMMAR_PEGTL_HPP
#define OCIKIT_GRAMMAR_PEGTL_HPP

#include <tao/pegtl/contrib/analyze_traits.hpp>
#include <tao/pegtl/contrib/predicates.hpp>
#include <type_traits>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/scan.hpp"

namespace ocikit::grammar {

namespace detail {
/// Adapts a table to PEGTL's predicate interface.
template <const char_table& Table>
struct table_test {
  [[nodiscard]] static constexpr bool test(char c) noexcept { return Table(c); }
};
}  // namespace detail

/// PEGTL rule matching one byte of a table.
template <const detail::char_table& Table>
struct in_table : tao::pegtl::predicates_or<detail::table_test<Table>> {};

}  // namespace ocikit::grammar

template <typename Name, class Rule>
requires ocikit::grammar::hand_scanned<Rule>
struct tao::pegtl::analyze_traits<Name, Rule>
    : std::conditional_t<Rule::can_be_empty, tao::pegtl::analyze_opt_traits<>,
                         tao::pegtl::analyze_any_traits<>> {
};

#endif  // OCIKIT_GRAMMAR_PEGTL_HPP
