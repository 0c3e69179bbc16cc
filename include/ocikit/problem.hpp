// Problems found in a document: a severity, a stable code, the JSON pointer (RFC 6901) of the
// offending value, and a message a person can act on. Validation returns all of them, not just
// the first.
//
//   ocikit::severity   warning (a SHOULD of the specs) | error (a MUST)
//   ocikit::problem    { severity, error }: error.id() "manifest.layer_digest_invalid",
//                      error.pointer() "/layers/2/digest", error.message()
//   ocikit::has_errors(problems), ocikit::count(problems, severity)
//   os << problem   "error manifest.layer_digest_invalid: invalid layer digest at /layers/2/..."
//
// Example:
//   for (const ocikit::problem& p : parsed.problems)
//     std::cout << to_string(p.severity) << ' ' << p.id() << ' ' << p.pointer() << ": "
//               << p.message() << '\n';
#ifndef OCIKIT_PROBLEM_HPP
#define OCIKIT_PROBLEM_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "ocikit/error.hpp"

namespace ocikit {

/// How bad a problem is: a warning breaks a SHOULD of the specs, an error a MUST.
enum class severity : std::uint8_t { warning, error };

/// "warning" or "error".
constexpr std::string_view to_string(severity s) noexcept {
  return s == severity::error ? "error" : "warning";
}

/// One problem of a document.
struct problem {
  ocikit::severity severity = ocikit::severity::error;  ///< warning or error
  ocikit::error error;  ///< code, JSON pointer (error.pointer()) and detail text

  /// The code, e.g. errc::manifest_layer_digest_invalid.
  [[nodiscard]] errc code() const noexcept { return error.code(); }
  /// The stable id, e.g. "manifest.layer_digest_invalid".
  [[nodiscard]] std::string_view id() const noexcept { return error.id(); }
  /// The JSON pointer of the offending value, e.g. "/layers/2/digest" ("" = the document).
  [[nodiscard]] std::string_view pointer() const noexcept { return error.pointer(); }
  /// The message, e.g. "invalid layer digest at /layers/2/digest: invalid digest length: ...".
  [[nodiscard]] std::string message() const { return error.message(); }

  friend bool operator==(const problem& a, const problem& b) noexcept {
    return a.severity == b.severity && a.error == b.error;
  }
};

/// Writes "warning" or "error".
inline std::ostream& operator<<(std::ostream& os, severity s) { return os << to_string(s); }

/// Writes "<severity> <id>: <message>", e.g.
/// "error manifest.layer_size_invalid: invalid layer size at /layers/0/size: -1 is negative".
/// Example: `for (const auto& p : parsed.problems) std::cerr << p << '\n';`
inline std::ostream& operator<<(std::ostream& os, const problem& p) {
  return os << to_string(p.severity) << ' ' << p.id() << ": " << p.message();
}

/// True when any problem is an error.
/// Example: `if (ocikit::has_errors(parsed.problems)) return 1;`
inline bool has_errors(std::span<const problem> problems) noexcept {
  return std::any_of(problems.begin(), problems.end(),
                     [](const problem& p) { return p.severity == severity::error; });
}

/// The number of problems of one severity.
inline std::size_t count(std::span<const problem> problems, severity s) noexcept {
  return static_cast<std::size_t>(std::count_if(problems.begin(), problems.end(),
                                                [s](const problem& p) { return p.severity == s; }));
}

}  // namespace ocikit

#endif  // OCIKIT_PROBLEM_HPP
