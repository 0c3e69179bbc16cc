// Helpers shared by the tests that need files and bulk bytes (hash_test, hash_file_test,
// file_test, manifest_test).
#ifndef OCIKIT_TESTS_TEST_SUPPORT_HPP
#define OCIKIT_TESTS_TEST_SUPPORT_HPP

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace ocikit_test {

// Deterministic bytes that are not periodic over short spans.
inline std::string pseudo_random_bytes(std::size_t n) {
  std::string s(n, '\0');
  std::uint64_t x = 0x9e3779b97f4a7c15ULL;
  for (auto& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x & 0xff);
  }
  return s;
}

// A file under the temp directory holding `content`, removed at the end of the test.
struct temp_file {
  explicit temp_file(std::string_view content, std::string_view tag = "blob") {
    path = std::filesystem::temp_directory_path() /
           ("ocikit_test_" + std::to_string(::getpid()) + "_" + std::string(tag));
    std::ofstream out(path, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  std::filesystem::path path;
};

// A directory of its own for one test case (`<temp>/ocikit_<prefix>_<name>_<pid>`), empty at
// the start and removed at the end.
struct scratch {
  std::filesystem::path dir;
  scratch(std::string_view prefix, std::string_view name) {
    dir = std::filesystem::temp_directory_path() /
          ("ocikit_" + std::string(prefix) + "_" + std::string(name) + "_" +
           std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  scratch(const scratch&) = delete;
  scratch& operator=(const scratch&) = delete;
};

// A pipe whose write end is filled with `content` and closed (content must fit the pipe buffer,
// 64 KiB on Linux); read from `read_end()`.
struct filled_pipe {
  explicit filled_pipe(std::string_view content) {
    if (::pipe(fds) != 0) return;
    std::size_t done = 0;
    while (done < content.size()) {
      const ssize_t n = ::write(fds[1], content.data() + done, content.size() - done);
      if (n <= 0) break;
      done += static_cast<std::size_t>(n);
    }
    ::close(fds[1]);
    fds[1] = -1;
  }
  ~filled_pipe() {
    if (fds[0] >= 0) ::close(fds[0]);
    if (fds[1] >= 0) ::close(fds[1]);
  }
  filled_pipe(const filled_pipe&) = delete;
  filled_pipe& operator=(const filled_pipe&) = delete;
  [[nodiscard]] int read_end() const noexcept { return fds[0]; }
  int fds[2] = {-1, -1};
};

}  // namespace ocikit_test

#endif  // OCIKIT_TESTS_TEST_SUPPORT_HPP
