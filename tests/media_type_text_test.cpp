#include "ocikit/media_type_text.hpp"

#include <catch2/catch.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/descriptor.hpp"

namespace {

namespace mt = ocikit::media_types;
using ocikit::media_type_text;

// Checked at compile time: every constant is found, and nothing else.
static_assert(ocikit::detail::find_known_media_type(mt::oci_manifest) != 0);
static_assert(ocikit::detail::find_known_media_type(mt::wasm) != 0);
static_assert(ocikit::detail::find_known_media_type("application/vnd.oci.image.manifest.v1+jso") ==
              0);
static_assert(ocikit::detail::find_known_media_type("") == 0);

}  // namespace

TEST_CASE("media_type_text: every known media type is held without a string", "[media_type]") {
  for (std::size_t i = 1; i < ocikit::detail::known_media_types.size(); ++i) {
    const std::string_view known = ocikit::detail::known_media_types[i];
    CAPTURE(known);
    const media_type_text t = known;
    CHECK(t.is_known());
    CHECK(t.known_index() == i);
    CHECK(t.string() == known);
    CHECK(t.size() == known.size());
    // Runtime lookups agree with the compile-time table for the same bytes at another address.
    const std::string copy(known);
    CHECK(ocikit::detail::find_known_media_type(copy) == i);
    // One byte changed anywhere (first, middle, last) is another text.
    for (const std::size_t at : {std::size_t{0}, known.size() / 2, known.size() - 1}) {
      std::string other(known);
      other[at] = other[at] == 'x' ? 'y' : 'x';
      const media_type_text o = other;
      CHECK_FALSE(o.is_known());
      CHECK(o.string() == other);
      CHECK(o != t);
    }
  }
}

TEST_CASE("media_type_text: other text, empty text, assignment and copies", "[media_type]") {
  media_type_text t;
  CHECK(t.empty());
  CHECK(t.string().empty());
  CHECK_FALSE(t.is_known());

  t = "application/x.example+json";
  CHECK_FALSE(t.is_known());
  CHECK(t == "application/x.example+json");
  CHECK(t == std::string("application/x.example+json"));
  CHECK(t == std::string_view("application/x.example+json"));
  CHECK(t.str() == "application/x.example+json");

  t = std::string(mt::oci_layer_tar_gzip);  // from an rvalue string: known, so no string kept
  CHECK(t.is_known());
  CHECK(t == mt::oci_layer_tar_gzip);

  media_type_text copy = t;
  CHECK(copy == t);
  media_type_text moved = std::move(copy);
  CHECK(moved == mt::oci_layer_tar_gzip);

  t.assign(std::string("text/plain"));
  CHECK(t == "text/plain");
  CHECK(t != moved);
  CHECK(moved < t);  // ordered by text: "application/..." before "text/plain"
  t.clear();
  CHECK(t.empty());
  CHECK(t == media_type_text{});
}

TEST_CASE("media_type_text: reads as a string_view, prints, and joins strings", "[media_type]") {
  const media_type_text t = mt::oci_empty;
  const std::string_view v = t;
  CHECK(v == mt::oci_empty);
  std::ostringstream os;
  os << t;
  CHECK(os.str() == mt::oci_empty);
  CHECK(std::string("type ") + t == "type application/vnd.oci.empty.v1+json");
  CHECK(t + std::string("!") == "application/vnd.oci.empty.v1+json!");
  CHECK(t.starts_with("application/vnd.oci."));
  CHECK(t.ends_with("+json"));
  std::string s = "x";
  s += t;
  CHECK(s == "xapplication/vnd.oci.empty.v1+json");
}

TEST_CASE("media_type_text: descriptors compare by text whichever way it is held", "[media_type]") {
  ocikit::descriptor a = ocikit::empty_descriptor();
  ocikit::descriptor b = a;
  CHECK(a == b);
  b.media_type = std::string(mt::oci_empty);
  CHECK(a == b);
  b.media_type = "application/vnd.oci.empty.v1+jsonx";
  CHECK_FALSE(a == b);
  a.media_type = "application/vnd.oci.empty.v1+jsonx";
  CHECK(a == b);
}
