// Test oracles for digests, used by tests/digest_test.cpp and the digest_parse fuzz target:
//   matches_oci_grammar(s)          the OCI digest grammar matched by PEGTL's composition of the
//                                   rules in grammar/digest.hpp
//   matches_oci_grammar_scanned(s)  the same answer from the parser's own check (no PEGTL)
//   model_oci_grammar(s)            the same grammar written out by hand from the spec
//   model_go_validate(s, accepted)  go-digest's Digest.Validate written from the spec (order:
//                                   format, unsupported, length, characters), independently of
//                                   parse_digest
// Included by tests and fuzz targets only.
#ifndef OCIKIT_DETAIL_DIGEST_ORACLE_HPP
#define OCIKIT_DETAIL_DIGEST_ORACLE_HPP

#include <array>
#include <cstddef>
#include <string_view>
#include <tao/pegtl.hpp>
#include <utility>

#include "ocikit/digest.hpp"
#include "ocikit/grammar/digest.hpp"

namespace ocikit::detail {

/// True when `s` matches the OCI digest grammar as a whole (PEGTL).
inline bool matches_oci_grammar(std::string_view s) noexcept {
  tao::pegtl::memory_input<tao::pegtl::tracking_mode::lazy, tao::pegtl::eol::lf_crlf, const char*>
      in(s.data(), s.data() + s.size(), "");
  return tao::pegtl::parse<grammar::digest_only>(in);
}

/// The same answer from the parser's own check (no PEGTL): false when there is no ':' with bytes
/// on both sides, else whether locate_oci_grammar_error finds nothing.
inline bool matches_oci_grammar_scanned(std::string_view s) noexcept {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  return locate_oci_grammar_error(s, colon).code == errc::ok;
}

/// algorithm ":" encoded, with algorithm := [a-z0-9]+ ([+._-][a-z0-9]+)*,
/// encoded := [a-zA-Z0-9=_-]+ — written out by hand, independently of grammar/digest.hpp.
constexpr bool model_oci_grammar(std::string_view s) noexcept {
  const auto lower_alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) return false;
  bool need_component = true;
  for (std::size_t i = 0; i < colon; ++i) {
    const char c = s[i];
    if (lower_alnum(c)) {
      need_component = false;
    } else if (!need_component && (c == '+' || c == '.' || c == '_' || c == '-')) {
      need_component = true;
    } else {
      return false;
    }
  }
  if (need_component) return false;
  for (const char c : s.substr(colon + 1)) {
    if (!(lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-')) {
      return false;
    }
  }
  return true;
}

/// go-digest's Digest.Validate, with `accepted` standing for Algorithm.Available(): the coarse
/// result parse_digest(s, accepted) must have (condition::ok when it accepts).
constexpr condition model_go_validate(std::string_view s, algorithm_set accepted) noexcept {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return condition::digest_invalid_format;
  }
  const std::string_view alg = s.substr(0, colon);
  constexpr std::array<std::pair<std::string_view, digest_algorithm>, 4> known{{
      {"sha256", digest_algorithm::sha256},
      {"sha384", digest_algorithm::sha384},
      {"sha512", digest_algorithm::sha512},
      {"blake3", digest_algorithm::blake3},
  }};
  constexpr std::array<std::size_t, 4> hex_sizes{64, 96, 128, 64};
  std::size_t size = 0;
  for (std::size_t i = 0; i < known.size(); ++i) {
    if (known[i].first == alg && accepted.contains(known[i].second)) size = hex_sizes[i];
  }
  if (size == 0) {
    return model_oci_grammar(s) ? condition::digest_unsupported : condition::digest_invalid_format;
  }
  const std::string_view enc = s.substr(colon + 1);
  if (enc.size() != size) return condition::digest_invalid_length;
  for (const char c : enc) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return condition::digest_invalid_format;
  }
  return condition::ok;
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_DIGEST_ORACLE_HPP
