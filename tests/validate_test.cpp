#include "ocikit/validate.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/problem.hpp"

namespace {

using ocikit::errc;
using ocikit::severity;

constexpr std::string_view d1 =
    "sha256:a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
constexpr std::string_view d2 =
    "sha256:2b1d6a8e0c7e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f70";
constexpr std::string_view gzip = "application/vnd.oci.image.layer.v1.tar+gzip";

// A descriptor's JSON: the three required members (each left out when empty) and `extra`.
std::string desc(std::string_view media_type, std::string_view digest, std::string_view size,
                 std::string_view extra = "") {
  std::string out = "{";
  const auto add = [&](std::string_view member) {
    if (out.size() > 1) out += ',';
    out += member;
  };
  if (!media_type.empty()) add("\"mediaType\":\"" + std::string(media_type) + "\"");
  if (!digest.empty()) add("\"digest\":\"" + std::string(digest) + "\"");
  if (!size.empty()) add("\"size\":" + std::string(size));
  if (!extra.empty()) add(extra);
  return out + "}";
}

std::string config() { return desc("application/vnd.oci.image.config.v1+json", d1, "1470"); }
std::string layer(std::string_view extra = "") { return desc(gzip, d2, "32654", extra); }

// An OCI image manifest with the given config and layers JSON, and extra top-level members.
std::string manifest(const std::string& cfg, const std::string& layers,
                     std::string_view extra = "") {
  std::string out =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)";
  out += "\"config\":" + cfg + ",\"layers\":" + layers;
  if (!extra.empty()) out += "," + std::string(extra);
  return out + "}";
}
std::string manifest_with_layer(const std::string& l, std::string_view extra = "") {
  return manifest(config(), "[" + l + "]", extra);
}
std::string index_with(const std::string& entries, std::string_view extra = "",
                       std::string_view type = "application/vnd.oci.image.index.v1+json") {
  std::string out =
      R"({"schemaVersion":2,"mediaType":")" + std::string(type) + R"(","manifests":)" + entries;
  if (!extra.empty()) out += "," + std::string(extra);
  return out + "}";
}

std::vector<ocikit::problem> problems_of(std::string_view text,
                                         ocikit::manifest_parse_options o = {}) {
  o.reject_invalid = false;
  const auto r = ocikit::parse_manifest(text, o);
  if (!r) FAIL("refused: " << r.error().message());
  return r->problems;
}

struct expected {
  severity level;
  std::string_view id;
  std::string_view pointer;
  std::string message;
};

void check_problems(std::string_view text, const std::vector<expected>& want,
                    ocikit::manifest_parse_options o = {}) {
  CAPTURE(text);
  const auto got = problems_of(text, o);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i].severity == want[i].level);
    CHECK(got[i].id() == want[i].id);
    CHECK(got[i].pointer() == want[i].pointer);
    CHECK(got[i].message() == want[i].message);
  }
}

void check_one(std::string_view text, severity level, std::string_view id, std::string_view pointer,
               const std::string& message, ocikit::manifest_parse_options o = {}) {
  check_problems(text, {{level, id, pointer, message}}, o);
}

void check_clean(std::string_view text, ocikit::manifest_parse_options o = {}) {
  CAPTURE(text);
  const auto got = problems_of(text, o);
  std::string messages;
  for (const auto& p : got) messages += p.message() + "\n";
  CAPTURE(messages);
  CHECK(got.empty());
}

}  // namespace

TEST_CASE("validate: a complete valid manifest has no problem", "[validate]") {
  check_clean(manifest_with_layer(layer(), R"("annotations":{"a":"","b":"x"})"));
  check_clean(index_with("[" + desc("application/vnd.oci.image.manifest.v1+json", d1, "7") + "]"));
  check_clean(index_with("[]"));  // an index may be empty
}

TEST_CASE("validate: schemaVersion", "[validate]") {
  const std::string body =
      R"("mediaType":"application/vnd.oci.image.index.v1+json","manifests":[])";
  check_one("{" + body + "}", severity::error, "manifest.missing_field", "/schemaVersion",
            "missing required field /schemaVersion");
  const auto bad = [&](std::string_view v, const std::string& found) {
    check_one("{\"schemaVersion\":" + std::string(v) + "," + body + "}", severity::error,
              "manifest.schema_version_invalid", "/schemaVersion",
              "invalid schemaVersion at /schemaVersion: expected the integer 2, found " + found);
  };
  bad("3", "3");
  bad("1", "1");  // with a mediaType naming an OCI kind, 1 is just wrong
  bad("-2", "-2");
  bad("\"2\"", "a string");
  bad("2.0", "2.0");
  bad("2e0", "2e0");
  bad("18446744073709551615", "18446744073709551615");
  bad("null", "null");
  check_clean("{\"schemaVersion\":2," + body + "}");
}

TEST_CASE("validate: document mediaType should be present", "[validate]") {
  check_one(R"({"schemaVersion":2,"manifests":[]})", severity::warning,
            "manifest.media_type_missing", "/mediaType",
            "missing /mediaType: the document should declare its media type "
            "application/vnd.oci.image.index.v1+json");
  check_one(R"({"schemaVersion":2,"config":)" + config() + R"(,"layers":[)" + layer() + "]}",
            severity::warning, "manifest.media_type_missing", "/mediaType",
            "missing /mediaType: the document should declare its media type "
            "application/vnd.oci.image.manifest.v1+json");
}

TEST_CASE("validate: required members and JSON types", "[validate]") {
  check_problems(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","layers":[]})",
      {{severity::warning, "manifest.layers_empty", "/layers",
        "/layers is empty: an image manifest should have at least one layer"},
       {severity::error, "manifest.missing_field", "/config", "missing required field /config"}});
  check_problems(
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
          config() + "}",
      {{severity::error, "manifest.missing_field", "/layers", "missing required field /layers"}});
  check_one(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json"})",
            severity::error, "manifest.missing_field", "/manifests",
            "missing required field /manifests");
  check_problems(
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json"})",
      {{severity::error, "manifest.missing_field", "/config", "missing required field /config"},
       {severity::error, "manifest.missing_field", "/layers", "missing required field /layers"}});

  check_one(manifest("\"x\"", "[" + layer() + "]"), severity::error, "manifest.wrong_type",
            "/config",
            "wrong JSON type at /config: expected an object (a descriptor), found a string");
  check_one(manifest(config(), "{}"), severity::error, "manifest.wrong_type", "/layers",
            "wrong JSON type at /layers: expected an array of descriptors, found an object");
  check_one(manifest(config(), "[" + layer() + ",true]"), severity::error, "manifest.wrong_type",
            "/layers/1",
            "wrong JSON type at /layers/1: expected an object (a descriptor), found a boolean");
  check_one(manifest_with_layer(layer(), R"("annotations":null)"), severity::error,
            "manifest.wrong_type", "/annotations",
            "wrong JSON type at /annotations: expected an object of strings, found null");
  check_one(manifest_with_layer(layer(), R"("subject":[])"), severity::error, "manifest.wrong_type",
            "/subject",
            "wrong JSON type at /subject: expected an object (a descriptor), found an array");
  check_one(manifest_with_layer(layer(), R"("artifactType":5)"), severity::error,
            "manifest.wrong_type", "/artifactType",
            "wrong JSON type at /artifactType: expected a string, found an integer");
  check_one(index_with("null"), severity::error, "manifest.wrong_type", "/manifests",
            "wrong JSON type at /manifests: expected an array of descriptors, found null");
  check_problems(manifest_with_layer(desc("", "", "")),
                 {{severity::error, "manifest.missing_field", "/layers/0/mediaType",
                   "missing required field /layers/0/mediaType"},
                  {severity::error, "manifest.missing_field", "/layers/0/digest",
                   "missing required field /layers/0/digest"},
                  {severity::error, "manifest.missing_field", "/layers/0/size",
                   "missing required field /layers/0/size"}});
}

TEST_CASE("validate: unknown members are ignored everywhere", "[validate]") {
  check_clean(manifest_with_layer(layer(R"("x-new":{"deep":[1,null]},"digest2":5)"),
                                  R"("x-top":[{"mediaType":7}],"blobs":null,"signatures":"?")"));
  check_clean(index_with("[" +
                         desc("application/vnd.oci.image.manifest.v1+json", d1, "7",
                              R"("platform":{"architecture":"arm64","os":"linux","cpu":{"x":1}})") +
                         "]"));
}

TEST_CASE("validate: media types of descriptors, per role", "[validate]") {
  check_one(manifest(desc("invalid", d1, "1"), "[" + layer() + "]"), severity::error,
            "manifest.config_media_type_invalid", "/config/mediaType",
            "invalid config media type at /config/mediaType: 'invalid': it has no '/' between "
            "type and subtype");
  check_one(manifest_with_layer(desc("foo/.bar", d2, "1")), severity::error,
            "manifest.layer_media_type_invalid", "/layers/0/mediaType",
            "invalid layer media type at /layers/0/mediaType: 'foo/.bar': the subtype must start "
            "with a letter or digit (byte 4)");
  check_one(index_with("[" + desc("", d1, "1", R"("mediaType":"")") + "]"), severity::error,
            "manifest.entry_media_type_invalid", "/manifests/0/mediaType",
            "invalid index entry media type at /manifests/0/mediaType: '': it is empty");
  check_one(manifest_with_layer(layer(), R"("subject":)" + desc("a/b; c=d", d1, "1")),
            severity::error, "manifest.subject_media_type_invalid", "/subject/mediaType",
            "invalid subject media type at /subject/mediaType: 'a/b; c=d': parameters are not "
            "allowed (byte 3)");
  check_one(manifest_with_layer(desc("", d2, "1", R"("mediaType":7)")), severity::error,
            "manifest.layer_media_type_invalid", "/layers/0/mediaType",
            "invalid layer media type at /layers/0/mediaType: expected a string, found an integer");
  // Unknown but well-formed types are fine: configs are opaque, entries may be anything.
  check_clean(manifest(desc("application/vnd.example.config+json", d1, "1"),
                       "[" + desc("application/vnd.example.data", d2, "1") + "]"));
  check_clean(index_with("[" + desc("application/xml", d1, "1") + "]"));
}

TEST_CASE("validate: digests of descriptors, per role", "[validate]") {
  check_one(manifest(desc("a/b", "SHA256:abc", "1"), "[" + layer() + "]"), severity::error,
            "manifest.config_digest_invalid", "/config/digest",
            "invalid config digest at /config/digest: 'SHA256:abc': invalid digest algorithm at "
            "byte 0: 'S' is not allowed; algorithms are lowercase letters and digits separated by "
            "'+', '.', '_' or '-'");
  const std::string upper =
      "sha256:A3ED95CAEB02FFE68CDD9FD84406680AE93D633CB16422D00E8A7C22955B46D4";
  check_one(manifest_with_layer(desc(gzip, upper, "1")), severity::error,
            "manifest.layer_digest_invalid", "/layers/0/digest",
            "invalid layer digest at /layers/0/digest: '" + upper +
                "': invalid digest at byte 7: 'A' is not a lowercase hex digit");
  check_one(index_with("[" + desc("a/b", "sha256:abc", "1") + "]"), severity::error,
            "manifest.entry_digest_invalid", "/manifests/0/digest",
            "invalid index entry digest at /manifests/0/digest: 'sha256:abc': invalid digest "
            "length: sha256 digests have 64 hex digits, this one has 3");
  check_one(manifest_with_layer(layer(), R"("subject":)" + desc("a/b", ":abc", "1")),
            severity::error, "manifest.subject_digest_invalid", "/subject/digest",
            "invalid subject digest at /subject/digest: ':abc': invalid digest: the algorithm "
            "before ':' is empty");
  check_one(manifest_with_layer(desc(gzip, "sha256+foo+-b:abc", "1")), severity::error,
            "manifest.layer_digest_invalid", "/layers/0/digest",
            "invalid layer digest at /layers/0/digest: 'sha256+foo+-b:abc': invalid digest "
            "algorithm at byte 10: '+' is not allowed; algorithms are lowercase letters and "
            "digits separated by '+', '.', '_' or '-'");
  check_one(manifest_with_layer(desc(gzip, "", "1", R"("digest":null)")), severity::error,
            "manifest.layer_digest_invalid", "/layers/0/digest",
            "invalid layer digest at /layers/0/digest: expected a string, found null");
  check_one(manifest_with_layer(desc(gzip, "sha256:", "1")), severity::error,
            "manifest.layer_digest_invalid", "/layers/0/digest",
            "invalid layer digest at /layers/0/digest: 'sha256:': invalid digest: the encoded "
            "part after ':' is empty (byte 7)");
}

TEST_CASE("validate: unknown algorithms are unverifiable, the accepted set is enforced",
          "[validate]") {
  check_problems(manifest_with_layer(desc(gzip, "multihash+base58:QmRZxt2b1FVZPNqd8hsiyk", "1")),
                 {{severity::warning, "manifest.digest_unverifiable", "/layers/0/digest",
                   "unverifiable digest at /layers/0/digest: ocikit does not know the algorithm "
                   "'multihash+base58'"}});
  check_one(manifest(desc("a/b", "sha256+b64u:LCa0a2j_xo_5m0U8HTBBNBNCLXBkg7-g-YpeiGJm564", "1"),
                     "[" + layer() + "]"),
            severity::warning, "manifest.digest_unverifiable", "/config/digest",
            "unverifiable digest at /config/digest: ocikit does not know the algorithm "
            "'sha256+b64u'");
  const std::string sha512 = "sha512:" + std::string(128, 'a');
  const std::string blake3 = "blake3:" + std::string(64, 'b');
  check_clean(manifest_with_layer(desc(gzip, sha512, "1")));
  check_clean(manifest_with_layer(desc(gzip, blake3, "1")));  // registered, known, accepted

  ocikit::manifest_parse_options only256;
  only256.checks.accepted_algorithms = {ocikit::digest_algorithm::sha256};
  check_one(manifest_with_layer(desc(gzip, sha512, "1")), severity::error,
            "manifest.digest_not_accepted", "/layers/0/digest",
            "digest algorithm 'sha512' at /layers/0/digest is not accepted", only256);
  check_clean(manifest_with_layer(layer()), only256);
  ocikit::manifest_parse_options only512;
  only512.checks.accepted_algorithms = {ocikit::digest_algorithm::sha512};
  check_problems(manifest_with_layer(layer()),
                 {{severity::error, "manifest.digest_not_accepted", "/config/digest",
                   "digest algorithm 'sha256' at /config/digest is not accepted"},
                  {severity::error, "manifest.digest_not_accepted", "/layers/0/digest",
                   "digest algorithm 'sha256' at /layers/0/digest is not accepted"}},
                 only512);
  // A known algorithm is checked exactly even when it is not accepted.
  check_one(manifest_with_layer(desc(gzip, "sha512:abc", "1")), severity::error,
            "manifest.layer_digest_invalid", "/layers/0/digest",
            "invalid layer digest at /layers/0/digest: 'sha512:abc': invalid digest length: "
            "sha512 digests have 128 hex digits, this one has 3",
            only256);
}

TEST_CASE("validate: sizes are exact integers in [0, 2^63-1]", "[validate]") {
  const auto bad = [](std::string_view size, const std::string& detail) {
    check_one(manifest_with_layer(desc(gzip, d2, size)), severity::error,
              "manifest.layer_size_invalid", "/layers/0/size",
              "invalid layer size at /layers/0/size: " + detail);
  };
  bad("-1", "-1 is negative");
  bad("\"1470\"", "expected an integer, found a string");
  bad("2.0", "expected an integer, found the number 2.0");
  bad("1e3", "expected an integer, found the number 1e3");
  bad("1E3", "expected an integer, found the number 1E3");
  bad("9223372036854775808", "9223372036854775808 is larger than 9223372036854775807");
  bad("18446744073709551616", "18446744073709551616 is larger than 9223372036854775807");
  bad("null", "expected an integer, found null");
  check_clean(manifest_with_layer(desc(gzip, d2, "9223372036854775807")));
  check_clean(manifest_with_layer(desc(gzip, d2, "9007199254740993")));
  check_clean(manifest_with_layer(desc(gzip, d2, "0")));
  check_clean(manifest_with_layer(desc(gzip, d2, "-0")));
  check_one(manifest(desc("a/b", d1, "-5"), "[" + layer() + "]"), severity::error,
            "manifest.config_size_invalid", "/config/size",
            "invalid config size at /config/size: -5 is negative");
  check_one(index_with("[" + desc("a/b", d1, "\"7\"") + "]"), severity::error,
            "manifest.entry_size_invalid", "/manifests/0/size",
            "invalid index entry size at /manifests/0/size: expected an integer, found a string");
  check_one(index_with("[]", R"("subject":)" + desc("a/b", d1, "1.5")), severity::error,
            "manifest.subject_size_invalid", "/subject/size",
            "invalid subject size at /subject/size: expected an integer, found the number 1.5");
}

TEST_CASE("validate: urls", "[validate]") {
  check_clean(manifest_with_layer(layer(
      R"("urls":["https://example.com/blob","http://[::1]:5000/x?y=1#z","HTTPS://a.b/%2F"])")));
  const auto bad = [](std::string_view urls, std::string_view pointer, const std::string& msg) {
    check_one(manifest_with_layer(layer("\"urls\":" + std::string(urls))), severity::error,
              "manifest.url_invalid", pointer, msg);
  };
  bad(R"(["value"])", "/layers/0/urls/0",
      "invalid URL at /layers/0/urls/0: 'value' is not an absolute URI: it has no scheme");
  bad(R"(["https://ok.example","1http://x"])", "/layers/0/urls/1",
      "invalid URL at /layers/0/urls/1: '1http://x' is not an absolute URI: it does not start "
      "with a scheme");
  bad(R"(["http://"])", "/layers/0/urls/0",
      "invalid URL at /layers/0/urls/0: 'http://' has no host");
  bad(R"(["https:example.com"])", "/layers/0/urls/0",
      "invalid URL at /layers/0/urls/0: 'https:example.com' has no '//' and host after the scheme");
  bad(R"(["https://exa mple.com"])", "/layers/0/urls/0",
      "invalid URL at /layers/0/urls/0: 'https://exa mple.com' is not a URI: ' ' at byte 11 is "
      "not allowed");
  bad(R"(["https://a/%zz"])", "/layers/0/urls/0",
      "invalid URL at /layers/0/urls/0: 'https://a/%zz' is not a URI: '%' at byte 10 is not "
      "followed by two hex digits");
  bad(R"([""])", "/layers/0/urls/0", "invalid URL at /layers/0/urls/0: it is empty");
  check_one(manifest_with_layer(layer(R"("urls":["ftp://mirror.example/x"])")), severity::warning,
            "manifest.url_scheme", "/layers/0/urls/0",
            "URL at /layers/0/urls/0 has the scheme 'ftp': http or https is expected");
  check_one(manifest_with_layer(layer(R"("urls":"https://x")")), severity::error,
            "manifest.wrong_type", "/layers/0/urls",
            "wrong JSON type at /layers/0/urls: expected an array of URLs, found a string");
  check_one(manifest_with_layer(layer(R"("urls":[7])")), severity::error, "manifest.wrong_type",
            "/layers/0/urls/0",
            "wrong JSON type at /layers/0/urls/0: expected a string, found an integer");
}

TEST_CASE("validate: annotations are strings", "[validate]") {
  check_one(manifest_with_layer(layer(), R"("annotations":{"ok":"1","n":1})"), severity::error,
            "manifest.annotation_invalid", "/annotations/n",
            "invalid annotation at /annotations/n: expected a string value, found an integer");
  check_one(
      manifest_with_layer(layer(R"("annotations":{"a/b":null})")), severity::error,
      "manifest.annotation_invalid", "/layers/0/annotations/a~1b",
      "invalid annotation at /layers/0/annotations/a~1b: expected a string value, found null");
  check_one(index_with("[]", R"("annotations":["a"])"), severity::error, "manifest.wrong_type",
            "/annotations",
            "wrong JSON type at /annotations: expected an object of strings, found an array");
  const auto r = ocikit::parse_manifest(manifest_with_layer(layer(), R"("annotations":{"k":""})"));
  REQUIRE(r.has_value());
  CHECK(r->manifest.annotations()->at("k").empty());
}

TEST_CASE("validate: embedded data", "[validate]") {
  const std::string empty_cfg =
      desc("application/vnd.oci.empty.v1+json", ocikit::empty_blob_digest, "2", R"("data":"e30=")");
  const std::string artifact = R"("artifactType":"application/vnd.example")";
  check_clean(manifest(empty_cfg, "[" + layer() + "]", artifact));
  // The empty blob: no bytes.
  check_clean(manifest_with_layer(
      desc("text/plain", "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
           "0", R"("data":"")")));
  const auto bad = [&](std::string_view data, std::string_view size, std::string_view id,
                       const std::string& msg) {
    check_one(manifest(desc("a/b", ocikit::empty_blob_digest, size,
                            "\"data\":\"" + std::string(data) + "\""),
                       "[" + layer() + "]"),
              severity::error, id, "/config/data", msg);
  };
  bad("e30", "2", "manifest.data_invalid",
      "invalid data at /config/data: not padded base64: its length is not a multiple of 4 (is "
      "the '=' padding missing?) at byte 3");
  bad("e3=0", "2", "manifest.data_invalid",
      "invalid data at /config/data: not padded base64: '=' padding is only allowed at the end at "
      "byte 2");
  bad("e3*=", "2", "manifest.data_invalid",
      "invalid data at /config/data: not padded base64: a character outside the base64 alphabet "
      "at byte 2");
  bad("e30=", "3", "manifest.data_size_mismatch",
      "data at /config/data does not match the size: it decodes to 2 bytes, the size is 3");
  bad("W10=", "2", "manifest.data_digest_mismatch",
      "data at /config/data does not match the digest: it hashes to "
      "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945, the digest is "
      "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
  // Non-zero padding bits decode to the same bytes (RFC 4648 lets decoders accept them, as Go's
  // encoding/base64 does): "e31=" is the blob `{}` too.
  check_clean(manifest(desc("a/b", ocikit::empty_blob_digest, "2", R"("data":"e31=")"),
                       "[" + layer() + "]"));
  check_one(manifest_with_layer(layer(R"("data":1)")), severity::error, "manifest.wrong_type",
            "/layers/0/data",
            "wrong JSON type at /layers/0/data: expected a string (base64), found an integer");
  // Data cannot be checked against a digest ocikit cannot compute: only the warning remains.
  check_one(manifest_with_layer(desc(gzip, "sha256+b64:abc", "2", R"("data":"e30=")")),
            severity::warning, "manifest.digest_unverifiable", "/layers/0/digest",
            "unverifiable digest at /layers/0/digest: ocikit does not know the algorithm "
            "'sha256+b64'");
}

TEST_CASE("validate: artifactType", "[validate]") {
  const std::string empty_cfg =
      desc("application/vnd.oci.empty.v1+json", ocikit::empty_blob_digest, "2");
  check_one(manifest(empty_cfg, "[" + layer() + "]"), severity::error,
            "manifest.artifact_type_missing", "/artifactType",
            "missing /artifactType: a manifest whose config has the empty media type "
            "(application/vnd.oci.empty.v1+json) must declare artifactType");
  check_clean(manifest(empty_cfg, "[" + layer() + "]", R"("artifactType":"application/vnd.x")"));
  check_one(manifest(empty_cfg, "[" + layer() + "]", R"("artifactType":"")"), severity::error,
            "manifest.artifact_type_invalid", "/artifactType",
            "invalid artifactType at /artifactType: '': it is empty");
  check_one(manifest_with_layer(layer(), R"("artifactType":"sbom")"), severity::error,
            "manifest.artifact_type_invalid", "/artifactType",
            "invalid artifactType at /artifactType: 'sbom': it has no '/' between type and "
            "subtype");
  check_one(index_with("[" + desc("a/b", d1, "1", R"("artifactType":"foo/.bar")") + "]"),
            severity::error, "manifest.artifact_type_invalid", "/manifests/0/artifactType",
            "invalid artifactType at /manifests/0/artifactType: 'foo/.bar': the subtype must "
            "start with a letter or digit (byte 4)");
  check_one(index_with("[]", R"("artifactType":"x")"), severity::error,
            "manifest.artifact_type_invalid", "/artifactType",
            "invalid artifactType at /artifactType: 'x': it has no '/' between type and subtype");
}

TEST_CASE("validate: empty layers warn, or fail in strict mode", "[validate]") {
  const std::string doc = manifest(config(), "[]");
  check_one(doc, severity::warning, "manifest.layers_empty", "/layers",
            "/layers is empty: an image manifest should have at least one layer");
  ocikit::manifest_parse_options strict;
  strict.checks.strict = true;
  check_one(doc, severity::error, "manifest.layers_empty", "/layers",
            "/layers is empty: an image manifest should have at least one layer", strict);
  CHECK(ocikit::parse_manifest(doc).has_value());
  CHECK(ocikit::parse_manifest(doc, strict).error().id() == "manifest.layers_empty");

  // validate() applies other options to the same bytes.
  const auto parsed = ocikit::parse_manifest(doc);
  REQUIRE(parsed.has_value());
  CHECK(ocikit::validate(*parsed) == parsed->problems);
  const auto strict_problems = ocikit::validate(*parsed, {.strict = true});
  REQUIRE(strict_problems.size() == 1);
  CHECK(strict_problems[0].severity == severity::error);
  CHECK(ocikit::has_errors(strict_problems));
  CHECK_FALSE(ocikit::has_errors(parsed->problems));
  // Docker manifests are not held to the OCI SHOULD.
  check_clean(
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":)" +
      config() + R"(,"layers":[]})");
}

TEST_CASE("validate: layer types", "[validate]") {
  const std::string foreign = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  const std::string docker =
      R"({"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":)" +
      config() + R"(,"layers":[)";
  check_one(docker + desc(foreign, d2, "1") + "]}", severity::error, "manifest.foreign_layer_urls",
            "/layers/0",
            "foreign layer at /layers/0 has no urls: a Docker foreign layer must say where to "
            "download it");
  check_one(docker + desc(foreign, d2, "1", R"("urls":[])") + "]}", severity::error,
            "manifest.foreign_layer_urls", "/layers/0",
            "foreign layer at /layers/0 has no urls: a Docker foreign layer must say where to "
            "download it");
  check_clean(docker + desc(foreign, d2, "1", R"("urls":["https://example.com/l"])") + "]}");
  check_one(manifest_with_layer(desc(foreign, d2, "1")), severity::error,
            "manifest.foreign_layer_urls", "/layers/0",
            "foreign layer at /layers/0 has no urls: a Docker foreign layer must say where to "
            "download it");
  check_one(manifest_with_layer(
                desc("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", d2, "1")),
            severity::warning, "manifest.layer_deprecated", "/layers/0/mediaType",
            "deprecated layer media type at /layers/0/mediaType: "
            "'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': non-distributable "
            "layers are deprecated since image-spec v1.1");
}

TEST_CASE("validate: the empty media type on something else", "[validate]") {
  const std::string artifact = R"("artifactType":"application/vnd.x")";
  check_one(manifest(desc("application/vnd.oci.empty.v1+json", ocikit::empty_blob_digest, "3"),
                     "[" + layer() + "]", artifact),
            severity::warning, "manifest.empty_descriptor_mismatch", "/config",
            "descriptor at /config has the empty media type but is not the empty blob '{}': its "
            "size is 3, not 2");
  check_one(
      manifest(desc("application/vnd.oci.empty.v1+json", d1, "2"), "[" + layer() + "]", artifact),
      severity::warning, "manifest.empty_descriptor_mismatch", "/config",
      "descriptor at /config has the empty media type but is not the empty blob '{}': its "
      "digest is " +
          std::string(d1) + ", not " + std::string(ocikit::empty_blob_digest));
  check_clean(manifest_with_layer(
      desc("application/vnd.oci.empty.v1+json", ocikit::empty_blob_digest, "2")));
}

TEST_CASE("validate: platforms", "[validate]") {
  const auto entry = [](std::string_view platform) {
    return "[" +
           desc("application/vnd.oci.image.manifest.v1+json", d1, "7",
                "\"platform\":" + std::string(platform)) +
           "]";
  };
  check_clean(index_with(entry(
      R"({"architecture":"amd64","os":"windows","os.version":"10.0.17763","os.features":["win32k"],"variant":"v2"})")));
  check_one(index_with(entry(R"({"os":"linux"})")), severity::error, "manifest.missing_field",
            "/manifests/0/platform/architecture",
            "missing required field /manifests/0/platform/architecture");
  check_one(index_with(entry(R"({"architecture":"arm64"})")), severity::error,
            "manifest.missing_field", "/manifests/0/platform/os",
            "missing required field /manifests/0/platform/os");
  // An empty string is missing: the model holds absence as "", and a serialised model omits it.
  check_one(index_with(entry(R"({"architecture":"arm64","os":""})")), severity::error,
            "manifest.missing_field", "/manifests/0/platform/os",
            "missing required field /manifests/0/platform/os");
  check_one(index_with(entry(R"({"architecture":"","os":"linux"})")), severity::error,
            "manifest.missing_field", "/manifests/0/platform/architecture",
            "missing required field /manifests/0/platform/architecture");
  check_one(index_with(entry(R"("linux/amd64")")), severity::error, "manifest.wrong_type",
            "/manifests/0/platform",
            "wrong JSON type at /manifests/0/platform: expected an object (a platform), found a "
            "string");
  check_one(index_with(entry(R"({"architecture":"arm","os":"linux","variant":7})")),
            severity::error, "manifest.wrong_type", "/manifests/0/platform/variant",
            "wrong JSON type at /manifests/0/platform/variant: expected a string, found an "
            "integer");
  check_one(index_with(entry(R"({"architecture":"x","os":"windows","os.features":"win32k"})")),
            severity::error, "manifest.wrong_type", "/manifests/0/platform/os.features",
            "wrong JSON type at /manifests/0/platform/os.features: expected an array of strings, "
            "found a string");
  check_one(index_with(entry(R"({"architecture":"x","os":"windows","os.features":["a",1]})")),
            severity::error, "manifest.wrong_type", "/manifests/0/platform/os.features/1",
            "wrong JSON type at /manifests/0/platform/os.features/1: expected a string, found an "
            "integer");
  check_one(index_with(entry(R"({"architecture":"amd64","os":"linux","features":["sse4"]})")),
            severity::warning, "manifest.platform_features_reserved",
            "/manifests/0/platform/features",
            "/manifests/0/platform/features is reserved by the OCI image spec for future use");
  // Docker manifest lists define `features`, and every entry should name its platform.
  const std::string_view list = "application/vnd.docker.distribution.manifest.list.v2+json";
  check_clean(
      index_with(entry(R"({"architecture":"amd64","os":"linux","features":["sse4"]})"), "", list));
  check_one(index_with("[" + desc("a/b", d1, "7") + "]", "", list), severity::warning,
            "manifest.platform_missing", "/manifests/0/platform",
            "missing /manifests/0/platform: a Docker manifest list entry should name its platform");
  check_clean(index_with("[" + desc("a/b", d1, "7") + "]"));  // optional in OCI indexes
}

TEST_CASE("validate: all problems, in document order", "[validate]") {
  const std::string doc =
      R"({"schemaVersion":1,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.oci.empty.v1+json","size":2,"digest":"x"},)"
      R"("layers":[{"mediaType":"a/b","digest":"sha256:abc","size":-1},)"
      R"({"mediaType":"bad","size":"1","digest":"blob+x:abc"}],)"
      R"("annotations":{"a":1}})";
  check_problems(
      doc, {{severity::error, "manifest.schema_version_invalid", "/schemaVersion",
             "invalid schemaVersion at /schemaVersion: expected the integer 2, found 1"},
            {severity::error, "manifest.config_digest_invalid", "/config/digest",
             "invalid config digest at /config/digest: 'x': invalid digest: no ':' between "
             "algorithm and encoded part"},
            {severity::error, "manifest.layer_digest_invalid", "/layers/0/digest",
             "invalid layer digest at /layers/0/digest: 'sha256:abc': invalid digest length: "
             "sha256 digests have 64 hex digits, this one has 3"},
            {severity::error, "manifest.layer_size_invalid", "/layers/0/size",
             "invalid layer size at /layers/0/size: -1 is negative"},
            {severity::error, "manifest.layer_media_type_invalid", "/layers/1/mediaType",
             "invalid layer media type at /layers/1/mediaType: 'bad': it has no '/' between type "
             "and subtype"},
            {severity::error, "manifest.layer_size_invalid", "/layers/1/size",
             "invalid layer size at /layers/1/size: expected an integer, found a string"},
            {severity::warning, "manifest.digest_unverifiable", "/layers/1/digest",
             "unverifiable digest at /layers/1/digest: ocikit does not know the algorithm "
             "'blob+x'"},
            {severity::error, "manifest.annotation_invalid", "/annotations/a",
             "invalid annotation at /annotations/a: expected a string value, found an integer"},
            {severity::error, "manifest.artifact_type_missing", "/artifactType",
             "missing /artifactType: a manifest whose config has the empty media type "
             "(application/vnd.oci.empty.v1+json) must declare artifactType"}});
  const auto parsed = ocikit::parse_manifest(doc, {.reject_invalid = false});
  REQUIRE(parsed.has_value());
  CHECK(ocikit::count(parsed->problems, severity::error) == 8);
  CHECK(ocikit::count(parsed->problems, severity::warning) == 1);
  CHECK(ocikit::validate(*parsed) == parsed->problems);
  // The default refuses the document with its first error.
  const auto refused = ocikit::parse_manifest(doc);
  REQUIRE_FALSE(refused.has_value());
  CHECK(refused.error() == parsed->problems[0].error);
}

TEST_CASE("validate: validate=false keeps only what the model needs", "[validate]") {
  ocikit::manifest_parse_options o;
  o.validate = false;
  // Media type syntax, urls, data: not checked.
  check_clean(manifest_with_layer(desc("bad", d2, "1", R"("urls":["x"],"data":"!")")), o);
  check_clean(R"({"schemaVersion":2,"manifests":[]})", o);  // no mediaType warning
  // Types, required members, digest grammar and integer ranges still are.
  check_problems(manifest_with_layer(desc("a/b", "sha256:x", "1.5", R"("urls":"x")")),
                 {{severity::error, "manifest.layer_digest_invalid", "/layers/0/digest",
                   "invalid layer digest at /layers/0/digest: 'sha256:x': invalid digest length: "
                   "sha256 digests have 64 hex digits, this one has 1"},
                  {severity::error, "manifest.layer_size_invalid", "/layers/0/size",
                   "invalid layer size at /layers/0/size: expected an integer, found the number "
                   "1.5"},
                  {severity::error, "manifest.wrong_type", "/layers/0/urls",
                   "wrong JSON type at /layers/0/urls: expected an array of URLs, found a string"}},
                 o);
}

TEST_CASE("verify_descriptor: size first, then digest of the exact bytes", "[validate]") {
  ocikit::descriptor d = ocikit::empty_descriptor();
  CHECK(ocikit::verify_descriptor(d, "{}").has_value());
  const auto size = ocikit::verify_descriptor(d, "{ }");
  REQUIRE_FALSE(size.has_value());
  CHECK(size.error().code() == errc::content_size_mismatch);
  CHECK(size.error().message() == "content size mismatch: expected 2 bytes, got 3");
  const auto digest = ocikit::verify_descriptor(d, "[]");
  REQUIRE_FALSE(digest.has_value());
  CHECK(digest.error().code() == errc::content_digest_mismatch);
  CHECK(digest.error().message() ==
        "content digest mismatch: expected "
        "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a, got "
        "sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945");
  const std::string bytes = "layer";
  d.size = 5;
  d.digest = *ocikit::hash_bytes(ocikit::digest_algorithm::sha512, bytes);
  CHECK(ocikit::verify_descriptor(d, std::as_bytes(std::span<const char>(bytes))).has_value());
  d.digest = ocikit::digest(*ocikit::parse_digest_lenient("foo+bar:abc"));
  const auto unknown = ocikit::verify_descriptor(d, bytes);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code() == errc::hash_unavailable);
  CHECK(unknown.error().message() ==
        "hash algorithm unavailable: foo+bar (not an algorithm ocikit knows)");
  const std::string blake3 = "blake3:" + std::string(64, 'a');
  d.digest = ocikit::digest(*ocikit::parse_digest_lenient(blake3));
  CHECK(ocikit::verify_descriptor(d, bytes).error().code() == errc::hash_unavailable);
  // The size is checked before the algorithm.
  CHECK(ocikit::verify_descriptor(d, "x").error().code() == errc::content_size_mismatch);
}

TEST_CASE("problems: accessors and helpers", "[validate]") {
  const ocikit::problem p{
      severity::warning,
      ocikit::error(errc::manifest_layers_empty, ocikit::error::npos).at_pointer("/layers")};
  CHECK(p.code() == errc::manifest_layers_empty);
  CHECK(p.id() == "manifest.layers_empty");
  CHECK(p.pointer() == "/layers");
  CHECK(p.message() == "/layers is empty: an image manifest should have at least one layer");
  CHECK(ocikit::to_string(severity::warning) == "warning");
  CHECK(ocikit::to_string(severity::error) == "error");
  const std::vector<ocikit::problem> list{p};
  CHECK_FALSE(ocikit::has_errors(list));
  CHECK(ocikit::count(list, severity::warning) == 1);
  CHECK(ocikit::count(list, severity::error) == 0);
  CHECK(p.error.condition() == ocikit::condition::manifest_invalid);
  std::ostringstream os;
  os << p << '|' << severity::error;
  CHECK(os.str() ==
        "warning manifest.layers_empty: /layers is empty: an image manifest should have at least "
        "one layer|error");
}

TEST_CASE("validate: the sha256 shortcut agrees with the digest grammar at every byte",
          "[validate]") {
  const std::string good =
      "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  REQUIRE(ocikit::detail::is_plain_sha256(good));
  for (std::size_t i = 0; i < good.size(); ++i) {
    for (int c = 0; c < 256; ++c) {
      std::string s = good;
      s[i] = static_cast<char>(c);
      CAPTURE(i, c);
      CHECK(ocikit::detail::is_plain_sha256(s) ==
            ocikit::is_valid_digest(s, {ocikit::digest_algorithm::sha256}));
    }
  }
  CHECK_FALSE(ocikit::detail::is_plain_sha256(good.substr(0, 70)));
  CHECK_FALSE(ocikit::detail::is_plain_sha256(good + "0"));
}
