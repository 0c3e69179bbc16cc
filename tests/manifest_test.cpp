#include "ocikit/manifest.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/index.hpp"
#include "ocikit/parse_manifest.hpp"
#include "test_support.hpp"

namespace {

namespace mt = ocikit::media_types;
using ocikit::errc;
using ocikit::manifest_kind;

constexpr std::string_view d1 =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
constexpr std::string_view d2 =
    "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70";
constexpr std::string_view d3 =
    "sha512:"
    "b030eade3c76066e854afde060a58d562e103878b92ba17586070c1373c0c31f"
    "8c80389eeabbc1370284d983fb066f2c1cee3ad22fd5c580223a13efc5e31832";

const std::string oci_manifest_text = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.manifest.v1+json",
  "config": {
    "mediaType": "application/vnd.oci.image.config.v1+json",
    "digest": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
    "size": 1470
  },
  "layers": [
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
      "digest": "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70",
      "size": 9007199254740993,
      "annotations": {"org.opencontainers.image.title": "rootfs.tar.gz"}
    },
    {
      "mediaType": "application/vnd.oci.image.layer.v1.tar+zstd",
      "digest": "sha512:b030eade3c76066e854afde060a58d562e103878b92ba17586070c1373c0c31f8c80389eeabbc1370284d983fb066f2c1cee3ad22fd5c580223a13efc5e31832",
      "size": 0,
      "urls": ["https://mirror.example.com/blob"]
    }
  ],
  "subject": {
    "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
    "size": 7
  },
  "annotations": {"b": "2", "a": "1"},
  "x-unknown": {"ignored": [1, 2, {"deep": null}]}
}
)";

const std::string oci_index_text = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "artifactType": "application/vnd.example.bundle",
  "manifests": [
    {
      "mediaType": "application/vnd.oci.image.manifest.v1+json",
      "digest": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
      "size": 525,
      "platform": {
        "architecture": "amd64",
        "os": "windows",
        "os.version": "10.0.20348.2113",
        "os.features": ["win32k"],
        "variant": "v3"
      }
    },
    {
      "mediaType": "application/vnd.oci.image.index.v1+json",
      "digest": "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70",
      "size": 1000,
      "artifactType": "application/vnd.example.sbom"
    }
  ]
})";

const std::string docker_manifest_text = R"({
   "schemaVersion": 2,
   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
   "config": {
      "mediaType": "application/vnd.docker.container.image.v1+json",
      "size": 7023,
      "digest": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4"
   },
   "layers": [
      {
         "mediaType": "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
         "size": 32654,
         "digest": "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70",
         "urls": ["https://go.microsoft.com/fwlink/?linkid=837858"]
      }
   ]
})";

const std::string docker_list_text = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.docker.distribution.manifest.list.v2+json",
  "manifests": [
    {
      "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
      "size": 7143,
      "digest": "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4",
      "platform": {"architecture": "arm", "os": "linux", "variant": "v7", "features": ["sse4"]}
    }
  ]
})";

ocikit::result<ocikit::parsed_manifest> parse(std::string_view text,
                                              ocikit::manifest_parse_options o = {}) {
  return ocikit::parse_manifest(text, o);
}

void check_refused(std::string_view text, errc code, std::string_view pointer,
                   std::string_view message, ocikit::manifest_parse_options o = {}) {
  CAPTURE(text);
  const auto r = parse(text, o);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == code);
  CHECK(r.error().pointer() == pointer);
  CHECK(r.error().message() == message);
}

// Through the EVP hasher: parse_manifest and hash_bytes take another way to SHA-256 (OpenSSL's
// SHA256_* functions, fed while the document is parsed), which this checks.
std::string digest_of(std::string_view bytes) {
  ocikit::hasher h(ocikit::digest_algorithm::sha256);
  h.update(bytes);
  return h.finish().str();
}

}  // namespace

TEST_CASE("parse_manifest: OCI image manifest model", "[manifest]") {
  const auto r = parse(oci_manifest_text);
  REQUIRE(r.has_value());
  CHECK(r->kind == manifest_kind::oci_manifest);
  CHECK(r->valid());
  CHECK(r->problems.empty());
  const auto* m = r->manifest.get_if<ocikit::image_manifest>();
  REQUIRE(m != nullptr);
  CHECK(m->schema_version == 2);
  CHECK(m->media_type == mt::oci_manifest);
  CHECK(m->artifact_type.empty());
  CHECK(m->config.media_type == mt::oci_config);
  CHECK(m->config.digest == d1);
  CHECK(m->config.size == 1470);
  REQUIRE(m->layers.size() == 2);
  CHECK(m->layers[0].media_type == mt::oci_layer_tar_gzip);
  CHECK(m->layers[0].digest == d2);
  CHECK(m->layers[0].size == 9007199254740993);  // 2^53 + 1, exact
  CHECK(m->layers[0].annotations ==
        ocikit::annotation_map{{"org.opencontainers.image.title", "rootfs.tar.gz"}});
  CHECK(m->layers[1].digest == d3);
  CHECK(m->layers[1].digest.known_algorithm() == ocikit::digest_algorithm::sha512);
  CHECK(m->layers[1].size == 0);
  CHECK(m->layers[1].urls == std::vector<std::string>{"https://mirror.example.com/blob"});
  CHECK_FALSE(m->layers[1].data.has_value());
  CHECK_FALSE(m->layers[1].platform.has_value());
  REQUIRE(m->subject.has_value());
  CHECK(m->subject->size == 7);
  // Annotations are ordered by key.
  CHECK(m->annotations.begin()->first == "a");
  CHECK(m->annotations == ocikit::annotation_map{{"a", "1"}, {"b", "2"}});

  // The exact bytes, their size and digest.
  CHECK(r->bytes == oci_manifest_text);
  CHECK(r->size == static_cast<std::int64_t>(oci_manifest_text.size()));
  CHECK(r->digest == digest_of(oci_manifest_text));
  const ocikit::descriptor self = r->to_descriptor();
  CHECK(self.media_type == mt::oci_manifest);
  CHECK(self.digest == r->digest);
  CHECK(self.size == r->size);
}

TEST_CASE("parse_manifest: OCI image index model", "[manifest][index]") {
  const auto r = parse(oci_index_text);
  REQUIRE(r.has_value());
  CHECK(r->kind == manifest_kind::oci_index);
  const auto* idx = r->manifest.get_if<ocikit::image_index>();
  REQUIRE(idx != nullptr);
  CHECK(idx->artifact_type == "application/vnd.example.bundle");
  REQUIRE(idx->manifests.size() == 2);
  REQUIRE(idx->manifests[0].platform.has_value());
  const ocikit::platform& p = *idx->manifests[0].platform;
  CHECK(p.architecture == "amd64");
  CHECK(p.os == "windows");
  CHECK(p.os_version == "10.0.20348.2113");  // the dotted keys are read
  CHECK(p.os_features == std::vector<std::string>{"win32k"});
  CHECK(p.variant == "v3");
  CHECK(p.features.empty());
  CHECK_FALSE(idx->manifests[1].platform.has_value());
  CHECK(idx->manifests[1].artifact_type == "application/vnd.example.sbom");
  CHECK_FALSE(idx->subject.has_value());
}

TEST_CASE("parse_manifest: Docker manifest and manifest list models", "[manifest][docker]") {
  const auto m = parse(docker_manifest_text);
  REQUIRE(m.has_value());
  CHECK(m->kind == manifest_kind::docker_manifest);
  const auto* dm = m->manifest.get_if<ocikit::docker_manifest>();
  REQUIRE(dm != nullptr);
  CHECK(dm->media_type == mt::docker_manifest);
  CHECK(dm->config.media_type == mt::docker_config);
  REQUIRE(dm->layers.size() == 1);
  CHECK(dm->layers[0].urls ==
        std::vector<std::string>{"https://go.microsoft.com/fwlink/?linkid=837858"});

  const auto l = parse(docker_list_text);
  REQUIRE(l.has_value());
  CHECK(l->kind == manifest_kind::docker_manifest_list);
  CHECK(l->problems.empty());  // `features` is Docker's own field
  const auto* dl = l->manifest.get_if<ocikit::docker_manifest_list>();
  REQUIRE(dl != nullptr);
  REQUIRE(dl->manifests.size() == 1);
  CHECK(dl->manifests[0].platform->features == std::vector<std::string>{"sse4"});
  CHECK(dl->manifests[0].platform->variant == "v7");
}

TEST_CASE("parsed_manifest: equal when every part is", "[manifest]") {
  const auto a = parse(oci_manifest_text);
  const auto b = parse(oci_manifest_text);
  REQUIRE((a && b));
  CHECK(*a == *b);
  ocikit::parsed_manifest c = *a;
  c.bytes += ' ';
  CHECK_FALSE(c == *a);
  c = *a;
  c.problems.push_back({ocikit::severity::warning, ocikit::error(errc::manifest_url_scheme, 0)});
  CHECK_FALSE(c == *a);
  const auto d = parse(oci_manifest_text, {.hash_algorithm = ocikit::digest_algorithm::sha512});
  REQUIRE(d.has_value());
  CHECK(d->manifest == a->manifest);
  CHECK_FALSE(*d == *a);  // the digests differ
}

TEST_CASE("any_manifest: accessors common to the kinds", "[manifest]") {
  const auto m = parse(oci_manifest_text);
  const auto i = parse(oci_index_text);
  const auto dm = parse(docker_manifest_text);
  const auto dl = parse(docker_list_text);
  REQUIRE((m && i && dm && dl));

  CHECK(m->manifest.kind() == manifest_kind::oci_manifest);
  CHECK(m->manifest.is_manifest());
  CHECK(m->manifest.media_type() == mt::oci_manifest);
  CHECK(m->manifest.config()->size == 1470);
  CHECK(m->manifest.layers().size() == 2);
  CHECK(m->manifest.manifests().empty());
  CHECK(m->manifest.subject() != nullptr);
  CHECK(m->manifest.annotations()->size() == 2);

  CHECK(i->manifest.is_index());
  CHECK(i->manifest.config() == nullptr);
  CHECK(i->manifest.layers().empty());
  CHECK(i->manifest.manifests().size() == 2);
  CHECK(i->manifest.artifact_type() == "application/vnd.example.bundle");
  CHECK(i->manifest.subject() == nullptr);

  CHECK(dm->manifest.kind() == manifest_kind::docker_manifest);
  CHECK(dm->manifest.annotations() == nullptr);
  CHECK(dm->manifest.artifact_type().empty());
  CHECK(dm->manifest.config()->media_type == mt::docker_config);
  CHECK(dl->manifest.kind() == manifest_kind::docker_manifest_list);
  CHECK(dl->manifest.manifests().size() == 1);
  CHECK(dl->manifest.subject() == nullptr);

  // Models compare by value.
  ocikit::any_manifest copy = m->manifest;
  CHECK(copy == m->manifest);
  copy.get_if<ocikit::image_manifest>()->layers.pop_back();
  CHECK_FALSE(copy == m->manifest);
  CHECK(ocikit::any_manifest().kind() == manifest_kind::oci_manifest);
}

TEST_CASE("parse_manifest: what a document is (CVE-2021-41190)", "[manifest][kind]") {
  const std::string layers = R"("layers":[])";
  const std::string cfg =
      std::string(
          R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":")") +
      std::string(d1) + R"("})";
  // Inferred kinds.
  {
    const auto r = parse("{\"schemaVersion\":2," + cfg + "," + R"("layers":[]})");
    REQUIRE(r.has_value());
    CHECK(r->kind == manifest_kind::oci_manifest);
    const auto i = parse(R"({"schemaVersion":2,"manifests":[]})");
    REQUIRE(i.has_value());
    CHECK(i->kind == manifest_kind::oci_index);
  }
  check_refused(R"({"schemaVersion":2,"manifests":[],"config":{}})", errc::manifest_ambiguous,
                "/config",
                "ambiguous document at /config: a document without mediaType has both manifests "
                "and config (CVE-2021-41190)");
  check_refused(R"({"schemaVersion":2,"manifests":[],"layers":[]})", errc::manifest_ambiguous,
                "/layers",
                "ambiguous document at /layers: a document without mediaType has both manifests "
                "and layers (CVE-2021-41190)");
  check_refused(R"({"schemaVersion":2})", errc::manifest_unknown_kind, "",
                "cannot tell what the document is: it has no mediaType and none of manifests, "
                "config or layers");
  // A manifest must not have manifests; an index must not have config or layers, even empty.
  check_refused(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
                R"("manifests":[]})",
                errc::manifest_ambiguous, "/manifests",
                "ambiguous document at /manifests: manifests is not allowed in an OCI image "
                "manifest (CVE-2021-41190)");
  check_refused(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
                R"("manifests":[],"layers":[]})",
                errc::manifest_ambiguous, "/layers",
                "ambiguous document at /layers: layers is not allowed in an OCI image index "
                "(CVE-2021-41190)");
  check_refused(R"({"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json",)"
                R"("manifests":[],"config":null})",
                errc::manifest_ambiguous, "/config",
                "ambiguous document at /config: config is not allowed in a Docker manifest list "
                "(CVE-2021-41190)");
  check_refused(R"({"mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
                R"("manifests":[]})",
                errc::manifest_ambiguous, "/manifests",
                "ambiguous document at /manifests: manifests is not allowed in a Docker image "
                "manifest (CVE-2021-41190)");
  check_refused(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","fsLayers":[]})",
                errc::manifest_ambiguous, "/fsLayers",
                "ambiguous document at /fsLayers: fsLayers (Docker schema 1) is not allowed in an "
                "OCI image manifest (CVE-2021-41190)");
  // Docker schema 1 and the removed artifact manifest are refused as unsupported.
  check_refused(R"({"schemaVersion":1,"name":"x","fsLayers":[]})",
                errc::manifest_unsupported_schema1, "/fsLayers",
                "Docker image manifest schema 1 is not supported: the document has fsLayers");
  check_refused(R"({"schemaVersion":1,"layers":[]})", errc::manifest_unsupported_schema1,
                "/schemaVersion",
                "Docker image manifest schema 1 is not supported: schemaVersion is 1");
  check_refused(R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})",
                errc::manifest_unsupported_schema1, "/mediaType",
                "Docker image manifest schema 1 is not supported: the media type is "
                "'application/vnd.docker.distribution.manifest.v1+prettyjws'");
  check_refused(R"({"mediaType":"application/vnd.docker.distribution.manifest.v1+json"})",
                errc::manifest_unsupported_schema1, "/mediaType",
                "Docker image manifest schema 1 is not supported: the media type is "
                "'application/vnd.docker.distribution.manifest.v1+json'");
  check_refused(R"({"mediaType":"application/vnd.oci.artifact.manifest.v1+json","blobs":[]})",
                errc::manifest_unsupported_artifact, "/mediaType",
                "the OCI artifact manifest (application/vnd.oci.artifact.manifest.v1+json) was "
                "removed from the image spec before v1.1.0 and is not supported");
  // A present mediaType must be one of the four, exactly.
  check_refused(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json; x=y","layers":[]})",
                errc::manifest_unsupported_media_type, "/mediaType",
                "unsupported document media type at /mediaType: "
                "'application/vnd.oci.image.manifest.v1+json; x=y' is not an OCI or Docker "
                "manifest or index type");
  check_refused(R"({"mediaType":"APPLICATION/vnd.oci.image.index.v1+json","manifests":[]})",
                errc::manifest_unsupported_media_type, "/mediaType",
                "unsupported document media type at /mediaType: "
                "'APPLICATION/vnd.oci.image.index.v1+json' is not an OCI or Docker manifest or "
                "index type");
  check_refused(R"({"mediaType":"application/vnd.oci.image.config.v1+json","config":{}})",
                errc::manifest_unsupported_media_type, "/mediaType",
                "unsupported document media type at /mediaType: "
                "'application/vnd.oci.image.config.v1+json' is not an OCI or Docker manifest or "
                "index type");
  check_refused(R"({"mediaType":7,"layers":[]})", errc::manifest_wrong_type, "/mediaType",
                "wrong JSON type at /mediaType: expected a string, found an integer");
  check_refused("[]", errc::manifest_not_object, "",
                "the document is not a JSON object: a manifest or an index is an object");
  check_refused("\"text\"", errc::manifest_not_object, "",
                "the document is not a JSON object: a manifest or an index is an object");
}

TEST_CASE("parse_manifest: an outside expectation must agree", "[manifest][kind]") {
  ocikit::manifest_parse_options o;
  o.expected_media_type = "application/vnd.oci.image.manifest.v1+json; charset=utf-8";
  CHECK(parse(oci_manifest_text, o).has_value());
  o.expected_media_type = mt::oci_index;
  check_refused(oci_manifest_text, errc::manifest_media_type_mismatch, "/mediaType",
                "media type mismatch: the document is an OCI image manifest "
                "('application/vnd.oci.image.manifest.v1+json'), but "
                "'application/vnd.oci.image.index.v1+json' was expected",
                o);
  // Docker kinds need their mediaType: a document without one is never a Docker manifest.
  const std::string no_type =
      R"({"schemaVersion":2,"config":{"mediaType":"a/b","size":1,"digest":")" + std::string(d1) +
      R"("},"layers":[]})";
  o.expected_media_type = mt::docker_manifest;
  check_refused(no_type, errc::manifest_media_type_mismatch, "",
                "media type mismatch: the document is an OCI image manifest (inferred: it has no "
                "mediaType), but 'application/vnd.docker.distribution.manifest.v2+json' was "
                "expected",
                o);
  o.expected_media_type = "application/json";
  CHECK(parse(oci_manifest_text, o).error().code() == errc::manifest_media_type_mismatch);
  o.expected_media_type = mt::docker_manifest_list;
  CHECK(parse(docker_list_text, o).has_value());
  CHECK(parse(oci_index_text, o).error().code() == errc::manifest_media_type_mismatch);
}

TEST_CASE("parse_manifest: size limit before any parsing, depth without stack growth",
          "[manifest][limits]") {
  // 4 MiB + 1 byte of garbage: refused for its size, not its syntax, and not hashed.
  std::string big(ocikit::json::default_max_size + 1, 'x');
  check_refused(big, errc::json_too_large, "",
                "document too large: 4194305 bytes, the limit is 4194304");
  // Exactly 4 MiB: a valid manifest padded with whitespace passes.
  std::string padded = oci_manifest_text;
  padded.resize(ocikit::json::default_max_size, ' ');
  const auto ok = parse(padded);
  REQUIRE(ok.has_value());
  CHECK(ok->size == 4194304);
  CHECK(ok->digest != digest_of(oci_manifest_text));
  ocikit::manifest_parse_options small;
  small.checks.max_size = 100;
  CHECK(parse(oci_manifest_text, small).error().code() == errc::json_too_large);

  const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
  const auto r = parse(deep);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::json_too_deep);
  CHECK(r.error().offset() == ocikit::json::default_max_depth);
  ocikit::manifest_parse_options shallow;
  shallow.max_depth = 2;
  check_refused(oci_manifest_text, errc::json_too_deep, "",
                "document nests deeper than 2 levels at byte 289", shallow);
}

TEST_CASE("parse_manifest: the JSON layer is strict", "[manifest][json]") {
  check_refused(R"({"schemaVersion":2,"schemaVersion":2,"manifests":[]})", errc::json_duplicate_key,
                "/schemaVersion",
                "duplicate member name at /schemaVersion (byte 19): member names must be unique");
  check_refused(R"({"manifests":[],"annotations":{"a":"1","a":"2"}})", errc::json_duplicate_key,
                "/annotations/a",
                "duplicate member name at /annotations/a (byte 39): member names must be unique");
  check_refused("\xEF\xBB\xBF{\"manifests\":[]}", errc::json_bom, "",
                "invalid JSON at byte 0: a byte order mark; JSON documents are UTF-8 without a "
                "BOM");
  check_refused("{\"manifests\":[]} {}", errc::json_trailing_data, "",
                "invalid JSON at byte 17: '{' after the end of the document");
  check_refused("{\"manifests\":[],}", errc::json_syntax, "",
                "invalid JSON at byte 16: unexpected '}'");
}

TEST_CASE("parse_manifest: digests of the exact bytes", "[manifest][digest]") {
  // The same document written differently: same model, different digests.
  const auto a = parse(oci_manifest_text);
  const std::string compact = boost::json::serialize(boost::json::parse(oci_manifest_text));
  const auto b = parse(compact);
  REQUIRE((a && b));
  CHECK(a->manifest == b->manifest);
  CHECK(a->digest != b->digest);
  CHECK(b->digest == digest_of(compact));
  CHECK(b->bytes == compact);
  // A trailing newline changes the digest too.
  const auto c = parse(compact + "\n");
  REQUIRE(c.has_value());
  CHECK(c->digest == digest_of(compact + "\n"));
  CHECK(c->digest != b->digest);

  // Raw bytes give the same result as text.
  const auto bytes = std::as_bytes(std::span<const char>(compact.data(), compact.size()));
  const auto d = ocikit::parse_manifest(bytes);
  REQUIRE(d.has_value());
  CHECK(d->digest == b->digest);
  CHECK(d->manifest == b->manifest);

  ocikit::manifest_parse_options o;
  o.hash_algorithm = ocikit::digest_algorithm::sha512;
  const auto e = parse(compact, o);
  REQUIRE(e.has_value());
  CHECK(e->digest == ocikit::hash_bytes(ocikit::digest_algorithm::sha512, compact)->str());
  o.hash_algorithm = ocikit::digest_algorithm::blake3;
  CHECK(parse(compact, o).error().code() == errc::hash_unavailable);
}

TEST_CASE("parse_manifest: the digest fed during the parse is the digest of the bytes",
          "[manifest][digest]") {
  // The digest is fed a block at a time as the fast tape moves; what it has not fed when the
  // parse ends (or when the general path takes over) is fed after. Every size across several
  // 64-byte block edges, on the fast path, the general path (an escape, early or late), a
  // fallback part way (an object of more members than the fast path takes) and a refusal.
  const std::string compact = boost::json::serialize(boost::json::parse(oci_manifest_text));
  std::string many =
      R"({"schemaVersion":2,"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4","size":1},"layers":[],"annotations":{)";
  for (int i = 0; i < 40; ++i) many += (i == 0 ? "\"k" : ",\"k") + std::to_string(i) + "\":\"v\"";
  many += "}}";
  std::string escaped_late = compact;
  escaped_late.insert(escaped_late.rfind('"'), "\\u0041");
  std::string escaped_early = compact;
  escaped_early.insert(escaped_early.find("application"), "\\u0061");
  for (const std::string& base : {oci_manifest_text, compact, many, escaped_late}) {
    for (std::size_t pad = 0; pad <= 130; ++pad) {
      std::string doc = base;
      doc.insert(doc.size() - 1, pad, ' ');  // blanks before the closing brace
      CAPTURE(base.size(), pad);
      const auto r = parse(doc, {.reject_invalid = false});
      REQUIRE(r.has_value());
      CHECK(r->digest.str() == digest_of(doc));
      CHECK(r->size == static_cast<std::int64_t>(doc.size()));
    }
  }
  // An escape inside a media type makes the document another kind of text: refused, after the
  // tape was built by the general path.
  CHECK_FALSE(parse(escaped_early).has_value());
  // Other algorithms take the hasher after the parse.
  ocikit::manifest_parse_options o;
  o.hash_algorithm = ocikit::digest_algorithm::sha384;
  const auto r = parse(compact, o);
  REQUIRE(r.has_value());
  CHECK(r->digest == ocikit::hash_bytes(ocikit::digest_algorithm::sha384, compact)->str());
}

TEST_CASE("parse_manifest: round trips through Boost.JSON keep the model", "[manifest]") {
  for (const std::string* text :
       {&oci_manifest_text, &oci_index_text, &docker_manifest_text, &docker_list_text}) {
    const auto first = parse(*text);
    REQUIRE(first.has_value());
    const std::string again = boost::json::serialize(boost::json::parse(first->bytes));
    const auto second = parse(again);
    REQUIRE(second.has_value());
    CHECK(second->kind == first->kind);
    CHECK(second->manifest == first->manifest);
    CHECK(second->problems == first->problems);
  }
}

TEST_CASE("parse_manifest: invalid documents fail unless asked to report", "[manifest]") {
  const std::string bad = R"({"schemaVersion":2,"manifests":[{"mediaType":"x","size":-1}]})";
  const auto r = parse(bad);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == errc::manifest_entry_media_type_invalid);
  CHECK(r.error().pointer() == "/manifests/0/mediaType");

  ocikit::manifest_parse_options o;
  o.reject_invalid = false;
  const auto all = parse(bad, o);
  REQUIRE(all.has_value());
  CHECK_FALSE(all->valid());
  REQUIRE(all->problems.size() == 4);
  CHECK(all->problems[0].id() == "manifest.entry_media_type_invalid");
  CHECK(all->problems[1].id() == "manifest.entry_size_invalid");
  CHECK(all->problems[2].id() == "manifest.missing_field");
  CHECK(all->problems[2].pointer() == "/manifests/0/digest");
  CHECK(all->problems[3].id() == "manifest.media_type_missing");
  CHECK(all->problems[3].severity == ocikit::severity::warning);
  CHECK(all->manifest.manifests().size() == 1);
  CHECK(all->manifest.manifests()[0].size == -1);
}

TEST_CASE("parse_manifest_file: the bytes of a file, the size bound checked first", "[manifest]") {
  const ocikit_test::temp_file f(oci_manifest_text, "manifest_file");
  const auto r = ocikit::parse_manifest_file(f.path);
  REQUIRE(r.has_value());
  CHECK(*r == parse(oci_manifest_text).value());

  ocikit::manifest_parse_options exact;
  exact.checks.max_size = oci_manifest_text.size();
  CHECK(ocikit::parse_manifest_file(f.path, exact).has_value());
  ocikit::manifest_parse_options small;
  small.checks.max_size = oci_manifest_text.size() - 1;
  const auto big = ocikit::parse_manifest_file(f.path, small);
  REQUIRE_FALSE(big.has_value());
  CHECK(big.error() == parse(oci_manifest_text, small).error());
  CHECK(big.error().code() == errc::json_too_large);

  const ocikit_test::temp_file bad("{\"schemaVersion\":2}", "manifest_file_bad");
  CHECK(ocikit::parse_manifest_file(bad.path).error().code() == errc::manifest_unknown_kind);

  const auto missing = std::filesystem::temp_directory_path() / "ocikit_manifest_test_missing";
  const auto m = ocikit::parse_manifest_file(missing);
  REQUIRE_FALSE(m.has_value());
  CHECK(m.error().code() == errc::io_failed);
  CHECK(m.error().message() == "cannot open '" + missing.string() + "': No such file or directory");
}

TEST_CASE("parse_descriptor: descriptor documents", "[descriptor]") {
  const std::string text = R"({"mediaType":"application/vnd.oci.empty.v1+json","digest":")" +
                           std::string(ocikit::empty_blob_digest) + R"(","size":2,"data":"e30="})";
  const auto d = ocikit::parse_descriptor(text);
  REQUIRE(d.has_value());
  CHECK(d->valid());
  CHECK(d->descriptor == ocikit::empty_descriptor());

  const auto bad = ocikit::parse_descriptor(R"({"mediaType":"text/plain","digest":"x","size":1})");
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code() == errc::manifest_descriptor_digest_invalid);
  CHECK(bad.error().message() ==
        "invalid descriptor digest at /digest: 'x': invalid digest: no ':' between algorithm and "
        "encoded part");
  const auto array = ocikit::parse_descriptor("[]");
  REQUIRE_FALSE(array.has_value());
  CHECK(array.error().message() ==
        "wrong JSON type at /: expected an object (a descriptor), found an array");
  CHECK(ocikit::parse_descriptor("{").error().code() == errc::json_incomplete);
}

TEST_CASE("descriptor: the empty descriptor", "[descriptor]") {
  const ocikit::descriptor e = ocikit::empty_descriptor();
  CHECK(e.media_type == "application/vnd.oci.empty.v1+json");
  CHECK(e.digest == "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  CHECK(e.size == 2);
  CHECK(e.data == "e30=");
  CHECK(digest_of("{}") == ocikit::empty_blob_digest);
  ocikit::descriptor copy = e;
  CHECK(copy == e);
  copy.annotations["k"] = "v";
  CHECK_FALSE(copy == e);
}
