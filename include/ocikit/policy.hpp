// Registry policies: optional checks for registries whose rules are stricter than the reference
// grammar, reported with the same ocikit::error type (condition `policy_violation`).
//
//   auto r = ocikit::parse_reference("MyRegistry.azurecr.io/app:1");
//   auto ok = ocikit::check_policy(*r, ocikit::registry_policy::azure());
//   // !ok: "registry policy: the login server must be lowercase: 'M' at byte 0"
//
// Offsets are byte offsets into the reference's string().
#ifndef OCIKIT_POLICY_HPP
#define OCIKIT_POLICY_HPP

#include <cstddef>
#include <string_view>

#include "ocikit/error.hpp"
#include "ocikit/grammar/chars.hpp"
#include "ocikit/reference.hpp"

namespace ocikit {

/// What a registry demands beyond the reference grammar.
struct registry_policy {
  bool require_domain = false;          ///< the reference must name its registry
  bool lowercase_domain = false;        ///< no uppercase letter in the domain
  bool allow_port = true;               ///< a ":port" after the host is allowed
  std::string_view repository_chars{};  ///< allowed bytes of the path (empty: grammar only)

  /// Azure Container Registry: login servers are lowercase and have no port; repository names
  /// use [a-z0-9._/-] only.
  static constexpr registry_policy azure() noexcept {
    return {true, true, false, "abcdefghijklmnopqrstuvwxyz0123456789._/-"};
  }
};

namespace detail {
/// Offset of the ':' of a port in `domain`, or npos ("[::1]:5000" -> 5; "[::1]" -> npos).
constexpr std::size_t port_colon(std::string_view domain) noexcept {
  const std::size_t close = domain.rfind(']');
  const std::size_t colon = domain.rfind(':');
  if (colon == std::string_view::npos) return colon;
  if (close != std::string_view::npos && colon < close) return std::string_view::npos;
  return colon;
}
}  // namespace detail

/// Checks a parsed reference (view or owning) against a policy; the first violation is reported.
template <class Reference>
result<void> check_policy(const Reference& ref, const registry_policy& policy) {
  const std::string_view domain = ref.domain();
  if (policy.require_domain && !ref.has_domain()) return error(errc::policy_missing_domain, 0);
  if (policy.lowercase_domain) {
    for (std::size_t i = 0; i < domain.size(); ++i) {
      if (grammar::chars::upper(domain[i])) return error(errc::policy_uppercase, i, domain[i]);
    }
  }
  if (!policy.allow_port) {
    if (const std::size_t c = detail::port_colon(domain); c != std::string_view::npos) {
      return error(errc::policy_port, c);
    }
  }
  if (!policy.repository_chars.empty()) {
    const std::string_view path = ref.path();
    const auto base = static_cast<std::size_t>(path.data() - ref.string().data());
    for (std::size_t i = 0; i < path.size(); ++i) {
      if (policy.repository_chars.find(path[i]) == std::string_view::npos) {
        return error(errc::policy_invalid_character, base + i, path[i]);
      }
    }
  }
  return {};
}

}  // namespace ocikit

#endif  // OCIKIT_POLICY_HPP
