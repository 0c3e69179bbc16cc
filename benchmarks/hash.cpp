// SHA-256 throughput: ocikit::hasher against raw OpenSSL EVP on the same buffers, and hash_file
// on a 256 MiB file in the page cache.
//
//   bench_hash --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// Target: hasher >= 95% of raw EVP throughput (compare the bytes_per_second columns).
#include "ocikit/hash.hpp"
#include "ocikit/hash_file.hpp"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

std::vector<unsigned char> make_buffer(std::size_t n) {
  std::vector<unsigned char> v(n);
  std::uint32_t x = 2463534242U;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<unsigned char>(x);
  }
  return v;
}

const std::vector<unsigned char>& buffer(std::size_t n) {
  static const std::vector<unsigned char> big = make_buffer(std::size_t{1} << 20);
  static const std::vector<unsigned char> small = make_buffer(std::size_t{4} << 10);
  return n == big.size() ? big : small;
}

// One whole digest per buffer through ocikit::hasher (update + finish, hex digest included).
void bm_hasher_sha256(benchmark::State& state) {
  const auto& buf = buffer(static_cast<std::size_t>(state.range(0)));
  ocikit::hasher h(ocikit::digest_algorithm::sha256);
  for (auto _ : state) {
    h.update(std::span<const unsigned char>(buf));
    ocikit::digest d = h.finish();
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(buf.size()));
}

// The same through raw EVP: EVP_MD fetched once, one context reused, raw digest bytes only.
void bm_raw_evp_sha256(benchmark::State& state) {
  const auto& buf = buffer(static_cast<std::size_t>(state.range(0)));
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  for (auto _ : state) {
    EVP_DigestInit_ex2(ctx, md, nullptr);
    EVP_DigestUpdate(ctx, buf.data(), buf.size());
    EVP_DigestFinal_ex(ctx, out, &len);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(buf.size()));
}

// A fresh hasher per digest (create + update + finish), as hash_bytes does.
void bm_hash_bytes_sha256(benchmark::State& state) {
  const auto& buf = buffer(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto d = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, std::span(buf));
    benchmark::DoNotOptimize(d);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(buf.size()));
}

// A 256 MiB file written once and read once so that it sits in the page cache; removed at exit.
class page_cached_file {
 public:
  static const std::filesystem::path& path() {
    static const page_cached_file file;
    return file.path_;
  }
  page_cached_file(const page_cached_file&) = delete;
  page_cached_file& operator=(const page_cached_file&) = delete;

 private:
  page_cached_file()
      : path_(std::filesystem::temp_directory_path() /
              ("ocikit_bench_hash_" + std::to_string(::getpid()))) {
    const auto& block = buffer(std::size_t{1} << 20);
    std::ofstream out(path_, std::ios::binary);
    for (int i = 0; i < 256; ++i) {
      out.write(reinterpret_cast<const char*>(block.data()),
                static_cast<std::streamsize>(block.size()));
    }
    out.close();
    (void)ocikit::hash_file(path_);  // warm the page cache
  }
  ~page_cached_file() {
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }
  std::filesystem::path path_;
};

void bm_hash_file_sha256(benchmark::State& state) {
  const auto& path = page_cached_file::path();
  std::uint64_t size = 0;
  for (auto _ : state) {
    auto r = ocikit::hash_file(path);
    if (!r) {
      state.SkipWithError(r.error().message().c_str());
      break;
    }
    size = r->size;
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(size));
}

}  // namespace

BENCHMARK(bm_raw_evp_sha256)->Arg(1 << 20)->Arg(4 << 10);
BENCHMARK(bm_hasher_sha256)->Arg(1 << 20)->Arg(4 << 10);
BENCHMARK(bm_hash_bytes_sha256)->Arg(1 << 20)->Arg(4 << 10);
// The file is in the page cache, so CPU time (which counts the read() system calls) is the cost.
BENCHMARK(bm_hash_file_sha256)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
