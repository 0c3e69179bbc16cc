// The hand-scanned rules of the reference grammar (grammar/reference.hpp gives the whole grammar
// in BNF and composes these with PEGTL). Each is a PEGTL rule by protocol (grammar/scan.hpp) and
// its constexpr `scan` is the single definition of what it matches; this header does not include
// PEGTL, so the parsers (ocikit/reference.hpp) and compile-time literals use the rules without it.
#ifndef OCIKIT_GRAMMAR_REFERENCE_SCAN_HPP
#define OCIKIT_GRAMMAR_REFERENCE_SCAN_HPP

#include <cstddef>
#include <string_view>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/scan.hpp"

namespace ocikit::grammar {

// The top-level rules, defined in grammar/reference.hpp; the parsers name them as tags.
struct reference_only;
struct remote_reference_only;

namespace detail {
/// True when [b, e) holds a '/': without one there is no `domain "/"` (domain bytes exclude '/').
constexpr bool contains_slash(const char* b, const char* e) noexcept {
  return std::string_view(b, static_cast<std::size_t>(e - b)).find('/') != std::string_view::npos;
}
}  // namespace detail

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

/// port := [0-9]+
struct port : run<chars::digit> {};

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
/// identifier := [a-f0-9]{64}  (a bare image ID)
struct identifier : run<chars::lower_hex, 64, 64> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_REFERENCE_SCAN_HPP
