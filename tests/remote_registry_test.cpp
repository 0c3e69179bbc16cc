// Tests of the parts of ocikit/remote/remote_registry.hpp that need no server: the `Link`
// header of paginated listings (quoted and bare relations, several links, relation lists, no
// next), the referrers tag schema's index (added, replaced, unchanged), the client-side
// artifactType filter and the `OCI-Filters-Applied` header, Content-Length parsing, a page of
// Azure's /acr/v1/ manifest list and how an API probe's refusals read; and,
// tagged [.registry], the operations against docker-registry on 127.0.0.1 (blobs monolithic and
// chunked, of unknown size and digest, refused digests, mount and its 202, delete; manifests by
// tag and digest, refusals before sending, the referrers tag schema, tags, catalog, metadata,
// deletes with referrers). The end-to-end behaviour against docker-registry is
// tested by tests/remote/*.py.
#include "ocikit/remote/remote_registry.hpp"  // first: the header must be self-contained

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/referrers.hpp"
#include "test_support.hpp"

namespace {

using ocikit::descriptor;
using ocikit::remote::parse_link_next;

descriptor referrer(std::string_view content, std::string_view artifact_type) {
  descriptor d;
  d.media_type = std::string(ocikit::media_types::oci_manifest);
  d.digest = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, content).value();
  d.size = static_cast<std::int64_t>(content.size());
  d.artifact_type = std::string(artifact_type);
  return d;
}

}  // namespace

TEST_CASE("parse_link_next: the next page of a listing", "[remote]") {
  // As docker-registry writes it.
  CHECK(parse_link_next(R"(</v2/_catalog?last=b&n=2>; rel="next")") == "/v2/_catalog?last=b&n=2");
  // Unquoted, other spacing and case, absolute URLs.
  CHECK(parse_link_next("<https://r.example/v2/a/tags/list?n=1&last=x>;rel=next") ==
        "https://r.example/v2/a/tags/list?n=1&last=x");
  CHECK(parse_link_next(R"(</v2/a/tags/list?last=x> ; REL = "Next")") == "/v2/a/tags/list?last=x");
  // Several links: the one whose relation is next; relation lists.
  CHECK(parse_link_next(R"(</first>; rel="first", </second>; rel="next")") == "/second");
  CHECK(parse_link_next(R"(</p>; title="a;b"; rel="prev next")") == "/p");
  CHECK(parse_link_next(R"(</prev>; rel="prev")").empty());
  CHECK(parse_link_next("").empty());
  CHECK(parse_link_next("</unterminated; rel=next").empty());
  CHECK(parse_link_next("no link at all").empty());
}

TEST_CASE("add_referrer: the referrers tag schema's index", "[remote]") {
  ocikit::image_index idx;
  const descriptor sig = referrer("sig", "application/vnd.example.signature");
  const descriptor sbom = referrer("sbom", "application/spdx+json");
  CHECK(ocikit::remote::add_referrer(idx, sig));
  CHECK(idx.media_type == ocikit::media_types::oci_index);
  CHECK(ocikit::remote::add_referrer(idx, sbom));
  REQUIRE(idx.manifests.size() == 2);
  // The same descriptor again: nothing to push.
  CHECK_FALSE(ocikit::remote::add_referrer(idx, sig));
  // The same digest with new annotations: replaced in place.
  descriptor annotated = sig;
  annotated.annotations["created"] = "now";
  CHECK(ocikit::remote::add_referrer(idx, annotated));
  REQUIRE(idx.manifests.size() == 2);
  CHECK(idx.manifests[0].annotations.at("created") == "now");
  // It serialises as an index that parses back.
  const auto parsed = ocikit::parse_manifest(ocikit::serialize(idx));
  REQUIRE(parsed.has_value());
  CHECK(parsed->manifest.manifests().size() == 2);

  ocikit::remote::filter_referrers(idx, "application/spdx+json");
  REQUIRE(idx.manifests.size() == 1);
  CHECK(idx.manifests[0].digest == sbom.digest);
  ocikit::remote::filter_referrers(idx, "");
  CHECK(idx.manifests.size() == 1);

  CHECK(ocikit::remote::detail::filter_applied("artifactType"));
  CHECK(ocikit::remote::detail::filter_applied("annotation, artifactType"));
  CHECK_FALSE(ocikit::remote::detail::filter_applied(""));
  CHECK_FALSE(ocikit::remote::detail::filter_applied("artifactTypes"));
}

TEST_CASE("content_length reads the header or says it is unknown", "[remote]") {
  ocikit::remote::response r;
  CHECK(ocikit::remote::detail::content_length(r) == -1);
  r.headers.set("Content-Length", "1073741824");
  CHECK(ocikit::remote::detail::content_length(r) == 1073741824);
  r.headers.set("Content-Length", "12x");
  CHECK(ocikit::remote::detail::content_length(r) == -1);
  r.headers.set("Content-Length", "-5");
  CHECK(ocikit::remote::detail::content_length(r) == -1);
}

TEST_CASE("parse_acr_manifests: a page of Azure's /acr/v1/<repo>/_manifests", "[remote]") {
  using ocikit::remote::parse_acr_manifests;
  const std::string d1 = "sha256:" + std::string(64, 'a');
  const std::string d2 = "sha256:" + std::string(64, 'b');
  // The shape of Azure's REST reference ("Manifests - Get List"), one tagged, one untagged.
  const std::string body =
      R"({"registry":"r.azurecr.io","imageName":"app","manifests":[{"digest":")" + d1 +
      R"(","imageSize":2401606,"createdTime":"2018-09-06T06:17:20.9983915Z",)"
      R"("lastUpdateTime":"2018-09-07T06:17:20.9983915Z","architecture":"amd64","os":"windows",)"
      R"("mediaType":"application/vnd.docker.distribution.manifest.v2+json",)"
      R"("configMediaType":"application/vnd.docker.container.image.v1+json",)"
      R"("tags":["v2","latest"],"changeableAttributes":{"deleteEnabled":false,)"
      R"("writeEnabled":true,"readEnabled":true,"listEnabled":true}},{"digest":")" +
      d2 + R"(","createdTime":"2019-01-01T00:00:00Z"}]})";
  auto page = parse_acr_manifests(body);
  REQUIRE(page.has_value());
  REQUIRE(page->size() == 2);
  const auto& a = (*page)[0];
  CHECK(a.digest.str() == d1);
  CHECK(a.tags == std::vector<std::string>{"latest", "v2"});
  CHECK(a.created_time == "2018-09-06T06:17:20.9983915Z");
  CHECK(a.last_update_time == "2018-09-07T06:17:20.9983915Z");
  CHECK(a.timestamp == a.last_update_time);
  CHECK(a.image_size == 2401606);
  CHECK(a.architecture == "amd64");
  CHECK(a.os == "windows");
  CHECK(a.media_type == "application/vnd.docker.distribution.manifest.v2+json");
  CHECK(a.config_media_type == "application/vnd.docker.container.image.v1+json");
  CHECK_FALSE(a.attributes.delete_enabled);
  CHECK(a.attributes.write_enabled);
  const auto& b = (*page)[1];
  CHECK(b.tags.empty());
  CHECK(b.timestamp == "2019-01-01T00:00:00Z");  // no lastUpdateTime: the creation
  CHECK(b.image_size == 0);

  auto none = parse_acr_manifests(R"({"registry":"r","imageName":"app"})");
  REQUIRE(none.has_value());
  CHECK(none->empty());
  for (const std::string& bad :
       {std::string("not json"), std::string("[]"), std::string(R"({"manifests":{}})"),
        std::string(R"({"manifests":[1]})"), std::string(R"({"manifests":[{"digest":"x"}]})"),
        R"({"manifests":[{"digest":")" + d1 + R"(","tags":"v1"}]})",
        R"({"manifests":[{"digest":")" + d1 + R"(","tags":[1]}]})"}) {
    auto r = parse_acr_manifests(bad);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code() == ocikit::errc::remote_protocol);
  }
}

TEST_CASE("registry_knows_api: an API probe's refusals", "[remote]") {
  using ocikit::remote::detail::registry_knows_api;
  ocikit::remote::response r;
  r.status = 404;
  r.body = "404 page not found\n";  // docker-registry: no such route
  CHECK_FALSE(registry_knows_api(r));
  r.body = R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known"}]})";
  CHECK(registry_knows_api(r));  // the API is there, the repository is not
  for (const unsigned status : {400U, 405U, 501U}) {
    r.status = status;
    CHECK_FALSE(registry_knows_api(r));
  }
  r.status = 500;
  CHECK(registry_knows_api(r));
}

// ---- against docker-registry ([.registry]: run by tests/remote/registry_test.py, which starts
// one on 127.0.0.1 and sets OCIKIT_TEST_REGISTRY=127.0.0.1:PORT) ----------------------------------

namespace {

using ocikit::remote::remote_registry;
using ocikit::store::target;

std::unique_ptr<remote_registry> test_registry(std::int64_t chunk_size = 0) {
  const char* host = std::getenv("OCIKIT_TEST_REGISTRY");
  REQUIRE(host != nullptr);
  ocikit::remote::remote_options o;
  o.plain_http = true;
  o.chunk_size = chunk_size;
  o.creds = ocikit::remote::credentials{};
  auto r = remote_registry::open(host, o);
  REQUIRE(r.has_value());
  return std::move(*r);
}

/// A source that does not know its size (as a pipe): uploads go in chunks.
class unsized_source : public ocikit::store::byte_source {
 public:
  explicit unsized_source(std::string_view bytes) : in_(bytes) {}
  ocikit::result<std::size_t> read(std::span<std::byte> buffer) override {
    return in_.read(buffer.first(std::min<std::size_t>(buffer.size(), 7000)));
  }

 private:
  ocikit::store::memory_source in_;
};

ocikit::digest sha256(std::string_view bytes) {
  return ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes).value();
}

std::string pull_all(remote_registry& r, std::string_view repo, const ocikit::digest& d) {
  ocikit::store::string_sink sink;
  auto got = r.pull_blob(repo, d.view(), sink);
  REQUIRE(got.has_value());
  CHECK(got->digest == d);
  return sink.data;
}

ocikit::descriptor push(remote_registry& r, std::string_view repo, std::string_view media_type,
                        std::string_view bytes) {
  ocikit::store::memory_source in(bytes);
  ocikit::store::blob_expectation e;
  e.digest = sha256(bytes);
  e.size = static_cast<std::int64_t>(bytes.size());
  const auto info = r.push_blob(repo, in, e);
  REQUIRE(info.has_value());
  ocikit::descriptor d;
  d.media_type = std::string(media_type);
  d.digest = info->digest;
  d.size = info->size;
  return d;
}

std::string entry(const ocikit::descriptor& d) {
  return R"({"mediaType":")" + d.media_type + R"(","digest":")" + d.digest.str() + R"(","size":)" +
         std::to_string(d.size) + "}";
}

}  // namespace

TEST_CASE("remote_registry: blobs against docker-registry", "[.registry]") {
  auto r = test_registry();
  const std::string content = ocikit_test::pseudo_random_bytes(300'000);
  const auto d = sha256(content);

  // Monolithic, then present (the source is not read).
  ocikit::store::memory_source in(content);
  ocikit::store::blob_expectation e;
  e.digest = d;
  e.size = static_cast<std::int64_t>(content.size());
  const auto first = r->push_blob("blobs/a", in, e);
  REQUIRE(first.has_value());
  CHECK_FALSE(first->existed);
  ocikit::store::memory_source again(content);
  const auto second = r->push_blob("blobs/a", again, e);
  REQUIRE(second.has_value());
  CHECK(second->existed);
  CHECK(again.size_hint() == static_cast<std::int64_t>(content.size()));  // untouched
  CHECK(r->stat_blob("blobs/a", d.view()).value().size == e.size);
  CHECK(pull_all(*r, "blobs/a", d) == content);

  // Unknown digest and size: chunked, hashed while sent.
  auto chunked = test_registry(std::int64_t{64} * 1024);
  const std::string other = ocikit_test::pseudo_random_bytes(200'001).substr(1);
  unsized_source pipe(other);
  const auto computed = chunked->push_blob("blobs/a", pipe);
  REQUIRE(computed.has_value());
  CHECK(computed->digest == sha256(other));
  CHECK(computed->size == 200'000);
  CHECK(pull_all(*r, "blobs/a", computed->digest) == other);

  // Known digest but larger than the chunk size: chunked with Content-Range.
  const std::string third = content.substr(1000, 150'000);
  ocikit::store::memory_source third_in(third);
  ocikit::store::blob_expectation e3;
  e3.digest = sha256(third);
  e3.size = 150'000;
  const auto big = chunked->push_blob("blobs/b", third_in, e3);
  REQUIRE(big.has_value());
  CHECK_FALSE(big->existed);
  CHECK(pull_all(*r, "blobs/b", *e3.digest) == third);

  // A wrong digest is refused, monolithic and chunked; nothing is stored under it.
  const auto wrong = sha256("something else");
  ocikit::store::memory_source bad(content);
  ocikit::store::blob_expectation ew;
  ew.digest = wrong;
  ew.size = static_cast<std::int64_t>(content.size());
  CHECK(r->push_blob("blobs/a", bad, ew).error().id() == "store.digest_mismatch");
  ocikit::store::memory_source bad2(content);
  CHECK(chunked->push_blob("blobs/a", bad2, ew).error().id() == "store.digest_mismatch");
  CHECK(r->stat_blob("blobs/a", wrong.view()).error().id() == "store.not_found");
  CHECK(r->open_blob("blobs/a", wrong.view()).error().id() == "store.not_found");

  // Cross-repository mount: 201 when the source has it; 202 (cancelled) when not.
  const auto mounted = r->mount_blob("blobs/c", d.view(), "blobs/a");
  REQUIRE(mounted.has_value());
  REQUIRE(mounted->has_value());
  CHECK((*mounted)->digest == d);
  CHECK(r->stat_blob("blobs/c", d.view()).has_value());
  const auto not_there = r->mount_blob("blobs/c", wrong.view(), "blobs/a");
  REQUIRE(not_there.has_value());
  CHECK_FALSE(not_there->has_value());

  // Delete.
  REQUIRE(r->delete_blob("blobs/c", d.view()).has_value());
  CHECK(r->stat_blob("blobs/c", d.view()).error().id() == "store.not_found");
}

TEST_CASE("remote_registry: manifests, tags, referrers and deletes against docker-registry",
          "[.registry]") {
  auto r = test_registry();
  const std::string repo = "manifests/app";
  const auto config = push(*r, repo, ocikit::media_types::oci_config,
                           R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers"}})");
  const auto layer = push(*r, repo, ocikit::media_types::oci_layer_tar, "a layer");
  const std::string manifest =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":)" +
      entry(config) + R"(,"layers":[)" + entry(layer) + "]}";
  const auto pushed = r->push_manifest(target{repo, "v1", std::nullopt}, manifest);
  REQUIRE(pushed.has_value());
  CHECK(pushed->digest == sha256(manifest));
  CHECK(pushed->media_type == ocikit::media_types::oci_manifest);

  const auto resolved = r->resolve(target{repo, "v1", std::nullopt});
  REQUIRE(resolved.has_value());
  CHECK(resolved->digest == pushed->digest);
  CHECK(resolved->size == static_cast<std::int64_t>(manifest.size()));
  const auto pulled = r->pull_manifest(target{repo, {}, pushed->digest});
  REQUIRE(pulled.has_value());
  CHECK(pulled->bytes == manifest);
  CHECK(r->resolve(target{repo, "nope", std::nullopt}).error().id() == "store.not_found");
  // A digest that the tag does not have.
  CHECK(r->pull_manifest(target{repo, "v1", sha256("x")}).error().id() == "store.not_found");

  // Invalid documents are refused before anything is sent.
  CHECK(
      r->push_manifest(target{repo, "bad", std::nullopt}, R"({"schemaVersion":2})").error().id() ==
      "store.manifest_invalid");
  CHECK(r->push_manifest(target{repo, {}, sha256("other")}, manifest).error().id() ==
        "store.digest_mismatch");
  CHECK(r->resolve(target{repo, "bad", std::nullopt}).error().id() == "store.not_found");

  // A referrer: docker-registry 2.8 has no referrers API, so the tag schema's index is kept.
  const auto empty = push(*r, repo, ocikit::media_types::oci_empty, "{}");
  const auto sig_layer = push(*r, repo, "application/vnd.example.signature", "signed");
  const std::string sig =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("artifactType":"application/vnd.example.signature","config":)" +
      entry(empty) + R"(,"layers":[)" + entry(sig_layer) + R"(],"subject":)" + entry(*pushed) + "}";
  const auto sig_d = r->push_manifest(target{repo, {}, sha256(sig)}, sig);
  REQUIRE(sig_d.has_value());
  const auto refs = r->referrers(repo, pushed->digest.view());
  REQUIRE(refs.has_value());
  REQUIRE(refs->manifests.size() == 1);
  CHECK(refs->manifests[0].digest == sig_d->digest);
  CHECK(refs->manifests[0].artifact_type == "application/vnd.example.signature");
  CHECK(r->referrers(repo, pushed->digest.view(), "other/type").value().manifests.empty());
  CHECK(r->referrers(repo, sig_d->digest.view()).value().manifests.empty());
  // Pushing it again does not list it twice.
  REQUIRE(r->push_manifest(target{repo, {}, sha256(sig)}, sig).has_value());
  CHECK(r->referrers(repo, pushed->digest.view()).value().manifests.size() == 1);

  // Tags and the catalog.
  REQUIRE(r->tag(target{repo, "v1", std::nullopt}, "v2").has_value());
  const auto tags = r->list_tags(repo);
  REQUIRE(tags.has_value());
  CHECK(*tags ==
        std::vector<std::string>{"sha256-" + std::string(pushed->digest.encoded()), "v1", "v2"});
  const auto repos = r->list_repositories();
  REQUIRE(repos.has_value());
  CHECK(std::find(repos->begin(), repos->end(), repo) != repos->end());
  CHECK(std::is_sorted(repos->begin(), repos->end()));
  CHECK(r->list_tags("manifests/none").error().id() == "store.not_found");

  CHECK_FALSE(r->has_acr_api().has_value());  // not asked yet
  const auto meta = r->list_metadata(repo);
  REQUIRE(meta.has_value());
  CHECK(r->has_acr_api() == false);  // docker-registry: /acr/v1/ is a 404, derived instead
  const auto it = std::find_if(meta->begin(), meta->end(),
                               [&](const auto& m) { return m.digest == pushed->digest; });
  REQUIRE(it != meta->end());
  CHECK(it->tags == std::vector<std::string>{"v1", "v2"});
  CHECK(it->architecture == "arm64");
  CHECK(it->os == "linux");
  CHECK(it->image_size == pushed->size + config.size + layer.size);

  CHECK(r->untag(repo, "v2").error().id() == "remote.unsupported");
  CHECK(r->delete_repository(repo).error().id() == "remote.unsupported");

  // Delete: the referrer first, then the manifest; a dry run changes nothing.
  const auto dry = r->delete_manifest(target{repo, "v1", std::nullopt}, true);
  REQUIRE(dry.has_value());
  REQUIRE(dry->manifests.size() == 3);  // the schema's index of the referrers last
  CHECK(dry->manifests[0] == pushed->digest);
  CHECK(dry->manifests[1] == sig_d->digest);
  CHECK(dry->tags == std::vector<std::string>{repo + ":v1", repo + ":" + tags->front()});
  CHECK(r->resolve(target{repo, "v1", std::nullopt}).has_value());
  REQUIRE(r->delete_manifest(target{repo, "v1", std::nullopt}).has_value());
  CHECK(r->resolve(target{repo, {}, pushed->digest}).error().id() == "store.not_found");
  CHECK(r->resolve(target{repo, {}, sig_d->digest}).error().id() == "store.not_found");
  CHECK(r->resolve(target{repo, tags->front(), std::nullopt}).error().id() == "store.not_found");
}
