// Image references: `[domain/]path[:tag][@digest]` (Docker's distribution/reference v0.6; the
// grammar is in grammar/reference.hpp).
//
//   ocikit::parse_reference(sv)              strict          (Go: Parse)                -> result<reference_view>
//   ocikit::parse_normalized_reference(sv)   Docker rules    (Go: ParseNormalizedNamed) -> result<inline_reference>
//   ocikit::parse_canonical_reference(sv)    fully qualified (Go: ParseNamed)           -> result<inline_reference>
//   ocikit::parse_any_reference(sv)          IDs, digests    (Go: ParseAnyReference)    -> result<inline_reference>
//   ocikit::parse_docker_reference(sv)       default tag     (Go: ParseDockerRef)       -> result<inline_reference>
//   ocikit::parse_reference(sv, mode)        any of the five                            -> result<inline_reference>
//   "ubuntu:24.04"_ref (ocikit::literals)    strict, checked at compile time            -> reference_view
//
// Three types with the same accessors (domain(), path(), tag(), digest(), string(), ...):
//   reference_view     views the caller's text: a pointer and offsets (48 bytes), valid while
//                      the text lives (as std::string_view). What the strict parse returns.
//   inline_reference   holds its own text in an inline buffer (544 bytes, enough for every
//                      result of the normalising modes but parse_docker_reference of a registry
//                      domain over about 270 bytes, which goes to the heap): independent of the
//                      input, and no allocation for typical references.
//   reference          owns its text in one std::string.
// Conversions: reference_view -> inline_reference / reference (explicit, copies); the two owning
// types -> reference_view (view(), or implicitly; never from a temporary).
//
// Example:
//   auto r = ocikit::parse_normalized_reference("ubuntu:24.04");
//   r->domain() == "docker.io"; r->path() == "library/ubuntu"; r->tag() == "24.04";
//   r->string() == "docker.io/library/ubuntu:24.04"; r->familiar_string() == "ubuntu:24.04";
#ifndef OCIKIT_REFERENCE_HPP
#define OCIKIT_REFERENCE_HPP

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>

#include "ocikit/detail/reference_parser.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"

namespace ocikit {

/// The parse modes of the reference implementation.
enum class parse_mode : std::uint8_t { strict, normalized, canonical, any, docker };

/// "strict", "normalized", "canonical", "any", "docker".
constexpr std::string_view to_string(parse_mode m) noexcept {
  constexpr std::string_view names[] = {"strict", "normalized", "canonical", "any", "docker"};
  return names[static_cast<std::size_t>(m)];
}

/// The mode of a name ("strict", "normalized", "canonical", "any", "docker").
constexpr std::optional<parse_mode> parse_mode_from_name(std::string_view name) noexcept {
  for (auto m : {parse_mode::strict, parse_mode::normalized, parse_mode::canonical, parse_mode::any,
                 parse_mode::docker}) {
    if (to_string(m) == name) return m;
  }
  return std::nullopt;
}

inline std::ostream& operator<<(std::ostream& os, parse_mode m) { return os << to_string(m); }

/// Docker Hub's canonical domain and the prefix of official images.
inline constexpr std::string_view docker_hub_domain = "docker.io";
inline constexpr std::string_view docker_hub_legacy_domain = "index.docker.io";
inline constexpr std::string_view official_repository_prefix = "library/";
inline constexpr std::string_view default_tag = "latest";

class reference;

namespace detail {
struct reference_builder;

// The accessors of reference_view, inline_reference and reference, over `text()` and
// `offsets()`.
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
  /// False only for a digest-only reference (parse_any_reference of an image ID or a digest).
  [[nodiscard]] constexpr bool is_named() const noexcept { return offsets().named; }
  /// The whole reference ("docker.io/library/ubuntu:24.04").
  [[nodiscard]] constexpr std::string_view string() const noexcept { return text(); }
  /// The whole reference as a std::string (a copy); every text-bearing ocikit type has both.
  [[nodiscard]] std::string str() const { return std::string(text()); }

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

/// A parsed reference that views the caller's text: a pointer and the offsets of the parts.
/// Valid only while that text lives and is not modified (as std::string_view). Trivially
/// copyable; never allocates.
class reference_view : public detail::reference_accessors<reference_view> {
 public:
  constexpr reference_view() noexcept = default;

  [[nodiscard]] constexpr std::string_view text() const noexcept { return {text_, o_.size}; }
  [[nodiscard]] constexpr const detail::ref_offsets& offsets() const noexcept { return o_; }

  friend constexpr bool operator==(const reference_view& a, const reference_view& b) noexcept {
    return a.text() == b.text();
  }

 private:
  friend struct detail::reference_builder;
  constexpr reference_view(const char* text, const detail::ref_offsets& o) noexcept
      : text_(text), o_(o) {}
  const char* text_ = "";
  detail::ref_offsets o_{};
};

/// A parsed reference that holds its own text: inline (up to `inline_capacity` bytes, every
/// typical reference), else on the heap. What the normalising modes return, since they add text
/// (`docker.io/`, `library/`, `:latest`, `sha256:`) that is not in the input. Independent of the
/// input's lifetime.
class inline_reference : public detail::reference_accessors<inline_reference> {
 public:
  /// The longest text kept inline. Every result of the normalising modes fits (text is added
  /// only for Docker Hub, whose domain is 9 bytes; a valid remainder is bounded by the path
  /// limit of 255 bytes counted after `library/`, the tag limit of 128 and the longest
  /// registered digest, `sha512:` + 128: 530 bytes at most) except the inputs that name a
  /// registry domain of more than about 270 bytes.
  static constexpr std::size_t inline_capacity = 544;

  // User-provided so that `const inline_reference r;` works; the buffer is left uninitialised
  // (only the first offsets().size bytes are ever read, and only after they were written).
  inline_reference() noexcept {}  // NOLINT(modernize-use-equals-default)
  /// Copies the text of a view.
  explicit inline_reference(const reference_view& v) { assign(v.text(), v.offsets()); }
  inline_reference(const inline_reference& other) { assign(other.text(), other.o_); }
  inline_reference(inline_reference&& other) noexcept { take(other); }
  inline_reference& operator=(const inline_reference& other) {
    if (this != &other) assign(other.text(), other.o_);
    return *this;
  }
  inline_reference& operator=(inline_reference&& other) noexcept {
    if (this != &other) take(other);
    return *this;
  }
  ~inline_reference() = default;

  [[nodiscard]] std::string_view text() const noexcept {
    return on_heap_ ? std::string_view(heap_) : std::string_view(buf_.data(), o_.size);
  }
  [[nodiscard]] const detail::ref_offsets& offsets() const noexcept { return o_; }
  /// True when the text did not fit the inline buffer.
  [[nodiscard]] bool on_heap() const noexcept { return on_heap_; }

  /// A view of this reference (valid while this object lives and is not modified).
  [[nodiscard]] reference_view view() const& noexcept;
  reference_view view() const&& = delete;
  operator reference_view() const& noexcept { return view(); }  // NOLINT(google-explicit-*)
  operator reference_view() const&& = delete;

  friend bool operator==(const inline_reference& a, const inline_reference& b) noexcept {
    return a.text() == b.text();
  }

 private:
  friend struct detail::reference_builder;
  void assign(std::string_view t, const detail::ref_offsets& o);
  void take(inline_reference& other) noexcept;

  detail::ref_offsets o_{};
  bool on_heap_ = false;
  std::string heap_;                       // only when on_heap_ (see inline_capacity)
  std::array<char, inline_capacity> buf_;  // only the first o_.size bytes are ever read
};

/// An owning reference: one string plus the same offsets as the view.
class reference : public detail::reference_accessors<reference> {
 public:
  reference() = default;
  /// Copies a parsed view (one allocation, none if the text fits the small-string buffer).
  explicit reference(const reference_view& v) : text_(v.text()), o_(v.offsets()) {}
  /// Copies an inline reference.
  explicit reference(const inline_reference& r) : text_(r.text()), o_(r.offsets()) {}

  /// Parses in the given mode and keeps a copy.
  static result<reference> parse(std::string_view s, parse_mode mode = parse_mode::strict,
                                 algorithm_set accepted = algorithm_set::defaults());

  [[nodiscard]] std::string_view text() const noexcept { return text_; }
  [[nodiscard]] const detail::ref_offsets& offsets() const noexcept { return o_; }
  /// A view of this reference (valid while this object lives and is not modified).
  [[nodiscard]] reference_view view() const& noexcept;
  reference_view view() const&& = delete;
  operator reference_view() const& noexcept { return view(); }  // NOLINT(google-explicit-*)
  operator reference_view() const&& = delete;

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

/// Writes string().
inline std::ostream& operator<<(std::ostream& os, const reference_view& r) {
  return os << r.string();
}
inline std::ostream& operator<<(std::ostream& os, const inline_reference& r) {
  return os << r.string();
}
inline std::ostream& operator<<(std::ostream& os, const reference& r) { return os << r.string(); }

// ---- parsers ----------------------------------------------------------------------------------

/// Strict parse (Go `Parse`): the grammar alone, no defaults; `string()` equals the input.
/// Never allocates on success. The view points into `s`: a temporary std::string is refused at
/// compile time (the overload below), since the view would dangle.
[[nodiscard]] result<reference_view> parse_reference(
    std::string_view s, algorithm_set accepted = algorithm_set::defaults());
template <class S>
requires std::same_as<S, std::string> result<reference_view> parse_reference(
    S&& temporary, algorithm_set accepted = algorithm_set::defaults())
= delete;

/// Docker's normalisation (Go `ParseNormalizedNamed`): adds `docker.io` and `library/` where
/// the Docker CLI would; never adds a tag. A bare 64-hex image ID is refused
/// (`reference.is_identifier`).
[[nodiscard]] result<inline_reference> parse_normalized_reference(
    std::string_view s, algorithm_set accepted = algorithm_set::defaults());

/// Normalised, and an error (`reference.not_canonical`) unless the input is already fully
/// qualified (Go `ParseNamed`).
[[nodiscard]] result<inline_reference> parse_canonical_reference(
    std::string_view s, algorithm_set accepted = algorithm_set::defaults());

/// A bare image ID becomes `sha256:<id>`, a valid digest a digest-only reference; anything
/// else is normalised (Go `ParseAnyReference`).
[[nodiscard]] result<inline_reference> parse_any_reference(
    std::string_view s, algorithm_set accepted = algorithm_set::defaults());

/// Normalised; with both a tag and a digest the tag is dropped; with neither, `:latest` is
/// added (Go `ParseDockerRef`).
[[nodiscard]] result<inline_reference> parse_docker_reference(
    std::string_view s, algorithm_set accepted = algorithm_set::defaults());

/// Parses in the given mode (strict included: then the text is copied too).
[[nodiscard]] result<inline_reference> parse_reference(
    std::string_view s, parse_mode mode, algorithm_set accepted = algorithm_set::defaults());

/// Contract: equals `parse_reference(s, mode, accepted).has_value()`. Never allocates in strict
/// and normalized mode.
[[nodiscard]] bool is_valid_reference(std::string_view s, parse_mode mode = parse_mode::strict,
                                      algorithm_set accepted = algorithm_set::defaults());

}  // namespace ocikit

// The definitions of the parsers and the normalisation internals.
#include "ocikit/detail/reference_impl.hpp"

namespace ocikit {

// ---- literals ---------------------------------------------------------------------------------

namespace detail {
/// Not constexpr: a reference literal that fails the strict parse calls it, which makes the
/// literal fail to compile ("call to non-constexpr function ... invalid_reference_literal").
inline void invalid_reference_literal(errc /*code*/) noexcept {}
}  // namespace detail

namespace literals {
/// A reference checked at compile time by the strict parser's own rules and tables (a constant
/// evaluation of the same scanner): `"ubuntu:24.04"_ref` is a reference_view over the literal,
/// and an invalid literal does not compile. No run-time cost.
consteval reference_view operator""_ref(const char* s, std::size_t n) {
  const std::string_view t(s, n);
  detail::ref_offsets o;
  const errc c = detail::strict_core(t, algorithm_set::defaults(), o);
  if (c != errc::ok) detail::invalid_reference_literal(c);
  return detail::reference_builder::view(s, o);
}
}  // namespace literals

}  // namespace ocikit

#endif  // OCIKIT_REFERENCE_HPP
