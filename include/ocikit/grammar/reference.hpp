// PEGTL grammar of image references (Docker's distribution/reference v0.6, see
// docs/reference.md). One named rule per production; users may embed any of them.
//
//   reference       := name [ ":" tag ] [ "@" digest ]
//   name            := [ domain "/" ] path
//   domain          := host [ ":" port ]
//   host            := domain-name | "[" ipv6 "]"
//   domain-name     := label { "." label }
//   label           := [A-Za-z0-9] | [A-Za-z0-9] { [A-Za-z0-9-] } [A-Za-z0-9]
//   ipv6            := [0-9A-Fa-f:]+
//   port            := [0-9]+
//   path            := component { "/" component }
//   component       := lower { separator lower }        lower := [a-z0-9]+
//   separator       := "." | "_" | "__" | "-"+
//   tag             := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
//   digest          := algorithm ":" hex                 (reference level)
//   algorithm       := alg-component { [-_+.] alg-component }   alg-component := [A-Za-z][A-Za-z0-9]*
//   hex             := [0-9A-Fa-f]{32,}
//   identifier      := [a-f0-9]{64}
//
// The rules made of a loop over bytes are hand-scanned (grammar/reference_scan.hpp, no PEGTL);
// this header composes them with PEGTL. Limits that are not grammar (path <= 255 bytes) and the
// digest's semantic rules are checked by ocikit/reference.hpp. The grammar is unambiguous for PEG: taking `domain "/"` greedily never
// rejects an input that the regular expression of the reference implementation accepts, because
// a first component that matched `domain` must match `component` for the alternative anyway.
#ifndef OCIKIT_GRAMMAR_REFERENCE_HPP
#define OCIKIT_GRAMMAR_REFERENCE_HPP

#include <string_view>
#include <tao/pegtl.hpp>
#include <type_traits>

#include "ocikit/grammar/pegtl.hpp"
#include "ocikit/grammar/reference_scan.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

/// host := domain-name | "[" ipv6 "]"
struct host : pegtl::sor<domain_name, ipv6_host> {};
/// domain := host [ ":" port ]
struct domain : pegtl::seq<host, pegtl::opt<pegtl::one<':'>, port>> {};

/// domain "/" — a domain exists only when a '/' follows it.
struct domain_prefix : pegtl::seq<domain, pegtl::one<'/'>> {
  // Fast path: no '/' ahead means no domain, without trying one (domain bytes exclude '/').
  // Only the outcome is shortcut; the diagnostics still run the full rule.
  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if constexpr (std::is_same_v<Control<domain_prefix>, pegtl::normal<domain_prefix>>) {
      if (!detail::contains_slash(in.current(), in.end())) return false;
    }
    return pegtl::seq<domain, pegtl::one<'/'>>::template match<A, M, Action, Control>(in, st...);
  }
};
/// name := [ domain "/" ] path
struct name : pegtl::seq<pegtl::opt<domain_prefix>, path> {};

/// digest := algorithm ":" hex   (reference level; go-digest's rules are applied afterwards)
struct reference_digest : pegtl::seq<reference_algorithm, pegtl::one<':'>, reference_digest_hex> {};

/// reference := name [ ":" tag ] [ "@" digest ]
struct reference : pegtl::seq<name, pegtl::opt<pegtl::one<':'>, tag>,
                              pegtl::opt<pegtl::one<'@'>, reference_digest>> {};
/// A whole input that is one reference.
struct reference_only : pegtl::seq<reference, pegtl::eof> {};

/// remote-reference := path [ ":" tag ] [ "@" digest ] — what follows "domain /" in a reference
/// (Docker normalisation parses the remainder after the registry with it).
struct remote_reference : pegtl::seq<path, pegtl::opt<pegtl::one<':'>, tag>,
                                     pegtl::opt<pegtl::one<'@'>, reference_digest>> {};
struct remote_reference_only : pegtl::seq<remote_reference, pegtl::eof> {};

struct identifier_only : pegtl::seq<identifier, pegtl::eof> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_REFERENCE_HPP
