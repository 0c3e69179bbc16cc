#include "ocikit/policy.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {
ocikit::reference_view strict(std::string_view s) {
  auto r = ocikit::parse_reference(s);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("azure policy accepts lowercase login servers without a port", "[policy]") {
  const auto azure = ocikit::registry_policy::azure();
  for (const char* s : {"myregistry.azurecr.io/samples/hello-world:v1",
                        "myregistry.azurecr.io/team_a/app.web/api-v2@sha256:"
                        "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"}) {
    CAPTURE(s);
    const auto v = strict(s);
    CHECK(ocikit::check_policy(v, azure).has_value());
    CHECK(ocikit::check_policy(ocikit::reference(v), azure).has_value());
  }
}

TEST_CASE("azure policy rejects uppercase, ports and missing registries", "[policy]") {
  const auto azure = ocikit::registry_policy::azure();
  {
    const auto r = ocikit::check_policy(strict("MyRegistry.azurecr.io/app:1"), azure);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == ocikit::errc::policy_uppercase);
    CHECK(r.error().condition() == ocikit::condition::policy_violation);
    CHECK(r.error().offset() == 0);
    CHECK(r.error().message() ==
          "registry policy: the login server must be lowercase: 'M' at byte 0");
  }
  {
    const auto r = ocikit::check_policy(strict("myregistry.azurecr.io:443/app:1"), azure);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().id() == "policy.port");
    CHECK(r.error().offset() == 21);
    CHECK(r.error().message() ==
          "registry policy: the login server must not name a port (byte 21)");
  }
  {
    const auto r = ocikit::check_policy(strict("app:1"), azure);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error() == ocikit::errc::policy_missing_domain);
  }
}

TEST_CASE("policy port detection understands IPv6 hosts", "[policy]") {
  CHECK(ocikit::detail::port_colon("[::1]") == std::string_view::npos);
  CHECK(ocikit::detail::port_colon("[::1]:5000") == 5);
  CHECK(ocikit::detail::port_colon("localhost:5000") == 9);
  CHECK(ocikit::detail::port_colon("example.com") == std::string_view::npos);
}

TEST_CASE("a custom repository character set reports the offending byte", "[policy]") {
  ocikit::registry_policy p;
  p.repository_chars = "abcdefghijklmnopqrstuvwxyz0123456789/";
  const auto r = ocikit::check_policy(strict("example.com/team/my-app"), p);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == ocikit::errc::policy_invalid_character);
  CHECK(r.error().offset() == 19);
  CHECK(r.error().character() == '-');
  const auto n = ocikit::parse_normalized_reference("team/my-app");
  REQUIRE(n.has_value());
  const auto rn = ocikit::check_policy(*n, p);
  REQUIRE_FALSE(rn.has_value());
  CHECK(rn.error().offset() == std::string_view("docker.io/team/my").size());
  CHECK(ocikit::check_policy(strict("example.com/team/myapp"), p).has_value());
}
