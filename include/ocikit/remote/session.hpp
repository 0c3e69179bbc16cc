// Talking to one registry with authentication: the `WWW-Authenticate` challenge answered as
// registries expect (distribution's token auth, Basic), tokens cached per scope.
//
//   ocikit::remote::session(client, host, credentials)
//   session.send(request, scope[, max_body])    like http_client::send, authorised for `scope`
//   session.open(request, scope)                like http_client::open
//   ocikit::remote::pull_scope(repo) / push_scope(repo) / delete_scope(repo)
//                                               "repository:<repo>:pull" ...
//
// Rules (shared/spec/distribution.md, "Authentication"):
//   - a request is sent with the token cached for its scope, or none; a 401 with
//     `WWW-Authenticate: Bearer realm=…,service=…,scope=…` fetches a token from the realm
//     (Basic credentials when the session has them, anonymous otherwise; an identity token is
//     exchanged with a POST), caches it for the scope until `expires_in` (default 60 s) and
//     sends the request once more; `Basic` sends the credentials on every request;
//   - a request whose body is a stream cannot be sent twice: the session first makes sure it
//     has what the scope needs (a token for it, or Basic), pinging `GET /v2/` when the
//     registry's challenge is not known yet;
//   - a scope wider than the cached ones (push after pull) fetches a new token: scope upgrade;
//   - still 401 or 403 after that: remote.unauthorized / remote.denied, with the registry's
//     error message and the scope that was asked for; never the credentials.
#ifndef OCIKIT_REMOTE_SESSION_HPP
#define OCIKIT_REMOTE_SESSION_HPP

#include <memory>
#include <string>
#include <string_view>

#include "ocikit/error.hpp"
#include "ocikit/remote/credentials.hpp"
#include "ocikit/remote/http.hpp"

namespace ocikit::remote {

inline std::string pull_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull";
}
inline std::string push_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":pull,push";
}
inline std::string delete_scope(std::string_view repository) {
  return "repository:" + std::string(repository) + ":delete";
}
/// The scope of `GET /v2/_catalog`.
inline constexpr std::string_view catalog_scope = "registry:catalog:*";

/// One registry host with its credentials. Thread-safe.
class session {
 public:
  /// `origin` is the registry's `scheme://host[:port]`.
  session(std::shared_ptr<http_client> client, std::string origin, credentials creds = {});
  session(const session&) = delete;
  session& operator=(const session&) = delete;
  ~session();

  [[nodiscard]] const std::string& origin() const noexcept;
  [[nodiscard]] http_client& client() noexcept;

  /// Sends `r` authorised for `scope` (several scopes: separated by ' '); see the rules above.
  result<response> send(request r, std::string_view scope,
                        std::size_t max_body = default_max_body);
  /// The same with the body unread.
  result<std::unique_ptr<response_reader>> open(request r, std::string_view scope);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_SESSION_HPP
