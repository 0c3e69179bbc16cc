// Hashing beside the copying, on a second thread (internal): what lets a blob's push and pull
// take about the time of the slower of hashing and copying instead of their sum.
//
//   hash_ring ring(slots, slot_size, hash)   `hash(bytes)` runs on a worker thread, in order
//   ring.next()                              the next slot to fill (waits while it is hashed)
//   ring.submit(n)                           its first n bytes go to `hash`; the caller may go
//                                            on reading them (e.g. write them to a file)
//   ring.finish()                            waits until everything submitted is hashed
//   kernel_copy(in, offset, out, size)       `size` bytes of a file to a descriptor in the
//                                            kernel (copy_file_range, sendfile, else read/write)
//
// The first slot is hashed on the caller's thread: a blob of one slot starts no thread. When a
// thread cannot be started, everything is hashed on the caller's thread.
#ifndef OCIKIT_STORE_DETAIL_HASH_PIPELINE_HPP
#define OCIKIT_STORE_DETAIL_HASH_PIPELINE_HPP

#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <new>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/hash_file.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::store::detail {

/// A ring of page-aligned slots whose contents a worker thread hashes in submission order.
class hash_ring {
 public:
  using hash_function = std::function<void(std::span<const std::byte>)>;

  /// `slots` buffers (at least 2) of `slot_size` bytes each; `hash` gets every submitted chunk,
  /// in order, on the worker (or, for the first chunk and when no thread can start, on the
  /// caller's thread).
  hash_ring(std::size_t slots, std::size_t slot_size, hash_function hash)
      : slots_(slots < 2 ? 2 : slots),
        slot_size_(slot_size),
        buffer_(static_cast<std::byte*>(
            ::operator new (slots_* slot_size_, std::align_val_t{ocikit::detail::page_size}))),
        sizes_(slots_, 0),
        hash_(std::move(hash)) {}

  hash_ring(const hash_ring&) = delete;
  hash_ring& operator=(const hash_ring&) = delete;
  ~hash_ring() { finish(); }

  /// The slot to fill next; waits until the worker is done with its previous contents.
  [[nodiscard]] std::span<std::byte> next() {
    if (worker_.joinable()) {
      std::unique_lock lock(mutex_);
      hashed_cv_.wait(lock, [&] { return submitted_ - hashed_ < slots_; });
    }
    return {slot(submitted_), slot_size_};
  }

  /// Hands the first `n` bytes of the slot next() gave to the hash function. Those bytes must
  /// not change until a later next() returns that slot again (reading them is fine).
  void submit(std::size_t n) {
    if (!worker_.joinable() && submitted_ != 0 && !inline_only_) start();
    if (!worker_.joinable()) {
      hash_(std::span<const std::byte>(slot(submitted_), n));
      ++submitted_;
      hashed_ = submitted_;
      return;
    }
    {
      const std::lock_guard lock(mutex_);
      sizes_[submitted_ % slots_] = n;
      ++submitted_;
    }
    submitted_cv_.notify_one();
  }

  /// Waits until every submitted chunk is hashed and stops the worker. Safe to call twice.
  void finish() {
    if (!worker_.joinable()) return;
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    submitted_cv_.notify_one();
    worker_.join();
  }

 private:
  struct aligned_delete {
    void operator()(std::byte* p) const noexcept {
      ::operator delete (p, std::align_val_t{ocikit::detail::page_size});
    }
  };

  std::byte* slot(std::uint64_t i) const noexcept {
    return buffer_.get() + static_cast<std::size_t>(i % slots_) * slot_size_;
  }

  void start() {
    try {
      worker_ = std::thread([this] { run(); });
    } catch (const std::system_error&) {
      inline_only_ = true;  // no thread: hash on the caller's thread
    }
  }

  void run() {
    std::unique_lock lock(mutex_);
    for (;;) {
      submitted_cv_.wait(lock, [&] { return hashed_ < submitted_ || stopping_; });
      if (hashed_ == submitted_) return;  // stopping, and nothing left
      const std::uint64_t i = hashed_;
      const std::size_t n = sizes_[i % slots_];
      lock.unlock();
      hash_(std::span<const std::byte>(slot(i), n));
      lock.lock();
      ++hashed_;
      hashed_cv_.notify_one();
    }
  }

  const std::size_t slots_;
  const std::size_t slot_size_;
  std::unique_ptr<std::byte, aligned_delete> buffer_;
  std::vector<std::size_t> sizes_;
  hash_function hash_;
  std::mutex mutex_;
  std::condition_variable submitted_cv_;
  std::condition_variable hashed_cv_;
  std::uint64_t submitted_ = 0;  // chunks handed over (written by the caller)
  std::uint64_t hashed_ = 0;     // chunks hashed (written by the worker)
  bool stopping_ = false;
  bool inline_only_ = false;
  std::thread worker_;
};

/// Copies `size` bytes of the file `in` from `offset` to the descriptor `out` (at its current
/// position) without passing them through user space when the kernel can: copy_file_range
/// between regular files, else sendfile, else read and write. Returns the bytes copied, fewer
/// than `size` when the file ends early; store.io when a read or write fails.
inline result<std::uint64_t> kernel_copy(int in, std::uint64_t offset, int out, std::uint64_t size,
                                         std::string_view out_name) {
  std::uint64_t done = 0;
  auto in_off = static_cast<off_t>(offset);
  constexpr std::uint64_t chunk = std::uint64_t{1} << 30;
  enum class way { copy_file_range, sendfile, read_write } how = way::copy_file_range;
  struct stat st {};
  if (::fstat(out, &st) != 0 || !S_ISREG(st.st_mode)) how = way::sendfile;
  std::vector<char> buffer;
  fd_sink sink(out, std::string(out_name));
  while (done < size) {
    const auto want = static_cast<std::size_t>(std::min(size - done, chunk));
    ssize_t n = -1;
    switch (how) {
      case way::copy_file_range: n = ::copy_file_range(in, &in_off, out, nullptr, want, 0); break;
      case way::sendfile: n = ::sendfile(out, in, &in_off, want); break;
      case way::read_write: {
        if (buffer.empty()) buffer.resize(ocikit::detail::file_block_size);
        n = ::pread(in, buffer.data(), std::min(want, buffer.size()), in_off);
        if (n > 0) {
          auto w = sink.write(std::span<const std::byte>(
              reinterpret_cast<const std::byte*>(buffer.data()), static_cast<std::size_t>(n)));
          if (!w) return w.error();
          in_off += n;
        }
        break;
      }
    }
    if (n < 0) {
      const int err = errno;
      if (err == EINTR || err == EAGAIN) continue;
      // Not possible between these descriptors: the next way, from where it stopped (an
      // unsupported copy fails before it writes anything).
      const bool unsupported = err == EINVAL || err == ENOSYS || err == EXDEV || err == EBADF ||
                               err == EOPNOTSUPP || err == ETXTBSY;
      if (unsupported && how != way::read_write) {
        how = how == way::copy_file_range ? way::sendfile : way::read_write;
        continue;
      }
      return io_error("cannot copy to " + std::string(out_name), err);
    }
    if (n == 0) break;  // the end of the file
    done += static_cast<std::uint64_t>(n);
  }
  return done;
}

}  // namespace ocikit::store::detail

#endif  // OCIKIT_STORE_DETAIL_HASH_PIPELINE_HPP
