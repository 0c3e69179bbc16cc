#include "ocikit/build.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "ocikit/json/serialize.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/validate.hpp"
#include "platform_support.hpp"

namespace {

namespace mt = ocikit::media_types;
using ocikit::errc;

constexpr std::string_view sha256_empty =
    "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
constexpr std::string_view sha256_abc =
    "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
constexpr std::string_view sha512_abc =
    "sha512:ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f";

using ocikit::test::make;

ocikit::descriptor blob(std::string_view media_type, std::string_view bytes) {
  return ocikit::descriptor_from_bytes(media_type, bytes).value();
}

std::vector<std::string> ids(const std::vector<ocikit::problem>& problems) {
  std::vector<std::string> out;
  out.reserve(problems.size());
  for (const auto& p : problems) {
    out.push_back(std::string(ocikit::to_string(p.severity)) + ' ' + std::string(p.id()) + ' ' +
                  std::string(p.pointer()));
  }
  return out;
}

// A small image: config, two layers.
ocikit::image_manifest_builder image_builder() {
  return ocikit::image_manifest_builder(blob(mt::oci_config, R"({"architecture":"amd64"})"))
      .layer(blob(mt::oci_layer_tar_gzip, "layer one"))
      .layer(blob(mt::oci_layer_tar_zstd, "layer two"));
}

}  // namespace

TEST_CASE("descriptor_from_bytes: known vectors", "[build][descriptor]") {
  const auto empty = ocikit::descriptor_from_bytes(mt::oci_empty, "{}");
  REQUIRE(empty.has_value());
  CHECK(empty->media_type == mt::oci_empty);
  CHECK(empty->digest == ocikit::empty_blob_digest);
  CHECK(empty->digest == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(empty->size == 2);
  CHECK_FALSE(empty->data.has_value());
  CHECK(empty->urls.empty());
  CHECK(empty->annotations.empty());
  CHECK_FALSE(empty->platform.has_value());

  const auto zero = ocikit::descriptor_from_bytes("text/plain", "");
  REQUIRE(zero.has_value());
  CHECK(zero->digest == sha256_empty);
  CHECK(zero->size == 0);

  CHECK(ocikit::descriptor_from_bytes("text/plain", "abc")->digest == sha256_abc);
  const auto big =
      ocikit::descriptor_from_bytes("text/plain", "abc", ocikit::digest_algorithm::sha512);
  REQUIRE(big.has_value());
  CHECK(big->digest == sha512_abc);
  CHECK(big->size == 3);

  const std::vector<std::byte> raw{std::byte{'a'}, std::byte{'b'}, std::byte{'c'}};
  CHECK(ocikit::descriptor_from_bytes("text/plain", std::span<const std::byte>(raw))->digest ==
        sha256_abc);
}

TEST_CASE("descriptor_from_bytes: refusals", "[build][descriptor]") {
  const auto bad = ocikit::descriptor_from_bytes("application", "{}");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == errc::manifest_descriptor_media_type_invalid);
  CHECK(bad.error().pointer() == "/mediaType");
  CHECK(bad.error().message() ==
        "invalid descriptor media type at /mediaType: 'application': it has no '/' between type "
        "and subtype");
  CHECK(ocikit::descriptor_from_bytes("text/plain; charset=utf-8", "x").error().code() ==
        errc::manifest_descriptor_media_type_invalid);

  const auto blake =
      ocikit::descriptor_from_bytes("text/plain", "x", ocikit::digest_algorithm::blake3);
  REQUIRE_FALSE(blake.has_value());
  CHECK(blake.error().id() == "hash.unavailable");
}

TEST_CASE("descriptor_from_stream: same as the bytes, in one pass", "[build][descriptor]") {
  std::string content;
  for (int i = 0; i < 200000; ++i) content += static_cast<char>('a' + i % 26);  // > 3 buffers
  std::istringstream in(content);
  const auto d = ocikit::descriptor_from_stream(mt::oci_layer_tar, in);
  REQUIRE(d.has_value());
  CHECK(*d == blob(mt::oci_layer_tar, content));
  CHECK(d->size == 200000);

  std::istringstream empty;
  CHECK(ocikit::descriptor_from_stream("text/plain", empty)->digest == sha256_empty);

  std::istringstream abc("abc");
  CHECK(
      ocikit::descriptor_from_stream("text/plain", abc, ocikit::digest_algorithm::sha512)->digest ==
      sha512_abc);

  std::istringstream failed("abc");
  failed.setstate(std::ios::failbit);
  const auto f = ocikit::descriptor_from_stream("text/plain", failed);
  REQUIRE_FALSE(f.has_value());
  CHECK(f.error().id() == "io.failed");

  std::istringstream any("abc");
  CHECK(ocikit::descriptor_from_stream("no slash", any).error().code() ==
        errc::manifest_descriptor_media_type_invalid);
}

TEST_CASE("descriptor_from_file", "[build][descriptor]") {
  const auto path = std::filesystem::temp_directory_path() /
                    ("ocikit_build_test_" + std::to_string(::getpid()) + ".bin");
  {
    std::ofstream out(path, std::ios::binary);
    out << "abc";
  }
  const auto d = ocikit::descriptor_from_file("text/plain", path);
  std::filesystem::remove(path);
  REQUIRE(d.has_value());
  CHECK(d->digest == sha256_abc);
  CHECK(d->size == 3);

  const auto missing = ocikit::descriptor_from_file("text/plain", path);
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().id() == "io.failed");
  CHECK(missing.error().message().find("No such file or directory") != std::string::npos);
}

TEST_CASE("descriptor_with_data: padded base64 (RFC 4648 vectors)", "[build][descriptor]") {
  CHECK(ocikit::descriptor_with_data(mt::oci_empty, "{}").value() == ocikit::empty_descriptor());
  const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                   {"f", "Zg=="},
                                                                   {"fo", "Zm8="},
                                                                   {"foo", "Zm9v"},
                                                                   {"foob", "Zm9vYg=="},
                                                                   {"fooba", "Zm9vYmE="},
                                                                   {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    CAPTURE(plain);
    const auto d = ocikit::descriptor_with_data("text/plain", plain);
    REQUIRE(d.has_value());
    CHECK(d->data == std::string(encoded));
    CHECK(d->size == static_cast<std::int64_t>(plain.size()));
  }
  // All 256 byte values: the validator decodes the data and checks its size and digest.
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  for (std::size_t n = 0; n <= all.size(); n += 37) {
    CAPTURE(n);
    const auto layer = ocikit::descriptor_with_data("application/octet-stream", all.substr(0, n));
    REQUIRE(layer.has_value());
    const auto m = ocikit::image_manifest_builder(ocikit::empty_descriptor())
                       .artifact_type("application/vnd.example")
                       .layer(*layer)
                       .problems();
    CHECK(m.empty());
  }
}

TEST_CASE("image_manifest_builder: a valid image", "[build][manifest]") {
  const auto built = image_builder()
                         .annotation("org.opencontainers.image.created", "2024-01-02T03:04:05Z")
                         .build();
  REQUIRE(built.has_value());
  CHECK(built->schema_version == 2);
  CHECK(built->media_type == mt::oci_manifest);
  CHECK(built->artifact_type.empty());
  CHECK(built->config.media_type == mt::oci_config);
  REQUIRE(built->layers.size() == 2);
  CHECK(built->layers[1].media_type == mt::oci_layer_tar_zstd);
  CHECK_FALSE(built->subject.has_value());
  CHECK(image_builder().problems().empty());

  // Round trip, and the digest of the bytes a registry would receive.
  const auto doc = ocikit::finalize(*built);
  REQUIRE(doc.has_value());
  const auto parsed = ocikit::parse_manifest(doc->bytes);
  REQUIRE(parsed.has_value());
  CHECK(parsed->manifest == ocikit::any_manifest(*built));
  CHECK(parsed->problems.empty());
  CHECK(doc->digest ==
        *ocikit::hash_bytes(ocikit::digest_algorithm::sha256, ocikit::serialize(*built)));
  CHECK(doc->digest == parsed->digest);
  CHECK(doc->size == parsed->size);
}

TEST_CASE("image_manifest_builder: an artifact with the empty config needs artifactType",
          "[build][manifest][artifact]") {
  auto b = ocikit::image_manifest_builder(ocikit::empty_descriptor())
               .layer(blob("application/spdx+json", R"({"spdxVersion":"SPDX-2.3"})"));
  const auto refused = b.build();
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == errc::manifest_artifact_type_missing);
  CHECK(refused.error().pointer() == "/artifactType");
  CHECK(ids(b.problems()) ==
        std::vector<std::string>{"error manifest.artifact_type_missing /artifactType"});

  const auto ok = b.artifact_type("application/vnd.example.sbom").build();
  REQUIRE(ok.has_value());
  CHECK(ok->artifact_type == "application/vnd.example.sbom");
  CHECK(ocikit::serialize(*ok).find(R"("artifactType":"application/vnd.example.sbom","config":)") !=
        std::string::npos);

  const auto bad = b.artifact_type("not a type").build();
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == errc::manifest_artifact_type_invalid);
}

TEST_CASE("image_manifest_builder: no layers is a warning, an error when strict",
          "[build][manifest]") {
  const auto b = ocikit::image_manifest_builder(blob(mt::oci_config, "{}"));
  CHECK(ids(b.problems()) == std::vector<std::string>{"warning manifest.layers_empty /layers"});
  CHECK(b.build().has_value());
  ocikit::build_options strict;
  strict.strict = true;
  const auto refused = b.build(strict);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error().code() == errc::manifest_layers_empty);
  CHECK(refused.error().pointer() == "/layers");
}

TEST_CASE("image_manifest_builder: every problem, with its pointer", "[build][manifest]") {
  ocikit::descriptor bad_layer = blob(mt::oci_layer_tar, "x");
  bad_layer.media_type = "tar";
  bad_layer.size = -1;
  ocikit::descriptor bad_data = blob("text/plain", "hello");
  bad_data.data = "aGVsbG8";  // unpadded
  ocikit::descriptor subject = blob(mt::oci_manifest, "{}");
  subject.urls = {"not a url"};
  const auto b = image_builder().layer(bad_layer).layer(bad_data).subject(subject);
  CHECK(ids(b.problems()) ==
        std::vector<std::string>{"error manifest.layer_media_type_invalid /layers/2/mediaType",
                                 "error manifest.layer_size_invalid /layers/2/size",
                                 "error manifest.data_invalid /layers/3/data",
                                 "error manifest.url_invalid /subject/urls/0"});
  const auto first = b.build();
  REQUIRE_FALSE(first.has_value());
  CHECK(first.error().code() == errc::manifest_layer_media_type_invalid);
  CHECK(first.error().pointer() == "/layers/2/mediaType");
}

TEST_CASE("image_manifest_builder: strings that are not UTF-8 are refused", "[build][manifest]") {
  const auto b = image_builder().annotation("note", "caf\xe9");
  const auto r = b.build();
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().id() == "json.invalid_utf8");
  // Valid UTF-8 and control characters are fine.
  CHECK(image_builder().annotation("note", "caf\xc3\xa9\n\t\x01").build().has_value());
}

TEST_CASE("image_manifest_builder: the size limit of registries", "[build][manifest]") {
  auto b = image_builder();
  const auto size = static_cast<std::size_t>(ocikit::finalize(b.model())->size);
  ocikit::build_options o;
  o.max_size = size;
  CHECK(b.build(o).has_value());
  o.max_size = size - 1;
  const auto r = b.build(o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().id() == "json.too_large");
}

TEST_CASE("image_manifest_builder: accepted digest algorithms", "[build][manifest]") {
  auto b = image_builder().layer(
      ocikit::descriptor_from_bytes(mt::oci_layer_tar, "x", ocikit::digest_algorithm::sha512)
          .value());
  CHECK(b.build().has_value());
  ocikit::build_options o;
  o.accepted_algorithms = ocikit::algorithm_set::parse("sha256").value();
  const auto r = b.build(o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::manifest_digest_not_accepted);
  CHECK(r.error().pointer() == "/layers/2/digest");
}

TEST_CASE("builders: annotation order never changes the bytes", "[build][determinism]") {
  const auto a = image_builder().annotation("b", "2").annotation("a", "1").annotation("c", "3");
  const auto b = image_builder().annotation("c", "3").annotation("a", "1").annotation("b", "2");
  const auto c = image_builder().annotations({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  const auto da = ocikit::finalize(a.build().value());
  const auto db = ocikit::finalize(b.build().value());
  const auto dc = ocikit::finalize(c.build().value());
  REQUIRE(da.has_value());
  CHECK(*da == *db);
  CHECK(*da == *dc);
  // A later value of a key replaces the earlier one.
  CHECK(image_builder().annotation("k", "old").annotation("k", "new").model().annotations ==
        ocikit::annotation_map{{"k", "new"}});
}

TEST_CASE("image_index_builder: a multi-platform index", "[build][index]") {
  const auto amd64 = ocikit::finalize(image_builder().build().value()).value();
  const auto arm64 =
      ocikit::finalize(image_builder().layer(blob(mt::oci_layer_tar, "arm")).build().value())
          .value();
  ocikit::platform windows = make("windows", "amd64");
  windows.os_version = "10.0.20348.2113";
  windows.os_features = {"win32k"};
  const auto idx =
      ocikit::image_index_builder()
          .manifest(amd64.to_descriptor(mt::oci_manifest), make("linux", "amd64"))
          .manifest(arm64.to_descriptor(mt::oci_manifest), make("linux", "arm64", "v8"))
          .manifest(amd64.to_descriptor(mt::oci_manifest), windows)
          .annotation("org.opencontainers.image.ref.name", "1.0")
          .build();
  REQUIRE(idx.has_value());
  CHECK(idx->schema_version == 2);
  CHECK(idx->media_type == mt::oci_index);
  REQUIRE(idx->manifests.size() == 3);
  CHECK(idx->manifests[0].digest == amd64.digest);
  CHECK(idx->manifests[0].size == amd64.size);
  CHECK(idx->manifests[1].platform == make("linux", "arm64", "v8"));
  CHECK(idx->manifests[2].platform == windows);

  const auto doc = ocikit::finalize(*idx);
  REQUIRE(doc.has_value());
  const auto parsed = ocikit::parse_manifest(doc->bytes);
  REQUIRE(parsed.has_value());
  CHECK(parsed->manifest == ocikit::any_manifest(*idx));
  CHECK(parsed->digest == doc->digest);
  CHECK(doc->bytes.find(R"("platform":{"architecture":"amd64","os":"windows",)"
                        R"("os.version":"10.0.20348.2113","os.features":["win32k"]}})") !=
        std::string::npos);

  // An empty index is valid.
  CHECK(ocikit::image_index_builder().build().has_value());
  CHECK(
      ocikit::serialize(ocikit::image_index_builder().model()) ==
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[]})");
}

TEST_CASE("image_index_builder: problems of entries", "[build][index]") {
  ocikit::platform no_os;
  no_os.architecture = "amd64";
  auto entry = blob(mt::oci_manifest, "{}");
  const auto b = ocikit::image_index_builder().manifest(entry, no_os).artifact_type("x");
  CHECK(ids(b.problems()) ==
        std::vector<std::string>{"error manifest.artifact_type_invalid /artifactType",
                                 "error manifest.missing_field /manifests/0/platform/os"});
  ocikit::platform reserved = make("linux", "amd64");
  reserved.features = {"sse4"};
  const auto w = ocikit::image_index_builder().manifest(entry, reserved);
  CHECK(ids(w.problems()) == std::vector<std::string>{"warning manifest.platform_features_reserved "
                                                      "/manifests/0/platform/features"});
  CHECK(w.build().has_value());
}

TEST_CASE("builders: a referrer with a subject", "[build][referrers]") {
  const auto image = ocikit::finalize(image_builder().build().value()).value();
  const auto sbom = ocikit::image_manifest_builder(ocikit::empty_descriptor())
                        .artifact_type("application/spdx+json")
                        .layer(ocikit::descriptor_with_data("application/spdx+json", "{}").value())
                        .subject(image.to_descriptor(mt::oci_manifest))
                        .annotation("org.opencontainers.image.created", "2024-01-02T03:04:05Z")
                        .build();
  REQUIRE(sbom.has_value());
  const auto doc = ocikit::finalize(*sbom).value();
  const auto parsed = ocikit::parse_manifest(doc.bytes).value();
  CHECK(parsed.manifest.subject()->digest == image.digest);
  const ocikit::descriptor r = ocikit::referrer_descriptor(parsed);
  CHECK(r.artifact_type == "application/spdx+json");
  CHECK(r.digest == doc.digest);
  CHECK(r.annotations.size() == 1);

  // A referrers index lists it.
  const auto referrers = ocikit::image_index_builder().manifest(r).build();
  REQUIRE(referrers.has_value());
  CHECK(ocikit::referrers_tag(image.digest) == "sha256-" + std::string(image.digest.encoded()));
}

TEST_CASE("make_image_manifest / make_image_index", "[build]") {
  const auto m = ocikit::make_image_manifest(
      blob(mt::oci_config, "{}"), {blob(mt::oci_layer_tar, "a"), blob(mt::oci_layer_tar, "b")});
  REQUIRE(m.has_value());
  CHECK(m->media_type == mt::oci_manifest);
  CHECK(m->layers.size() == 2);
  CHECK(ocikit::make_image_manifest(ocikit::empty_descriptor(), {blob(mt::oci_layer_tar, "a")})
            .error()
            .code() == errc::manifest_artifact_type_missing);

  auto entry = ocikit::finalize(*m)->to_descriptor(mt::oci_manifest);
  entry.platform = make("linux", "riscv64");
  const auto idx = ocikit::make_image_index({entry});
  REQUIRE(idx.has_value());
  CHECK(idx->media_type == mt::oci_index);
  CHECK(idx->manifests.front() == entry);
}

TEST_CASE("validate_model: Docker kinds and any_manifest", "[build][docker]") {
  ocikit::docker_manifest d;
  d.config = blob(mt::docker_config, "{}");
  d.layers = {blob(mt::docker_foreign_layer_tar_gzip, "x")};
  // Docker documents require their mediaType: without it the bytes read as an OCI manifest.
  CHECK(ids(ocikit::validate_model(d)) ==
        std::vector<std::string>{"error manifest.media_type_mismatch "});
  d.media_type = std::string(mt::docker_manifest);
  CHECK(ids(ocikit::validate_model(d)) ==
        std::vector<std::string>{"error manifest.foreign_layer_urls /layers/0"});
  d.layers[0].urls = {"https://example.com/layer"};
  CHECK(ocikit::validate_model(d).empty());
  CHECK(ocikit::validate_model(ocikit::any_manifest(d)).empty());

  ocikit::docker_manifest_list list;
  list.media_type = std::string(mt::docker_manifest_list);
  list.manifests = {blob(mt::docker_manifest, "{}")};
  CHECK(ids(ocikit::validate_model(list)) ==
        std::vector<std::string>{"warning manifest.platform_missing /manifests/0/platform"});

  // An image manifest model whose mediaType names another kind.
  ocikit::image_manifest wrong = image_builder().model();
  wrong.media_type = std::string(mt::oci_index);
  const auto p = ocikit::validate_model(wrong);
  REQUIRE(p.size() == 1);
  CHECK(p.front().severity == ocikit::severity::error);
  CHECK(p.front().id() == "manifest.ambiguous");
}

TEST_CASE("check_options: one struct for parse, validate and build, designated",
          "[build][options]") {
  static_assert(std::is_same_v<ocikit::build_options, ocikit::check_options>);
  static_assert(std::is_same_v<ocikit::validate_options, ocikit::check_options>);
  const auto layerless = ocikit::image_manifest_builder(ocikit::empty_descriptor())
                             .artifact_type("application/vnd.example");
  // A manifest without layers: a warning, an error with `strict`, the same in all three.
  CHECK(layerless.build().has_value());
  CHECK(layerless.build({.strict = true}).error().code() == errc::manifest_layers_empty);
  const std::string bytes = ocikit::serialize(layerless.model());
  const auto parsed = ocikit::parse_manifest(bytes);
  REQUIRE(parsed.has_value());
  CHECK(ocikit::parse_manifest(bytes, {.checks = {.strict = true}}).error().code() ==
        errc::manifest_layers_empty);
  CHECK(ocikit::has_errors(ocikit::validate(*parsed, {.strict = true})));
  CHECK_FALSE(ocikit::has_errors(ocikit::validate(*parsed, {})));
  // max_size bounds the parse and the build alike.
  const ocikit::check_options small{.max_size = bytes.size() - 1};
  CHECK(ocikit::parse_manifest(bytes, {.checks = small}).error().code() == errc::json_too_large);
  CHECK(layerless.build(small).error().code() == errc::json_too_large);
  CHECK(ocikit::parse_manifest(bytes, {.expected_media_type = ocikit::media_types::oci_manifest,
                                       .checks = {.max_size = bytes.size()}})
            .has_value());
}
