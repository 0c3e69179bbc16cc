// The file system protocol of ocikit/layout/: small reads, and durable writes (a temp file in the
// target's directory, fsync, rename, fsync of the directory), so that a crash leaves the old
// file or the new one, never half of one. Internal to ocikit.
#ifndef OCIKIT_LAYOUT_DETAIL_FILES_HPP
#define OCIKIT_LAYOUT_DETAIL_FILES_HPP

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ocikit/error.hpp"

namespace ocikit::layout::detail {

inline error io(std::string what, const std::filesystem::path& path, int err) {
  what += " '";
  what += path.string();
  what += "': ";
  what += std::generic_category().message(err);
  return {errc::io_failed, error::npos, std::move(what)};
}

inline error invalid(const std::filesystem::path& dir, std::string why) {
  return {errc::layout_invalid, error::npos, "'" + dir.string() + "': " + std::move(why)};
}

/// Closes a descriptor it owns.
class unique_fd {
 public:
  explicit unique_fd(int fd = -1) noexcept : fd_(fd) {}
  unique_fd(unique_fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  unique_fd& operator=(unique_fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
  }
  unique_fd(const unique_fd&) = delete;
  unique_fd& operator=(const unique_fd&) = delete;
  ~unique_fd() { reset(); }
  [[nodiscard]] int get() const noexcept { return fd_; }
  void reset() noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

/// The whole of a small file; layout.not_found when it does not exist, io.failed otherwise.
inline result<std::string> read_small_file(const std::filesystem::path& path, std::size_t limit) {
  const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return error(errc::layout_not_found, error::npos, path.string());
    return io("cannot open", path, errno);
  }
  std::string out;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io("cannot read", path, errno);
    }
    if (n == 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
    if (out.size() > limit) {
      return error(errc::json_too_large, error::npos,
                   "'" + path.string() + "' is larger than " + std::to_string(limit) + " bytes");
    }
  }
  return out;
}

inline result<void> write_all(int fd, std::span<const std::byte> bytes,
                              const std::filesystem::path& path) {
  const std::byte* p = bytes.data();
  std::size_t left = bytes.size();
  while (left != 0) {
    const ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io("cannot write", path, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  return {};
}

inline result<void> fsync_path(const std::filesystem::path& path) {
  const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_DIRECTORY));
  if (fd.get() < 0) return io("cannot open", path, errno);
  if (::fsync(fd.get()) != 0) return io("cannot sync", path, errno);
  return {};
}

/// Creates `dir` and its missing parents.
inline result<void> make_directories(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return io("cannot create the directory", dir, ec.value());
  return {};
}

/// A temporary file in a directory, removed unless committed under its final name.
class temp_file {
 public:
  /// Creates `<dir>/.<stem>-<pid>-<n>.tmp` (mode 0644, exclusive).
  static result<temp_file> create(const std::filesystem::path& dir, std::string_view stem) {
    static std::atomic<std::uint64_t> counter{0};
    for (int attempt = 0; attempt < 100; ++attempt) {
      temp_file t;
      t.path_ = dir / ("." + std::string(stem) + "-" + std::to_string(::getpid()) + "-" +
                       std::to_string(counter.fetch_add(1)) + ".tmp");
      t.fd_ = unique_fd(::open(t.path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644));
      if (t.fd_.get() >= 0) return t;
      if (errno != EEXIST) return io("cannot create", t.path_, errno);
    }
    return io("cannot create a temporary file in", dir, EEXIST);
  }
  temp_file(temp_file&& o) noexcept
      : path_(std::move(o.path_)), fd_(std::move(o.fd_)), done_(std::exchange(o.done_, true)) {}
  temp_file& operator=(temp_file&&) = delete;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() {
    if (!done_) {
      fd_.reset();
      ::unlink(path_.c_str());
    }
  }

  [[nodiscard]] int fd() const noexcept { return fd_.get(); }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  result<void> write(std::span<const std::byte> bytes) {
    return write_all(fd_.get(), bytes, path_);
  }

  /// fsync, close, rename to `target` (replacing it), fsync target's directory.
  result<void> commit(const std::filesystem::path& target) {
    if (::fsync(fd_.get()) != 0) return io("cannot sync", path_, errno);
    fd_.reset();
    if (::rename(path_.c_str(), target.c_str()) != 0) return io("cannot rename to", target, errno);
    done_ = true;
    return fsync_path(target.parent_path());
  }

 private:
  temp_file() = default;
  std::filesystem::path path_;
  unique_fd fd_;
  bool done_ = false;
};

/// Writes `bytes` to `target` durably (temp file, fsync, rename, fsync the directory).
inline result<void> write_file_atomically(const std::filesystem::path& target,
                                          std::string_view bytes) {
  auto t = temp_file::create(target.parent_path(), target.filename().string());
  if (!t) return t.error();
  if (auto w = t->write(std::as_bytes(std::span<const char>(bytes.data(), bytes.size()))); !w) {
    return w.error();
  }
  return t->commit(target);
}

}  // namespace ocikit::layout::detail

#endif  // OCIKIT_LAYOUT_DETAIL_FILES_HPP
