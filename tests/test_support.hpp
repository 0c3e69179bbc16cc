// Helpers shared by the tests that need files and bulk bytes (hash_test, hash_file_test,
// file_test, manifest_test), and by those that build OCI documents and layouts by hand
// (copy_test, layout_test), and the digest vectors of digest_test and reference_test.
//   h64, h96, h128                                            hex of SHA-256/384/512 digests
//   pseudo_random_bytes, temp_file, scratch, filled_pipe     files and bytes
//   ok, write_text, read_text, tree_of                        results and directories
//   descriptor_of, descriptor_json, ref_name_json, image_manifest_json, index_json
//                                                             OCI documents
#ifndef OCIKIT_TESTS_TEST_SUPPORT_HPP
#define OCIKIT_TESTS_TEST_SUPPORT_HPP

#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"

namespace ocikit_test {

// The SHA-256, SHA-384 and SHA-512 of "" in hex: encoded parts of 64, 96 and 128 digits.
inline const std::string h64 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline const std::string h96 =
    "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b9"
    "5b";
inline const std::string h128 =
    "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec"
    "2f"
    "63b931bd47417a81a538327af927da3e";

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

// Whether a result holds a value (reads better in CHECK and REQUIRE than `.has_value()`).
template <class T>
bool ok(const ocikit::result<T>& r) {
  return r.has_value();
}

// Writes `text` to `p`, creating its parent directories.
inline void write_text(const std::filesystem::path& p, std::string_view text) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

// The bytes of the file `p` ("" when it cannot be read).
inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Every path under `dir` with the SHA-256 of its content ("dir" for a directory), sorted, lock
// files left out (they may appear on first use): what "unchanged" means in a test.
inline std::vector<std::string> tree_of(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    std::string line = std::filesystem::relative(e.path(), dir).string();
    if (line.ends_with(".lock")) continue;
    line += e.is_regular_file()
                ? " " + ocikit::hash_bytes(ocikit::digest_algorithm::sha256, read_text(e.path()))
                            .value()
                            .str()
                : std::string(" dir");
    out.push_back(std::move(line));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The descriptor of `bytes` (sha256) with `media_type`.
inline ocikit::descriptor descriptor_of(std::string_view media_type, std::string_view bytes) {
  ocikit::descriptor d;
  d.media_type = std::string(media_type);
  d.digest = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes).value();
  d.size = static_cast<std::int64_t>(bytes.size());
  return d;
}

// `{"mediaType":…,"digest":…,"size":…}` of `d`, with `extra` (e.g. `,"platform":{…}`) before the
// closing brace.
inline std::string descriptor_json(const ocikit::descriptor& d, std::string_view extra = {}) {
  return R"({"mediaType":")" + d.media_type + R"(","digest":")" + d.digest.str() + R"(","size":)" +
         std::to_string(d.size) + std::string(extra) + "}";
}

// The `extra` of descriptor_json that names an index.json entry `name` ("" for no name).
inline std::string ref_name_json(std::string_view name) {
  if (name.empty()) return {};
  return R"(,"annotations":{"org.opencontainers.image.ref.name":")" + std::string(name) + "\"}";
}

// An OCI image manifest of `config` and `layers`, with `tail` (e.g. `,"subject":{…}`) at the end.
inline std::string image_manifest_json(const ocikit::descriptor& config,
                                       const std::vector<ocikit::descriptor>& layers,
                                       std::string_view tail = {}) {
  std::string s = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)";
  s += R"("config":)" + descriptor_json(config) + R"(,"layers":[)";
  for (std::size_t i = 0; i < layers.size(); ++i) {
    s += (i == 0 ? "" : ",") + descriptor_json(layers[i]);
  }
  return s + "]" + std::string(tail) + "}";
}

// An OCI image index whose `manifests` are the given JSON objects (see descriptor_json).
inline std::string index_json(const std::vector<std::string>& manifests) {
  std::string s =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
  for (std::size_t i = 0; i < manifests.size(); ++i) s += (i == 0 ? "" : ",") + manifests[i];
  return s + "]}";
}

}  // namespace ocikit_test

#endif  // OCIKIT_TESTS_TEST_SUPPORT_HPP
