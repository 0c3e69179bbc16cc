// Tests of ocikit/remote/url.hpp: absolute http(s) URLs split and refused, `Location` resolution.
#include "ocikit/remote/url.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <string>

using ocikit::errc;
namespace remote = ocikit::remote;
using remote::url;

TEST_CASE("url::parse splits absolute URLs", "[remote][url]") {
  auto u = url::parse("HTTPS://Example.COM:5000/v2/?n=1");
  REQUIRE(u.has_value());
  CHECK(u->scheme == "https");
  CHECK(u->host == "example.com");
  CHECK(u->port == "5000");
  CHECK(u->target == "/v2/?n=1");
  CHECK(u->origin() == "https://example.com:5000");
  CHECK(u->host_header() == "example.com:5000");
  CHECK(u->string() == "https://example.com:5000/v2/?n=1");
  CHECK(u->redacted() == "https://example.com:5000/v2/");
  CHECK_FALSE(u->host_is_address());

  auto d = url::parse("http://registry");
  REQUIRE(d.has_value());
  CHECK(d->port == "80");
  CHECK(d->target == "/");
  CHECK(d->origin() == "http://registry");
  CHECK(d->host_header() == "registry");

  auto q = url::parse("https://h?x=1");
  REQUIRE(q.has_value());
  CHECK(q->port == "443");
  CHECK(q->target == "/?x=1");

  auto v6 = url::parse("http://[::1]:5000/v2/");
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->host_header() == "[::1]:5000");
  CHECK(v6->origin() == "http://[::1]:5000");
  CHECK(v6->host_is_address());

  auto ip = url::parse("https://127.0.0.1:443/");
  REQUIRE(ip.has_value());
  CHECK(ip->host_is_address());
  CHECK(ip->origin() == "https://127.0.0.1");
  CHECK(url::parse("http://h:0080/")->port == "80");
}

TEST_CASE("url::parse refuses what is not an absolute http(s) URL", "[remote][url]") {
  for (const char* bad :
       {"", "registry/v2/", "ftp://h/", "http://", "http:///v2/", "http://user:pw@h/", "http://h:/",
        "http://h:99999/", "http://h:0/", "http://h:12a/", "http://h/a b", "http://h/a#frag",
        "http://[::1/", "http://[zz]/", "http://[::1]x/", "http://h\r\n/", "http://h/\x7f",
        "http://h/\xc3\xa9", "http://h^/"}) {
    CAPTURE(bad);
    auto u = url::parse(bad);
    REQUIRE_FALSE(u.has_value());
    CHECK(u.error() == errc::remote_url_invalid);
  }
  // The message names the URL without its query and without credentials.
  auto u = url::parse("http://user:secret@h/?token=abc");
  REQUIRE_FALSE(u.has_value());
  CHECK(u.error().message().find("secret") != std::string::npos);  // the user wrote it
  CHECK(u.error().message().find("token=abc") == std::string::npos);
}

TEST_CASE("redirect Location resolution", "[remote][url]") {
  const auto base = *url::parse("https://r.io:5000/v2/a/blobs/sha256:1?x=1");
  using remote::detail::resolve_location;
  CHECK(resolve_location(base, "https://s3.example/b?sig=1") == "https://s3.example/b?sig=1");
  CHECK(resolve_location(base, "//cdn.example/b") == "https://cdn.example/b");
  CHECK(resolve_location(base, "/v2/c") == "https://r.io:5000/v2/c");
  CHECK(resolve_location(base, "?y=2") == "https://r.io:5000/v2/a/blobs/sha256:1?y=2");
  CHECK(resolve_location(base, "other") == "https://r.io:5000/v2/a/blobs/other");
  CHECK(resolve_location(base, "/x#frag") == "https://r.io:5000/x");
}
