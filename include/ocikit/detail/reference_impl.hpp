// Internals of ocikit/reference.hpp: the builder that knows the insides of the reference types,
// Docker's normalisation (the domain split, the fast path over the name's masks, the general
// path and its errors) and the definitions of the parsers declared there. Included by
// ocikit/reference.hpp only; nobody outside ocikit names anything here.
#ifndef OCIKIT_DETAIL_REFERENCE_IMPL_HPP
#define OCIKIT_DETAIL_REFERENCE_IMPL_HPP

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/detail/reference_match.hpp"
#include "ocikit/detail/reference_parser.hpp"
#include "ocikit/reference.hpp"

namespace ocikit::detail {

/// Builds the reference types; the one place that knows their insides.
struct reference_builder {
  static constexpr reference_view view(const char* text, const ref_offsets& o) noexcept {
    return {text, o};
  }
  /// Starts writing a text of o.size bytes into `r`'s inline buffer (o.size <= its capacity).
  static char* inline_buffer(inline_reference& r, const ref_offsets& o) noexcept {
    r.on_heap_ = false;
    r.o_ = o;
    return r.buf_.data();
  }
  static void set_heap(inline_reference& r, std::string_view t, const ref_offsets& o) {
    r.on_heap_ = true;
    r.heap_.assign(t);
    r.o_ = o;
  }
  static reference make(std::string text, const ref_offsets& o) {
    reference r;
    r.text_ = std::move(text);
    r.o_ = o;
    return r;
  }
};

/// Text joined from a few pieces: on the stack when it fits the inline capacity, else in a heap
/// string (only for results that an inline_reference then keeps on the heap too).
struct joined_text {
  std::array<char, inline_reference::inline_capacity> small;
  std::string big;
  std::string_view text;

  joined_text(std::initializer_list<std::string_view> parts) {
    std::size_t n = 0;
    for (auto p : parts) n += p.size();
    char* out = small.data();
    if (n > small.size()) {
      big.resize(n);
      out = big.data();
    }
    char* w = out;
    for (auto p : parts) {
      if (!p.empty()) std::memcpy(w, p.data(), p.size());
      w += p.size();
    }
    text = std::string_view(out, n);
  }
};

/// Copies `n` bytes: 16 to 64 of them (most references) with two overlapping copies of constant
/// size that the compiler inlines, others with memcpy.
OCIKIT_ALWAYS_INLINE void copy_bytes(char* to, const char* from, std::size_t n) noexcept {
  if (n >= 16 && n <= 32) {
    std::memcpy(to, from, 16);
    std::memcpy(to + n - 16, from + n - 16, 16);
  } else if (n > 32 && n <= 64) {
    std::memcpy(to, from, 32);
    std::memcpy(to + n - 32, from + n - 32, 32);
  } else if (n != 0) {  // (memcpy could be passed a null pointer for an empty string_view)
    std::memcpy(to, from, n);
  }
}

/// Makes `r` hold a copy of `t` (inline when it fits, else on the heap) with offsets `o`.
inline void copy_into(inline_reference& r, std::string_view t, const ref_offsets& o) {
  if (OCIKIT_LIKELY(t.size() <= inline_reference::inline_capacity)) {
    copy_bytes(reference_builder::inline_buffer(r, o), t.data(), t.size());
  } else {
    reference_builder::set_heap(r, t, o);
  }
}

/// A result holding a copy of `t` with the offsets `o`, built in place (a result is large: it is
/// never moved on the way out, by guaranteed and named return value elision).
inline result<inline_reference> copy_result(std::string_view t, const ref_offsets& o) {
  result<inline_reference> out{boost::system::in_place_value};
  copy_into(*out, t, o);
  return out;
}

/// True when `s` is a bare image ID: exactly 64 lowercase hex digits.
constexpr bool is_identifier(std::string_view s) noexcept {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!grammar::chars::lower_hex(c)) return false;
  }
  return true;
}

/// Bytes that make Docker read a first component as a domain (besides "localhost").
inline constexpr grammar::detail::char_table domain_marks{".:A-Z"};

/// Go's splitDockerDomain, as positions: the domain Docker would use, and where the remainder
/// starts in the input.
struct docker_split {
  std::string_view domain;    ///< the domain to use ("docker.io" when implied or legacy)
  std::size_t remainder = 0;  ///< offset of the remainder in the input
  bool add_library = false;   ///< "library/" goes before the remainder
  bool rewritten = false;     ///< the normalised text differs from the input
};

constexpr docker_split split_docker_domain(std::string_view s) noexcept {
  docker_split d;
  // One pass over the first component: where it ends, and whether it has '.', ':' or uppercase.
  const std::size_t slash = s.find('/');
  bool marks = false;
  if (slash != std::string_view::npos) {
    for (std::size_t i = 0; i < slash; ++i) marks |= domain_marks(s[i]);
  }
  const bool is_domain = slash != std::string_view::npos &&
                         (marks || s.substr(0, slash) == std::string_view("localhost"));
  if (!is_domain) {
    d.domain = docker_hub_domain;
    d.remainder = 0;
    d.rewritten = true;
  } else {
    d.domain = s.substr(0, slash);
    d.remainder = slash + 1;
    if (d.domain == docker_hub_legacy_domain) {
      d.domain = docker_hub_domain;
      d.rewritten = true;
    }
  }
  if (d.domain == docker_hub_domain && s.find('/', d.remainder) == std::string_view::npos) {
    d.add_library = true;
    d.rewritten = true;
  }
  return d;
}

/// What follows the split's domain (no bounds check: d.remainder <= s.size()).
inline std::string_view remainder_of(std::string_view s, const docker_split& d) noexcept {
  return {s.data() + d.remainder, s.size() - d.remainder};
}

/// Go checks the remote name (the remainder up to its first ':') for uppercase before parsing.
/// A remainder that parses has none (paths are lowercase, accepted digest algorithms too), so
/// ocikit checks only after a parse failed: same answers, nothing spent on valid input.
inline std::optional<error> remote_uppercase(std::string_view s, std::size_t remainder_at) {
  const std::string_view remainder = s.substr(remainder_at);
  const std::string_view remote = remainder.substr(0, remainder.find(':'));
  for (std::size_t i = 0; i < remote.size(); ++i) {
    if (grammar::chars::upper(remote[i])) {
      return error(errc::reference_uppercase, remainder_at + i, remote[i]);
    }
  }
  return std::nullopt;
}

/// A result holding domain "/" ["library/"] remainder in the view's inline buffer (or on the
/// heap when it does not fit: never for a valid reference), with the offsets `o` of the
/// remainder's match moved behind the prefix. Built in place, as copy_result.
inline result<inline_reference> normalized_result(const docker_split& d, std::string_view remainder,
                                                  ref_offsets o) {
  const std::string_view lib = d.add_library ? official_repository_prefix : std::string_view();
  const std::size_t prefix_len = d.domain.size() + 1 + lib.size();
  const std::size_t total = prefix_len + remainder.size();
  o.has_domain = true;
  o.domain_end = static_cast<std::uint32_t>(d.domain.size());
  o.path_begin = static_cast<std::uint32_t>(d.domain.size() + 1);
  const auto shift = static_cast<std::uint32_t>(prefix_len);
  o.path_end += shift;
  o.tag_end += shift;
  o.digest_begin += shift;
  o.size = static_cast<std::uint32_t>(total);
  result<inline_reference> out{boost::system::in_place_value};
  if (OCIKIT_UNLIKELY(total > inline_reference::inline_capacity)) {
    reference_builder::set_heap(*out, joined_text({d.domain, "/", lib, remainder}).text, o);
    return out;
  }
  char* buf = reference_builder::inline_buffer(*out, o);
  if (d.rewritten) {  // (the domain is then docker.io)
    // "docker.io/" or "docker.io/library/" in one copy of constant size (inlined): bytes past
    // the prefix are overwritten by the remainder or lie past the end, and are never read.
    static constexpr std::string_view hub_library = "docker.io/library/";
    std::memcpy(buf, hub_library.data(), hub_library.size());
  } else {
    std::memcpy(buf, d.domain.data(), d.domain.size());
    buf[d.domain.size()] = '/';
    if (!lib.empty()) std::memcpy(buf + d.domain.size() + 1, lib.data(), lib.size());
  }
  copy_bytes(buf + prefix_len, remainder.data(), remainder.size());
  return out;
}
/// split_docker_domain read off the masks of the name part (for the fast path below). It sees
/// only the name part: a '/' after the '@', which Go's split would find, makes the reference
/// invalid anyway.
inline docker_split split_docker_domain(std::string_view s, const name_masks& m) noexcept {
  // Compares with constants in fixed-size steps the compiler inlines (not memcmp calls).
  const auto is = [](std::string_view x, std::string_view constant) {
    return x.size() == constant.size() &&
           std::memcmp(x.data(), constant.data(), constant.size()) == 0;
  };
  docker_split d;
  if (m.slash == 0) {
    d.domain = docker_hub_domain;
    d.add_library = true;
    d.rewritten = true;
    return d;
  }
  const auto slash = static_cast<std::size_t>(std::countr_zero(m.slash));
  const std::uint64_t marks = m.dot | m.colon | (m.alnum & ~m.lower);  // '.', ':', [A-Z]
  const std::string_view first(s.data(), slash);
  if ((marks & bits_between(0, slash)) == 0 && !(slash == 9 && is(first, "localhost"))) {
    d.domain = docker_hub_domain;
    d.rewritten = true;
    return d;
  }
  d.domain = first;
  d.remainder = slash + 1;
  if (slash == docker_hub_legacy_domain.size() && is(first, docker_hub_legacy_domain)) {
    d.domain = docker_hub_domain;
    d.rewritten = true;
  } else if (slash != docker_hub_domain.size() || !is(first, docker_hub_domain)) {
    return d;
  }
  if ((m.slash >> d.remainder) == 0) {  // docker.io/x: docker.io/library/x
    d.add_library = true;
    d.rewritten = true;
  }
  return d;
}
/// The strict core's answer for the part of `s` that the split `d` leaves to parse, from the
/// masks of the name part: false when they do not apply (a name part over 63 bytes, an IPv6
/// host, or a failure for which the byte-wise split might differ: a '/' after the name part);
/// else `c` is the answer and `o` the offsets (of the input, or of the remainder when `d` is
/// rewritten).
OCIKIT_ALWAYS_INLINE bool normalized_core_masked(std::string_view s, algorithm_set accepted,
                                                 docker_split& d, ref_offsets& o,
                                                 errc& c) noexcept {
  name_masks m;
  if (!classify_name(s, m)) return false;
  d = split_docker_domain(s, m);
  const std::string_view part = d.rewritten ? remainder_of(s, d) : s;
  const std::size_t lib = d.add_library ? official_repository_prefix.size() : 0;
  const masked_match r =
      d.rewritten ? match_masked<grammar::remote_reference_only>(part, m.from(d.remainder), o)
                  : match_masked<grammar::reference_only>(s, m, o);
  if (r == masked_match::declined) return false;
  c = r == masked_match::match ? strict_checks(part, accepted, o, max_path_length - lib)
                               : errc::reference_invalid_format;
  return c == errc::ok || s.find('/', m.size) == std::string_view::npos;
}

/// The error of a normalized parse whose strict core answered `c` for the split `d`. Go checks
/// the remote name for uppercase first.
inline error normalized_error(std::string_view s, algorithm_set accepted, const docker_split& d,
                              errc c, const ref_offsets& o) {
  if (auto up = remote_uppercase(s, d.remainder)) return *up;
  if (!d.rewritten) return strict_error(s, accepted, c, o);
  const std::size_t lib = d.add_library ? official_repository_prefix.size() : 0;
  return strict_error<grammar::remote_reference_only>(s.substr(d.remainder), accepted, c, o, lib)
      .shifted(d.remainder);
}

/// The general path's split and strict-core answer (for inputs the masked path did not answer).
inline errc normalized_core_general(std::string_view s, algorithm_set accepted, docker_split& d,
                                    ref_offsets& o) noexcept {
  d = split_docker_domain(s);
  o = ref_offsets{};
  const std::size_t lib = d.add_library ? official_repository_prefix.size() : 0;
  return d.rewritten ? strict_core<grammar::remote_reference_only, false>(
                           s.substr(d.remainder), accepted, o, max_path_length - lib)
                     : strict_core<grammar::reference_only, false>(s, accepted, o);
}

/// What normalize_reference does not do inline: image IDs, the general path (`answered`
/// false: names over 63 bytes, IPv6 hosts, or `Masked` false) and errors. Out of line, so that
/// the common case stays small.
template <bool Masked>
OCIKIT_NOINLINE inline result<inline_reference> parse_normalized_rest(std::string_view s,
                                                                      algorithm_set accepted,
                                                                      bool answered, docker_split d,
                                                                      ref_offsets o, errc c) {
  if (is_identifier(s)) return error(errc::reference_is_identifier, 0);  // (never answered)
  if (!answered) c = normalized_core_general(s, accepted, d, o);
  if (c != errc::ok) return normalized_error(s, accepted, d, c, o);
  return d.rewritten ? normalized_result(d, remainder_of(s, d), o) : copy_result(s, o);
}

/// Docker normalisation: parse only what follows "domain /" when the input is rewritten, then
/// write domain "/" ["library/"] remainder into the result's inline buffer. `Masked` false
/// takes the general path only (tests and fuzzing compare both). An image ID (64 lowercase hex
/// digits) is never answered by the masked path: it has more than 63 bytes.
template <bool Masked = true>
inline result<inline_reference> normalize_reference(std::string_view s, algorithm_set accepted) {
  docker_split d;
  ref_offsets o;
  errc c = errc::ok;
  const bool answered = Masked && normalized_core_masked(s, accepted, d, o, c);
  if (OCIKIT_LIKELY(answered && c == errc::ok)) {
    return d.rewritten ? normalized_result(d, remainder_of(s, d), o) : copy_result(s, o);
  }
  return parse_normalized_rest<Masked>(s, accepted, answered, d, o, c);
}

/// == normalize_reference(s, accepted).has_value(), without building the result or the error.
inline bool is_valid_normalized(std::string_view s, algorithm_set accepted) noexcept {
  docker_split d;
  ref_offsets o;
  errc c = errc::ok;
  if (normalized_core_masked(s, accepted, d, o, c)) return c == errc::ok;
  return !is_identifier(s) && normalized_core_general(s, accepted, d, o) == errc::ok;
}

/// Assembles name [":" tag] ["@" digest] and records its offsets (the parts are already valid).
inline reference assemble(std::string_view name, const ref_offsets& name_offsets,
                          std::string_view tag, std::string_view dgst) {
  std::string t;
  t.reserve(name.size() + tag.size() + dgst.size() + 2);
  t.append(name);
  ref_offsets o = name_offsets;
  o.has_tag = !tag.empty();
  if (o.has_tag) {
    t += ':';
    t.append(tag);
  }
  o.tag_end = static_cast<std::uint32_t>(t.size());
  o.has_digest = !dgst.empty();
  if (o.has_digest) {
    t += '@';
    o.digest_begin = static_cast<std::uint32_t>(t.size());
    t.append(dgst);
  } else {
    o.digest_begin = static_cast<std::uint32_t>(t.size());
  }
  o.size = static_cast<std::uint32_t>(t.size());
  return reference_builder::make(std::move(t), o);
}

inline error no_name_error(std::string_view what) {
  return error(errc::reference_invalid_argument, error::npos,
               std::string(what) + ": a digest-only reference has no name");
}

/// Checks a tag on its own: tag := [A-Za-z0-9_] [A-Za-z0-9_.-]{0,127}.
inline std::optional<error> check_tag(std::string_view tag) {
  if (tag.empty()) return error(errc::reference_invalid_tag, 0);
  for (std::size_t i = 0; i < tag.size(); ++i) {
    const bool ok = i == 0 ? grammar::chars::tag_first(tag[i]) : grammar::chars::tag_rest(tag[i]);
    if (!ok) return error(errc::reference_invalid_tag, i, tag[i]);
    if (i == max_tag_length) return error(errc::reference_tag_too_long, i, tag[i]);
  }
  return std::nullopt;
}

template <class Derived>
result<reference> reference_accessors<Derived>::with_tag(std::string_view new_tag) const {
  if (!is_named()) return no_name_error("with_tag");
  if (auto e = check_tag(new_tag)) return *e;
  return assemble(name(), offsets(), new_tag, digest());
}

template <class Derived>
result<reference> reference_accessors<Derived>::with_digest(std::string_view new_digest,
                                                            algorithm_set accepted) const {
  if (!is_named()) return no_name_error("with_digest");
  auto d = parse_digest(new_digest, accepted);
  if (!d) return d.error();
  return assemble(name(), offsets(), tag(), new_digest);
}

template <class Derived>
result<reference> reference_accessors<Derived>::without_tag() const {
  if (!is_named()) return no_name_error("without_tag");
  return assemble(name(), offsets(), {}, digest());
}

template <class Derived>
result<reference> reference_accessors<Derived>::without_digest() const {
  if (!is_named()) return no_name_error("without_digest");
  return assemble(name(), offsets(), tag(), {});
}

}  // namespace ocikit::detail

namespace ocikit {

inline void inline_reference::assign(std::string_view t, const detail::ref_offsets& o) {
  detail::copy_into(*this, t, o);
  if (!on_heap_) heap_.clear();
}

inline void inline_reference::take(inline_reference& other) noexcept {
  o_ = other.o_;
  on_heap_ = other.on_heap_;
  if (on_heap_) {
    heap_ = std::move(other.heap_);
  } else if (o_.size != 0) {
    std::memcpy(buf_.data(), other.buf_.data(), o_.size);
  }
}

inline reference_view inline_reference::view() const& noexcept {
  return detail::reference_builder::view(text().data(), o_);
}

inline reference_view reference::view() const& noexcept {
  return detail::reference_builder::view(text_.data(), o_);
}

inline result<reference_view> parse_reference(std::string_view s, algorithm_set accepted) {
  detail::ref_offsets o;
  const errc c = detail::strict_core(s, accepted, o);
  if (OCIKIT_LIKELY(c == errc::ok)) return detail::reference_builder::view(s.data(), o);
  return detail::strict_error(s, accepted, c, o);
}

inline result<inline_reference> parse_normalized_reference(std::string_view s,
                                                           algorithm_set accepted) {
  return detail::normalize_reference(s, accepted);
}

inline result<inline_reference> parse_canonical_reference(std::string_view s,
                                                          algorithm_set accepted) {
  auto r = detail::normalize_reference(s, accepted);
  if (r && r->string() != s) {
    return error(errc::reference_not_canonical, 0, std::string(r->string()));
  }
  return r;
}

inline result<inline_reference> parse_any_reference(std::string_view s, algorithm_set accepted) {
  detail::ref_offsets o;
  o.named = false;
  o.has_digest = true;
  if (detail::is_identifier(s)) {
    const detail::joined_text j({"sha256:", s});
    o.size = static_cast<std::uint32_t>(j.text.size());
    return detail::copy_result(j.text, o);
  }
  if (is_valid_digest(s, accepted)) {
    o.size = static_cast<std::uint32_t>(s.size());
    return detail::copy_result(s, o);
  }
  return detail::normalize_reference(s, accepted);
}

inline result<inline_reference> parse_docker_reference(std::string_view s, algorithm_set accepted) {
  // One result, built in place and returned by name (a result is large: no move on the way out).
  result<inline_reference> r = detail::normalize_reference(s, accepted);
  if (!r || r->has_tag() != r->has_digest()) return r;
  const bool add_tag = !r->has_tag();
  const detail::joined_text j = add_tag ? detail::joined_text({r->string(), ":", default_tag})
                                        : detail::joined_text({r->name(), "@", r->digest()});
  detail::ref_offsets o = r->offsets();
  o.size = static_cast<std::uint32_t>(j.text.size());
  if (add_tag) {
    o.has_tag = true;
    o.tag_end = o.size;
    o.digest_begin = o.size;
  } else {
    o.has_tag = false;
    o.tag_end = o.path_end;
    o.digest_begin = o.path_end + 1;
  }
  detail::copy_into(*r, j.text, o);  // (j holds its own copy of the text)
  return r;
}

inline result<inline_reference> parse_reference(std::string_view s, parse_mode mode,
                                                algorithm_set accepted) {
  switch (mode) {
    case parse_mode::strict: break;
    case parse_mode::normalized: return parse_normalized_reference(s, accepted);
    case parse_mode::canonical: return parse_canonical_reference(s, accepted);
    case parse_mode::any: return parse_any_reference(s, accepted);
    case parse_mode::docker: return parse_docker_reference(s, accepted);
  }
  detail::ref_offsets o;
  const errc c = detail::strict_core(s, accepted, o);
  if (OCIKIT_LIKELY(c == errc::ok)) return detail::copy_result(s, o);
  return detail::strict_error(s, accepted, c, o);
}

inline bool is_valid_reference(std::string_view s, parse_mode mode, algorithm_set accepted) {
  if (mode == parse_mode::strict) {
    detail::ref_offsets o;
    return detail::strict_core(s, accepted, o) == errc::ok;
  }
  if (mode == parse_mode::normalized) return detail::is_valid_normalized(s, accepted);
  return parse_reference(s, mode, accepted).has_value();
}

inline result<reference> reference::parse(std::string_view s, parse_mode mode,
                                          algorithm_set accepted) {
  if (mode == parse_mode::strict) {
    auto v = parse_reference(s, accepted);
    if (!v) return v.error();
    return reference(*v);
  }
  auto r = parse_reference(s, mode, accepted);
  if (!r) return r.error();
  return reference(*r);
}

}  // namespace ocikit

#endif  // OCIKIT_DETAIL_REFERENCE_IMPL_HPP
