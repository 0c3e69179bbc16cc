// Talking to one registry with authentication: the `WWW-Authenticate` challenge answered as
// registries expect (distribution's token auth, Basic), tokens cached per scope.
//
//   ocikit::remote::session(client, host, credentials)
//   session.send(request, scope[, max_body])    like http_client::send, authorised for `scope`
//   session.open(request, scope)                like http_client::open
//   ocikit::remote::pull_scope(repo) / push_scope(repo) / delete_scope(repo)
//                                               "repository:<repo>:pull" ...
//   ocikit::remote::parse_token_response(body)  a token server's JSON answer
//   ocikit::remote::basic_authorization(creds)  "Basic base64(user:password)"
//   session.stats()                             tokens fetched, challenges answered (tests)
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

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/detail/base64.hpp"
#include "ocikit/error.hpp"
#include "ocikit/remote/challenge.hpp"
#include "ocikit/remote/credentials.hpp"
#include "ocikit/remote/http.hpp"
#include "ocikit/remote/registry_error.hpp"

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

/// A token server's answer (distribution's token spec): `token` or `access_token`, `expires_in`
/// seconds (default 60), `issued_at` (RFC 3339, kept as text).
struct bearer_token {
  std::string token;
  std::chrono::seconds expires_in{60};
  std::string issued_at;
};

/// Parses a token server's JSON answer. Errors: remote.protocol when it is not a JSON object
/// with a non-empty `token` or `access_token` string.
///   parse_token_response(R"({"token":"abc","expires_in":300})") -> {"abc", 300 s, ""}
inline result<bearer_token> parse_token_response(std::string_view body) {
  const auto bad = [](std::string_view why) {
    return error(errc::remote_protocol, error::npos,
                 "the token server's answer " + std::string(why));
  };
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return bad("is not a JSON object");
  const auto& o = v.as_object();
  bearer_token t;
  for (const char* key : {"token", "access_token"}) {
    if (const auto* m = o.if_contains(key);
        m != nullptr && m->is_string() && !m->as_string().empty() && t.token.empty()) {
      t.token = std::string(m->as_string());
    }
  }
  if (t.token.empty()) return bad("has no \"token\" nor \"access_token\"");
  if (!std::all_of(t.token.begin(), t.token.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u > 0x20 && u < 0x7f;
      })) {
    return bad("has a token with spaces or control bytes");
  }
  if (const auto* e = o.if_contains("expires_in"); e != nullptr && !e->is_null()) {
    std::int64_t secs = 0;
    if (e->is_int64()) {
      secs = e->as_int64();
    } else if (e->is_uint64()) {
      secs = static_cast<std::int64_t>(std::min<std::uint64_t>(e->as_uint64(), 1u << 30));
    } else if (e->is_double()) {
      secs = static_cast<std::int64_t>(e->as_double());
    } else {
      return bad("has an \"expires_in\" that is not a number");
    }
    // Less than 60 s is taken as 60 s (the token spec's minimum).
    t.expires_in = std::chrono::seconds(std::clamp<std::int64_t>(secs, 60, std::int64_t{1} << 30));
  }
  if (const auto* i = o.if_contains("issued_at"); i != nullptr && i->is_string()) {
    t.issued_at = std::string(i->as_string());
  }
  return t;
}

/// The `Authorization` value of Basic credentials: "Basic " + base64(user ":" password).
inline std::string basic_authorization(const credentials& c) {
  const std::string pair = c.username + ":" + c.password;
  return "Basic " + ocikit::detail::encode_base64(std::as_bytes(std::span(pair)));
}

/// Counters of a session, for tests and diagnostics.
struct session_stats {
  std::uint64_t tokens_fetched = 0;  ///< answers of the token server
  std::uint64_t pings = 0;           ///< `GET /v2/` sent to learn the challenge
};

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
  [[nodiscard]] session_stats stats() const noexcept;

  /// Sends `r` authorised for `scope` (several scopes: separated by ' '); see the rules above.
  /// Any status but 401 and 403 is returned as a response; those two are remote.unauthorized and
  /// remote.denied (error_from_response with the scope).
  result<response> send(request r, std::string_view scope, std::size_t max_body = default_max_body);
  /// The same with the body unread.
  result<std::unique_ptr<response_reader>> open(request r, std::string_view scope);
  /// Makes sure the registry accepts the credentials: `GET /v2/` answered (after a token for no
  /// scope, or Basic), 200. remote.unauthorized when it refuses them (login).
  result<void> check();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

namespace detail {

/// Percent-encodes everything but RFC 3986's unreserved characters.
inline std::string form_encode(std::string_view s) {
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += "0123456789ABCDEF"[u >> 4];
      out += "0123456789ABCDEF"[u & 15];
    }
  }
  return out;
}

/// The scopes of a space-separated list, sorted and without duplicates.
inline std::vector<std::string> split_scopes(std::string_view s) {
  std::set<std::string> set;
  while (!s.empty()) {
    const std::size_t sp = s.find(' ');
    const std::string_view one = s.substr(0, sp);
    if (!one.empty()) set.emplace(one);
    if (sp == std::string_view::npos) break;
    s.remove_prefix(sp + 1);
  }
  return {set.begin(), set.end()};
}

inline std::string join_scopes(const std::vector<std::string>& scopes) {
  std::string out;
  for (const auto& s : scopes) {
    if (!out.empty()) out += ' ';
    out += s;
  }
  return out;
}

}  // namespace detail

struct session::impl {
  using clock = std::chrono::steady_clock;
  enum class auth_kind { unknown, none, basic, bearer };
  struct cached_token {
    std::string value;
    clock::time_point expires;
  };

  std::shared_ptr<http_client> client;
  std::string origin;
  credentials creds;

  mutable std::mutex mutex;
  auth_kind kind = auth_kind::unknown;
  std::string realm;
  std::string service;
  std::map<std::string, cached_token> tokens;  // by normalised scope list
  std::mutex fetch_mutex;                      // one token fetch at a time
  std::uint64_t tokens_fetched = 0;
  std::uint64_t pings = 0;

  /// Takes the challenge of a 401: Bearer (realm, service) or Basic. False when there is none
  /// this client can answer.
  bool learn(const response& r) {
    std::string joined;
    for (auto v : r.headers.get_all("WWW-Authenticate")) {
      if (!joined.empty()) joined += ", ";
      joined += v;
    }
    auto list = parse_challenges(joined);
    if (!list) return false;
    const std::lock_guard lock(mutex);
    if (const auto* b = find_challenge(*list, "bearer");
        b != nullptr && !b->param("realm").empty()) {
      kind = auth_kind::bearer;
      realm = std::string(b->param("realm"));
      service = std::string(b->param("service"));
      return true;
    }
    if (find_challenge(*list, "basic") != nullptr) {
      kind = auth_kind::basic;
      return true;
    }
    return false;
  }

  /// The scope the challenge asked for, besides the one the caller gave.
  static std::string challenge_scope(const response& r) {
    std::string joined;
    for (auto v : r.headers.get_all("WWW-Authenticate")) {
      if (!joined.empty()) joined += ", ";
      joined += v;
    }
    auto list = parse_challenges(joined);
    if (!list) return {};
    const auto* b = find_challenge(*list, "bearer");
    return b != nullptr ? std::string(b->param("scope")) : std::string();
  }

  /// A token for `scopes` from the realm (GET with Basic or anonymous; POST for an identity
  /// token), cached until it expires.
  result<std::string> token_for(const std::string& scopes, bool refresh) {
    const std::lock_guard fetch(fetch_mutex);
    std::string realm_url;
    std::string svc;
    {
      const std::lock_guard lock(mutex);
      if (!refresh) {
        if (auto it = tokens.find(scopes);
            it != tokens.end() && clock::now() < it->second.expires) {
          return it->second.value;
        }
      }
      realm_url = realm;
      svc = service;
    }
    const auto list = detail::split_scopes(scopes);
    request t;
    if (!creds.identity_token.empty()) {
      t.method = "POST";
      t.url = realm_url;
      t.headers.set("Content-Type", "application/x-www-form-urlencoded");
      t.body = "grant_type=refresh_token&client_id=ocikit&refresh_token=" +
               detail::form_encode(creds.identity_token);
      if (!svc.empty()) t.body += "&service=" + detail::form_encode(svc);
      if (!list.empty()) t.body += "&scope=" + detail::form_encode(detail::join_scopes(list));
    } else {
      t.url = realm_url;
      char sep = realm_url.find('?') == std::string::npos ? '?' : '&';
      if (!svc.empty()) {
        t.url += sep;
        t.url += "service=" + detail::form_encode(svc);
        sep = '&';
      }
      for (const auto& s : list) {
        t.url += sep;
        t.url += "scope=" + detail::form_encode(s);
        sep = '&';
      }
      if (!creds.username.empty() || !creds.password.empty()) {
        t.headers.set("Authorization", basic_authorization(creds));
      }
    }
    auto r = client->send(t, std::size_t{1} << 20);
    if (!r) return r.error();
    if (r->status != 200) {
      auto e =
          error_from_response(*r, "fetching a token for " + (scopes.empty() ? "no scope" : scopes));
      if (r->status == 401 || r->status == 403) {
        return error(r->status == 401 ? errc::remote_unauthorized : errc::remote_denied,
                     error::npos,
                     std::string(e.detail()) + " (the token server refused the credentials)");
      }
      return e;
    }
    auto tok = parse_token_response(r->body);
    if (!tok) return tok.error();
    const std::lock_guard lock(mutex);
    ++tokens_fetched;
    const auto life = tok->expires_in - std::min(tok->expires_in / 10, std::chrono::seconds(30));
    tokens[scopes] = {tok->token, clock::now() + life};
    return tok->token;
  }

  /// Puts what the session knows into `r`'s Authorization header.
  result<void> authorize(request& r, const std::string& scopes, bool refresh) {
    auth_kind k;
    {
      const std::lock_guard lock(mutex);
      k = kind;
    }
    if (k == auth_kind::bearer) {
      auto t = token_for(scopes, refresh);
      if (!t) return t.error();
      r.headers.set("Authorization", "Bearer " + *t);
    } else if (k == auth_kind::basic && (!creds.username.empty() || !creds.password.empty())) {
      r.headers.set("Authorization", basic_authorization(creds));
    }
    return {};
  }

  /// `GET /v2/` without credentials, to learn the challenge.
  result<void> ping() {
    request p;
    p.url = origin + "/v2/";
    auto r = client->send(p, std::size_t{64} << 10);
    if (!r) return r.error();
    {
      const std::lock_guard lock(mutex);
      ++pings;
    }
    if (r->status == 401) {
      if (!learn(*r)) {
        return error(errc::remote_unauthorized, error::npos,
                     "GET " + p.url + " answered 401 without a challenge this client can answer");
      }
      return {};
    }
    const std::lock_guard lock(mutex);
    if (kind == auth_kind::unknown) kind = auth_kind::none;
    return {};
  }

  [[nodiscard]] auth_kind current() const {
    const std::lock_guard lock(mutex);
    return kind;
  }

  static error auth_failure(const response& r, const std::string& scopes) {
    auto e = error_from_response(r, "");
    std::string d(e.detail());
    if (!scopes.empty()) d += " (scope " + scopes + ")";
    const errc id = r.status == 401 ? errc::remote_unauthorized : errc::remote_denied;
    return {id, error::npos, std::move(d)};
  }

  /// The exchange shared by send and open: `exchange(request)` sends, `head(x)` is the
  /// response of what it returned, `body_of(x)` the response with its body (for errors).
  template <class Exchange, class Head, class WithBody>
  auto run(request r, std::string_view scope, Exchange exchange, Head head, WithBody with_body)
      -> decltype(exchange(r)) {
    const std::string scopes = detail::join_scopes(detail::split_scopes(scope));
    if (r.stream != nullptr && current() == auth_kind::unknown) {
      // A stream cannot be sent twice: learn the challenge first.
      if (auto p = ping(); !p) return p.error();
    }
    if (auto a = authorize(r, scopes, false); !a) return a.error();
    auto got = exchange(r);
    if (!got) return got;
    if (head(*got).status == 401 && r.stream == nullptr) {
      const auto before = current();
      const std::string asked = challenge_scope(head(*got));
      const bool had_auth = r.headers.has("Authorization");
      if (!learn(head(*got))) return auth_failure(with_body(*got), scopes);
      const auto now = current();
      if (now == auth_kind::basic && creds.username.empty() && creds.password.empty()) {
        return auth_failure(with_body(*got), scopes);
      }
      if (now == auth_kind::basic && before == auth_kind::basic && had_auth) {
        return auth_failure(with_body(*got), scopes);
      }
      const std::string wanted = detail::join_scopes(detail::split_scopes(scopes + " " + asked));
      if (auto a = authorize(r, wanted, now == auth_kind::bearer && had_auth); !a) {
        return a.error();
      }
      got = exchange(r);
      if (!got) return got;
    }
    const unsigned status = head(*got).status;
    if (status == 401 || status == 403) return auth_failure(with_body(*got), scopes);
    return got;
  }
};

inline session::session(std::shared_ptr<http_client> client, std::string origin, credentials creds)
    : impl_(std::make_unique<impl>()) {
  impl_->client = std::move(client);
  while (!origin.empty() && origin.back() == '/') origin.pop_back();
  impl_->origin = std::move(origin);
  impl_->creds = std::move(creds);
}

inline session::~session() = default;

inline const std::string& session::origin() const noexcept { return impl_->origin; }

inline http_client& session::client() noexcept { return *impl_->client; }

inline session_stats session::stats() const noexcept {
  const std::lock_guard lock(impl_->mutex);
  return {impl_->tokens_fetched, impl_->pings};
}

inline result<response> session::send(request r, std::string_view scope, std::size_t max_body) {
  return impl_->run(
      std::move(r), scope, [&](const request& q) { return impl_->client->send(q, max_body); },
      [](const response& x) -> const response& { return x; },
      [](const response& x) -> const response& { return x; });
}

inline result<std::unique_ptr<response_reader>> session::open(request r, std::string_view scope) {
  return impl_->run(
      std::move(r), scope, [&](const request& q) { return impl_->client->open(q); },
      [](const std::unique_ptr<response_reader>& x) -> const response& { return x->head(); },
      [](const std::unique_ptr<response_reader>& x) {
        // The error body, bounded: enough for the registry's message.
        response out = x->head();
        std::string buf(std::size_t{64} << 10, '\0');
        std::size_t got = 0;
        while (got < buf.size()) {
          auto n = x->read(std::as_writable_bytes(std::span(buf.data() + got, buf.size() - got)));
          if (!n || *n == 0) break;
          got += *n;
        }
        buf.resize(got);
        out.body = std::move(buf);
        return out;
      });
}

inline result<void> session::check() {
  request r;
  r.url = impl_->origin + "/v2/";
  auto got = send(std::move(r), "");
  if (!got) return got.error();
  if (got->status != 200) return error_from_response(*got, "checking the credentials");
  return {};
}

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_SESSION_HPP
