// Tests of ocikit/select.hpp: choosing an index entry for a platform. Tables of indexes built
// here (amd64 levels, arm variants, arm64 v8.x/v9.x falling back to arm, 386 under amd64,
// attestations, ties, os.features, Windows os.version and its tie-break), the exact texts of the
// errors, every source type, and the real Docker Hub manifest list of the shared corpus.
#include "ocikit/select.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <cstddef>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ocikit/parse_manifest.hpp"

namespace {

using ocikit::descriptor;
using ocikit::platform;

/// An entry's platform as a document spells it (no normalisation).
struct spec {
  spec(std::string os_, std::string architecture_, std::string variant_ = {},
       std::string os_version_ = {}, std::vector<std::string> os_features_ = {})
      : os(std::move(os_)),
        architecture(std::move(architecture_)),
        variant(std::move(variant_)),
        os_version(std::move(os_version_)),
        os_features(std::move(os_features_)) {}
  std::string os;
  std::string architecture;
  std::string variant;
  std::string os_version;
  std::vector<std::string> os_features;
};

platform make(std::string os, std::string architecture) {
  platform p;
  p.os = std::move(os);
  p.architecture = std::move(architecture);
  return p;
}

/// A distinct digest per position: sha256 of 64 hex digits ending in the position.
ocikit::digest digest_for(std::size_t i) {
  std::string hex(64, '0');
  const std::string n = std::to_string(i);
  hex.replace(hex.size() - n.size(), n.size(), n);
  return ocikit::digest::parse("sha256:" + hex).value();
}

descriptor entry(std::size_t i, std::optional<spec> s) {
  descriptor d;
  d.media_type = "application/vnd.oci.image.manifest.v1+json";
  d.digest = digest_for(i);
  d.size = 1000 + static_cast<std::int64_t>(i);
  if (s) {
    platform p;
    p.os = std::move(s->os);
    p.architecture = std::move(s->architecture);
    p.variant = std::move(s->variant);
    p.os_version = std::move(s->os_version);
    p.os_features = std::move(s->os_features);
    d.platform = std::move(p);
  }
  return d;
}

/// An OCI index with one entry per spec, in order.
ocikit::image_index index_of(std::initializer_list<std::optional<spec>> specs) {
  ocikit::image_index idx;
  idx.media_type = "application/vnd.oci.image.index.v1+json";
  std::size_t i = 0;
  for (const auto& s : specs) idx.manifests.push_back(entry(i++, s));
  return idx;
}

const platform linux_amd64 = make("linux", "amd64");

platform wanted(std::string_view s) {
  auto p = ocikit::parse_platform(s, linux_amd64);
  INFO("wanted: " << s);
  REQUIRE(p.has_value());
  return *p;
}

/// The position of the entry chosen for `want`, or -1 with the error message in `message`.
long chosen(const ocikit::image_index& idx, std::string_view want, std::string* message = nullptr) {
  const auto r = ocikit::select_manifest(idx, wanted(want));
  if (!r) {
    if (message) *message = r.error().message();
    return -1;
  }
  REQUIRE(r->entry == &idx.manifests[r->index]);
  return static_cast<long>(r->index);
}

struct row {
  std::string_view want;
  long index;  // -1: no match
};

void check_table(const ocikit::image_index& idx, std::initializer_list<row> rows) {
  for (const row& r : rows) {
    INFO("wanted " << r.want);
    CHECK(chosen(idx, r.want) == r.index);
  }
}

/// Can select_manifest take a `T` (an rvalue when T is not a reference)?
template <class T>
concept selectable = requires(T&& source) {
  ocikit::select_manifest(static_cast<T&&>(source), linux_amd64);
};

std::optional<std::string> read_shared(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// ---- the compatibility order -----------------------------------------------------------------

TEST_CASE("amd64 v1..v4 fall back level by level, then to 386", "[select][amd64]") {
  // Shuffled so that the document order is not the preference order.
  const auto all =
      index_of({spec{"linux", "amd64", "v3"}, spec{"linux", "386"}, spec{"linux", "amd64", "v2"},
                spec{"linux", "amd64"}, spec{"linux", "amd64", "v4"}});
  check_table(all, {{"linux/amd64/v4", 4},
                    {"linux/amd64/v3", 0},
                    {"linux/amd64/v2", 2},
                    {"linux/amd64", 3},
                    {"linux/amd64/v1", 3},
                    {"linux/x86_64", 3},
                    {"linux/386", 1},
                    {"linux/i386", 1},
                    {"amd64", 3}});

  const auto low =
      index_of({spec{"linux", "386"}, spec{"linux", "amd64"}, spec{"linux", "amd64", "v2"}});
  check_table(
      low,
      {{"linux/amd64/v4", 2}, {"linux/amd64/v3", 2}, {"linux/amd64/v2", 2}, {"linux/amd64", 1}});

  const auto v1_spelt = index_of({spec{"linux", "386"}, spec{"linux", "x86_64", "v1"}});
  check_table(v1_spelt, {{"linux/amd64/v3", 1}, {"linux/amd64", 1}});

  // 386 only: every amd64 level runs it.
  const auto only386 = index_of({spec{"linux", "386"}});
  check_table(only386, {{"linux/amd64/v4", 0}, {"linux/amd64", 0}, {"linux/386", 0}});
  CHECK(ocikit::select_manifest(only386, wanted("linux/amd64/v3"))->rank == 3);

  // Never upwards: an amd64 host does not run v2, a 386 host does not run amd64.
  const auto high = index_of({spec{"linux", "amd64", "v2"}, spec{"linux", "amd64", "v3"}});
  check_table(high, {{"linux/amd64", -1}, {"linux/386", -1}, {"linux/amd64/v2", 0}});
}

TEST_CASE("arm v5..v8 run their own variant and older ones", "[select][arm]") {
  const auto all = index_of({spec{"linux", "arm", "v5"}, spec{"linux", "arm", "v6"},
                             spec{"linux", "arm", "v7"}, spec{"linux", "arm", "v8"}});
  check_table(all, {{"linux/arm/v8", 3},
                    {"linux/arm/v7", 2},
                    {"linux/arm", 2},
                    {"linux/armhf", 2},
                    {"linux/arm/v6", 1},
                    {"linux/armel", 1},
                    {"linux/arm/v5", 0},
                    {"linux/arm/5", 0}});

  const auto old = index_of({spec{"linux", "arm", "v5"}, spec{"linux", "arm", "v6"}});
  check_table(old,
              {{"linux/arm/v8", 1}, {"linux/arm/v7", 1}, {"linux/arm/v6", 1}, {"linux/arm/v5", 0}});

  // A plain "arm" entry is arm/v7; "7" is spelt v7 too.
  const auto plain = index_of({spec{"linux", "arm"}, spec{"linux", "arm", "7"}});
  check_table(plain, {{"linux/arm/v7", 0}, {"linux/arm/v8", 0}, {"linux/arm/v6", -1}});
}

TEST_CASE("arm64 v8.x and v9.x fall back through arm64 levels to 32-bit arm", "[select][arm64]") {
  const auto idx = index_of({spec{"linux", "arm", "v7"}, spec{"linux", "arm64", "v8"},
                             spec{"linux", "arm64", "v8.2"}, spec{"linux", "arm64", "v9"}});
  check_table(idx, {{"linux/arm64", 1},
                    {"linux/aarch64", 1},
                    {"linux/arm64/v8", 1},
                    {"linux/arm64/v8.1", 1},
                    {"linux/arm64/v8.2", 2},
                    {"linux/arm64/v8.4", 2},
                    {"linux/arm64/v9", 3},
                    {"linux/arm64/v9.0", 3},
                    {"linux/arm64/v9.2", 3},
                    {"linux/arm/v8", 0},
                    {"linux/arm/v7", 0},
                    {"linux/arm/v6", -1}});

  // v9.x runs v8.(x+5) and below, at most v8.9.
  const auto v8s = index_of({spec{"linux", "arm64", "v8.6"}, spec{"linux", "arm64", "v8.5"},
                             spec{"linux", "arm64", "v8.9"}});
  check_table(v8s, {{"linux/arm64/v9", 1},
                    {"linux/arm64/v9.1", 0},
                    {"linux/arm64/v9.4", 2},
                    {"linux/arm64/v9.7", 2},
                    {"linux/arm64/v9.9", -1},  // not in containerd's table: only itself
                    {"linux/arm64/v8.4", -1}});

  // Without arm64 entries an arm64 host takes 32-bit arm, newest variant first.
  const auto arm_only = index_of(
      {spec{"linux", "arm", "v5"}, spec{"linux", "arm", "v7"}, spec{"linux", "arm", "v6"}});
  check_table(arm_only, {{"linux/arm64", 1}, {"linux/arm64/v8.3", 1}, {"linux/arm64/v9.1", 1}});
  CHECK(ocikit::select_manifest(arm_only, wanted("linux/arm64"))->rank == 2);

  const auto arm_v8 = index_of({spec{"linux", "arm", "v7"}, spec{"linux", "arm", "v8"}});
  check_table(arm_v8, {{"linux/arm64", 1}, {"linux/arm64/v9", 1}});
}

TEST_CASE("386 is the fallback of amd64, never the other way", "[select][386]") {
  const auto idx = index_of({spec{"linux", "386"}, spec{"linux", "arm64"}});
  const auto r = ocikit::select_manifest(idx, wanted("linux/amd64"));
  REQUIRE(r.has_value());
  CHECK(r->index == 0);
  CHECK(r->rank == 1);
  CHECK((*r)->platform->architecture == "386");

  const auto amd = index_of({spec{"linux", "amd64"}, spec{"linux", "386"}});
  check_table(amd, {{"linux/386", 1}, {"linux/amd64", 0}});
}

// ---- what never matches ----------------------------------------------------------------------

TEST_CASE("unknown/unknown (attestation manifests) is never selected", "[select][attestation]") {
  const auto idx = index_of({spec{"unknown", "unknown"}, spec{"linux", "amd64"},
                             spec{"Unknown", "UNKNOWN"}, spec{"linux", "arm64"}});
  check_table(idx, {{"linux/amd64", 1}, {"linux/arm64", 3}, {"linux/arm/v7", -1}});

  // Not even when asked for: a request for unknown/unknown matches nothing.
  const auto only = index_of({spec{"unknown", "unknown"}, spec{"linux", "amd64"}});
  const platform unknown = make("unknown", "unknown");
  const auto r = ocikit::select_manifest(only, unknown);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message() == "no manifest for unknown/unknown; present: linux/amd64");
}

TEST_CASE("entries without a platform never match", "[select][no-platform]") {
  const auto idx = index_of({std::nullopt, spec{"linux", "amd64"}, std::nullopt});
  check_table(idx, {{"linux/amd64", 1}, {"linux/386", -1}});

  const auto none = index_of({std::nullopt, std::nullopt});
  std::string message;
  CHECK(chosen(none, "linux/amd64", &message) == -1);
  CHECK(message == "no manifest for linux/amd64; present: none");

  const auto empty = index_of({});
  CHECK(chosen(empty, "linux/amd64", &message) == -1);
  CHECK(message == "no manifest for linux/amd64; present: none");
}

// ---- ties ------------------------------------------------------------------------------------

TEST_CASE("equal ranks: the first entry wins", "[select][tie]") {
  const auto same = index_of({spec{"linux", "arm64"}, spec{"linux", "amd64"},
                              spec{"linux", "amd64"}, spec{"linux", "amd64"}});
  check_table(same, {{"linux/amd64", 1}});

  // Spellings that normalise to the same platform tie too.
  const auto spelt = index_of({spec{"Linux", "x86_64"}, spec{"linux", "amd64"}});
  check_table(spelt, {{"linux/amd64", 0}});
  const auto arm64 = index_of(
      {spec{"linux", "aarch64", "v8"}, spec{"linux", "arm64"}, spec{"linux", "arm64", "v8.0"}});
  check_table(arm64, {{"linux/arm64", 0}, {"linux/arm64/v8.3", 0}});

  // A better rank later in the document still wins over an earlier worse one.
  const auto later = index_of({spec{"linux", "386"}, spec{"linux", "amd64"}, spec{"linux", "386"}});
  check_table(later, {{"linux/amd64", 1}});

  // os.version is not a tie-break outside Windows.
  const auto versions =
      index_of({spec{"linux", "amd64", "", "1.0"}, spec{"linux", "amd64", "", "9.0"}});
  check_table(versions, {{"linux/amd64", 0}});
}

TEST_CASE("matching_manifests lists every match, best first, stable", "[select][all]") {
  const auto idx =
      index_of({spec{"linux", "386"}, spec{"linux", "amd64"}, spec{"linux", "amd64", "v3"},
                spec{"linux", "arm64"}, spec{"linux", "amd64", "v2"}, spec{"linux", "amd64"},
                spec{"unknown", "unknown"}, std::nullopt});
  const auto all = ocikit::matching_manifests(idx.manifests, wanted("linux/amd64/v3"));
  std::vector<std::size_t> order;
  std::vector<int> ranks;
  for (const auto& s : all) {
    order.push_back(s.index);
    ranks.push_back(s.rank);
    CHECK(s.entry == &idx.manifests[s.index]);
  }
  CHECK(order == std::vector<std::size_t>{2, 4, 1, 5, 0});
  CHECK(ranks == std::vector<int>{0, 1, 2, 2, 3});
  // select_manifest agrees with the head of the list.
  const auto best = ocikit::select_manifest(idx, wanted("linux/amd64/v3"));
  REQUIRE(best.has_value());
  CHECK(*best == all.front());

  CHECK(ocikit::matching_manifests(idx.manifests, wanted("linux/s390x")).empty());
}

// ---- os.features -----------------------------------------------------------------------------

TEST_CASE("a candidate's os.features must be a subset of the wanted ones", "[select][features]") {
  const auto idx = index_of({spec{"windows", "amd64", "", "10.0.17763.1", {"win32k", "gpu"}},
                             spec{"windows", "amd64", "", "10.0.17763.1", {"win32k"}},
                             spec{"windows", "amd64", "", "10.0.17763.1"}});
  check_table(idx, {{"windows(10.0.17763+win32k+gpu)/amd64", 0},
                    {"windows(10.0.17763+gpu+win32k+extra)/amd64", 0},
                    {"windows(10.0.17763+win32k)/amd64", 1},
                    // win32k is not considered; of equal ranks, more os.features wins
                    {"windows(10.0.17763)/amd64", 1},
                    {"windows/amd64", 1},
                    {"windows(10.0.17763+other)/amd64", 1}});

  const auto featured = index_of({spec{"linux", "amd64", "", "", {"sse4"}}});
  check_table(featured, {{"linux(+sse4)/amd64", 0}, {"linux/amd64", -1}});
  std::string message;
  CHECK(chosen(featured, "linux/amd64", &message) == -1);
  CHECK(message == "no manifest for linux/amd64; present: linux(+sse4)/amd64");
}

// ---- Windows os.version ----------------------------------------------------------------------

TEST_CASE("Windows os.version: compatible builds, then the highest version", "[select][windows]") {
  const auto idx =
      index_of({spec{"windows", "amd64", "", "10.0.17763.6414"},
                spec{"windows", "amd64", "", "10.0.20348.2700"},
                spec{"windows", "amd64", "", "10.0.20348.3091"},
                spec{"windows", "amd64", "", "10.0.26100.1742"}, spec{"linux", "amd64"}});
  check_table(idx, {
                       // below 20348 the same build only
                       {"windows(10.0.17763.1)/amd64", 0},
                       {"windows(10.0.17763)/amd64", 0},
                       {"windows(10.0.14393)/amd64", -1},
                       {"windows(10.0.19041)/amd64", -1},
                       // a 20348 host runs 20348 builds: the higher revision wins
                       {"windows(10.0.20348.100)/amd64", 2},
                       // Windows 11 (22621) runs 20348 up to its own build
                       {"windows(10.0.22621)/amd64", 2},
                       // a 26100 host runs 20348 and 26100: the higher build wins, though the
                       // 20348 entry has the higher revision (containerd compares revisions only)
                       {"windows(10.0.26100.1)/amd64", 3},
                       // no version wanted: every Windows entry matches; the highest wins
                       {"windows/amd64", 3},
                       // another major.minor never matches
                       {"windows(6.3.20348)/amd64", -1},
                       {"linux/amd64", 4},
                   });

  // An entry without os.version matches any host and counts as the lowest version.
  const auto unversioned =
      index_of({spec{"windows", "amd64"}, spec{"windows", "amd64", "", "10.0.20348.1"},
                spec{"windows", "amd64"}});
  check_table(unversioned, {{"windows(10.0.20348)/amd64", 1}, {"windows(10.0.17763)/amd64", 0}});

  // Equal versions keep the document order.
  const auto equal = index_of(
      {spec{"windows", "amd64", "", "10.0.20348.5"}, spec{"windows", "amd64", "", "10.0.20348.5"}});
  check_table(equal, {{"windows/amd64", 0}});

  // The architecture order still comes first: amd64 beats a newer 386 on an amd64 host.
  const auto arch = index_of(
      {spec{"windows", "386", "", "10.0.26100.9"}, spec{"windows", "amd64", "", "10.0.20348.1"}});
  check_table(arch, {{"windows/amd64", 1}});

  std::string message;
  CHECK(chosen(idx, "windows(10.0.14393)/amd64", &message) == -1);
  CHECK(message ==
        "no manifest for windows(10.0.14393)/amd64; present: windows(10.0.17763.6414)/amd64, "
        "windows(10.0.20348.2700)/amd64, windows(10.0.20348.3091)/amd64, "
        "windows(10.0.26100.1742)/amd64, linux/amd64");
}

TEST_CASE("windows_version_key orders major.minor.build.revision", "[select][windows]") {
  using ocikit::detail::windows_version_key;
  STATIC_REQUIRE(windows_version_key("10.0.20348.3091") > windows_version_key("10.0.20348.2700"));
  STATIC_REQUIRE(windows_version_key("10.0.26100.1") > windows_version_key("10.0.20348.99999"));
  STATIC_REQUIRE(windows_version_key("10.0.20348") == windows_version_key("10.0.20348.0"));
  STATIC_REQUIRE(windows_version_key("10.0.20348.12x") == windows_version_key("10.0.20348"));
  STATIC_REQUIRE(windows_version_key("10.0.20348.1234567890") == windows_version_key("10.0.20348"));
  STATIC_REQUIRE(windows_version_key("10.0.20348.7.1") == windows_version_key("10.0.20348.7"));
  STATIC_REQUIRE(windows_version_key("") == 0);
  STATIC_REQUIRE(windows_version_key("10.0") == 0);
  STATIC_REQUIRE(windows_version_key("not.a.version.5") == 0);
}

// ---- errors ----------------------------------------------------------------------------------

TEST_CASE("no match: platform.no_match names the platforms present", "[select][error]") {
  const auto idx = index_of({spec{"linux", "amd64"}, spec{"linux", "arm64", "v8"},
                             spec{"windows", "amd64", "", "10.0.20348"}, spec{"linux", "amd64"},
                             spec{"unknown", "unknown"}, std::nullopt});
  const auto r = ocikit::select_manifest(idx, wanted("linux/riscv64"));
  REQUIRE_FALSE(r.has_value());
  const ocikit::error& e = r.error();
  CHECK(e.code() == ocikit::errc::platform_no_match);
  CHECK(e.id() == "platform.no_match");
  CHECK(e.condition() == ocikit::condition::not_found);
  CHECK(e.condition_name() == "not_found");
  CHECK_FALSE(e.has_offset());
  CHECK(e.error_code() == ocikit::condition::not_found);
  CHECK(e.message() ==
        "no manifest for linux/riscv64; present: linux/amd64, linux/arm64/v8, "
        "windows(10.0.20348)/amd64");

  // The wanted platform is written normalised, with its version and features.
  std::string message;
  CHECK(chosen(idx, "Linux/aarch64/v8.0", &message) == 1);
  CHECK(chosen(idx, "linux/armhf", &message) == -1);
  CHECK(message.starts_with("no manifest for linux/arm/v7; present: "));
  CHECK(chosen(idx, "windows(10.0.17763+win32k)/amd64", &message) == -1);
  CHECK(message.starts_with("no manifest for windows(10.0.17763+win32k)/amd64; present: "));
}

TEST_CASE("no match: at most 16 platforms are named", "[select][error]") {
  ocikit::image_index idx;
  for (std::size_t i = 0; i < 20; ++i) {
    idx.manifests.push_back(entry(i, spec{"linux", "arch" + std::to_string(i)}));
  }
  const auto r = ocikit::select_manifest(idx, wanted("linux/amd64"));
  REQUIRE_FALSE(r.has_value());
  std::string expected = "no manifest for linux/amd64; present: ";
  for (std::size_t i = 0; i < 16; ++i) {
    if (i != 0) expected += ", ";
    expected += "linux/arch" + std::to_string(i);
  }
  expected += ", and 4 more";
  CHECK(r.error().message() == expected);
}

TEST_CASE("a manifest is not an index: platform.not_an_index", "[select][error]") {
  ocikit::image_manifest m;
  m.config = ocikit::empty_descriptor();
  const ocikit::any_manifest any(m);
  const auto r = ocikit::select_manifest(any, linux_amd64);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code() == ocikit::errc::platform_not_an_index);
  CHECK(r.error().condition() == ocikit::condition::manifest_unsupported);
  CHECK(r.error().message() ==
        "cannot select a platform from an OCI image manifest: only an OCI image index or a "
        "Docker manifest list has one entry per platform");

  const ocikit::any_manifest docker{ocikit::docker_manifest{}};
  CHECK(ocikit::select_manifest(docker, linux_amd64)
            .error()
            .message()
            .starts_with("cannot select a platform from a Docker image manifest: "));
}

// ---- sources ---------------------------------------------------------------------------------

TEST_CASE("every source type selects the same entry", "[select][sources]") {
  const auto idx =
      index_of({spec{"linux", "arm", "v7"}, spec{"linux", "arm64", "v8"}, spec{"linux", "amd64"}});
  ocikit::docker_manifest_list list;
  list.media_type = "application/vnd.docker.distribution.manifest.list.v2+json";
  list.manifests = idx.manifests;
  const ocikit::any_manifest any_index(idx);
  const ocikit::any_manifest any_list(list);
  ocikit::parsed_manifest parsed;
  parsed.kind = ocikit::manifest_kind::oci_index;
  parsed.manifest = idx;

  for (const auto* want : {"linux/arm64", "linux/arm/v7", "linux/amd64"}) {
    INFO(want);
    const platform w = wanted(want);
    const auto expected = ocikit::select_manifest(std::span<const descriptor>(idx.manifests), w);
    REQUIRE(expected.has_value());
    CHECK(ocikit::select_manifest(idx, w)->index == expected->index);
    CHECK(ocikit::select_manifest(list, w)->index == expected->index);
    CHECK(ocikit::select_manifest(any_index, w)->index == expected->index);
    CHECK(ocikit::select_manifest(any_list, w)->index == expected->index);
    CHECK(ocikit::select_manifest(parsed, w)->index == expected->index);
    // The selection points into the source it was chosen from.
    CHECK(ocikit::select_manifest(list, w)->entry == &list.manifests[expected->index]);
  }

  // Without a platform: the host's.
  const auto host = ocikit::select_manifest(idx);
  const auto explicit_host = ocikit::select_manifest(idx, ocikit::host_platform());
  REQUIRE(host.has_value() == explicit_host.has_value());
  if (host) CHECK(*host == *explicit_host);

  // Temporaries of the owning types are refused at compile time (the selection would dangle).
  STATIC_REQUIRE(selectable<const ocikit::image_index&>);
  STATIC_REQUIRE(selectable<ocikit::docker_manifest_list&>);
  STATIC_REQUIRE(selectable<const ocikit::parsed_manifest&>);
  STATIC_REQUIRE(selectable<std::span<const descriptor>>);
  STATIC_REQUIRE_FALSE(selectable<ocikit::image_index>);
  STATIC_REQUIRE_FALSE(selectable<ocikit::docker_manifest_list>);
  STATIC_REQUIRE_FALSE(selectable<ocikit::any_manifest>);
  STATIC_REQUIRE_FALSE(selectable<const ocikit::parsed_manifest>);
}

TEST_CASE("a parsed OCI index with attestations", "[select][parsed]") {
  // The shape buildx pushes: two images and their attestation manifests.
  const std::string doc = R"({
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:1111111111111111111111111111111111111111111111111111111111111111",
     "size": 100, "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:2222222222222222222222222222222222222222222222222222222222222222",
     "size": 200, "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:3333333333333333333333333333333333333333333333333333333333333333",
     "size": 300, "platform": {"architecture": "unknown", "os": "unknown"},
     "annotations": {"vnd.docker.reference.type": "attestation-manifest"}},
    {"mediaType": "application/vnd.oci.image.manifest.v1+json",
     "digest": "sha256:4444444444444444444444444444444444444444444444444444444444444444",
     "size": 400, "platform": {"architecture": "unknown", "os": "unknown"},
     "annotations": {"vnd.docker.reference.type": "attestation-manifest"}}
  ]
})";
  const auto parsed = ocikit::parse_manifest(doc);
  REQUIRE(parsed.has_value());
  const auto arm = ocikit::select_manifest(*parsed, wanted("linux/arm64"));
  REQUIRE(arm.has_value());
  CHECK(arm->index == 1);
  CHECK((*arm)->digest.str() ==
        "sha256:2222222222222222222222222222222222222222222222222222222222222222");
  CHECK((*arm)->size == 200);
  const auto none = ocikit::select_manifest(*parsed, wanted("linux/arm/v7"));
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message() ==
        "no manifest for linux/arm/v7; present: linux/amd64, linux/arm64/v8");
}

TEST_CASE("the Docker Hub manifest list of the shared corpus", "[select][corpus]") {
  const auto bytes = read_shared(OCIKIT_TEST_DATA
                                 "/corpus/manifests/068-docker-hub-manifest-list-5-platforms.json");
  REQUIRE(bytes.has_value());
  const auto parsed = ocikit::parse_manifest(*bytes);
  REQUIRE(parsed.has_value());
  REQUIRE(parsed->kind == ocikit::manifest_kind::docker_manifest_list);
  const auto* list = parsed->manifest.get_if<ocikit::docker_manifest_list>();
  REQUIRE(list != nullptr);

  struct expectation {
    std::string_view want;
    std::string_view digest;  // "" = no match
  };
  constexpr std::string_view amd64 =
      "sha256:ae1b0e06e8ade3a11267564a26e750585ba2259c0ecab59ab165ad1af41d1bdd";
  constexpr std::string_view arm64 =
      "sha256:fb2fc0707b86dafa9959fe3d29e66af8787aee4d9a23581714be65db4265ad8a";
  constexpr std::string_view armv7 =
      "sha256:07ebe243465ef4a667b78154ae6c3ea46fdb1582936aac3ac899ea311a701b40";
  constexpr std::string_view ppc =
      "sha256:7820f9a86d4ad15a2c4f0c0e5479298df2aa7c2f6871288e2ef8546f3e7b6783";
  constexpr std::string_view s390x =
      "sha256:e4c0df75810b953d6717b8f8f28298d73870e8aa2a0d5e77b8391f16fdfbbbe2";
  for (const expectation& x : std::initializer_list<expectation>{
           {"linux/amd64", amd64},
           {"linux/amd64/v3", amd64},
           {"linux/x86_64", amd64},
           {"linux/arm64", arm64},
           {"linux/arm64/v8.2", arm64},
           {"linux/arm64/v9", arm64},
           {"linux/arm/v7", armv7},
           {"linux/arm/v8", armv7},
           {"linux/ppc64le", ppc},
           {"linux/s390x", s390x},
           {"linux/arm/v6", ""},
           {"linux/386", ""},
           {"windows/amd64", ""},
       }) {
    INFO("wanted " << x.want);
    const platform w = wanted(x.want);
    const auto from_parsed = ocikit::select_manifest(*parsed, w);
    const auto from_list = ocikit::select_manifest(*list, w);
    REQUIRE(from_parsed.has_value() == from_list.has_value());
    if (x.digest.empty()) {
      CHECK_FALSE(from_parsed.has_value());
      CHECK(from_parsed.error() == ocikit::errc::platform_no_match);
      continue;
    }
    REQUIRE(from_parsed.has_value());
    CHECK((*from_parsed)->digest.str() == x.digest);
    CHECK(from_list->index == from_parsed->index);
    CHECK((*from_parsed)->media_type == "application/vnd.docker.distribution.manifest.v2+json");
  }

  const auto none = ocikit::select_manifest(*parsed, wanted("linux/386"));
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error().message() ==
        "no manifest for linux/386; present: linux/ppc64le, linux/amd64, linux/s390x, "
        "linux/arm/v7, linux/arm64/v8");
}
