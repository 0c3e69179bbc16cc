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

#include <string_view>
#include <tao/pegtl.hpp>
#include <type_traits>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/scan.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

/// label := [A-Za-z0-9] { [A-Za-z0-9-] } [A-Za-z0-9]   (no leading or trailing '-')
struct domain_label : scanned_rule<domain_label> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    if (b == e || !chars::alnum(*b)) return detail::no_match(b);
    const char* p = skip<chars::alnum>(b + 1, e);
    for (;;) {
      const char* q = p;
      while (q != e && *q == '-') ++q;
      if (q == p) return {p, p};
      if (q == e || !chars::alnum(*q)) return {p, q};  // dashes must be followed by alnum
      p = skip<chars::alnum>(q + 1, e);
    }
  }
};

/// domain-name := label { "." label }
struct domain_name : scanned_rule<domain_name> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    scan_result r = domain_label::scan(b, e);
    if (r.end == nullptr) return r;
    const char* p = r.end;
    const char* furthest = r.furthest;
    while (p != e && *p == '.') {
      r = domain_label::scan(p + 1, e);
      furthest = detail::later(furthest, r.furthest);
      if (r.end == nullptr) return {p, furthest};
      p = r.end;
    }
    return {p, detail::later(furthest, p)};
  }
};

/// ipv6 := "[" [0-9A-Fa-f:]+ "]"   (characters only: no zone, no address check)
struct ipv6_host : scanned_rule<ipv6_host> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    if (b == e || *b != '[') return detail::no_match(b);
    const char* p = skip<chars::ipv6>(b + 1, e);
    if (p == b + 1 || p == e || *p != ']') return detail::no_match(p);
    return {p + 1, p};  // the last byte examined and rejected by the run is the ']'
  }
};

/// host := domain-name | "[" ipv6 "]"
struct host : pegtl::sor<domain_name, ipv6_host> {};
/// port := [0-9]+
struct port : run<chars::digit> {};
/// domain := host [ ":" port ]
struct domain : pegtl::seq<host, pegtl::opt<pegtl::one<':'>, port>> {};

/// component := [a-z0-9]+ { separator [a-z0-9]+ }
/// separator := "__" | "_" | "." | "-"+
struct path_component : scanned_rule<path_component> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    if (b == e || !chars::lower_alnum(*b)) return detail::no_match(b);
    const char* p = skip<chars::lower_alnum>(b + 1, e);
    for (;;) {
      const char* q = p;
      if (q == e) return {p, p};
      if (*q == '_') {
        ++q;
        if (q != e && *q == '_') ++q;  // "__" before "_": PEG commits to the first match
      } else if (*q == '.') {
        ++q;
      } else if (*q == '-') {
        while (q != e && *q == '-') ++q;
      } else {
        return {p, p};
      }
      if (q == e || !chars::lower_alnum(*q)) return {p, q};
      p = skip<chars::lower_alnum>(q + 1, e);
    }
  }
};

/// path := component { "/" component }
struct path : scanned_rule<path> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    scan_result r = path_component::scan(b, e);
    if (r.end == nullptr) return r;
    const char* p = r.end;
    const char* furthest = r.furthest;
    while (p != e && *p == '/') {
      r = path_component::scan(p + 1, e);
      furthest = detail::later(furthest, r.furthest);
      if (r.end == nullptr) return {p, furthest};
      p = r.end;
    }
    return {p, detail::later(furthest, p)};
  }
};

/// domain "/" — a domain exists only when a '/' follows it.
struct domain_prefix : pegtl::seq<domain, pegtl::one<'/'>> {
  // Fast path: no '/' ahead means no domain, without trying one (domain bytes exclude '/').
  // Only the outcome is shortcut; the diagnostics still run the full rule.
  template <pegtl::apply_mode A, pegtl::rewind_mode M, template <typename...> class Action,
            template <typename...> class Control, typename ParseInput, typename... States>
  [[nodiscard]] static bool match(ParseInput& in, States&&... st) {
    if constexpr (std::is_same_v<Control<domain_prefix>, pegtl::normal<domain_prefix>>) {
      if (!contains_slash(in.current(), in.end())) return false;
    }
    return pegtl::seq<domain, pegtl::one<'/'>>::template match<A, M, Action, Control>(in, st...);
  }
  static constexpr bool contains_slash(const char* b, const char* e) noexcept {
    return std::string_view(b, static_cast<std::size_t>(e - b)).find('/') != std::string_view::npos;
  }
};
/// name := [ domain "/" ] path
struct name : pegtl::seq<pegtl::opt<domain_prefix>, path> {};

/// tag := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}
struct tag : scanned_rule<tag> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    if (b == e || !chars::tag_first(*b)) return detail::no_match(b);
    return run<chars::tag_rest, 0, 127>::scan(b + 1, e);
  }
};

/// algorithm := alg-component { [-_+.] alg-component }   alg-component := [A-Za-z][A-Za-z0-9]*
struct reference_algorithm : scanned_rule<reference_algorithm> {
  static constexpr scan_result scan(const char* b, const char* e) noexcept {
    if (b == e || !chars::alpha(*b)) return detail::no_match(b);
    const char* p = skip<chars::alnum>(b + 1, e);
    while (p != e && chars::ref_algorithm_separator(*p)) {
      if (p + 1 == e || !chars::alpha(p[1])) return {p, p + 1};
      p = skip<chars::alnum>(p + 2, e);
    }
    return {p, p};
  }
};
/// hex := [0-9A-Fa-f]{32,}
struct reference_digest_hex : run<chars::hex, 32> {};
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

/// identifier := [a-f0-9]{64}  (a bare image ID)
struct identifier : run<chars::lower_hex, 64, 64> {};
struct identifier_only : pegtl::seq<identifier, pegtl::eof> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_REFERENCE_HPP
