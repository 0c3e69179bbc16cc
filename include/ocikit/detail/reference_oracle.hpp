// Test oracle for references: PEGTL's composition of the rules in grammar/reference.hpp, with
// actions that record the parts (match_reference_pegtl) and a control that records the furthest
// failure (diagnose_pegtl). The parser's hand compositions (detail/reference_match.hpp,
// detail::diagnose_scanned) must give the same answers; tests and the reference_parse fuzz
// target check that. Included by tests and fuzz targets only.
#ifndef OCIKIT_DETAIL_REFERENCE_ORACLE_HPP
#define OCIKIT_DETAIL_REFERENCE_ORACLE_HPP

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <tao/pegtl.hpp>
#include <type_traits>

#include "ocikit/detail/reference_parser.hpp"
#include "ocikit/error.hpp"
#include "ocikit/grammar/reference.hpp"

namespace ocikit::detail {

using ref_input = tao::pegtl::memory_input<tao::pegtl::tracking_mode::lazy,
                                           tao::pegtl::eol::lf_crlf, const char*>;

struct ref_state {
  const char* base;
  ref_offsets* out;
  [[nodiscard]] std::uint32_t at(const char* p) const noexcept {
    return static_cast<std::uint32_t>(p - base);
  }
};

// Actions record part boundaries. domain_prefix fires only when "domain /" matched as a whole.
template <class Rule>
struct ref_action : tao::pegtl::nothing<Rule> {};

template <>
struct ref_action<grammar::domain_prefix> {
  template <class ActionInput>
  static void apply(const ActionInput& in, ref_state& s) noexcept {
    s.out->has_domain = true;
    s.out->domain_end = s.at(in.end()) - 1;
  }
};
template <>
struct ref_action<grammar::path> {
  template <class ActionInput>
  static void apply(const ActionInput& in, ref_state& s) noexcept {
    s.out->path_begin = s.at(in.begin());
    s.out->path_end = s.at(in.end());
  }
};
template <>
struct ref_action<grammar::tag> {
  template <class ActionInput>
  static void apply(const ActionInput& in, ref_state& s) noexcept {
    s.out->has_tag = true;
    s.out->tag_end = s.at(in.end());
  }
};
template <>
struct ref_action<grammar::reference_digest> {
  template <class ActionInput>
  static void apply(const ActionInput& in, ref_state& s) noexcept {
    s.out->has_digest = true;
    s.out->digest_begin = s.at(in.begin());
  }
};

/// Matches `Top` (reference_only or remote_reference_only) with PEGTL and records the parts.
/// The definition of record; the diagnostics and the fuzz oracle use it.
template <class Top>
inline bool match_reference_pegtl(std::string_view t, ref_offsets& o) noexcept {
  ref_input in(t.data(), t.data() + t.size(), "");
  ref_state st{t.data(), &o};
  return tao::pegtl::parse<Top, ref_action>(in, st);
}

/// Which error a failure inside a rule means; errc::ok for rules that do not name one.
template <class Rule>
inline constexpr errc rule_error = errc::ok;
template <>
inline constexpr errc rule_error<grammar::domain> = errc::reference_invalid_domain;
template <>
inline constexpr errc rule_error<grammar::port> = errc::reference_invalid_port;
template <>
inline constexpr errc rule_error<grammar::path> = errc::reference_invalid_path;
template <>
inline constexpr errc rule_error<grammar::tag> = errc::reference_invalid_tag;
template <>
inline constexpr errc rule_error<grammar::reference_digest> = errc::reference_invalid_digest;

/// Records the furthest position any rule failed at, and the innermost named rule active there.
struct furthest_failure {
  struct frame {
    errc code;
    const char* start;
  };
  const char* base = nullptr;
  const char* furthest = nullptr;
  errc code = errc::ok;
  const char* rule_start = nullptr;
  std::array<frame, 8> stack{};
  std::size_t depth = 0;
  bool furthest_in_domain = false;  ///< the furthest failure happened inside a domain attempt
  int domain_attempts = 0;          ///< nesting of grammar::domain_prefix

  void fail_at(const char* p) noexcept {
    const errc here = depth > 0 ? stack[depth - 1].code : errc::ok;
    const bool here_in_domain = in_domain();
    // A failure further right wins. At the same position a later attempt wins only over one made
    // while reading a domain (or its port): a domain exists only when a '/' follows it, so the
    // path-and-tag reading is the better one.
    if (furthest == nullptr || p > furthest ||
        (p == furthest && furthest_in_domain && !here_in_domain)) {
      furthest = p;
      code = here;
      furthest_in_domain = here_in_domain;
      rule_start = depth > 0 ? stack[depth - 1].start : base;
    }
  }
  /// True while "domain /" is being tried (the domain, its port, or the '/' after it).
  [[nodiscard]] bool in_domain() const noexcept { return domain_attempts > 0; }
};

template <class Rule>
struct diagnose_control : tao::pegtl::normal<Rule> {
  // Every rule reports to the diagnosis, including those PEGTL treats as atomic.
  static constexpr bool enable = true;
  static constexpr bool domain_attempt = std::is_same_v<Rule, grammar::domain_prefix>;

  template <class ParseInput>
  static void start(const ParseInput& in, furthest_failure& f) noexcept {
    if constexpr (domain_attempt) ++f.domain_attempts;
    if constexpr (rule_error<Rule> != errc::ok) {
      if (f.depth < f.stack.size()) f.stack[f.depth] = {rule_error<Rule>, in.current()};
      ++f.depth;
    }
  }
  template <class ParseInput>
  static void success(const ParseInput& /*in*/, furthest_failure& f) noexcept {
    finish(f);
  }
  template <class ParseInput>
  static void failure(const ParseInput& in, furthest_failure& f) noexcept {
    f.fail_at(in.current());
    finish(f);
  }
  static void finish(furthest_failure& f) noexcept {
    if constexpr (rule_error<Rule> != errc::ok) --f.depth;
    if constexpr (domain_attempt) --f.domain_attempts;
  }

  // A hand-scanned rule is scanned once: where it stopped is a failure point whether it matched
  // or not (as for PEGTL's star<>), with the rule's own frame still on the stack.
  template <tao::pegtl::apply_mode A, tao::pegtl::rewind_mode M,
            template <typename...> class Action, template <typename...> class Control,
            class ParseInput>
  [[nodiscard]] static bool match(ParseInput& in, furthest_failure& f) {
    if constexpr (grammar::hand_scanned<Rule>) {
      start(in, f);
      const grammar::scan_result r = Rule::scan(in.current(), in.end());
      f.fail_at(r.furthest);
      finish(f);
      if (r.end == nullptr) return false;
      in.bump_in_this_line(static_cast<std::size_t>(r.end - in.current()));
      return true;
    } else {
      return tao::pegtl::normal<Rule>::template match<A, M, Action, Control>(in, f);
    }
  }
};

/// The diagnosis as PEGTL's composition finds it (the definition of record).
template <class Top>
inline failure_point diagnose_pegtl(std::string_view t) noexcept {
  furthest_failure f;
  f.base = t.data();
  ref_input in(t.data(), t.data() + t.size(), "");
  (void)tao::pegtl::parse<Top, tao::pegtl::nothing, diagnose_control>(in, f);
  const auto off = [&t](const char* p) { return static_cast<std::size_t>(p - t.data()); };
  return {f.furthest ? off(f.furthest) : 0, f.code, f.rule_start ? off(f.rule_start) : 0};
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_REFERENCE_ORACLE_HPP
