// Image references: `[domain/]path[:tag][@digest]` (Docker's distribution/reference v0.6,
// shared/spec/reference.md).
//
//   ocikit::parse_reference(sv)    strict            (Go: Parse)
//   ocikit::parse_normalized(sv)   Docker rules      (Go: ParseNormalizedNamed)
//   ocikit::parse_canonical(sv)    fully qualified   (Go: ParseNamed)
//   ocikit::parse_any(sv)          IDs and digests   (Go: ParseAnyReference)
//   ocikit::parse_docker(sv)       default tag       (Go: ParseDockerRef)
// each -> result<reference_view>; ocikit::reference is the owning type.
//
// Example:
//   auto r = ocikit::parse_normalized("ubuntu:24.04");
//   r->domain() == "docker.io"; r->path() == "library/ubuntu"; r->tag() == "24.04";
//   r->string() == "docker.io/library/ubuntu:24.04"; r->familiar_string() == "ubuntu:24.04";
//
// How a view holds parts that are not in the input. Strict parsing never allocates and never
// copies: the view's parts are offsets into the caller's buffer. The normalising modes add text
// (`docker.io/`, `library/`, `:latest`, `sha256:`) or drop a tag. Then the view writes the whole
// normalised reference into an inline buffer it carries (`inline_capacity` = 544 bytes), so that
// every accessor still returns one contiguous std::string_view and nothing touches the heap.
// That covers every result of parse_normalized, parse_canonical and parse_any (text is added
// only for Docker Hub, whose domain is 9 bytes; a valid remainder is bounded by the path limit
// of 255 bytes counted after `library/`, the tag limit of 128 and the longest registered digest,
// `sha512:` + 128 — 530 bytes at most) and of parse_docker unless the input names a registry
// domain of more than about 270 bytes; only then does the view keep its text in a heap string.
// A view that holds its own text (`owns_text()`) is independent of the input's lifetime; one
// that does not is valid only while the input lives (as std::string_view).
#ifndef OCIKIT_REFERENCE_HPP
#define OCIKIT_REFERENCE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "ocikit/detail/reference_parser.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/grammar/reference.hpp"

namespace ocikit {

/// The parse modes of the reference implementation.
enum class parse_mode : std::uint8_t { strict, normalized, canonical, any, docker };

/// "strict", "normalized", "canonical", "any", "docker".
constexpr std::string_view to_string(parse_mode m) noexcept {
  constexpr std::string_view names[] = {"strict", "normalized", "canonical", "any", "docker"};
  return names[static_cast<std::size_t>(m)];
}

/// Docker Hub's canonical domain and the prefix of official images.
inline constexpr std::string_view docker_hub_domain = "docker.io";
inline constexpr std::string_view docker_hub_legacy_domain = "index.docker.io";
inline constexpr std::string_view official_repository_prefix = "library/";
inline constexpr std::string_view default_tag = "latest";

class reference;

namespace detail {
struct reference_builder;

// Accessors shared by reference_view and reference over `text()` and `offsets()`.
template <class Derived>
class reference_accessors {
 public:
  /// Registry domain with optional port ("docker.io", "localhost:5000"); empty if none.
  [[nodiscard]] constexpr std::string_view domain() const noexcept {
    return text().substr(0, offsets().domain_end);
  }
  /// Repository path ("library/ubuntu"); empty for a digest-only reference.
  [[nodiscard]] constexpr std::string_view path() const noexcept {
    const auto& o = offsets();
    return text().substr(o.path_begin, o.path_end - o.path_begin);
  }
  /// domain "/" path, or path alone when there is no domain.
  [[nodiscard]] constexpr std::string_view name() const noexcept {
    return text().substr(0, offsets().path_end);
  }
  /// The tag without ':'; empty if none.
  [[nodiscard]] constexpr std::string_view tag() const noexcept {
    const auto& o = offsets();
    return o.has_tag ? text().substr(o.path_end + 1, o.tag_end - o.path_end - 1)
                     : std::string_view();
  }
  /// The digest without '@' ("sha256:…"); empty if none.
  [[nodiscard]] constexpr std::string_view digest() const noexcept {
    const auto& o = offsets();
    return o.has_digest ? text().substr(o.digest_begin) : std::string_view();
  }
  /// The digest as a digest_view (empty when there is none).
  [[nodiscard]] constexpr digest_view digest_value() const noexcept {
    const auto d = digest();
    return d.empty() ? digest_view() : digest_view::unchecked(d, d.find(':'));
  }
  [[nodiscard]] constexpr bool has_domain() const noexcept { return offsets().has_domain; }
  [[nodiscard]] constexpr bool has_tag() const noexcept { return offsets().has_tag; }
  [[nodiscard]] constexpr bool has_digest() const noexcept { return offsets().has_digest; }
  /// False only for a digest-only reference (parse_any of an image ID or a digest).
  [[nodiscard]] constexpr bool is_named() const noexcept { return offsets().named; }
  /// The whole reference ("docker.io/library/ubuntu:24.04").
  [[nodiscard]] constexpr std::string_view string() const noexcept { return text(); }

  /// The name as the Docker CLI shows it: no `docker.io/`, and no `library/` when no other '/'
  /// follows ("docker.io/library/ubuntu" -> "ubuntu", "docker.io/library/a/b" -> "library/a/b").
  [[nodiscard]] constexpr std::string_view familiar_name() const noexcept {
    return name().substr(familiar_skip());
  }
  /// The whole reference in familiar form ("ubuntu:24.04@sha256:…").
  [[nodiscard]] constexpr std::string_view familiar_string() const noexcept {
    return text().substr(familiar_skip());
  }

  /// A new reference with `new_tag` (replacing any tag; the digest is kept). Checks the tag.
  [[nodiscard]] result<reference> with_tag(std::string_view new_tag) const;
  /// A new reference with `new_digest` (replacing any digest; the tag is kept). Checks it.
  [[nodiscard]] result<reference> with_digest(
      std::string_view new_digest, algorithm_set accepted = algorithm_set::defaults()) const;
  /// A new reference without its tag.
  [[nodiscard]] result<reference> without_tag() const;
  /// A new reference without its digest.
  [[nodiscard]] result<reference> without_digest() const;

 private:
  constexpr std::string_view text() const noexcept {
    return static_cast<const Derived&>(*this).text();
  }
  constexpr const ref_offsets& offsets() const noexcept {
    return static_cast<const Derived&>(*this).offsets();
  }
  constexpr std::size_t familiar_skip() const noexcept {
    if (!offsets().named || domain() != docker_hub_domain) return 0;
    const std::size_t skip = docker_hub_domain.size() + 1;
    const std::string_view p = path();
    if (p.starts_with(official_repository_prefix) &&
        p.find('/', official_repository_prefix.size()) == std::string_view::npos) {
      return skip + official_repository_prefix.size();
    }
    return skip;
  }
};

}  // namespace detail

/// A parsed reference that views the input (or, after normalisation, its own inline copy).
class reference_view : public detail::reference_accessors<reference_view> {
 public:
  /// Capacity of the inline buffer that holds a normalised reference (see the file comment).
  static constexpr std::size_t inline_capacity = 544;

  // User-provided so that `const reference_view v;` works; the buffer is left uninitialised
  // (only the first offsets().size bytes are ever read, and only after they were written).
  constexpr reference_view() noexcept {}  // NOLINT(modernize-use-equals-default)
  reference_view(const reference_view& other) { *this = other; }
  reference_view(reference_view&& other) noexcept { *this = std::move(other); }
  reference_view& operator=(reference_view&& other) noexcept {
    if (this == &other) return *this;
    ext_ = other.ext_;
    o_ = other.o_;
    storage_ = other.storage_;
    if (storage_ == storage::inline_buffer) std::memcpy(buf_.data(), other.buf_.data(), o_.size);
    if (storage_ == storage::heap) heap_ = std::move(other.heap_);
    return *this;
  }
  ~reference_view() = default;
  reference_view& operator=(const reference_view& other) {
    if (this == &other) return *this;
    ext_ = other.ext_;
    o_ = other.o_;
    storage_ = other.storage_;
    if (storage_ == storage::inline_buffer) std::memcpy(buf_.data(), other.buf_.data(), o_.size);
    if (storage_ == storage::heap) heap_ = other.heap_;
    return *this;
  }

  [[nodiscard]] constexpr std::string_view text() const noexcept {
    switch (storage_) {
      case storage::inline_buffer: return {buf_.data(), o_.size};
      case storage::heap: return heap_;
      default: return {ext_, o_.size};
    }
  }
  [[nodiscard]] constexpr const detail::ref_offsets& offsets() const noexcept { return o_; }
  /// True when the view holds its own normalised copy (independent of the input's lifetime).
  [[nodiscard]] constexpr bool owns_text() const noexcept { return storage_ != storage::input; }

  friend bool operator==(const reference_view& a, const reference_view& b) noexcept {
    return a.text() == b.text();
  }

 private:
  friend struct detail::reference_builder;
  enum class storage : std::uint8_t { input, inline_buffer, heap };
  const char* ext_ = "";
  detail::ref_offsets o_{};
  storage storage_ = storage::input;
  std::string heap_;                       // only for storage::heap (see the file comment)
  std::array<char, inline_capacity> buf_;  // only the first o_.size bytes are ever read
};

/// An owning reference: one string plus the same offsets as the view.
class reference : public detail::reference_accessors<reference> {
 public:
  reference() = default;
  /// Copies a parsed view (one allocation, none if the text fits the small-string buffer).
  explicit reference(const reference_view& v) : text_(v.text()), o_(v.offsets()) {}

  /// Parses in the given mode and keeps a copy.
  static result<reference> parse(std::string_view s, parse_mode mode = parse_mode::strict,
                                 algorithm_set accepted = algorithm_set::defaults());

  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] const detail::ref_offsets& offsets() const noexcept { return o_; }
  [[nodiscard]] const std::string& str() const noexcept { return text_; }
  /// A view of this reference (valid while this object lives and is not modified).
  [[nodiscard]] reference_view view() const noexcept;

  friend bool operator==(const reference& a, const reference& b) noexcept {
    return a.text_ == b.text_;
  }
  friend auto operator<=>(const reference& a, const reference& b) noexcept {
    return a.text_ <=> b.text_;
  }

 private:
  friend struct detail::reference_builder;
  std::string text_;
  detail::ref_offsets o_{};
};

inline std::ostream& operator<<(std::ostream& os, const reference_view& r) {
  return os << r.string();
}
inline std::ostream& operator<<(std::ostream& os, const reference& r) { return os << r.string(); }

namespace detail {

/// Builds views and references; the one place that knows their insides.
struct reference_builder {
  /// A view over `t` with the offsets of a successful strict_core.
  static reference_view over_input(std::string_view t, const ref_offsets& o) noexcept {
    reference_view v;
    v.ext_ = t.data();
    v.o_ = o;
    return v;
  }
  /// Starts a view whose text is written into its inline buffer.
  /// Makes `v` a view over `t` with the offsets of a successful strict_core.
  static void set_input(reference_view& v, std::string_view t, const ref_offsets& o) noexcept {
    v.ext_ = t.data();
    v.o_ = o;
  }
  static char* inline_buffer(reference_view& v) noexcept {
    v.storage_ = reference_view::storage::inline_buffer;
    return v.buf_.data();
  }
  static void set_heap(reference_view& v, std::string_view t) {
    v.storage_ = reference_view::storage::heap;
    v.heap_.assign(t);
  }
  static void set_offsets(reference_view& v, const ref_offsets& o) noexcept { v.o_ = o; }
  static reference make(std::string text, const ref_offsets& o) {
    reference r;
    r.text_ = std::move(text);
    r.o_ = o;
    return r;
  }
  static reference_view view_of(const reference& r) noexcept { return over_input(r.text_, r.o_); }
};

/// Text joined from a few pieces: on the stack when it fits the inline capacity, else in a heap
/// string (only for results that a view then keeps on the heap too).
struct joined_text {
  std::array<char, reference_view::inline_capacity> small;
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
  [[nodiscard]] bool fits_inline() const noexcept { return big.empty(); }
};

/// A view that owns a copy of `t` (inline when it fits, else on the heap) with offsets `o`.
inline reference_view owning_view(std::string_view t, const ref_offsets& o) {
  reference_view v;
  if (t.size() <= reference_view::inline_capacity) {
    char* buf = reference_builder::inline_buffer(v);
    if (!t.empty()) std::memcpy(buf, t.data(), t.size());
  } else {
    reference_builder::set_heap(v, t);
  }
  reference_builder::set_offsets(v, o);
  return v;
}

/// A result holding a view over `t` with the offsets `o`, built in place (a result is large:
/// it is never moved on the way out, by guaranteed and named return value elision).
inline result<reference_view> view_result(std::string_view t, const ref_offsets& o) noexcept {
  result<reference_view> out{boost::system::in_place_value};
  reference_builder::set_input(*out, t, o);
  return out;
}

/// Strict parse of `t` into a view over `t`.
inline result<reference_view> parse_strict_view(std::string_view t, algorithm_set accepted) {
  ref_offsets o;
  const errc c = strict_core(t, accepted, o);
  if (OCIKIT_LIKELY(c == errc::ok)) return view_result(t, o);
  return strict_error(t, accepted, c, o);
}  /// True when `s` is a bare image ID: exactly 64 lowercase hex digits.
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
/// remainder's match moved behind the prefix. Built in place, as view_result.
inline result<reference_view> normalized_result(const docker_split& d, std::string_view remainder,
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
  result<reference_view> out{boost::system::in_place_value};
  if (OCIKIT_UNLIKELY(total > reference_view::inline_capacity)) {
    *out = owning_view(joined_text({d.domain, "/", lib, remainder}).text, o);
    return out;
  }
  char* buf = reference_builder::inline_buffer(*out);
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
  // (memcpy of an empty string_view could be passed a null pointer: copy only what is there)
  if (!remainder.empty()) std::memcpy(buf + prefix_len, remainder.data(), remainder.size());
  reference_builder::set_offsets(*out, o);
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

/// Docker normalisation: parse only what follows "domain /" when the input is rewritten, then
/// write domain "/" ["library/"] remainder into the result's inline buffer. `Masked` false
/// takes the general path only (tests and fuzzing compare both).
/// What parse_normalized_view does not do inline: image IDs, the general path (`answered`
/// false: names over 63 bytes, IPv6 hosts, or `Masked` false) and errors. Out of line, so that
/// the common case stays small.
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

template <bool Masked>
OCIKIT_NOINLINE inline result<reference_view> parse_normalized_rest(std::string_view s,
                                                                    algorithm_set accepted,
                                                                    bool answered, docker_split d,
                                                                    ref_offsets o, errc c) {
  if (is_identifier(s)) return error(errc::reference_is_identifier, 0);  // (never answered)
  if (!answered) c = normalized_core_general(s, accepted, d, o);
  if (c != errc::ok) return normalized_error(s, accepted, d, c, o);
  return d.rewritten ? normalized_result(d, remainder_of(s, d), o) : view_result(s, o);
}

/// Docker normalisation: parse only what follows "domain /" when the input is rewritten, then
/// write domain "/" ["library/"] remainder into the result's inline buffer. `Masked` false
/// takes the general path only (tests and fuzzing compare both). An image ID (64 lowercase hex
/// digits) is never answered by the masked path: it has more than 63 bytes.
template <bool Masked = true>
inline result<reference_view> parse_normalized_view(std::string_view s, algorithm_set accepted) {
  docker_split d;
  ref_offsets o;
  errc c = errc::ok;
  const bool answered = Masked && normalized_core_masked(s, accepted, d, o, c);
  if (OCIKIT_LIKELY(answered && c == errc::ok)) {
    return d.rewritten ? normalized_result(d, remainder_of(s, d), o) : view_result(s, o);
  }
  return parse_normalized_rest<Masked>(s, accepted, answered, d, o, c);
}

/// == parse_normalized_view(s, accepted).has_value(), without building the result or the error.
inline bool is_valid_normalized(std::string_view s, algorithm_set accepted) noexcept {
  docker_split d;
  ref_offsets o;
  errc c = errc::ok;
  if (normalized_core_masked(s, accepted, d, o, c)) return c == errc::ok;
  return !is_identifier(s) && normalized_core_general(s, accepted, d, o) == errc::ok;
}
}  // namespace detail

/// Strict parse (Go `Parse`): the grammar alone, no defaults; `string()` equals the input.
/// Never allocates on success.
inline result<reference_view> parse_reference(std::string_view s,
                                              algorithm_set accepted = algorithm_set::defaults()) {
  return detail::parse_strict_view(s, accepted);
}

/// Docker's normalisation (Go `ParseNormalizedNamed`): adds `docker.io` and `library/` where
/// the Docker CLI would; never adds a tag. A bare 64-hex image ID is refused.
inline result<reference_view> parse_normalized(std::string_view s,
                                               algorithm_set accepted = algorithm_set::defaults()) {
  return detail::parse_normalized_view(s, accepted);
}

/// Normalised, and an error (`name_not_canonical`) unless the input is already fully qualified
/// (Go `ParseNamed`).
inline result<reference_view> parse_canonical(std::string_view s,
                                              algorithm_set accepted = algorithm_set::defaults()) {
  auto r = detail::parse_normalized_view(s, accepted);
  if (r && r->string() != s) {
    return error(errc::reference_not_canonical, 0, std::string(r->string()));
  }
  return r;
}

/// A bare image ID becomes `sha256:<id>`, a valid digest a digest-only reference; anything
/// else is normalised (Go `ParseAnyReference`).
inline result<reference_view> parse_any(std::string_view s,
                                        algorithm_set accepted = algorithm_set::defaults()) {
  detail::ref_offsets o;
  o.named = false;
  o.has_digest = true;
  if (detail::is_identifier(s)) {
    const detail::joined_text j({"sha256:", s});
    o.size = static_cast<std::uint32_t>(j.text.size());
    return detail::owning_view(j.text, o);
  }
  if (is_valid_digest(s, accepted)) {
    o.size = static_cast<std::uint32_t>(s.size());
    return detail::reference_builder::over_input(s, o);
  }
  return detail::parse_normalized_view(s, accepted);
}

/// Normalised; with both a tag and a digest the tag is dropped; with neither, `:latest` is
/// added (Go `ParseDockerRef`).
inline result<reference_view> parse_docker(std::string_view s,
                                           algorithm_set accepted = algorithm_set::defaults()) {
  auto r = detail::parse_normalized_view(s, accepted);
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
  return detail::owning_view(j.text, o);
}

/// Parses in any mode.
inline result<reference_view> parse(std::string_view s, parse_mode mode,
                                    algorithm_set accepted = algorithm_set::defaults()) {
  switch (mode) {
    case parse_mode::strict: return parse_reference(s, accepted);
    case parse_mode::normalized: return parse_normalized(s, accepted);
    case parse_mode::canonical: return parse_canonical(s, accepted);
    case parse_mode::any: return parse_any(s, accepted);
    case parse_mode::docker: return parse_docker(s, accepted);
  }
  return parse_reference(s, accepted);
}

/// Contract: equals `parse(s, mode, accepted).has_value()`. Never allocates in strict mode.
inline bool is_valid_reference(std::string_view s, parse_mode mode = parse_mode::strict,
                               algorithm_set accepted = algorithm_set::defaults()) {
  if (mode == parse_mode::strict) {
    detail::ref_offsets o;
    return detail::strict_core(s, accepted, o) == errc::ok;
  }
  if (mode == parse_mode::normalized) return detail::is_valid_normalized(s, accepted);
  return parse(s, mode, accepted).has_value();
}

/// Parses a mode name ("strict", "normalized", "canonical", "any", "docker").
constexpr std::optional<parse_mode> parse_mode_from_name(std::string_view name) noexcept {
  for (auto m : {parse_mode::strict, parse_mode::normalized, parse_mode::canonical, parse_mode::any,
                 parse_mode::docker}) {
    if (to_string(m) == name) return m;
  }
  return std::nullopt;
}

// ---- owning reference and builders ------------------------------------------------------------

inline result<reference> reference::parse(std::string_view s, parse_mode mode,
                                          algorithm_set accepted) {
  auto v = ocikit::parse(s, mode, accepted);
  if (!v) return v.error();
  return reference(*v);
}

inline reference_view reference::view() const noexcept {
  return detail::reference_builder::view_of(*this);
}

namespace detail {

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

}  // namespace detail

}  // namespace ocikit

#endif  // OCIKIT_REFERENCE_HPP
