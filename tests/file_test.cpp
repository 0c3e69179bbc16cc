#include "ocikit/file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

using ocikit::errc;
using ocikit_test::pseudo_random_bytes;
using ocikit_test::temp_file;

bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

}  // namespace

TEST_CASE("unique_fd: owns, moves and closes a descriptor", "[file]") {
  const temp_file f("abc", "unique_fd");
  int raw = -1;
  {
    auto fd = ocikit::open_file(f.path);
    REQUIRE(fd.has_value());
    raw = fd->get();
    CHECK(static_cast<bool>(*fd));
    ocikit::unique_fd moved = std::move(*fd);
    CHECK(moved.get() == raw);
    CHECK_FALSE(static_cast<bool>(*fd));  // NOLINT(bugprone-use-after-move): the moved-from state
    CHECK(fd->get() == -1);
    CHECK(is_open(raw));
  }
  CHECK_FALSE(is_open(raw));
  CHECK_FALSE(static_cast<bool>(ocikit::unique_fd()));
}

TEST_CASE("open_file: io.failed names the path and the reason", "[file]") {
  const auto missing = std::filesystem::temp_directory_path() / "ocikit_file_test_no_such_file";
  const auto r = ocikit::open_file(missing);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::io_failed);
  CHECK(r.error().message() == "cannot open '" + missing.string() + "': No such file or directory");
  CHECK(ocikit::file_name("a b") == "'a b'");
}

TEST_CASE("for_each_read: every byte once, in order, then the end", "[file]") {
  const std::string data = pseudo_random_bytes(10000);
  const ocikit_test::filled_pipe pipe(data);
  std::vector<std::byte> buffer(999);
  std::string got;
  std::size_t calls = 0;
  const auto r = ocikit::for_each_read(
      pipe.read_end(), buffer, "the pipe", [&](std::span<const std::byte> bytes) {
        ++calls;
        CHECK(bytes.size() <= buffer.size());
        got.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
      });
  REQUIRE(r.has_value());
  CHECK(got == data);
  CHECK(calls >= 11);
  const auto bad = ocikit::for_each_read(-1, buffer, "stdin", [](std::span<const std::byte>) {});
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().message() == "cannot read stdin: Bad file descriptor");
}

TEST_CASE("read_at_most: a regular file is bounded by its size before any read", "[file]") {
  const std::string data = pseudo_random_bytes(1000);
  const temp_file f(data, "bounded");
  auto fd = ocikit::open_file(f.path);
  REQUIRE(fd.has_value());
  const auto fits = ocikit::read_at_most(fd->get(), 1000, "f");
  REQUIRE(fits.has_value());
  CHECK_FALSE(fits->too_large);
  CHECK(fits->bytes == data);
  CHECK(fits->file_size == 1000U);

  auto fd2 = ocikit::open_file(f.path);
  REQUIRE(fd2.has_value());
  const auto over = ocikit::read_at_most(fd2->get(), 999, "f");
  REQUIRE(over.has_value());
  CHECK(over->too_large);
  CHECK(over->bytes.empty());
  CHECK(over->file_size == 1000U);
  // Refused from fstat alone: nothing was read, the offset is still 0.
  CHECK(::lseek(fd2->get(), 0, SEEK_CUR) == 0);
}

TEST_CASE("read_at_most: a pipe is read up to limit + 1 bytes", "[file]") {
  const std::string data = pseudo_random_bytes(3000);
  const ocikit_test::filled_pipe exact(data);
  const auto fits = ocikit::read_at_most(exact.read_end(), 3000, "stdin");
  REQUIRE(fits.has_value());
  CHECK_FALSE(fits->too_large);
  CHECK(fits->bytes == data);
  CHECK_FALSE(fits->file_size.has_value());

  const ocikit_test::filled_pipe longer(data);
  const auto over = ocikit::read_at_most(longer.read_end(), 2999, "stdin");
  REQUIRE(over.has_value());
  CHECK(over->too_large);
  CHECK(over->bytes.empty());
  CHECK_FALSE(over->file_size.has_value());
}

TEST_CASE("read_at_most: a directory is io.failed", "[file]") {
  const auto dir = std::filesystem::temp_directory_path();
  auto fd = ocikit::open_file(dir);
  REQUIRE(fd.has_value());
  const auto r = ocikit::read_at_most(fd->get(), 100, ocikit::file_name(dir));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error() == errc::io_failed);
  CHECK(r.error().message() == "cannot read '" + dir.string() + "': Is a directory");
}
