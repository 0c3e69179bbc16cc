// Tests of ocikit/reference.hpp (docs/reference.md): every parse mode over the same case
// tables for the view (parse_reference, or an inline_reference's view), the inline type
// (parse_*_reference), the owning type (reference::parse) and the copy of a result
// (reference(...)); exact errors; limits; the order of checks; Docker normalisation rules 1-3
// and the familiar form; round trips; the builders; the three types and their conversions; the
// PEGTL oracle (detail/reference_oracle.hpp) against the hand compositions; and an independent
// model of Go's distribution/reference v0.6 (its regular expressions, run by std::regex) compared
// with ocikit on every case and on thousands of mutations of them.
#include "ocikit/reference.hpp"

#include "ocikit/detail/reference_oracle.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <deque>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

using ocikit::algorithm_set;
using ocikit::condition;
using ocikit::errc;
using ocikit::parse_mode;

using ocikit_test::h128;
using ocikit_test::h64;
using ocikit_test::h96;
const std::string sha256 = "sha256:" + h64;

constexpr parse_mode all_modes[] = {parse_mode::strict, parse_mode::normalized,
                                    parse_mode::canonical, parse_mode::any, parse_mode::docker};

std::string upper(std::string s) {
  for (auto& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}
std::string lower(std::string s) {
  for (auto& c : s) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return s;
}
std::string tag_of(std::size_t n) { return "v" + std::string(n - 1, 't'); }

// ---- the three ways to get a parsed reference ----------------------------------------------

/// parse_normalized_reference / ... -> inline_reference (strict: parse_reference(s, mode))
struct inline_api {
  static ocikit::result<ocikit::inline_reference> parse(
      std::string_view s, parse_mode m, algorithm_set a = algorithm_set::defaults()) {
    switch (m) {
      case parse_mode::strict: break;
      case parse_mode::normalized: return ocikit::parse_normalized_reference(s, a);
      case parse_mode::canonical: return ocikit::parse_canonical_reference(s, a);
      case parse_mode::any: return ocikit::parse_any_reference(s, a);
      case parse_mode::docker: return ocikit::parse_docker_reference(s, a);
    }
    return ocikit::parse_reference(s, m, a);
  }
};
/// parse_reference(s) -> reference_view; the other modes' inline_reference seen through its
/// view (the inline_reference is kept alive here for the rest of the test run).
struct view_api {
  static ocikit::result<ocikit::reference_view> parse(std::string_view s, parse_mode m,
                                                      algorithm_set a = algorithm_set::defaults()) {
    if (m == parse_mode::strict) return ocikit::parse_reference(s, a);
    auto r = ocikit::parse_reference(s, m, a);
    if (!r) return r.error();
    static std::deque<ocikit::inline_reference> kept;
    kept.push_back(*r);
    return kept.back().view();
  }
};
/// reference::parse -> reference
struct owning_api {
  static ocikit::result<ocikit::reference> parse(std::string_view s, parse_mode m,
                                                 algorithm_set a = algorithm_set::defaults()) {
    return ocikit::reference::parse(s, m, a);
  }
};
/// reference(parse(...)) -> reference
struct copied_api {
  static ocikit::result<ocikit::reference> parse(std::string_view s, parse_mode m,
                                                 algorithm_set a = algorithm_set::defaults()) {
    if (m == parse_mode::strict) {
      auto v = ocikit::parse_reference(s, a);
      if (!v) return v.error();
      return ocikit::reference(*v);
    }
    auto v = ocikit::parse_reference(s, m, a);
    if (!v) return v.error();
    return ocikit::reference(*v);
  }
};

// ---- an independent model of distribution/reference v0.6 ------------------------------------

namespace model {

const std::string label = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const std::string domain_re =
    "(?:" + label + "(?:\\." + label + ")*|\\[(?:[a-fA-F0-9:]+)\\])" + "(?::[0-9]+)?";
const std::string component = "[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*";
const std::string path_re = component + "(?:/" + component + ")*";
const std::string tag_re = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const std::string digest_re =
    "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";

const std::regex& reference_regex() {
  static const std::regex re("^((?:" + domain_re + "/)?" + path_re + ")(?::(" + tag_re +
                             "))?(?:@(" + digest_re + "))?$");
  return re;
}
const std::regex& name_regex() {
  static const std::regex re("^(?:(" + domain_re + ")/)?(" + path_re + ")$");
  return re;
}

bool full_match(std::string_view s, const std::regex& re, std::cmatch& m) {
  return std::regex_match(s.data(), s.data() + s.size(), m, re);
}

/// go-digest's Digest.Validate with the accepted set as Algorithm.Available().
condition validate_digest(std::string_view s, algorithm_set a) {
  static const std::regex oci("^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$");
  const std::size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size()) {
    return condition::digest_invalid_format;
  }
  const std::string_view alg = s.substr(0, colon);
  std::size_t size = 0;
  if (alg == "sha256" && a.contains(ocikit::digest_algorithm::sha256)) size = 64;
  if (alg == "sha384" && a.contains(ocikit::digest_algorithm::sha384)) size = 96;
  if (alg == "sha512" && a.contains(ocikit::digest_algorithm::sha512)) size = 128;
  if (alg == "blake3" && a.contains(ocikit::digest_algorithm::blake3)) size = 64;
  if (size == 0) {
    std::cmatch m;
    return full_match(s, oci, m) ? condition::digest_unsupported : condition::digest_invalid_format;
  }
  const std::string_view enc = s.substr(colon + 1);
  if (enc.size() != size) return condition::digest_invalid_length;
  for (char c : enc) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return condition::digest_invalid_format;
  }
  return condition::ok;
}

struct outcome {
  condition cond = condition::ok;
  bool named = true;
  std::string domain, path, tag, digest;

  [[nodiscard]] std::string name() const { return domain.empty() ? path : domain + "/" + path; }
  [[nodiscard]] std::string suffix() const {
    return (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
  }
  [[nodiscard]] std::string string() const { return named ? name() + suffix() : digest; }
  /// reference.FamiliarString
  [[nodiscard]] std::string familiar() const {
    if (!named) return digest;
    std::string d = domain;
    std::string p = path;
    if (d == "docker.io") {
      d.clear();
      const auto slash = p.find('/');
      if (slash != std::string::npos && p.substr(0, slash) == "library" &&
          p.find('/', slash + 1) == std::string::npos) {
        p = p.substr(slash + 1);
      }
    }
    return (d.empty() ? p : d + "/" + p) + suffix();
  }
};

outcome error(condition c) {
  outcome o;
  o.cond = c;
  return o;
}

/// reference.Parse
outcome parse(std::string_view s, algorithm_set a) {
  std::cmatch m;
  if (!full_match(s, reference_regex(), m)) {
    if (s.empty()) return error(condition::name_empty);
    const std::string low = lower(std::string(s));
    std::cmatch lm;
    if (full_match(low, reference_regex(), lm)) return error(condition::name_contains_uppercase);
    return error(condition::invalid_format);
  }
  outcome o;
  const std::string name = m[1].str();
  o.tag = m[2].str();
  o.digest = m[3].str();
  std::cmatch nm;
  if (full_match(name, name_regex(), nm)) {
    o.domain = nm[1].str();
    o.path = nm[2].str();
  } else {
    o.path = name;
  }
  if (o.path.size() > 255) return error(condition::name_too_long);
  if (!o.digest.empty()) {
    const condition c = validate_digest(o.digest, a);
    if (c != condition::ok) return error(c);
  }
  return o;
}

bool is_identifier(std::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

/// reference.ParseNormalizedNamed (v0.6 splitDockerDomain)
outcome normalized(std::string_view s, algorithm_set a) {
  if (is_identifier(s)) return error(condition::name_is_identifier);
  std::string domain;
  std::string remainder;
  const auto slash = s.find('/');
  if (slash == std::string_view::npos) {
    domain = "docker.io";
    remainder = std::string(s);
  } else {
    const std::string first(s.substr(0, slash));
    const std::string rest(s.substr(slash + 1));
    if (first == "index.docker.io") {
      domain = "docker.io";
      remainder = rest;
    } else if (first == "localhost" || first.find_first_of(".:") != std::string::npos ||
               lower(first) != first) {
      domain = first;
      remainder = rest;
    } else {
      domain = "docker.io";
      remainder = std::string(s);
    }
  }
  if (domain == "docker.io" && remainder.find('/') == std::string::npos) {
    remainder = "library/" + remainder;
  }
  const std::string remote = remainder.substr(0, remainder.find(':'));
  if (lower(remote) != remote) return error(condition::name_contains_uppercase);
  return parse(domain + "/" + remainder, a);
}

outcome canonical(std::string_view s, algorithm_set a) {
  outcome o = normalized(s, a);
  if (o.cond == condition::ok && o.string() != s) return error(condition::name_not_canonical);
  return o;
}

outcome any(std::string_view s, algorithm_set a) {
  outcome o;
  o.named = false;
  if (is_identifier(s)) {
    o.digest = "sha256:" + std::string(s);
    return o;
  }
  if (validate_digest(s, a) == condition::ok) {
    o.digest = std::string(s);
    return o;
  }
  return normalized(s, a);
}

outcome docker(std::string_view s, algorithm_set a) {
  outcome o = normalized(s, a);
  if (o.cond != condition::ok) return o;
  if (!o.tag.empty() && !o.digest.empty()) o.tag.clear();
  if (o.tag.empty() && o.digest.empty()) o.tag = "latest";
  return o;
}

outcome run(std::string_view s, parse_mode m, algorithm_set a) {
  switch (m) {
    case parse_mode::strict: return parse(s, a);
    case parse_mode::normalized: return normalized(s, a);
    case parse_mode::canonical: return canonical(s, a);
    case parse_mode::any: return any(s, a);
    case parse_mode::docker: return docker(s, a);
  }
  return parse(s, a);
}

}  // namespace model

/// Compares ocikit with the model on one input; returns whether ocikit accepted it.
bool agrees_with_model(std::string_view s, parse_mode m,
                       algorithm_set a = algorithm_set::defaults()) {
  const model::outcome want = model::run(s, m, a);
  const auto got = ocikit::parse_reference(s, m, a);
  INFO("mode " << ocikit::to_string(m) << " input '" << s << "'");
  CHECK(ocikit::is_valid_reference(s, m, a) == got.has_value());
  if (want.cond != condition::ok) {
    CHECK_FALSE(got.has_value());
    if (!got) {
      INFO(got.error().message());
      CHECK(ocikit::to_string(got.error().condition()) == ocikit::to_string(want.cond));
      CHECK(got.error().offset() <= s.size());
    }
    return false;
  }
  REQUIRE(got.has_value());
  CHECK(got->is_named() == want.named);
  CHECK(got->domain() == want.domain);
  CHECK(got->path() == want.path);
  CHECK(got->tag() == want.tag);
  CHECK(got->digest() == want.digest);
  CHECK(got->string() == want.string());
  CHECK(got->familiar_string() == want.familiar());
  return true;
}

// ---- case tables ------------------------------------------------------------------------------

struct ok_case {
  parse_mode mode;
  std::string input;
  std::string domain, path, tag, digest, string, familiar;
};

/// A strict case: string() is the input.
ok_case strict(std::string in, std::string domain, std::string path, std::string tag,
               std::string digest, std::string familiar) {
  std::string s = in;
  return {parse_mode::strict, std::move(in),     std::move(domain), std::move(path),
          std::move(tag),     std::move(digest), std::move(s),      std::move(familiar)};
}

std::vector<ok_case> ok_cases() {
  const std::string p255(255, 'a');
  const std::string t128 = tag_of(128);
  using pm = parse_mode;
  return {
      // strict: the grammar alone ("How the pieces are found")
      strict("ubuntu", "", "ubuntu", "", "", "ubuntu"),
      strict("test.com:5000", "", "test.com", "5000", "", "test.com:5000"),
      strict("localhost:8080@" + sha256, "", "localhost", "8080", sha256,
             "localhost:8080@" + sha256),
      strict("library/ubuntu", "library", "ubuntu", "", "", "library/ubuntu"),
      strict("test_com/foo", "", "test_com/foo", "", "", "test_com/foo"),
      strict("Foo.com/bar", "Foo.com", "bar", "", "", "Foo.com/bar"),
      strict("UPPER/lower", "UPPER", "lower", "", "", "UPPER/lower"),
      strict("[::1]:5000/x", "[::1]:5000", "x", "", "", "[::1]:5000/x"),
      strict("[fe80::1]/a/b:t", "[fe80::1]", "a/b", "t", "", "[fe80::1]/a/b:t"),
      strict("a:5000/b", "a:5000", "b", "", "", "a:5000/b"),
      strict("localhost:5000/a/b:1.0@" + sha256, "localhost:5000", "a/b", "1.0", sha256,
             "localhost:5000/a/b:1.0@" + sha256),
      strict("docker.io/library/ubuntu:24.04", "docker.io", "library/ubuntu", "24.04", "",
             "ubuntu:24.04"),
      strict("docker.io/library/foo/bar", "docker.io", "library/foo/bar", "", "",
             "library/foo/bar"),
      strict("docker.io/foo", "docker.io", "foo", "", "", "foo"),
      strict("docker.io/library", "docker.io", "library", "", "", "library"),
      strict("index.docker.io/library/foo", "index.docker.io", "library/foo", "", "",
             "index.docker.io/library/foo"),
      strict("a__b.c-d---e/f_g", "", "a__b.c-d---e/f_g", "", "", "a__b.c-d---e/f_g"),
      strict("a:_t", "", "a", "_t", "", "a:_t"),
      strict("a:Tag", "", "a", "Tag", "", "a:Tag"),
      strict("repo@sha512:" + h128, "", "repo", "", "sha512:" + h128, "repo@sha512:" + h128),
      strict("repo:1@sha384:" + h96, "", "repo", "1", "sha384:" + h96, "repo:1@sha384:" + h96),
      strict(h64, "", h64, "", "", h64),
      strict(sha256, "", "sha256", h64, "", sha256),
      strict(p255, "", p255, "", "", p255),
      strict("example.com/" + p255, "example.com", p255, "", "", "example.com/" + p255),
      strict("foo:" + t128, "", "foo", t128, "", "foo:" + t128),
      strict("Registry.IO:443/x/y:Z", "Registry.IO:443", "x/y", "Z", "", "Registry.IO:443/x/y:Z"),
      // normalized, rule 1: no '/' -> Docker Hub, library/<input>
      {pm::normalized, "ubuntu", "docker.io", "library/ubuntu", "", "", "docker.io/library/ubuntu",
       "ubuntu"},
      {pm::normalized, "localhost", "docker.io", "library/localhost", "", "",
       "docker.io/library/localhost", "localhost"},
      {pm::normalized, "example.com", "docker.io", "library/example.com", "", "",
       "docker.io/library/example.com", "example.com"},
      {pm::normalized, "localhost:5000", "docker.io", "library/localhost", "5000", "",
       "docker.io/library/localhost:5000", "localhost:5000"},
      {pm::normalized, sha256, "docker.io", "library/sha256", h64, "",
       "docker.io/library/sha256:" + h64, sha256},
      {pm::normalized, "foo:Tag", "docker.io", "library/foo", "Tag", "",
       "docker.io/library/foo:Tag", "foo:Tag"},
      {pm::normalized, "a:1@" + sha256, "docker.io", "library/a", "1", sha256,
       "docker.io/library/a:1@" + sha256, "a:1@" + sha256},
      {pm::normalized, "busybox@" + sha256, "docker.io", "library/busybox", "", sha256,
       "docker.io/library/busybox@" + sha256, "busybox@" + sha256},
      // rule 2: the first part is a domain if localhost, has '.' or ':', or is not lowercase
      {pm::normalized, "localhost/foo", "localhost", "foo", "", "", "localhost/foo",
       "localhost/foo"},
      {pm::normalized, "localhost:5000/foo/bar:tag", "localhost:5000", "foo/bar", "tag", "",
       "localhost:5000/foo/bar:tag", "localhost:5000/foo/bar:tag"},
      {pm::normalized, "example.com/foo", "example.com", "foo", "", "", "example.com/foo",
       "example.com/foo"},
      {pm::normalized, "a:1/c", "a:1", "c", "", "", "a:1/c", "a:1/c"},
      {pm::normalized, "Foo/bar", "Foo", "bar", "", "", "Foo/bar", "Foo/bar"},
      {pm::normalized, "[::1]:5000/foo", "[::1]:5000", "foo", "", "", "[::1]:5000/foo",
       "[::1]:5000/foo"},
      {pm::normalized, "foo/bar", "docker.io", "foo/bar", "", "", "docker.io/foo/bar", "foo/bar"},
      {pm::normalized, "test_com/foo", "docker.io", "test_com/foo", "", "",
       "docker.io/test_com/foo", "test_com/foo"},
      {pm::normalized, "index.docker.io/foo", "docker.io", "library/foo", "", "",
       "docker.io/library/foo", "foo"},
      {pm::normalized, "index.docker.io/foo/bar", "docker.io", "foo/bar", "", "",
       "docker.io/foo/bar", "foo/bar"},
      {pm::normalized, "docker.io/foo", "docker.io", "library/foo", "", "", "docker.io/library/foo",
       "foo"},
      // rule 3 and the familiar form
      {pm::normalized, "docker.io/library/foo/bar", "docker.io", "library/foo/bar", "", "",
       "docker.io/library/foo/bar", "library/foo/bar"},
      {pm::normalized, "library/foo", "docker.io", "library/foo", "", "", "docker.io/library/foo",
       "foo"},
      {pm::normalized, "library/foo/bar", "docker.io", "library/foo/bar", "", "",
       "docker.io/library/foo/bar", "library/foo/bar"},
      {pm::normalized, "docker.io/library/ubuntu:24.04@" + sha256, "docker.io", "library/ubuntu",
       "24.04", sha256, "docker.io/library/ubuntu:24.04@" + sha256, "ubuntu:24.04@" + sha256},
      // only the exact strings docker.io and index.docker.io are Docker Hub
      {pm::normalized, "Docker.io/foo", "Docker.io", "foo", "", "", "Docker.io/foo",
       "Docker.io/foo"},
      {pm::normalized, "docker.io:443/foo", "docker.io:443", "foo", "", "", "docker.io:443/foo",
       "docker.io:443/foo"},
      {pm::normalized, "registry-1.docker.io/foo", "registry-1.docker.io", "foo", "", "",
       "registry-1.docker.io/foo", "registry-1.docker.io/foo"},
      // a first part with '.' that is not a valid domain stays in the path (as in Go)
      {pm::normalized, "a_b.c/d", "", "a_b.c/d", "", "", "a_b.c/d", "a_b.c/d"},
      // canonical: only fully qualified input
      {pm::canonical, "docker.io/library/ubuntu:24.04", "docker.io", "library/ubuntu", "24.04", "",
       "docker.io/library/ubuntu:24.04", "ubuntu:24.04"},
      {pm::canonical, "localhost/foo", "localhost", "foo", "", "", "localhost/foo",
       "localhost/foo"},
      {pm::canonical, "example.com/foo@" + sha256, "example.com", "foo", "", sha256,
       "example.com/foo@" + sha256, "example.com/foo@" + sha256},
      {pm::canonical, "Foo/bar", "Foo", "bar", "", "", "Foo/bar", "Foo/bar"},
      {pm::canonical, "docker.io/foo/bar", "docker.io", "foo/bar", "", "", "docker.io/foo/bar",
       "foo/bar"},
      // any: image IDs and digests are digest-only references
      {pm::any, h64, "", "", "", sha256, sha256, sha256},
      {pm::any, sha256, "", "", "", sha256, sha256, sha256},
      {pm::any, "sha512:" + h128, "", "", "", "sha512:" + h128, "sha512:" + h128, "sha512:" + h128},
      {pm::any, "sha384:" + h96, "", "", "", "sha384:" + h96, "sha384:" + h96, "sha384:" + h96},
      {pm::any, "sha256:" + h64.substr(1), "docker.io", "library/sha256", h64.substr(1), "",
       "docker.io/library/sha256:" + h64.substr(1), "sha256:" + h64.substr(1)},
      {pm::any, "sha256:" + upper(h64), "docker.io", "library/sha256", upper(h64), "",
       "docker.io/library/sha256:" + upper(h64), "sha256:" + upper(h64)},
      {pm::any, "blake3:" + h64, "docker.io", "library/blake3", h64, "",
       "docker.io/library/blake3:" + h64, "blake3:" + h64},
      {pm::any, "ubuntu", "docker.io", "library/ubuntu", "", "", "docker.io/library/ubuntu",
       "ubuntu"},
      {pm::any, "example.com/foo:1", "example.com", "foo", "1", "", "example.com/foo:1",
       "example.com/foo:1"},
      // docker: a default tag, and the tag dropped when a digest is present
      {pm::docker, "busybox", "docker.io", "library/busybox", "latest", "",
       "docker.io/library/busybox:latest", "busybox:latest"},
      {pm::docker, "busybox:1", "docker.io", "library/busybox", "1", "",
       "docker.io/library/busybox:1", "busybox:1"},
      {pm::docker, "busybox@" + sha256, "docker.io", "library/busybox", "", sha256,
       "docker.io/library/busybox@" + sha256, "busybox@" + sha256},
      {pm::docker, "busybox:1@" + sha256, "docker.io", "library/busybox", "", sha256,
       "docker.io/library/busybox@" + sha256, "busybox@" + sha256},
      {pm::docker, "example.com/foo", "example.com", "foo", "latest", "", "example.com/foo:latest",
       "example.com/foo:latest"},
      {pm::docker, "localhost:5000", "docker.io", "library/localhost", "5000", "",
       "docker.io/library/localhost:5000", "localhost:5000"},
      {pm::docker, "quay.io/a/b:t@" + sha256, "quay.io", "a/b", "", sha256, "quay.io/a/b@" + sha256,
       "quay.io/a/b@" + sha256},
  };
}

struct bad_case {
  parse_mode mode;
  std::string input;
  errc code;
  std::size_t offset;
  std::string message;  ///< empty: not compared
};

std::vector<bad_case> bad_cases() {
  using pm = parse_mode;
  const std::string a256(256, 'a');
  return {
      // strict: order of checks 1 (empty) and 2 (uppercase when the lowercased input matches)
      {pm::strict, "", errc::reference_empty, 0,
       "reference is empty: a repository name needs at least one component"},
      {pm::strict, "registry/Myapp", errc::reference_uppercase, 9,
       "repository name must be lowercase: 'M' at byte 9"},
      {pm::strict, "Foo.com", errc::reference_uppercase, 0,
       "repository name must be lowercase: 'F' at byte 0"},
      {pm::strict, "FOO", errc::reference_uppercase, 0, ""},
      {pm::strict, "a/B", errc::reference_uppercase, 2, ""},
      {pm::strict, "Foo_bar/x", errc::reference_uppercase, 0, ""},
      // 2. otherwise invalid_format, with the part that failed (at the same byte, the reading as
      //    path and tag wins over the reading as a registry domain)
      {pm::strict, ":tag", errc::reference_invalid_path, 0,
       "invalid repository path at byte 0: unexpected ':'; path components are lowercase letters "
       "and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, "/foo", errc::reference_invalid_path, 0, ""},
      {pm::strict, "-a", errc::reference_invalid_path, 0, ""},
      {pm::strict, "a b", errc::reference_invalid_path, 1,
       "invalid repository path at byte 1: unexpected ' '; path components are lowercase letters "
       "and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, std::string("a\x07", 2) + "b", errc::reference_invalid_path, 1,
       "invalid repository path at byte 1: unexpected byte 0x07; path components are lowercase "
       "letters and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, std::string("a\0b", 3), errc::reference_invalid_path, 1,
       "invalid repository path at byte 1: unexpected byte 0x00; path components are lowercase "
       "letters and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, "caf\xc3\xa9", errc::reference_invalid_path, 3,
       "invalid repository path at byte 3: unexpected byte 0xc3; path components are lowercase "
       "letters and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, "foo ", errc::reference_invalid_path, 3, ""},
      {pm::strict, "foo/", errc::reference_invalid_path, 4,
       "invalid repository path at byte 4: unexpected end of input; path components are "
       "lowercase letters and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, "foo//bar", errc::reference_invalid_path, 4, ""},
      {pm::strict, "a___b", errc::reference_invalid_path, 3,
       "invalid repository path at byte 3: unexpected '_'; path components are lowercase letters "
       "and digits separated by '.', '_', '__' or '-'"},
      {pm::strict, "a..b", errc::reference_invalid_path, 2, ""},
      {pm::strict, "a-", errc::reference_invalid_path, 2, ""},
      {pm::strict, "example.com:/foo", errc::reference_invalid_tag, 12,
       "invalid tag at byte 12: unexpected '/'; a tag starts with a letter, digit or '_' and "
       "continues with letters, digits, '_', '.' or '-'"},
      {pm::strict, "example.com:x/foo", errc::reference_invalid_tag, 13, ""},
      {pm::strict, "example.com:5x/foo", errc::reference_invalid_tag, 14, ""},
      {pm::strict, "[::1]:5x/foo", errc::reference_invalid_port, 7,
       "invalid registry port at byte 7: unexpected 'x'; a port is decimal digits only"},
      {pm::strict, "[::g]/x", errc::reference_invalid_domain, 3,
       "invalid registry domain at byte 3: unexpected 'g'; domain labels are letters, digits and "
       "inner '-', separated by '.'"},
      {pm::strict, "[]/x", errc::reference_invalid_domain, 1, ""},
      {pm::strict, "[a]", errc::reference_invalid_domain, 3,
       "invalid registry domain at byte 3: unexpected end of input; domain labels are letters, "
       "digits and inner '-', separated by '.'"},
      {pm::strict, "a@", errc::reference_invalid_digest, 2, ""},
      {pm::strict, "a/b:", errc::reference_invalid_tag, 4,
       "invalid tag at byte 4: unexpected end of input; a tag starts with a letter, digit or '_' "
       "and continues with letters, digits, '_', '.' or '-'"},
      {pm::strict, "a/b:-x", errc::reference_invalid_tag, 4, ""},
      {pm::strict, "foo:tag:tag", errc::reference_invalid_tag, 7, ""},
      {pm::strict, "foo:" + tag_of(129), errc::reference_tag_too_long, 132,
       "invalid tag at byte 132: a tag is at most 128 bytes long"},
      {pm::strict, "foo@", errc::reference_invalid_digest, 4, ""},
      {pm::strict, "a@b@c", errc::reference_invalid_digest, 3, ""},
      {pm::strict, "foo@" + sha256 + "@x", errc::reference_invalid_digest, 75, ""},
      {pm::strict, "foo@:" + h64, errc::reference_invalid_digest, 4, ""},
      {pm::strict, "repo@sha256:" + h64.substr(0, 31), errc::reference_invalid_digest, 43,
       "invalid digest at byte 43: unexpected end of input; a digest is an algorithm, ':' and at "
       "least 32 hex digits"},
      // 3. the path limit, before the digest checks
      {pm::strict, a256, errc::reference_name_too_long, 255,
       "repository name must not be more than 255 bytes: the path is 256 bytes long"},
      // "x/" would be a domain; "a_b/" cannot be one, so it counts.
      {pm::strict, "x/" + std::string(255, 'a') + "a", errc::reference_name_too_long, 257, ""},
      {pm::strict, "a_b/" + std::string(252, 'a'), errc::reference_name_too_long, 255, ""},
      {pm::strict, "example.com/" + a256 + ":t", errc::reference_name_too_long, 267, ""},
      {pm::strict, a256 + "@sha256:" + h64.substr(1), errc::reference_name_too_long, 255, ""},
      // 4. the digest checks (uppercase is allowed by the reference grammar, not by go-digest)
      {pm::strict, "repo@SHA256:" + h64, errc::digest_invalid_algorithm, 5,
       "invalid digest algorithm at byte 5: 'S' is not allowed; algorithms are lowercase letters "
       "and digits separated by '+', '.', '_' or '-'"},
      {pm::strict, "repo@sha256:" + upper(h64), errc::digest_invalid_hex, 12,
       "invalid digest at byte 12: 'E' is not a lowercase hex digit"},
      {pm::strict, "repo@sha256:" + h64 + "0", errc::digest_invalid_length, 12,
       "invalid digest length: sha256 digests have 64 hex digits, this one has 65"},
      {pm::strict, "repo@sha512:" + h64, errc::digest_invalid_length, 12, ""},
      {pm::strict, "repo@foo:" + std::string(32, 'a'), errc::digest_unsupported, 5,
       "unsupported digest algorithm 'foo'"},
      {pm::strict, "repo@blake3:" + h64, errc::digest_unsupported, 5, ""},
      {pm::strict, "repo@Foo:" + std::string(32, 'a'), errc::digest_invalid_algorithm, 5, ""},
      {pm::strict, "repo@sha256+b64:" + h64, errc::digest_unsupported, 5, ""},
      // normalized: identifier first, then uppercase in the remote part, then strict
      {pm::normalized, h64, errc::reference_is_identifier, 0,
       "invalid repository name: a 64-digit hexadecimal string is an image ID, not a name"},
      {pm::normalized, "foo/Bar", errc::reference_uppercase, 4,
       "repository name must be lowercase: 'B' at byte 4"},
      {pm::normalized, "FOO", errc::reference_uppercase, 0, ""},
      {pm::normalized, "localhost:5000/Foo", errc::reference_uppercase, 15, ""},
      {pm::normalized, "foo@SHA256:" + h64, errc::reference_uppercase, 4, ""},
      {pm::normalized, "Foo_bar/x", errc::reference_uppercase, 0, ""},
      {pm::normalized, "", errc::reference_invalid_path, 0, ""},
      {pm::normalized, "foo:-x", errc::reference_invalid_tag, 4, ""},
      {pm::normalized, "ubuntu:" + tag_of(129), errc::reference_tag_too_long, 135, ""},
      {pm::normalized, "foo@sha256:" + h64.substr(1), errc::digest_invalid_length, 11, ""},
      {pm::normalized, "docker.io/", errc::reference_invalid_path, 10, ""},
      // the limit counts library/: 248 bytes become a 256-byte path
      {pm::normalized, std::string(248, 'a'), errc::reference_name_too_long, 247,
       "repository name must not be more than 255 bytes: the path is 256 bytes long"},
      {pm::normalized, "docker.io/" + std::string(248, 'a'), errc::reference_name_too_long, 257,
       ""},
      {pm::normalized, "index.docker.io/" + std::string(248, 'a') + ":1",
       errc::reference_name_too_long, 263, ""},
      // canonical
      {pm::canonical, "ubuntu", errc::reference_not_canonical, 0,
       "repository name must be canonical: the fully qualified form is "
       "'docker.io/library/ubuntu'"},
      {pm::canonical, "docker.io/foo", errc::reference_not_canonical, 0, ""},
      {pm::canonical, "index.docker.io/library/foo", errc::reference_not_canonical, 0,
       "repository name must be canonical: the fully qualified form is 'docker.io/library/foo'"},
      {pm::canonical, "foo/bar:1", errc::reference_not_canonical, 0, ""},
      {pm::canonical, h64, errc::reference_is_identifier, 0, ""},
      {pm::canonical, "foo/Bar", errc::reference_uppercase, 4, ""},
      // any
      {pm::any, "Foo", errc::reference_uppercase, 0, ""},
      {pm::any, "", errc::reference_invalid_path, 0, ""},
      {pm::any, "sha256:", errc::reference_invalid_tag, 7, ""},
      // docker
      {pm::docker, h64, errc::reference_is_identifier, 0, ""},
      {pm::docker, "", errc::reference_invalid_path, 0, ""},
      {pm::docker, "a/B:1", errc::reference_uppercase, 2, ""},
  };
}

template <class R>
void check_ok(const R& r, const ok_case& c) {
  CHECK(r.domain() == c.domain);
  CHECK(r.has_domain() == !c.domain.empty());
  CHECK(r.path() == c.path);
  CHECK(r.tag() == c.tag);
  CHECK(r.has_tag() == !c.tag.empty());
  CHECK(r.digest() == c.digest);
  CHECK(r.has_digest() == !c.digest.empty());
  CHECK(r.string() == c.string);
  CHECK(r.familiar_string() == c.familiar);
  CHECK(r.is_named() == !c.path.empty());
  if (r.is_named()) {
    CHECK(r.name() == (c.domain.empty() ? c.path : c.domain + "/" + c.path));
    CHECK(c.familiar.starts_with(r.familiar_name()));
  }
  if (r.has_digest()) {
    CHECK(r.digest_value().string() == c.digest);
    CHECK(ocikit::is_valid_digest(r.digest_value().string(), algorithm_set::all()));
  } else {
    CHECK(r.digest_value().empty());
  }
}

}  // namespace

// ---- the case tables over the three APIs ----------------------------------------------------

TEMPLATE_TEST_CASE("valid references, every mode", "[reference]", view_api, inline_api, owning_api,
                   copied_api) {
  for (const auto& c : ok_cases()) {
    INFO("mode " << ocikit::to_string(c.mode) << " input '" << c.input << "'");
    const auto r = TestType::parse(c.input, c.mode);
    if (!r) FAIL_CHECK(r.error().message());
    REQUIRE(r.has_value());
    check_ok(*r, c);
    CHECK(ocikit::is_valid_reference(c.input, c.mode));
  }
}

TEMPLATE_TEST_CASE("invalid references: id, condition, offset and message", "[reference]", view_api,
                   inline_api, owning_api, copied_api) {
  for (const auto& c : bad_cases()) {
    INFO("mode " << ocikit::to_string(c.mode) << " input '" << c.input << "'");
    const auto r = TestType::parse(c.input, c.mode);
    REQUIRE_FALSE(r.has_value());
    const ocikit::error& e = r.error();
    INFO(e.message());
    CHECK(e.id() == ocikit::to_string(c.code));
    CHECK(e.condition() == ocikit::condition_of(c.code));
    CHECK(e.offset() == c.offset);
    CHECK(e.offset() <= c.input.size());
    if (!c.message.empty()) CHECK(e.message() == c.message);
    CHECK(e.error_code() == c.code);
    CHECK(e.error_code() == ocikit::condition_of(c.code));
    CHECK_FALSE(ocikit::is_valid_reference(c.input, c.mode));
  }
}

TEST_CASE("the model of distribution/reference v0.6 agrees on every case in every mode",
          "[reference][model]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  std::size_t valid = 0;
  for (const auto& s : inputs) {
    for (auto m : all_modes) {
      if (agrees_with_model(s, m)) ++valid;
    }
  }
  CHECK(valid > 150);
}

TEST_CASE("the model agrees on single-byte mutations of the cases", "[reference][model]") {
  std::set<std::string> seeds;
  for (const auto& c : ok_cases()) {
    if (c.input.size() <= 40) seeds.insert(c.input);
  }
  for (const auto& c : bad_cases()) {
    if (c.input.size() <= 40) seeds.insert(c.input);
  }
  seeds.insert("a/b:c@sha256:" + std::string(32, 'a'));
  std::set<std::string> inputs;
  for (const auto& s : seeds) {
    for (std::size_t i = 0; i <= s.size(); ++i) {
      for (char c : std::string_view("A_./:@-[")) {
        std::string replaced = s;
        if (i < s.size()) {
          replaced[i] = c;
        } else {
          replaced += c;
        }
        inputs.insert(replaced);
      }
      if (i < s.size()) inputs.insert(s.substr(0, i) + s.substr(i + 1));
    }
  }
  std::size_t valid = 0;
  for (const auto& s : inputs) {
    for (auto m : all_modes) {
      if (agrees_with_model(s, m)) ++valid;
    }
  }
  INFO(inputs.size() << " inputs");
  CHECK(valid > 1000);
}

TEST_CASE("the model agrees with other accepted algorithm sets", "[reference][model]") {
  const algorithm_set sets[] = {algorithm_set::all(), algorithm_set{},
                                algorithm_set{ocikit::digest_algorithm::sha512}};
  for (const auto& s : {std::string("repo@blake3:") + h64, "repo@" + sha256, "blake3:" + h64,
                        sha256, h64, "repo@sha512:" + h128, "sha512:" + h128}) {
    for (auto set : sets) {
      for (auto m : all_modes) agrees_with_model(s, m, set);
    }
  }
  const std::string blake_text = "blake3:" + h64;
  const auto blake = ocikit::parse_any_reference(blake_text, algorithm_set::all());
  REQUIRE(blake.has_value());
  CHECK_FALSE(blake->is_named());
  CHECK(blake->digest() == "blake3:" + h64);
  const std::string repo_sha256 = "repo@" + sha256;
  const auto none = ocikit::parse_reference(repo_sha256, algorithm_set{});
  REQUIRE_FALSE(none.has_value());
  CHECK(none.error() == errc::digest_unsupported);
}

// ---- round trips ----------------------------------------------------------------------------

TEST_CASE("strict: string() is the input and parsing it again is a fixed point",
          "[reference][roundtrip]") {
  std::vector<std::string> inputs;
  for (const auto& c : ok_cases()) {
    if (c.mode == parse_mode::strict) inputs.push_back(c.input);
  }
  // A cross product of every part.
  for (std::string d :
       {"", "localhost/", "localhost:5000/", "a.b.c/", "[::1]:80/", "A-1.b/", "x:1/"}) {
    for (std::string p : {"a", "a/b", "a.b_c__d-e--f/g0", "library/ubuntu"}) {
      for (const std::string& t :
           std::vector<std::string>{"", ":t", ":Tag_1.2-x", ":" + tag_of(128)}) {
        for (const std::string& g : {std::string(), "@" + sha256, "@sha512:" + h128}) {
          inputs.push_back(d + p + t + g);
        }
      }
    }
  }
  for (const auto& s : inputs) {
    INFO(s);
    const auto r = ocikit::parse_reference(s);
    REQUIRE(r.has_value());
    CHECK(r->string() == s);
    CHECK(r->string().data() == s.data());  // a view of the input, no copy
    const auto again = ocikit::parse_reference(r->string());
    REQUIRE(again.has_value());
    CHECK(again->offsets().path_begin == r->offsets().path_begin);
    CHECK(again->domain() == r->domain());
    CHECK(again->path() == r->path());
    CHECK(again->tag() == r->tag());
    CHECK(again->digest() == r->digest());
    agrees_with_model(s, parse_mode::strict);
  }
}

TEST_CASE("normalize(normalize(x).string()) == normalize(x)", "[reference][roundtrip]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  std::size_t checked = 0;
  for (const auto& s : inputs) {
    for (auto m : all_modes) {
      const auto once = ocikit::parse_reference(s, m);
      if (!once) continue;
      INFO("mode " << ocikit::to_string(m) << " input " << s);
      const std::string text(once->string());
      const auto twice = ocikit::parse_reference(text, m);
      REQUIRE(twice.has_value());
      CHECK(twice->string() == text);
      CHECK(twice->domain() == once->domain());
      CHECK(twice->path() == once->path());
      CHECK(twice->tag() == once->tag());
      CHECK(twice->digest() == once->digest());
      if (once->is_named() && m != parse_mode::strict) {
        // The normalised text is a valid strict reference with the same parts,
        const auto strict = ocikit::parse_reference(text);
        REQUIRE(strict.has_value());
        CHECK(strict->domain() == once->domain());
        CHECK(strict->path() == once->path());
        CHECK(strict->tag() == once->tag());
        CHECK(strict->digest() == once->digest());
        // and normalising it is the identity: it is canonical.
        const auto n = ocikit::parse_normalized_reference(text);
        REQUIRE(n.has_value());
        CHECK(n->string() == text);
        CHECK(ocikit::parse_canonical_reference(text).has_value());
      }
      ++checked;
    }
  }
  CHECK(checked > 100);
}

// ---- limits -----------------------------------------------------------------------------------

TEST_CASE("path length: 255 bytes, counted after library/, without the domain",
          "[reference][limits]") {
  for (auto api_mode : {parse_mode::strict, parse_mode::normalized, parse_mode::docker}) {
    INFO(ocikit::to_string(api_mode));
    const std::string dom = "registry.example.com:5000/";
    CHECK(ocikit::is_valid_reference(dom + std::string(255, 'a'), api_mode));
    CHECK_FALSE(ocikit::is_valid_reference(dom + std::string(256, 'a'), api_mode));
    CHECK(
        ocikit::is_valid_reference(dom + "b/" + std::string(253, 'a') + ":t@" + sha256, api_mode));
    CHECK_FALSE(ocikit::is_valid_reference(dom + "b/" + std::string(254, 'a'), api_mode));
    // A long domain does not count.
    CHECK(ocikit::is_valid_reference(std::string(200, 'd') + ".io/" + std::string(255, 'a'),
                                     parse_mode::strict));
  }
  // Docker Hub: one component gets library/ (8 bytes): 247 fits, 248 does not.
  for (auto m : {parse_mode::normalized, parse_mode::any, parse_mode::docker}) {
    INFO(ocikit::to_string(m));
    const std::string a247(247, 'a');
    const std::string a248(248, 'a');
    const auto ok = ocikit::parse_reference(a247, m);
    REQUIRE(ok.has_value());
    CHECK(ok->path().size() == 255);
    const auto bad = ocikit::parse_reference(a248, m);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error() == errc::reference_name_too_long);
    CHECK(bad.error() == condition::name_too_long);
    CHECK(bad.error().message() ==
          "repository name must not be more than 255 bytes: the path is 256 bytes long");
    // Two components: no library/, 255 fits.
    CHECK(ocikit::is_valid_reference("a/" + std::string(253, 'b'), m));
    CHECK_FALSE(ocikit::is_valid_reference("a/" + std::string(254, 'b'), m));
    CHECK(ocikit::is_valid_reference("docker.io/" + std::string(247, 'a'), m));
    CHECK_FALSE(ocikit::is_valid_reference("docker.io/" + std::string(248, 'a'), m));
  }
  // Strict parsing never adds library/.
  CHECK(ocikit::is_valid_reference(std::string(255, 'a')));
  CHECK(ocikit::is_valid_reference("docker.io/" + std::string(255, 'a')));
}

TEST_CASE("tag length: 128 bytes fit, 129 do not", "[reference][limits]") {
  for (auto m : all_modes) {
    if (m == parse_mode::canonical) continue;
    INFO(ocikit::to_string(m));
    const std::string base = "example.com/foo:";
    const std::string longest = base + tag_of(128);  // strict views point into it
    const auto ok = ocikit::parse_reference(longest, m);
    REQUIRE(ok.has_value());
    CHECK(ok->tag().size() == 128);
    CHECK(ocikit::is_valid_reference(base + tag_of(127), m));
    const auto bad = ocikit::parse_reference(base + tag_of(129), m);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error() == errc::reference_tag_too_long);
    CHECK(bad.error().offset() == base.size() + 128);
    CHECK(bad.error().condition() == condition::invalid_format);
  }
  // The limit holds for every first byte and with a digest after the tag.
  for (const std::string first : {"A", "_", "0"}) {
    CHECK(ocikit::is_valid_reference("a:" + first + std::string(127, '.') + "@" + sha256));
    CHECK_FALSE(ocikit::is_valid_reference("a:" + first + std::string(128, '-') + "@" + sha256));
  }
}

// ---- modes ------------------------------------------------------------------------------------

TEST_CASE("parse() dispatches to the mode functions and mode names round-trip",
          "[reference][modes]") {
  for (auto m : all_modes) {
    CHECK(ocikit::parse_mode_from_name(ocikit::to_string(m)) == m);
  }
  CHECK(ocikit::to_string(parse_mode::strict) == "strict");
  CHECK(ocikit::to_string(parse_mode::normalized) == "normalized");
  CHECK(ocikit::to_string(parse_mode::canonical) == "canonical");
  CHECK(ocikit::to_string(parse_mode::any) == "any");
  CHECK(ocikit::to_string(parse_mode::docker) == "docker");
  CHECK_FALSE(ocikit::parse_mode_from_name("Strict"));
  CHECK_FALSE(ocikit::parse_mode_from_name(""));
  CHECK_FALSE(ocikit::parse_mode_from_name("named"));
  for (const auto& c : ok_cases()) {
    const auto a = ocikit::parse_reference(c.input, c.mode);
    const auto b = view_api::parse(c.input, c.mode);
    REQUIRE(a.has_value());
    REQUIRE(b.has_value());
    CHECK(*a == *b);
  }
}

TEST_CASE("is_valid_reference(s, mode) == parse(s, mode).has_value() on every case",
          "[reference]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  for (const auto& s : inputs) {
    for (auto m : all_modes) {
      for (auto set : {algorithm_set::defaults(), algorithm_set::all(), algorithm_set{}}) {
        INFO(ocikit::to_string(m) << " " << s);
        CHECK(ocikit::is_valid_reference(s, m, set) ==
              ocikit::parse_reference(s, m, set).has_value());
        CHECK(ocikit::is_valid_reference(s, m, set) ==
              ocikit::reference::parse(s, m, set).has_value());
      }
    }
  }
}

TEST_CASE("normalisation checks in order: identifier, uppercase remote, then strict",
          "[reference][modes]") {
  // A bare 64-hex string is a valid strict path but an image ID under normalisation.
  CHECK(ocikit::is_valid_reference(h64, parse_mode::strict));
  CHECK(ocikit::parse_normalized_reference(h64).error() == errc::reference_is_identifier);
  // 63 or 65 hex digits, or uppercase hex, are ordinary names.
  CHECK(ocikit::is_valid_reference(h64.substr(1), parse_mode::normalized));
  CHECK(ocikit::is_valid_reference(h64 + "0", parse_mode::normalized));
  CHECK(ocikit::parse_normalized_reference(upper(h64)).error() == errc::reference_uppercase);
  // Uppercase in the tag is fine; in the remote name it is not, whatever else is wrong.
  CHECK(ocikit::is_valid_reference("foo:TAG", parse_mode::normalized));
  CHECK(ocikit::parse_normalized_reference("fOo:-bad").error() == errc::reference_uppercase);
  CHECK(ocikit::parse_normalized_reference("foo:-bad").error() == errc::reference_invalid_tag);
  // The uppercase check stops at the first ':' of the remainder, even inside a digest.
  CHECK(ocikit::parse_normalized_reference("foo@sha256:" + upper(h64)).error() ==
        errc::digest_invalid_hex);
  CHECK(ocikit::parse_normalized_reference("foo@SHA256:" + h64).error() ==
        errc::reference_uppercase);
  // An uppercase first part is a domain (rule 2), so the uppercase check skips it.
  CHECK(ocikit::is_valid_reference("Foo/bar", parse_mode::normalized));
  CHECK(ocikit::parse_normalized_reference("Foo/Bar").error() == errc::reference_uppercase);
  CHECK(ocikit::parse_normalized_reference("Foo/Bar").error().offset() == 4);
}

TEST_CASE("docker mode: one of tag and digest, never both, never neither", "[reference][modes]") {
  for (const auto& c : ok_cases()) {
    const auto r = ocikit::parse_docker_reference(c.input);
    if (!r) continue;
    INFO(c.input);
    CHECK(r->has_tag() != r->has_digest());
    const auto n = ocikit::parse_normalized_reference(c.input);
    REQUIRE(n.has_value());
    CHECK(r->name() == n->name());
    if (n->has_digest()) {
      CHECK(r->digest() == n->digest());
    } else if (n->has_tag()) {
      CHECK(r->tag() == n->tag());
    } else {
      CHECK(r->tag() == ocikit::default_tag);
    }
  }
}

TEST_CASE("familiar form", "[reference][familiar]") {
  struct row {
    std::string input;
    std::string familiar_name;
    std::string familiar;
  };
  for (const auto& r : std::vector<row>{
           {"ubuntu", "ubuntu", "ubuntu"},
           {"ubuntu:24.04@" + sha256, "ubuntu", "ubuntu:24.04@" + sha256},
           {"docker.io/library/foo/bar", "library/foo/bar", "library/foo/bar"},
           {"docker.io/library/foo", "foo", "foo"},
           {"library/foo", "foo", "foo"},
           {"foo/bar:1", "foo/bar", "foo/bar:1"},
           {"localhost/foo", "localhost/foo", "localhost/foo"},
           {"localhost:5000/library/foo", "localhost:5000/library/foo",
            "localhost:5000/library/foo"},
           {"docker.io/foo", "foo", "foo"},
           {"docker.io/library/library", "library", "library"},
       }) {
    INFO(r.input);
    const auto v = ocikit::parse_normalized_reference(r.input);
    REQUIRE(v.has_value());
    CHECK(v->familiar_name() == r.familiar_name);
    CHECK(v->familiar_string() == r.familiar);
    const ocikit::reference o(*v);
    CHECK(o.familiar_name() == r.familiar_name);
    CHECK(o.familiar_string() == r.familiar);
    // The familiar form normalises back to the same reference.
    const auto back = ocikit::parse_normalized_reference(v->familiar_string());
    REQUIRE(back.has_value());
    CHECK(back->string() == v->string());
  }
  // Digest-only references are their own familiar form.
  const auto d = ocikit::parse_any_reference(h64);
  REQUIRE(d.has_value());
  CHECK(d->familiar_string() == sha256);
  CHECK(d->familiar_name().empty());
}

// ---- the three types ---------------------------------------------------------------------------

TEST_CASE("reference_view is a pointer and offsets; inline_reference survives the input",
          "[reference][view]") {
  STATIC_REQUIRE(sizeof(ocikit::reference_view) <= 48);
  STATIC_REQUIRE(std::is_trivially_copyable_v<ocikit::reference_view>);
  struct row {
    parse_mode mode;
    std::string input;
    bool on_heap;
  };
  for (const auto& r : std::vector<row>{
           {parse_mode::strict, "docker.io/library/ubuntu", false},
           {parse_mode::normalized, "ubuntu:24.04", false},
           {parse_mode::normalized, "foo/bar@" + sha256, false},
           {parse_mode::normalized, "index.docker.io/foo/bar", false},
           {parse_mode::normalized, "example.com/foo", false},
           {parse_mode::normalized, "docker.io/library/foo", false},
           {parse_mode::normalized, std::string(247, 'a') + ":" + tag_of(128) + "@sha512:" + h128,
            false},
           {parse_mode::canonical, "docker.io/library/foo", false},
           {parse_mode::any, h64, false},
           {parse_mode::any, sha256, false},
           {parse_mode::docker, "example.com/foo", false},
           {parse_mode::docker, "busybox:1@" + sha256, false},
           {parse_mode::docker, "example.com/foo:1", false},
           {parse_mode::strict, std::string(600, 'a') + ".io/b", true},
       }) {
    INFO(ocikit::to_string(r.mode) << " " << r.input);
    auto input = std::make_unique<std::string>(r.input);
    const auto parsed = ocikit::parse_reference(*input, r.mode);
    REQUIRE(parsed.has_value());
    CHECK(parsed->on_heap() == r.on_heap);
    CHECK(parsed->string().data() != input->data());
    const ocikit::reference expected(*parsed);
    ocikit::inline_reference copy = *parsed;
    ocikit::inline_reference assigned;
    assigned = copy;
    ocikit::inline_reference source = copy;
    const ocikit::inline_reference moved(std::move(source));
    ocikit::inline_reference move_assigned;
    ocikit::inline_reference source2 = copy;
    move_assigned = std::move(source2);
    ocikit::inline_reference self = copy;
    const ocikit::inline_reference& self_ref = self;
    self = self_ref;
    const std::vector<const ocikit::inline_reference*> all = {&*parsed, &copy,          &assigned,
                                                              &moved,   &move_assigned, &self};
    // Overwrite and free the input: the inline references still hold every part.
    std::fill(input->begin(), input->end(), '#');
    input.reset();
    for (const ocikit::inline_reference* v : all) {
      CHECK(v->string() == expected.string());
      CHECK(v->domain() == expected.domain());
      CHECK(v->path() == expected.path());
      CHECK(v->tag() == expected.tag());
      CHECK(v->digest() == expected.digest());
      CHECK(v->familiar_string() == expected.familiar_string());
      CHECK(v->view() == expected.view());
      CHECK(v->view().string().data() == v->string().data());
      CHECK(*v == *parsed);
    }
  }
  // The largest normalised result fits: 530 bytes.
  const std::string big = std::string(247, 'a') + ":" + tag_of(128) + "@sha512:" + h128;
  const auto r = ocikit::parse_normalized_reference(big);
  REQUIRE(r.has_value());
  CHECK(r->string().size() == 530);
  CHECK(r->string().size() <= ocikit::inline_reference::inline_capacity);
  CHECK_FALSE(r->on_heap());
}

TEST_CASE("conversions between reference_view, inline_reference and reference",
          "[reference][view]") {
  const std::string text = "example.com/a/b:1@" + sha256;
  const auto v = ocikit::parse_reference(text);
  REQUIRE(v.has_value());
  const ocikit::inline_reference i(*v);         // view -> inline (copy)
  const ocikit::reference o(*v);                // view -> reference (copy)
  const ocikit::reference oi(i);                // inline -> reference (copy)
  const ocikit::reference_view from_i = i;      // inline -> view (implicit, of an lvalue)
  const ocikit::reference_view from_o = o;      // reference -> view (implicit, of an lvalue)
  const ocikit::inline_reference io(o.view());  // reference -> inline
  CHECK(i.string() == text);
  CHECK(i.string().data() != text.data());
  CHECK(o.string() == text);
  CHECK(oi == o);
  CHECK(from_i == *v);
  CHECK(from_o == *v);
  CHECK(from_i.string().data() == i.string().data());
  CHECK(from_o.string().data() == o.string().data());
  CHECK(io == i);
  CHECK(io.tag() == "1");
  CHECK(io.digest() == sha256);
  CHECK(from_o.offsets().path_begin == v->offsets().path_begin);
  // A function that takes a view accepts every type.
  const auto tag_of_view = [](ocikit::reference_view r) { return r.tag(); };
  CHECK(tag_of_view(*v) == "1");
  CHECK(tag_of_view(i) == "1");
  CHECK(tag_of_view(o) == "1");
}

TEST_CASE("owning references: views, copies, comparison and streaming", "[reference][owning]") {
  const auto r = ocikit::reference::parse("ubuntu:24.04", parse_mode::normalized);
  REQUIRE(r.has_value());
  CHECK(r->string() == "docker.io/library/ubuntu:24.04");
  const ocikit::reference_view v = r->view();
  CHECK(v.string().data() == r->string().data());
  CHECK(ocikit::reference(v) == *r);
  const auto other = ocikit::reference::parse("ubuntu:25.04", parse_mode::normalized);
  REQUIRE(other.has_value());
  CHECK(*r < *other);
  CHECK_FALSE(*r == *other);
  const auto n = ocikit::parse_normalized_reference("ubuntu:24.04");
  REQUIRE(n.has_value());
  std::ostringstream os;
  os << *r << ' ' << v << ' ' << *n << ' ' << parse_mode::docker;
  CHECK(os.str() ==
        "docker.io/library/ubuntu:24.04 docker.io/library/ubuntu:24.04 "
        "docker.io/library/ubuntu:24.04 docker");
  const ocikit::reference empty;
  CHECK(empty.string().empty());
  const ocikit::reference_view empty_view{};
  CHECK(empty_view.string().empty());
  const ocikit::inline_reference empty_inline;
  CHECK(empty_inline.string().empty());
  CHECK_FALSE(empty_inline.on_heap());
  // Default strict mode.
  const auto strict = ocikit::reference::parse("ubuntu");
  REQUIRE(strict.has_value());
  CHECK_FALSE(strict->has_domain());
}

// ---- builders ---------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("builders: with_tag, with_digest, without_tag, without_digest",
                   "[reference][builders]", view_api, owning_api) {
  const std::string sha512 = "sha512:" + h128;
  const std::string input = "example.com/a/b:1@" + sha256;  // outlives the views
  const auto r = TestType::parse(input, parse_mode::strict);
  REQUIRE(r.has_value());

  const auto t = r->with_tag("2.0");
  REQUIRE(t.has_value());
  CHECK(t->string() == "example.com/a/b:2.0@" + sha256);
  CHECK(t->tag() == "2.0");
  CHECK(t->digest() == sha256);
  CHECK(t->domain() == "example.com");
  CHECK(t->path() == "a/b");

  const auto d = r->with_digest(sha512);
  REQUIRE(d.has_value());
  CHECK(d->string() == "example.com/a/b:1@" + sha512);
  CHECK(d->digest() == sha512);
  CHECK(d->tag() == "1");

  const auto nt = r->without_tag();
  REQUIRE(nt.has_value());
  CHECK(nt->string() == "example.com/a/b@" + sha256);
  CHECK_FALSE(nt->has_tag());
  const auto nd = r->without_digest();
  REQUIRE(nd.has_value());
  CHECK(nd->string() == "example.com/a/b:1");
  CHECK_FALSE(nd->has_digest());
  const auto bare = nd->without_tag();
  REQUIRE(bare.has_value());
  CHECK(bare->string() == "example.com/a/b");
  CHECK(bare->without_tag()->string() == "example.com/a/b");
  const auto rebuilt = bare->with_tag("x");
  REQUIRE(rebuilt.has_value());
  CHECK(rebuilt->string() == "example.com/a/b:x");

  // Every result is a valid strict reference with the same parts.
  for (const ocikit::reference* b : {&*t, &*d, &*nt, &*nd, &*bare, &*rebuilt}) {
    INFO(b->string());
    const auto again = ocikit::parse_reference(b->string());
    REQUIRE(again.has_value());
    CHECK(again->domain() == b->domain());
    CHECK(again->path() == b->path());
    CHECK(again->tag() == b->tag());
    CHECK(again->digest() == b->digest());
    CHECK(again->has_tag() == b->has_tag());
    CHECK(again->has_digest() == b->has_digest());
  }

  // Tags: the grammar and the 128-byte limit.
  CHECK(r->with_tag(tag_of(128)).has_value());
  struct bad_tag {
    std::string tag;
    errc code;
    std::size_t offset;
  };
  for (const auto& b : std::vector<bad_tag>{{"", errc::reference_invalid_tag, 0},
                                            {"-x", errc::reference_invalid_tag, 0},
                                            {".x", errc::reference_invalid_tag, 0},
                                            {"a b", errc::reference_invalid_tag, 1},
                                            {"a:b", errc::reference_invalid_tag, 1},
                                            {"a@b", errc::reference_invalid_tag, 1},
                                            {tag_of(129), errc::reference_tag_too_long, 128}}) {
    INFO("tag '" << b.tag << "'");
    const auto e = r->with_tag(b.tag);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error() == b.code);
    CHECK(e.error().offset() == b.offset);
  }
  CHECK(r->with_tag("").error().message() ==
        "invalid tag at byte 0: unexpected end of input; a tag starts with a letter, digit or '_' "
        "and continues with letters, digits, '_', '.' or '-'");

  // Digests: every go-digest check, with the accepted set.
  CHECK(r->with_digest("sha256:" + h64.substr(1)).error() == errc::digest_invalid_length);
  CHECK(r->with_digest("sha256:" + upper(h64)).error() == errc::digest_invalid_hex);
  CHECK(r->with_digest("md5:abc").error() == errc::digest_unsupported);
  CHECK(r->with_digest("").error() == errc::digest_empty);
  CHECK(r->with_digest("blake3:" + h64).error() == errc::digest_unsupported);
  const auto b3 = r->with_digest("blake3:" + h64, algorithm_set::all());
  REQUIRE(b3.has_value());
  CHECK(b3->digest() == "blake3:" + h64);
  CHECK(r->with_digest(sha256, algorithm_set{ocikit::digest_algorithm::sha512}).error() ==
        errc::digest_unsupported);
}

TEST_CASE("builders keep normalised names and refuse digest-only references",
          "[reference][builders]") {
  const auto n = ocikit::parse_normalized_reference("ubuntu");
  REQUIRE(n.has_value());
  const auto t = n->with_tag("24.04");
  REQUIRE(t.has_value());
  CHECK(t->string() == "docker.io/library/ubuntu:24.04");
  CHECK(t->familiar_string() == "ubuntu:24.04");
  CHECK(t->domain() == "docker.io");

  const auto id = ocikit::parse_any_reference(h64);
  REQUIRE(id.has_value());
  REQUIRE_FALSE(id->is_named());
  struct row {
    ocikit::result<ocikit::reference> r;
    std::string message;
  };
  const row rows[] = {
      {id->with_tag("x"), "invalid with_tag: a digest-only reference has no name"},
      {id->with_digest(sha256), "invalid with_digest: a digest-only reference has no name"},
      {id->without_tag(), "invalid without_tag: a digest-only reference has no name"},
      {id->without_digest(), "invalid without_digest: a digest-only reference has no name"},
  };
  for (const auto& r : rows) {
    REQUIRE_FALSE(r.r.has_value());
    CHECK(r.r.error() == errc::reference_invalid_argument);
    CHECK(r.r.error() == condition::invalid_format);
    CHECK_FALSE(r.r.error().has_offset());
    CHECK(r.r.error().message() == r.message);
  }
}

TEST_CASE("errors convert to std::error_code with the Go condition", "[reference][error]") {
  const auto r = ocikit::parse_reference("registry/Myapp");
  REQUIRE_FALSE(r.has_value());
  const std::error_code ec = r.error();  // converts implicitly
  CHECK(ec == r.error().error_code());
  CHECK(ec == errc::reference_uppercase);
  CHECK(ec == condition::name_contains_uppercase);
  CHECK(ec.message() == "reference.uppercase");
  CHECK(std::string_view(ec.category().name()) == "ocikit");
  CHECK_THROWS_AS(r.value(), ocikit::system_error);
  try {
    (void)r.value();
  } catch (const ocikit::system_error& e) {
    CHECK(std::string_view(e.what()) == "repository name must be lowercase: 'M' at byte 9");
  }
}

TEST_CASE("without a '/', a ':' starts a tag, never a port: the error names the tag",
          "[reference]") {
  // No domain is possible without a '/', so the diagnosis should not blame a port.
  struct row {
    std::string input;
    std::size_t offset;
  };
  for (const auto& r : std::vector<row>{{"foo:-tag", 4}, {"foo:", 4}, {"localhost:5000:tag", 14}}) {
    INFO(r.input);
    const auto e = ocikit::parse_reference(r.input);
    REQUIRE_FALSE(e.has_value());
    CHECK(e.error().id() == "reference.invalid_tag");
    CHECK(e.error().offset() == r.offset);
  }
}

TEST_CASE("docker mode with a long registry domain keeps the whole result", "[reference][view]") {
  // Domains have no length limit, so adding ":latest" (or dropping a tag) can make the result
  // longer than inline_reference::inline_capacity. It must still own all of it (this
  // overflowed the inline buffer before ddabefb; fuzz/regressions/reference_parse replays it).
  const std::string dom = std::string(600, 'a') + ".io/b";
  auto input = std::make_unique<std::string>(dom);
  const auto r = ocikit::parse_docker_reference(*input);
  REQUIRE(r.has_value());
  CHECK(r->on_heap());
  const std::string tagged = dom + ":1@" + sha256;
  const auto both = ocikit::parse_docker_reference(tagged);
  REQUIRE(both.has_value());
  CHECK(both->on_heap());
  input.reset();  // the views do not depend on the input any more
  CHECK(r->string() == dom + ":latest");
  CHECK(r->domain() == std::string(600, 'a') + ".io");
  CHECK(r->path() == "b");
  CHECK(r->tag() == "latest");
  CHECK(both->string() == dom + "@" + sha256);
  CHECK_FALSE(both->has_tag());
  CHECK(both->digest() == sha256);
  // Copies and moves of a view that holds a long text.
  ocikit::inline_reference copy = *r;
  ocikit::inline_reference moved = std::move(copy);
  ocikit::inline_reference assigned;
  assigned = moved;
  CHECK(moved.string() == dom + ":latest");
  CHECK(assigned.string() == dom + ":latest");
  CHECK(assigned.tag() == "latest");
  // Just below and just above the inline capacity.
  for (std::size_t n : {ocikit::inline_reference::inline_capacity - 12,
                        ocikit::inline_reference::inline_capacity - 11,
                        ocikit::inline_reference::inline_capacity - 10}) {
    const std::string s = std::string(n, 'x') + ".io/b";  // n + 5 bytes, + 7 for ":latest"
    INFO(s.size());
    const auto v = ocikit::parse_docker_reference(s);
    REQUIRE(v.has_value());
    CHECK(v->string() == s + ":latest");
    CHECK(ocikit::reference(*v).string() == s + ":latest");
  }
}

namespace {
// One composition's answer for `s`, reading `Top` from `top` (0: reference_only, 1: remote).
template <class Top>
std::pair<bool, ocikit::detail::ref_offsets> composed_match(std::string_view s, int how) {
  ocikit::detail::ref_offsets o{};
  bool ok = false;
  switch (how) {
    case 0: ok = ocikit::detail::match_reference_pegtl<Top>(s, o); break;
    case 1: ok = ocikit::detail::match_reference<Top>(s, o); break;
    case 2: ok = ocikit::detail::match_reference_scanned<Top>(s, o); break;
    default: {
      const auto r = ocikit::detail::match_reference_masked<Top>(s, o);
      if (r == ocikit::detail::masked_match::declined) return composed_match<Top>(s, 2);
      ok = r == ocikit::detail::masked_match::match;
    }
  }
  return {ok, o};
}
}  // namespace

TEST_CASE("the hand-composed matchers agree with PEGTL's composition of the same rules",
          "[reference][grammar]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  // every single-byte change of every case, with the bytes that matter to the grammar
  const std::string alphabet = std::string("aZ0_.-/:@[]") + '\0';
  const std::set<std::string> base = inputs;
  for (const auto& s : base) {
    for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
      for (char c : alphabet) {
        std::string m = s;
        m[i] = c;
        inputs.insert(m);
      }
    }
  }
  std::size_t matched = 0;
  std::size_t masked = 0;
  for (const auto& s : inputs) {
    INFO("input '" << s << "'");
    for (int top = 0; top < 2; ++top) {
      const auto pegtl = top == 0 ? composed_match<ocikit::grammar::reference_only>(s, 0)
                                  : composed_match<ocikit::grammar::remote_reference_only>(s, 0);
      for (int how = 1; how < 4; ++how) {
        INFO("composition " << how << ", top " << top);
        const auto [ok, o] = top == 0
                                 ? composed_match<ocikit::grammar::reference_only>(s, how)
                                 : composed_match<ocikit::grammar::remote_reference_only>(s, how);
        REQUIRE(ok == pegtl.first);
        if (!ok) continue;
        ++matched;
        CHECK(o.has_domain == pegtl.second.has_domain);
        CHECK(o.domain_end == pegtl.second.domain_end);
        CHECK(o.path_begin == pegtl.second.path_begin);
        CHECK(o.path_end == pegtl.second.path_end);
        CHECK(o.has_tag == pegtl.second.has_tag);
        CHECK(o.tag_end == pegtl.second.tag_end);
        CHECK(o.has_digest == pegtl.second.has_digest);
        CHECK(o.digest_begin == pegtl.second.digest_begin);
      }
      ocikit::detail::ref_offsets o{};
      if (ocikit::detail::match_reference_masked<ocikit::grammar::reference_only>(s, o) !=
          ocikit::detail::masked_match::declined) {
        ++masked;
      }
    }
  }
  CHECK(matched > 3000);
  CHECK(masked > 1000);  // the masked composition answered most of them itself
}

TEST_CASE("Docker's domain split read off the masks agrees with the byte-wise one",
          "[reference][normalized]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  for (const char* extra : {"localhost/a", "localhost:1/a", "LOCALHOST/a", "a:b/c", "a_b:1/c",
                            "index.docker.io/a", "index.docker.io/a/b", "docker.io/a", "a/b/c",
                            "a.b/c", "Ab/c", "a@sha256:x/y", "/a", "a/", "a//b"}) {
    inputs.insert(extra);
  }
  std::size_t answered = 0;
  for (const auto& s : inputs) {
    INFO("input '" << s << "'");
    ocikit::detail::name_masks m;
    if (!ocikit::detail::classify_name(s, m)) continue;
    const auto masked = ocikit::detail::split_docker_domain(s, m);
    ++answered;
    // A '/' after the '@' is seen by Go's split only; such inputs never parse.
    if (s.find('/', m.size) != std::string::npos) continue;
    const auto plain = ocikit::detail::split_docker_domain(std::string_view(s));
    CHECK(masked.domain == plain.domain);
    CHECK(masked.remainder == plain.remainder);
    CHECK(masked.add_library == plain.add_library);
    CHECK(masked.rewritten == plain.rewritten);
  }
  CHECK(answered > 100);
}

TEST_CASE("normalisation with and without the masks gives the same answers",
          "[reference][normalized]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  const std::set<std::string> base = inputs;
  for (const auto& s : base) {  // and every single-byte change that matters to the grammar
    for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
      for (char c : std::string("aZ0_.-/:@[")) {
        std::string m = s;
        m[i] = c;
        inputs.insert(m);
      }
    }
  }
  std::size_t valid = 0;
  for (const auto& s : inputs) {
    INFO("input '" << s << "'");
    for (const auto accepted : {ocikit::algorithm_set::defaults(),
                                ocikit::algorithm_set{ocikit::digest_algorithm::sha256}}) {
      const auto fast = ocikit::detail::normalize_reference<true>(s, accepted);
      const auto general = ocikit::detail::normalize_reference<false>(s, accepted);
      REQUIRE(fast.has_value() == general.has_value());
      if (fast) {
        ++valid;
        CHECK(fast->string() == general->string());
        CHECK(fast->offsets().path_begin == general->offsets().path_begin);
        CHECK(fast->offsets().path_end == general->offsets().path_end);
        CHECK(fast->offsets().tag_end == general->offsets().tag_end);
        CHECK(fast->offsets().digest_begin == general->offsets().digest_begin);
      } else {
        CHECK(fast.error().code() == general.error().code());
        CHECK(fast.error().offset() == general.error().offset());
        CHECK(fast.error().message() == general.error().message());
      }
    }
  }
  CHECK(valid > 1000);
}

TEST_CASE("the hand-composed diagnosis agrees with PEGTL's", "[reference][errors]") {
  std::set<std::string> inputs;
  for (const auto& c : ok_cases()) inputs.insert(c.input);
  for (const auto& c : bad_cases()) inputs.insert(c.input);
  const std::set<std::string> base = inputs;
  for (const auto& s : base) {  // every single-byte change that matters to the grammar
    for (std::size_t i = 0; i < s.size() && i < 80; ++i) {
      for (char c : std::string("aZ0_.-/:@[]") + '\0') {
        std::string m = s;
        m[i] = c;
        inputs.insert(m);
        inputs.insert(m.substr(0, i + 1));  // and every prefix
      }
    }
  }
  for (const auto& s : inputs) {
    INFO("input '" << s << "'");
    const auto a = ocikit::detail::diagnose_scanned<ocikit::grammar::reference_only>(s);
    const auto b = ocikit::detail::diagnose_pegtl<ocikit::grammar::reference_only>(s);
    CHECK(a.at == b.at);
    CHECK(a.code == b.code);
    CHECK(a.rule_start == b.rule_start);
    const auto c = ocikit::detail::diagnose_scanned<ocikit::grammar::remote_reference_only>(s);
    const auto d = ocikit::detail::diagnose_pegtl<ocikit::grammar::remote_reference_only>(s);
    CHECK(c.at == d.at);
    CHECK(c.code == d.code);
    CHECK(c.rule_start == d.rule_start);
  }
  CHECK(inputs.size() > 10000);
}

TEST_CASE("the masked matcher declines only long names and IPv6 hosts", "[reference][grammar]") {
  using ocikit::detail::masked_match;
  const auto outcome = [](std::string_view s) {
    ocikit::detail::ref_offsets o{};
    return ocikit::detail::match_reference_masked<ocikit::grammar::reference_only>(s, o);
  };
  CHECK(outcome("") == masked_match::no_match);
  CHECK(outcome("a") == masked_match::match);
  CHECK(outcome(std::string(63, 'a')) == masked_match::match);
  CHECK(outcome(std::string(64, 'a')) == masked_match::declined);
  CHECK(outcome(std::string(63, 'a') + "@sha256:" + std::string(64, 'f')) == masked_match::match);
  CHECK(outcome("[::1]:5000/a") == masked_match::declined);
  CHECK(outcome(std::string("a\0b", 3)) == masked_match::no_match);
  CHECK(outcome("a/b@@") == masked_match::no_match);
}
