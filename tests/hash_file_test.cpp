#include "ocikit/hash_file.hpp"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "ocikit/hash.hpp"
#include "test_support.hpp"

namespace {

using ocikit::digest_algorithm;
using ocikit::errc;
using ocikit_test::pseudo_random_bytes;
using ocikit_test::temp_file;

ocikit::digest sha256_of(std::string_view s) {
  return ocikit::hash_bytes(digest_algorithm::sha256, s).value();
}

}  // namespace

TEST_CASE("hash_file: the digest and size of a file equal hash_bytes", "[hash][file]") {
  // Three full 1 MiB blocks and a partial one.
  const std::string data = pseudo_random_bytes((std::size_t{3} << 20) + 12345);
  const temp_file f(data, "large");
  std::uint64_t calls = 0;
  std::uint64_t last = 0;
  bool monotonic = true;
  bool total_ok = true;
  const auto r = ocikit::hash_file(f.path, digest_algorithm::sha256,
                                   [&](std::uint64_t done, std::uint64_t total) {
                                     ++calls;
                                     monotonic = monotonic && done > last;
                                     total_ok = total_ok && total == data.size();
                                     last = done;
                                   });
  REQUIRE(r.has_value());
  CHECK(r->digest == sha256_of(data));
  CHECK(r->size == data.size());
  CHECK(calls >= 4);
  CHECK(monotonic);
  CHECK(total_ok);
  CHECK(last == data.size());

  const auto r512 = ocikit::hash_file(f.path, digest_algorithm::sha512);
  REQUIRE(r512.has_value());
  CHECK(r512->digest == ocikit::hash_bytes(digest_algorithm::sha512, data).value());
}

TEST_CASE("hash_file: small, block-sized and empty files", "[hash][file]") {
  for (const std::size_t n : {std::size_t{0}, std::size_t{3}, std::size_t{4095}, std::size_t{4096},
                              std::size_t{1} << 20, (std::size_t{1} << 20) + 1}) {
    CAPTURE(n);
    const std::string data = pseudo_random_bytes(n);
    const temp_file f(data, "size" + std::to_string(n));
    const auto r = ocikit::hash_file(f.path);
    REQUIRE(r.has_value());
    CHECK(r->digest == sha256_of(data));
    CHECK(r->size == n);
  }
}

TEST_CASE("hash_file: I/O errors name the path and the reason", "[hash][file]") {
  const auto missing =
      std::filesystem::temp_directory_path() / "ocikit_hash_test_no_such_file_here";
  const auto r = ocikit::hash_file(missing);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::io_failed);
  CHECK(r.error() == ocikit::condition::io_error);
  CHECK(r.error().message() == "cannot open '" + missing.string() + "': No such file or directory");

  const auto dir = std::filesystem::temp_directory_path();
  const auto d = ocikit::hash_file(dir);
  REQUIRE_FALSE(d.has_value());
  CHECK(d.error().message() == "cannot read '" + dir.string() + "': Is a directory");
}

TEST_CASE("hash_file: blake3 is refused before the file is touched", "[hash][file]") {
  const temp_file f("abc", "blake3");
  CHECK(ocikit::hash_file(f.path, digest_algorithm::blake3).error() == errc::hash_unavailable);
  CHECK(ocikit::hash_file("/no/such/file", digest_algorithm::blake3).error() ==
        errc::hash_unavailable);
}

TEST_CASE("hash_fd: a pipe, an open file, and errors named by the caller", "[hash][file]") {
  const std::string data = pseudo_random_bytes(50000);
  const ocikit_test::filled_pipe pipe(data);
  std::uint64_t last_total = 1;
  const auto r = ocikit::hash_fd(
      pipe.read_end(), digest_algorithm::sha256,
      [&](std::uint64_t, std::uint64_t total) { last_total = total; }, "stdin");
  REQUIRE(r.has_value());
  CHECK(r->digest == sha256_of(data));
  CHECK(r->size == data.size());
  CHECK(last_total == 0);  // a pipe has no size in advance

  const temp_file f("abc", "fd");
  auto fd = ocikit::open_file(f.path);
  REQUIRE(fd.has_value());
  const auto abc = ocikit::hash_fd(fd->get(), digest_algorithm::sha384);
  REQUIRE(abc.has_value());
  CHECK(abc->digest == ocikit::hash_bytes(digest_algorithm::sha384, "abc").value());
  CHECK(abc->size == 3);
  CHECK(*abc == ocikit::hash_file(f.path, digest_algorithm::sha384).value());

  const auto closed = ocikit::hash_fd(-1, digest_algorithm::sha256, {}, "stdin");
  REQUIRE_FALSE(closed.has_value());
  CHECK(closed.error() == errc::io_failed);
  CHECK(closed.error().message() == "cannot read stdin: Bad file descriptor");
  CHECK(ocikit::hash_fd(0, digest_algorithm::blake3).error() == errc::hash_unavailable);
}
