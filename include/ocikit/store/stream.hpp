// Byte streams for the registry layer: blobs move through these, never whole in memory.
//
//   ocikit::store::byte_source    read(buffer) -> result<size_t>, 0 at the end
//   ocikit::store::byte_sink      write(bytes) -> result<void>
//   fd_source / fd_sink           a file descriptor (file_source::open(path) owns one);
//                                 native_handle() names it, so that a blob reader can copy to an
//                                 fd_sink in the kernel (blob_reader::copy_to)
//   memory_source / string_sink   a buffer in memory (tests, small documents)
//   istream_source / ostream_sink iostreams
//   ocikit::store::copy(source, sink, buffer_size)   -> result<std::uint64_t> bytes copied
//
// A registry's blob reader (registry.hpp) is a byte_source that verifies what it delivers: the
// read that reaches the end fails with store.digest_mismatch or store.size_mismatch when the
// content is not what its digest says, so a reader must read to the end to know the bytes good.
//
// Example:
//   auto in = ocikit::store::file_source::open("layer.tar");
//   if (!in) return in.error();
//   auto pushed = registry.push_blob("library/alpine", *in);
#ifndef OCIKIT_STORE_STREAM_HPP
#define OCIKIT_STORE_STREAM_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <istream>
#include <memory>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ocikit/error.hpp"

namespace ocikit::store {

/// Where bytes come from. read() fills at most `buffer.size()` bytes and returns how many;
/// 0 means the end.
class byte_source {
 public:
  byte_source() = default;
  byte_source(const byte_source&) = delete;
  byte_source& operator=(const byte_source&) = delete;
  virtual ~byte_source() = default;

  /// Reads up to `buffer.size()` bytes; 0 at the end of the content.
  virtual result<std::size_t> read(std::span<std::byte> buffer) = 0;
  /// The number of bytes left when known in advance, else -1.
  [[nodiscard]] virtual std::int64_t size_hint() const noexcept { return -1; }
};

/// Where bytes go.
class byte_sink {
 public:
  byte_sink() = default;
  byte_sink(const byte_sink&) = delete;
  byte_sink& operator=(const byte_sink&) = delete;
  virtual ~byte_sink() = default;

  /// Writes all of `bytes`.
  virtual result<void> write(std::span<const std::byte> bytes) = 0;
  /// The file descriptor this sink writes to with nothing buffered in between, or -1. A source
  /// may write there directly (in the kernel) instead of calling write(). Example: an fd_sink
  /// over stdout says 1.
  [[nodiscard]] virtual int native_handle() const noexcept { return -1; }
};

namespace detail {

inline error io_error(std::string what, int err) {
  what += ": ";
  what += std::generic_category().message(err);
  return {errc::store_io, error::npos, std::move(what)};
}

}  // namespace detail

/// Reads a file descriptor it does not own (e.g. 0 for stdin).
class fd_source : public byte_source {
 public:
  explicit fd_source(int fd, std::string name = "input") noexcept
      : fd_(fd), name_(std::move(name)) {}
  result<std::size_t> read(std::span<std::byte> buffer) override {
    for (;;) {
      const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return detail::io_error("cannot read " + name_, errno);
    }
  }
  [[nodiscard]] std::int64_t size_hint() const noexcept override { return size_; }
  /// The descriptor read from. Example: `fd_source(0).native_handle() == 0`
  [[nodiscard]] int native_handle() const noexcept { return fd_; }

 protected:
  int fd_;
  std::string name_;
  std::int64_t size_ = -1;
};

/// Reads a file it opened (and closes it).
class file_source : public fd_source {
 public:
  /// Opens `path` for reading; store.io names the path and the reason.
  static result<std::unique_ptr<file_source>> open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return detail::io_error("cannot open '" + path.string() + "'", errno);
    std::unique_ptr<file_source> f(new file_source(fd, "'" + path.string() + "'"));
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
      f->size_ = static_cast<std::int64_t>(st.st_size);
      (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    }
    return f;
  }
  ~file_source() override { ::close(fd_); }
  file_source(const file_source&) = delete;
  file_source& operator=(const file_source&) = delete;

 private:
  file_source(int fd, std::string name) : fd_source(fd, std::move(name)) {}
};

/// Reads a buffer the caller keeps alive.
class memory_source : public byte_source {
 public:
  explicit memory_source(std::string_view bytes) noexcept : bytes_(bytes) {}
  result<std::size_t> read(std::span<std::byte> buffer) override {
    const std::size_t n = std::min(buffer.size(), bytes_.size() - pos_);
    if (n != 0) std::memcpy(buffer.data(), bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  [[nodiscard]] std::int64_t size_hint() const noexcept override {
    return static_cast<std::int64_t>(bytes_.size() - pos_);
  }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

/// Reads an std::istream.
class istream_source : public byte_source {
 public:
  explicit istream_source(std::istream& in) noexcept : in_(in) {}
  result<std::size_t> read(std::span<std::byte> buffer) override {
    if (in_.eof()) return std::size_t{0};
    in_.read(reinterpret_cast<char*>(buffer.data()), static_cast<std::streamsize>(buffer.size()));
    if (in_.bad()) return error(errc::store_io, error::npos, "cannot read the input stream");
    return static_cast<std::size_t>(in_.gcount());
  }

 private:
  std::istream& in_;
};

/// Writes to a file descriptor it does not own (e.g. 1 for stdout).
class fd_sink : public byte_sink {
 public:
  explicit fd_sink(int fd, std::string name = "output") noexcept
      : fd_(fd), name_(std::move(name)) {}
  result<void> write(std::span<const std::byte> bytes) override {
    const std::byte* p = bytes.data();
    std::size_t left = bytes.size();
    while (left != 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return detail::io_error("cannot write " + name_, errno);
      }
      p += n;
      left -= static_cast<std::size_t>(n);
    }
    return {};
  }
  [[nodiscard]] int native_handle() const noexcept override { return fd_; }

 private:
  int fd_;
  std::string name_;
};

/// Appends to a string.
class string_sink : public byte_sink {
 public:
  result<void> write(std::span<const std::byte> bytes) override {
    data.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    return {};
  }
  std::string data;  ///< everything written so far
};

/// Writes to an std::ostream.
class ostream_sink : public byte_sink {
 public:
  explicit ostream_sink(std::ostream& out) noexcept : out_(out) {}
  result<void> write(std::span<const std::byte> bytes) override {
    out_.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    if (!out_) return error(errc::store_io, error::npos, "cannot write the output stream");
    return {};
  }

 private:
  std::ostream& out_;
};

/// The buffer size of copy() and of the store's blob transfers (large: fewer system calls).
inline constexpr std::size_t transfer_buffer_size = std::size_t{1} << 20;

/// Copies everything left in `from` to `to`; the number of bytes copied.
inline result<std::uint64_t> copy(byte_source& from, byte_sink& to,
                                  std::size_t buffer_size = transfer_buffer_size) {
  std::vector<std::byte> buffer(buffer_size);
  std::uint64_t total = 0;
  for (;;) {
    auto n = from.read(buffer);
    if (!n) return n.error();
    if (*n == 0) return total;
    if (auto w = to.write(std::span<const std::byte>(buffer.data(), *n)); !w) return w.error();
    total += *n;
  }
}

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_STREAM_HPP
