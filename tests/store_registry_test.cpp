#include "ocikit/store/registry.hpp"

#include <catch2/catch.hpp>
#include <string>

namespace {

using ocikit::errc;
using ocikit::store::parse_target;

}  // namespace

TEST_CASE("parse_target: repository, tag, digest, default tag") {
  auto t = parse_target("marketing/campaign10-18/email-sender", "localhost");
  REQUIRE(t.has_value());
  CHECK(t->repository == "marketing/campaign10-18/email-sender");
  CHECK(t->tag == "latest");
  CHECK(!t->digest);

  t = parse_target("a/b:v1", "localhost");
  REQUIRE(t.has_value());
  CHECK(t->repository == "a/b");
  CHECK(t->tag == "v1");

  const std::string d = "sha256:" + std::string(64, 'a');
  t = parse_target("a@" + d, "localhost");
  REQUIRE(t.has_value());
  CHECK(t->repository == "a");
  CHECK(t->tag.empty());
  REQUIRE(t->digest);
  CHECK(t->digest->str() == d);
  CHECK(t->string() == "a@" + d);

  t = parse_target("a", "localhost", false);
  REQUIRE(t.has_value());
  CHECK(t->is_repository());
}

TEST_CASE("parse_target: the store's login server is stripped, others are refused") {
  auto t = parse_target("localhost/team/app:v2", "localhost");
  REQUIRE(t.has_value());
  CHECK(t->repository == "team/app");
  CHECK(t->tag == "v2");

  t = parse_target("myreg.azurecr.io/team/app", "myreg.azurecr.io");
  REQUIRE(t.has_value());
  CHECK(t->repository == "team/app");

  t = parse_target("localhost:5000/team/app", "localhost:5000");
  REQUIRE(t.has_value());
  CHECK(t->repository == "team/app");

  t = parse_target("docker.io/library/alpine", "localhost");
  REQUIRE(!t.has_value());
  CHECK(t.error() == errc::store_wrong_registry);
  CHECK(t.error().message() ==
        "wrong registry: 'docker.io/library/alpine' names the registry 'docker.io', but this "
        "store's login server is 'localhost'");

  // A first component that is not a host is part of the repository name.
  t = parse_target("team/app", "other.example");
  REQUIRE(t.has_value());
  CHECK(t->repository == "team/app");
}

TEST_CASE("parse_target: malformed references keep the reference parser's error") {
  auto t = parse_target("Team/app", "localhost");
  REQUIRE(!t.has_value());
  CHECK(t.error() == ocikit::condition::name_contains_uppercase);

  t = parse_target("a:b:c", "localhost");
  REQUIRE(!t.has_value());
  CHECK(t.error().condition() == ocikit::condition::invalid_format);

  t = parse_target("", "localhost");
  REQUIRE(!t.has_value());
  CHECK(t.error() == errc::reference_empty);

  t = parse_target("localhost/", "localhost");
  REQUIRE(!t.has_value());
  CHECK(t.error() == errc::reference_empty);
}

TEST_CASE("check_repository and check_tag") {
  CHECK(ocikit::store::check_repository("a/b-c/d_e").has_value());
  CHECK(!ocikit::store::check_repository("").has_value());
  CHECK(ocikit::store::check_repository("").error() == errc::store_invalid_name);
  CHECK(!ocikit::store::check_repository("a//b").has_value());
  CHECK(!ocikit::store::check_repository("_oci").has_value());
  CHECK(!ocikit::store::check_repository("a/_oci").has_value());
  CHECK(!ocikit::store::check_repository("a:b").has_value());
  CHECK(ocikit::store::check_tag("v1.0_rc-1").has_value());
  CHECK(ocikit::store::check_tag(".x").error() == errc::reference_invalid_tag);
  CHECK(ocikit::store::check_tag(std::string(129, 'a')).error() == errc::reference_tag_too_long);
}
