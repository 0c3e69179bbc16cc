// Reference parsing: ns per reference for each mode, view and owning, over the bundled corpus
// benchmarks/data/refs.txt (12,000 realistic references, fixed seed, about 10% invalid), and
// heap allocations per parse counted by a replacement operator new. Baseline in the same run:
// one pass that only finds the '@' and ':' of each reference (the cost of touching the bytes).
// BM_view_per_reference gives the distribution of single parses (median per reference).
// The Go reference implementation is measured side by side with ../shared/peers/ (refbench).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>
#include <vector>

#include "ocikit/reference.hpp"

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace {
std::atomic<std::size_t> g_allocations{0};
}  // namespace

// The replacement operator new below is malloc-based, so free() in operator delete is the
// matching release; g++ cannot see that across the replacement.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

void* operator new(std::size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

const std::vector<std::string>& corpus() {
  static const std::vector<std::string> refs = [] {
    std::vector<std::string> v;
    std::ifstream in(OCIKIT_BENCH_DATA "/refs.txt");
    for (std::string line; std::getline(in, line);) v.push_back(line);
    if (v.empty()) std::abort();
    return v;
  }();
  return refs;
}

/// What a user of `mode` calls: the strict view (parse_reference(s)), or the mode's function.
auto parse_as(const std::string& r, ocikit::parse_mode mode) {
  using ocikit::parse_mode;
  if (mode == parse_mode::strict) {
    auto v = ocikit::parse_reference(r);
    benchmark::DoNotOptimize(v);
    return v.has_value();
  }
  auto v = mode == parse_mode::normalized  ? ocikit::parse_normalized_reference(r)
           : mode == parse_mode::canonical ? ocikit::parse_canonical_reference(r)
           : mode == parse_mode::any       ? ocikit::parse_any_reference(r)
                                           : ocikit::parse_docker_reference(r);
  benchmark::DoNotOptimize(v);
  return v.has_value();
}

void report(benchmark::State& state, std::size_t allocations) {
  const auto n = static_cast<double>(corpus().size());
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(corpus().size()));
  state.counters["ns_per_ref"] =
      benchmark::Counter(n * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_parse"] =
      static_cast<double>(allocations) / (n * static_cast<double>(state.iterations()));
}

void BM_baseline_scan(benchmark::State& state) {
  const auto& refs = corpus();
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    for (const auto& r : refs) {
      benchmark::DoNotOptimize(r.find('@'));
      benchmark::DoNotOptimize(r.rfind(':'));
    }
  }
  report(state, g_allocations.load() - before);
}

void BM_view(benchmark::State& state, ocikit::parse_mode mode) {
  const auto& refs = corpus();
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    for (const auto& r : refs) {
      benchmark::DoNotOptimize(parse_as(r, mode));
    }
  }
  report(state, g_allocations.load() - before);
}

void BM_valid_only_view(benchmark::State& state, ocikit::parse_mode mode) {
  std::vector<std::string> valid;
  for (const auto& r : corpus()) {
    if (ocikit::is_valid_reference(r, mode)) valid.push_back(r);
  }
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    for (const auto& r : valid) {
      benchmark::DoNotOptimize(parse_as(r, mode));
    }
  }
  state.counters["ns_per_ref"] = benchmark::Counter(
      static_cast<double>(valid.size()) * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["allocs_per_parse"] =
      static_cast<double>(g_allocations.load() - before) /
      (static_cast<double>(valid.size()) * static_cast<double>(state.iterations()));
}

void BM_owning(benchmark::State& state, ocikit::parse_mode mode) {
  const auto& refs = corpus();
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    for (const auto& r : refs) {
      auto v = ocikit::reference::parse(r, mode);
      benchmark::DoNotOptimize(v);
    }
  }
  report(state, g_allocations.load() - before);
}

void BM_is_valid(benchmark::State& state, ocikit::parse_mode mode) {
  const auto& refs = corpus();
  const std::size_t before = g_allocations.load();
  for (auto _ : state) {
    for (const auto& r : refs) benchmark::DoNotOptimize(ocikit::is_valid_reference(r, mode));
  }
  report(state, g_allocations.load() - before);
}

#if defined(__x86_64__)
// The distribution of the time of one parse, reference by reference in corpus order (so the
// branch predictor sees the mix, not one reference repeated): each parse is timed with the
// time-stamp counter, the median cost of an empty timed region is subtracted, and the counter is
// converted to ns against steady_clock over the whole run. Reports the median, p90 and p99 per
// reference — the "median per reference" — next to BM_view's mean.
std::uint64_t ticks() noexcept {
  _mm_lfence();
  const std::uint64_t t = __rdtsc();
  _mm_lfence();
  return t;
}

void BM_view_per_reference(benchmark::State& state, ocikit::parse_mode mode) {
  const auto& refs = corpus();
  std::vector<double> samples;
  std::vector<std::uint64_t> empty;
  samples.reserve(refs.size() * 8);
  empty.reserve(refs.size() * 8);
  const auto wall0 = std::chrono::steady_clock::now();
  const std::uint64_t tick0 = ticks();
  for (auto _ : state) {
    for (const auto& r : refs) {
      const std::uint64_t a = ticks();
      benchmark::DoNotOptimize(parse_as(r, mode));
      const std::uint64_t b = ticks();
      const std::uint64_t c = ticks();
      empty.push_back(c - b);
      samples.push_back(static_cast<double>(b - a));
    }
  }
  const double ns_per_tick =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - wall0).count() /
      static_cast<double>(ticks() - tick0);
  const auto nth = [](auto& v, double q) {
    const auto k = static_cast<std::ptrdiff_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return static_cast<double>(v[static_cast<std::size_t>(k)]);
  };
  const double overhead = nth(empty, 0.5);
  for (const double q : {0.5, 0.9, 0.99}) {
    const double ns = (nth(samples, q) - overhead) * ns_per_tick;
    state.counters[q == 0.5 ? "p50_ns" : q == 0.9 ? "p90_ns" : "p99_ns"] = ns;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(samples.size()));
}
#endif

using ocikit::parse_mode;
BENCHMARK(BM_baseline_scan);
BENCHMARK_CAPTURE(BM_view, strict, parse_mode::strict);
BENCHMARK_CAPTURE(BM_view, normalized, parse_mode::normalized);
BENCHMARK_CAPTURE(BM_view, canonical, parse_mode::canonical);
BENCHMARK_CAPTURE(BM_view, any, parse_mode::any);
BENCHMARK_CAPTURE(BM_view, docker, parse_mode::docker);
BENCHMARK_CAPTURE(BM_valid_only_view, strict, parse_mode::strict);
BENCHMARK_CAPTURE(BM_valid_only_view, normalized, parse_mode::normalized);
BENCHMARK_CAPTURE(BM_owning, strict, parse_mode::strict);
BENCHMARK_CAPTURE(BM_owning, normalized, parse_mode::normalized);
BENCHMARK_CAPTURE(BM_is_valid, strict, parse_mode::strict);
BENCHMARK_CAPTURE(BM_is_valid, normalized, parse_mode::normalized);
#if defined(__x86_64__)
BENCHMARK_CAPTURE(BM_view_per_reference, strict, parse_mode::strict)->Iterations(8);
BENCHMARK_CAPTURE(BM_view_per_reference, normalized, parse_mode::normalized)->Iterations(8);
#endif

}  // namespace

BENCHMARK_MAIN();
