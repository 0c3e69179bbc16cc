// Reading files and file descriptors (POSIX): the I/O under ocikit::hash_file / hash_fd
// (ocikit/hash_file.hpp) and ocikit::parse_manifest_file (ocikit/parse_manifest.hpp).
//
//   ocikit::unique_fd                      owns an open descriptor; closes it when destroyed
//   ocikit::open_file(path)                -> result<unique_fd>       read-only, close-on-exec
//   ocikit::for_each_read(fd, buf, name, fn) reads until end of file, fn(bytes) per read
//   ocikit::read_at_most(fd, limit, name)  -> result<bounded_contents> a regular file larger than
//                                          `limit` is refused from its size (fstat) before any
//                                          read; anything else is read up to limit + 1 bytes
//
// Errors are io.failed and name what failed and why: "cannot open 'x.tar': No such file or
// directory", "cannot read stdin: Is a directory". `name` is how the messages call the file:
// file_name(path) quotes a path ("'x.tar'"); a caller reading stdin passes "stdin".
//
// Example:
//   auto fd = ocikit::open_file("index.json");
//   if (!fd) return fd.error();
//   auto in = ocikit::read_at_most(fd->get(), 4 << 20, ocikit::file_name("index.json"));
//   if (in && !in->too_large) use(in->bytes);
#ifndef OCIKIT_FILE_HPP
#define OCIKIT_FILE_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ocikit/error.hpp"

namespace ocikit {

/// An open file descriptor, closed when destroyed. Movable, not copyable.
/// Example: `ocikit::unique_fd fd(::open("x", O_RDONLY)); if (fd) ::read(fd.get(), ...);`
class unique_fd {
 public:
  unique_fd() noexcept = default;
  /// Takes ownership of `fd` (a negative value holds nothing).
  explicit unique_fd(int fd) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }

  /// The descriptor (-1 when empty).
  [[nodiscard]] int get() const noexcept { return fd_; }
  /// True when a descriptor is held.
  explicit operator bool() const noexcept { return fd_ >= 0; }
  /// Closes the descriptor held, if any.
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

/// How messages name a path: quoted, "'layer.tar'".
inline std::string file_name(const std::filesystem::path& path) {
  std::string out = "'";
  out += path.string();
  out += '\'';
  return out;
}

namespace detail {

// io.failed "<what> <name>: <the system's reason for err>".
// Reads `fd` to its end or to `cap` bytes into `out` (replacing its contents): a first buffer
// of `first` bytes, doubled as needed. 0, or the errno of a failed read (EINTR is retried).
inline int read_to_end(int fd, std::string& out, std::size_t first, std::size_t cap) {
  out.clear();
  std::size_t got = 0;
  for (;;) {
    if (got == out.size()) {
      if (got >= cap) break;
      out.resize(std::min(cap, std::max(first, out.size() * 2)));
    }
    const ssize_t n = ::read(fd, out.data() + got, out.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.resize(got);
  return 0;
}

inline error io_error(std::string_view what, std::string_view name, int err) {
  std::string d(what);
  d += ' ';
  d += name;
  d += ": ";
  d += std::generic_category().message(err);
  return {errc::io_failed, error::npos, std::move(d)};
}

}  // namespace detail

/// Opens a file for reading (close-on-exec); io.failed "cannot open 'path': reason".
/// Example: `auto fd = ocikit::open_file("layer.tar"); if (!fd) return fd.error();`
inline result<unique_fd> open_file(const std::filesystem::path& path) {
  unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return detail::io_error("cannot open", file_name(path), errno);
  return fd;
}

/// Reads `fd` to its end into `buffer`, calling `fn(std::span<const std::byte>)` after each read
/// (interrupted reads are retried); io.failed "cannot read <name>: reason" on a read error.
/// Example: `ocikit::for_each_read(fd, buf, "stdin", [&](auto bytes) { h.update(bytes); });`
template <class Fn>
result<void> for_each_read(int fd, std::span<std::byte> buffer, std::string_view name, Fn&& fn) {
  for (;;) {
    const ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return detail::io_error("cannot read", name, errno);
    }
    if (n == 0) return {};
    fn(std::span<const std::byte>(buffer.data(), static_cast<std::size_t>(n)));
  }
}

/// What read_at_most read.
struct bounded_contents {
  std::string bytes;                       ///< the exact bytes (empty when too_large)
  bool too_large = false;                  ///< more than the limit: `bytes` is not the content
  std::optional<std::uint64_t> file_size;  ///< the size of a regular file (from fstat)
};

/// Reads `fd` into one buffer of at most `limit` bytes. A regular file larger than `limit` is
/// refused from its size alone (too_large, nothing read); anything else (a pipe, a terminal) is
/// read up to limit + 1 bytes, enough to tell. A directory is io.failed "cannot read <name>:
/// Is a directory".
/// Example: `auto in = ocikit::read_at_most(STDIN_FILENO, 4 << 20, "stdin");`
inline result<bounded_contents> read_at_most(int fd, std::size_t limit, std::string_view name) {
  bounded_contents out;
  std::size_t first = std::size_t{1} << 16;
  struct stat st {};
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return detail::io_error("cannot read", name, EISDIR);
    if (S_ISREG(st.st_mode)) {
      out.file_size = static_cast<std::uint64_t>(st.st_size);
      if (*out.file_size > limit) {
        out.too_large = true;
        return out;
      }
      first = static_cast<std::size_t>(*out.file_size) + 1;  // one read, then end of file
    }
  }
  const std::size_t cap = limit == std::numeric_limits<std::size_t>::max() ? limit : limit + 1;
  if (const int err = detail::read_to_end(fd, out.bytes, first, cap); err != 0) {
    return detail::io_error("cannot read", name, err);
  }
  if (out.bytes.size() > limit) {
    out.too_large = true;
    out.bytes = std::string();  // release it now
  }
  return out;
}

}  // namespace ocikit

#endif  // OCIKIT_FILE_HPP
