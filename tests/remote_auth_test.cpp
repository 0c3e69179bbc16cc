#include "ocikit/remote/session.hpp"

#include <catch2/catch.hpp>

#include "ocikit/remote/challenge.hpp"
#include "ocikit/remote/registry_error.hpp"

using ocikit::errc;
namespace remote = ocikit::remote;

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
