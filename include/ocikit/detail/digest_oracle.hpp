// Test oracle for digests: the OCI digest grammar matched by PEGTL's composition of the rules in
// grammar/digest.hpp. The parser answers the same question without PEGTL
// (detail::locate_oci_grammar_error); tests and the digest_parse fuzz target compare the two.
// Included by tests and fuzz targets only.
#ifndef OCIKIT_DETAIL_DIGEST_ORACLE_HPP
#define OCIKIT_DETAIL_DIGEST_ORACLE_HPP

#include <string_view>
#include <tao/pegtl.hpp>

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

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_DIGEST_ORACLE_HPP
