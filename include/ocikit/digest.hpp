// Content digests: `algorithm ":" encoded` (OCI image-spec "Digests", go-digest).
//
//   ocikit::digest_view  — non-owning, views the caller's buffer (no allocation)
//   ocikit::digest       — owning (one string)
//   ocikit::parse_digest(sv, accepted)          -> result<digest_view>
//   ocikit::is_valid_digest(sv, accepted)       == parse_digest(sv, accepted).has_value()
//   "sha256:…"_digest (ocikit::literals)        -> digest_view, checked at compile time
//
// Checks, in go-digest's order (it decides which error is reported):
//   1. no ':' / empty algorithm / empty encoded part              -> digest_invalid_format
//   2. algorithm not accepted: digest_unsupported if the whole text matches the OCI grammar
//      (grammar/digest.hpp), else digest_invalid_format
//   3. wrong length for the algorithm (checked before characters) -> digest_invalid_length
//   4. a character outside [a-f0-9]                               -> digest_invalid_format
// Registered algorithms: sha256 (64 hex), sha384 (96), sha512 (128); blake3 (64) is known for
// validation but off by default and never hashed. The accepted set is chosen per call.
//
// Example:
//   auto d = ocikit::parse_digest("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
//   d->algorithm() == "sha256"; d->encoded().size() == 64;
#ifndef OCIKIT_DIGEST_HPP
#define OCIKIT_DIGEST_HPP

#include <array>
#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/error.hpp"
#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/scan.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace ocikit {

/// The digest algorithms ocikit knows by name.
enum class digest_algorithm : std::uint8_t { sha256 = 0, sha384 = 1, sha512 = 2, blake3 = 3 };

namespace detail {
struct algorithm_info {
  std::string_view name;
  std::size_t hex_size;
};
inline constexpr std::array<algorithm_info, 4> algorithms{{
    {"sha256", 64},
    {"sha384", 96},
    {"sha512", 128},
    {"blake3", 64},
}};
// algorithm_from_name() looks only at six-byte names.
static_assert(algorithms[0].name.size() == 6 && algorithms[1].name.size() == 6 &&
              algorithms[2].name.size() == 6 && algorithms[3].name.size() == 6);
}  // namespace detail

/// "sha256", "sha384", "sha512", "blake3".
constexpr std::string_view to_string(digest_algorithm a) noexcept {
  return detail::algorithms[static_cast<std::size_t>(a)].name;
}
/// Number of hex digits of the algorithm's encoded part (64 for sha256).
constexpr std::size_t encoded_size(digest_algorithm a) noexcept {
  return detail::algorithms[static_cast<std::size_t>(a)].hex_size;
}
/// The algorithm of a name, exactly (case-sensitive), if ocikit knows it.
constexpr std::optional<digest_algorithm> algorithm_from_name(std::string_view name) noexcept {
  if (name.size() != 6) return std::nullopt;  // every known name has six bytes
  for (std::size_t i = 0; i < detail::algorithms.size(); ++i) {
    // Six bytes compared in place (a call to memcmp would cost more than the comparison).
    const std::string_view known = detail::algorithms[i].name;
    bool same = true;
    for (std::size_t k = 0; k < 6; ++k) same &= known[k] == name[k];
    if (same) return static_cast<digest_algorithm>(i);
  }
  return std::nullopt;
}

/// A set of accepted algorithms (a bit set). Default: sha256, sha384, sha512.
class algorithm_set {
 public:
  constexpr algorithm_set() noexcept = default;
  constexpr algorithm_set(std::initializer_list<digest_algorithm> list) noexcept {
    for (auto a : list) bits_ |= bit(a);
  }
  /// sha256 + sha384 + sha512: what go-digest validates when those hashes are linked in.
  static constexpr algorithm_set defaults() noexcept {
    return {digest_algorithm::sha256, digest_algorithm::sha384, digest_algorithm::sha512};
  }
  /// Every algorithm ocikit knows, blake3 included.
  static constexpr algorithm_set all() noexcept {
    return {digest_algorithm::sha256, digest_algorithm::sha384, digest_algorithm::sha512,
            digest_algorithm::blake3};
  }
  [[nodiscard]] constexpr bool contains(digest_algorithm a) const noexcept {
    return (bits_ & bit(a)) != 0;
  }
  [[nodiscard]] constexpr bool empty() const noexcept { return bits_ == 0; }
  constexpr algorithm_set& insert(digest_algorithm a) noexcept {
    bits_ |= bit(a);
    return *this;
  }
  /// The accepted algorithm named `name`, if any.
  [[nodiscard]] constexpr std::optional<digest_algorithm> find(
      std::string_view name) const noexcept {
    auto a = algorithm_from_name(name);
    if (a && contains(*a)) return a;
    return std::nullopt;
  }
  friend constexpr bool operator==(algorithm_set, algorithm_set) noexcept = default;

  /// Parses a comma-separated list such as "sha256,sha512" (the CLI's --algorithms).
  static result<algorithm_set> parse(std::string_view list) {
    algorithm_set s;
    std::size_t pos = 0;
    while (pos <= list.size()) {
      const std::size_t comma = std::min(list.find(',', pos), list.size());
      const std::string_view name = list.substr(pos, comma - pos);
      const auto a = algorithm_from_name(name);
      if (!a) {
        return error(errc::digest_unsupported, pos, std::string(name));
      }
      s.insert(*a);
      pos = comma + 1;
    }
    return s;
  }

 private:
  static constexpr std::uint8_t bit(digest_algorithm a) noexcept {
    return static_cast<std::uint8_t>(1U << static_cast<unsigned>(a));
  }
  std::uint8_t bits_ = 0;
};

namespace detail {

// Shared accessors of digest_view and digest over `text()` and the colon position.
template <class Derived>
class digest_accessors {
 public:
  /// "sha256"
  [[nodiscard]] constexpr std::string_view algorithm() const noexcept {
    return self().text().substr(0, self().colon());
  }
  /// The part after ':' (the hex digits for registered algorithms).
  [[nodiscard]] constexpr std::string_view encoded() const noexcept {
    return self().text().substr(self().colon() + 1);
  }
  /// "sha256:…", exactly as parsed.
  [[nodiscard]] constexpr std::string_view string() const noexcept { return self().text(); }
  /// The text as a std::string (a copy); every text-bearing ocikit type has both.
  [[nodiscard]] std::string str() const { return std::string(self().text()); }
  /// The algorithm as an enum, when ocikit knows it (an unknown but well-formed one gives none).
  [[nodiscard]] constexpr std::optional<digest_algorithm> known_algorithm() const noexcept {
    return algorithm_from_name(algorithm());
  }
  /// "sha256-<hex>": the referrers fallback tag form (`<alg>-<encoded>`).
  [[nodiscard]] std::string tag_form() const {
    std::string s(self().text());
    s[self().colon()] = '-';
    return s;
  }

 private:
  constexpr const Derived& self() const noexcept { return static_cast<const Derived&>(*this); }
};

struct digest_check {
  errc code = errc::ok;
  std::size_t offset = 0;
  std::size_t colon = 0;
};

/// First offset at which `s` (whose first ':' is at `colon`, with bytes on both sides) stops
/// matching the OCI digest grammar (grammar/digest.hpp), and which part failed; errc::ok when it
/// matches as a whole (the tests and the fuzz target check that against PEGTL's composition,
/// detail/digest_oracle.hpp).
constexpr digest_check locate_oci_grammar_error(std::string_view s, std::size_t colon) noexcept {
  // algorithm := [a-z0-9]+ ([+._-][a-z0-9]+)*  — a separator must sit between two components.
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    if (grammar::chars::oci_algorithm(c)) continue;
    if (grammar::chars::oci_algorithm_separator(c) && i > 0 && i + 1 < colon &&
        grammar::chars::oci_algorithm(s[i - 1]) && grammar::chars::oci_algorithm(s[i + 1])) {
      continue;
    }
    return {errc::digest_invalid_algorithm, i, colon};
  }
  for (std::size_t i = colon + 1; i < s.size(); ++i) {
    if (!grammar::chars::oci_encoded(s[i])) return {errc::digest_invalid_encoded, i, colon};
  }
  return {errc::ok, 0, colon};
}

/// True for "sha256:" and 64 lowercase hex digits, the common digest: sixteen digits per step
/// and no loop to mispredict (the reference matcher and the manifest checks use it).
inline bool is_plain_sha256(std::string_view s) noexcept {
  if (s.size() != 71 || __builtin_memcmp(s.data(), "sha256:", 7) != 0) return false;
#if defined(__SSE2__)
  // Sixteen digits per step: a byte is good when c - '0' <= 9 or c - 'a' <= 5 (unsigned).
  const auto in_range = [](__m128i v, char lo, char span) {
    const __m128i d = _mm_sub_epi8(v, _mm_set1_epi8(lo));
    return _mm_cmpeq_epi8(_mm_min_epu8(d, _mm_set1_epi8(span)), d);
  };
  __m128i good = _mm_set1_epi8(-1);
  for (std::size_t i = 7; i < 71; i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    good = _mm_and_si128(good, _mm_or_si128(in_range(v, '0', 9), in_range(v, 'a', 5)));
  }
  return _mm_movemask_epi8(good) == 0xffff;
#else
  // No early exit, so that the compiler can check many bytes at once.
  unsigned bad = 0;
  for (std::size_t i = 7; i < 71; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    bad |= static_cast<unsigned>(static_cast<unsigned char>(c - '0') > 9 &&
                                 static_cast<unsigned char>(c - 'a') > 5);
  }
  return bad == 0;
#endif
}

/// The digest checks of go-digest's Parse, in its order. No allocation; constexpr, so that
/// digest literals are checked by the same code (ocikit::literals).
constexpr digest_check check_digest(std::string_view s, algorithm_set accepted) noexcept {
  if (s.empty()) return {errc::digest_empty, 0, 0};
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return {errc::digest_missing_separator, s.size(), 0};
  if (colon == 0) return {errc::digest_empty_algorithm, 0, 0};
  if (colon + 1 == s.size()) return {errc::digest_empty_encoded, s.size(), colon};
  const auto alg = accepted.find(s.substr(0, colon));
  if (!alg) {
    const digest_check where = locate_oci_grammar_error(s, colon);
    return where.code == errc::ok ? digest_check{errc::digest_unsupported, 0, colon} : where;
  }
  const std::string_view enc = s.substr(colon + 1);
  if (enc.size() != encoded_size(*alg)) return {errc::digest_invalid_length, colon + 1, colon};
  const std::size_t good =
      grammar::run<grammar::chars::lower_hex, 0>::length(enc.data(), enc.data() + enc.size());
  if (good != enc.size()) return {errc::digest_invalid_hex, colon + 1 + good, colon};
  return {errc::ok, 0, colon};
}

/// The error for a failed check (builds the detail text; only on the error path).
inline error make_digest_error(std::string_view s, const digest_check& c, algorithm_set accepted) {
  switch (c.code) {
    case errc::digest_unsupported: return error(c.code, 0, std::string(s.substr(0, c.colon)));
    case errc::digest_invalid_length: {
      const auto alg = accepted.find(s.substr(0, c.colon));
      return error(c.code, c.offset, std::string(s.substr(0, c.colon)))
          .with_numbers(alg ? encoded_size(*alg) : 0, s.size() - c.colon - 1);
    }
    case errc::digest_missing_separator:
    case errc::digest_empty:
    case errc::digest_empty_algorithm:
    case errc::digest_empty_encoded: return error(c.code, c.offset);
    default: return error(c.code, c.offset, s[c.offset]);
  }
}

}  // namespace detail

/// A digest that views the caller's buffer. Valid only while that buffer lives.
class digest_view : public detail::digest_accessors<digest_view> {
 public:
  constexpr digest_view() noexcept = default;
  [[nodiscard]] constexpr std::string_view text() const noexcept { return text_; }
  [[nodiscard]] constexpr std::size_t colon() const noexcept { return colon_; }
  [[nodiscard]] constexpr bool empty() const noexcept { return text_.empty(); }

  friend constexpr bool operator==(digest_view a, digest_view b) noexcept {
    return a.text_ == b.text_;
  }
  friend constexpr auto operator<=>(digest_view a, digest_view b) noexcept {
    return a.text_ <=> b.text_;
  }

  /// Trusted construction from text already checked (`colon` is the position of ':').
  static constexpr digest_view unchecked(std::string_view text, std::size_t colon) noexcept {
    digest_view v;
    v.text_ = text;
    v.colon_ = static_cast<std::uint32_t>(colon);
    return v;
  }

 private:
  std::string_view text_;
  std::uint32_t colon_ = 0;
};

/// Parses and validates a digest (see the checks at the top of this file). The view points into
/// `s`: a temporary std::string is refused at compile time (the overload below).
inline result<digest_view> parse_digest(std::string_view s,
                                        algorithm_set accepted = algorithm_set::defaults()) {
  const auto c = detail::check_digest(s, accepted);
  if (OCIKIT_UNLIKELY(c.code != errc::ok)) return detail::make_digest_error(s, c, accepted);
  return digest_view::unchecked(s, c.colon);
}
template <class S>
requires std::same_as<S, std::string> result<digest_view> parse_digest(
    S&& temporary, algorithm_set accepted = algorithm_set::defaults())
= delete;

/// == parse_digest(s, accepted).has_value(), without building an error (and without the grammar
/// match that only tells two errors apart).
inline bool is_valid_digest(std::string_view s,
                            algorithm_set accepted = algorithm_set::defaults()) noexcept {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || !accepted.find(s.substr(0, colon))) return false;
  return detail::check_digest(s, accepted).code == errc::ok;
}

/// Parses a digest for content addressing in documents: every algorithm ocikit knows
/// (blake3 included) must be exactly right; a digest of an algorithm ocikit does not know that
/// matches the OCI grammar is accepted as "unverifiable" (`known_algorithm()` is empty) — the
/// manifest validator reports that as a warning.
inline result<digest_view> parse_digest_lenient(std::string_view s) {
  const auto c = detail::check_digest(s, algorithm_set::all());
  if (c.code == errc::ok || c.code == errc::digest_unsupported) {
    return digest_view::unchecked(s, c.colon);
  }
  return detail::make_digest_error(s, c, algorithm_set::all());
}
template <class S>
requires std::same_as<S, std::string> result<digest_view> parse_digest_lenient(S&& temporary)
= delete;

/// An owning digest. The text of every sha256, sha384 and sha512 digest (up to 135 bytes) is
/// stored inline, so building, copying and moving one never allocates; only longer digests of
/// other algorithms are kept on the heap.
class digest : public detail::digest_accessors<digest> {
 public:
  /// The longest text kept inline: "sha512:" and 128 hex digits.
  static constexpr std::size_t inline_capacity = 135;

  digest() noexcept = default;
  /// Copies a parsed view.
  explicit digest(digest_view v) {
    assign(v.text());
    colon_ = static_cast<std::uint32_t>(v.colon());
  }
  digest(const digest& other) : colon_(other.colon_) { assign(other.text()); }
  digest(digest&& other) noexcept { take(other); }
  digest& operator=(const digest& other) {
    if (this != &other) {
      assign(other.text());
      colon_ = other.colon_;
    }
    return *this;
  }
  digest& operator=(digest&& other) noexcept {
    if (this != &other) {
      release();
      take(other);
    }
    return *this;
  }
  ~digest() { release(); }

  /// Parses and validates (same rules as parse_digest).
  static result<digest> parse(std::string_view s,
                              algorithm_set accepted = algorithm_set::defaults()) {
    auto v = parse_digest(s, accepted);
    if (!v) return v.error();
    return digest(*v);
  }
  /// The digest of raw hash bytes, hex-encoded: from_bytes(sha256, 32 bytes) -> "sha256:<64 hex>".
  static digest from_bytes(digest_algorithm a, std::span<const unsigned char> bytes) {
    const std::string_view name = to_string(a);
    digest d;
    const std::size_t n = name.size() + 1 + bytes.size() * 2;
    char* out = d.fresh_storage(n);
    d.size_ = static_cast<std::uint32_t>(n);
    for (char c : name) *out++ = c;
    *out++ = ':';
    detail::encode_hex(bytes.data(), bytes.size(), out);
    d.colon_ = static_cast<std::uint32_t>(name.size());
    return d;
  }

  /// Replaces the text with a copy of `v` (reusing this digest's storage).
  /// Example: `d.assign(*ocikit::parse_digest(text));`
  void assign(digest_view v) {
    assign(v.text());
    colon_ = static_cast<std::uint32_t>(v.colon());
  }

  [[nodiscard]] std::string_view text() const noexcept { return {data(), size_}; }
  [[nodiscard]] std::size_t colon() const noexcept { return colon_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] digest_view view() const noexcept { return digest_view::unchecked(text(), colon_); }
  operator digest_view() const noexcept { return view(); }  // NOLINT(google-explicit-constructor)

  friend bool operator==(const digest& a, const digest& b) noexcept { return a.text() == b.text(); }
  friend auto operator<=>(const digest& a, const digest& b) noexcept {
    return a.text() <=> b.text();
  }
  friend bool operator==(const digest& a, std::string_view b) noexcept { return a.text() == b; }

 private:
  [[nodiscard]] const char* data() const noexcept { return heap_ != nullptr ? heap_ : inline_; }
  // Room for `n` bytes in a digest that holds no text yet (from_bytes).
  char* fresh_storage(std::size_t n) {
    if (n <= inline_capacity) return inline_;
    heap_ = new char[n];
    heap_capacity_ = static_cast<std::uint32_t>(n);
    return heap_;
  }
  // `s` may view this digest's own text (assign(d.view())): it is copied before any storage it
  // could live in is freed, and with memmove where the two may overlap.
  void assign(std::string_view s) {
    if (s.size() <= inline_capacity) {
      if (!s.empty()) std::memmove(inline_, s.data(), s.size());
      release();
    } else if (heap_ != nullptr && heap_capacity_ >= s.size()) {
      std::memmove(heap_, s.data(), s.size());
    } else {
      char* fresh = new char[s.size()];
      std::memcpy(fresh, s.data(), s.size());
      release();
      heap_ = fresh;
      heap_capacity_ = static_cast<std::uint32_t>(s.size());
    }
    size_ = static_cast<std::uint32_t>(s.size());
  }
  void release() noexcept {
    delete[] heap_;
    heap_ = nullptr;
    heap_capacity_ = 0;
  }
  // Takes `other`'s text (this holds none) and leaves `other` empty.
  void take(digest& other) noexcept {
    size_ = other.size_;
    colon_ = other.colon_;
    if (other.heap_ != nullptr) {
      heap_ = std::exchange(other.heap_, nullptr);
      heap_capacity_ = std::exchange(other.heap_capacity_, 0);
    } else if (size_ != 0) {
      std::memcpy(inline_, other.inline_, size_);
    }
    other.size_ = 0;
    other.colon_ = 0;
  }

  std::uint32_t size_ = 0;
  std::uint32_t colon_ = 0;
  char* heap_ = nullptr;
  std::uint32_t heap_capacity_ = 0;
  char inline_[inline_capacity];  // bytes [0, size_) are set
};

/// Writes the digest's text ("sha256:…").
inline std::ostream& operator<<(std::ostream& os, const digest_view& d) { return os << d.string(); }
inline std::ostream& operator<<(std::ostream& os, const digest& d) { return os << d.string(); }
inline std::ostream& operator<<(std::ostream& os, digest_algorithm a) { return os << to_string(a); }

namespace detail {
/// Not constexpr: a digest literal that fails the checks calls it, which makes the literal fail
/// to compile ("call to non-constexpr function ... invalid_digest_literal").
inline void invalid_digest_literal(errc /*code*/) noexcept {}
}  // namespace detail

namespace literals {
/// A digest checked at compile time by parse_digest's own checks (default algorithms: sha256,
/// sha384, sha512): `"sha256:…"_digest` is a digest_view over the literal, and an invalid
/// literal does not compile. No run-time cost.
consteval digest_view operator""_digest(const char* s, std::size_t n) {
  const std::string_view t(s, n);
  const detail::digest_check c = detail::check_digest(t, algorithm_set::defaults());
  if (c.code != errc::ok) detail::invalid_digest_literal(c.code);
  return digest_view::unchecked(t, c.colon);
}
}  // namespace literals

}  // namespace ocikit

template <>
struct std::hash<ocikit::digest> {
  std::size_t operator()(const ocikit::digest& d) const noexcept {
    return std::hash<std::string_view>{}(d.text());
  }
};

#endif  // OCIKIT_DIGEST_HPP
