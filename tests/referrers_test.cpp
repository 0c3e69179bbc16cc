#include "ocikit/referrers.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "ocikit/parse_manifest.hpp"

namespace {

constexpr std::string_view layer =
    R"({"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip",)"
    R"("digest":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",)"
    R"("size":32})";

std::string manifest(std::string_view config_media_type, std::string_view config_digest,
                     std::string_view config_size, std::string_view extra) {
  std::string out =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)";
  out += R"("config":{"mediaType":")";
  out += config_media_type;
  out += R"(","digest":")";
  out += config_digest;
  out += R"(","size":)";
  out += config_size;
  out += R"(},"layers":[)";
  out += layer;
  out += ']';
  out += extra;
  out += '}';
  return out;
}

}  // namespace

TEST_CASE("referrer_descriptor: media type, digest, size, artifactType, annotations",
          "[referrers]") {
  const std::string artifact =
      manifest("application/vnd.oci.empty.v1+json", ocikit::empty_blob_digest, "2",
               R"(,"artifactType":"application/vnd.example.sbom","annotations":{"k":"v"})");
  const auto a = ocikit::parse_manifest(artifact);
  REQUIRE(a.has_value());
  const ocikit::descriptor r = ocikit::referrer_descriptor(*a);
  CHECK(r.media_type == "application/vnd.oci.image.manifest.v1+json");
  CHECK(r.digest == a->digest);
  CHECK(r.size == static_cast<std::int64_t>(artifact.size()));
  CHECK(r.artifact_type == "application/vnd.example.sbom");
  CHECK(r.annotations == ocikit::annotation_map{{"k", "v"}});
  CHECK_FALSE(r.platform.has_value());
  CHECK_FALSE(r.data.has_value());

  // Without artifactType the config's media type stands in.
  const auto image = ocikit::parse_manifest(
      manifest("application/vnd.oci.image.config.v1+json",
               "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70", "7", ""));
  REQUIRE(image.has_value());
  CHECK(ocikit::referrer_descriptor(*image).artifact_type ==
        "application/vnd.oci.image.config.v1+json");
  CHECK(ocikit::referrer_descriptor(*image).annotations.empty());

  // An index has no config: no artifact type.
  const auto idx = ocikit::parse_manifest(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
      R"("manifests":[],"annotations":{"x":"y"}})");
  REQUIRE(idx.has_value());
  CHECK(ocikit::referrer_descriptor(*idx).artifact_type.empty());
  CHECK(ocikit::referrer_descriptor(*idx).media_type == "application/vnd.oci.image.index.v1+json");
  CHECK(ocikit::referrer_descriptor(*idx).annotations.at("x") == "y");
}

TEST_CASE("referrers_tag: <alg>-<encoded>", "[referrers]") {
  const auto d = ocikit::parse_digest(
      "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4");
  REQUIRE(d.has_value());
  CHECK(ocikit::referrers_tag(*d) ==
        "sha256-a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4");
  const std::string long_text = "sha512:" + std::string(128, 'a');
  const auto long_one = ocikit::parse_digest(long_text, ocikit::algorithm_set::all());
  REQUIRE(long_one.has_value());
  CHECK(ocikit::referrers_tag(*long_one) == "sha512-" + std::string(128, 'a'));
}
