// Internals of reference parsing: the strict core (grammar match + limits + digest checks) that
// every mode runs, and the diagnosis that turns a failed match into a precise error. No PEGTL:
// its composition of the same rules is the test oracle (detail/reference_oracle.hpp).
// Nobody outside ocikit names anything here.
#ifndef OCIKIT_DETAIL_REFERENCE_PARSER_HPP
#define OCIKIT_DETAIL_REFERENCE_PARSER_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "ocikit/detail/reference_match.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/grammar/reference_scan.hpp"

namespace ocikit::detail {

inline constexpr std::size_t max_path_length = 255;
inline constexpr std::size_t max_tag_length = 128;
inline constexpr std::size_t max_input_length = 0xffffffffU;

/// What the strict core checks after the grammar matched `t` into `o`: the path limit (255
/// bytes, less what normalisation adds in front of the path), then go-digest's checks.
constexpr errc strict_checks(std::string_view t, algorithm_set accepted, ref_offsets& o,
                             std::size_t path_limit) noexcept {
  o.size = static_cast<std::uint32_t>(t.size());
  if (!o.has_tag) o.tag_end = o.path_end;
  if (!o.has_digest) o.digest_begin = o.size;
  if (o.path_end - o.path_begin > path_limit) return errc::reference_name_too_long;
  if (o.has_digest) {
    // What check_digest accepts, from what the match found: a known accepted algorithm, its
    // exact length, lowercase hex. Anything else goes through check_digest for the exact code.
    if (o.digest_lower_hex) {
      const auto alg = accepted.find(
          std::string_view(t.data() + o.digest_begin, o.digest_colon - o.digest_begin));
      if (alg && t.size() - o.digest_colon - 1 == encoded_size(*alg)) return errc::ok;
    }
    const auto c = check_digest(t.substr(o.digest_begin), accepted);
    if (c.code != errc::ok) return c.code;
  }
  return errc::ok;
}

/// The strict core: grammar, then strict_checks. Returns errc::ok,
/// errc::reference_invalid_format for "the grammar did not match" (the caller diagnoses it),
/// errc::reference_name_too_long, or a digest code. `Top` is reference_only, or
/// remote_reference_only for the part after a registry. `TryMasked` false skips the masked
/// composition (for callers that know it did not match). Never allocates. In a constant
/// expression (literals) it runs the scanned composition: the same rules, without SSE2.
template <class Top = grammar::reference_only, bool TryMasked = true>
constexpr errc strict_core(std::string_view t, algorithm_set accepted, ref_offsets& o,
                           std::size_t path_limit = max_path_length) noexcept {
  o = ref_offsets{};
  if (OCIKIT_UNLIKELY(t.size() >= max_input_length)) return errc::reference_invalid_format;
  bool matched = false;
  if (TryMasked && !std::is_constant_evaluated()) {
    matched = match_reference<Top>(t, o);
  } else {
    matched = match_reference_scanned<Top>(t, o);
  }
  if (!matched) return errc::reference_invalid_format;
  return strict_checks(t, accepted, o, path_limit);
}

// ---- diagnosis of a failed match (error path only) -------------------------------------------

/// Where a failed match went wrong: the furthest failure and the innermost named rule there.
struct failure_point {
  std::size_t at = 0;          ///< the furthest position any rule failed at
  errc code = errc::ok;        ///< the rule's error (errc::ok outside the named rules)
  std::size_t rule_start = 0;  ///< where that named rule started
};

/// The same diagnosis from the hand-scanned rules called in grammar order, replaying the
/// failures PEGTL's composition reports (the hand-scanned rules where they stopped; a one<>,
/// eof or sequence where it failed), in the same order, with the same tie rule
/// (furthest_failure::fail_at). Tests and the fuzz target check it against diagnose_pegtl.
template <class Top>
inline failure_point diagnose_scanned(std::string_view t) noexcept {
  namespace g = grammar;
  const char* const b = t.data();
  const char* const e = b + t.size();
  const std::size_t n = t.size();
  failure_point f;
  bool any = false;
  bool f_in_domain = false;
  const auto fail = [&](std::size_t at, errc code, bool in_domain, std::size_t start) {
    if (!any || at > f.at || (at == f.at && f_in_domain && !in_domain)) {
      f = {at, code, start};
      f_in_domain = in_domain;
      any = true;
    }
  };
  const auto off = [b](const char* p) { return static_cast<std::size_t>(p - b); };
  const auto is = [&t, n](std::size_t i, char c) { return i < n && t[i] == c; };
  constexpr errc none = errc::ok;
  const errc domain = errc::reference_invalid_domain;
  const errc digest = errc::reference_invalid_digest;
  // [ ":" Rule ] at q (port or tag): where Rule stopped, else the failures of ':' or of the
  // sequence (inside `outer`); returns where the option ends.
  const auto colon_then = [&]<class Rule>(std::type_identity<Rule>, std::size_t q, errc named,
                                          errc outer, bool in_domain) {
    if (!is(q, ':')) {
      fail(q, outer, in_domain, 0);  // ':'
      fail(q, outer, in_domain, 0);  // ":" Rule
      return q;
    }
    const g::scan_result stop = Rule::scan(b + q + 1, e);
    fail(off(stop.furthest), named, in_domain, q + 1);
    if (stop.end != nullptr) return off(stop.end);
    fail(q, outer, in_domain, 0);  // ":" Rule
    return q;
  };

  std::size_t p = 0;
  if constexpr (std::is_same_v<Top, g::reference_only>) {  // [ domain "/" ]
    std::size_t h = 0;
    bool host = true;
    const g::scan_result dn = g::domain_name::scan(b, e);
    fail(off(dn.furthest), domain, true, 0);
    if (dn.end != nullptr) {
      h = off(dn.end);
    } else {
      const g::scan_result ip = g::ipv6_host::scan(b, e);
      fail(off(ip.furthest), domain, true, 0);
      if (ip.end != nullptr) {
        h = off(ip.end);
      } else {
        host = false;
        fail(0, domain, true, 0);  // host
        fail(0, domain, true, 0);  // domain
        fail(0, none, true, 0);    // domain "/"
      }
    }
    if (host) {
      const std::size_t q =
          colon_then(std::type_identity<g::port>{}, h, errc::reference_invalid_port, domain, true);
      if (is(q, '/')) {
        p = q + 1;
      } else {
        fail(q, none, true, 0);  // '/'
        fail(0, none, true, 0);  // domain "/"
      }
    }
  }
  const g::scan_result path = g::path::scan(b + p, e);
  fail(off(path.furthest), errc::reference_invalid_path, false, p);
  if (path.end == nullptr) {
    if constexpr (std::is_same_v<Top, g::reference_only>) {
      fail(p, none, false, 0);  // name
      fail(p, none, false, 0);  // reference
    } else {
      fail(0, none, false, 0);  // remote-reference
    }
    fail(0, none, false, 0);  // the whole input
    return f;
  }
  std::size_t q = colon_then(std::type_identity<g::tag>{}, off(path.end),
                             errc::reference_invalid_tag, none, false);
  if (is(q, '@')) {  // [ "@" digest ]
    const std::size_t d = q + 1;
    const g::scan_result alg = g::reference_algorithm::scan(b + d, e);
    fail(off(alg.furthest), digest, false, d);
    bool matched = false;
    if (alg.end == nullptr) {
      fail(d, digest, false, d);  // digest
    } else if (is(off(alg.end), ':')) {
      const std::size_t x = off(alg.end) + 1;
      const g::scan_result hex = g::reference_digest_hex::scan(b + x, e);
      fail(off(hex.furthest), digest, false, d);
      if (hex.end != nullptr) {
        matched = true;
        q = off(hex.end);
      } else {
        fail(x, digest, false, d);  // digest
      }
    } else {
      fail(off(alg.end), digest, false, d);  // ':'
      fail(off(alg.end), digest, false, d);  // digest
    }
    if (!matched) fail(q, none, false, 0);  // "@" digest
  } else {
    fail(q, none, false, 0);  // '@'
    fail(q, none, false, 0);  // "@" digest
  }
  if (q != n) {
    fail(q, none, false, 0);  // eof
    fail(0, none, false, 0);  // the whole input
  }
  return f;
}

constexpr bool is_upper(char c) noexcept { return c >= 'A' && c <= 'Z'; }
constexpr char to_lower(char c) noexcept {
  return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c;
}

/// True when `t` has a byte in [A-Z]: no early exit, so compilers vectorise it and nothing
/// depends on where the first one is.
inline bool has_uppercase(std::string_view t) noexcept {
  unsigned any = 0;
  for (const char c : t) any |= static_cast<unsigned>(static_cast<unsigned char>(c - 'A') < 26);
  return any != 0;
}

/// True when the ASCII-lowercased `t` matches the grammar (Go: ErrNameContainsUppercase).
template <class Top = grammar::reference_only>
inline bool lowercase_matches(std::string_view t) {
  std::array<char, 512> small;  // only the first t.size() bytes are written and read
  std::string big;
  char* p = small.data();
  if (t.size() > small.size()) {
    big.resize(t.size());
    p = big.data();
  }
  for (std::size_t i = 0; i < t.size(); ++i) p[i] = to_lower(t[i]);
  ref_offsets o;
  return match_reference<Top>(std::string_view(p, t.size()), o);
}

/// The precise error for a strict_core result other than ok (`path_extra`: bytes that
/// normalisation puts in front of the path, counted by the limit).
template <class Top = grammar::reference_only>
inline error strict_error(std::string_view t, algorithm_set accepted, errc code,
                          const ref_offsets& o, std::size_t path_extra = 0) {
  if (code == errc::reference_name_too_long) {
    return error(code, o.path_begin + max_path_length - path_extra)
        .with_numbers(o.path_end - o.path_begin + path_extra);
  }
  if (code != errc::reference_invalid_format) {  // a digest check failed
    const std::string_view d = t.substr(o.digest_begin);
    return make_digest_error(d, check_digest(d, accepted), accepted).shifted(o.digest_begin);
  }
  if (t.empty() && std::is_same_v<Top, grammar::reference_only>) {
    return error(errc::reference_empty, 0);
  }
  if (t.size() >= max_input_length) {
    return error(errc::reference_invalid_format, max_input_length, t[max_input_length]);
  }
  const failure_point f = diagnose_scanned<Top>(t);
  const std::size_t at = f.at;
  if (has_uppercase(t) && lowercase_matches<Top>(t)) {
    std::size_t u = at;
    if (u >= t.size() || !is_upper(t[u])) {
      u = 0;
      while (u < t.size() && !is_upper(t[u])) ++u;
    }
    return error(errc::reference_uppercase, u, t[u]);
  }
  errc c = f.code == errc::ok ? errc::reference_invalid_format : f.code;
  if (c == errc::reference_invalid_tag && at - f.rule_start >= max_tag_length && at < t.size() &&
      grammar::chars::tag_rest(t[at])) {
    c = errc::reference_tag_too_long;
  }
  if (at >= t.size()) {
    return error(c == errc::reference_invalid_format ? errc::reference_unexpected_end : c, at);
  }
  return error(c, at, t[at]);
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_REFERENCE_PARSER_HPP
