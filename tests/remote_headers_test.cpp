// Tests of ocikit/remote/headers.hpp: header fields in order with case-insensitive names, and the
// field syntax (token characters of names, values without controls) over all 256 bytes.
#include "ocikit/remote/headers.hpp"  // first: the header must be self-contained

#include <catch2/catch.hpp>
#include <string>
#include <string_view>

namespace remote = ocikit::remote;

TEST_CASE("headers: case-insensitive names, order kept", "[remote][headers]") {
  remote::headers h;
  CHECK(h.empty());
  h.add("Content-Type", "a");
  h.add("www-authenticate", "Bearer x");
  h.add("WWW-Authenticate", "Basic y");
  CHECK(h.get("content-type") == "a");
  CHECK(h.has("CONTENT-TYPE"));
  CHECK(h.get("missing").empty());
  CHECK_FALSE(h.has("missing"));
  REQUIRE(h.get_all("Www-Authenticate").size() == 2);
  CHECK(h.get_all("Www-Authenticate")[1] == "Basic y");
  h.set("WWW-AUTHENTICATE", "one");
  CHECK(h.get_all("www-authenticate").size() == 1);
  CHECK(h.fields().back().first == "WWW-AUTHENTICATE");
  h.remove("content-type");
  CHECK_FALSE(h.has("Content-Type"));
  CHECK(h.fields().size() == 1);
}

TEST_CASE("field syntax: token characters and field values, all 256 bytes", "[remote][headers]") {
  const std::string_view delimiters = "\"(),/:;<=>?@[\\]{}";
  for (int i = 0; i < 256; ++i) {
    const auto c = static_cast<char>(i);
    const bool visible = i > 0x20 && i < 0x7f;
    CHECK(remote::detail::is_token_char(c) ==
          (visible && delimiters.find(c) == std::string_view::npos));
    const std::string value(1, c);
    CHECK(remote::detail::is_field_value(value) == ((i >= 0x20 && i != 0x7f) || c == '\t'));
  }
  CHECK(remote::detail::is_field_value(""));
  CHECK_FALSE(remote::detail::is_field_value("a\r\nb"));
}
