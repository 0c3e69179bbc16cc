// Streaming content hashing and verification on OpenSSL 3 EVP (OCI image-spec "Digests",
// section "Verification": compare the size first, then the digest of the exact bytes).
//
//   ocikit::hasher    — sha256 / sha384 / sha512 over any number of update() calls
//   ocikit::digester  — a hasher that also counts the bytes
//   ocikit::verifier  — checks bytes against an expected digest and size
//   ocikit::hash_bytes(alg, bytes)            -> result<digest>
//   ocikit::hash_stream(in, alg)              -> result<digest>
// Files and file descriptors: ocikit/hash_file.hpp (hash_file, hash_fd).
//
// blake3 is known to the digest parser but never hashed: asking for it gives `hash.unavailable`.
// Each EVP_MD is fetched once per process (the first time it is needed) and freed at exit.
//
// Example:
//   ocikit::hasher h(ocikit::digest_algorithm::sha256);
//   h.update("a");
//   h.update("bc");
//   h.finish().string() ==
//       "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
#ifndef OCIKIT_HASH_HPP
#define OCIKIT_HASH_HPP

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <istream>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"

namespace ocikit {

namespace detail {

// One EVP_MD fetched from the default library context, owned for the life of the process.
// OpenSSL registers its exit handler before the fetch, so this static is destroyed (and the
// EVP_MD freed) before OpenSSL cleans up.
struct fetched_md {
  explicit fetched_md(const char* name) noexcept
      : md(OPENSSL_init_crypto(0, nullptr) == 1 ? EVP_MD_fetch(nullptr, name, nullptr) : nullptr) {
    if (md == nullptr) {
      ERR_error_string_n(ERR_peek_last_error(), reason.data(), reason.size());
      ERR_clear_error();
    }
  }
  ~fetched_md() { EVP_MD_free(md); }
  fetched_md(const fetched_md&) = delete;
  fetched_md& operator=(const fetched_md&) = delete;

  EVP_MD* md;
  std::array<char, 200> reason{};
};

// The fetched EVP_MD of a hashable algorithm (one function-local static each), or nullptr.
inline const fetched_md* fetched(digest_algorithm a) noexcept {
  switch (a) {
    case digest_algorithm::sha256: {
      static const fetched_md m("SHA2-256");
      return &m;
    }
    case digest_algorithm::sha384: {
      static const fetched_md m("SHA2-384");
      return &m;
    }
    case digest_algorithm::sha512: {
      static const fetched_md m("SHA2-512");
      return &m;
    }
    case digest_algorithm::blake3: break;
  }
  return nullptr;
}

// The EVP_MD of `a`, or hash.unavailable (blake3, or an OpenSSL without the algorithm).
inline result<const EVP_MD*> md_of(digest_algorithm a) {
  const fetched_md* f = fetched(a);
  if (f == nullptr) {
    return error(
        errc::hash_unavailable, error::npos,
        std::string(to_string(a)) + " (ocikit validates such digests but does not compute them)");
  }
  if (f->md == nullptr) {
    return error(errc::hash_unavailable, error::npos,
                 std::string(to_string(a)) + " (OpenSSL: " + f->reason.data() + ")");
  }
  return f->md;
}

// hash.failed for an EVP call that returned an error; `code` is OpenSSL's first queued error.
inline error openssl_failure(const char* call, unsigned long code) {
  std::string d(call);
  d += " failed";
  if (code != 0) {
    std::array<char, 200> text{};
    ERR_error_string_n(code, text.data(), text.size());
    d += " (";
    d += text.data();
    d += ')';
  }
  return {errc::hash_failed, error::npos, std::move(d)};
}

struct md_ctx_deleter {
  void operator()(EVP_MD_CTX* ctx) const noexcept { EVP_MD_CTX_free(ctx); }
};
using md_ctx_ptr = std::unique_ptr<EVP_MD_CTX, md_ctx_deleter>;

// A contiguous range of chars that is not a string (those take the string_view overload):
// std::span<char>, std::span<const char>, std::vector<char>, std::array<char, N>.
template <class Chars>
concept char_span_like = std::is_constructible_v < std::span<const char>,
const Chars& > &&!std::is_convertible_v<const Chars&, std::string_view>;

// The update() overloads of hasher, digester and verifier, forwarded to Derived::write.
template <class Derived, class R>
class byte_sink {
  static constexpr bool nothrow = std::is_void_v<R>;

 public:
  /// Adds bytes to the message. Example: `h.update(std::as_bytes(std::span(buffer)));`
  R update(std::span<const std::byte> bytes) noexcept(nothrow) {
    return self().write(bytes.data(), bytes.size());
  }
  /// Adds the bytes of a string. Example: `h.update("abc");`
  R update(std::string_view bytes) noexcept(nothrow) {
    return self().write(bytes.data(), bytes.size());
  }
  /// Adds unsigned bytes. Example: `h.update(std::span<const unsigned char>(vec));`
  R update(std::span<const unsigned char> bytes) noexcept(nothrow) {
    return self().write(bytes.data(), bytes.size());
  }
  /// Adds chars: std::span<char>, std::span<const char>, std::vector<char>, ...
  /// Example: `std::vector<char> buffer(n); h.update(std::span(buffer).first(got));`
  template <char_span_like Chars>
  R update(const Chars& chars) noexcept(nothrow) {
    const std::span<const char> s(chars);
    return self().write(s.data(), s.size());
  }

 private:
  Derived& self() noexcept { return static_cast<Derived&>(*this); }
};

}  // namespace detail

class digester;

/// Streaming sha256 / sha384 / sha512 over OpenSSL EVP. Movable, not copyable.
///
/// After finish() the hasher is ready for a new message: the next update() (or finish()) starts
/// over, as if reset() had been called. An OpenSSL failure (not expected with the built-in
/// providers) is kept until reset() and reported by finish(). A moved-from hasher reports an
/// error from finish() until reset().
///
/// Example:
///   ocikit::hasher h(ocikit::digest_algorithm::sha256);
///   h.update("abc");
///   ocikit::digest d = h.finish();  // sha256:ba7816bf…
class hasher : public detail::byte_sink<hasher, void> {
 public:
  /// A hasher for `a`, or hash.unavailable (blake3).
  /// Example: `auto h = ocikit::hasher::create(ocikit::digest_algorithm::sha512); if (h) ...`
  static result<hasher> create(digest_algorithm a) {
    auto md = detail::md_of(a);
    if (!md) return md.error();
    detail::md_ctx_ptr ctx(EVP_MD_CTX_new());
    if (ctx == nullptr) return detail::openssl_failure("EVP_MD_CTX_new", ERR_get_error());
    if (EVP_DigestInit_ex2(ctx.get(), *md, nullptr) != 1) {
      const unsigned long code = ERR_get_error();
      ERR_clear_error();
      return detail::openssl_failure("EVP_DigestInit_ex2", code);
    }
    return hasher(a, *md, std::move(ctx));
  }

  /// Throwing form of create(): throws ocikit::system_error (hash.unavailable for blake3).
  /// Example: `ocikit::hasher h(ocikit::digest_algorithm::sha384);`
  explicit hasher(digest_algorithm a) : hasher(create(a).value()) {}

  /// Moves the message in progress; `other` then reports an error until reset().
  /// Example: `ocikit::hasher h2 = std::move(h);`
  hasher(hasher&& other) noexcept
      : ctx_(std::move(other.ctx_)),
        md_(other.md_),
        alg_(other.alg_),
        state_(std::exchange(other.state_, state::moved_from)),
        failed_call_(other.failed_call_),
        failed_code_(other.failed_code_) {}
  /// Move assignment: as the move constructor. Example: `h2 = std::move(h);`
  hasher& operator=(hasher&& other) noexcept {
    if (this != &other) {
      ctx_ = std::move(other.ctx_);
      md_ = other.md_;
      alg_ = other.alg_;
      state_ = std::exchange(other.state_, state::moved_from);
      failed_call_ = other.failed_call_;
      failed_code_ = other.failed_code_;
    }
    return *this;
  }
  hasher(const hasher&) = delete;
  hasher& operator=(const hasher&) = delete;
  ~hasher() = default;

  /// The algorithm. Example: `h.algorithm() == ocikit::digest_algorithm::sha256`
  [[nodiscard]] digest_algorithm algorithm() const noexcept { return alg_; }

  /// Ends the message and returns its digest, or the OpenSSL failure met on the way.
  /// Example: `h.update("abc"); auto d = h.try_finish(); if (d) puts(d->str().c_str());`
  [[nodiscard]] result<digest> try_finish() {
    if (state_ == state::finished) restart();
    if (OCIKIT_UNLIKELY(state_ != state::open)) return failure();
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int len = 0;
    if (OCIKIT_UNLIKELY(EVP_DigestFinal_ex(ctx_.get(), out.data(), &len) != 1)) {
      fail("EVP_DigestFinal_ex");
      return failure();
    }
    state_ = state::finished;
    return digest::from_bytes(alg_, std::span<const unsigned char>(out.data(), len));
  }

  /// Ends the message and returns its digest; throws ocikit::system_error on an OpenSSL failure.
  /// Example: `h.update("abc"); ocikit::digest d = h.finish();`
  [[nodiscard]] digest finish() { return try_finish().value(); }

  /// Discards the bytes given so far (and any failure) and starts a new message.
  /// Example: `h.update("oops"); h.reset(); h.update("abc");`
  void reset() noexcept {
    if (ctx_ == nullptr) ctx_.reset(EVP_MD_CTX_new());
    state_ = state::open;
    if (ctx_ == nullptr) {
      fail("EVP_MD_CTX_new");
      return;
    }
    restart();
  }

 private:
  friend class detail::byte_sink<hasher, void>;
  friend class digester;

  enum class state : std::uint8_t { open, finished, failed, moved_from };

  hasher(digest_algorithm a, const EVP_MD* md, detail::md_ctx_ptr ctx) noexcept
      : ctx_(std::move(ctx)), md_(md), alg_(a) {}

  void write(const void* data, std::size_t size) noexcept {
    if (OCIKIT_UNLIKELY(state_ != state::open)) {
      if (state_ != state::finished) return;
      restart();
    }
    if (OCIKIT_UNLIKELY(EVP_DigestUpdate(ctx_.get(), data, size) != 1)) fail("EVP_DigestUpdate");
  }

  // Starts a new message on the existing context (cheap: no allocation for the same EVP_MD).
  void restart() noexcept {
    state_ = state::open;
    if (OCIKIT_UNLIKELY(EVP_DigestInit_ex2(ctx_.get(), md_, nullptr) != 1)) {
      fail("EVP_DigestInit_ex2");
    }
  }

  void fail(const char* call) noexcept {
    state_ = state::failed;
    failed_call_ = call;
    failed_code_ = ERR_get_error();
    ERR_clear_error();
  }

  [[nodiscard]] error failure() const {
    if (state_ == state::moved_from) {
      return {errc::hash_failed, error::npos, "the hasher was moved from"};
    }
    return detail::openssl_failure(failed_call_, failed_code_);
  }

  detail::md_ctx_ptr ctx_;
  const EVP_MD* md_ = nullptr;
  digest_algorithm alg_ = digest_algorithm::sha256;
  state state_ = state::open;
  const char* failed_call_ = "";
  unsigned long failed_code_ = 0;
};

/// A hasher that also counts the bytes: the digest and the size of a blob in one pass.
/// size() keeps the finished message's size until the next update() starts a new message.
///
/// Example:
///   ocikit::digester d(ocikit::digest_algorithm::sha256);
///   d.update("abc");
///   ocikit::digest value = d.finish();  // d.size() == 3
class digester : public detail::byte_sink<digester, void> {
 public:
  /// A digester for `a`, or hash.unavailable (blake3).
  /// Example: `auto d = ocikit::digester::create(ocikit::digest_algorithm::sha256);`
  static result<digester> create(digest_algorithm a) {
    auto h = hasher::create(a);
    if (!h) return h.error();
    return digester(std::move(*h));
  }

  /// Throwing form of create(). Example: `ocikit::digester d(ocikit::digest_algorithm::sha512);`
  explicit digester(digest_algorithm a) : hasher_(a) {}

  /// The algorithm. Example: `d.algorithm() == ocikit::digest_algorithm::sha256`
  [[nodiscard]] digest_algorithm algorithm() const noexcept { return hasher_.algorithm(); }

  /// Bytes of the current (or just finished) message. Example: `d.update("abc"); d.size() == 3`
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// Ends the message and returns its digest, or an OpenSSL failure; size() stays available.
  /// Example: `auto v = d.try_finish(); if (v) std::cout << v->string() << ' ' << d.size();`
  [[nodiscard]] result<digest> try_finish() {
    if (hasher_.state_ == hasher::state::finished) size_ = 0;
    return hasher_.try_finish();
  }

  /// Ends the message and returns its digest; throws ocikit::system_error on an OpenSSL failure.
  /// Example: `ocikit::digest v = d.finish(); std::uint64_t n = d.size();`
  [[nodiscard]] digest finish() { return try_finish().value(); }

  /// Discards the bytes given so far and starts a new message (size() becomes 0).
  /// Example: `d.reset(); d.size() == 0`
  void reset() noexcept {
    hasher_.reset();
    size_ = 0;
  }

 private:
  friend class detail::byte_sink<digester, void>;

  explicit digester(hasher h) noexcept : hasher_(std::move(h)) {}

  void write(const void* data, std::size_t size) noexcept {
    if (OCIKIT_UNLIKELY(hasher_.state_ == hasher::state::finished)) size_ = 0;
    size_ += size;
    hasher_.write(data, size);
  }

  hasher hasher_;
  std::uint64_t size_ = 0;
};

/// Checks content against an expected digest (its algorithm chooses the hash) and, optionally,
/// an expected size, the way a registry client checks a blob against its descriptor.
/// verify() reports a size mismatch before a digest mismatch; update() reports early when more
/// bytes arrive than expected (and stops hashing, since the content can no longer match).
///
/// Example:
///   auto expected = ocikit::digest::parse(descriptor_digest).value();
///   ocikit::verifier v(expected, descriptor_size);
///   while (read a chunk) if (auto r = v.update(chunk); !r) return r.error();
///   if (auto r = v.verify(); !r) return r.error();  // content.size_mismatch / digest_mismatch
class verifier : public detail::byte_sink<verifier, result<void>> {
 public:
  /// The expected size when it is not known: only the digest is checked.
  static constexpr std::int64_t unknown_size = -1;

  /// A verifier, or hash.unavailable when the expected digest's algorithm cannot be computed
  /// (blake3, or an algorithm ocikit does not know). A negative size means unknown_size.
  /// Example: `auto v = ocikit::verifier::create(d, 1024); if (!v) return v.error();`
  static result<verifier> create(digest_view expected, std::int64_t expected_size = unknown_size) {
    const auto alg = expected.known_algorithm();
    if (!alg) {
      return error(errc::hash_unavailable, error::npos,
                   std::string(expected.algorithm()) + " (not an algorithm ocikit knows)");
    }
    auto h = hasher::create(*alg);
    if (!h) return h.error();
    return verifier(std::move(*h), digest(expected), expected_size);
  }

  /// Throwing form of create().
  /// Example: `ocikit::verifier v(ocikit::digest::parse(text).value(), 1024);`
  explicit verifier(digest_view expected, std::int64_t expected_size = unknown_size)
      : verifier(create(expected, expected_size).value()) {}

  /// The expected digest. Example: `v.expected().string()`
  [[nodiscard]] const digest& expected() const noexcept { return expected_; }
  /// The expected size, or unknown_size. Example: `v.expected_size() == 1024`
  [[nodiscard]] std::int64_t expected_size() const noexcept { return expected_size_; }
  /// Bytes given so far (all of them, also those past the expected size).
  /// Example: `v.update("abc"); v.size() == 3`
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  /// content.size_mismatch "expected <expected> bytes, got <qualifier><actual>", the error of
  /// verify() (and of update() with the qualifier "at least ") for a size that differs.
  /// Example: `verifier::size_mismatch_error(3, 4).message()` says "expected 3 bytes, got 4".
  [[nodiscard]] static error size_mismatch_error(std::int64_t expected, std::uint64_t actual,
                                                 std::string_view qualifier = {}) {
    return {errc::content_size_mismatch, error::npos,
            "expected " + std::to_string(expected) + " bytes, got " + std::string(qualifier) +
                std::to_string(actual)};
  }

  /// The verdict, once all bytes have been given: content.size_mismatch ("expected 3 bytes, got
  /// 4") if the size differs, else content.digest_mismatch ("expected sha256:…, got sha256:…")
  /// if the digest differs, else success. Later calls give the same verdict.
  /// Example: `if (auto r = v.verify(); !r) std::cerr << r.error().message() << '\n';`
  result<void> verify() {
    done_ = true;
    if (size_known() && size_ != static_cast<std::uint64_t>(expected_size_)) {
      return size_mismatch("");
    }
    if (actual_.empty()) {
      auto d = hasher_.try_finish();
      if (!d) return d.error();
      actual_ = std::move(*d);
    }
    if (actual_ != expected_) {
      return error(errc::content_digest_mismatch, error::npos,
                   "expected " + expected_.str() + ", got " + actual_.str());
    }
    return {};
  }

 private:
  friend class detail::byte_sink<verifier, result<void>>;

  verifier(hasher h, digest expected, std::int64_t expected_size) noexcept
      : hasher_(std::move(h)),
        expected_(std::move(expected)),
        expected_size_(expected_size < 0 ? unknown_size : expected_size) {}

  [[nodiscard]] bool size_known() const noexcept { return expected_size_ >= 0; }

  [[nodiscard]] error size_mismatch(std::string_view qualifier) const {
    return size_mismatch_error(expected_size_, size_, qualifier);
  }

  result<void> write(const void* data, std::size_t size) {
    if (OCIKIT_UNLIKELY(done_)) {
      return error(errc::hash_failed, error::npos, "update() after verify()");
    }
    size_ += size;
    if (size_known() && size_ > static_cast<std::uint64_t>(expected_size_)) {
      return size_mismatch("at least ");
    }
    hasher_.update(std::span<const std::byte>(static_cast<const std::byte*>(data), size));
    return {};
  }

  hasher hasher_;
  digest expected_;
  digest actual_;
  std::int64_t expected_size_ = unknown_size;
  std::uint64_t size_ = 0;
  bool done_ = false;
};

namespace detail {

#if !defined(OPENSSL_NO_DEPRECATED_3_0)
#define OCIKIT_HAS_SHA256_BLOCKS 1
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
// The SHA-256 of one buffer in memory by OpenSSL's SHA256_* functions: the same block code as the
// EVP path (SHA-NI where the CPU has it) without EVP's per-message provider dispatch, about
// 60 ns (a tenth of a 1 KB manifest's digest). OpenSSL 3 deprecates these functions but keeps
// them; a build that drops them (OPENSSL_NO_DEPRECATED_3_0) hashes through EVP instead.
//
// The bytes can be fed in steps (`operator()`): SHA-256 is one long chain of dependent
// instructions, so a caller that reads the same buffer (parse_manifest's JSON parse) feeds a
// block or two at each step of its own, and the processor runs both side by side.
class sha256_blocks {
 public:
  explicit sha256_blocks(std::span<const std::byte> bytes) noexcept
      : next_(bytes.data()), end_(bytes.data() + bytes.size()) {
    SHA256_Init(&ctx_);
  }
  // Hashes the whole 64-byte blocks before `reached` that are not hashed yet (`reached` points
  // into the buffer).
  void operator()(const char* reached) noexcept {
    const auto* r = reinterpret_cast<const std::byte*>(reached);
    if (r - next_ >= block) {
      const auto n = static_cast<std::size_t>(r - next_) & ~std::size_t{block - 1};
      SHA256_Update(&ctx_, next_, n);
      next_ += n;
    }
  }
  // Hashes the rest and returns the buffer's digest.
  digest finish() {
    SHA256_Update(&ctx_, next_, static_cast<std::size_t>(end_ - next_));
    next_ = end_;
    std::array<unsigned char, SHA256_DIGEST_LENGTH> md{};
    SHA256_Final(md.data(), &ctx_);
    return digest::from_bytes(digest_algorithm::sha256, md);
  }

 private:
  static constexpr std::ptrdiff_t block = 64;
  SHA256_CTX ctx_{};
  const std::byte* next_;
  const std::byte* end_;
};
#pragma GCC diagnostic pop
#endif

}  // namespace detail

/// The digest of a buffer, or hash.unavailable for blake3.
/// Example: `ocikit::hash_bytes(ocikit::digest_algorithm::sha256, std::as_bytes(std::span(v)))`
inline result<digest> hash_bytes(digest_algorithm a, std::span<const std::byte> bytes) {
#if defined(OCIKIT_HAS_SHA256_BLOCKS)
  if (a == digest_algorithm::sha256) return detail::sha256_blocks(bytes).finish();
#endif
  auto h = hasher::create(a);
  if (!h) return h.error();
  h->update(bytes);
  return h->try_finish();
}

/// The digest of a string's bytes.
/// Example: `ocikit::hash_bytes(ocikit::digest_algorithm::sha256, "abc")->string()`
/// == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
inline result<digest> hash_bytes(digest_algorithm a, std::string_view bytes) {
  return hash_bytes(a, std::as_bytes(std::span<const char>(bytes.data(), bytes.size())));
}

/// The digest of unsigned bytes.
/// Example: `std::vector<unsigned char> v{'a'}; ocikit::hash_bytes(alg, std::span(v))`
inline result<digest> hash_bytes(digest_algorithm a, std::span<const unsigned char> bytes) {
  return hash_bytes(a, std::as_bytes(bytes));
}

namespace detail {
/// Feeds everything left in `in` to `sink.update(string_view)` in 64 KiB blocks (constant
/// memory); io.failed when the stream fails (badbit) or is already in a failed state.
template <class Sink>
result<void> feed_stream(std::istream& in, Sink& sink) {
  if (!in) {
    return error(errc::io_failed, error::npos, "cannot read stream: it is in a failed state");
  }
  std::vector<char> buffer(std::size_t{1} << 16);
  for (;;) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = in.gcount();
    if (n > 0) sink.update(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
    if (!in) break;
  }
  if (in.bad()) return error(errc::io_failed, error::npos, "cannot read stream: read error");
  return {};
}
}  // namespace detail

/// The digest of everything left in a stream; io.failed when the stream fails (badbit) or is
/// already in a failed state.
/// Example: `std::istringstream in("abc"); auto d = ocikit::hash_stream(in);`
inline result<digest> hash_stream(std::istream& in, digest_algorithm a = digest_algorithm::sha256) {
  auto h = hasher::create(a);
  if (!h) return h.error();
  if (auto fed = detail::feed_stream(in, *h); !fed) return fed.error();
  return h->try_finish();
}

}  // namespace ocikit

#endif  // OCIKIT_HASH_HPP
