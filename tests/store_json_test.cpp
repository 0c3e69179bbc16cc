#include "ocikit/store/json.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <string>

namespace {
const std::string d1 = "sha256:" + std::string(64, 'a');
const std::string d2 = "sha256:" + std::string(64, 'b');
ocikit::digest dg(const std::string& s) { return ocikit::digest::parse(s).value(); }
}  // namespace

TEST_CASE("list-metadata JSON: field names, untagged as [], optional members") {
  ocikit::store::manifest_metadata m;
  m.digest = dg(d1);
  m.tags = {"latest", "v3"};
  m.timestamp = m.last_update_time = "2018-07-12T15:52:00.207586400Z";
  m.created_time = "2018-07-12T15:50:00.000000000Z";
  m.image_size = 1234;
  m.media_type = "application/vnd.oci.image.manifest.v1+json";
  m.config_media_type = "application/vnd.oci.image.config.v1+json";
  m.architecture = "amd64";
  m.os = "linux";
  m.attributes.write_enabled = false;
  ocikit::store::manifest_metadata u;
  u.digest = dg(d2);
  u.media_type = "application/vnd.oci.image.index.v1+json";
  const std::string text = ocikit::store::to_json(std::vector{m, u});
  CHECK(
      text ==
      R"([{"digest":")" + d1 +
          R"(","tags":["latest","v3"],"timestamp":"2018-07-12T15:52:00.207586400Z",)"
          R"("createdTime":"2018-07-12T15:50:00.000000000Z",)"
          R"("lastUpdateTime":"2018-07-12T15:52:00.207586400Z","imageSize":1234,)"
          R"("mediaType":"application/vnd.oci.image.manifest.v1+json",)"
          R"("configMediaType":"application/vnd.oci.image.config.v1+json",)"
          R"("architecture":"amd64","os":"linux","changeableAttributes":{"deleteEnabled":true,)"
          R"("writeEnabled":false,"readEnabled":true,"listEnabled":true}},{"digest":")" +
          d2 +
          R"(","tags":[],"timestamp":"","createdTime":"","lastUpdateTime":"","imageSize":0,)"
          R"("mediaType":"application/vnd.oci.image.index.v1+json","changeableAttributes":)"
          R"({"deleteEnabled":true,"writeEnabled":true,"readEnabled":true,"listEnabled":true}}])");
  const auto v = boost::json::parse(text);
  CHECK(v.as_array().at(1).as_object().at("tags").as_array().empty());
}

TEST_CASE("gc, du, fsck, delete and purge JSON") {
  ocikit::store::gc_report g;
  g.manifests_deleted = 1;
  g.blobs_deleted = 3;
  g.bytes_freed = 4096;
  g.blobs = {d1};
  CHECK(ocikit::store::to_json(g) ==
        R"({"manifests_deleted":1,"blobs_deleted":3,"bytes_freed":4096,"links_removed":0,)"
        R"("leftovers_removed":0,"manifests":[],"blobs":[")" +
            d1 + R"("]})");

  ocikit::store::usage_report u;
  u.repositories.push_back({"a", 10, 8, 1});
  u.total = {"", 10, 8, 1};
  CHECK(ocikit::store::to_json(u) ==
        R"({"repositories":[{"repository":"a","logical_bytes":10,"stored_bytes":8,"manifests":1}],)"
        R"("total":{"logical_bytes":10,"stored_bytes":8,"manifests":1}})");

  ocikit::store::fsck_report f;
  CHECK(ocikit::store::to_json(f) == R"({"consistent":true,"problems":[]})");
  f.problems.push_back({"link.missing", "/s/x", "the blob is not linked", true, false});
  CHECK(ocikit::store::to_json(f) ==
        R"({"consistent":false,"problems":[{"kind":"link.missing","path":"/s/x",)"
        R"("message":"the blob is not linked","error":true,"repaired":false}]})");

  ocikit::store::delete_report d;
  d.manifests = {dg(d1)};
  d.tags = {"v1"};
  CHECK(ocikit::store::to_json(d) == R"({"manifests":[")" + d1 + R"("],"tags":["v1"]})");

  ocikit::store::purge_report p;
  p.skipped.push_back({"r", dg(d2), {"t"}, "locked"});
  CHECK(ocikit::store::to_json(p) == R"({"deleted":[],"skipped":[{"repository":"r","digest":")" +
                                         d2 + R"(","tags":["t"],"reason":"locked"}]})");
}
