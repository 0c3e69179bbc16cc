// Tests of ocikit/distribution.hpp: Docker Hub's host, the scheme, every endpoint URL of
// distribution-spec v1.1 (tag, digest, both, default tag, ports, nested names, query encoding),
// upload Locations, the manifest Accept value and the response checks with their exact errors.
#include "ocikit/distribution.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "ocikit/hash.hpp"

namespace {

namespace dist = ocikit::distribution;

constexpr std::string_view d256 =
    "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0";

const std::string oci_manifest_doc =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
    R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","digest":)"
    R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a","size":2},)"
    R"("layers":[]})";

const std::string untyped_index_doc = R"({"schemaVersion":2,"manifests":[]})";

template <class T>
bool ok(const ocikit::result<T>& r) {
  return r.has_value();
}

std::string sha256_of(std::string_view bytes) {
  return ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes).value().str();
}

}  // namespace

TEST_CASE("registry_host maps Docker Hub's domains to its API host", "[distribution]") {
  CHECK(dist::registry_host("docker.io") == "registry-1.docker.io");
  CHECK(dist::registry_host("index.docker.io") == "registry-1.docker.io");
  CHECK(dist::registry_host("") == "registry-1.docker.io");
  CHECK(dist::registry_host("registry-1.docker.io") == "registry-1.docker.io");
  CHECK(dist::registry_host("ghcr.io") == "ghcr.io");
  CHECK(dist::registry_host("localhost:5000") == "localhost:5000");
  CHECK(dist::registry_host("docker.io:443") == "docker.io:443");
  CHECK(dist::registry_host("myregistry.azurecr.io") == "myregistry.azurecr.io");
  static_assert(dist::registry_host("docker.io") == dist::docker_hub_registry_host);
}

TEST_CASE("endpoint of a familiar Docker Hub name", "[distribution]") {
  const auto ep = dist::endpoint::of("ubuntu:24.04").value();
  CHECK(ep.scheme() == "https");
  CHECK(ep.domain() == "docker.io");
  CHECK(ep.host() == "registry-1.docker.io");
  CHECK(ep.repository() == "library/ubuntu");
  CHECK(ep.reference() == "24.04");
  CHECK(ep.origin() == "https://registry-1.docker.io");
  CHECK(ep.api_check() == "https://registry-1.docker.io/v2/");
  CHECK(ep.manifest() == "https://registry-1.docker.io/v2/library/ubuntu/manifests/24.04");
  CHECK(ep.tags() == "https://registry-1.docker.io/v2/library/ubuntu/tags/list");
  CHECK(ep.catalog() == "https://registry-1.docker.io/v2/_catalog");
}

TEST_CASE("endpoint: default tag, digest, and tag plus digest", "[distribution]") {
  CHECK(dist::endpoint::of("alpine").value().reference() == "latest");
  CHECK(dist::endpoint::of("index.docker.io/user/app").value().host() == "registry-1.docker.io");
  CHECK(dist::endpoint::of("index.docker.io/user/app").value().repository() == "user/app");

  const auto by_digest = dist::endpoint::of("ghcr.io/org/app@" + std::string(d256)).value();
  CHECK(by_digest.reference() == d256);
  CHECK(by_digest.manifest() == "https://ghcr.io/v2/org/app/manifests/" + std::string(d256));

  const auto both = dist::endpoint::of("ghcr.io/org/app:v1@" + std::string(d256)).value();
  CHECK(both.reference() == d256);
  CHECK(both.manifest("v2") == "https://ghcr.io/v2/org/app/manifests/v2");
}

TEST_CASE("endpoint: plain http only when asked, ports and nested names", "[distribution]") {
  const auto secure = dist::endpoint::of("localhost:5000/team/a/b:v1").value();
  CHECK(secure.scheme() == "https");
  CHECK(secure.manifest() == "https://localhost:5000/v2/team/a/b/manifests/v1");

  const auto plain = dist::endpoint::of("127.0.0.1:5000/team/a/b:v1", {.plain_http = true}).value();
  CHECK(plain.scheme() == "http");
  CHECK(plain.host() == "127.0.0.1:5000");
  CHECK(plain.repository() == "team/a/b");
  CHECK(plain.blob(d256) == "http://127.0.0.1:5000/v2/team/a/b/blobs/" + std::string(d256));
  CHECK(plain.upload() == "http://127.0.0.1:5000/v2/team/a/b/blobs/uploads/");
}

TEST_CASE("endpoint: upload, mount, tags paging, referrers and catalog queries", "[distribution]") {
  const auto ep = dist::endpoint::of("registry.example.com/app").value();
  const std::string digest_q = "sha256%3A" + std::string(d256.substr(7));
  CHECK(ep.upload(d256) == "https://registry.example.com/v2/app/blobs/uploads/?digest=" + digest_q);
  CHECK(ep.mount(d256, "team/base") == "https://registry.example.com/v2/app/blobs/uploads/?mount=" +
                                           digest_q + "&from=team%2Fbase");
  CHECK(ep.tags(50) == "https://registry.example.com/v2/app/tags/list?n=50");
  CHECK(ep.tags(50, "v1.2") == "https://registry.example.com/v2/app/tags/list?n=50&last=v1.2");
  CHECK(ep.tags(0, "v9") == "https://registry.example.com/v2/app/tags/list?last=v9");
  CHECK(ep.referrers(d256) == "https://registry.example.com/v2/app/referrers/" + std::string(d256));
  CHECK(ep.referrers(d256, "application/vnd.cncf.notary.signature") ==
        "https://registry.example.com/v2/app/referrers/" + std::string(d256) +
            "?artifactType=application%2Fvnd.cncf.notary.signature");
  CHECK(ep.referrers(d256, "application/spdx+json").ends_with("application%2Fspdx%2Bjson"));
  CHECK(ep.catalog(100, "a/b") == "https://registry.example.com/v2/_catalog?n=100&last=a%2Fb");
  CHECK(dist::endpoint::referrers_tag(ocikit::parse_digest(d256).value()) ==
        "sha256-" + std::string(d256.substr(7)));
}

TEST_CASE("endpoint: a malformed reference is refused with its parse error", "[distribution]") {
  const auto upper = dist::endpoint::of("localhost/App");
  REQUIRE_FALSE(ok(upper));
  CHECK(upper.error().id() == "reference.uppercase");
  const auto empty = dist::endpoint::of("");
  REQUIRE_FALSE(ok(empty));
  CHECK(empty.error().id() == "reference.invalid_path");
  const auto bad_tag = dist::endpoint::of("app:-x");
  REQUIRE_FALSE(ok(bad_tag));
  CHECK(bad_tag.error().id() == "reference.invalid_tag");
}

TEST_CASE("resolve_location and finish_upload keep the registry's query", "[distribution]") {
  const auto ep = dist::endpoint::of("localhost:5000/app", {.plain_http = true}).value();
  CHECK(dist::resolve_location(ep, "/v2/app/blobs/uploads/u1?_state=abc").value() ==
        "http://localhost:5000/v2/app/blobs/uploads/u1?_state=abc");
  CHECK(dist::resolve_location(ep, "https://storage.example/u1").value() ==
        "https://storage.example/u1");
  const auto relative = dist::resolve_location(ep, "uploads/u1");
  REQUIRE_FALSE(ok(relative));
  CHECK(relative.error().id() == "reference.invalid_argument");
  CHECK(relative.error().message() ==
        "invalid upload Location 'uploads/u1': expected an absolute URL or a path starting with "
        "'/'");
  CHECK_FALSE(ok(dist::resolve_location(ep, "")));
  CHECK_FALSE(ok(dist::resolve_location(ep, "//evil.example/u1")));

  CHECK(dist::finish_upload("http://h/v2/app/blobs/uploads/u1?_state=abc", d256) ==
        "http://h/v2/app/blobs/uploads/u1?_state=abc&digest=sha256%3A" +
            std::string(d256.substr(7)));
  CHECK(dist::finish_upload("http://h/v2/app/blobs/uploads/u1", d256)
            .ends_with("/u1?digest=sha256%3A" + std::string(d256.substr(7))));
}

TEST_CASE("manifest_accept lists the four kinds, OCI first", "[distribution]") {
  const std::string_view a = dist::manifest_accept;
  CHECK(a.starts_with("application/vnd.oci.image.manifest.v1+json, "));
  for (const auto kind :
       {ocikit::manifest_kind::oci_manifest, ocikit::manifest_kind::oci_index,
        ocikit::manifest_kind::docker_manifest, ocikit::manifest_kind::docker_manifest_list}) {
    CHECK(a.find(ocikit::media_type_of(kind)) != std::string_view::npos);
  }
}

TEST_CASE("check_content_type compares the header with the document", "[distribution]") {
  CHECK(
      ok(dist::check_content_type("application/vnd.oci.image.manifest.v1+json", oci_manifest_doc)));
  CHECK(ok(dist::check_content_type("application/vnd.oci.image.manifest.v1+json; charset=utf-8",
                                    oci_manifest_doc)));
  const auto wrong =
      dist::check_content_type("application/vnd.oci.image.index.v1+json", oci_manifest_doc);
  REQUIRE_FALSE(ok(wrong));
  CHECK(wrong.error().id() == "manifest.media_type_mismatch");
  CHECK(wrong.error().message() ==
        "media type mismatch: the response's Content-Type is "
        "'application/vnd.oci.image.index.v1+json' but the document is "
        "'application/vnd.oci.image.manifest.v1+json'");

  // No mediaType in the document: the detected kind decides.
  CHECK(ok(dist::check_content_type("application/vnd.oci.image.index.v1+json", untyped_index_doc)));
  const auto untyped = dist::check_content_type("application/json", untyped_index_doc);
  REQUIRE_FALSE(ok(untyped));
  CHECK(untyped.error().message() ==
        "media type mismatch: the response's Content-Type is 'application/json' but the document "
        "is of kind 'application/vnd.oci.image.index.v1+json'");

  const auto missing = dist::check_content_type("", oci_manifest_doc);
  REQUIRE_FALSE(ok(missing));
  CHECK(missing.error().id() == "manifest.media_type_mismatch");

  const auto not_json = dist::check_content_type("application/json", "<html>");
  REQUIRE_FALSE(ok(not_json));
  CHECK(not_json.error().id() == "json.syntax");
}

TEST_CASE("check_content_digest verifies the header against the bytes", "[distribution]") {
  const std::string good = sha256_of(oci_manifest_doc);
  CHECK(ok(dist::check_content_digest(good, oci_manifest_doc)));
  CHECK(ok(dist::check_content_digest(good, oci_manifest_doc, good)));
  CHECK(ok(dist::check_content_digest("", oci_manifest_doc)));  // no header, nothing requested
  CHECK(ok(dist::check_content_digest("", oci_manifest_doc, good)));

  const auto mismatch = dist::check_content_digest(d256, oci_manifest_doc);
  REQUIRE_FALSE(ok(mismatch));
  CHECK(mismatch.error().id() == "content.digest_mismatch");
  CHECK(mismatch.error().message() ==
        "content digest mismatch: expected " + std::string(d256) + ", got " + good);

  const auto header_vs_request = dist::check_content_digest(good, oci_manifest_doc, d256);
  REQUIRE_FALSE(ok(header_vs_request));
  CHECK(header_vs_request.error().message() ==
        "content digest mismatch: requested " + std::string(d256) +
            ", the registry's Docker-Content-Digest is " + good);

  const auto requested_only = dist::check_content_digest("", "other bytes", good);
  REQUIRE_FALSE(ok(requested_only));
  CHECK(requested_only.error().id() == "content.digest_mismatch");

  const auto malformed = dist::check_content_digest("sha256:XYZ", oci_manifest_doc);
  REQUIRE_FALSE(ok(malformed));
  CHECK(malformed.error().id() == "digest.invalid_length");

  const std::string sha512 =
      ocikit::hash_bytes(ocikit::digest_algorithm::sha512, oci_manifest_doc).value().str();
  CHECK(ok(dist::check_content_digest(sha512, oci_manifest_doc)));
}
