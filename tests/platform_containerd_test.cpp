// containerd/platforms' own test tables, ported as data (tests/data/platform/containerd.json):
// TestParseSelector, TestFormatAllEncoding, TestParseSelectorInvalid, TestOnly, TestOnlyStrict,
// TestOnlyOS, TestOnlyOSLess, TestCompareOSFeatures, the Windows compatibility and order tables,
// and ocikit's one intentional divergence (arm64 variants outside containerd's table). Then
// platform_matcher::less against a line-by-line transliteration of containerd's Less loops on
// random platforms, so that the closed forms in ocikit/platform.hpp are checked beyond the
// tables.
#include "ocikit/platform.hpp"  // first: the header must be self-contained

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "platform_support.hpp"

namespace {

namespace bj = boost::json;
using ocikit::platform;
using ocikit::platform_matcher;
using ocikit::test::make;

const bj::object& tables() {
  static const bj::value doc = [] {
    const auto path =
        std::filesystem::path(__FILE__).parent_path() / "data" / "platform" / "containerd.json";
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("missing test data " + path.string());
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return bj::parse(text);
  }();
  return doc.as_object();
}

const bj::array& table(std::string_view name) { return tables().at(name).as_array(); }

std::string str(const bj::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v == nullptr ? std::string() : std::string(v->as_string());
}

platform from_json(const bj::value& v) {
  const bj::object& o = v.as_object();
  platform p;
  p.os = str(o, "os");
  p.architecture = str(o, "architecture");
  p.variant = str(o, "variant");
  p.os_version = str(o, "os.version");
  if (const auto* f = o.if_contains("os.features")) {
    for (const auto& s : f->as_array()) p.os_features.emplace_back(s.as_string());
  }
  return p;
}

const platform& host() {
  static const platform h = from_json(tables().at("host"));
  return h;
}

/// containerd's Parse with the tables' host.
platform parse_spec(std::string_view spec) {
  auto r = ocikit::parse_platform_specifier(spec, host());
  INFO("spec: " << spec);
  REQUIRE(r.has_value());
  return *r;
}

std::string describe(const platform& p) {
  std::ostringstream out;
  out << p.os << '|' << p.architecture << '|' << p.variant << '|' << p.os_version << '|';
  for (const auto& f : p.os_features) out << f << ',';
  return out.str();
}

void check_matches(const bj::array& rows,
                   const std::function<platform_matcher(const platform&)>& make,
                   std::string_view name) {
  std::size_t checked = 0;
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const std::string wanted = str(r, "platform");
    const platform_matcher m = make(parse_spec(wanted));
    for (const auto& [key, expected] : {std::pair{"match", true}, std::pair{"no_match", false}}) {
      for (const auto& c : r.at(key).as_array()) {
        INFO(name << "(" << wanted << ").match(" << c.as_string() << ")");
        CHECK(m.match(parse_spec(std::string_view(c.as_string()))) == expected);
        ++checked;
      }
    }
  }
  CHECK(checked > rows.size());
}

void check_sorted(const bj::array& rows,
                  const std::function<platform_matcher(const platform&)>& make,
                  std::string_view name) {
  REQUIRE_FALSE(rows.empty());
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const std::string wanted = str(r, "platform");
    std::vector<platform> ps;
    for (const auto& c : r.at("platforms").as_array())
      ps.push_back(parse_spec(std::string_view(c.as_string())));
    make(parse_spec(wanted)).sort(ps);
    std::vector<std::string> got;
    got.reserve(ps.size());
    for (const auto& p : ps) got.push_back(ocikit::format_platform(p));
    std::vector<std::string> expected;
    for (const auto& e : r.at("expected").as_array()) expected.emplace_back(e.as_string());
    INFO(name << "(" << wanted << ")");
    CHECK(got == expected);
  }
}

}  // namespace

TEST_CASE("TestParseSelector: parse, match what it says, FormatAll, and back", "[containerd]") {
  const auto& rows = table("parse_selector");
  REQUIRE(rows.size() == 26);
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const std::string input = str(r, "input");
    INFO("input: " << input);
    const platform p = parse_spec(input);
    const platform expected = from_json(r.at("expected"));
    CHECK(describe(p) == describe(expected));
    // parse_platform is the same, normalised.
    CHECK(*ocikit::parse_platform(input, host()) == ocikit::normalize_platform(expected));
    const auto m = platform_matcher::ordered(std::span(&p, 1));  // containerd's NewMatcher(p)
    CHECK(m.match(expected));
    for (const auto& c : r.at("matches").as_array()) {
      INFO("matches " << bj::serialize(c));
      CHECK(m.match(from_json(c)));
    }
    const std::string formatted = ocikit::format_platform(p);
    CHECK(formatted == str(r, "formatted"));
    std::ostringstream streamed;
    streamed << p;
    CHECK(streamed.str() == formatted);
    CHECK(ocikit::format_platform(parse_spec(formatted)) == formatted);
  }
}

TEST_CASE("TestFormatAllEncoding and empty os.features", "[containerd][format]") {
  const auto& rows = table("format_all");
  REQUIRE(rows.size() == 10);
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const platform p = from_json(r.at("platform"));
    const std::string expected = str(r, "expected");
    INFO(expected);
    CHECK(ocikit::format_platform(p) == expected);
    const platform back = parse_spec(expected);
    CHECK(back.os_version == p.os_version);
    if (r.at("round_trip").as_bool()) CHECK(back.os_features == p.os_features);
  }
  // FormatAll: no os gives "unknown"; repeated features are written once.
  CHECK(ocikit::format_platform(platform{}) == "unknown");
  CHECK(ocikit::format_platform(make("linux", "amd64", "", "", {"b", "a", "b"})) ==
        "linux(+a+b)/amd64");
}

TEST_CASE("TestParseSelectorInvalid", "[containerd][errors]") {
  const auto& rows = table("parse_invalid");
  REQUIRE(rows.size() == 9);
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const auto got = ocikit::parse_platform_specifier(str(r, "input"), host());
    INFO("input: " << str(r, "input"));
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().id() == str(r, "error"));
  }
}

TEST_CASE("TestOnly, TestOnlyStrict, TestOnlyOS", "[containerd][match]") {
  check_matches(table("only"), platform_matcher::only, "Only");
  check_matches(table("only_strict"), platform_matcher::only_strict, "OnlyStrict");
  check_matches(table("only_os"), platform_matcher::only_os, "OnlyOS");
}

TEST_CASE("ocikit: an arm64 variant containerd does not know matches exactly itself",
          "[containerd][match][divergence]") {
  check_matches(table("ocikit_only"), platform_matcher::only, "Only");
}

TEST_CASE("TestOnlyOSLess", "[containerd][less]") {
  check_sorted(table("only_os_less"), platform_matcher::only_os, "OnlyOS");
}

TEST_CASE("TestCompareOSFeatures: Only, OnlyStrict, Ordered, Any", "[containerd][less]") {
  const auto& rows = table("compare_os_features");
  check_sorted(rows, platform_matcher::only, "Only");
  check_sorted(rows, platform_matcher::only_strict, "OnlyStrict");
  check_sorted(
      rows, [](const platform& p) { return platform_matcher::ordered(std::span(&p, 1)); },
      "Ordered");
  check_sorted(
      rows, [](const platform& p) { return platform_matcher::any(std::span(&p, 1)); }, "Any");
}

TEST_CASE("Test_PlatformCompat: which Windows host runs which container", "[containerd][windows]") {
  const auto& rows = table("windows_compat");
  REQUIRE(rows.size() == 12);
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    const platform wanted = make("windows", "amd64", "", str(r, "host"));
    const platform candidate = make("windows", "amd64", "", str(r, "container"));
    INFO(str(r, "host") << " runs " << str(r, "container"));
    CHECK(platform_matcher::only(wanted).match(candidate) == r.at("runs").as_bool());
    CHECK(ocikit::detail::windows_host_runs(
              ocikit::detail::parse_windows_os_version(str(r, "host")),
              ocikit::detail::parse_windows_os_version(str(r, "container"))) ==
          r.at("runs").as_bool());
  }
}

TEST_CASE("Test_PlatformOrder: a Windows host prefers the greater os.version",
          "[containerd][windows]") {
  const auto& rows = table("windows_order");
  REQUIRE(rows.size() == 3);
  for (const auto& row : rows) {
    const bj::object& r = row.as_object();
    std::vector<platform> ps;
    for (const auto& c : r.at("platforms").as_array()) ps.push_back(from_json(c));
    platform_matcher::windows_host(from_json(r.at("host"))).sort(ps);
    INFO(str(r, "name"));
    CHECK(ps.front() == from_json(r.at("want")));
  }
}

TEST_CASE("NewMatcher and Default() on Windows: WCOW, LCOW, fallback on os.version",
          "[containerd][windows]") {
  for (const auto& [name, make] :
       {std::pair<std::string_view, std::function<platform_matcher(const platform&)>>{
            "windows_matcher",
            [](const platform& p) { return platform_matcher::ordered(std::span(&p, 1)); }},
        {"windows_default", platform_matcher::windows_host}}) {
    const auto& rows = table(name);
    REQUIRE(rows.size() >= 2);
    for (const auto& row : rows) {
      const bj::object& r = row.as_object();
      const platform wanted = from_json(r.at("wanted"));
      const platform candidate = from_json(r.at("candidate"));
      INFO(name << ": " << wanted << " matches " << candidate);
      CHECK(make(wanted).match(candidate) == r.at("match").as_bool());
    }
  }
}

// ---- containerd's Less, transliterated ------------------------------------------------------

namespace {

/// compare.go's platformVector, line by line (for variants small enough to build it).
std::vector<platform> platform_vector(const platform& p) {
  std::vector<platform> vector{p};
  const auto atoi = [](std::string_view s) { return ocikit::detail::parse_variant_number(s); };
  const auto trim_v = [](std::string_view s) { return s.starts_with('v') ? s.substr(1) : s; };
  const auto with = [&p](std::string arch, std::string variant) {
    platform q = p;
    q.architecture = std::move(arch);
    q.variant = std::move(variant);
    return q;
  };
  if (p.architecture == "amd64") {
    if (const auto v = atoi(trim_v(p.variant)); v && *v > 1) {
      for (auto k = *v - 1; k >= 1; --k) vector.push_back(with("amd64", "v" + std::to_string(k)));
    }
    vector.push_back(with("386", ""));
  } else if (p.architecture == "arm") {
    if (const auto v = atoi(trim_v(p.variant)); v && *v > 5) {
      for (auto k = *v - 1; k >= 5; --k) vector.push_back(with("arm", "v" + std::to_string(k)));
    }
  } else if (p.architecture == "arm64") {
    std::string variant = p.variant.empty() ? "v8" : p.variant;
    vector.clear();
    std::vector<std::pair<int, int>> levels;  // arm64variantToVersion
    if (variant == "v8") levels = {{8, 0}};
    for (int minor = 0; minor <= 9; ++minor) {
      if (variant == "v8." + std::to_string(minor)) levels = {{8, minor}};
      if (minor <= 7 && variant == "v9." + std::to_string(minor)) {
        levels = {{9, minor}, {8, std::min(minor + 5, 9)}};
      }
    }
    if (variant == "v9") levels = {{9, 0}, {8, 5}};
    if (levels.empty()) return {p};  // ocikit: containerd returns an empty vector here
    for (const auto& [major, top] : levels) {
      for (int minor = top; minor >= 0; --minor) {
        vector.push_back(
            with("arm64", minor == 0 ? "v" + std::to_string(major)
                                     : "v" + std::to_string(major) + "." + std::to_string(minor)));
      }
    }
    if (variant.starts_with("v8") || variant.starts_with("v9")) variant = "v8";
    const auto arm = platform_vector(with("arm", variant));
    vector.insert(vector.end(), arm.begin(), arm.end());
  }
  return vector;
}

using match_fn = std::function<bool(const platform&)>;

/// NewMatcher(p).Match.
match_fn new_matcher(const platform& p) {
  return
      [m = platform_matcher::ordered(std::span(&p, 1))](const platform& c) { return m.match(c); };
}

bool ordered_less(const std::vector<match_fn>& matchers, platform p1, platform p2) {
  for (const auto& m : matchers) {
    const bool p1m = m(p1);
    const bool p2m = m(p2);
    if (p1m && !p2m) return true;
    if (p1m || p2m) {
      if (p1m && p2m && p1.os_features.size() != p2.os_features.size()) {
        return p1.os_features.size() > p2.os_features.size();
      }
      return false;
    }
  }
  if (!p1.os_features.empty() || !p2.os_features.empty()) {
    p1.os_features.clear();
    p2.os_features.clear();
    return ordered_less(matchers, p1, p2);
  }
  return false;
}

bool any_less(const std::vector<match_fn>& matchers, platform p1, platform p2) {
  bool p1m = false;
  bool p2m = false;
  for (const auto& m : matchers) {
    if (!p1m && m(p1)) p1m = true;
    if (!p2m && m(p2)) p2m = true;
    if (p1m && p2m) {
      if (p1.os_features.size() != p2.os_features.size()) {
        return p1.os_features.size() > p2.os_features.size();
      }
      break;
    }
  }
  if (!p1m && !p2m && (!p1.os_features.empty() || !p2.os_features.empty())) {
    p1.os_features.clear();
    p2.os_features.clear();
    return any_less(matchers, p1, p2);
  }
  return p1m && !p2m;
}

platform random_platform(std::mt19937& rng) {
  static const std::vector<std::string> oses = {"linux", "linux", "windows", "Linux", "darwin"};
  static const std::vector<std::string> archs = {"amd64", "amd64",   "386",   "arm",    "arm64",
                                                 "arm64", "aarch64", "armhf", "riscv64"};
  static const std::vector<std::string> variants = {
      "",     "",     "",     "v1",    "v2", "v3",   "v5",   "v6",   "v7",   "v8",  "8",
      "v8.1", "v8.5", "v8.9", "v8.10", "v9", "v9.0", "v9.3", "v9.7", "v9.8", "v10", "+3"};
  static const std::vector<std::string> versions = {
      "", "", "10.0.17763", "10.0.20348.5", "10.0.26100.1", "7.1", "bad"};
  static const std::vector<std::string> features = {"win32k", "gpu", "a", "b"};
  const auto pick = [&rng](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
  };
  platform p = make(pick(oses), pick(archs), pick(variants), pick(versions));
  const auto n = std::uniform_int_distribution<int>(0, 3)(rng);
  for (int i = 0; i < n; ++i) p.os_features.push_back(pick(features));
  return p;
}

}  // namespace

TEST_CASE("platform_matcher::less equals containerd's Less loops on random platforms",
          "[containerd][less][random]") {
  std::mt19937 rng(20261206);
  std::size_t compared = 0;
  for (int round = 0; round < 300; ++round) {
    const platform w1 = random_platform(rng);
    const platform w2 = random_platform(rng);
    std::vector<platform> candidates;
    candidates.reserve(9);
    for (int i = 0; i < 8; ++i) candidates.push_back(random_platform(rng));
    candidates.push_back(w1);

    std::vector<match_fn> only;
    for (const auto& e : platform_vector(ocikit::normalize_platform(w1))) {
      only.push_back(new_matcher(e));
    }
    const std::vector<match_fn> strict = {new_matcher(ocikit::normalize_platform(w1))};
    const std::vector<match_fn> two = {new_matcher(w1), new_matcher(w2)};
    const std::vector<platform> wanted = {w1, w2};
    struct kind {
      platform_matcher m;
      std::vector<match_fn> loops;
      bool any;
    };
    const std::vector<kind> kinds = {{platform_matcher::only(w1), only, false},
                                     {platform_matcher::only_strict(w1), strict, false},
                                     {platform_matcher::ordered(wanted), two, false},
                                     {platform_matcher::any(wanted), two, true}};
    for (const auto& k : kinds) {
      for (const auto& a : candidates) {
        bool matched = false;
        for (const auto& m : k.loops) matched = matched || m(a);
        INFO("wanted " << w1 << ", " << w2 << "; candidate " << a);
        CHECK(k.m.match(a) == matched);
        for (const auto& b : candidates) {
          INFO("less(" << a << ", " << b << ")");
          CHECK(k.m.less(a, b) == (k.any ? any_less(k.loops, a, b) : ordered_less(k.loops, a, b)));
          ++compared;
        }
      }
    }
  }
  CHECK(compared == std::size_t{300} * 4 * 81);
}
