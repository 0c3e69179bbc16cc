#include "ocikit/store/store.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "ocikit/hash.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using ocikit::errc;
using ocikit::store::embedded_store;

// A fresh directory under the system's temporary directory, removed afterwards.
struct scratch {
  fs::path dir;
  scratch() {
    std::string t = (fs::temp_directory_path() / "ocikit-store-test-XXXXXX").string();
    REQUIRE(::mkdtemp(t.data()) != nullptr);
    dir = t;
  }
  ~scratch() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
};

using ocikit_test::read_text;

std::string sha256(std::string_view bytes) {
  return ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes).value().str();
}

std::string config_json(std::string_view arch, std::string_view os, std::string_view salt = "") {
  return R"({"architecture":")" + std::string(arch) + R"(","os":")" + std::string(os) +
         R"(","rootfs":{"type":"layers","diff_ids":[]},"config":{"Labels":{"salt":")" +
         std::string(salt) + R"("}}})";
}

constexpr std::string_view config_type = "application/vnd.oci.image.config.v1+json";
constexpr std::string_view layer_type = "application/vnd.oci.image.layer.v1.tar+gzip";

/// An image manifest whose config and layers have these bytes, with a subject manifest and an
/// artifactType when given.
std::string manifest_json(const std::string& config, const std::vector<std::string>& layers,
                          const std::string& subject = "", const std::string& artifact = "") {
  using ocikit_test::descriptor_of;
  std::vector<ocikit::descriptor> ls;
  ls.reserve(layers.size());
  for (const std::string& l : layers) ls.push_back(descriptor_of(layer_type, l));
  std::string tail;
  if (!artifact.empty()) tail += R"(,"artifactType":")" + artifact + R"(")";
  if (!subject.empty()) {
    tail += R"(,"subject":)" +
            ocikit_test::descriptor_json(descriptor_of(ocikit::media_types::oci_manifest, subject));
  }
  return ocikit_test::image_manifest_json(descriptor_of(config_type, config), ls, tail);
}

std::string index_json(const std::vector<std::pair<std::string, std::string>>& children) {
  std::string s = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
                  R"("manifests":[)";
  for (std::size_t i = 0; i < children.size(); ++i) {
    if (i != 0) s += ',';
    s += R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
         sha256(children[i].first) + R"(","size":)" + std::to_string(children[i].first.size()) +
         R"(,"platform":)" + children[i].second + "}";
  }
  s += "]}";
  return s;
}

// An image: config, layers, manifest.
struct image {
  std::string config;
  std::vector<std::string> layers;
  std::string manifest;
  std::string digest;
};

image make_image(std::string_view salt, std::vector<std::string> layers,
                 std::string_view arch = "amd64") {
  image im;
  im.config = config_json(arch, "linux", salt);
  im.layers = std::move(layers);
  im.manifest = manifest_json(im.config, im.layers);
  im.digest = sha256(im.manifest);
  return im;
}

void push_blobs(embedded_store& s, std::string_view repo, const image& im) {
  ocikit::store::memory_source c(im.config);
  REQUIRE(s.push_blob(repo, c).has_value());
  for (const auto& l : im.layers) {
    ocikit::store::memory_source src(l);
    REQUIRE(s.push_blob(repo, src).has_value());
  }
}

std::string push_image(embedded_store& s, const std::string& ref, const image& im) {
  auto t = s.parse(ref);
  REQUIRE(t.has_value());
  push_blobs(s, t->repository, im);
  auto d = s.push_manifest(*t, im.manifest);
  INFO((d ? std::string() : d.error().message()));
  REQUIRE(d.has_value());
  CHECK(d->digest.str() == im.digest);
  return d->digest.str();
}

std::string resolved(embedded_store& s, std::string_view ref) {
  auto d = s.resolve(ref);
  if (!d) return std::string(d.error().id());
  return d->digest.str();
}

struct stat stat_of(const fs::path& p) {
  struct stat st {};
  REQUIRE(::stat(p.c_str(), &st) == 0);
  return st;
}

bool path_exists(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec);
}

embedded_store make_store(const scratch& sc, std::string_view login = "localhost") {
  auto s = embedded_store::init(sc.dir / "store", login);
  REQUIRE(s.has_value());
  return std::move(*s);
}

std::vector<std::string> tags_of(embedded_store& s, std::string_view repo) {
  auto t = s.list_tags(repo);
  REQUIRE(t.has_value());
  return *t;
}

std::map<std::string, std::vector<std::string>> metadata_tags(embedded_store& s,
                                                              std::string_view repo) {
  auto m = s.list_metadata(repo);
  REQUIRE(m.has_value());
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& x : *m) out[x.digest.str()] = x.tags;
  return out;
}

}  // namespace

TEST_CASE("init, open and their refusals") {
  scratch sc;
  {
    auto s = embedded_store::init(sc.dir / "store", "registry.example:5000");
    REQUIRE(s.has_value());
    CHECK(s->login_server() == "registry.example:5000");
    CHECK(path_exists(sc.dir / "store" / "oci-layout"));
    CHECK(path_exists(sc.dir / "store" / "index.json"));
    CHECK(path_exists(sc.dir / "store" / "blobs" / "sha256"));
  }
  auto again = embedded_store::init(sc.dir / "store", "registry.example:5000");
  CHECK(again.has_value());
  auto other = embedded_store::init(sc.dir / "store", "localhost");
  REQUIRE(!other.has_value());
  CHECK(other.error() == errc::store_exists);
  auto opened = embedded_store::open(sc.dir / "store");
  REQUIRE(opened.has_value());
  CHECK(opened->login_server() == "registry.example:5000");

  auto none = embedded_store::open(sc.dir / "nothing");
  REQUIRE(!none.has_value());
  CHECK(none.error() == errc::store_not_a_store);
  CHECK(none.error().message().find("ocikit store init") != std::string::npos);

  auto bad = embedded_store::init(sc.dir / "bad", "Not A Host");
  REQUIRE(!bad.has_value());
  CHECK(bad.error() == errc::store_invalid_name);

  auto created = embedded_store::open_or_init(sc.dir / "fresh");
  REQUIRE(created.has_value());
  CHECK(created->login_server() == "localhost");
}

TEST_CASE("push_blob: stored once, shared by hard links, verified") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("shared", {"layer bytes"});
  const std::string layer = im.layers[0];
  ocikit::store::memory_source a(layer);
  auto first = s.push_blob("team/a", a);
  REQUIRE(first.has_value());
  CHECK(first->digest.str() == sha256(layer));
  CHECK(first->size == static_cast<std::int64_t>(layer.size()));
  CHECK(!first->existed);
  const auto pool = s.pool_path(first->digest);
  // Only the pool holds it until a manifest references it; no repository appears.
  CHECK(stat_of(pool).st_nlink == 1);
  CHECK(s.list_repositories()->empty());
  CHECK(!path_exists(s.repo_dir("team/a")));
  // The repository serves it once a manifest there references it.
  CHECK(s.stat_blob("team/a", first->digest).error() == errc::store_not_found);

  ocikit::store::memory_source b(layer);
  auto second = s.push_blob("team/b", b);
  REQUIRE(second.has_value());
  CHECK(second->existed);

  push_image(s, "team/a:v1", im);
  push_image(s, "team/b:v1", im);
  const auto in_a = s.layout_path("team/a") / "blobs" / "sha256" / first->digest.encoded();
  const auto in_b = s.layout_path("team/b") / "blobs" / "sha256" / first->digest.encoded();
  const auto sp = stat_of(pool);
  CHECK(sp.st_ino == stat_of(in_a).st_ino);
  CHECK(sp.st_ino == stat_of(in_b).st_ino);
  CHECK(sp.st_nlink == 3);  // the pool and two repositories
  CHECK(ocikit::store::detail::list_dir(s.private_path() / "uploads").empty());
  auto st = s.stat_blob("team/a", first->digest);
  REQUIRE(st.has_value());
  CHECK(st->size == static_cast<std::int64_t>(layer.size()));
  CHECK(s.stat_blob("team/none", first->digest).error() == errc::store_not_found);

  // With an expected digest the store does not read content it has.
  ocikit::store::memory_source unused("ignored");
  ocikit::store::blob_expectation known;
  known.digest = first->digest;
  auto mounted = s.push_blob("team/c", unused, known);
  REQUIRE(mounted.has_value());
  CHECK(mounted->existed);

  // Pull, streamed and verified.
  ocikit::store::string_sink out;
  auto pulled = s.pull_blob("team/b", first->digest, out);
  REQUIRE(pulled.has_value());
  CHECK(out.data == layer);
}

TEST_CASE("push_manifest refuses a blob whose stored size differs from the manifest's") {
  scratch sc;
  auto s = make_store(sc);
  image im = make_image("x", {"four"});
  push_blobs(s, "a", im);
  std::string wrong = im.manifest;
  wrong.replace(wrong.find("\"size\":4}"), 9, "\"size\":5}");
  auto r = s.push_manifest("a:v1", wrong);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_size_mismatch);
  CHECK(r.error().message() == "size mismatch, nothing was stored: " + sha256("four") +
                                   " has 4 bytes, the manifest says 5");
  CHECK(s.list_repositories()->empty());
}

TEST_CASE("push_blob refusals leave nothing behind") {
  scratch sc;
  auto s = make_store(sc);
  ocikit::store::blob_expectation wrong;
  wrong.digest = ocikit::digest::parse(sha256("other")).value();
  ocikit::store::memory_source in("content");
  auto r = s.push_blob("a", in, wrong);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_digest_mismatch);
  CHECK(r.error().message() == "digest mismatch, nothing was stored: expected " + sha256("other") +
                                   ", got " + sha256("content"));
  CHECK(!path_exists(s.pool_path(ocikit::digest::parse(sha256("content")).value())));

  ocikit::store::blob_expectation size;
  size.size = 3;
  ocikit::store::memory_source in2("content");
  r = s.push_blob("a", in2, size);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_size_mismatch);
  CHECK(r.error().message() ==
        "size mismatch, nothing was stored: expected 3 bytes, got at least 7");

  size.size = 100;
  ocikit::store::memory_source in3("content");
  r = s.push_blob("a", in3, size);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_size_mismatch);
  CHECK(r.error().message() == "size mismatch, nothing was stored: expected 100 bytes, got 7");

  CHECK(ocikit::store::detail::list_dir(s.private_path() / "uploads").empty());
  CHECK(ocikit::store::detail::list_dir(sc.dir / "store" / "blobs" / "sha256").empty());

  ocikit::store::memory_source in4("content");
  r = s.push_blob("Bad/Name", in4);
  REQUIRE(!r.has_value());
  CHECK(r.error().condition() == ocikit::condition::name_contains_uppercase);
}

TEST_CASE("pull_blob detects damaged content and unknown blobs") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"good bytes"});
  push_image(s, "a:v1", im);
  const auto b = s.stat_blob("a", ocikit::digest::parse(sha256("good bytes")).value());
  REQUIRE(b.has_value());
  const auto pool = s.pool_path(b->digest);
  fs::permissions(pool, fs::perms::owner_write, fs::perm_options::add);
  { std::ofstream(pool, std::ios::binary | std::ios::trunc) << "evil bytes"; }
  ocikit::store::string_sink out;
  auto r = s.pull_blob("a", b->digest, out);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_digest_mismatch);

  auto missing = s.pull_blob("a", ocikit::digest::parse(sha256("nope")).value(), out);
  REQUIRE(!missing.has_value());
  CHECK(missing.error() == errc::store_not_found);
  CHECK(s.stat_blob("a", ocikit::digest::parse(sha256("nope")).value()).error() ==
        errc::store_not_found);
}

TEST_CASE("push_manifest by tag and by digest; resolve and pull exact bytes") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("one", {"layer-1", "layer-2"});
  const std::string d = push_image(s, "team/app:v1", im);
  CHECK(resolved(s, "team/app:v1") == d);
  CHECK(resolved(s, "localhost/team/app:v1") == d);
  CHECK(resolved(s, "team/app@" + d) == d);
  CHECK(resolved(s, "team/app") == "store.not_found");  // no latest
  CHECK(resolved(s, "team/app:v2") == "store.not_found");
  CHECK(resolved(s, "other/app:v1") == "store.not_found");
  CHECK(resolved(s, "docker.io/team/app:v1") == "store.wrong_registry");

  auto pulled = s.pull_manifest("team/app:v1");
  REQUIRE(pulled.has_value());
  CHECK(pulled->bytes == im.manifest);
  CHECK(pulled->descriptor.media_type == "application/vnd.oci.image.manifest.v1+json");
  CHECK(pulled->descriptor.size == static_cast<std::int64_t>(im.manifest.size()));
  CHECK(pulled->descriptor.annotations.empty());

  // By digest: untagged.
  const image other = make_image("two", {"layer-3"});
  push_blobs(s, "team/app", other);
  auto byd = s.push_manifest("team/app@" + other.digest, other.manifest);
  REQUIRE(byd.has_value());
  auto tags = metadata_tags(s, "team/app");
  CHECK(tags.size() == 2);
  CHECK(tags[other.digest].empty());
  CHECK(tags[d] == std::vector<std::string>{"v1"});

  // The layout is one that readers understand: ref.name is the tag.
  const std::string text = read_text(s.layout_path("team/app") / "index.json");
  CHECK(text.find(R"("org.opencontainers.image.ref.name":"v1")") != std::string::npos);
  CHECK(path_exists(s.layout_path("team/app") / "oci-layout"));
  CHECK(path_exists(s.layout_path("team/app") / "blobs" / "sha256" / d.substr(7)));
  // The catalog lists full references.
  const std::string catalog = read_text(sc.dir / "store" / "index.json");
  CHECK(catalog.find(R"("org.opencontainers.image.ref.name":"localhost/team/app:v1")") !=
        std::string::npos);
  CHECK(catalog.find("localhost/team/app@" + other.digest) != std::string::npos);
}

TEST_CASE("push_manifest refusals change nothing") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("one", {"layer-1"});
  // Missing blobs.
  auto r = s.push_manifest("a:v1", im.manifest);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_blob_missing);
  CHECK(r.error().message().find(sha256("layer-1")) != std::string::npos);
  CHECK(r.error().message().find(sha256(im.config)) != std::string::npos);
  CHECK(s.list_repositories()->empty());
  CHECK(!path_exists(s.pool_path(ocikit::digest::parse(im.digest).value())));

  push_blobs(s, "a", im);
  // Invalid manifest: the problems are listed.
  std::string invalid = im.manifest;
  invalid.replace(invalid.find("\"size\":"), 7, "\"size\":-");
  r = s.push_manifest("a:v1", invalid);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_manifest_invalid);
  CHECK(r.error().message().rfind("invalid manifest, nothing was stored: manifest.", 0) == 0);
  r = s.push_manifest("a:v1", "{not json");
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_manifest_invalid);
  CHECK(r.error().message().find("json.syntax") != std::string::npos);
  // Wrong media type declared.
  ocikit::store::push_manifest_options o;
  o.media_type = "application/vnd.oci.image.index.v1+json";
  r = s.push_manifest("a:v1", im.manifest, o);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_manifest_invalid);
  CHECK(r.error().message().find("manifest.media_type_mismatch") != std::string::npos);
  // Digest that does not match the bytes.
  r = s.push_manifest("a@" + sha256("x"), im.manifest);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_digest_mismatch);
  // Bad tag, other registry.
  r = s.push_manifest("a:-bad", im.manifest);
  REQUIRE(!r.has_value());
  CHECK(r.error().condition() == ocikit::condition::invalid_format);
  r = s.push_manifest("example.com/a:v1", im.manifest);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_wrong_registry);
  // No repository appeared, nothing is linked anywhere but the pool.
  CHECK(s.list_tags("a").error() == errc::store_not_found);
  CHECK(s.list_repositories()->empty());
  CHECK(!path_exists(s.repo_dir("a")));
}

TEST_CASE("a moved tag leaves the old manifest untagged") {
  scratch sc;
  auto s = make_store(sc);
  const image v1 = make_image("v1", {"base", "one"});
  const image v2 = make_image("v2", {"base", "two"});
  const std::string d1 = push_image(s, "app:latest", v1);
  const std::string d2 = push_image(s, "app:latest", v2);
  CHECK(resolved(s, "app") == d2);
  CHECK(resolved(s, "app@" + d1) == d1);
  auto tags = metadata_tags(s, "app");
  CHECK(tags[d1].empty());
  CHECK(tags[d2] == std::vector<std::string>{"latest"});
  auto untagged = s.list_metadata("app", {.untagged_only = true});
  REQUIRE(untagged.has_value());
  REQUIRE(untagged->size() == 1);
  CHECK(untagged->front().digest.str() == d1);
  CHECK(tags_of(s, "app") == std::vector<std::string>{"latest"});
  // Pushing the same bytes to the same tag again changes nothing but the time.
  push_image(s, "app:latest", v2);
  CHECK(metadata_tags(s, "app").size() == 2);
}

TEST_CASE("tag and untag") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"l"});
  const std::string d = push_image(s, "app:v1", im);
  auto t = s.tag(*s.parse("app:v1"), "stable");
  REQUIRE(t.has_value());
  CHECK(t->digest.str() == d);
  t = s.tag(*s.parse("app@" + d), "v1.0");
  REQUIRE(t.has_value());
  CHECK(tags_of(s, "app") == std::vector<std::string>{"stable", "v1", "v1.0"});
  CHECK(metadata_tags(s, "app")[d] == std::vector<std::string>{"stable", "v1", "v1.0"});
  CHECK(s.tag(*s.parse("app:nope"), "x").error() == errc::store_not_found);
  CHECK(s.tag(*s.parse("app:v1"), "-bad").error() == errc::reference_invalid_tag);
  CHECK(s.tag(*s.parse("none:v1"), "x").error() == errc::store_not_found);

  REQUIRE(s.untag("app", "v1").has_value());
  REQUIRE(s.untag("app", "stable").has_value());
  CHECK(tags_of(s, "app") == std::vector<std::string>{"v1.0"});
  REQUIRE(s.untag("app", "v1.0").has_value());
  CHECK(tags_of(s, "app").empty());
  auto tags = metadata_tags(s, "app");
  REQUIRE(tags.size() == 1);
  CHECK(tags[d].empty());  // still there, untagged
  CHECK(resolved(s, "app@" + d) == d);
  CHECK(s.untag("app", "v1").error() == errc::store_not_found);
  CHECK(s.untag("nothing", "v1").error() == errc::store_not_found);
}

TEST_CASE("delete by tag removes the manifest, all its tags and its referrers") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"shared", "unique"});
  const std::string d = push_image(s, "app:v1", im);
  REQUIRE(s.tag(*s.parse("app:v1"), "v2").has_value());
  const image other = make_image("y", {"shared"});
  const std::string keep = push_image(s, "other:v1", other);
  // A signature of `im`.
  const std::string sig_config = R"({"sig":1})";
  const std::string sig =
      manifest_json(sig_config, {"signature"}, im.manifest, "application/vnd.example.signature");
  image sig_im{sig_config, {"signature"}, sig, sha256(sig)};
  push_blobs(s, "app", sig_im);
  REQUIRE(s.push_manifest("app@" + sig_im.digest, sig).has_value());

  auto dry = s.delete_manifest("app:v1", true);
  REQUIRE(dry.has_value());
  CHECK(dry->manifests.size() == 2);
  CHECK(resolved(s, "app:v1") == d);  // a dry run changes nothing

  auto rep = s.delete_manifest("app:v1");
  REQUIRE(rep.has_value());
  REQUIRE(rep->manifests.size() == 2);
  CHECK(rep->manifests[0].str() == d);
  CHECK(rep->manifests[1].str() == sig_im.digest);
  std::vector<std::string> gone_tags = rep->tags;
  std::sort(gone_tags.begin(), gone_tags.end());
  CHECK(gone_tags == std::vector<std::string>{"v1", "v2"});
  CHECK(resolved(s, "app:v2") == "store.not_found");
  CHECK(resolved(s, "app@" + sig_im.digest) == "store.not_found");
  CHECK(s.list_metadata("app")->empty());
  CHECK(resolved(s, "other:v1") == keep);

  // gc frees the unique layer, keeps the shared one.
  const auto shared = ocikit::digest::parse(sha256("shared")).value();
  const auto unique = ocikit::digest::parse(sha256("unique")).value();
  auto g = s.gc({});
  REQUIRE(g.has_value());
  CHECK(!path_exists(s.pool_path(unique)));
  CHECK(path_exists(s.pool_path(shared)));
  CHECK(stat_of(s.pool_path(shared)).st_nlink == 2);
  CHECK(g->blobs_deleted == 6);  // manifest, config, unique; signature manifest, config, layer
  ocikit::store::string_sink out;
  CHECK(s.pull_blob("other", shared, out).has_value());
  CHECK(s.delete_manifest("app:v1").error() == errc::store_not_found);
}

TEST_CASE("an index needs its children; deleting it keeps them, untagged") {
  scratch sc;
  auto s = make_store(sc);
  const image amd = make_image("amd", {"amd-layer"}, "amd64");
  const image arm = make_image("arm", {"arm-layer"}, "arm64");
  const std::string idx = index_json({{amd.manifest, R"({"architecture":"amd64","os":"linux"})"},
                                      {arm.manifest, R"({"architecture":"arm64","os":"linux"})"}});
  push_blobs(s, "multi", amd);
  push_blobs(s, "multi", arm);
  REQUIRE(s.push_manifest("multi@" + amd.digest, amd.manifest).has_value());
  auto r = s.push_manifest("multi:v1", idx);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_manifest_missing);
  CHECK(r.error().message().find(arm.digest) != std::string::npos);
  REQUIRE(s.push_manifest("multi@" + arm.digest, arm.manifest).has_value());
  r = s.push_manifest("multi:v1", idx);
  REQUIRE(r.has_value());
  CHECK(r->media_type == "application/vnd.oci.image.index.v1+json");

  auto meta = s.list_metadata("multi");
  REQUIRE(meta.has_value());
  REQUIRE(meta->size() == 3);
  for (const auto& m : *meta) {
    if (m.digest.str() == amd.digest) {
      CHECK(m.architecture == "amd64");
      CHECK(m.os == "linux");
    }
    if (m.digest.str() == arm.digest) CHECK(m.architecture == "arm64");
    if (m.digest.str() == sha256(idx)) {
      CHECK(m.architecture.empty());
      CHECK(m.image_size == static_cast<std::int64_t>(idx.size()));
    }
  }
  // gc --untagged keeps children of an index.
  auto g = s.gc({.untagged = true});
  REQUIRE(g.has_value());
  CHECK(g->manifests_deleted == 0);

  REQUIRE(s.delete_manifest("multi:v1").has_value());
  auto tags = metadata_tags(s, "multi");
  CHECK(tags.size() == 2);
  CHECK(tags.count(amd.digest) == 1);
  CHECK(tags.count(arm.digest) == 1);
  // Now they are garbage for gc --untagged.
  g = s.gc({.untagged = true, .dry_run = true});
  REQUIRE(g.has_value());
  CHECK(g->manifests_deleted == 2);
  CHECK(metadata_tags(s, "multi").size() == 2);
  g = s.gc({.untagged = true});
  REQUIRE(g.has_value());
  CHECK(g->manifests_deleted == 2);
  CHECK(metadata_tags(s, "multi").empty());
}

TEST_CASE("referrers, filtered by artifact type") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("subject", {"l"});
  const std::string d = push_image(s, "app:v1", im);
  std::vector<std::string> refs;
  for (const char* type : {"application/vnd.example.sig", "application/vnd.example.sbom"}) {
    const std::string cfg = std::string(R"({"t":")") + type + "\"}";
    const std::string m = manifest_json(cfg, {std::string("blob of ") + type}, im.manifest, type);
    image r{cfg, {std::string("blob of ") + type}, m, sha256(m)};
    push_blobs(s, "app", r);
    REQUIRE(s.push_manifest("app@" + r.digest, m).has_value());
    refs.push_back(r.digest);
  }
  const auto subject = ocikit::digest::parse(d).value();
  auto all = s.referrers("app", subject);
  REQUIRE(all.has_value());
  CHECK(all->media_type == "application/vnd.oci.image.index.v1+json");
  CHECK(all->manifests.size() == 2);
  auto sigs = s.referrers("app", subject, "application/vnd.example.sig");
  REQUIRE(sigs.has_value());
  REQUIRE(sigs->manifests.size() == 1);
  CHECK(sigs->manifests[0].digest.str() == refs[0]);
  CHECK(sigs->manifests[0].artifact_type == "application/vnd.example.sig");
  auto none = s.referrers("app", ocikit::digest::parse(sha256("x")).value());
  REQUIRE(none.has_value());
  CHECK(none->manifests.empty());
  // A subject may be missing when a referrer is pushed.
  const std::string cfg = R"({"t":"orphan"})";
  const std::string m = manifest_json(cfg, {"orphan"}, "not pushed", "application/vnd.x");
  image orphan{cfg, {"orphan"}, m, sha256(m)};
  push_blobs(s, "app", orphan);
  CHECK(s.push_manifest("app@" + orphan.digest, m).has_value());
}

TEST_CASE("list_metadata: fields, order and the untagged filter") {
  scratch sc;
  auto s = make_store(sc);
  const image a = make_image("a", {"la"});
  const image b = make_image("b", {"lb", "lb2"}, "arm64");
  const std::string da = push_image(s, "r:a", a);
  const std::string db = push_image(s, "r:b", b);
  auto meta = s.list_metadata("r");
  REQUIRE(meta.has_value());
  REQUIRE(meta->size() == 2);
  CHECK((*meta)[0].digest.str() == db);  // newest first
  CHECK((*meta)[1].digest.str() == da);
  const auto& m = (*meta)[0];
  CHECK(m.tags == std::vector<std::string>{"b"});
  CHECK(m.media_type == "application/vnd.oci.image.manifest.v1+json");
  CHECK(m.config_media_type == config_type);
  CHECK(m.architecture == "arm64");
  CHECK(m.os == "linux");
  CHECK(m.image_size == static_cast<std::int64_t>(b.manifest.size() + b.config.size() + 2 + 3));
  CHECK(m.timestamp == m.last_update_time);
  CHECK(m.created_time.size() == 30);
  CHECK(m.created_time.back() == 'Z');
  CHECK(m.attributes == ocikit::store::changeable_attributes{});
  auto asc = s.list_metadata("r", {.order = ocikit::store::metadata_order::time_asc});
  REQUIRE(asc.has_value());
  CHECK((*asc)[0].digest.str() == da);
  // A tag change updates the timestamp.
  REQUIRE(s.tag(*s.parse("r:a"), "again").has_value());
  meta = s.list_metadata("r");
  CHECK((*meta)[0].digest.str() == da);
  CHECK((*meta)[0].created_time < (*meta)[0].last_update_time);
  CHECK(s.list_metadata("r", {.untagged_only = true})->empty());
  CHECK(s.list_metadata("nope").error() == errc::store_not_found);
}

TEST_CASE("locks: a locked item refuses the change and nothing changes") {
  scratch sc;
  auto s = make_store(sc);
  const image v1 = make_image("v1", {"l1"});
  const image v2 = make_image("v2", {"l2"});
  const std::string d1 = push_image(s, "app:v1", v1);
  push_blobs(s, "app", v2);
  const std::string before = read_text(s.layout_path("app") / "index.json");

  // A tag with writeEnabled=false: no overwrite, no delete, no untag.
  auto a = s.set_attributes(*s.parse("app:v1"), {.write_enabled = false});
  REQUIRE(a.has_value());
  CHECK(!a->write_enabled);
  CHECK(a->delete_enabled);
  const std::string locked_index = read_text(s.layout_path("app") / "index.json");
  auto r = s.push_manifest("app:v1", v2.manifest);
  REQUIRE(!r.has_value());
  CHECK(r.error() == errc::store_locked);
  CHECK(r.error().message() == "locked: tag 'v1' has writeEnabled=false: it cannot be overwritten");
  CHECK(s.delete_manifest("app:v1").error() == errc::store_locked);
  CHECK(s.untag("app", "v1").error() == errc::store_locked);
  CHECK(s.tag(*s.parse("app@" + d1), "v1").error() == errc::store_locked);  // not even in place
  CHECK(read_text(s.layout_path("app") / "index.json").size() == locked_index.size());
  CHECK(resolved(s, "app:v1") == d1);
  auto got = s.get_attributes(*s.parse("app:v1"));
  REQUIRE(got.has_value());
  CHECK(!got->write_enabled);
  REQUIRE(s.set_attributes(*s.parse("app:v1"), {.write_enabled = true}).has_value());

  // A manifest with deleteEnabled=false: no delete, but its tag may move.
  REQUIRE(s.set_attributes(*s.parse("app@" + d1), {.delete_enabled = false}).has_value());
  CHECK(s.delete_manifest("app@" + d1).error() == errc::store_locked);
  CHECK(s.get_attributes(*s.parse("app@" + d1))->delete_enabled == false);
  CHECK(s.list_metadata("app")->front().attributes.delete_enabled == false);
  REQUIRE(s.push_manifest("app:v1", v2.manifest).has_value());
  CHECK(resolved(s, "app@" + d1) == d1);
  auto gc = s.gc({.untagged = true});
  REQUIRE(gc.has_value());
  CHECK(gc->manifests_deleted == 0);  // locked: gc keeps it
  REQUIRE(s.set_attributes(*s.parse("app@" + d1), {.delete_enabled = true}).has_value());

  // A repository with writeEnabled=false: no push, no tag, no delete.
  REQUIRE(s.set_attributes(*s.parse("app", false), {.write_enabled = false}).has_value());
  CHECK(!s.get_attributes(*s.parse("app", false))->write_enabled);
  CHECK(s.push_manifest("app:v3", v1.manifest).error() == errc::store_locked);
  ocikit::store::memory_source in("x");
  CHECK(s.push_blob("app", in).error() == errc::store_locked);
  CHECK(s.tag(*s.parse("app:v1"), "v9").error() == errc::store_locked);
  CHECK(s.delete_manifest("app:v1").error() == errc::store_locked);
  CHECK(s.delete_repository("app").error() == errc::store_locked);
  REQUIRE(s.set_attributes(*s.parse("app", false), {.write_enabled = true}).has_value());

  // readEnabled=false hides it from pulls, listEnabled=false from listings.
  REQUIRE(s.set_attributes(*s.parse("app:v1"), {.list_enabled = false}).has_value());
  CHECK(tags_of(s, "app").empty());
  REQUIRE(s.set_attributes(*s.parse("app@" + v2.digest), {.read_enabled = false}).has_value());
  CHECK(s.resolve("app:v1").error() == errc::store_locked);
  CHECK_FALSE(before.empty());
}

TEST_CASE("repositories: nested names are independent; delete_repository") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"shared"});
  push_image(s, "marketing:v1", im);
  push_image(s, "marketing/web:v1", im);
  push_image(s, "marketing/web/api:v1", im);
  auto repos = s.list_repositories();
  REQUIRE(repos.has_value());
  CHECK(*repos == std::vector<std::string>{"marketing", "marketing/web", "marketing/web/api"});
  auto dry = s.delete_repository("marketing/web", true);
  REQUIRE(dry.has_value());
  CHECK(dry->tags == std::vector<std::string>{"v1"});
  CHECK(s.list_repositories()->size() == 3);
  REQUIRE(s.delete_repository("marketing/web").has_value());
  CHECK(*s.list_repositories() == std::vector<std::string>{"marketing", "marketing/web/api"});
  CHECK(resolved(s, "marketing/web/api:v1") == im.digest);
  CHECK(resolved(s, "marketing/web:v1") == "store.not_found");
  CHECK(s.delete_repository("marketing/web").error() == errc::store_not_found);
  // The name can be used again.
  push_image(s, "marketing/web:v2", im);
  CHECK(resolved(s, "marketing/web:v2") == im.digest);
  const std::string catalog = read_text(sc.dir / "store" / "index.json");
  CHECK(catalog.find("localhost/marketing/web:v1") == std::string::npos);
  CHECK(catalog.find("localhost/marketing/web:v2") != std::string::npos);
}

TEST_CASE("gc: report, dry run, leftovers") {
  scratch sc;
  auto s = make_store(sc);
  const image v1 = make_image("v1", {"base", "one"});
  const image v2 = make_image("v2", {"base", "two"});
  push_image(s, "app:latest", v1);
  push_image(s, "app:latest", v2);
  { std::ofstream(s.private_path() / "uploads" / "blob-leftover") << "partial"; }
  auto dry = s.gc({.untagged = true, .dry_run = true});
  REQUIRE(dry.has_value());
  CHECK(dry->manifests_deleted == 1);
  CHECK(dry->blobs_deleted == 3);  // v1's manifest, config and layer "one"
  CHECK(dry->leftovers_removed == 1);
  CHECK(path_exists(s.private_path() / "uploads" / "blob-leftover"));
  CHECK(metadata_tags(s, "app").size() == 2);

  auto plain = s.gc({});
  REQUIRE(plain.has_value());
  CHECK(plain->manifests_deleted == 0);
  CHECK(plain->blobs_deleted == 0);
  CHECK(plain->leftovers_removed == 1);
  CHECK(!path_exists(s.private_path() / "uploads" / "blob-leftover"));

  auto real = s.gc({.untagged = true});
  REQUIRE(real.has_value());
  CHECK(real->manifests_deleted == 1);
  CHECK(real->blobs_deleted == 3);
  CHECK(real->bytes_freed == v1.manifest.size() + v1.config.size() + 3);
  CHECK(resolved(s, "app@" + v1.digest) == "store.not_found");
  CHECK(resolved(s, "app:latest") == v2.digest);
  auto again = s.gc({.untagged = true});
  REQUIRE(again.has_value());
  CHECK(again->blobs_deleted == 0);
  auto f = s.fsck({});
  REQUIRE(f.has_value());
  CHECK(f->consistent());
  CHECK(f->problems.empty());
}

TEST_CASE("gc removes the layout an interrupted delete_repository left, then its blobs") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"only-here"});
  push_image(s, "gone/app:v1", im);
  push_image(s, "kept:v1", make_image("y", {"elsewhere"}));
  // What a crash after the index went leaves: the layout without index.json.
  fs::remove(s.index_path("gone/app"));
  CHECK(*s.list_repositories() == std::vector<std::string>{"kept"});
  auto f = s.fsck({});
  REQUIRE(f.has_value());
  CHECK(f->consistent());
  REQUIRE(f->problems.size() == 2);  // repo.leftover, and the catalog still lists it
  CHECK(f->problems[0].kind == "repo.leftover");
  CHECK(!f->problems[0].error);
  const auto layer = ocikit::digest::parse(sha256("only-here")).value();
  auto g = s.gc({});
  REQUIRE(g.has_value());
  CHECK(g->leftovers_removed == 1);
  CHECK(!path_exists(s.layout_path("gone/app")));
  g = s.gc({});
  REQUIRE(g.has_value());
  CHECK(g->blobs_deleted == 3);
  CHECK(!path_exists(s.pool_path(layer)));
  CHECK(s.fsck({})->problems.empty());
}

TEST_CASE("du: logical bytes against stored bytes") {
  scratch sc;
  auto s = make_store(sc);
  const std::string big(1000, 'b');
  const image a = make_image("a", {big, "a"});
  const image b = make_image("b", {big, "bb"});
  push_image(s, "one:v1", a);
  push_image(s, "two:v1", b);
  auto u = s.du();
  REQUIRE(u.has_value());
  REQUIRE(u->repositories.size() == 2);
  const std::uint64_t la = a.manifest.size() + a.config.size() + 1000 + 1;
  const std::uint64_t lb = b.manifest.size() + b.config.size() + 1000 + 2;
  CHECK(u->repositories[0].repository == "one");
  CHECK(u->repositories[0].logical_bytes == la);
  CHECK(u->repositories[0].stored_bytes == la);
  CHECK(u->repositories[1].logical_bytes == lb);
  CHECK(u->total.logical_bytes == la + lb);
  CHECK(u->total.stored_bytes == la + lb - 1000);  // the shared layer once
  CHECK(u->total.manifests == 2);
}

TEST_CASE("fsck finds and repairs what a crash or an outside tool left") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"layer"});
  const std::string d = push_image(s, "app:v1", im);
  auto clean = s.fsck({.verify_blobs = true});
  REQUIRE(clean.has_value());
  CHECK(clean->problems.empty());

  const auto layer = ocikit::digest::parse(sha256("layer")).value();
  const auto link = s.layout_path("app") / "blobs" / "sha256" / layer.encoded();
  fs::remove(link);
  { std::ofstream(s.layout_path("app") / "blobs" / "sha256" / "tmp-by-tool") << "x"; }
  { std::ofstream(s.private_path() / "tmp" / "write-123") << "x"; }
  { std::ofstream(sc.dir / "store" / "index.json") << R"({"schemaVersion":2,"manifests":[]})"; }
  auto found = s.fsck({});
  REQUIRE(found.has_value());
  CHECK(!found->consistent());
  std::map<std::string, int> kinds;
  for (const auto& p : found->problems) ++kinds[p.kind];
  CHECK(kinds["link.missing"] == 1);
  CHECK(kinds["blobs.stray_file"] == 1);
  CHECK(kinds["temp.stray"] == 1);
  CHECK(kinds["catalog.stale"] == 1);
  for (const auto& p : found->problems) CHECK(!p.repaired);

  auto fixed = s.fsck({.repair = true});
  REQUIRE(fixed.has_value());
  CHECK(fixed->consistent());
  for (const auto& p : fixed->problems) CHECK(p.repaired);
  CHECK(stat_of(link).st_ino == stat_of(s.pool_path(layer)).st_ino);
  auto after = s.fsck({.verify_blobs = true});
  REQUIRE(after.has_value());
  CHECK(after->problems.empty());

  // An index entry whose manifest is gone everywhere, and a damaged blob.
  fs::remove(s.layout_path("app") / "blobs" / "sha256" / d.substr(7));
  fs::remove(s.pool_path(ocikit::digest::parse(d).value()));
  fs::permissions(s.pool_path(layer), fs::perms::owner_write, fs::perm_options::add);
  { std::ofstream(s.pool_path(layer), std::ios::trunc) << "rotten"; }
  auto bad = s.fsck({.verify_blobs = true});
  REQUIRE(bad.has_value());
  kinds.clear();
  for (const auto& p : bad->problems) ++kinds[p.kind];
  CHECK(kinds["manifest.missing"] == 1);
  CHECK(kinds["blob.damaged"] == 1);
  auto repaired = s.fsck({.repair = true, .verify_blobs = true});
  REQUIRE(repaired.has_value());
  CHECK(repaired->consistent());
  CHECK(resolved(s, "app:v1") == "store.not_found");
  CHECK(!path_exists(s.pool_path(layer)));
}

TEST_CASE("an index.json written by another tool is read and rewritten in the store's form") {
  scratch sc;
  auto s = make_store(sc);
  const image im = make_image("x", {"layer"});
  const std::string d = push_image(s, "app:v1", im);
  // skopeo's form: indented, another order.
  const std::string foreign =
      "{\n  \"schemaVersion\": 2,\n  \"manifests\": [\n    {\n"
      "      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n"
      "      \"digest\": \"" +
      d + "\",\n      \"size\": " + std::to_string(im.manifest.size()) +
      ",\n      \"annotations\": {\n"
      "        \"org.opencontainers.image.ref.name\": \"v7\"\n"
      "      }\n    }\n  ]\n}\n";
  { std::ofstream(s.layout_path("app") / "index.json", std::ios::trunc) << foreign; }
  CHECK(resolved(s, "app:v7") == d);
  CHECK(resolved(s, "app:v1") == "store.not_found");
  REQUIRE(s.tag(*s.parse("app:v7"), "v8").has_value());
  CHECK(read_text(s.layout_path("app") / "index.json")
            .rfind(ocikit::store::detail::index_header, 0) == 0);
  CHECK(tags_of(s, "app") == std::vector<std::string>{"v7", "v8"});
}

TEST_CASE("purge: patterns, keep, untagged, locks, children, dry run") {
  scratch sc;
  auto s = make_store(sc);
  std::vector<std::string> digests;
  for (int i = 0; i < 4; ++i) {
    const image im = make_image("dev" + std::to_string(i), {"l" + std::to_string(i)});
    digests.push_back(push_image(s, "app:dev-" + std::to_string(i), im));
  }
  const image rel = make_image("release", {"r"});
  push_image(s, "app:v1.0", rel);
  const image old = make_image("old", {"o"});
  push_image(s, "app:scratch", old);
  push_image(s, "app:scratch", make_image("new", {"n"}));  // `old` is untagged now
  push_image(s, "other:dev-0", make_image("o0", {"x"}));

  auto bad = s.purge({.filter = "app"});
  REQUIRE(!bad.has_value());
  CHECK(bad.error() == errc::store_invalid_name);
  CHECK(s.purge({.filter = "app:("}).error() == errc::store_invalid_name);

  REQUIRE(s.set_attributes(*s.parse("app:dev-0"), {.delete_enabled = false}).has_value());
  auto dry = s.purge({.filter = "app:dev-.*", .keep = 1, .dry_run = true});
  REQUIRE(dry.has_value());
  CHECK(dry->deleted.size() == 2);  // dev-2, dev-1 (dev-3 kept as the newest; dev-0 locked)
  REQUIRE(dry->skipped.size() == 1);
  CHECK(dry->skipped[0].reason == "locked");
  CHECK(tags_of(s, "app").size() == 6);

  auto done = s.purge({.filter = "app:dev-.*", .keep = 1, .untagged = true});
  REQUIRE(done.has_value());
  CHECK(done->deleted.size() == 3);  // dev-2, dev-1 and the untagged `old`
  CHECK(tags_of(s, "app") == std::vector<std::string>{"dev-0", "dev-3", "scratch", "v1.0"});
  CHECK(resolved(s, "app@" + old.digest) == "store.not_found");
  CHECK(tags_of(s, "other") == std::vector<std::string>{"dev-0"});

  auto aged = s.purge({.filter = ".*:.*", .ago = std::chrono::seconds(3600)});
  REQUIRE(aged.has_value());
  CHECK(aged->deleted.empty());  // nothing is an hour old

  CHECK(ocikit::store::parse_duration("2d").value() == std::chrono::seconds(172800));
  CHECK(ocikit::store::parse_duration("1h30m").value() == std::chrono::seconds(5400));
  CHECK(ocikit::store::parse_duration("0").value() == std::chrono::seconds(0));
  CHECK(ocikit::store::parse_duration("5").error() == errc::store_invalid_name);
  CHECK(ocikit::store::parse_duration("1x").error() == errc::store_invalid_name);
}

TEST_CASE("purge keeps children of an index that stays") {
  scratch sc;
  auto s = make_store(sc);
  const image amd = make_image("amd", {"a"});
  push_blobs(s, "m", amd);
  REQUIRE(s.push_manifest("m@" + amd.digest, amd.manifest).has_value());
  const std::string idx = index_json({{amd.manifest, R"({"architecture":"amd64","os":"linux"})"}});
  REQUIRE(s.push_manifest("m:v1", idx).has_value());
  auto p = s.purge({.filter = "m:nomatch", .untagged = true});
  REQUIRE(p.has_value());
  CHECK(p->deleted.empty());
  REQUIRE(p->skipped.size() == 1);
  CHECK(p->skipped[0].reason == "a child of the index " + sha256(idx));
}

// Run by the next test in a child process with OCIKIT_FAULT_POINT set: a push that dies there.
TEST_CASE("fault point child", "[.fault_child]") {
  const char* dir = std::getenv("OCIKIT_TEST_STORE");
  REQUIRE(dir != nullptr);
  auto s = embedded_store::open(dir);
  REQUIRE(s.has_value());
  const image im = make_image("second", {"base", "second"});
  push_image(*s, "app:v2", im);
}

TEST_CASE("fault points kill the process at the named step and the store stays consistent") {
  for (const char* point :
       {"blob.written", "blob.synced", "blob.pooled", "blob.linked", "manifest.stored",
        "index.temp_written", "index.renamed", "catalog.written"}) {
    INFO(point);
    scratch sc;
    auto s = make_store(sc);
    const image first = make_image("first", {"base", "first"});
    const std::string d = push_image(s, "app:v1", first);
    const std::string store_dir = (sc.dir / "store").string();
    const std::string env_point = std::string("OCIKIT_FAULT_POINT=") + point;
    const std::string env_dir = "OCIKIT_TEST_STORE=" + store_dir;
    char* const envp[] = {const_cast<char*>(env_point.c_str()), const_cast<char*>(env_dir.c_str()),
                          nullptr};
    std::string self = fs::read_symlink("/proc/self/exe").string();
    std::string tag = "[.fault_child]";
    char* const argv[] = {self.data(), tag.data(), nullptr};
    pid_t pid = 0;
    REQUIRE(::posix_spawn(&pid, self.c_str(), nullptr, nullptr, argv, envp) == 0);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFSIGNALED(status));
    if (WIFSIGNALED(status)) CHECK(WTERMSIG(status) == SIGKILL);
    auto again = embedded_store::open(store_dir);
    REQUIRE(again.has_value());
    auto f = again->fsck({});
    REQUIRE(f.has_value());
    CHECK(f->consistent());
    CHECK(resolved(*again, "app:v1") == d);
    auto g = again->gc({});
    REQUIRE(g.has_value());
    const image second = make_image("second", {"base", "second"});
    push_image(*again, "app:v2", second);
    auto f2 = again->fsck({});
    REQUIRE(f2.has_value());
    CHECK(f2->problems.empty());
  }
}

namespace {

// Gives its bytes `step` at a time (as a pipe would), however large the buffer.
class trickle_source : public ocikit::store::byte_source {
 public:
  trickle_source(std::string_view bytes, std::size_t step) : bytes_(bytes), step_(step) {}
  ocikit::result<std::size_t> read(std::span<std::byte> buffer) override {
    const std::size_t n = std::min({buffer.size(), step_, bytes_.size() - pos_});
    std::memcpy(buffer.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

 private:
  std::string_view bytes_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

}  // namespace

TEST_CASE("a large blob: hashed beside the writes, pulled by a kernel copy, verified") {
  scratch sc;
  auto s = make_store(sc);
  // More than the ingest ring holds (4 slots of 4 MiB), so that its slots are reused.
  const std::string big = ocikit_test::pseudo_random_bytes((std::size_t{21} << 20) + 12345);
  const image im = make_image("big", {big});

  SECTION("pushed in 4 MiB reads and in small ones, the digest is that of the bytes") {
    ocikit::store::memory_source whole(big);
    auto a = s.push_blob("big", whole);
    REQUIRE(a.has_value());
    CHECK(a->digest.str() == sha256(big));
    CHECK(a->size == static_cast<std::int64_t>(big.size()));
    scratch other;
    auto s2 = make_store(other);
    trickle_source drops(big, 65537);
    auto b = s2.push_blob("big", drops);
    REQUIRE(b.has_value());
    CHECK(b->digest.str() == sha256(big));
    // An expected digest that the bytes do not have: refused, nothing left behind.
    scratch third;
    auto s3 = make_store(third);
    ocikit::store::blob_expectation wrong;
    wrong.digest = ocikit::digest::parse(sha256("other")).value();
    ocikit::store::memory_source again(big);
    auto c = s3.push_blob("big", again, wrong);
    REQUIRE(!c.has_value());
    CHECK(c.error() == errc::store_digest_mismatch);
    CHECK(ocikit::store::detail::list_dir(s3.private_path() / "uploads").empty());
  }

  SECTION("pulled to a file, to an appending file and to memory: the same bytes") {
    push_image(s, "big:v1", im);
    const auto d = ocikit::digest::parse(sha256(big)).value();
    for (const int extra : {0, O_APPEND}) {
      const fs::path out = sc.dir / ("out" + std::to_string(extra));
      const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | extra, 0644);
      REQUIRE(fd >= 0);
      ocikit::store::fd_sink sink(fd, "the output file");
      CHECK(sink.native_handle() == fd);
      auto r = s.pull_blob("big", d, sink);
      ::close(fd);
      REQUIRE(r.has_value());
      CHECK(r->size == static_cast<std::int64_t>(big.size()));
      CHECK(read_text(out) == big);
    }
    ocikit::store::string_sink mem;
    REQUIRE(s.pull_blob("big", d, mem).has_value());
    CHECK(mem.data == big);

    // One byte changed in the pool: the kernel copy's verdict is a digest mismatch.
    const auto pool = s.pool_path(d);
    fs::permissions(pool, fs::perms::owner_write, fs::perm_options::add);
    {
      std::fstream f(pool, std::ios::in | std::ios::out | std::ios::binary);
      f.seekp(static_cast<std::streamoff>(big.size() / 2));
      f.put(static_cast<char>(big[big.size() / 2] ^ 1));
    }
    const fs::path out = sc.dir / "damaged";
    const int fd = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    REQUIRE(fd >= 0);
    ocikit::store::fd_sink sink(fd);
    auto r = s.pull_blob("big", d, sink);
    ::close(fd);
    REQUIRE(!r.has_value());
    CHECK(r.error() == errc::store_digest_mismatch);
  }
}

TEST_CASE("parse_duration: bounds of a number and of the total") {
  using ocikit::store::parse_duration;
  CHECK(parse_duration("1099511627776s").value().count() == 1099511627776);
  CHECK(parse_duration("1099511627776d").value().count() == 1099511627776 * 86400);
  CHECK(parse_duration("1099511627777s").error() == errc::store_invalid_name);
  CHECK(parse_duration("1d2h3m4s").value().count() == 93784);
  CHECK(parse_duration("1s1s").value().count() == 2);
  // 97 terms of 2^40 days still fit in std::int64_t seconds; the 98th does not.
  std::string fits;
  for (int i = 0; i < 97; ++i) fits += "1099511627776d";
  CHECK(parse_duration(fits).value().count() == 97 * 1099511627776 * 86400);
  auto over = parse_duration(fits + "1099511627776d");
  REQUIRE(!over.has_value());
  CHECK(over.error() == errc::store_invalid_name);
  CHECK(over.error().message().find("numbers with units") != std::string::npos);
  CHECK(parse_duration("").error() == errc::store_invalid_name);
  CHECK(parse_duration("d").error() == errc::store_invalid_name);
}

TEST_CASE("index.json lines: the fast reader takes only what Boost.JSON reads the same way") {
  namespace sd = ocikit::store::detail;
  const std::string d = sha256("a");
  const std::string head =
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + d +
      R"(","size":)";
  sd::entry e;
  sd::fast::entry_view v;
  // ocikit's own spelling: the fast path.
  const std::string good = head + R"(7,"annotations":{"k":"x","k2":"\u00e9"}})";
  CHECK(!sd::fast::read_entry(good, e));  // an escape: Boost.JSON reads it
  const std::string plain = head + R"(7,"annotations":{"k":"é"}})";
  REQUIRE(sd::fast::read_entry(plain, e));
  CHECK(e.annotation("k") == "é");
  // A repeated key keeps its last value on every path.
  const std::string twice = head + R"(7,"annotations":{"k":"1","k":"2"}})";
  REQUIRE(sd::fast::read_entry(twice, e));
  CHECK(e.annotation("k") == "2");
  REQUIRE(sd::fast::read_entry_view(twice, v));
  CHECK(v.annotation("k") == "2");
  // Not JSON: left to Boost.JSON, which refuses it.
  for (const std::string& bad : {head + "007}", head + "7,\"annotations\":{\"k\":\"\x01\"}}",
                                 head + "7,\"annotations\":{\"k\":\"\x90\"}}", head + "-7}"}) {
    INFO(bad);
    sd::entry x;
    CHECK(!sd::fast::read_entry(bad, x));
    CHECK(sd::parse_entry(bad, "index.json").error() == errc::store_corrupt);
  }
}

TEST_CASE("index.json lines: a size past INT64_MAX is refused, not wrapped") {
  namespace sd = ocikit::store::detail;
  const std::string line =
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" + sha256("a") +
      R"(","size":9446744073709551614})";
  auto e = sd::parse_entry(line, "index.json");
  REQUIRE(!e.has_value());
  CHECK(e.error() == errc::store_corrupt);
  CHECK(e.error().message() ==
        "the store is inconsistent: index.json: an entry has no valid size; run `ocikit store fsck "
        "--repair`");
}
