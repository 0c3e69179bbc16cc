#include "ocikit/json/serialize.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/build.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/index.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "platform_support.hpp"

namespace {

namespace mt = ocikit::media_types;

constexpr std::string_view d1 =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
constexpr std::string_view d2 =
    "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70";
constexpr std::string_view d_sha512 =
    "sha512:"
    "b030eade3c76066e854afde060a58d562e103878b92ba17586070c1373c0c31f"
    "8c80389eeabbc1370284d983fb066f2c1cee3ad22fd5c580223a13efc5e31832";
// sha256("hello"), embedded below as data "aGVsbG8=".
constexpr std::string_view d_hello =
    "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

using ocikit::test::make;

ocikit::digest dg(std::string_view s) { return ocikit::digest::parse(s).value(); }

ocikit::descriptor desc(std::string_view media_type, std::string_view digest, std::int64_t size) {
  ocikit::descriptor d;
  d.media_type = std::string(media_type);
  d.digest = dg(digest);
  d.size = size;
  return d;
}

// A manifest with every field the model has.
ocikit::image_manifest full_manifest() {
  ocikit::image_manifest m;
  m.media_type = std::string(mt::oci_manifest);
  m.artifact_type = "application/vnd.example.sbom";
  m.config = ocikit::empty_descriptor();
  auto l1 = desc(mt::oci_layer_tar_gzip, d1, 9007199254740993);  // 2^53 + 1
  l1.annotations = {{"org.opencontainers.image.title", "rootfs.tar.gz"}, {"a", "\"quoted\""}};
  l1.urls = {"https://mirror.example.com/blob", "http://other.example/x?y=1"};
  auto l2 = desc("text/plain", d_hello, 5);
  l2.data = "aGVsbG8=";
  l2.artifact_type = "application/vnd.example.part";
  auto l3 = desc(mt::oci_layer_tar_zstd, d_sha512, 0);
  m.layers = {l1, l2, l3};
  m.subject = desc(mt::oci_manifest, d2, 1234);
  m.subject->annotations = {{"k", "v"}};
  m.annotations = {{"org.opencontainers.image.created", "2024-01-02T03:04:05Z"},
                   {"com.example.note", "caf\xc3\xa9 \xf0\x9f\x90\xb3 tab\there"}};
  return m;
}

ocikit::image_index full_index() {
  ocikit::image_index idx;
  idx.media_type = std::string(mt::oci_index);
  idx.artifact_type = "application/vnd.example.bundle";
  auto e1 = desc(mt::oci_manifest, d1, 525);
  e1.platform = make("windows", "amd64", "v3");
  e1.platform->os_version = "10.0.20348.2113";
  e1.platform->os_features = {"win32k"};
  auto e2 = desc(mt::oci_manifest, d2, 600);
  e2.platform = make("linux", "arm64", "v8");
  e2.annotations = {{"org.opencontainers.image.ref.name", "latest"}};
  auto e3 = desc(mt::oci_index, d_sha512, 1000);
  e3.artifact_type = "application/vnd.example.signature";
  idx.manifests = {e1, e2, e3};
  idx.subject = desc(mt::oci_index, d2, 77);
  idx.annotations = {{"b", "2"}, {"a", "1"}};
  return idx;
}

template <class T>
T reparse(const std::string& bytes, bool reject_invalid = true) {
  ocikit::manifest_parse_options o;
  o.reject_invalid = reject_invalid;
  auto parsed = ocikit::parse_manifest(bytes, o);
  REQUIRE(parsed.has_value());
  const T* model = parsed->manifest.template get_if<T>();
  REQUIRE(model != nullptr);
  return *model;
}

std::string write_string(std::string_view s) {
  std::string out;
  ocikit::json::write_string(out, s);
  return out;
}

}  // namespace

TEST_CASE("serialize: exact bytes of a small manifest", "[serialize]") {
  ocikit::image_manifest m;
  m.media_type = std::string(mt::oci_manifest);
  m.artifact_type = "application/vnd.example";
  m.config = ocikit::empty_descriptor();
  m.layers.push_back(desc(mt::oci_layer_tar_gzip, d1, 32654));
  m.annotations = {{"z", "last"}, {"a", "first"}};
  CHECK(ocikit::serialize(m) ==
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
        R"("artifactType":"application/vnd.example","config":{"mediaType":)"
        R"("application/vnd.oci.empty.v1+json","digest":)"
        R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
        R"("size":2,"data":"e30="},"layers":[{"mediaType":)"
        R"("application/vnd.oci.image.layer.v1.tar+gzip","digest":)"
        R"("sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",)"
        R"("size":32654}],"annotations":{"a":"first","z":"last"}})");
}

TEST_CASE("serialize: the empty descriptor and a descriptor's key order", "[serialize]") {
  CHECK(ocikit::serialize(ocikit::empty_descriptor()) ==
        R"({"mediaType":"application/vnd.oci.empty.v1+json","digest":)"
        R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
        R"("size":2,"data":"e30="})");

  auto d = desc("text/plain", d_hello, 5);
  d.platform = make("linux", "arm", "v7");
  d.artifact_type = "application/x";
  d.data = "aGVsbG8=";
  d.annotations = {{"k", "v"}};
  d.urls = {"https://a/b"};
  CHECK(ocikit::serialize(d) ==
        R"({"mediaType":"text/plain","digest":")" + std::string(d_hello) +
            R"(","size":5,"urls":["https://a/b"],"annotations":{"k":"v"},"data":"aGVsbG8=",)"
            R"("artifactType":"application/x",)"
            R"("platform":{"architecture":"arm","os":"linux","variant":"v7"}})");

  // Absent optionals are omitted; an empty `data` is present (the base64 of a 0-byte blob).
  auto bare = desc("text/plain", d1, 0);
  CHECK(ocikit::serialize(bare) ==
        R"({"mediaType":"text/plain","digest":")" + std::string(d1) + R"(","size":0})");
  bare.data = "";
  CHECK(ocikit::serialize(bare) ==
        R"({"mediaType":"text/plain","digest":")" + std::string(d1) + R"(","size":0,"data":""})");
}

TEST_CASE("serialize: platform key order", "[serialize][platform]") {
  ocikit::platform p = make("windows", "amd64", "v2");
  p.os_version = "10.0.17763.1";
  p.os_features = {"win32k", "x"};
  p.features = {"sse4"};
  CHECK(ocikit::serialize(p) ==
        R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763.1",)"
        R"("os.features":["win32k","x"],"variant":"v2","features":["sse4"]})");
  // An empty string is an absent member, required or not.
  CHECK(ocikit::serialize(ocikit::platform{}) == "{}");
  CHECK(ocikit::serialize(make("", "arm64")) == R"({"architecture":"arm64"})");
}

TEST_CASE("serialize: members that are not strings are always written", "[serialize]") {
  CHECK(ocikit::serialize(ocikit::image_index{}) == R"({"schemaVersion":2,"manifests":[]})");
  CHECK(ocikit::serialize(ocikit::image_manifest{}) ==
        R"({"schemaVersion":2,"config":{"size":0},"layers":[]})");
  // ... and parse back to the same (invalid) model, the empty strings reported as missing.
  ocikit::manifest_parse_options o;
  o.reject_invalid = false;
  const auto parsed = ocikit::parse_manifest(ocikit::serialize(ocikit::image_manifest{}), o);
  REQUIRE(parsed.has_value());
  CHECK(parsed->manifest == ocikit::any_manifest(ocikit::image_manifest{}));
  std::vector<std::string> problems;
  for (const auto& p : parsed->problems) {
    problems.push_back(std::string(p.id()) + ' ' + std::string(p.pointer()));
  }
  CHECK(problems == std::vector<std::string>{"manifest.missing_field /config/mediaType",
                                             "manifest.missing_field /config/digest",
                                             "manifest.layers_empty /layers",
                                             "manifest.media_type_missing /mediaType"});
  ocikit::docker_manifest_list list;
  list.media_type = std::string(mt::docker_manifest_list);
  CHECK(ocikit::serialize(list) == R"({"schemaVersion":2,"mediaType":")" +
                                       std::string(mt::docker_manifest_list) +
                                       R"(","manifests":[]})");
}

TEST_CASE("serialize: integers are exact", "[serialize]") {
  auto d = desc("a/b", d1, std::numeric_limits<std::int64_t>::max());
  CHECK(ocikit::serialize(d).find(R"("size":9223372036854775807})") != std::string::npos);
  d.size = 9007199254740993;  // 2^53 + 1: a double would print ...992
  CHECK(ocikit::serialize(d).find(R"("size":9007199254740993})") != std::string::npos);
  ocikit::image_manifest m;
  m.schema_version = 10;
  CHECK(ocikit::serialize(m).rfind(R"({"schemaVersion":10,)", 0) == 0);
}

TEST_CASE("serialize: string escaping (RFC 8259)", "[serialize][escape]") {
  CHECK(write_string("") == R"("")");
  CHECK(write_string("plain text/with:slashes") == R"("plain text/with:slashes")");
  CHECK(write_string("a\"b\\c") == R"("a\"b\\c")");
  CHECK(write_string("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(write_string(std::string_view("\0\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(write_string("\x7f") == "\"\x7f\"");  // DEL is not a control character for JSON
  std::string bare = "x";
  ocikit::json::write_escaped(bare, "a\"b\n");
  CHECK(bare == R"(xa\"b\n)");  // the same escapes, no quotes
  // UTF-8 is kept as it is: é, a whale, U+2028.
  CHECK(write_string("caf\xc3\xa9 \xf0\x9f\x90\xb3 \xe2\x80\xa8") ==
        "\"caf\xc3\xa9 \xf0\x9f\x90\xb3 \xe2\x80\xa8\"");

  // Every byte: exactly the 32 control characters, '"' and '\' are escaped.
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const std::string out = write_string(std::string_view(&c, 1));
    CAPTURE(b);
    if (b < 0x20) {
      CHECK(out.size() >= 4);
      CHECK(out[1] == '\\');
    } else if (b == '"' || b == '\\') {
      CHECK(out == std::string("\"\\") + c + '"');
    } else {
      CHECK(out == std::string("\"") + c + '"');
    }
  }
}

TEST_CASE("serialize: escaped strings come back unchanged", "[serialize][escape][roundtrip]") {
  std::string all_controls;
  for (int b = 1; b < 0x20; ++b) all_controls += static_cast<char>(b);
  ocikit::image_manifest m;
  m.media_type = std::string(mt::oci_manifest);
  m.config = desc(mt::oci_config, d1, 10);
  m.layers.push_back(desc(mt::oci_layer_tar, d2, 20));
  m.annotations = {{"controls", all_controls},
                   {std::string("nul\0key", 7), "x"},
                   {"quote\"back\\slash", "\\\"/"},
                   {"unicode", "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xb3 \xe2\x80\xa8\x7f"}};
  const std::string bytes = ocikit::serialize(m);
  CHECK(bytes.find('\n') == std::string::npos);
  CHECK(reparse<ocikit::image_manifest>(bytes) == m);
}

TEST_CASE("serialize: parse(serialize(m)) == m", "[serialize][roundtrip]") {
  SECTION("OCI image manifest with every field") {
    const auto m = full_manifest();
    CHECK(reparse<ocikit::image_manifest>(ocikit::serialize(m)) == m);
  }
  SECTION("OCI image index with platforms, annotations, subject, artifactType") {
    const auto idx = full_index();
    CHECK(reparse<ocikit::image_index>(ocikit::serialize(idx)) == idx);
  }
  SECTION("Docker manifest") {
    ocikit::docker_manifest m;
    m.media_type = std::string(mt::docker_manifest);
    m.config = desc(mt::docker_config, d1, 7023);
    auto foreign = desc(mt::docker_foreign_layer_tar_gzip, d2, 32654);
    foreign.urls = {"https://go.microsoft.com/fwlink/?linkid=837858"};
    m.layers = {foreign, desc(mt::docker_layer_tar_gzip, d1, 1)};
    CHECK(reparse<ocikit::docker_manifest>(ocikit::serialize(m)) == m);
  }
  SECTION("Docker manifest list") {
    ocikit::docker_manifest_list list;
    list.media_type = std::string(mt::docker_manifest_list);
    auto e = desc(mt::docker_manifest, d1, 7143);
    e.platform = make("linux", "arm", "v7");
    e.platform->features = {"sse4"};
    list.manifests = {e};
    CHECK(reparse<ocikit::docker_manifest_list>(ocikit::serialize(list)) == list);
  }
  SECTION("a descriptor document") {
    auto d = full_manifest().layers[1];
    d.platform = make("linux", "amd64");
    auto parsed = ocikit::parse_descriptor(ocikit::serialize(d));
    REQUIRE(parsed.has_value());
    CHECK(parsed->descriptor == d);
  }
}

TEST_CASE("serialize: any_manifest writes the document it holds", "[serialize]") {
  const ocikit::any_manifest a(full_index());
  CHECK(ocikit::serialize(a) == ocikit::serialize(full_index()));
  const ocikit::any_manifest b(full_manifest());
  CHECK(ocikit::serialize(b) == ocikit::serialize(full_manifest()));
}

TEST_CASE("serialize: deterministic bytes", "[serialize][determinism]") {
  CHECK(ocikit::serialize(full_manifest()) == ocikit::serialize(full_manifest()));

  // The annotation map orders its keys: the order of insertion never shows.
  ocikit::image_index a = full_index();
  ocikit::image_index b = full_index();
  a.annotations.clear();
  b.annotations.clear();
  for (const char* k : {"org.c", "org.a", "org.b", "A", "\xc3\xa9"}) a.annotations.emplace(k, k);
  for (const char* k : {"\xc3\xa9", "org.b", "A", "org.a", "org.c"}) b.annotations.emplace(k, k);
  const std::string bytes = ocikit::serialize(a);
  CHECK(bytes == ocikit::serialize(b));
  CHECK(bytes.find(R"("annotations":{"A":"A","org.a":"org.a","org.b":"org.b","org.c":"org.c",)") !=
        std::string::npos);

  // Serialising a parsed document again gives the same bytes whatever the input's layout was.
  const std::string pretty = R"({
    "layers": [],
    "config": {"size": 2, "digest": "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
               "mediaType": "application/vnd.oci.empty.v1+json", "data": "e30="},
    "artifactType": "application/vnd.example",
    "schemaVersion": 2
  })";
  const auto m = reparse<ocikit::image_manifest>(pretty, false);
  CHECK(ocikit::serialize(m) ==
        R"({"schemaVersion":2,"artifactType":"application/vnd.example","config":{"mediaType":)"
        R"("application/vnd.oci.empty.v1+json","digest":)"
        R"("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",)"
        R"("size":2,"data":"e30="},"layers":[]})");
}

TEST_CASE("finalize: the digest and size are those of the serialised bytes", "[serialize]") {
  const auto m = full_manifest();
  const auto built = ocikit::finalize(m);
  REQUIRE(built.has_value());
  CHECK(built->bytes == ocikit::serialize(m));
  CHECK(built->digest == *ocikit::hash_bytes(ocikit::digest_algorithm::sha256, built->bytes));
  CHECK(built->size == static_cast<std::int64_t>(built->bytes.size()));
  // What a registry computes from the pushed bytes.
  const auto parsed = ocikit::parse_manifest(built->bytes);
  REQUIRE(parsed.has_value());
  CHECK(parsed->digest == built->digest);
  CHECK(parsed->size == built->size);
  CHECK(built->to_descriptor(mt::oci_manifest) == parsed->to_descriptor());

  const auto b512 = ocikit::finalize(m, ocikit::digest_algorithm::sha512);
  REQUIRE(b512.has_value());
  CHECK(b512->digest == *ocikit::hash_bytes(ocikit::digest_algorithm::sha512, b512->bytes));
  CHECK(b512->bytes == built->bytes);

  const auto blake = ocikit::finalize(m, ocikit::digest_algorithm::blake3);
  REQUIRE_FALSE(blake.has_value());
  CHECK(blake.error().id() == "hash.unavailable");
}

TEST_CASE("serialize: every model parsed from the corpus round-trips", "[serialize][corpus]") {
  const std::filesystem::path dir = OCIKIT_TEST_DATA "/corpus/manifests";
  REQUIRE(std::filesystem::is_directory(dir));
  std::size_t models = 0;
  std::size_t valid = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ocikit::manifest_parse_options o;
    o.reject_invalid = false;
    const auto parsed = ocikit::parse_manifest(bytes, o);
    if (!parsed) continue;  // not a manifest at all: nothing to serialise
    CAPTURE(entry.path().filename().string());
    ++models;
    const std::string out = ocikit::serialize(parsed->manifest);
    const auto again = ocikit::parse_manifest(out, o);
    REQUIRE(again.has_value());
    CHECK(again->manifest == parsed->manifest);
    CHECK(again->kind == parsed->kind);
    // Serialising is a fixed point, and a valid document stays valid with as many warnings.
    CHECK(ocikit::serialize(again->manifest) == out);
    if (parsed->valid()) {
      ++valid;
      CHECK(again->valid());
      CHECK(again->problems.size() == parsed->problems.size());
    }
  }
  CHECK(models >= 20);
  CHECK(valid >= 10);
}
