#include "ocikit/detail/direct_manifest.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/parse_manifest.hpp"

// The direct path of parse_manifest against the general one: for every input and every set of
// options, both give the same result (model, kind, problems, digest, bytes, or the same error),
// and the direct path takes the documents it is meant for.

namespace {

using ocikit::manifest_kind;
using ocikit::manifest_parse_options;
using ocikit::detail::manifest_path;

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  REQUIRE(in);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// True when the direct path reads `bytes` under `options`.
bool direct(std::string_view bytes, const manifest_parse_options& options = {}) {
  ocikit::parsed_manifest out;
  return ocikit::detail::read_direct(bytes, options, out);
}

// Both paths give the same result for `bytes` under `options`.
void check_same(std::string_view bytes, const manifest_parse_options& options = {}) {
  const auto any = ocikit::detail::parse_manifest_by(manifest_path::any, bytes, options);
  const auto general = ocikit::detail::parse_manifest_by(manifest_path::general, bytes, options);
  INFO("document: " << bytes);
  REQUIRE(any.has_value() == general.has_value());
  if (!any) {
    CHECK(any.error() == general.error());
    return;
  }
  CHECK(any->kind == general->kind);
  CHECK(any->manifest == general->manifest);
  CHECK(any->problems == general->problems);
  CHECK(*any == *general);  // and the digest, size and bytes
}

// The option sets under which the paths are compared.
std::vector<manifest_parse_options> option_sets() {
  std::vector<manifest_parse_options> out(1);
  out.emplace_back().reject_invalid = false;
  out.emplace_back().validate = false;
  out.emplace_back().strict = true;
  out.emplace_back().max_depth = 4;
  out.emplace_back().max_depth = ocikit::detail::direct_manifest::min_depth;
  out.emplace_back().accepted_algorithms = ocikit::algorithm_set{ocikit::digest_algorithm::sha512};
  for (const auto kind : {manifest_kind::oci_manifest, manifest_kind::oci_index,
                          manifest_kind::docker_manifest, manifest_kind::docker_manifest_list}) {
    out.emplace_back().expected_media_type = ocikit::media_type_of(kind);
  }
  out.emplace_back().expected_media_type =
      "application/vnd.oci.image.manifest.v1+json; charset=utf-8";
  return out;
}

void check_same_all_options(std::string_view bytes) {
  for (const manifest_parse_options& o : option_sets()) check_same(bytes, o);
}

const std::string base = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {
    "mediaType": "application/vnd.oci.image.config.v1+json",
    "digest": "sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741",
    "size": 1496
  },
  "layers": [
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
      "digest": "sha256:a1bb2c6f6fb3d1f5e4b0a2d0f1d09f4e7e1b5a9c3c8e0f2d4b6a8c0e2f4a6b8c",
      "size": 29126484,
      "annotations": {"org.opencontainers.image.title": "rootfs.tar.gz"}
    }
  ],
  "annotations": {"b": "2", "a": "1"}
})";

// `base` with the first `from` replaced by `to` (which must be there).
std::string with(std::string_view from, std::string_view to) {
  std::string s = base;
  const auto at = s.find(from);
  REQUIRE(at != std::string::npos);
  s.replace(at, from.size(), to);
  return s;
}

// Random image manifests within what the direct path takes: members in any order, any JSON
// whitespace, one to six layers, annotations with UTF-8 text, optional subject and artifactType
// (OCI) or a Docker manifest. `rng` decides everything, so a failure is reproducible.
class manifest_generator {
 public:
  explicit manifest_generator(std::uint32_t seed) : rng_(seed) {}

  std::string next() {
    docker_ = pick(4) == 0;
    std::vector<std::string> members = {
        member("schemaVersion", "2"),
        member("mediaType", quoted(docker_ ? "application/vnd.docker.distribution.manifest.v2+json"
                                           : "application/vnd.oci.image.manifest.v1+json")),
        member("config", descriptor(false)),
        member("layers", layers()),
    };
    if (!docker_) {
      if (pick(2) == 0) members.push_back(member("annotations", annotations()));
      if (pick(3) == 0) members.push_back(member("subject", descriptor(false)));
      if (pick(3) == 0) members.push_back(member("artifactType", quoted("application/x.a+json")));
    }
    return blank() + object(members) + blank();
  }

 private:
  std::size_t pick(std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  std::string blank() {
    static const char* const blanks[] = {"", "", " ", "\n", "\n  ", "\t", "\r\n    ", "  \n\t "};
    return blanks[pick(std::size(blanks))];
  }
  static std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }
  std::string member(std::string_view name, const std::string& value) {
    return quoted(name) + blank() + ":" + blank() + value;
  }
  std::string object(std::vector<std::string> members) {
    std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{" + blank();
    for (std::size_t i = 0; i < members.size(); ++i) {
      out += (i == 0 ? "" : "," + blank()) + members[i] + blank();
    }
    return out + "}";
  }
  std::string digest() {
    static const char hex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (int i = 0; i < 64; ++i) out += hex[pick(16)];
    return quoted(out);
  }
  std::string descriptor(bool layer) {
    static const char* const configs[] = {"application/vnd.oci.image.config.v1+json",
                                          "application/vnd.docker.container.image.v1+json",
                                          "application/x.custom+json"};
    static const char* const layer_types[] = {"application/vnd.oci.image.layer.v1.tar+gzip",
                                              "application/vnd.oci.image.layer.v1.tar+zstd",
                                              "application/vnd.docker.image.rootfs.diff.tar.gzip",
                                              "text/plain"};
    std::vector<std::string> members = {
        member("mediaType",
               quoted(layer ? layer_types[pick(std::size(layer_types))] : configs[pick(3)])),
        member("digest", digest()),
        member("size", std::to_string(pick(3) == 0 ? pick(10) : pick(1u << 30) * 1000003u)),
    };
    if (pick(3) == 0) members.push_back(member("annotations", annotations()));
    return object(members);
  }
  std::string layers() {
    std::string out = "[" + blank();
    const std::size_t n = 1 + pick(6);
    for (std::size_t i = 0; i < n; ++i) out += (i == 0 ? "" : "," + blank()) + descriptor(true);
    return out + blank() + "]";
  }
  std::string annotations() {
    static const char* const texts[] = {"org.opencontainers.image.title",
                                        "a",
                                        "",
                                        "caf\xc3\xa9",
                                        "\xe2\x82\xac \xf0\x9f\x90\xb3",
                                        "2026-11-28T00:00:00Z",
                                        "x.y/z w"};
    std::vector<std::string> members;
    const std::size_t n = pick(4);
    for (std::size_t i = 0; i < n; ++i) {
      std::string name = texts[pick(std::size(texts))] + std::to_string(i);
      members.push_back(member(name, quoted(texts[pick(std::size(texts))])));
    }
    return object(members);
  }

  std::mt19937 rng_;
  bool docker_ = false;
};

}  // namespace

TEST_CASE("the direct path takes random manifests of its kind, with the general path's result") {
  manifest_generator gen(20261128);
  const std::vector<manifest_parse_options> options = option_sets();
  for (int i = 0; i < 2000; ++i) {
    const std::string doc = gen.next();
    INFO(doc);
    REQUIRE(direct(doc));
    check_same(doc);
    check_same(doc, options[static_cast<std::size_t>(i) % options.size()]);
  }
}

TEST_CASE("the direct path reads the benchmark manifests, with the general path's result") {
  for (const char* name :
       {"oci_manifest_1k.json", "oci_manifest_3k.json", "docker_manifest_1k.json"}) {
    const std::string bytes = read_file(std::filesystem::path(OCIKIT_BENCH_DATA) / name);
    INFO(name);
    CHECK(direct(bytes));
    check_same_all_options(bytes);
  }
  CHECK(direct(base));
  check_same_all_options(base);
  const auto parsed = ocikit::parse_manifest(base);
  REQUIRE(parsed.has_value());
  CHECK(parsed->kind == manifest_kind::oci_manifest);
  CHECK(parsed->manifest.layers().size() == 1);
  CHECK(parsed->manifest.layers()[0].size == 29126484);
  CHECK(parsed->manifest.annotations()->begin()->first == "a");
}

TEST_CASE("documents the direct path takes") {
  const std::vector<std::string> taken = {
      base,
      // whitespace of every kind, and none
      with("{\n  \"schemaVersion\": 2,", "\t\r\n {\"schemaVersion\" \t:\r\n2 ,"),
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":"sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741","size":0},"layers":[{"size":1,"digest":"sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741","mediaType":"c/d"}]})",
      // UTF-8 text (and one with an escape, the general path's), empty annotations
      with(R"("b": "2")", R"("b": "caf\u00e9")"),
      with(R"("b": "2")", "\"b\": \"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3\""),
      with(R"({"b": "2", "a": "1"})", "{}"),
      with(R"("size": 1496)", R"("size": 922337203685477580)"),
      with(R"("size": 1496)", R"("size": 0)"),
      // subject and artifactType in an OCI manifest
      with(
          R"("annotations": {"b")",
          R"("artifactType": "application/x.example", "subject": {"mediaType": "a/b", "digest": "sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741", "size": 3}, "annotations": {"b")"),
      // a Docker manifest (no top-level annotations)
      [] {
        std::string s = with(R"("application/vnd.oci.image.manifest.v1+json")",
                             R"("application/vnd.docker.distribution.manifest.v2+json")");
        const std::string_view annotations = ",\n  \"annotations\": {\"b\": \"2\", \"a\": \"1\"}";
        s.erase(s.find(annotations), annotations.size());
        return s;
      }(),
  };
  for (const std::string& doc : taken) {
    INFO(doc);
    // One of them has an escape: it is the general path's (and the same result).
    if (doc.find("\\u") == std::string::npos) {
      CHECK(direct(doc));
    } else {
      CHECK_FALSE(direct(doc));
    }
    check_same_all_options(doc);
  }
}

TEST_CASE("documents the direct path hands to the general path") {
  const std::string digest =
      "sha256:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741";
  const std::vector<std::string> handed = {
      // JSON hygiene
      "\xEF\xBB\xBF" + base,
      base + " x",
      base + "{}",
      with("\"config\"", "// c\n\"config\""),
      with("\"schemaVersion\": 2,", R"("schemaVersion": 2, "schemaVersion": 2,)"),
      with("\"size\": 1496", R"("size": 1496, "size": 1496)"),
      with(R"("b": "2", "a": "1")", R"("a": "2", "a": "1")"),
      with(R"("b": "2")", R"("b": "\"2")"),
      with(R"("b": "2")", "\"b\": \"\xc3\x28\""),
      with(R"("b": "2")", "\"b\": \"\xed\xa0\x80\""),
      with(R"("b": "2")", "\"b\": \"tab\there\""),
      with("\"config\"", R"("con\u0066ig")"),
      with("\"size\": 1496", "\"size\": 1496,"),
      with("\"size\": 1496", "\"size\": 1.0"),
      with("\"size\": 1496", "\"size\": 1e3"),
      with("\"size\": 1496", "\"size\": -0"),
      with("\"size\": 1496", "\"size\": -1"),
      with("\"size\": 1496", "\"size\": 01"),
      with("\"size\": 1496", "\"size\": 9223372036854775807"),
      with("\"size\": 1496", "\"size\": 9223372036854775808"),
      with("\"size\": 1496", R"("size": "1496")"),
      with("\"size\": 1496", "\"size\": null"),
      with("\"size\": 1496", "\"size\": true"),
      with("\"schemaVersion\": 2", "\"schemaVersion\": 1"),
      with("\"schemaVersion\": 2", "\"schemaVersion\": 2.0"),
      with("\"schemaVersion\": 2", R"("schemaVersion": "2")"),
      base.substr(0, base.size() - 1),
      "[" + base + "]",
      // kinds, members and rules
      with("\"schemaVersion\": 2,", ""),
      with(R"("mediaType": "application/vnd.oci.image.manifest.v1+json",)", ""),
      with("application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.image.index.v1+json"),
      with("application/vnd.oci.image.manifest.v1+json",
           "application/vnd.docker.distribution.manifest.v1+json"),
      with("application/vnd.oci.image.manifest.v1+json",
           "application/vnd.oci.artifact.manifest.v1+json"),
      with("application/vnd.oci.image.manifest.v1+json", "text/plain"),
      with("application/vnd.oci.image.manifest.v1+json",
           "application/vnd.docker.distribution.manifest.v2+json"),  // with annotations
      with(R"("annotations": {"b")", R"("manifests": [], "annotations": {"b")"),
      with(R"("annotations": {"b")", R"("fsLayers": [], "annotations": {"b")"),
      with(R"("annotations": {"b")", R"("x-unknown": 1, "annotations": {"b")"),
      with(R"("annotations": {"b")", R"("artifactType": "not a type", "annotations": {"b")"),
      with(R"("annotations": {"b")", R"("subject": {}, "annotations": {"b")"),
      with(R"("annotations": {"b": "2", "a": "1"})", R"("annotations": {"b": 2})"),
      with(R"("annotations": {"b": "2", "a": "1"})", R"("annotations": [])"),
      with("\"config\": {", R"("config": {"urls": ["https://x.example/"],)"),
      with("\"config\": {", R"("config": {"data": "e30=",)"),
      with("\"config\": {", R"("config": {"platform": {"os": "linux", "architecture": "amd64"},)"),
      with("\"config\": {\n    \"mediaType\": \"application/vnd.oci.image.config.v1+json\",",
           "\"config\": {"),
      with("application/vnd.oci.image.config.v1+json", "application/vnd.oci.empty.v1+json"),
      with("application/vnd.oci.image.config.v1+json", "not/a type"),
      with("application/vnd.oci.image.layer.v1.tar+gzip",
           "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"),
      with("application/vnd.oci.image.layer.v1.tar+gzip",
           "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"),
      with("application/vnd.oci.image.layer.v1.tar+gzip", "application/vnd.oci.empty.v1+json"),
      with(digest, "sha512:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741"),
      with(digest, "sha256:3F57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741"),
      with(digest, "sha256:3f57"),
      with(digest, "blake3:3f57d9401f8d42f986df300f0c69192fc41da28ccc8d797829467780db3dd741"),
      with(R"("layers": [)", R"("layers": [], "x": [)"),
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"a/b","digest":")" +
          digest + R"(","size":0},"layers":[]})",
  };
  for (const std::string& doc : handed) {
    INFO(doc);
    CHECK_FALSE(direct(doc));
    check_same_all_options(doc);
  }
}

TEST_CASE("the paths agree on every prefix and on single-byte changes of a manifest") {
  const manifest_parse_options defaults;
  for (std::size_t n = 0; n <= base.size(); ++n) check_same(base.substr(0, n), defaults);
  std::size_t taken = 0;
  for (std::size_t i = 0; i < base.size(); ++i) {
    for (const char c :
         {'"', '\\', '{', '}', '[', ']', ',', ':', ' ', '0', '-', 'a', '\x01', '\x80', '\xff'}) {
      std::string doc = base;
      doc[i] = c;
      taken += direct(doc) ? 1U : 0U;
      check_same(doc, defaults);
    }
  }
  // Some changes stay within what the direct path takes (a digit, a letter of a value).
  CHECK(taken > 0);
}

TEST_CASE("the paths agree on the shared corpus") {
  const std::filesystem::path dir = OCIKIT_TEST_DATA "/corpus/manifests";
  REQUIRE(std::filesystem::is_directory(dir));
  std::size_t documents = 0;
  std::size_t taken = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    const std::string bytes = read_file(entry.path());
    INFO(entry.path().string());
    ++documents;
    taken += direct(bytes) ? 1U : 0U;
    check_same_all_options(bytes);
  }
  CHECK(documents > 0);
  CHECK(taken > 0);
}
