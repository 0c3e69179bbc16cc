// Tests of ocikit/layout/: reading OCI image layouts as skopeo and umoci write them (a null
// manifests list, untagged entries, duplicate entries, the first of two equal names), the
// refusals with their exact ids, verified blob reads, the writer (a new layout, blobs checked
// while written, nothing left behind by a bad blob, names replaced, index.json kept readable by
// the reader), and transfers between a layout and the embedded store (an image, an index with
// its children and a referrer, platform selection, and refusals that leave the store unchanged).
#include "ocikit/layout/layout_writer.hpp"  // first: the header must be self-contained

#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/transfer.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/store/store.hpp"
#include "ocikit/store/stream.hpp"
#include "test_support.hpp"

namespace {

namespace fs = std::filesystem;
using ocikit::descriptor;
using ocikit::layout::image_layout;
using ocikit::layout::layout_writer;

using ocikit_test::descriptor_json;
using ocikit_test::descriptor_of;
using ocikit_test::image_manifest_json;
using ocikit_test::index_json;
using ocikit_test::ok;
using ocikit_test::read_text;
using ocikit_test::ref_name_json;
using ocikit_test::tree_of;
using ocikit_test::write_text;

/// A directory of its own for one test case, removed at the end.
struct scratch : ocikit_test::scratch {
  explicit scratch(std::string_view name) : ocikit_test::scratch("layout_test", name) {}
};

/// Writes `bytes` as a blob of the layout in `dir` by hand, as another tool would.
descriptor put_blob(const fs::path& dir, std::string_view media_type, std::string_view bytes) {
  descriptor d = descriptor_of(media_type, bytes);
  write_text(dir / "blobs" / "sha256" / std::string(d.digest.encoded()), bytes);
  return d;
}

/// An index.json entry for `d`, named `name` ("" = unnamed).
std::string entry_json(const descriptor& d, std::string_view name) {
  return descriptor_json(d, ref_name_json(name));
}

const std::string config_bytes =
    R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
const std::string layer_bytes = "layer content, not a real tar";

/// A small image manifest (config + one layer) stored in `dir`; returns its descriptor.
descriptor put_image(const fs::path& dir, std::string_view layer = layer_bytes) {
  const descriptor config = put_blob(dir, ocikit::media_types::oci_config, config_bytes);
  const descriptor l = put_blob(dir, ocikit::media_types::oci_layer_tar, layer);
  return put_blob(dir, ocikit::media_types::oci_manifest, image_manifest_json(config, {l}));
}

void put_layout(const fs::path& dir, std::string_view manifests_json) {
  write_text(dir / "oci-layout", R"({"imageLayoutVersion": "1.0.0"})");
  write_text(dir / "index.json",
             R"({"schemaVersion":2,"manifests":)" + std::string(manifests_json) + "}");
}

}  // namespace

TEST_CASE("image_layout reads umoci's empty layout (manifests: null)", "[layout]") {
  scratch s("null");
  put_layout(s.dir, "null");
  const auto l = image_layout::open(s.dir);
  REQUIRE(ok(l));
  CHECK(l->entries().empty());
  CHECK(l->names().empty());
  const auto any = l->find("");
  REQUIRE_FALSE(ok(any));
  CHECK(any.error().id() == "layout.not_found");
  CHECK(any.error().message() ==
        "not in the OCI image layout: any image: '" + s.dir.string() + "' has none");
}

TEST_CASE("image_layout: names, untagged and duplicate entries, first name wins", "[layout]") {
  scratch s("entries");
  const descriptor a = put_image(s.dir, "layer a");
  const descriptor b = put_image(s.dir, "layer b");
  put_layout(s.dir, "[" + entry_json(a, "v1") + "," + entry_json(b, "") + "," +
                        entry_json(b, "v2") + "," + entry_json(a, "v1") + "," +
                        entry_json(b, "v1") + "]");
  const auto l = image_layout::open(s.dir);
  REQUIRE(ok(l));
  CHECK(l->entries().size() == 5);
  CHECK(l->names() == std::vector<std::string>{"v1", "v2"});
  CHECK(l->find("v1").value().digest == a.digest);  // the first entry named v1
  CHECK(l->find("v2").value().digest == b.digest);
  CHECK(ocikit::layout::ref_name(l->entries()[1]).empty());

  const auto missing = l->find("v3");
  REQUIRE_FALSE(ok(missing));
  CHECK(missing.error().id() == "layout.not_found");
  CHECK(missing.error().message() == "not in the OCI image layout: 'v3' in '" + s.dir.string() +
                                         "' (names: v1, v2; 1 untagged)");
  const auto ambiguous = l->find("");
  REQUIRE_FALSE(ok(ambiguous));
  CHECK(ambiguous.error().id() == "layout.ambiguous");
}

TEST_CASE("image_layout: an unnamed find takes the only image, duplicates included", "[layout]") {
  scratch s("only");
  const descriptor a = put_image(s.dir);
  put_layout(s.dir, "[" + entry_json(a, "") + "," + entry_json(a, "") + "]");
  const auto l = image_layout::open(s.dir);
  REQUIRE(ok(l));
  CHECK(l->find("").value().digest == a.digest);
}

TEST_CASE("image_layout refuses what is not a layout", "[layout]") {
  scratch s("refusals");
  auto none = image_layout::open(s.dir);
  REQUIRE_FALSE(ok(none));
  CHECK(none.error().id() == "layout.invalid");
  CHECK(none.error().message() ==
        "not an OCI image layout: '" + s.dir.string() + "': no oci-layout file");

  write_text(s.dir / "oci-layout", R"({"imageLayoutVersion":"2.0.0"})");
  auto version = image_layout::open(s.dir);
  REQUIRE_FALSE(ok(version));
  CHECK(version.error().message() == "not an OCI image layout: '" + s.dir.string() +
                                         "': imageLayoutVersion '2.0.0' (ocikit reads 1.0.0)");

  write_text(s.dir / "oci-layout", "not json");
  CHECK(image_layout::open(s.dir).error().id() == "layout.invalid");

  write_text(s.dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  auto no_index = image_layout::open(s.dir);
  REQUIRE_FALSE(ok(no_index));
  CHECK(no_index.error().message() ==
        "not an OCI image layout: '" + s.dir.string() + "': no index.json file");

  write_text(s.dir / "index.json", R"({"schemaVersion":2,"manifests":{}})");
  CHECK(image_layout::open(s.dir).error().message() ==
        "not an OCI image layout: '" + s.dir.string() + "': index.json: manifests is not an array");

  write_text(s.dir / "index.json", R"({"schemaVersion":1,"manifests":[]})");
  CHECK(image_layout::open(s.dir).error().message() ==
        "not an OCI image layout: '" + s.dir.string() + "': index.json: schemaVersion is not 2");

  write_text(
      s.dir / "index.json",
      R"({"schemaVersion":2,"manifests":[{"mediaType":"a/b","digest":"sha256:00","size":1}]})");
  const auto bad_entry = image_layout::open(s.dir);
  REQUIRE_FALSE(ok(bad_entry));
  CHECK(bad_entry.error().id() == "layout.invalid");
  CHECK(bad_entry.error().message().find("index.json: /manifests/0: ") != std::string::npos);
}

TEST_CASE("image_layout verifies blobs and manifests", "[layout]") {
  scratch s("verify");
  const descriptor m = put_image(s.dir);
  put_layout(s.dir, "[" + entry_json(m, "v1") + "]");
  const auto l = image_layout::open(s.dir);
  REQUIRE(ok(l));
  const auto bytes = l->read_manifest(m);
  REQUIRE(ok(bytes));
  CHECK(ocikit::hash_bytes(ocikit::digest_algorithm::sha256, *bytes).value() == m.digest);

  const descriptor layer = descriptor_of(ocikit::media_types::oci_layer_tar, layer_bytes);
  auto reader = l->open_blob(layer);
  REQUIRE(ok(reader));
  ocikit::store::string_sink sink;
  REQUIRE(ok(ocikit::store::copy(**reader, sink, 7)));
  CHECK(sink.data == layer_bytes);

  // The file changed behind the layout's back: the last read reports it.
  write_text(l->blob_path(layer.digest.view()), "layer content, NOT a real tar");
  auto tampered = l->open_blob(layer);
  REQUIRE(ok(tampered));
  ocikit::store::string_sink sink2;
  const auto copied = ocikit::store::copy(**tampered, sink2);
  REQUIRE_FALSE(ok(copied));
  CHECK(copied.error().id() == "content.digest_mismatch");

  descriptor wrong_size = layer;
  wrong_size.size = 3;
  auto short_reader = l->open_blob(wrong_size);
  REQUIRE(ok(short_reader));
  ocikit::store::string_sink sink3;
  CHECK(ocikit::store::copy(**short_reader, sink3).error().id() == "content.size_mismatch");

  const descriptor absent = descriptor_of(ocikit::media_types::oci_layer_tar, "absent");
  const auto missing = l->open_blob(absent);
  REQUIRE_FALSE(ok(missing));
  CHECK(missing.error().id() == "layout.not_found");
  CHECK(l->read_manifest(absent).error().id() == "layout.not_found");
}

TEST_CASE("layout_writer creates a layout the reader reads back", "[layout]") {
  scratch s("writer");
  const fs::path dir = s.dir / "out";
  auto w = layout_writer::create(dir);
  REQUIRE(ok(w));
  CHECK(read_text(dir / "oci-layout") == R"({"imageLayoutVersion":"1.0.0"})");

  const descriptor layer = descriptor_of(ocikit::media_types::oci_layer_tar, layer_bytes);
  ocikit::store::memory_source in(layer_bytes);
  const auto written = w->write_blob(layer, in);
  REQUIRE(ok(written));
  CHECK(*written);
  CHECK(read_text(w->blob_path(layer.digest.view())) == layer_bytes);
  ocikit::store::memory_source again(layer_bytes);
  CHECK_FALSE(w->write_blob(layer, again).value());  // present: kept

  const descriptor m = descriptor_of(ocikit::media_types::oci_manifest, "{}");
  REQUIRE(ok(w->write_bytes(m, "{}")));
  w->add(m, "v1");
  w->add(m, "v1");
  w->add(m, "");
  w->add(m, "");
  REQUIRE(ok(w->commit()));
  CHECK(read_text(dir / "index.json") == index_json({entry_json(m, "v1"), entry_json(m, "")}));

  const auto l = image_layout::open(dir);
  REQUIRE(ok(l));
  CHECK(l->names() == std::vector<std::string>{"v1"});
  CHECK(l->entries().size() == 2);

  // Reopened: the entries are kept, a name moves to its new image.
  auto w2 = layout_writer::create(dir);
  REQUIRE(ok(w2));
  CHECK(w2->entries().size() == 2);
  const descriptor m2 = descriptor_of(ocikit::media_types::oci_manifest, "[]");
  REQUIRE(ok(w2->write_bytes(m2, "[]")));
  w2->add(m2, "v1");
  REQUIRE(ok(w2->commit()));
  const auto l2 = image_layout::open(dir);
  CHECK(l2->find("v1").value().digest == m2.digest);
  CHECK(l2->entries().size() == 2);
}

TEST_CASE("layout_writer refuses bad content and leaves nothing behind", "[layout]") {
  scratch s("writer_bad");
  auto w = layout_writer::create(s.dir / "out");
  REQUIRE(ok(w));
  const descriptor layer = descriptor_of(ocikit::media_types::oci_layer_tar, layer_bytes);
  ocikit::store::memory_source other("other content, longer than the layer itself");
  const auto r = w->write_blob(layer, other);
  REQUIRE_FALSE(ok(r));
  CHECK(r.error().id() == "content.size_mismatch");
  std::string same_size(layer_bytes.size(), 'x');
  ocikit::store::memory_source same(same_size);
  CHECK(w->write_blob(layer, same).error().id() == "content.digest_mismatch");
  ocikit::store::memory_source unchecked(std::string_view("short"));
  CHECK(w->write_blob(layer, unchecked, false).error().id() == "content.size_mismatch");
  CHECK_FALSE(fs::exists(w->blob_path(layer.digest.view())));
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(s.dir / "out")) {
    if (e.is_regular_file()) ++files;
  }
  CHECK(files == 2);  // oci-layout and the empty index.json: no temp file left

  write_text(s.dir / "busy" / "file.txt", "x");
  const auto busy = layout_writer::create(s.dir / "busy");
  REQUIRE_FALSE(ok(busy));
  CHECK(busy.error().message() == "not an OCI image layout: '" + (s.dir / "busy").string() +
                                      "': the directory is not empty and has no oci-layout file");
}

TEST_CASE("layout_writer keeps index.json annotations and reads a null list", "[layout]") {
  scratch s("annotations");
  write_text(s.dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
  write_text(s.dir / "index.json",
             R"({"schemaVersion":2,"manifests":null,"annotations":{"made.by":"umoci"},"x":1})");
  auto w = layout_writer::create(s.dir);
  REQUIRE(ok(w));
  REQUIRE(ok(w->commit()));
  CHECK(read_text(s.dir / "index.json") ==
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
        R"("manifests":[],"annotations":{"made.by":"umoci"}})");
}

TEST_CASE("the index.json and oci-layout readers work on bytes; the writer's text reads back",
          "[layout]") {
  using ocikit::layout::check_layout_file;
  using ocikit::layout::parse_index_file;
  using ocikit::layout::serialize_index_file;
  CHECK(ok(check_layout_file(R"({"imageLayoutVersion":"1.0.0"})")));
  CHECK(check_layout_file(R"({"imageLayoutVersion":"2.0.0"})", "/x").error().message() ==
        "not an OCI image layout: '/x': imageLayoutVersion '2.0.0' (ocikit reads 1.0.0)");
  CHECK(check_layout_file("[]").error() == ocikit::errc::layout_invalid);
  CHECK(check_layout_file("{").error() == ocikit::errc::layout_invalid);

  const std::string d = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, "m").value().str();
  const std::string text =
      R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("digest":")" +
      d +
      R"(","size":1,"annotations":{"org.opencontainers.image.ref.name":"v1"}},)"
      R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":")" +
      d + R"(","size":1}],"annotations":{"a":"b","n":1}})";
  auto index = parse_index_file(text);
  REQUIRE(ok(index));
  REQUIRE(index->entries.size() == 2);
  CHECK(ocikit::layout::ref_name(index->entries[0]) == "v1");
  CHECK(index->annotations == ocikit::annotation_map{{"a", "b"}});
  const std::string written = serialize_index_file(index->entries, index->annotations);
  auto again = parse_index_file(written);
  REQUIRE(ok(again));
  CHECK(again->entries == index->entries);
  CHECK(again->annotations == index->annotations);
  CHECK(serialize_index_file(again->entries, again->annotations) == written);
  CHECK(serialize_index_file({}, {}) ==
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",)"
        R"("manifests":[]})");

  auto bad = parse_index_file(R"({"schemaVersion":2,"manifests":[{"size":1}]})", "/l");
  REQUIRE(!bad);
  CHECK(bad.error() == ocikit::errc::layout_invalid);
  CHECK(bad.error().message().rfind("not an OCI image layout: '/l': index.json: /manifests/0: ",
                                    0) == 0);
  CHECK(parse_index_file(R"({"schemaVersion":2,"manifests":{}})").error() ==
        ocikit::errc::layout_invalid);
  CHECK(parse_index_file(R"({"schemaVersion":2,"mediaType":"x"})").error() ==
        ocikit::errc::layout_invalid);
}

namespace {

/// A layout with an image `app` (config + two layers), a two-platform index `multi` and a
/// signature of the index (untagged, with a subject), written by hand as another tool would.
struct sample_layout {
  descriptor app;
  descriptor amd64;
  descriptor arm64;
  descriptor multi;
  descriptor signature;
};

std::string platform_config(std::string_view arch) {
  return R"({"architecture":")" + std::string(arch) +
         R"(","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
}

descriptor put_arch_image(const fs::path& dir, std::string_view arch) {
  const descriptor config = put_blob(dir, ocikit::media_types::oci_config, platform_config(arch));
  const descriptor l =
      put_blob(dir, ocikit::media_types::oci_layer_tar, "files of " + std::string(arch));
  return put_blob(dir, ocikit::media_types::oci_manifest, image_manifest_json(config, {l}));
}

sample_layout put_samples(const fs::path& dir) {
  sample_layout s;
  s.app = put_image(dir);
  s.amd64 = put_arch_image(dir, "amd64");
  s.arm64 = put_arch_image(dir, "arm64");
  const auto with_platform = [](const descriptor& d, std::string_view arch) {
    return descriptor_json(
        d, R"(,"platform":{"architecture":")" + std::string(arch) + R"(","os":"linux"})");
  };
  const std::string index =
      index_json({with_platform(s.amd64, "amd64"), with_platform(s.arm64, "arm64")});
  s.multi = put_blob(dir, ocikit::media_types::oci_index, index);
  const descriptor sig_layer = put_blob(dir, "application/vnd.example.signature", "signed");
  const descriptor empty = put_blob(dir, ocikit::media_types::oci_empty, "{}");
  const std::string sig =
      image_manifest_json(empty, {sig_layer},
                          R"(,"artifactType":"application/vnd.example.signature","subject":)" +
                              descriptor_json(s.multi));
  s.signature = put_blob(dir, ocikit::media_types::oci_manifest, sig);
  put_layout(dir, "[" + entry_json(s.app, "app") + "," + entry_json(s.multi, "multi") + "," +
                      entry_json(s.signature, "") + "]");
  return s;
}

ocikit::store::target tag_target(std::string repository, std::string tag) {
  ocikit::store::target t;
  t.repository = std::move(repository);
  t.tag = std::move(tag);
  return t;
}

}  // namespace

TEST_CASE("push_image pushes an image, then pull_image writes it back byte for byte",
          "[layout][transfer]") {
  scratch s("push_pull");
  const sample_layout samples = put_samples(s.dir / "src");
  auto store = ocikit::store::embedded_store::init(s.dir / "store");
  REQUIRE(ok(store));
  const auto src = image_layout::open(s.dir / "src");
  REQUIRE(ok(src));

  const auto pushed = ocikit::layout::push_image(*src, "app", *store, tag_target("team/app", "v1"));
  REQUIRE(ok(pushed));
  CHECK(pushed->root.digest == samples.app.digest);
  CHECK(pushed->manifests.size() == 1);
  CHECK(pushed->referrers.empty());
  CHECK(pushed->blobs_copied == 2);
  CHECK(pushed->blobs_present == 0);
  CHECK(pushed->bytes_copied == config_bytes.size() + layer_bytes.size());
  CHECK(store->resolve(std::string_view("team/app:v1")).value().digest == samples.app.digest);

  // Again into another repository: the blobs are in the store already.
  const auto again =
      ocikit::layout::push_image(*src, "app", *store, tag_target("team/other", "v1"));
  REQUIRE(ok(again));
  CHECK(again->blobs_copied == 0);
  CHECK(again->blobs_present == 2);

  auto writer = layout_writer::create(s.dir / "dst");
  REQUIRE(ok(writer));
  const auto pulled =
      ocikit::layout::pull_image(*store, tag_target("team/app", "v1"), *writer, "x");
  REQUIRE(ok(pulled));
  CHECK(pulled->root.digest == samples.app.digest);
  CHECK(pulled->blobs_copied == 2);
  const auto dst = image_layout::open(s.dir / "dst");
  REQUIRE(ok(dst));
  REQUIRE(dst->entries().size() == 1);
  CHECK(dst->find("x").value().digest == samples.app.digest);
  for (const auto& entry : fs::directory_iterator(s.dir / "dst" / "blobs" / "sha256")) {
    CHECK(read_text(entry.path()) ==
          read_text(s.dir / "src" / "blobs" / "sha256" / entry.path().filename()));
  }
}

TEST_CASE("push_image: an index with its children, and its referrer", "[layout][transfer]") {
  scratch s("index");
  const sample_layout samples = put_samples(s.dir / "src");
  auto store = ocikit::store::embedded_store::init(s.dir / "store");
  REQUIRE(ok(store));
  const auto src = image_layout::open(s.dir / "src");
  REQUIRE(ok(src));
  const auto pushed = ocikit::layout::push_image(*src, "multi", *store, tag_target("p/multi", "1"));
  REQUIRE(ok(pushed));
  CHECK(pushed->root.digest == samples.multi.digest);
  REQUIRE(pushed->manifests.size() == 3);
  CHECK(pushed->manifests[0].digest == samples.amd64.digest);  // children first
  CHECK(pushed->manifests[1].digest == samples.arm64.digest);
  CHECK(pushed->manifests[2].digest == samples.multi.digest);
  REQUIRE(pushed->referrers.size() == 1);
  CHECK(pushed->referrers[0].digest == samples.signature.digest);

  const auto refs = store->referrers("p/multi", samples.multi.digest.view());
  REQUIRE(ok(refs));
  REQUIRE(refs->manifests.size() == 1);
  CHECK(refs->manifests[0].digest == samples.signature.digest);
  CHECK(refs->manifests[0].artifact_type == "application/vnd.example.signature");

  // The whole index by digest, then one platform of it.
  ocikit::store::target by_digest;
  by_digest.repository = "p/multi";
  by_digest.digest = samples.multi.digest;
  auto all = layout_writer::create(s.dir / "all");
  REQUIRE(ok(all));
  const auto whole = ocikit::layout::pull_image(*store, by_digest, *all, "");
  REQUIRE(ok(whole));
  CHECK(whole->manifests.size() == 3);
  const auto all_layout = image_layout::open(s.dir / "all");
  CHECK(all_layout->find("").value().digest == samples.multi.digest);

  ocikit::layout::pull_options arm;
  arm.platform = ocikit::parse_platform("linux/arm64", ocikit::host_platform()).value();
  auto one = layout_writer::create(s.dir / "one");
  REQUIRE(ok(one));
  const auto chosen =
      ocikit::layout::pull_image(*store, tag_target("p/multi", "1"), *one, "arm", arm);
  REQUIRE(ok(chosen));
  CHECK(chosen->root.digest == samples.arm64.digest);
  CHECK(chosen->manifests.size() == 1);
  CHECK(image_layout::open(s.dir / "one")->find("arm").value().digest == samples.arm64.digest);

  ocikit::layout::pull_options riscv;
  riscv.platform = ocikit::parse_platform("linux/riscv64", ocikit::host_platform()).value();
  auto none = layout_writer::create(s.dir / "none");
  REQUIRE(ok(none));
  const auto no_match =
      ocikit::layout::pull_image(*store, tag_target("p/multi", "1"), *none, "x", riscv);
  REQUIRE_FALSE(ok(no_match));
  CHECK(no_match.error().id() == "platform.no_match");
  CHECK(image_layout::open(s.dir / "none")->entries().empty());
}

TEST_CASE("push_image refusals leave the store without the tag", "[layout][transfer]") {
  scratch s("refused");
  const sample_layout samples = put_samples(s.dir / "src");
  auto store = ocikit::store::embedded_store::init(s.dir / "store");
  REQUIRE(ok(store));

  // The repository exists (the embedded store creates a repository when a blob push starts).
  ocikit::store::memory_source empty_json("{}");
  REQUIRE(ok(store->push_blob("team/app", empty_json)));
  const auto before = tree_of(s.dir / "store");
  // The file of a blob in the source layout, and the error id of pushing `name` to team/app:v1.
  const auto file_of = [&](std::string_view media_type, std::string_view bytes) {
    return s.dir / "src" / "blobs" / "sha256" /
           std::string(descriptor_of(media_type, bytes).digest.encoded());
  };
  const auto refusal = [&](std::string_view name) {
    const auto src = image_layout::open(s.dir / "src");
    const auto r = ocikit::layout::push_image(*src, name, *store, tag_target("team/app", "v1"));
    return ok(r) ? std::string("(pushed)") : std::string(r.error().id());
  };
  const auto layer_file = file_of(ocikit::media_types::oci_layer_tar, layer_bytes);

  SECTION("a small layer whose bytes changed (found before anything is written)") {
    write_text(layer_file, "layer content, NOT a real tar");
    CHECK(refusal("app") == "content.digest_mismatch");
  }
  SECTION("the largest blob changed (found by the store while it writes)") {
    write_text(file_of(ocikit::media_types::oci_config, config_bytes),
               std::string(config_bytes.size(), ' '));
    CHECK(refusal("app") == "store.digest_mismatch");
  }
  SECTION("a layer longer than its descriptor") {
    write_text(layer_file, layer_bytes + "extra");
    CHECK(refusal("app") == "content.size_mismatch");
  }
  SECTION("a missing layer") {
    fs::remove(layer_file);
    CHECK(refusal("app") == "layout.not_found");
  }
  SECTION("a name the layout does not have") { CHECK(refusal("v9") == "layout.not_found"); }
  SECTION("a locked tag") {
    const auto src = image_layout::open(s.dir / "src");
    REQUIRE(ok(ocikit::layout::push_image(*src, "app", *store, tag_target("team/app", "v2"))));
    ocikit::store::attribute_update lock;
    lock.write_enabled = false;
    REQUIRE(ok(store->set_attributes(tag_target("team/app", "v2"), lock)));
    const auto r = ocikit::layout::push_image(*src, "multi", *store, tag_target("team/app", "v2"));
    REQUIRE_FALSE(ok(r));
    CHECK(r.error().id() == "store.locked");
    CHECK(store->resolve(std::string_view("team/app:v2")).value().digest == samples.app.digest);
    CHECK_FALSE(ok(store->stat_blob("team/app", samples.amd64.digest.view())));
    return;
  }
  const auto resolved = store->resolve(std::string_view("team/app:v1"));
  REQUIRE_FALSE(ok(resolved));
  CHECK(resolved.error().id() == "store.not_found");
  CHECK(tree_of(s.dir / "store") == before);  // not a file changed
}
