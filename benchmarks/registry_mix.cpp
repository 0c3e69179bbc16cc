// The registry mix: parse + validate + digest over the small documents a registry mostly serves
// (benchmarks/data/mix/, written by make_mix.py with a fixed seed: OCI and Docker image
// manifests of 1-3 layers and 500-800 bytes, OCI indexes and Docker manifest lists of 2-6
// entries with unknown/unknown attestation entries, referrers with a subject), against a bare
// boost::json::parse of the same bytes in the same run. .ci/peer_bench runs it beside Go's
// image-spec (unmarshal + digest) on the same files.
//
// Each benchmark takes a selection of the mix (0 all, 1 OCI manifests, 2 Docker manifests,
// 3 OCI indexes, 4 Docker manifest lists, 5 referrers) and parses every document of it once per
// iteration; the counter `docs` is the number of documents, so time / docs is the time per
// document. The breakdown benchmark (sha256 alone) shows how much of the time is the digest.
//
//   bench_registry_mix --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/hash.hpp"
#include "ocikit/parse_manifest.hpp"

namespace {

struct document {
  std::string name;
  std::string bytes;
};

const std::vector<document>& mix() {
  static const std::vector<document> docs = [] {
    std::vector<document> out;
    const std::filesystem::path dir = std::filesystem::path(OCIKIT_BENCH_DATA) / "mix";
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".json") continue;
      std::ifstream in(e.path(), std::ios::binary);
      out.push_back({e.path().filename().string(),
                     {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()}});
    }
    if (ec || out.empty()) {
      std::fprintf(stderr, "no documents in %s\n", dir.c_str());
      std::exit(1);
    }
    std::sort(out.begin(), out.end(),
              [](const document& a, const document& b) { return a.name < b.name; });
    return out;
  }();
  return docs;
}

constexpr std::string_view selection_prefix[] = {"",           "oci-manifest-", "docker-manifest-",
                                                 "oci-index-", "docker-list-",  "referrer-"};
constexpr const char* selection_label[] = {"all",       "oci-manifest", "docker-manifest",
                                           "oci-index", "docker-list",  "referrer"};

/// The documents of selection `which`, as views.
std::vector<std::string_view> selection(int which) {
  std::vector<std::string_view> out;
  for (const document& d : mix()) {
    if (d.name.starts_with(selection_prefix[which])) out.emplace_back(d.bytes);
  }
  return out;
}

void finish(benchmark::State& state, int which, const std::vector<std::string_view>& docs) {
  std::int64_t bytes = 0;
  for (const auto d : docs) bytes += static_cast<std::int64_t>(d.size());
  state.SetLabel(selection_label[which]);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * bytes);
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(docs.size()));
  state.counters["docs"] = static_cast<double>(docs.size());
}

// parse + validate + sha256 of the exact bytes, each document of the selection.
void bm_mix_parse_manifest(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const auto docs = selection(which);
  for (const auto d : docs) {
    if (!ocikit::parse_manifest(d)) {
      state.SkipWithError("a document of the mix is not a valid manifest");
      return;
    }
  }
  for (auto _ : state) {
    for (const auto d : docs) {
      auto r = ocikit::parse_manifest(d);
      benchmark::DoNotOptimize(r);
    }
  }
  finish(state, which, docs);
}

// The baseline: Boost.JSON's DOM parser on the same bytes (no checks, no digest).
void bm_mix_boost_json_parse(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const auto docs = selection(which);
  for (auto _ : state) {
    for (const auto d : docs) {
      auto v = boost::json::parse(d);
      benchmark::DoNotOptimize(v);
    }
  }
  finish(state, which, docs);
}

// Breakdown: sha256 of the bytes alone.
void bm_mix_sha256(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const auto docs = selection(which);
  for (auto _ : state) {
    for (const auto d : docs) {
      auto h = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, d);
      benchmark::DoNotOptimize(h);
    }
  }
  finish(state, which, docs);
}

// Ours and the baseline back to back, per selection.
BENCHMARK(bm_mix_parse_manifest)->DenseRange(0, 5);
BENCHMARK(bm_mix_boost_json_parse)->DenseRange(0, 5);
BENCHMARK(bm_mix_sha256)->DenseRange(0, 5);

}  // namespace

BENCHMARK_MAIN();
