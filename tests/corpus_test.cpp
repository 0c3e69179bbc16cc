// The conformance corpus (tests/data/corpus/manifests): real manifests, indexes, descriptors,
// configs and layout files with their expected verdicts, read at test time. A missing file
// fails the test.
#include "ocikit/parse_manifest.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/validate.hpp"

namespace {

const std::filesystem::path corpus_dir = OCIKIT_TEST_DATA "/corpus/manifests";

struct record {
  std::string file;
  std::string kind;
  bool valid = false;
  std::string level;
  std::string doc_type;
  std::string expected_digest;
  std::int64_t size = 0;
  std::string sha256;
};

std::string member(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::vector<record> load_cases() {
  std::ifstream in(corpus_dir / "cases.jsonl");
  std::vector<record> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const boost::json::object o = boost::json::parse(line).as_object();
    record r;
    r.file = member(o, "file");
    r.kind = member(o, "kind");
    r.valid = o.at("valid").as_bool();
    r.level = member(o, "level");
    r.doc_type = member(o, "doc_type");
    r.expected_digest = member(o, "expected_digest");
    r.size = o.at("size").to_number<std::int64_t>();
    r.sha256 = member(o, "sha256");
    out.push_back(std::move(r));
  }
  return out;
}

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool is_json_error(const ocikit::error& e) {
  return e.condition() == ocikit::condition::json_invalid;
}

// The verdict of one case; `why` says what disagreed (empty when all agrees).
std::string check_case(const record& r, const std::string& bytes) {
  std::string why;
  const auto note = [&](std::string_view s) {
    if (!why.empty()) why += "; ";
    why += s;
  };
  if (static_cast<std::int64_t>(bytes.size()) != r.size) note("size differs");
  const auto sha = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes);
  if (!sha || sha->str() != r.sha256) note("sha256 of the bytes differs");
  if (!r.expected_digest.empty() && (!sha || sha->str() != r.expected_digest)) {
    note("expected_digest differs");
  }

  const auto strict = ocikit::parse_manifest(bytes);
  ocikit::manifest_parse_options report;
  report.reject_invalid = false;
  const auto parsed = ocikit::parse_manifest(bytes, report);

  const bool manifest_like = r.doc_type == "manifest" || r.doc_type == "index";
  if (!manifest_like || r.kind == "unknown") {
    // Not one of the four kinds: refused as a top-level manifest.
    if (strict.has_value()) note("accepted as a manifest");
    if (r.doc_type == "descriptor") {
      const auto d = ocikit::parse_descriptor(bytes);
      if (d.has_value() != r.valid) note("descriptor verdict differs");
    }
    if (r.level == "unsupported" &&
        (strict.has_value() ||
         strict.error().condition() != ocikit::condition::manifest_unsupported)) {
      note("not refused as unsupported");
    }
    return why;
  }
  if (r.level == "json") {
    if (strict.has_value() || !is_json_error(strict.error())) note("not refused by the JSON layer");
    return why;
  }
  if (!parsed) {
    note("refused: " + parsed.error().message());
    return why;
  }
  if (ocikit::to_string(parsed->kind) != r.kind) note("kind differs");
  if (parsed->digest != r.sha256) note("digest differs");
  if (parsed->size != r.size) note("parsed size differs");
  // The media type of the detected kind is accepted as an outside expectation, others are not.
  ocikit::manifest_parse_options expect;
  expect.reject_invalid = false;
  expect.expected_media_type = ocikit::media_type_of(parsed->kind);
  if (!ocikit::parse_manifest(bytes, expect)) note("refused with its own media type expected");
  expect.expected_media_type = ocikit::is_index(parsed->kind) ? ocikit::media_types::oci_manifest
                                                              : ocikit::media_types::oci_index;
  if (ocikit::parse_manifest(bytes, expect)) note("accepted with the other kind expected");

  if (r.level == "schema") {
    // JSON-schema-only rule (layers minItems 1): a warning by default, an error when strict.
    ocikit::manifest_parse_options strict_mode;
    strict_mode.checks.strict = true;
    if (ocikit::parse_manifest(bytes, strict_mode).has_value() != r.valid) {
      note("strict verdict differs");
    }
    if (!parsed->valid() || ocikit::count(parsed->problems, ocikit::severity::warning) == 0) {
      note("default mode does not warn");
    }
    return why;
  }
  if (parsed->valid() != r.valid) note("verdict differs");
  if (strict.has_value() != r.valid) note("default verdict differs");
  if (r.level == "warn" && ocikit::count(parsed->problems, ocikit::severity::warning) == 0) {
    note("no warning for a SHOULD-level issue");
  }
  // validate() over the stored bytes agrees with parse_manifest.
  if (ocikit::validate(*parsed) != parsed->problems) note("validate() disagrees with the parse");
  return why;
}

}  // namespace

TEST_CASE("shared corpus: kinds, verdicts and digests", "[corpus]") {
  REQUIRE(std::filesystem::exists(corpus_dir / "cases.jsonl"));
  const std::vector<record> cases = load_cases();
  REQUIRE_FALSE(cases.empty());
  std::size_t agree = 0;
  for (const record& r : cases) {
    CAPTURE(r.file);
    const std::string bytes = read_bytes(corpus_dir / r.file);
    const std::string why = check_case(r, bytes);
    CHECK(why.empty());
    if (why.empty()) {
      ++agree;
    } else {
      WARN(r.file << ": " << why);
    }
  }
  WARN("shared corpus: " << agree << " of " << cases.size() << " cases agree");
  CHECK(agree == cases.size());
}

TEST_CASE("shared corpus: every file parses the same from raw bytes", "[corpus]") {
  REQUIRE(std::filesystem::exists(corpus_dir / "cases.jsonl"));
  for (const record& r : load_cases()) {
    CAPTURE(r.file);
    const std::string bytes = read_bytes(corpus_dir / r.file);
    ocikit::manifest_parse_options o;
    o.reject_invalid = false;
    const auto a = ocikit::parse_manifest(bytes, o);
    const auto b =
        ocikit::parse_manifest(std::as_bytes(std::span<const char>(bytes.data(), bytes.size())), o);
    REQUIRE(a.has_value() == b.has_value());
    if (a) {
      CHECK(a->manifest == b->manifest);
      CHECK(a->problems == b->problems);
      CHECK(a->bytes == bytes);
    } else {
      CHECK(a.error() == b.error());
    }
  }
}
