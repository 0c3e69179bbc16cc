// Tests of ocikit/copy.hpp and ocikit/layout/layout_registry.hpp without a server: copies between
// an OCI layout and the embedded store in both directions keep every digest (an index with two
// platforms, a signature and a signature of the signature), one platform of an index, blobs
// already present skipped, parallel blob transfers, and bad input refused before anything is
// written; and the layout as a registry (index.json entries after bottom-up pushes, tags,
// referrers, refusals).
#include "ocikit/copy.hpp"  // first: the header must be self-contained

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_registry.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/store/store.hpp"
#include "ocikit/store/stream.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using ocikit::descriptor;
using ocikit::layout::layout_registry;
using ocikit::store::target;

using ocikit_test::descriptor_json;
using ocikit_test::image_manifest_json;
using ocikit_test::index_json;
using ocikit_test::ok;
using ocikit_test::tree_of;

/// A directory of its own for one test case, removed at the end.
struct scratch : ocikit_test::scratch {
  explicit scratch(std::string_view name) : ocikit_test::scratch("copy_test", name) {}
};

target by_tag(std::string repository, std::string tag) {
  return {std::move(repository), std::move(tag), std::nullopt};
}
target by_digest(std::string repository, const ocikit::digest& d) {
  return {std::move(repository), {}, d};
}

/// Pushes a blob through the registry interface; its descriptor.
descriptor blob(ocikit::store::registry& r, std::string_view media_type, std::string_view bytes) {
  ocikit::store::memory_source in(bytes);
  const auto info = r.push_blob("src", in).value();
  descriptor d;
  d.media_type = std::string(media_type);
  d.digest = info.digest;
  d.size = info.size;
  return d;
}

descriptor manifest(ocikit::store::registry& r, const std::string& bytes,
                    std::string_view tag = {}) {
  target t{"src", std::string(tag), std::nullopt};
  if (tag.empty()) t.digest = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes).value();
  return r.push_manifest(t, bytes).value();
}

/// A source: `multi` (an index of linux/amd64 and linux/arm64 images, 3 layers each), a
/// signature of it and a signature of the signature.
struct sample {
  descriptor amd64, arm64, multi, signature, countersignature;
  std::size_t blobs = 0;
};

descriptor arch_image(ocikit::store::registry& r, std::string_view arch, sample& s) {
  const descriptor config = blob(r, ocikit::media_types::oci_config,
                                 R"({"architecture":")" + std::string(arch) +
                                     R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})");
  std::vector<descriptor> layers;
  layers.reserve(3);
  for (int i = 0; i < 3; ++i) {
    layers.push_back(blob(r, ocikit::media_types::oci_layer_tar,
                          std::string(arch) + " layer " + std::to_string(i) +
                              std::string(static_cast<std::size_t>(1000 * (i + 1)), 'x')));
  }
  s.blobs += 4;
  return manifest(r, image_manifest_json(config, layers));
}

sample make_sample(ocikit::store::registry& r) {
  sample s;
  s.amd64 = arch_image(r, "amd64", s);
  s.arm64 = arch_image(r, "arm64", s);
  const std::string index = index_json(
      {descriptor_json(s.amd64, R"(,"platform":{"architecture":"amd64","os":"linux"})"),
       descriptor_json(s.arm64, R"(,"platform":{"architecture":"arm64","os":"linux"})")});
  s.multi = manifest(r, index, "multi");
  const descriptor empty = blob(r, ocikit::media_types::oci_empty, "{}");
  const descriptor sig = blob(r, "application/vnd.example.signature", "signed");
  const descriptor countersig = blob(r, "application/vnd.example.signature", "countersigned");
  s.blobs += 3;
  const std::string art = R"(,"artifactType":"application/vnd.example.signature","subject":)";
  s.signature = manifest(r, image_manifest_json(empty, {sig}, art + descriptor_json(s.multi)));
  s.countersignature =
      manifest(r, image_manifest_json(empty, {countersig}, art + descriptor_json(s.signature)));
  return s;
}

std::vector<std::string> names_of(const std::vector<descriptor>& entries) {
  std::vector<std::string> out;
  out.reserve(entries.size());
  for (const descriptor& e : entries) {
    out.push_back(std::string(ocikit::layout::ref_name(e)) + "=" + e.digest.str());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("layout_registry: bottom-up pushes leave one entry per image and referrer",
          "[copy][layout]") {
  scratch s("layout_registry");
  auto l = layout_registry::open(s.dir / "src", true);
  REQUIRE(ok(l));
  const sample smp = make_sample(**l);
  // The children went away when their index came; the referrers stay unnamed.
  CHECK(names_of((*l)->entries()) ==
        names_of({[&] {
                    descriptor d = smp.multi;
                    d.annotations[std::string(ocikit::layout::ref_name_annotation)] = "multi";
                    return d;
                  }(),
                  smp.signature, smp.countersignature}));
  // skopeo and the layout reader read it.
  const auto reread = ocikit::layout::image_layout::open(s.dir / "src");
  REQUIRE(ok(reread));
  CHECK(reread->find("multi").value().digest == smp.multi.digest);

  CHECK((*l)->resolve(by_tag("any", "multi")).value().digest == smp.multi.digest);
  const auto child = (*l)->resolve(by_digest("any", smp.arm64.digest));
  REQUIRE(ok(child));
  CHECK(child->media_type == ocikit::media_types::oci_manifest);
  CHECK(child->size == smp.arm64.size);
  CHECK((*l)->resolve(by_tag("any", "nope")).error().id() == "store.not_found");
  // Two images: a target without a name is ambiguous.
  CHECK((*l)->resolve(target{"any", {}, std::nullopt}).error().id() == "layout.ambiguous");

  const auto refs = (*l)->referrers("any", smp.multi.digest.view());
  REQUIRE(ok(refs));
  REQUIRE(refs->manifests.size() == 1);
  CHECK(refs->manifests[0].digest == smp.signature.digest);
  CHECK(refs->manifests[0].artifact_type == "application/vnd.example.signature");
  CHECK((*l)->referrers("any", smp.multi.digest.view(), "other/type").value().manifests.empty());

  REQUIRE(ok((*l)->tag(by_tag("any", "multi"), "v2")));
  CHECK((*l)->list_tags("any").value() == std::vector<std::string>{"multi", "v2"});
  REQUIRE(ok((*l)->untag("any", "multi")));
  CHECK((*l)->list_tags("any").value() == std::vector<std::string>{"v2"});
  CHECK((*l)->untag("any", "multi").error().id() == "store.not_found");
  CHECK((*l)->delete_manifest(by_tag("any", "v2")).error().id() == "layout.invalid");

  // A manifest whose blobs are missing is refused.
  descriptor ghost;
  ghost.media_type = std::string(ocikit::media_types::oci_layer_tar);
  ghost.digest = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, "ghost").value();
  ghost.size = 5;
  const std::string orphan = image_manifest_json(ghost, {ghost});
  CHECK((*l)->push_manifest(by_tag("any", "orphan"), orphan).error().id() == "store.blob_missing");
  // A blob whose bytes are not its digest is refused and not placed.
  ocikit::store::memory_source bad("not ghost");
  ocikit::store::blob_expectation e;
  e.digest = ghost.digest;
  CHECK((*l)->push_blob("any", bad, e).error().id() == "store.digest_mismatch");
  CHECK_FALSE(ok((*l)->stat_blob("any", ghost.digest.view())));
}

TEST_CASE("copy_image: layout -> store -> layout keeps every digest, referrers included",
          "[copy]") {
  scratch s("round_trip");
  auto src = layout_registry::open(s.dir / "src", true);
  REQUIRE(ok(src));
  const sample smp = make_sample(**src);
  auto store = ocikit::store::embedded_store::init(s.dir / "store");
  REQUIRE(ok(store));

  ocikit::copy_options o;
  o.referrers = true;
  o.jobs = 3;
  std::uint64_t last_done = 0;
  std::uint64_t last_total = 0;
  o.progress = [&](std::uint64_t done, std::uint64_t total) {
    CHECK(done >= last_done);
    last_done = done;
    last_total = total;
  };
  const auto r =
      ocikit::copy_image(**src, by_tag("layout", "multi"), *store, by_tag("team/app", "v1"), o);
  REQUIRE(ok(r));
  CHECK(r->digest == smp.multi.digest);
  CHECK(r->media_type == ocikit::media_types::oci_index);
  CHECK(r->size == smp.multi.size);
  CHECK(r->manifests == 3);
  CHECK(r->referrers == 2);
  CHECK(r->blobs_copied == smp.blobs);
  CHECK(r->blobs_present == 0);
  CHECK(r->blobs_mounted == 0);
  CHECK(last_total > 0);
  CHECK(last_done == last_total);
  CHECK(r->bytes_copied == last_total);
  CHECK(store->resolve(std::string_view("team/app:v1")).value().digest == smp.multi.digest);
  const auto refs = store->referrers("team/app", smp.signature.digest.view());
  REQUIRE(ok(refs));
  REQUIRE(refs->manifests.size() == 1);
  CHECK(refs->manifests[0].digest == smp.countersignature.digest);

  // Again: every blob is there already.
  last_done = 0;
  const auto again =
      ocikit::copy_image(**src, by_tag("layout", "multi"), *store, by_tag("team/app", "v1"), o);
  REQUIRE(ok(again));
  CHECK(again->blobs_copied == 0);
  CHECK(again->blobs_present == smp.blobs);
  CHECK(again->bytes_copied == 0);

  // Back to a new layout, byte for byte.
  last_done = 0;
  auto dst = layout_registry::open(s.dir / "dst", true);
  REQUIRE(ok(dst));
  const auto back =
      ocikit::copy_image(*store, by_tag("team/app", "v1"), **dst, by_tag("layout", "copy"), o);
  REQUIRE(ok(back));
  CHECK(back->digest == smp.multi.digest);
  CHECK(back->referrers == 2);
  CHECK(names_of((*dst)->entries()) ==
        std::vector<std::string>{
            "=" + std::min(smp.signature.digest.str(), smp.countersignature.digest.str()),
            "=" + std::max(smp.signature.digest.str(), smp.countersignature.digest.str()),
            "copy=" + smp.multi.digest.str()});
  for (const auto& f : fs::directory_iterator(s.dir / "dst" / "blobs" / "sha256")) {
    CHECK(fs::file_size(f.path()) ==
          fs::file_size(s.dir / "src" / "blobs" / "sha256" / f.path().filename()));
  }
  CHECK(tree_of(s.dir / "dst" / "blobs") == tree_of(s.dir / "src" / "blobs"));
}

TEST_CASE("copy_image: one platform of an index, without referrers", "[copy]") {
  scratch s("platform");
  auto src = layout_registry::open(s.dir / "src", true);
  REQUIRE(ok(src));
  const sample smp = make_sample(**src);
  auto dst = layout_registry::open(s.dir / "dst", true);
  REQUIRE(ok(dst));
  ocikit::copy_options o;
  o.platform = ocikit::parse_platform("linux/arm64", ocikit::host_platform()).value();
  const auto r =
      ocikit::copy_image(**src, by_tag("layout", "multi"), **dst, by_tag("layout", "arm"), o);
  REQUIRE(ok(r));
  CHECK(r->digest == smp.arm64.digest);
  CHECK(r->manifests == 1);
  CHECK(r->referrers == 0);
  CHECK(r->blobs_copied == 4);
  CHECK((*dst)->resolve(by_tag("layout", "arm")).value().digest == smp.arm64.digest);
  CHECK((*dst)->entries().size() == 1);

  o.platform = ocikit::parse_platform("linux/riscv64", ocikit::host_platform()).value();
  const auto none =
      ocikit::copy_image(**src, by_tag("layout", "multi"), **dst, by_tag("layout", "rv"), o);
  REQUIRE_FALSE(ok(none));
  CHECK(none.error().id() == "platform.no_match");
}

TEST_CASE("copy_image: bad input changes nothing in the destination", "[copy]") {
  scratch s("refused");
  auto src = layout_registry::open(s.dir / "src", true);
  REQUIRE(ok(src));
  const sample smp = make_sample(**src);
  auto dst = layout_registry::open(s.dir / "dst", true);
  REQUIRE(ok(dst));
  const auto before = tree_of(s.dir / "dst");

  // A child manifest whose bytes are not its digest any more: found while planning.
  const fs::path child =
      s.dir / "src" / "blobs" / "sha256" / std::string(smp.arm64.digest.encoded());
  const std::string bytes = ocikit_test::read_text(child);
  const std::string tampered = bytes + " ";
  std::ofstream(child, std::ios::binary | std::ios::trunc) << tampered;
  const auto r =
      ocikit::copy_image(**src, by_tag("layout", "multi"), **dst, by_tag("layout", "x"), {});
  REQUIRE_FALSE(ok(r));
  CHECK(r.error().id() == "store.digest_mismatch");
  CHECK(tree_of(s.dir / "dst") == before);
  std::ofstream(child, std::ios::binary | std::ios::trunc) << bytes;

  // An invalid manifest (a layer without a digest algorithm the rules accept) in the source.
  const descriptor config = blob(**src, ocikit::media_types::oci_config, "{}");
  descriptor bad_layer;
  bad_layer.media_type = "not a media type";
  bad_layer.digest = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, "bytes").value();
  bad_layer.size = 5;
  const std::string invalid = image_manifest_json(config, {bad_layer});
  const auto d = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, invalid).value();
  ocikit_test::write_text(s.dir / "src" / "blobs" / "sha256" / std::string(d.encoded()), invalid);
  const auto bad =
      ocikit::copy_image(**src, by_digest("layout", d), **dst, by_tag("layout", "y"), {});
  REQUIRE_FALSE(ok(bad));
  CHECK(bad.error().id() == "store.manifest_invalid");
  CHECK(tree_of(s.dir / "dst") == before);
}

TEST_CASE("copy_image: many blobs on several threads, each once", "[copy]") {
  scratch s("parallel");
  auto src = layout_registry::open(s.dir / "src", true);
  REQUIRE(ok(src));
  const descriptor config = blob(**src, ocikit::media_types::oci_config, "{}");
  std::vector<descriptor> layers;
  layers.reserve(41);
  for (int i = 0; i < 40; ++i) {
    layers.push_back(blob(**src, ocikit::media_types::oci_layer_tar,
                          "layer " + std::to_string(i) + std::string(std::size_t{70'000}, 'y')));
  }
  layers.push_back(layers.front());  // the same blob twice in one manifest
  const descriptor m = manifest(**src, image_manifest_json(config, layers), "many");
  auto store = ocikit::store::embedded_store::init(s.dir / "store");
  REQUIRE(ok(store));
  ocikit::copy_options o;
  o.jobs = 8;
  const auto r =
      ocikit::copy_image(**src, by_tag("layout", "many"), *store, by_tag("many/layers", "1"), o);
  REQUIRE(ok(r));
  CHECK(r->digest == m.digest);
  CHECK(r->blobs_copied == 41);
  const auto pulled = store->pull_manifest(std::string_view("many/layers:1"));
  REQUIRE(ok(pulled));
  for (const descriptor& l : layers) {
    ocikit::store::string_sink sink;
    CHECK(ok(store->pull_blob("many/layers", l.digest.view(), sink)));
  }
}
