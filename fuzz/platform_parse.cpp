// Fuzz target for ocikit::parse_platform (ocikit/platform.hpp).
//
// Input: a platform specifier. Checks, aborting on a violation:
//   - parsing never crashes, and the step-by-step parser accepts exactly what
//     grammar::platform_specifier_only accepts;
//   - a rejection carries a platform.* code, an offset inside the input and a message;
//   - an accepted specifier is already normalised, it is normalize_platform() of
//     parse_platform_specifier() (containerd's Parse), and parse(format_platform(p)) == p (the
//     fixed point), with the same text when formatted again;
//   - compatibility_rank(p, p) == 0 (never for unknown/unknown, which never matches);
//   - when the input holds a '\n', the two halves are ranked against each other:
//     platform_matches() and compatibility_rank() agree, a match needs the same os, and every
//     platform_matcher's less() is irreflexive and asymmetric on the pair, with match() the same
//     as position().has_value().
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>

#include "ocikit/grammar/platform.hpp"
#include "ocikit/platform.hpp"

namespace {

const ocikit::platform& fixed_host() {
  static const ocikit::platform host = [] {
    ocikit::platform h;
    h.os = "linux";
    h.architecture = "arm";
    h.variant = "v6";
    return h;
  }();
  return host;
}

void check_one(std::string_view s) {
  tao::pegtl::memory_input<> in(s.data(), s.size(), "fuzz");
  const bool grammar = tao::pegtl::parse<ocikit::grammar::platform_specifier_only>(in);
  const auto syntax = ocikit::detail::parse_platform_syntax(s);
  if (grammar != syntax.has_value()) std::abort();

  const auto p = ocikit::parse_platform(s, fixed_host());
  if (!p) {
    const ocikit::error& e = p.error();
    if (e.condition() != ocikit::condition::platform_invalid) std::abort();
    if (!e.has_offset() || e.offset() > s.size()) std::abort();
    if (e.message().empty() || !e.id().starts_with("platform.")) std::abort();
    if (syntax.has_value() && e.code() != ocikit::errc::platform_unknown_os_or_arch &&
        e.code() != ocikit::errc::platform_unknown_os) {
      std::abort();
    }
    return;
  }
  const ocikit::platform n = ocikit::normalize_platform(*p);
  if (!(n == *p)) std::abort();
  const auto raw = ocikit::parse_platform_specifier(s, fixed_host());
  if (!raw || !(ocikit::normalize_platform(*raw) == n)) std::abort();
  const std::string text = ocikit::format_platform(n);
  const auto q = ocikit::parse_platform(text, fixed_host());
  if (!q || !(*q == n)) std::abort();
  if (ocikit::format_platform(*q) != text) std::abort();

  const bool attestation = n.os == "unknown" && n.architecture == "unknown";
  if (ocikit::compatibility_rank(n, n) != (attestation ? -1 : 0)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view s(reinterpret_cast<const char*>(data), size);
  check_one(s);
  if (const auto nl = s.find('\n'); nl != std::string_view::npos) {
    const auto wanted = ocikit::parse_platform(s.substr(0, nl), fixed_host());
    const auto candidate = ocikit::parse_platform(s.substr(nl + 1), fixed_host());
    if (wanted && candidate) {
      const int rank = ocikit::compatibility_rank(*wanted, *candidate);
      if (rank < -1) std::abort();
      if (ocikit::platform_matches(*wanted, *candidate) != (rank >= 0)) std::abort();
      if (rank >= 0 && wanted->os != candidate->os) std::abort();
      if (rank == 0 && wanted->architecture != candidate->architecture) std::abort();
      const ocikit::platform pair[] = {*wanted, *candidate};
      for (const auto& m :
           {ocikit::platform_matcher::only(*wanted), ocikit::platform_matcher::only_strict(*wanted),
            ocikit::platform_matcher::only_os(*wanted), ocikit::platform_matcher::ordered(pair),
            ocikit::platform_matcher::any(pair), ocikit::platform_matcher::windows_host(*wanted)}) {
        if (m.less(*wanted, *wanted) || m.less(*candidate, *candidate)) std::abort();
        if (m.less(*wanted, *candidate) && m.less(*candidate, *wanted)) std::abort();
        if (m.match(*candidate) != m.position(*candidate).has_value()) std::abort();
      }
    }
  }
  return 0;
}
