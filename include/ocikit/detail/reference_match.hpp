// Internals: the hot path of reference parsing — matching the grammar of grammar/reference.hpp
// and recording where the parts are, without PEGTL's per-rule bookkeeping.
//
// Two hand compositions of the same grammar, both checked against PEGTL's composition
// (match_reference_pegtl in detail/reference_oracle.hpp) on every test case and by the
// reference_parse fuzz target, parts included:
//   - match_reference_masked: the name and tag (everything before the first '@') of at most 63
//     bytes are classified once, sixteen bytes per step, into one bit mask per character class;
//     the domain, the path and the tag are then each checked as a whole with a few operations
//     on the masks, without a loop over bytes and with few branches (mispredicted branches
//     cost more than the instructions here). This is the common case (the median name part
//     is 22 bytes).
//   - match_reference_scanned: the hand-scanned rules called in grammar order, for everything
//     else (longer names, IPv6 hosts).
// Both follow PEG's semantics exactly: an opt<> or sor<> that fails consumes nothing, and the
// hand-scanned rules are greedy.
#ifndef OCIKIT_DETAIL_REFERENCE_MATCH_HPP
#define OCIKIT_DETAIL_REFERENCE_MATCH_HPP

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>

#include "ocikit/config.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/grammar/reference_scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocikit::detail {

/// Where the parts of a reference sit in its text. Offsets are 32-bit: inputs of 4 GiB or more
/// are refused before matching.
struct ref_offsets {
  std::uint32_t domain_end = 0;  ///< domain = [0, domain_end); has_domain says if there is one
  std::uint32_t path_begin = 0;  ///< path = [path_begin, path_end); name = [0, path_end)
  std::uint32_t path_end = 0;
  std::uint32_t tag_end = 0;       ///< tag = [path_end + 1, tag_end) when has_tag
  std::uint32_t digest_begin = 0;  ///< digest = [digest_begin, size) when has_digest
  std::uint32_t size = 0;
  std::uint32_t digest_colon = 0;  ///< the ':' of the digest (set by the hand compositions)
  bool has_domain = false;
  bool has_tag = false;
  bool has_digest = false;
  bool named = true;  ///< false for a digest-only reference (parse_any of a digest or image ID)
  bool digest_lower_hex = false;  ///< the digest's hex is all [0-9a-f] (hand compositions)
};

/// `algorithm ":" hex` filling [b, e) exactly (the digest of a reference, after its '@'): when
/// it does, records in `o` where the ':' is and whether the hex is lowercase (what go-digest
/// then needs, saving it a second pass).
constexpr bool match_reference_digest(const char* b, const char* e, const char* base,
                                      ref_offsets& o) noexcept {
  // The common case, "sha256:" and 64 lowercase hex digits, without a loop.
  if (!std::is_constant_evaluated() &&
      is_plain_sha256(std::string_view(b, static_cast<std::size_t>(e - b)))) {
    o.has_digest = true;
    o.digest_begin = static_cast<std::uint32_t>(b - base);
    o.digest_colon = static_cast<std::uint32_t>(b + 6 - base);
    o.digest_lower_hex = true;
    return true;
  }
  const grammar::scan_result alg = grammar::reference_algorithm::scan(b, e);
  if (alg.end == nullptr || alg.end == e || *alg.end != ':') return false;
  const char* const hex = alg.end + 1;
  // hex := [0-9A-Fa-f]{32,}; registered digests are lowercase, so try [0-9a-f] first
  const std::size_t lower = grammar::run<grammar::chars::lower_hex, 0>::length(hex, e);
  const bool all_lower = hex + lower == e;
  if (all_lower ? lower < 32 : grammar::reference_digest_hex::scan(hex, e).end != e) return false;
  o.has_digest = true;
  o.digest_begin = static_cast<std::uint32_t>(b - base);
  o.digest_colon = static_cast<std::uint32_t>(alg.end - base);
  o.digest_lower_hex = all_lower;
  return true;
}
/// Grammar order with the hand-scanned rules. `Top` is grammar::reference_only or
/// grammar::remote_reference_only (no domain).
template <class Top>
constexpr bool match_reference_scanned(std::string_view t, ref_offsets& o) noexcept {
  namespace g = grammar;
  const char* const b = t.data();
  const char* const e = b + t.size();
  const char* p = b;
  const auto at = [b](const char* q) { return static_cast<std::uint32_t>(q - b); };
  if constexpr (std::is_same_v<Top, g::reference_only>) {
    // [ domain "/" ]   domain := host [ ":" port ]   host := domain-name | "[" ipv6 "]"
    if (g::detail::contains_slash(b, e)) {
      g::scan_result h = g::domain_name::scan(b, e);
      if (h.end == nullptr) h = g::ipv6_host::scan(b, e);
      if (h.end != nullptr) {
        const char* q = h.end;
        if (q != e && *q == ':') {
          if (const g::scan_result port = g::port::scan(q + 1, e); port.end != nullptr)
            q = port.end;
        }
        if (q != e && *q == '/') {
          o.has_domain = true;
          o.domain_end = at(q);
          p = q + 1;
        }
      }
    }
  } else {
    static_assert(std::is_same_v<Top, g::remote_reference_only>);
  }
  // path
  const g::scan_result path = g::path::scan(p, e);
  if (path.end == nullptr) return false;
  o.path_begin = at(p);
  o.path_end = at(path.end);
  p = path.end;
  // [ ":" tag ]
  if (p != e && *p == ':') {
    if (const g::scan_result tag = g::tag::scan(p + 1, e); tag.end != nullptr) {
      o.has_tag = true;
      o.tag_end = at(tag.end);
      p = tag.end;
    }
  }
  // [ "@" digest ]
  if (p != e && *p == '@' && match_reference_digest(p + 1, e, b, o)) p = e;
  return p == e;  // eof
}

/// What match_reference_masked did.
enum class masked_match : std::uint8_t { match, no_match, declined };

/// The name part of a reference (the bytes before its first '@', at most 63) classified: bit i
/// of a mask is byte i being in the class. Bits from `size` on are clear.
struct name_masks {
  std::uint64_t lower = 0;  ///< [a-z0-9]
  std::uint64_t alnum = 0;  ///< [A-Za-z0-9]
  std::uint64_t slash = 0;  ///< '/'
  std::uint64_t dot = 0;    ///< '.'
  std::uint64_t dash = 0;   ///< '-'
  std::uint64_t under = 0;  ///< '_'
  std::uint64_t colon = 0;  ///< ':'
  std::size_t size = 0;     ///< bytes in the name part

  /// The masks of the name part from byte `k` on (k <= size).
  [[nodiscard]] name_masks from(std::size_t k) const noexcept {
    return {lower >> k, alnum >> k, slash >> k, dot >> k,
            dash >> k,  under >> k, colon >> k, size - k};
  }
};

#if defined(__SSE2__)
/// The `r` (< 16) bytes at `p` in the low lanes of a vector, zeros above: a few loads of 1, 4 or
/// 8 bytes (overlapping ones combined), never a byte outside [p, p + r).
OCIKIT_ALWAYS_INLINE __m128i load_partial16(const char* p, std::size_t r) noexcept {
  const auto ld64 = [](const char* q) {
    std::uint64_t v;
    std::memcpy(&v, q, 8);
    return v;
  };
  const auto ld32 = [](const char* q) {
    std::uint32_t v;
    std::memcpy(&v, q, 4);
    return std::uint64_t{v};
  };
  std::uint64_t lo = 0;
  std::uint64_t hi = 0;
  if (r > 8) {
    lo = ld64(p);
    hi = ld64(p + r - 8) >> (8 * (16 - r));
  } else if (r >= 4) {
    lo = ld32(p) | ld32(p + r - 4) << (8 * (r - 4));
  } else if (r != 0) {
    const auto byte = [p](std::size_t i) {
      return std::uint64_t{static_cast<unsigned char>(p[i])};
    };
    lo = byte(0) | byte(r / 2) << (8 * (r / 2)) | byte(r - 1) << (8 * (r - 1));
  }
  return _mm_set_epi64x(static_cast<long long>(hi), static_cast<long long>(lo));
}
#endif

/// Classifies the name part of `t` (on x86-64, sixteen bytes per step with SSE2). False when
/// it is longer than 63 bytes.
OCIKIT_ALWAYS_INLINE bool classify_name(std::string_view t, name_masks& m) noexcept {
  const char* const b = t.data();
  const std::size_t size = t.size();
  std::size_t n = size;
#if defined(__SSE2__)
  const std::size_t limit = size < 64 ? size : 64;
  for (std::size_t k = 0; k < limit; k += 16) {
    const __m128i x = k + 16 <= size ? _mm_loadu_si128(reinterpret_cast<const __m128i*>(b + k))
                                     : load_partial16(b + k, size - k);
    const auto range = [x](char lo, char hi) {
      const __m128i d = _mm_sub_epi8(x, _mm_set1_epi8(lo));
      return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(static_cast<char>(hi - lo))), d);
    };
    const auto is = [x](char c) { return _mm_cmpeq_epi8(x, _mm_set1_epi8(c)); };
    const auto bits = [k](__m128i v) {
      return std::uint64_t{static_cast<unsigned>(_mm_movemask_epi8(v))} << k;
    };
    const __m128i lower = _mm_or_si128(range('0', '9'), range('a', 'z'));
    m.lower |= bits(lower);
    m.alnum |= bits(_mm_or_si128(lower, range('A', 'Z')));
    m.slash |= bits(is('/'));
    m.dot |= bits(is('.'));
    m.dash |= bits(is('-'));
    m.under |= bits(is('_'));
    m.colon |= bits(is(':'));
    if (const std::uint64_t at = bits(is('@')); at != 0) {
      n = static_cast<std::size_t>(std::countr_zero(at));
      break;
    }
  }
#else
  for (std::size_t i = 0; i < size && i < 64; ++i) {
    const char c = b[i];
    if (c == '@') {
      n = i;
      break;
    }
    const auto set = [i](std::uint64_t& x, bool in) { x |= std::uint64_t{in} << i; };
    set(m.lower, grammar::chars::lower_alnum(c));
    set(m.alnum, grammar::chars::alnum(c));
    set(m.slash, c == '/');
    set(m.dot, c == '.');
    set(m.dash, c == '-');
    set(m.under, c == '_');
    set(m.colon, c == ':');
  }
#endif
  if (n > 63) return false;
  const std::uint64_t keep = (std::uint64_t{1} << n) - 1;
  m.lower &= keep;
  m.alnum &= keep;
  m.slash &= keep;
  m.dot &= keep;
  m.dash &= keep;
  m.under &= keep;
  m.colon &= keep;
  m.size = n;
  return true;
}

constexpr bool bit(std::uint64_t m, std::size_t i) noexcept { return ((m >> i) & 1U) != 0; }
/// Bits [from, to) set (both at most 63).
constexpr std::uint64_t bits_between(std::size_t from, std::size_t to) noexcept {
  return ((std::uint64_t{1} << to) - 1) & ~((std::uint64_t{1} << from) - 1);
}
/// End of the run of class members starting at `i` (i < 64; bit 63 is always clear, so the
/// complement has a set bit).
constexpr std::size_t run_end(std::uint64_t m, std::size_t i) noexcept {
  return i + static_cast<std::size_t>(std::countr_zero(~(m >> i)));
}

/// The match of `t` given the masks of its name part (the bytes before the first '@', at most
/// 63), unless the name starts with '[' (`declined`). Each part of the name is checked as a whole
/// with a few operations on the masks, which follow from the grammar:
///   - domain: it is followed by '/' and has no '/', so it is all of the first component or
///     nothing; a domain-name is [A-Za-z0-9.-] starting and ending with alnum with no "..",
///     ".-" or "-." (each label then starts and ends with alnum); the rest is ":" [0-9]+ or
///     nothing.
///   - path: nothing after it may be a separator or '/' (only ':', '@' or the end), so the whole
///     run of [a-z0-9._/-] must be the path: it starts and ends with [a-z0-9], and two
///     non-[a-z0-9] bytes are adjacent only in "--" or in "__" (never "___").
///   - tag: the rest of the name part, [A-Za-z0-9_.-], not starting with '.' or '-'.
template <class Top>
inline masked_match match_masked(std::string_view t, const name_masks& m, ref_offsets& o) noexcept {
  const std::size_t n = m.size;
  if (n != 0 && t[0] == '[') return masked_match::declined;  // an IPv6 host
  const auto u32 = [](std::size_t v) { return static_cast<std::uint32_t>(v); };
  const auto adjacent = [](std::uint64_t a, std::uint64_t b) { return a & (b >> 1); };

  std::size_t p = 0;
  if constexpr (std::is_same_v<Top, grammar::reference_only>) {
    if (m.slash != 0) {  // [ domain "/" ]
      const auto s = static_cast<std::size_t>(std::countr_zero(m.slash));
      const std::size_t host_end = run_end(m.alnum | m.dash | m.dot, 0);
      const std::uint64_t bad_pairs =
          adjacent(m.dot, m.dot) | adjacent(m.dot, m.dash) | adjacent(m.dash, m.dot);
      bool is_domain = host_end != 0 && bit(m.alnum, 0) && bit(m.alnum, host_end - 1) &&
                       (bad_pairs & bits_between(0, host_end)) == 0;
      if (is_domain && host_end != s) {  // [ ":" port ], port := [0-9]+
        std::size_t q = host_end + 1;
        while (q < s && grammar::chars::digit(t[q])) ++q;
        is_domain = t[host_end] == ':' && q == s && s > host_end + 1;
      }
      if (is_domain) {
        o.has_domain = true;
        o.domain_end = u32(s);
        p = s + 1;
      }
    }
  } else {
    static_assert(std::is_same_v<Top, grammar::remote_reference_only>);
  }
  // path
  const std::uint64_t separator = m.dot | m.dash | m.under | m.slash;
  const std::size_t e = run_end(m.lower | separator, p);
  const std::uint64_t bad_pairs =
      (adjacent(separator, separator) & ~adjacent(m.dash, m.dash) & ~adjacent(m.under, m.under)) |
      (m.under & (m.under >> 1) & (m.under >> 2));  // "___"
  if (e == p || !bit(m.lower, p) || !bit(m.lower, e - 1) || (bad_pairs & bits_between(p, e)) != 0) {
    return masked_match::no_match;
  }
  o.path_begin = u32(p);
  o.path_end = u32(e);
  // [ ":" tag ]: at most 63 bytes here, within the tag's 128
  if (e != n) {
    const std::uint64_t tag = bits_between(e + 1, n);
    if (!bit(m.colon, e) || !bit(m.alnum | m.under, e + 1) ||
        (tag & ~(m.alnum | m.under | m.dot | m.dash)) != 0) {
      return masked_match::no_match;
    }
    o.has_tag = true;
    o.tag_end = u32(n);
  }
  // [ "@" digest ] eof
  if (n != t.size()) {
    if (!match_reference_digest(t.data() + n + 1, t.data() + t.size(), t.data(), o)) {
      return masked_match::no_match;
    }
  }
  return masked_match::match;
}

/// match_masked over the masks of `t`.
template <class Top>
inline masked_match match_reference_masked(std::string_view t, ref_offsets& o) noexcept {
  name_masks m;
  if (!classify_name(t, m)) return masked_match::declined;
  return match_masked<Top>(t, m, o);
}

/// Matches `Top` (grammar::reference_only or grammar::remote_reference_only) and records the
/// parts; the same answer as match_reference_pegtl.
template <class Top>
inline bool match_reference(std::string_view t, ref_offsets& o) noexcept {
  switch (match_reference_masked<Top>(t, o)) {
    case masked_match::match: return true;
    case masked_match::no_match: return false;
    case masked_match::declined: break;
  }
  return match_reference_scanned<Top>(t, o);
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_REFERENCE_MATCH_HPP
