// Absolute http and https URLs as the registry client uses them (split out of remote/http.hpp).
//
//   ocikit::remote::url::parse(text)            scheme, host, port, target of an absolute URL
//   u.origin() / u.host_header() / u.string() / u.redacted() / u.host_is_address()
//   operator<<(ostream, url)                    url::string()
//
// Rules: `scheme://host[:port]/path?query`, http or https only; no user information and no
// fragment; the scheme and host lowercased, a bracketed IPv6 literal kept without brackets; the
// port 1-65535 (the scheme's default when absent); the target at least "/". Errors are
// remote.url_invalid and show the URL up to its query (a query may hold a signature).
//
// Example:
//   auto u = ocikit::remote::url::parse("https://Registry.example:5000/v2/?n=1");
//   // u->origin() == "https://registry.example:5000", u->target == "/v2/?n=1"
#ifndef OCIKIT_REMOTE_URL_HPP
#define OCIKIT_REMOTE_URL_HPP

#include <algorithm>
#include <boost/asio/ip/address_v4.hpp>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/error.hpp"

namespace ocikit::remote {

/// An absolute http or https URL, split.
struct url {
  std::string scheme;  ///< "https" or "http"
  std::string host;    ///< "registry-1.docker.io", "127.0.0.1", "::1" (no brackets)
  std::string port;    ///< "443", "80" or the explicit port
  std::string target;  ///< path and query, at least "/"

  /// Parses `scheme://host[:port]/path?query` (no user info, no fragment); the scheme and host
  /// are lowercased. Errors: remote.url_invalid naming what is wrong.
  ///   url::parse("HTTPS://Example.com:5000/v2/?n=1") -> {"https", "example.com", "5000",
  ///   "/v2/?n=1"}
  static result<url> parse(std::string_view text);
  /// `scheme://host[:port]`, the port omitted when it is the scheme's default.
  [[nodiscard]] std::string origin() const;
  /// The `Host` header value: host, with `:port` when not the default.
  [[nodiscard]] std::string host_header() const;
  [[nodiscard]] std::string string() const { return origin() + target; }
  /// The URL without its query (what error messages show: a query may hold a signature).
  [[nodiscard]] std::string redacted() const {
    return origin() + target.substr(0, target.find('?'));
  }
  /// True when the host is an IPv4 or IPv6 address literal.
  [[nodiscard]] bool host_is_address() const noexcept;
};

/// Writes url::string().
inline std::ostream& operator<<(std::ostream& os, const url& u) { return os << u.string(); }

namespace detail {

inline error url_error(std::string_view text, std::string_view why) {
  std::string d = "'";
  // The URL is shown up to its query (a query may hold a signature).
  d.append(text.substr(0, std::min(text.find('?'), std::size_t{200})));
  d += "': ";
  d += why;
  return {errc::remote_url_invalid, ocikit::error::npos, std::move(d)};
}

inline bool is_host_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

inline bool is_target_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  return u > 0x20 && u < 0x7f && c != '#';
}

/// A URL up to its query, for messages (a query may hold a signature).
inline std::string redact_url(std::string_view u) { return std::string(u.substr(0, u.find('?'))); }

}  // namespace detail

inline result<url> url::parse(std::string_view text) {
  using detail::url_error;
  url u;
  const std::size_t sep = text.find("://");
  if (sep == std::string_view::npos) return url_error(text, "it does not start with http://");
  for (std::size_t i = 0; i < sep; ++i) u.scheme += ocikit::detail::ascii_to_lower(text[i]);
  if (u.scheme != "http" && u.scheme != "https") {
    return url_error(text, "the scheme is neither http nor https");
  }
  std::string_view rest = text.substr(sep + 3);
  const std::size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  std::string_view target =
      auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos) {
    return url_error(text, "user information (user@host) is not allowed in a URL");
  }
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return url_error(text, "the IPv6 address has no ']'");
    const std::string_view addr = authority.substr(1, close - 1);
    if (addr.empty() || !std::all_of(addr.begin(), addr.end(), [](char c) {
          return ocikit::detail::hex_value(c) >= 0 || c == ':' || c == '.';
        })) {
      return url_error(text, "the IPv6 address is malformed");
    }
    for (char c : addr) u.host += ocikit::detail::ascii_to_lower(c);
    const std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return url_error(text, "unexpected text after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return url_error(text, "the port after ':' is empty");
    }
  } else {
    const std::size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (host.empty()) return url_error(text, "the host is empty");
    for (char c : host) {
      if (!detail::is_host_char(c)) return url_error(text, "the host has a character not allowed");
      u.host += ocikit::detail::ascii_to_lower(c);
    }
    if (colon != std::string_view::npos) {
      port = authority.substr(colon + 1);
      if (port.empty()) return url_error(text, "the port after ':' is empty");
    }
  }
  if (!port.empty()) {
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return url_error(text, "the port is not a number");
    }
    const unsigned long n = std::stoul(std::string(port));
    if (n == 0 || n > 65535) return url_error(text, "the port is not in 1-65535");
    u.port = std::to_string(n);
  } else {
    u.port = u.scheme == "https" ? "443" : "80";
  }
  for (char c : target) {
    if (c == '#') return url_error(text, "a fragment (#) is not allowed");
    if (!detail::is_target_char(c)) {
      return url_error(text, "the path has a space, a control or a non-ASCII byte");
    }
  }
  if (target.empty()) {
    u.target = "/";
  } else if (target.front() == '?') {
    u.target = "/";
    u.target += target;
  } else {
    u.target = target;
  }
  return u;
}

inline bool url::host_is_address() const noexcept {
  if (host.find(':') != std::string::npos) return true;
  boost::system::error_code ec;
  (void)boost::asio::ip::make_address_v4(host, ec);
  return !ec;
}

inline std::string url::host_header() const {
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  const bool def = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  if (!def) {
    h += ':';
    h += port;
  }
  return h;
}

inline std::string url::origin() const { return scheme + "://" + host_header(); }

namespace detail {

/// Resolves a `Location` against the URL it answered (RFC 3986 section 5.2, without
/// dot-segment removal); the fragment is dropped.
inline std::string resolve_location(const url& base, std::string_view loc) {
  loc = loc.substr(0, loc.find('#'));
  const std::size_t colon = loc.find("://");
  if (colon != std::string_view::npos &&
      std::all_of(loc.begin(), loc.begin() + static_cast<std::ptrdiff_t>(colon),
                  [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }) &&
      colon > 0) {
    return std::string(loc);
  }
  if (loc.starts_with("//")) return base.scheme + ":" + std::string(loc);
  const std::string path = base.target.substr(0, base.target.find('?'));
  if (loc.starts_with("/")) return base.origin() + std::string(loc);
  if (loc.empty()) return base.origin() + base.target;
  if (loc.starts_with("?")) return base.origin() + path + std::string(loc);
  return base.origin() + path.substr(0, path.rfind('/') + 1) + std::string(loc);
}

}  // namespace detail

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_URL_HPP
