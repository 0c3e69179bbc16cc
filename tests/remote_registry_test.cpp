// Tests of the parts of ocikit/remote/remote_registry.hpp that need no server: the `Link`
// header of paginated listings (quoted and bare relations, several links, relation lists, no
// next), the referrers tag schema's index (added, replaced, unchanged), the client-side
// artifactType filter and the `OCI-Filters-Applied` header, and Content-Length parsing. The end-to-end behaviour against docker-registry is
// tested by tests/remote/*.py.
#include "ocikit/remote/remote_registry.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

#include "ocikit/hash.hpp"
#include "ocikit/referrers.hpp"

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
