// A registry's error answer as an ocikit::error: the distribution API's
// `{"errors":[{"code":…,"message":…,"detail":…}]}` with the HTTP status and the request.
//
//   ocikit::remote::registry_error                       one entry: code, message, detail (JSON)
//   ocikit::remote::parse_registry_errors(body)          the entries of a body (junk: none)
//   ocikit::remote::error_from_response(response, what)  the ocikit::error of a failed answer
//
// Mapping (distribution-spec "Error Codes"), the first that applies:
//   401, UNAUTHORIZED                     remote.unauthorized
//   403, DENIED                           remote.denied
//   429, TOOMANYREQUESTS                  remote.too_many_requests
//   DIGEST_INVALID                        store.digest_mismatch
//   SIZE_INVALID                          store.size_mismatch
//   MANIFEST_BLOB_UNKNOWN                 store.blob_missing
//   MANIFEST_INVALID, MANIFEST_UNVERIFIED store.manifest_invalid
//   *_UNKNOWN, 404                        store.not_found
//   UNSUPPORTED, 405                      remote.unsupported
//   anything else                         remote.error
// The message reads `<what>: <METHOD> <URL> answered <status> <reason>: <CODE>: <message>
// (<detail>)`; the URL is shown without its query and the registry's text is cut to a few
// hundred bytes with control bytes replaced, so a hostile answer cannot flood a terminal.
//
// Example:
//   auto r = session.send(req, scope);
//   if (r && r->status != 200) return ocikit::remote::error_from_response(*r, "pulling the manifest");
#ifndef OCIKIT_REMOTE_REGISTRY_ERROR_HPP
#define OCIKIT_REMOTE_REGISTRY_ERROR_HPP

#include <boost/json.hpp>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/remote/http.hpp"

namespace ocikit::remote {

/// One entry of a registry's `errors` array.
struct registry_error {
  std::string code;     ///< "MANIFEST_UNKNOWN"
  std::string message;  ///< "manifest unknown"
  std::string detail;   ///< the `detail` member serialized as JSON, "" when absent
};

namespace detail {

/// `s` cut to `max` bytes with control bytes replaced by '?'.
inline std::string printable(std::string_view s, std::size_t max) {
  std::string out;
  const std::size_t n = std::min(s.size(), max);
  out.reserve(n + 3);
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    out += (u < 0x20 || u == 0x7f) ? '?' : s[i];
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace detail

/// The entries of a registry's error body; anything that is not such a document (HTML, junk,
/// more than 1 MiB) gives none. At most 16 entries are kept.
inline std::vector<registry_error> parse_registry_errors(std::string_view body) {
  std::vector<registry_error> out;
  if (body.empty() || body.size() > (std::size_t{1} << 20)) return out;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return out;
  const auto* errors = v.as_object().if_contains("errors");
  if (errors == nullptr || !errors->is_array()) return out;
  for (const auto& e : errors->as_array()) {
    if (out.size() == 16) break;
    if (!e.is_object()) continue;
    registry_error r;
    const auto& o = e.as_object();
    if (const auto* c = o.if_contains("code"); c != nullptr && c->is_string()) {
      r.code = std::string(c->as_string());
    }
    if (const auto* m = o.if_contains("message"); m != nullptr && m->is_string()) {
      r.message = std::string(m->as_string());
    }
    if (const auto* d = o.if_contains("detail"); d != nullptr && !d->is_null()) {
      r.detail = boost::json::serialize(*d);
    }
    out.push_back(std::move(r));
  }
  return out;
}

/// The error a failed registry answer means (see the mapping above); `what` says what was being
/// done ("pulling manifest app:1"), "" for nothing.
///   error_from_response({.status = 404, .reason = "Not Found", .url = "http://h/v2/a/manifests/1",
///                        .method = "GET", .body = R"({"errors":[{"code":"MANIFEST_UNKNOWN",
///                        "message":"manifest unknown"}]})"}, "pulling a:1")
///   -> store.not_found "pulling a:1: GET http://h/v2/a/manifests/1 answered 404 Not Found:
///      MANIFEST_UNKNOWN: manifest unknown"
inline error error_from_response(const response& r, std::string_view what) {
  const auto errors = parse_registry_errors(r.body);
  const std::string_view code = errors.empty() ? std::string_view{} : errors.front().code;
  const auto is = [&](std::string_view c) {
    for (const auto& e : errors) {
      if (e.code == c) return true;
    }
    return false;
  };
  errc id = errc::remote_error;
  if (r.status == 401 || is("UNAUTHORIZED")) {
    id = errc::remote_unauthorized;
  } else if (r.status == 403 || is("DENIED")) {
    id = errc::remote_denied;
  } else if (r.status == 429 || is("TOOMANYREQUESTS")) {
    id = errc::remote_too_many_requests;
  } else if (is("DIGEST_INVALID")) {
    id = errc::store_digest_mismatch;
  } else if (is("SIZE_INVALID")) {
    id = errc::store_size_mismatch;
  } else if (is("MANIFEST_BLOB_UNKNOWN")) {
    id = errc::store_blob_missing;
  } else if (is("MANIFEST_INVALID") || is("MANIFEST_UNVERIFIED")) {
    id = errc::store_manifest_invalid;
  } else if (code.ends_with("_UNKNOWN") || r.status == 404) {
    id = errc::store_not_found;
  } else if (is("UNSUPPORTED") || r.status == 405) {
    id = errc::remote_unsupported;
  }
  std::string d;
  if (!what.empty()) {
    d += what;
    d += ": ";
  }
  d += r.method.empty() ? std::string("request") : detail::printable(r.method, 16);
  d += ' ';
  d += detail::printable(detail::redact_url(r.url), 300);
  d += " answered ";
  d += std::to_string(r.status);
  if (!r.reason.empty()) {
    d += ' ';
    d += detail::printable(r.reason, 64);
  }
  std::size_t shown = 0;
  for (const auto& e : errors) {
    if (shown++ == 3) {
      d += " (and " + std::to_string(errors.size() - 3) + " more)";
      break;
    }
    d += shown == 1 ? ": " : "; ";
    if (!e.code.empty()) {
      d += detail::printable(e.code, 64);
      if (!e.message.empty()) d += ": ";
    }
    d += detail::printable(e.message, 300);
    if (!e.detail.empty()) {
      d += " (";
      d += detail::printable(e.detail, 200);
      d += ')';
    }
  }
  return {id, error::npos, std::move(d)};
}

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_REGISTRY_ERROR_HPP
