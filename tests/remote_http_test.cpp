#include "ocikit/remote/http.hpp"

#include <catch2/catch.hpp>

using ocikit::errc;
using ocikit::remote::url;

TEST_CASE("url::parse splits absolute URLs", "[remote][url]") {
  auto u = url::parse("HTTPS://Example.COM:5000/v2/?n=1");
  REQUIRE(u);
  CHECK(u->scheme == "https");
  CHECK(u->host == "example.com");
  CHECK(u->port == "5000");
  CHECK(u->target == "/v2/?n=1");
  CHECK(u->origin() == "https://example.com:5000");
}
