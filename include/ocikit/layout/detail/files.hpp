// What ocikit/layout/ adds to the store's file system protocol (ocikit/store/detail/fs.hpp:
// temp file, fsync, rename, fsync the directory): layout errors, bounded reads, and a temp
// file that streams a blob and is removed unless it is committed. Internal to ocikit.
#ifndef OCIKIT_LAYOUT_DETAIL_FILES_HPP
#define OCIKIT_LAYOUT_DETAIL_FILES_HPP

#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ocikit/error.hpp"
#include "ocikit/store/detail/fs.hpp"

namespace ocikit::layout::detail {

namespace sfs = store::detail;

inline error invalid(const std::filesystem::path& dir, std::string why) {
  return {errc::layout_invalid, error::npos, "'" + dir.string() + "': " + std::move(why)};
}

/// The whole of a file of at most `limit` bytes; layout.not_found when it does not exist.
inline result<std::string> read_small_file(const std::filesystem::path& path, std::size_t limit) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > limit) {
    return error(errc::json_too_large, error::npos,
                 "'" + path.string() + "' is larger than " + std::to_string(limit) + " bytes");
  }
  auto text = sfs::read_file(path);
  if (!text && text.error().code() == errc::store_not_found) {
    return error(errc::layout_not_found, error::npos, path.string());
  }
  return text;
}

/// A temporary file in a directory, removed unless committed under its final name.
class temp_file {
 public:
  static result<temp_file> create(const std::filesystem::path& dir, std::string_view prefix) {
    auto t = sfs::create_temp(dir, prefix);
    if (!t) return t.error();
    return temp_file(std::move(*t));
  }
  temp_file(temp_file&& o) noexcept : t_(std::move(o.t_)), done_(std::exchange(o.done_, true)) {}
  temp_file& operator=(temp_file&&) = delete;
  temp_file(const temp_file&) = delete;
  temp_file& operator=(const temp_file&) = delete;
  ~temp_file() {
    if (!done_) {
      t_.fd.reset();
      ::unlink(t_.path.c_str());
    }
  }

  result<void> write(std::span<const std::byte> bytes) {
    return sfs::write_all(
        t_.fd.get(), std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
        t_.path);
  }

  /// fsync, close, rename to `target` (replacing it), fsync target's directory.
  result<void> commit(const std::filesystem::path& target) {
    if (::fsync(t_.fd.get()) != 0) return sfs::path_error("cannot fsync", t_.path, errno);
    t_.fd.reset();
    if (::rename(t_.path.c_str(), target.c_str()) != 0) {
      return sfs::path_error("cannot rename into", target, errno);
    }
    done_ = true;
    return sfs::fsync_dir(target.parent_path());
  }

 private:
  explicit temp_file(sfs::temp_file t) noexcept : t_(std::move(t)) {}
  sfs::temp_file t_;
  bool done_ = false;
};

}  // namespace ocikit::layout::detail

#endif  // OCIKIT_LAYOUT_DETAIL_FILES_HPP
