// Tests of ocikit/error.hpp: codes, ids, conditions, categories, message templates, the error
// type and result<T>.
#include "ocikit/error.hpp"

#include <catch2/catch.hpp>
#include <cstddef>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace {

using ocikit::condition;
using ocikit::errc;

/// Every code, from the table the header builds (errc::ok is entry 0).
std::size_t errc_count() { return std::size(ocikit::detail::errc_table); }
errc errc_at(std::size_t i) { return static_cast<errc>(i); }
std::size_t condition_count() { return std::size(ocikit::detail::condition_names); }

bool is_id_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; }

}  // namespace

// ---- compile-time facts ---------------------------------------------------------------------

static_assert(std::is_error_code_enum_v<errc>);
static_assert(std::is_error_condition_enum_v<condition>);
static_assert(ocikit::to_string(errc::reference_invalid_tag) == "reference.invalid_tag");
static_assert(ocikit::condition_of(errc::reference_uppercase) ==
              condition::name_contains_uppercase);
static_assert(std::is_nothrow_default_constructible_v<ocikit::error>);

TEST_CASE("every code has a unique area.name id and a real condition", "[error]") {
  REQUIRE(errc_count() > 30);
  CHECK(ocikit::to_string(errc::ok) == "ok");
  CHECK(ocikit::condition_of(errc::ok) == condition::ok);
  std::set<std::string_view> ids;
  for (std::size_t i = 1; i < errc_count(); ++i) {
    const errc e = errc_at(i);
    const std::string_view id = ocikit::to_string(e);
    INFO("code " << i << " id " << id);
    CHECK(ids.insert(id).second);
    const auto dot = id.find('.');
    REQUIRE(dot != std::string_view::npos);
    CHECK(dot > 0);
    CHECK(dot + 1 < id.size());
    CHECK(id.find('.', dot + 1) == std::string_view::npos);
    for (std::size_t k = 0; k < id.size(); ++k) {
      if (k != dot) CHECK(is_id_char(id[k]));
    }
    const condition c = ocikit::condition_of(e);
    CHECK(c != condition::ok);
    CHECK(static_cast<std::size_t>(c) < condition_count());
    CHECK(!ocikit::detail::info(e).text.empty());
  }
}

TEST_CASE("ids and conditions of the reference and digest codes", "[error]") {
  struct row {
    errc code;
    std::string_view id;
    condition cond;
  };
  const row rows[] = {
      {errc::reference_empty, "reference.empty", condition::name_empty},
      {errc::reference_invalid_format, "reference.invalid_format", condition::invalid_format},
      {errc::reference_unexpected_end, "reference.unexpected_end", condition::invalid_format},
      {errc::reference_invalid_domain, "reference.invalid_domain", condition::invalid_format},
      {errc::reference_invalid_port, "reference.invalid_port", condition::invalid_format},
      {errc::reference_invalid_path, "reference.invalid_path", condition::invalid_format},
      {errc::reference_uppercase, "reference.uppercase", condition::name_contains_uppercase},
      {errc::reference_name_too_long, "reference.name_too_long", condition::name_too_long},
      {errc::reference_invalid_tag, "reference.invalid_tag", condition::invalid_format},
      {errc::reference_tag_too_long, "reference.tag_too_long", condition::invalid_format},
      {errc::reference_invalid_digest, "reference.invalid_digest", condition::invalid_format},
      {errc::reference_is_identifier, "reference.is_identifier", condition::name_is_identifier},
      {errc::reference_not_canonical, "reference.not_canonical", condition::name_not_canonical},
      {errc::reference_invalid_argument, "reference.invalid_argument", condition::invalid_format},
      {errc::digest_empty, "digest.empty", condition::digest_invalid_format},
      {errc::digest_missing_separator, "digest.missing_separator",
       condition::digest_invalid_format},
      {errc::digest_empty_algorithm, "digest.empty_algorithm", condition::digest_invalid_format},
      {errc::digest_empty_encoded, "digest.empty_encoded", condition::digest_invalid_format},
      {errc::digest_invalid_algorithm, "digest.invalid_algorithm",
       condition::digest_invalid_format},
      {errc::digest_invalid_encoded, "digest.invalid_encoded", condition::digest_invalid_format},
      {errc::digest_unsupported, "digest.unsupported", condition::digest_unsupported},
      {errc::digest_invalid_length, "digest.invalid_length", condition::digest_invalid_length},
      {errc::digest_invalid_hex, "digest.invalid_hex", condition::digest_invalid_format},
  };
  for (const auto& r : rows) {
    INFO(r.id);
    CHECK(ocikit::to_string(r.code) == r.id);
    CHECK(ocikit::condition_of(r.code) == r.cond);
    const ocikit::error e(r.code, 3);
    CHECK(e.id() == r.id);
    CHECK(e.condition() == r.cond);
    CHECK(e.condition_name() == ocikit::to_string(r.cond));
  }
}

TEST_CASE("condition names", "[error]") {
  CHECK(ocikit::to_string(condition::ok) == "ok");
  CHECK(ocikit::to_string(condition::invalid_format) == "invalid_format");
  CHECK(ocikit::to_string(condition::name_empty) == "name_empty");
  CHECK(ocikit::to_string(condition::name_contains_uppercase) == "name_contains_uppercase");
  CHECK(ocikit::to_string(condition::name_too_long) == "name_too_long");
  CHECK(ocikit::to_string(condition::name_not_canonical) == "name_not_canonical");
  CHECK(ocikit::to_string(condition::name_is_identifier) == "name_is_identifier");
  CHECK(ocikit::to_string(condition::digest_invalid_format) == "digest_invalid_format");
  CHECK(ocikit::to_string(condition::digest_invalid_length) == "digest_invalid_length");
  CHECK(ocikit::to_string(condition::digest_unsupported) == "digest_unsupported");
  CHECK(ocikit::to_string(static_cast<condition>(100000)) == "unknown");
  CHECK(ocikit::to_string(static_cast<errc>(100000)) == "ok");  // out of range falls back to ok
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < condition_count(); ++i) {
    CHECK(names.insert(ocikit::to_string(static_cast<condition>(i))).second);
  }
}

TEST_CASE("std::error_code and std::error_condition conversions", "[error]") {
  const std::error_category& cat = ocikit::error_category();
  const std::error_category& ccat = ocikit::condition_category();
  CHECK(std::string_view(cat.name()) == "ocikit");
  CHECK(std::string_view(ccat.name()) == "ocikit.condition");
  CHECK(&cat == &ocikit::error_category());
  CHECK(&ccat == &ocikit::condition_category());

  for (std::size_t i = 1; i < errc_count(); ++i) {
    const errc e = errc_at(i);
    INFO(ocikit::to_string(e));
    const std::error_code ec = e;  // implicit: is_error_code_enum
    CHECK(ec.value() == static_cast<int>(i));
    CHECK(&ec.category() == &cat);
    CHECK(ec.message() == ocikit::to_string(e));
    CHECK(ec == ocikit::condition_of(e));
    CHECK(ec.default_error_condition() == ocikit::make_error_condition(ocikit::condition_of(e)));
    CHECK(ec == ocikit::make_error_code(e));
    CHECK(static_cast<bool>(ec));
    const ocikit::error err(e, 0);
    CHECK(err.error_code() == ec);
    CHECK(err.error_code() == err.condition());
  }

  const std::error_code upper = errc::reference_uppercase;
  CHECK(upper == condition::name_contains_uppercase);
  CHECK(upper != condition::invalid_format);
  CHECK(upper != errc::reference_invalid_tag);
  CHECK(upper != std::errc::invalid_argument);
  const std::error_condition cond = condition::digest_unsupported;
  CHECK(&cond.category() == &ccat);
  CHECK(cond.message() == "digest_unsupported");
  CHECK(std::error_code(errc::digest_unsupported) == cond);
  CHECK(std::error_code(errc::digest_invalid_hex) != cond);
  // errc::ok is the "no error" value of the category.
  CHECK_FALSE(static_cast<bool>(std::error_code(errc::ok)));
}

TEST_CASE("message templates: offset, character, detail, pointer", "[error]") {
  using ocikit::error;
  CHECK(error(errc::reference_uppercase, 9, 'M').message() ==
        "repository name must be lowercase: 'M' at byte 9");
  CHECK(error(errc::reference_invalid_format, 1, '\x07').message() ==
        "invalid reference format: unexpected byte 0x07 at byte 1");
  CHECK(error(errc::reference_invalid_format, 0, '\xff').message() ==
        "invalid reference format: unexpected byte 0xff at byte 0");
  CHECK(error(errc::reference_invalid_format, 2, '\x7f').message() ==
        "invalid reference format: unexpected byte 0x7f at byte 2");
  CHECK(error(errc::reference_invalid_format, 4, ' ').message() ==
        "invalid reference format: unexpected ' ' at byte 4");
  CHECK(error(errc::reference_invalid_format, 4, '~').message() ==
        "invalid reference format: unexpected '~' at byte 4");
  // {c} without a character: the input ended.
  CHECK(error(errc::reference_invalid_tag, 4).message() ==
        "invalid tag at byte 4: unexpected end of input; a tag starts with a letter, digit or '_' "
        "and continues with letters, digits, '_', '.' or '-'");
  // {o} without an offset.
  CHECK(error(errc::reference_unexpected_end).message() ==
        "invalid reference format: the reference ends too early at byte ?");
  CHECK(error(errc::reference_tag_too_long, 132).message() ==
        "invalid tag at byte 132: a tag is at most 128 bytes long");
  CHECK(error(errc::reference_name_too_long, 255).with_numbers(256).message() ==
        "repository name must not be more than 255 bytes: the path is 256 bytes long");
  CHECK(
      error(errc::digest_invalid_length, 7, std::string("sha256")).with_numbers(64, 63).message() ==
      "invalid digest length: sha256 digests have 64 hex digits, this one has 63");
  CHECK(error(errc::reference_not_canonical, 0, std::string("docker.io/library/x")).message() ==
        "repository name must be canonical: the fully qualified form is 'docker.io/library/x'");
  CHECK(error(errc::digest_unsupported, 0, std::string("md5")).message() ==
        "unsupported digest algorithm 'md5'");
  CHECK(error(errc::digest_empty).message() == "digest is empty");
  CHECK(error(errc::reference_empty, 0).message() ==
        "reference is empty: a repository name needs at least one component");
  CHECK(error(errc::digest_invalid_hex, 7, 'E').message() ==
        "invalid digest at byte 7: 'E' is not a lowercase hex digit");
  CHECK(error(errc::ok).message() == "no error");
  // A detail-only template with an empty detail.
  CHECK(error(errc::io_failed, error::npos, std::string()).message().empty());
  CHECK(error(errc::io_failed, error::npos, std::string("disk full")).message() == "disk full");
}

TEST_CASE("every template renders with no {o} {c} {d} {x} {y} {p} left", "[error]") {
  for (std::size_t i = 0; i < errc_count(); ++i) {
    const errc e = errc_at(i);
    INFO(ocikit::to_string(e));
    const std::string with_all =
        ocikit::error(e, 12, std::string("DETAIL")).with_numbers(5, 6).at_pointer("/a/0").message();
    CHECK(with_all.find("{o}") == std::string::npos);
    CHECK(with_all.find("{x}") == std::string::npos);
    CHECK(with_all.find("{y}") == std::string::npos);
    CHECK(with_all.find("{c}") == std::string::npos);
    CHECK(with_all.find("{d}") == std::string::npos);
    CHECK(with_all.find("{p}") == std::string::npos);
    const std::string with_char = ocikit::error(e, 12, 'q').message();
    if (ocikit::detail::info(e).text != "{d}") CHECK_FALSE(with_char.empty());
    if (ocikit::detail::info(e).text.find("{c}") != std::string_view::npos) {
      CHECK(with_char.find("'q'") != std::string::npos);
    }
    if (ocikit::detail::info(e).text.find("{o}") != std::string_view::npos) {
      CHECK(with_char.find("12") != std::string::npos);
    }
  }
}

TEST_CASE("the error type: offsets, characters, details, pointers", "[error]") {
  using ocikit::error;
  const error none;
  CHECK(none.code() == errc::ok);
  CHECK(none.condition() == condition::ok);
  CHECK_FALSE(none.has_offset());
  CHECK(none.offset() == error::npos);
  CHECK_FALSE(none.has_char());
  CHECK(none.detail().empty());
  CHECK_FALSE(none.has_pointer());

  const error e(errc::reference_invalid_path, 5, 'X');
  CHECK(e.has_offset());
  CHECK(e.offset() == 5);
  CHECK(e.has_char());
  CHECK(e.character() == 'X');
  CHECK(e == errc::reference_invalid_path);
  CHECK(e == condition::invalid_format);
  CHECK_FALSE(e == errc::reference_invalid_tag);
  CHECK_FALSE(e == condition::name_too_long);

  const error moved = e.shifted(10);
  CHECK(moved.offset() == 15);
  CHECK(moved.character() == 'X');
  CHECK(e.offset() == 5);  // the const& overload copies
  CHECK(error(errc::reference_invalid_path, 5, 'X').shifted(3).offset() == 8);
  CHECK_FALSE(error(errc::reference_invalid_argument).shifted(7).has_offset());
  // Wrap-around moves an offset left (reference.hpp maps normalised offsets back this way).
  CHECK(error(errc::reference_invalid_path, 20).shifted(static_cast<std::size_t>(-8)).offset() ==
        12);

  const error n = error(errc::digest_invalid_length, 7).with_numbers(64, 3);
  CHECK(n.number_x() == 64);
  CHECK(n.number_y() == 3);
  CHECK(n.offset() == 7);
  CHECK(none.number_x() == 0);
  CHECK(none.number_y() == 0);

  const error d(errc::digest_unsupported, 0, std::string("md5"));
  CHECK(d.detail() == "md5");
  CHECK_FALSE(d.has_char());

  error p = error(errc::io_failed, error::npos, std::string("x")).at_pointer("/layers/0");
  CHECK(p.has_pointer());
  CHECK(p.pointer() == "/layers/0");
  const error root = error(errc::io_failed).at_pointer("");
  CHECK(root.has_pointer());
  CHECK(root.pointer().empty());
}

TEST_CASE("error equality compares every field", "[error]") {
  using ocikit::error;
  CHECK(error(errc::reference_invalid_tag, 4, 'x') == error(errc::reference_invalid_tag, 4, 'x'));
  CHECK_FALSE(error(errc::reference_invalid_tag, 4, 'x') ==
              error(errc::reference_invalid_tag, 5, 'x'));
  CHECK_FALSE(error(errc::reference_invalid_tag, 4, 'x') ==
              error(errc::reference_invalid_tag, 4, 'y'));
  CHECK_FALSE(error(errc::reference_invalid_tag, 4, 'x') == error(errc::reference_invalid_tag, 4));
  CHECK_FALSE(error(errc::reference_invalid_tag, 4) == error(errc::reference_invalid_port, 4));
  CHECK(error(errc::digest_unsupported, 0, std::string("a")) ==
        error(errc::digest_unsupported, 0, std::string("a")));
  CHECK_FALSE(error(errc::digest_unsupported, 0, std::string("a")) ==
              error(errc::digest_unsupported, 0, std::string("b")));
  CHECK_FALSE(error(errc::io_failed).at_pointer("/a") == error(errc::io_failed).at_pointer("/b"));
  CHECK(error(errc::reference_name_too_long, 255).with_numbers(256) ==
        error(errc::reference_name_too_long, 255).with_numbers(256));
  CHECK_FALSE(error(errc::reference_name_too_long, 255).with_numbers(256) ==
              error(errc::reference_name_too_long, 255).with_numbers(257));
  CHECK_FALSE(error(errc::digest_invalid_length, 7).with_numbers(64, 3) ==
              error(errc::digest_invalid_length, 7).with_numbers(64, 4));
}

TEST_CASE("system_error and result<T>", "[error]") {
  using ocikit::error;
  const ocikit::system_error se(error(errc::reference_uppercase, 9, 'M'));
  CHECK(std::string_view(se.what()) == "repository name must be lowercase: 'M' at byte 9");
  CHECK(se.get() == error(errc::reference_uppercase, 9, 'M'));
  static_assert(std::is_base_of_v<std::runtime_error, ocikit::system_error>);

  const ocikit::result<int> ok = 42;
  REQUIRE(ok.has_value());
  CHECK(*ok == 42);
  CHECK(ok.value() == 42);

  const ocikit::result<int> bad = error(errc::digest_empty, 0);
  REQUIRE(bad.has_error());
  CHECK(bad.error() == errc::digest_empty);
  CHECK_THROWS_AS(bad.value(), ocikit::system_error);
  try {
    (void)bad.value();
    FAIL("value() of an error must throw");
  } catch (const ocikit::system_error& thrown) {
    CHECK(thrown.get() == error(errc::digest_empty, 0));
    CHECK(std::string_view(thrown.what()) == "digest is empty");
  }
}
