// Differential fuzzing of digest parsing (ocikit/digest.hpp).
//
// Input layout: the low four bits of byte 0 are the accepted algorithm set (bit i accepts
// digest_algorithm(i): sha256, sha384, sha512, blake3; 0 accepts none); the remaining bytes are
// the digest. Every oracle below that does not hold calls abort():
//   - parse_digest(s, set).has_value() == is_valid_digest(s, set);
//   - the owning digest (digest::parse, digest(view)) agrees with the view;
//   - the coarse result equals an independent implementation of go-digest's Validate written
//     from the spec (order: format, unsupported, length, characters; detail/digest_oracle.hpp);
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

using ocikit::detail::model_go_validate;
using ocikit::detail::model_oci_grammar;

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
  check(ocikit::detail::matches_oci_grammar(s) && model_oci_grammar(s));
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
  check(model_go_validate(s, accepted) ==
        (view ? ocikit::condition::ok : view.error().condition()));
  check(ocikit::detail::matches_oci_grammar(s) == model_oci_grammar(s));
  check(ocikit::detail::matches_oci_grammar_scanned(s) == model_oci_grammar(s));

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
    check(model_oci_grammar(s));
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
