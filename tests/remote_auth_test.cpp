#include "ocikit/remote/session.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <string>

#include "ocikit/remote/challenge.hpp"
#include "ocikit/remote/registry_error.hpp"
#include "ocikit/store/stream.hpp"

using ocikit::errc;
namespace remote = ocikit::remote;

// ---------------------------------------------------------------------------------------------
// WWW-Authenticate.

TEST_CASE("parse_challenges: distribution's Bearer challenge", "[remote][challenge]") {
  auto c = remote::parse_challenges(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull")");
  REQUIRE(c.has_value());
  REQUIRE(c->size() == 1);
  CHECK((*c)[0].scheme == "bearer");
  CHECK((*c)[0].param("realm") == "https://auth.docker.io/token");
  CHECK((*c)[0].param("service") == "registry.docker.io");
  CHECK((*c)[0].param("scope") == "repository:library/alpine:pull");
  CHECK((*c)[0].param("error").empty());
}

TEST_CASE("parse_challenges: several challenges, case, spaces, escapes, tokens",
          "[remote][challenge]") {
  auto c = remote::parse_challenges(
      "BASIC Realm = \"a \\\"quoted\\\" realm\" , charset=UTF-8,  bearer "
      "realm=\"https://t/x?a=1,2\",scope=\"repository:a:pull repository:b:pull\", "
      "Negotiate abc+/==, NTLM");
  REQUIRE(c.has_value());
  REQUIRE(c->size() == 4);
  CHECK((*c)[0].scheme == "basic");
  CHECK((*c)[0].param("realm") == "a \"quoted\" realm");
  CHECK((*c)[0].param("charset") == "UTF-8");
  CHECK((*c)[1].scheme == "bearer");
  CHECK((*c)[1].param("realm") == "https://t/x?a=1,2");
  CHECK((*c)[1].param("scope") == "repository:a:pull repository:b:pull");
  CHECK((*c)[2].scheme == "negotiate");
  CHECK((*c)[2].token68 == "abc+/==");
  CHECK((*c)[2].params.empty());
  CHECK((*c)[3].scheme == "ntlm");
  REQUIRE(remote::find_challenge(*c, "bearer") != nullptr);
  CHECK(remote::find_challenge(*c, "bearer")->param("realm") == "https://t/x?a=1,2");
  CHECK(remote::find_challenge(*c, "digest") == nullptr);

  // `realm=` alone is a token68 with its padding (RFC 7235's grammar says so).
  auto t68 = remote::parse_challenges("Bearer realm=");
  REQUIRE(t68.has_value());
  CHECK((*t68)[0].token68 == "realm=");

  auto token = remote::parse_challenges("Bearer realm=token-value,service=svc");
  REQUIRE(token.has_value());
  CHECK((*token)[0].param("realm") == "token-value");
  CHECK((*token)[0].param("service") == "svc");
}

TEST_CASE("parse_challenges: malformed headers are remote.protocol", "[remote][challenge]") {
  for (const char* bad : {"", " , ", "Bearer realm=\"unterminated", "Bearer realm=\"a\",=b",
                          "Bearer =x", "Bearer realm=\"a\" junk", "=x", "Bearer realm=\"a\\"}) {
    CAPTURE(bad);
    auto c = remote::parse_challenges(bad);
    REQUIRE_FALSE(c.has_value());
    CHECK(c.error() == errc::remote_protocol);
  }
}

// ---------------------------------------------------------------------------------------------
// Tokens and errors.

TEST_CASE("parse_token_response: token, access_token, expires_in", "[remote][token]") {
  auto t = remote::parse_token_response(
      R"({"token":"abc","access_token":"other","expires_in":300,"issued_at":"2026-01-01T00:00:00Z"})");
  REQUIRE(t.has_value());
  CHECK(t->token == "abc");
  CHECK(t->expires_in == std::chrono::seconds(300));
  CHECK(t->issued_at == "2026-01-01T00:00:00Z");
  auto a = remote::parse_token_response(R"({"access_token":"xyz"})");
  REQUIRE(a.has_value());
  CHECK(a->token == "xyz");
  CHECK(a->expires_in == std::chrono::seconds(60));
  auto short_life = remote::parse_token_response(R"({"token":"x","expires_in":5})");
  REQUIRE(short_life.has_value());
  CHECK(short_life->expires_in == std::chrono::seconds(60));
  for (const char* bad : {"", "[]", "{}", R"({"token":""})", R"({"token":5})", R"({"token":"a b"})",
                          R"({"token":"x","expires_in":"soon"})", "<html>"}) {
    CAPTURE(bad);
    auto r = remote::parse_token_response(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == errc::remote_protocol);
  }
}

TEST_CASE("basic_authorization and scopes", "[remote][token]") {
  CHECK(remote::basic_authorization({"user", "pass", ""}) == "Basic dXNlcjpwYXNz");
  CHECK(remote::pull_scope("a/b") == "repository:a/b:pull");
  CHECK(remote::push_scope("a") == "repository:a:pull,push");
  CHECK(remote::delete_scope("a") == "repository:a:delete");
  CHECK(remote::detail::join_scopes(remote::detail::split_scopes(" b  a b ")) == "a b");
  CHECK(remote::detail::form_encode("a b/c:d") == "a%20b%2Fc%3Ad");
}

namespace {

remote::response answer(unsigned status, std::string body) {
  remote::response r;
  r.status = status;
  r.reason = "Reason";
  r.method = "PUT";
  r.url = "https://r.io/v2/app/manifests/1?_state=secret";
  r.body = std::move(body);
  return r;
}

std::string errors_body(std::string_view code) {
  return R"({"errors":[{"code":")" + std::string(code) +
         R"(","message":"what went wrong","detail":{"k":1}}]})";
}

}  // namespace

TEST_CASE("error_from_response: the mapping of statuses and codes", "[remote][errors]") {
  struct row {
    unsigned status;
    const char* code;
    errc want;
  };
  for (const row& r :
       std::initializer_list<row>{{401, "UNAUTHORIZED", errc::remote_unauthorized},
                                  {403, "DENIED", errc::remote_denied},
                                  {400, "DENIED", errc::remote_denied},
                                  {429, "TOOMANYREQUESTS", errc::remote_too_many_requests},
                                  {400, "TOOMANYREQUESTS", errc::remote_too_many_requests},
                                  {400, "DIGEST_INVALID", errc::store_digest_mismatch},
                                  {400, "SIZE_INVALID", errc::store_size_mismatch},
                                  {400, "MANIFEST_BLOB_UNKNOWN", errc::store_blob_missing},
                                  {400, "MANIFEST_INVALID", errc::store_manifest_invalid},
                                  {404, "MANIFEST_UNKNOWN", errc::store_not_found},
                                  {404, "BLOB_UNKNOWN", errc::store_not_found},
                                  {400, "NAME_UNKNOWN", errc::store_not_found},
                                  {404, "", errc::store_not_found},
                                  {405, "UNSUPPORTED", errc::remote_unsupported},
                                  {405, "", errc::remote_unsupported},
                                  {400, "UNSUPPORTED", errc::remote_unsupported},
                                  {400, "UNAUTHORIZED", errc::remote_unauthorized},
                                  {500, "", errc::remote_error},
                                  {400, "NAME_INVALID", errc::remote_error}}) {
    CAPTURE(r.status, r.code);
    const auto e = remote::error_from_response(
        answer(r.status, *r.code != 0 ? errors_body(r.code) : std::string("<html>junk")), "x");
    CHECK(e == r.want);
  }
}

TEST_CASE("error_from_response: the message", "[remote][errors]") {
  const auto e =
      remote::error_from_response(answer(404, errors_body("MANIFEST_UNKNOWN")), "pulling app:1");
  CHECK(e.message() ==
        "not found: pulling app:1: PUT https://r.io/v2/app/manifests/1 answered 404 Reason: "
        "MANIFEST_UNKNOWN: what went wrong ({\"k\":1})");
  // Junk bodies, control bytes and floods are tolerated and bounded.
  const auto junk = remote::error_from_response(answer(502, "not json"), "");
  CHECK(junk.message() ==
        "the registry answered with an error: PUT https://r.io/v2/app/manifests/1 answered 502 "
        "Reason");
  const auto hostile = remote::error_from_response(
      answer(400, R"({"errors":[{"code":"X","message":"a\nb\u001b[31m)" + std::string(5000, 'z') +
                      R"("},1,{"code":"Y"},{"code":"Z"},{"code":"W"}]})"),
      "");
  CHECK(hostile.message().find('\n') == std::string::npos);
  CHECK(hostile.message().find('\x1b') == std::string::npos);
  CHECK(hostile.message().size() < 1200);
  CHECK(hostile.message().find("(and 1 more)") != std::string::npos);
  CHECK(remote::parse_registry_errors(R"({"errors":"no"})").empty());
  CHECK(remote::parse_registry_errors(R"({"errors":[{"code":"A","message":"m"}]})").size() == 1);
}

// ---------------------------------------------------------------------------------------------
// Against tests/remote/http_server.py's token registry (tag [.server]).

namespace {

std::string env(const char* name) {
  const char* v = std::getenv(name);
  REQUIRE(v != nullptr);
  return v;
}

std::shared_ptr<remote::http_client> client() {
  remote::client_options o;
  o.max_retries = 0;
  o.io_timeout = std::chrono::milliseconds(5000);
  return std::make_shared<remote::http_client>(o);
}

remote::request req(std::string method, std::string u) {
  remote::request r;
  r.method = std::move(method);
  r.url = std::move(u);
  return r;
}

}  // namespace

TEST_CASE("session: anonymous pull, token cached per scope, upgrade to push",
          "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session s(client(), base, {"user", "pass", ""});
  for (int i = 0; i < 3; ++i) {
    auto r = s.send(req("GET", base + "/v2/app/manifests/1"), remote::pull_scope("app"));
    REQUIRE(r.has_value());
    CHECK(r->status == 200);
  }
  CHECK(s.stats().tokens_fetched == 1);
  // A push scope is wider: a new token.
  auto put = req("PUT", base + "/v2/app/manifests/1");
  put.body = "{}";
  auto p = s.send(put, remote::push_scope("app"));
  REQUIRE(p.has_value());
  CHECK(p->status == 200);
  CHECK(s.stats().tokens_fetched == 2);
  // A scope the caller did not name but the challenge asks for is fetched too.
  auto other = s.send(req("GET", base + "/v2/other/manifests/1"), remote::pull_scope("app"));
  REQUIRE(other.has_value());
  CHECK(other->status == 200);
  // open() works the same.
  auto o = s.open(req("GET", base + "/v2/app/blobs/sha256:1"), remote::pull_scope("app"));
  REQUIRE(o.has_value());
  CHECK((*o)->head().status == 200);
  CHECK(s.check().has_value());
}

TEST_CASE("session: a pull-only token refused on push is remote.denied",
          "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session s(client(), base, {"reader", "pass", ""});
  auto pull = s.send(req("GET", base + "/v2/app/manifests/1"), remote::pull_scope("app"));
  REQUIRE(pull.has_value());
  CHECK(pull->status == 200);
  auto put = req("PUT", base + "/v2/app/manifests/1");
  put.body = "{}";
  auto p = s.send(put, remote::push_scope("app"));
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error() == errc::remote_denied);
  CHECK(p.error().message().find("requested access to the resource is denied") !=
        std::string::npos);
  CHECK(p.error().message().find("repository:app:pull,push") != std::string::npos);
  CHECK(p.error().message().find("pass") == std::string::npos);
  auto o = s.open(put, remote::push_scope("app"));
  REQUIRE_FALSE(o.has_value());
  CHECK(o.error() == errc::remote_denied);
}

TEST_CASE("session: wrong credentials are remote.unauthorized, never printed",
          "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session s(client(), base, {"user", "WrongSecret", ""});
  auto r = s.send(req("GET", base + "/v2/app/manifests/1"), remote::pull_scope("app"));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::remote_unauthorized);
  CHECK(r.error().message().find("WrongSecret") == std::string::npos);
  auto c = s.check();
  REQUIRE_FALSE(c.has_value());
  CHECK(c.error() == errc::remote_unauthorized);
}

TEST_CASE("session: identity token exchanged with a POST", "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session s(client(), base, {"", "", "refresh-123"});
  auto put = req("PUT", base + "/v2/app/blobs/uploads/1");
  put.body = "x";
  auto r = s.send(put, remote::push_scope("app"));
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  remote::session bad(client(), base, {"", "", "refresh-wrong"});
  auto b = bad.send(req("GET", base + "/v2/app/manifests/1"), remote::pull_scope("app"));
  REQUIRE_FALSE(b.has_value());
  CHECK(b.error() == errc::remote_unauthorized);
}

TEST_CASE("session: a streamed body is authorised before it is sent",
          "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session s(client(), base, {"user", "pass", ""});
  const std::string data(3 << 20, 'q');
  ocikit::store::memory_source src(data);
  auto put = req("PUT", base + "/v2/app/blobs/uploads/2");
  put.stream = &src;
  put.content_length = static_cast<std::int64_t>(data.size());
  auto r = s.send(put, remote::push_scope("app"));
  INFO((r ? std::string() : r.error().message()));
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  CHECK(r->body.find("\"length\": 3145728") != std::string::npos);
  CHECK(s.stats().pings == 1);
  CHECK(s.stats().tokens_fetched == 1);
}

TEST_CASE("session: Basic auth on every request", "[.server][remote][session]") {
  const auto base = env("OCIKIT_TEST_HTTP");
  remote::session good(client(), base + "/basic", {"user", "pass", ""});
  CHECK(good.check().has_value());
  auto r = good.send(req("GET", base + "/basic/v2/app/tags/list"), remote::pull_scope("app"));
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
  remote::session wrong(client(), base + "/basic", {"user", "nope", ""});
  auto w = wrong.check();
  REQUIRE_FALSE(w.has_value());
  CHECK(w.error() == errc::remote_unauthorized);
  remote::session none(client(), base + "/basic");
  auto n = none.check();
  REQUIRE_FALSE(n.has_value());
  CHECK(n.error() == errc::remote_unauthorized);
}

TEST_CASE("session over TLS with the test CA", "[.server][remote][session][tls]") {
  const auto base = env("OCIKIT_TEST_HTTPS_NAME");
  remote::client_options o;
  o.tls.ca_file = env("OCIKIT_TEST_CA");
  remote::session s(std::make_shared<remote::http_client>(o), base, {"user", "pass", ""});
  auto r = s.send(req("GET", base + "/v2/app/manifests/1"), remote::pull_scope("app"));
  REQUIRE(r.has_value());
  CHECK(r->status == 200);
}
