// The store's file system protocol, in one place (internal).
//
//   write_file_atomic   temp file (outside every blobs/), write, fsync, rename, fsync the dir
//   link_or_copy        link(); EEXIST is success; EMLINK/EXDEV fall back to a fsynced copy
//   file_lock           flock (never classic fcntl locks), shared or exclusive, held briefly
//   read_file           a whole small file (index.json, a manifest)
#ifndef OCIKIT_STORE_DETAIL_FS_HPP
#define OCIKIT_STORE_DETAIL_FS_HPP

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/file.hpp"
#include "ocikit/store/fault.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::store::detail {

namespace fs = std::filesystem;

using ocikit::unique_fd;

inline error path_error(std::string_view what, const fs::path& p, int err) {
  return io_error(std::string(what) + " '" + p.string() + "'", err);
}

/// A name no other process picks: pid, a counter and random bits.
inline std::string unique_name(std::string_view prefix) {
  static std::atomic<std::uint64_t> counter{0};
  thread_local std::mt19937_64 rng{
      std::random_device{}() ^
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count())};
  std::string s(prefix);
  s += std::to_string(::getpid());
  s += '-';
  s += std::to_string(counter.fetch_add(1));
  s += '-';
  constexpr char hex[] = "0123456789abcdef";
  std::uint64_t r = rng();
  for (int i = 0; i < 12; ++i, r >>= 4) s += hex[r & 0xf];
  return s;
}

inline result<void> fsync_dir(const fs::path& dir) {
  const unique_fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return path_error("cannot open directory", dir, errno);
  if (::fsync(fd.get()) != 0) return path_error("cannot fsync directory", dir, errno);
  return {};
}

inline result<void> make_dirs(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return path_error("cannot create directory", dir, ec.value());
  return {};
}

inline result<void> write_all(int fd, std::string_view bytes, const fs::path& p) {
  const char* data = bytes.data();
  std::size_t left = bytes.size();
  while (left != 0) {
    const ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return path_error("cannot write", p, errno);
    }
    data += n;
    left -= static_cast<std::size_t>(n);
  }
  return {};
}

/// A new file in `tmp_dir` with a unique name, opened for writing.
struct temp_file {
  fs::path path;
  unique_fd fd;
};

inline result<temp_file> create_temp(const fs::path& tmp_dir, std::string_view prefix,
                                     mode_t mode = 0644) {
  for (int attempt = 0; attempt < 8; ++attempt) {
    temp_file t;
    t.path = tmp_dir / unique_name(prefix);
    t.fd = unique_fd(::open(t.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (t.fd) return t;
    if (errno != EEXIST) return path_error("cannot create", t.path, errno);
  }
  return error(errc::store_io, error::npos,
               "cannot create a temporary file in '" + tmp_dir.string() + "'");
}

/// The write protocol: `bytes` into a temporary file of `tmp_dir` (same file system as `dest`,
/// outside every blobs/ directory), fsync, rename over `dest`, fsync `dest`'s directory.
/// `before_rename` (a fault point of the caller's) runs between the fsync and the rename.
/// `durable` false skips both fsyncs (for derived files that are rebuilt when lost: the
/// catalog); the rename still makes the change atomic.
inline result<void> write_file_atomic(const fs::path& dest, std::string_view bytes,
                                      const fs::path& tmp_dir, void (*before_rename)() = nullptr,
                                      mode_t mode = 0644, bool durable = true) {
  auto t = create_temp(tmp_dir, "write-", mode);
  if (!t) return t.error();
  auto cleanup = [&] { ::unlink(t->path.c_str()); };
  if (auto w = write_all(t->fd.get(), bytes, t->path); !w) {
    cleanup();
    return w;
  }
  if (durable && ::fsync(t->fd.get()) != 0) {
    const int err = errno;
    cleanup();
    return path_error("cannot fsync", t->path, err);
  }
  t->fd.reset();
  if (before_rename != nullptr) before_rename();
  if (::rename(t->path.c_str(), dest.c_str()) != 0) {
    const int err = errno;
    cleanup();
    return path_error("cannot rename into", dest, err);
  }
  if (!durable) return {};
  return fsync_dir(dest.parent_path());
}

/// A file open for reading, with its size when it was opened.
struct opened_file {
  unique_fd fd;
  std::size_t size = 0;
};

/// `p` opened for reading (store.not_found when it does not exist).
inline result<opened_file> open_for_reading(const fs::path& p) {
  opened_file f;
  f.fd = unique_fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
  if (!f.fd) {
    if (errno == ENOENT) return error(errc::store_not_found, error::npos, "'" + p.string() + "'");
    return path_error("cannot open", p, errno);
  }
  struct stat st {};
  if (::fstat(f.fd.get(), &st) != 0) return path_error("cannot stat", p, errno);
  f.size = static_cast<std::size_t>(st.st_size);
  return f;
}

/// The bytes of an open file, to its end (which may have moved since `f.size` was taken).
inline result<std::string> read_all(const opened_file& f, const fs::path& p) {
  // One read of the size it had plus a byte, which sees the end unless the file grew.
  std::string out;
  if (const int err = ocikit::detail::read_to_end(f.fd.get(), out, f.size + 1,
                                                  std::numeric_limits<std::size_t>::max());
      err != 0) {
    return path_error("cannot read", p, err);
  }
  return out;
}

/// A whole file (index.json, a manifest, a small metadata file).
inline result<std::string> read_file(const fs::path& p) {
  auto f = open_for_reading(p);
  if (!f) return f.error();
  return read_all(*f, p);
}

/// Bytes that stay valid as long as any copy of this lives: a string, or a read-only mapping of a
/// file (large files are mapped, not copied).
struct shared_text {
  std::shared_ptr<const void> keep;
  std::string_view view;

  static shared_text of(std::string s) {
    auto owned = std::make_shared<const std::string>(std::move(s));
    shared_text t;
    t.view = *owned;
    t.keep = std::move(owned);
    return t;
  }
};

/// A whole file as shared_text: mapped when it is large, read when it is small.
inline result<shared_text> map_file(const fs::path& p) {
  auto f = open_for_reading(p);
  if (!f) return f.error();
  const std::size_t size = f->size;
  if (size < (std::size_t{1} << 18)) {
    auto text = read_all(*f, p);
    if (!text) return text.error();
    return shared_text::of(std::move(*text));
  }
  void* m = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, f->fd.get(), 0);
  if (m == MAP_FAILED) return path_error("cannot map", p, errno);
  shared_text t;
  t.view = std::string_view(static_cast<const char*>(m), size);
  t.keep = std::shared_ptr<const void>(
      m, [size](const void* q) { ::munmap(const_cast<void*>(q), size); });
  return t;
}

/// Copies the file `from` to `dest` by way of a fsynced temporary file in `tmp_dir`.
inline result<void> copy_file_atomic(const fs::path& from, const fs::path& dest,
                                     const fs::path& tmp_dir) {
  auto src = file_source::open(from);
  if (!src) return src.error();
  auto t = create_temp(tmp_dir, "copy-", 0444);
  if (!t) return t.error();
  fd_sink sink(t->fd.get(), "'" + t->path.string() + "'");
  auto n = copy(**src, sink);
  bool ok = n.has_value() && ::fsync(t->fd.get()) == 0;
  t->fd.reset();
  if (ok) ok = ::rename(t->path.c_str(), dest.c_str()) == 0;
  if (!ok) {
    const int err = errno;
    ::unlink(t->path.c_str());
    if (!n) return n.error();
    return path_error("cannot copy into", dest, err);
  }
  return fsync_dir(dest.parent_path());
}

/// How link_or_copy put the file in place.
enum class placed : std::uint8_t { linked, existed, copied };

/// Hard-links `from` at `dest`: EEXIST means the content is there already (a blob's name is its
/// digest); EMLINK (too many links) and EXDEV (another file system) fall back to a copy.
inline result<placed> link_or_copy(const fs::path& from, const fs::path& dest,
                                   const fs::path& tmp_dir) {
  if (::link(from.c_str(), dest.c_str()) == 0) return placed::linked;
  const int err = errno;
  if (err == EEXIST) return placed::existed;
  if (err == EMLINK || err == EXDEV) {
    if (auto c = copy_file_atomic(from, dest, tmp_dir); !c) return c.error();
    return placed::copied;
  }
  return path_error("cannot link into", dest, err);
}

/// The files of a directory (names only; "." and ".." left out); empty when it is missing.
inline std::vector<std::string> list_dir(const std::filesystem::path& dir) {
  std::vector<std::string> out;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return out;
  while (const dirent* e = ::readdir(d)) {
    const std::string_view n = e->d_name;
    if (n == "." || n == "..") continue;
    out.emplace_back(n);
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

/// An flock lock on a lock file, shared or exclusive; released on destruction. The lock file
/// is checked after locking to be the one at the path still (a deleted repository's lock file
/// is never trusted).
class file_lock {
 public:
  file_lock() = default;

  static result<file_lock> acquire(const fs::path& p, bool exclusive) {
    for (;;) {
      unique_fd fd(::open(p.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
      if (!fd) return path_error("cannot open lock file", p, errno);
      int rc = 0;
      do {
        rc = ::flock(fd.get(), exclusive ? LOCK_EX : LOCK_SH);
      } while (rc != 0 && errno == EINTR);
      if (rc != 0) return path_error("cannot lock", p, errno);
      struct stat a {};
      struct stat b {};
      if (::fstat(fd.get(), &a) == 0 && ::stat(p.c_str(), &b) == 0 && a.st_ino == b.st_ino &&
          a.st_dev == b.st_dev) {
        file_lock l;
        l.fd_ = std::move(fd);
        return l;
      }
      // The file was removed or replaced while we waited: lock the current one.
    }
  }
  [[nodiscard]] bool held() const noexcept { return static_cast<bool>(fd_); }
  void release() noexcept { fd_.reset(); }

 private:
  unique_fd fd_;
};

}  // namespace ocikit::store::detail

#endif  // OCIKIT_STORE_DETAIL_FS_HPP
