// PEGTL grammar of image references (Docker's distribution/reference v0.6, see
// shared/spec/reference.md). One named rule per production; users may embed any of them.
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
// Limits that are not grammar (path <= 255 bytes) and the digest's semantic rules are checked
// by ocikit/reference.hpp. The grammar is unambiguous for PEG: taking `domain "/"` greedily never
// rejects an input that the regular expression of the reference implementation accepts, because
// a first component that matched `domain` must match `component` for the alternative anyway.
#ifndef OCIKIT_GRAMMAR_REFERENCE_HPP
#define OCIKIT_GRAMMAR_REFERENCE_HPP

#include <tao/pegtl.hpp>

#include "ocikit/grammar/chars.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

// clang-format off
/// label := [A-Za-z0-9] { [A-Za-z0-9-] } [A-Za-z0-9]  (no leading or trailing '-')
struct domain_label : pegtl::seq<run<chars::alnum>,
                                 pegtl::star<pegtl::plus<pegtl::one<'-'>>, run<chars::alnum>>> {};
/// domain-name := label { "." label }
struct domain_name : pegtl::seq<domain_label, pegtl::star<pegtl::one<'.'>, domain_label>> {};
/// ipv6 := "[" [0-9A-Fa-f:]+ "]"   (characters only: no zone, no address check)
struct ipv6_host : pegtl::seq<pegtl::one<'['>, run<chars::ipv6>, pegtl::one<']'>> {};
/// host := domain-name | "[" ipv6 "]"
struct host : pegtl::sor<domain_name, ipv6_host> {};
/// port := [0-9]+
struct port : run<chars::digit> {};
/// domain := host [ ":" port ]
struct domain : pegtl::seq<host, pegtl::opt<pegtl::one<':'>, port>> {};

/// separator := "__" | "_" | "." | "-"+   ("__" first: PEG commits to the first match)
struct path_separator : pegtl::sor<pegtl::two<'_'>, pegtl::one<'_'>, pegtl::one<'.'>,
                                   pegtl::plus<pegtl::one<'-'>>> {};
/// component := [a-z0-9]+ { separator [a-z0-9]+ }
struct path_component : pegtl::seq<run<chars::lower_alnum>,
                                   pegtl::star<path_separator, run<chars::lower_alnum>>> {};
/// path := component { "/" component }
struct path : pegtl::seq<path_component, pegtl::star<pegtl::one<'/'>, path_component>> {};

/// domain "/" — a domain exists only when a '/' follows it.
struct domain_prefix : pegtl::seq<domain, pegtl::one<'/'>> {};
/// name := [ domain "/" ] path
struct name : pegtl::seq<pegtl::opt<domain_prefix>, path> {};

/// tag := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
struct tag : pegtl::seq<in_table<chars::tag_first>, run<chars::tag_rest, 0, 127>> {};

/// alg-component := [A-Za-z][A-Za-z0-9]*
struct reference_algorithm_component : pegtl::seq<in_table<chars::alpha>, run<chars::alnum, 0>> {};
/// algorithm := alg-component { [-_+.] alg-component }
struct reference_algorithm
    : pegtl::seq<reference_algorithm_component,
                 pegtl::star<in_table<chars::ref_algorithm_separator>, reference_algorithm_component>> {};
/// hex := [0-9A-Fa-f]{32,}
struct reference_digest_hex : run<chars::hex, 32> {};
/// digest := algorithm ":" hex   (reference level; go-digest rules are applied afterwards)
struct reference_digest : pegtl::seq<reference_algorithm, pegtl::one<':'>, reference_digest_hex> {};

/// reference := name [ ":" tag ] [ "@" digest ]
struct reference : pegtl::seq<name, pegtl::opt<pegtl::one<':'>, tag>,
                              pegtl::opt<pegtl::one<'@'>, reference_digest>> {};
/// A whole input that is one reference.
struct reference_only : pegtl::seq<reference, pegtl::eof> {};

/// identifier := [a-f0-9]{64}  (a bare image ID)
struct identifier : run<chars::lower_hex, 64, 64> {};
struct identifier_only : pegtl::seq<identifier, pegtl::eof> {};
// clang-format on

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_REFERENCE_HPP
