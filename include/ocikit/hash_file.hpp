// The digest and size of a file or of an open file descriptor, read in large page-aligned
// blocks in constant memory (what a descriptor of a blob on disk needs).
//
//   ocikit::hash_file(path, alg, progress)    -> result<file_digest>
//   ocikit::hash_fd(fd, alg, progress, name)  -> result<file_digest>   e.g. stdin, a pipe
//
// Hashing itself is ocikit/hash.hpp; the POSIX reads are ocikit/file.hpp.
//
// Example:
//   auto f = ocikit::hash_file("layer.tar");
//   if (f) std::cout << f->digest.string() << ' ' << f->size << '\n';
#ifndef OCIKIT_HASH_FILE_HPP
#define OCIKIT_HASH_FILE_HPP

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/file.hpp"
#include "ocikit/hash.hpp"

namespace ocikit {

/// A file's digest and its size in bytes (what a descriptor needs).
struct file_digest {
  ocikit::digest digest;   ///< the digest of the exact bytes
  std::uint64_t size = 0;  ///< the number of bytes

  friend bool operator==(const file_digest&, const file_digest&) = default;
};

/// Called by hash_file and hash_fd after each block: bytes hashed so far and the file size (0
/// when the size is not known in advance, e.g. a pipe).
using progress_callback = std::function<void(std::uint64_t done, std::uint64_t total)>;

namespace detail {

inline constexpr std::size_t file_block_size = std::size_t{1} << 20;
inline constexpr std::size_t page_size = 4096;

struct page_aligned_delete {
  void operator()(std::byte* p) const noexcept {
    ::operator delete (p, std::align_val_t{page_size});
  }
};
using page_buffer = std::unique_ptr<std::byte, page_aligned_delete>;

}  // namespace detail

namespace detail {

// hash_fd with the digester already made.
inline result<file_digest> hash_fd_with(digester& d, int fd, const progress_callback& progress,
                                        std::string_view name) {
  std::uint64_t total = 0;
  std::size_t block = file_block_size;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    total = static_cast<std::uint64_t>(st.st_size);
    // Room for the whole file plus one byte, so that a small file takes one read and one EOF.
    const std::uint64_t fit = (total / page_size + 1) * page_size;
    block = static_cast<std::size_t>(std::min<std::uint64_t>(block, fit));
    (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  const page_buffer buffer(
      static_cast<std::byte*>(::operator new (block, std::align_val_t{page_size})));
  auto read = for_each_read(fd, std::span<std::byte>(buffer.get(), block), name,
                            [&](std::span<const std::byte> bytes) {
                              d.update(bytes);
                              if (progress) progress(d.size(), total);
                            });
  if (!read) return read.error();
  auto value = d.try_finish();
  if (!value) return value.error();
  return file_digest{std::move(*value), d.size()};
}

}  // namespace detail

/// The digest and size of everything left in an open descriptor, read in 1 MiB page-aligned
/// blocks; a regular file gets sequential read-ahead advice and, when smaller than a block, a
/// buffer of its own size. The descriptor stays open. hash.unavailable for blake3; io.failed
/// "cannot read <name>: reason".
/// Example: `auto d = ocikit::hash_fd(STDIN_FILENO, ocikit::digest_algorithm::sha256, {}, "stdin");`
inline result<file_digest> hash_fd(int fd, digest_algorithm a = digest_algorithm::sha256,
                                   const progress_callback& progress = {},
                                   std::string_view name = "the file") {
  auto d = digester::create(a);
  if (!d) return d.error();
  return detail::hash_fd_with(*d, fd, progress, name);
}

/// The digest and size of a file (hash_fd over the opened file). io.failed names the path and
/// the system's reason: "cannot open 'x.tar': No such file or directory".
/// `-` is an ordinary file name here (the CLI maps it to stdin).
/// Example:
///   auto f = ocikit::hash_file("layer.tar");
///   if (f) std::cout << f->digest.string() << ' ' << f->size << '\n';
inline result<file_digest> hash_file(const std::filesystem::path& path,
                                     digest_algorithm a = digest_algorithm::sha256,
                                     const progress_callback& progress = {}) {
  auto d = digester::create(a);  // before touching the file: blake3 is hash.unavailable
  if (!d) return d.error();
  auto fd = open_file(path);
  if (!fd) return fd.error();
  return detail::hash_fd_with(*d, fd->get(), progress, file_name(path));
}

}  // namespace ocikit

#endif  // OCIKIT_HASH_FILE_HPP
