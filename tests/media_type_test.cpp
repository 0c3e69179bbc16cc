#include "ocikit/media_type.hpp"

#include <catch2/catch.hpp>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <tao/pegtl/contrib/analyze.hpp>

#include "ocikit/grammar/media_type.hpp"

namespace {

namespace mt = ocikit::media_types;
namespace pegtl = tao::pegtl;

bool grammar_accepts(std::string_view s) {
  pegtl::memory_input<> in(s.data(), s.size(), "");
  return pegtl::parse<ocikit::grammar::media_type_only>(in);
}

// Checked at compile time.
static_assert(ocikit::is_valid_media_type("application/vnd.oci.image.manifest.v1+json"));
static_assert(!ocikit::is_valid_media_type("application"));
static_assert(ocikit::manifest_kind_of(mt::docker_manifest_list) ==
              ocikit::manifest_kind::docker_manifest_list);
static_assert(ocikit::layer_compression(mt::oci_layer_tar_zstd) == ocikit::compression::zstd);

}  // namespace

TEST_CASE("media types: constants", "[media_type]") {
  CHECK(mt::oci_manifest == "application/vnd.oci.image.manifest.v1+json");
  CHECK(mt::oci_index == "application/vnd.oci.image.index.v1+json");
  CHECK(mt::oci_config == "application/vnd.oci.image.config.v1+json");
  CHECK(mt::oci_empty == "application/vnd.oci.empty.v1+json");
  CHECK(mt::oci_descriptor == "application/vnd.oci.descriptor.v1+json");
  CHECK(mt::oci_layout_header == "application/vnd.oci.layout.header.v1+json");
  CHECK(mt::oci_layer_tar == "application/vnd.oci.image.layer.v1.tar");
  CHECK(mt::oci_layer_tar_gzip == "application/vnd.oci.image.layer.v1.tar+gzip");
  CHECK(mt::oci_layer_nondistributable_tar_zstd ==
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd");
  CHECK(mt::oci_artifact_manifest == "application/vnd.oci.artifact.manifest.v1+json");
  CHECK(mt::docker_manifest == "application/vnd.docker.distribution.manifest.v2+json");
  CHECK(mt::docker_manifest_list == "application/vnd.docker.distribution.manifest.list.v2+json");
  CHECK(mt::docker_manifest_v1_signed ==
        "application/vnd.docker.distribution.manifest.v1+prettyjws");
  CHECK(mt::docker_config == "application/vnd.docker.container.image.v1+json");
  CHECK(mt::docker_foreign_layer_tar_gzip ==
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip");
  CHECK(mt::helm_chart == "application/vnd.cncf.helm.chart.content.v1.tar+gzip");
  CHECK(mt::notary_signature == "application/vnd.cncf.notary.signature");
  CHECK(mt::wasm == "application/wasm");
  // Every constant is a valid descriptor media type.
  for (std::string_view c : {mt::oci_descriptor,
                             mt::oci_layout_header,
                             mt::oci_index,
                             mt::oci_manifest,
                             mt::oci_config,
                             mt::oci_empty,
                             mt::oci_layer_tar,
                             mt::oci_layer_tar_gzip,
                             mt::oci_layer_tar_zstd,
                             mt::oci_layer_nondistributable_tar,
                             mt::oci_layer_nondistributable_tar_gzip,
                             mt::oci_layer_nondistributable_tar_zstd,
                             mt::oci_artifact_manifest,
                             mt::docker_manifest,
                             mt::docker_manifest_list,
                             mt::docker_manifest_v1,
                             mt::docker_manifest_v1_signed,
                             mt::docker_config,
                             mt::docker_layer_tar_gzip,
                             mt::docker_foreign_layer_tar_gzip,
                             mt::docker_layer_tar,
                             mt::docker_plugin_config,
                             mt::helm_config,
                             mt::helm_chart,
                             mt::cosign_simple_signing,
                             mt::dsse_envelope,
                             mt::notary_signature,
                             mt::spdx_json,
                             mt::cyclonedx_json,
                             mt::in_toto_json,
                             mt::wasm_config,
                             mt::wasm}) {
    CAPTURE(c);
    CHECK(ocikit::is_valid_media_type(c));
  }
}

TEST_CASE("media types: the four document kinds", "[media_type]") {
  using ocikit::manifest_kind;
  for (manifest_kind k : {manifest_kind::oci_manifest, manifest_kind::oci_index,
                          manifest_kind::docker_manifest, manifest_kind::docker_manifest_list}) {
    CHECK(ocikit::manifest_kind_of(ocikit::media_type_of(k)) == k);
  }
  CHECK(ocikit::to_string(manifest_kind::oci_manifest) == "oci-manifest");
  CHECK(ocikit::to_string(manifest_kind::oci_index) == "oci-index");
  CHECK(ocikit::to_string(manifest_kind::docker_manifest) == "docker-manifest");
  CHECK(ocikit::to_string(manifest_kind::docker_manifest_list) == "docker-manifest-list");
  CHECK(ocikit::is_index(manifest_kind::oci_index));
  CHECK(ocikit::is_index(manifest_kind::docker_manifest_list));
  CHECK_FALSE(ocikit::is_index(manifest_kind::docker_manifest));
  CHECK(ocikit::is_oci(manifest_kind::oci_manifest));
  CHECK_FALSE(ocikit::is_oci(manifest_kind::docker_manifest_list));
  // Exact matches only (CVE-2021-41190): no parameters, no case folding, no other types.
  for (std::string_view s : std::initializer_list<std::string_view>{
           "application/vnd.oci.image.manifest.v1+json; charset=utf-8",
           "Application/vnd.oci.image.manifest.v1+json",
           "application/vnd.oci.image.manifest.v1+JSON",
           " application/vnd.oci.image.manifest.v1+json", mt::docker_manifest_v1,
           mt::docker_manifest_v1_signed, mt::oci_artifact_manifest, mt::oci_config, "", "a/b"}) {
    CAPTURE(s);
    CHECK_FALSE(ocikit::manifest_kind_of(s).has_value());
  }
}

TEST_CASE("media types: kinds and compressions print their names", "[media_type]") {
  std::ostringstream os;
  os << ocikit::manifest_kind::oci_manifest << ' ' << ocikit::manifest_kind::docker_manifest_list
     << ' ' << ocikit::compression::zstd << ' ' << ocikit::compression::none;
  CHECK(os.str() == "oci-manifest docker-manifest-list zstd none");
}

TEST_CASE("media types: RFC 6838 syntax", "[media_type]") {
  for (std::string_view good : std::initializer_list<std::string_view>{
           "a/b", "text/plain", "application/vnd.example+type", "1/2", "A!#$&^_.+-/z!#$&^_.+-"}) {
    CAPTURE(good);
    CHECK(ocikit::is_valid_media_type(good));
    CHECK(grammar_accepts(good));
    CHECK(ocikit::media_type_error(good).empty());
  }
  const std::string type127(127, 't');
  const std::string type128(128, 't');
  CHECK(ocikit::is_valid_media_type(type127 + "/" + type127));
  CHECK_FALSE(ocikit::is_valid_media_type(type128 + "/b"));
  CHECK_FALSE(ocikit::is_valid_media_type("a/" + type128));
  CHECK_FALSE(grammar_accepts(type128 + "/b"));
  CHECK(ocikit::media_type_error(type128 + "/b") ==
        "'" + type128 + "/b': the type is longer than 127 bytes");
  CHECK(ocikit::media_type_error("a/" + type128) ==
        "'a/" + type128 + "': the subtype is longer than 127 bytes");

  CHECK(ocikit::media_type_error("") == "'': it is empty");
  CHECK(ocikit::media_type_error("invalid") == "'invalid': it has no '/' between type and subtype");
  CHECK(ocikit::media_type_error("/b") == "'/b': the type is empty (byte 0)");
  CHECK(ocikit::media_type_error("a/") == "'a/': the subtype is empty");
  CHECK(ocikit::media_type_error(".foo/bar") ==
        "'.foo/bar': the type must start with a letter or digit (byte 0)");
  CHECK(ocikit::media_type_error("foo/.bar") ==
        "'foo/.bar': the subtype must start with a letter or digit (byte 4)");
  CHECK(ocikit::media_type_error("a/b/c") == "'a/b/c': it has more than one '/' (byte 3)");
  CHECK(ocikit::media_type_error("a/b; x=y") == "'a/b; x=y': parameters are not allowed (byte 3)");
  CHECK(ocikit::media_type_error("a/b c") == "'a/b c': parameters are not allowed (byte 3)");
  CHECK(ocikit::media_type_error("a/b*") ==
        "'a/b*': only letters, digits and !#$&^_.+- are allowed (byte 3)");
}

TEST_CASE("media types: every byte agrees with the grammar", "[media_type]") {
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    CAPTURE(b);
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    const bool rest = alnum || std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
    for (const std::string& s : {std::string(1, c) + "x/y", "x" + std::string(1, c) + "/y",
                                 "x/" + std::string(1, c) + "y", "x/y" + std::string(1, c)}) {
      CHECK(ocikit::is_valid_media_type(s) == grammar_accepts(s));
    }
    CHECK(ocikit::is_valid_media_type(std::string(1, c) + "x/y") == alnum);
    CHECK(ocikit::is_valid_media_type("x" + std::string(1, c) + "/y") == rest);
    CHECK(ocikit::is_valid_media_type("x/y" + std::string(1, c)) == rest);
  }
  CHECK(pegtl::analyze<ocikit::grammar::media_type_only>(0) == 0);
}

TEST_CASE("media types: Content-Type parameters", "[media_type]") {
  CHECK(ocikit::strip_parameters("application/vnd.oci.image.index.v1+json; charset=utf-8") ==
        mt::oci_index);
  CHECK(ocikit::strip_parameters(" application/json ;q=1") == "application/json");
  CHECK(ocikit::strip_parameters("\ttext/plain\t") == "text/plain");
  CHECK(ocikit::strip_parameters("a/b") == "a/b");
  CHECK(ocikit::strip_parameters(";x").empty());
  CHECK(ocikit::strip_parameters("").empty());
}

TEST_CASE("media types: classification helpers", "[media_type]") {
  using ocikit::compression;
  struct row {
    std::string_view type;
    bool manifest, index, layer, docker, oci, nondistributable, deprecated;
    std::optional<compression> comp;
  };
  const row rows[] = {
      {mt::oci_manifest, true, false, false, false, true, false, false, std::nullopt},
      {mt::docker_manifest, true, false, false, true, false, false, false, std::nullopt},
      {mt::oci_index, false, true, false, false, true, false, false, std::nullopt},
      {mt::docker_manifest_list, false, true, false, true, false, false, false, std::nullopt},
      {mt::oci_layer_tar, false, false, true, false, true, false, false, compression::none},
      {mt::oci_layer_tar_gzip, false, false, true, false, true, false, false, compression::gzip},
      {mt::oci_layer_tar_zstd, false, false, true, false, true, false, false, compression::zstd},
      {mt::oci_layer_nondistributable_tar, false, false, true, false, true, true, true,
       compression::none},
      {mt::oci_layer_nondistributable_tar_gzip, false, false, true, false, true, true, true,
       compression::gzip},
      {mt::oci_layer_nondistributable_tar_zstd, false, false, true, false, true, true, true,
       compression::zstd},
      {mt::docker_layer_tar_gzip, false, false, true, true, false, false, false, compression::gzip},
      {mt::docker_foreign_layer_tar_gzip, false, false, true, true, false, true, false,
       compression::gzip},
      {mt::docker_layer_tar, false, false, true, true, false, false, false, compression::none},
      {mt::oci_config, false, false, false, false, true, false, false, std::nullopt},
      {mt::docker_config, false, false, false, true, false, false, false, std::nullopt},
      {mt::helm_chart, false, false, false, false, false, false, false, std::nullopt},
      {"application/vnd.oci.image.layer.nondistributable.v1.tar+lz4", false, false, false, false,
       true, true, false, std::nullopt},
  };
  for (const row& r : rows) {
    CAPTURE(r.type);
    CHECK(ocikit::is_manifest(r.type) == r.manifest);
    CHECK(ocikit::is_index(r.type) == r.index);
    CHECK(ocikit::is_layer(r.type) == r.layer);
    CHECK(ocikit::is_docker(r.type) == r.docker);
    CHECK(ocikit::is_oci(r.type) == r.oci);
    CHECK(ocikit::is_nondistributable(r.type) == r.nondistributable);
    CHECK(ocikit::is_deprecated_layer(r.type) == r.deprecated);
    CHECK(ocikit::layer_compression(r.type) == r.comp);
  }
  CHECK(ocikit::is_schema1(mt::docker_manifest_v1));
  CHECK(ocikit::is_schema1(mt::docker_manifest_v1_signed));
  CHECK_FALSE(ocikit::is_schema1(mt::docker_manifest));
  CHECK(ocikit::to_string(compression::none) == "none");
  CHECK(ocikit::to_string(compression::gzip) == "gzip");
  CHECK(ocikit::to_string(compression::zstd) == "zstd");
}
