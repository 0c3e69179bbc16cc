// Code that must not compile, one case per OCIKIT_CASE_<name> macro (tests.cmake builds each
// case as its own target and expects the compiler to refuse it with the diagnostic named there),
// and a control case that must compile (so that a broken setup cannot pass as a refusal).
#include "ocikit/reference.hpp"

#include <string>

#include "ocikit/digest.hpp"

using namespace ocikit::literals;

#define H64 "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"

#if defined(OCIKIT_CASE_control)
constexpr auto r = "ghcr.io/org/app:1.0@sha256:" H64 ""_ref;
constexpr auto d = "sha256:" H64 ""_digest;
static_assert(r.tag() == "1.0" && d.algorithm() == "sha256");
const std::string text = "ubuntu";
const auto from_lvalue = ocikit::parse_reference(text);
const auto normalized = ocikit::parse_normalized_reference(std::string("ubuntu"));
#endif

// Invalid reference literals: each fails the strict parse.
#if defined(OCIKIT_CASE_ref_empty)
constexpr auto r = ""_ref;
#endif
#if defined(OCIKIT_CASE_ref_uppercase)
constexpr auto r = "Ubuntu:24.04"_ref;
#endif
#if defined(OCIKIT_CASE_ref_empty_tag)
constexpr auto r = "ubuntu:"_ref;
#endif
#if defined(OCIKIT_CASE_ref_bad_tag)
constexpr auto r = "ubuntu:-x"_ref;
#endif
#if defined(OCIKIT_CASE_ref_double_slash)
constexpr auto r = "library//ubuntu"_ref;
#endif
#if defined(OCIKIT_CASE_ref_short_digest)
constexpr auto r = "ubuntu@sha256:abc"_ref;
#endif
#if defined(OCIKIT_CASE_ref_digest_length)
constexpr auto r = "ubuntu@sha256:" H64 "00"_ref;
#endif
#if defined(OCIKIT_CASE_ref_unsupported_algorithm)
constexpr auto r = "ubuntu@md5:0123456789abcdef0123456789abcdef"_ref;
#endif
#if defined(OCIKIT_CASE_ref_path_too_long)
#define A16 "aaaaaaaaaaaaaaaa"
#define A128 A16 A16 A16 A16 A16 A16 A16 A16
constexpr auto r = "x.io/" A128 A128 ""_ref;  // 256 bytes of path
#endif

// Invalid digest literals.
#if defined(OCIKIT_CASE_digest_length)
constexpr auto d = "sha256:abc"_digest;
#endif
#if defined(OCIKIT_CASE_digest_uppercase_hex)
constexpr auto d = "sha256:44136FA355B3678A1146AD16F7E8649E94FB4FC21FE77E8310C060F61CAAFF8A"_digest;
#endif
#if defined(OCIKIT_CASE_digest_unsupported)
constexpr auto d = "blake3:" H64 ""_digest;  // known, but not in the default set
#endif
#if defined(OCIKIT_CASE_digest_no_colon)
constexpr auto d = "sha256"_digest;
#endif

// A view of a temporary would dangle: refused.
#if defined(OCIKIT_CASE_rvalue_parse_reference)
std::string get_string() { return "ubuntu:24.04"; }
const auto r = ocikit::parse_reference(get_string());
#endif
#if defined(OCIKIT_CASE_rvalue_parse_digest)
const auto d = ocikit::parse_digest(std::string("sha256:" H64));
#endif
#if defined(OCIKIT_CASE_rvalue_parse_digest_lenient)
const auto d = ocikit::parse_digest_lenient(std::string("sha256:" H64));
#endif
#if defined(OCIKIT_CASE_view_of_temporary_inline_reference)
const ocikit::reference_view v = *ocikit::parse_normalized_reference("ubuntu");
#endif
#if defined(OCIKIT_CASE_view_of_temporary_reference)
const std::string text = "ubuntu";
const ocikit::reference_view v = ocikit::reference(*ocikit::parse_reference(text)).view();
#endif

int main() { return 0; }
