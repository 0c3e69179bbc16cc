// Differential fuzzing of digest parsing (ocikit/digest.hpp).
//
// Input layout: the low four bits of byte 0 are the accepted algorithm set (bit i accepts
// digest_algorithm(i): sha256, sha384, sha512, blake3; 0 accepts none); the remaining bytes are
// the digest. Every oracle below that does not hold calls abort():
//   - parse_digest(s, set).has_value() == is_valid_digest(s, set);
//   - the owning digest (digest::parse, digest(view)) agrees with the view;
//   - the coarse result equals an independent implementation of go-digest's Validate written
//     from the spec (order: format, unsupported, length, characters);
//   - every error has a code other than ok, a digest condition, an offset <= input size and a
//     non-empty message;
//   - parse_digest_lenient(s) accepts exactly what parse_digest(s, all()) accepts plus
//     well-formed digests of algorithms ocikit does not know, and otherwise fails the same way.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "ocikit/digest.hpp"

#include "ocikit/detail/digest_oracle.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

/// algorithm ":" encoded, with algorithm := [a-z0-9]+ ([+._-][a-z0-9]+)*,
/// encoded := [a-zA-Z0-9=_-]+ — written out by hand, independently of grammar/digest.hpp.
bool oci_grammar(std::string_view s) {
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
  for (char c : s.substr(colon + 1)) {
    const bool ok = lower_alnum(c) || (c >= 'A' && c <= 'Z') || c == '=' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

/// go-digest's Digest.Validate, with the accepted set standing for Algorithm.Available().
ocikit::condition go_validate(std::string_view s, ocikit::algorithm_set accepted) {
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return ocikit::condition::digest_invalid_format;
  }
  const std::string_view alg = s.substr(0, colon);
  const std::string_view enc = s.substr(colon + 1);
  std::optional<std::size_t> hex_size;
  const std::pair<std::string_view, ocikit::digest_algorithm> known[] = {
      {"sha256", ocikit::digest_algorithm::sha256},
      {"sha384", ocikit::digest_algorithm::sha384},
      {"sha512", ocikit::digest_algorithm::sha512},
      {"blake3", ocikit::digest_algorithm::blake3}};
  const std::size_t sizes[] = {64, 96, 128, 64};
  for (std::size_t i = 0; i < 4; ++i) {
    if (known[i].first == alg && accepted.contains(known[i].second)) hex_size = sizes[i];
  }
  if (!hex_size) {
    return oci_grammar(s) ? ocikit::condition::digest_unsupported
                          : ocikit::condition::digest_invalid_format;
  }
  if (enc.size() != *hex_size) return ocikit::condition::digest_invalid_length;
  for (char c : enc) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return ocikit::condition::digest_invalid_format;
    }
  }
  return ocikit::condition::ok;
}

void check_error(const ocikit::error& e, std::string_view input) {
  check(e.code() != ocikit::errc::ok);
  const auto c = e.condition();
  check(c == ocikit::condition::digest_invalid_format ||
        c == ocikit::condition::digest_invalid_length ||
        c == ocikit::condition::digest_unsupported);
  check(e.has_offset() && e.offset() <= input.size());
  check(!e.message().empty());
  check(e.error_code() == c);
}

template <class D>
void check_valid(const D& d, std::string_view s, ocikit::algorithm_set accepted) {
  check(d.string() == s);
  check(d.algorithm().size() + 1 + d.encoded().size() == s.size());
  check(s[d.algorithm().size()] == ':');
  const auto a = d.known_algorithm();
  check(a && accepted.contains(*a) && d.encoded().size() == ocikit::encoded_size(*a));
  check(ocikit::detail::matches_oci_grammar(s) && oci_grammar(s));
  check(ocikit::detail::matches_oci_grammar_scanned(s));
  const std::string tag = d.tag_form();
  check(tag.size() == s.size() && tag[d.algorithm().size()] == '-');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  ocikit::algorithm_set accepted;
  for (unsigned i = 0; i < 4; ++i) {
    if ((data[0] >> i) & 1U) accepted.insert(static_cast<ocikit::digest_algorithm>(i));
  }
  const std::string_view s(reinterpret_cast<const char*>(data + 1), size - 1);

  const auto view = ocikit::parse_digest(s, accepted);
  const auto owned = ocikit::digest::parse(s, accepted);
  check(ocikit::is_valid_digest(s, accepted) == view.has_value());
  check(view.has_value() == owned.has_value());
  check(go_validate(s, accepted) == (view ? ocikit::condition::ok : view.error().condition()));
  check(ocikit::detail::matches_oci_grammar(s) == oci_grammar(s));
  check(ocikit::detail::matches_oci_grammar_scanned(s) == oci_grammar(s));

  if (view) {
    check_valid(*view, s, accepted);
    check_valid(*owned, s, accepted);
    check(ocikit::digest(*view) == *owned && owned->view() == *view);
    check(std::hash<ocikit::digest>{}(*owned) == std::hash<std::string_view>{}(s));
  } else {
    check_error(view.error(), s);
    check(view.error() == owned.error());
  }

  // Lenient: every known algorithm exactly right, unknown well-formed ones accepted.
  const auto all = ocikit::parse_digest(s, ocikit::algorithm_set::all());
  const auto lenient = ocikit::parse_digest_lenient(s);
  if (all) {
    check(lenient && lenient->string() == s && lenient->colon() == all->colon());
  } else if (all.error() == ocikit::condition::digest_unsupported) {
    check(lenient && lenient->string() == s && !lenient->known_algorithm());
    check(oci_grammar(s));
  } else {
    check(!lenient && lenient.error() == all.error());
    check_error(lenient.error(), s);
  }
  if (lenient) {
    check(lenient->algorithm() == s.substr(0, s.find(':')));
    check(ocikit::digest(*lenient).string() == s);
  }
  return 0;
}
