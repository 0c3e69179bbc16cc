// Manifest parsing: ocikit::parse_manifest (strict JSON + kind detection + model + every rule +
// sha256 of the exact bytes) against a bare boost::json::parse of the same bytes, in the same
// run. Inputs: a ~1 KB OCI manifest, a ~1 KB Docker manifest, a ~3 KB OCI manifest (files in
// benchmarks/data/), and a 1,000-entry OCI index generated here.
//
// Target: parse + validate + digest of a ~1 KB manifest in at most twice the time of
// boost::json::parse. The breakdown benchmarks (the strict JSON layer alone, its Boost.JSON
// fallback alone, sha256 alone) show where the time goes.
//
//   bench_manifest --benchmark_repetitions=10 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <boost/json.hpp>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>

#include "ocikit/hash.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/parse_manifest.hpp"

namespace {

std::string read_data(const char* name) {
  const std::string path = std::string(OCIKIT_BENCH_DATA) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    std::exit(1);
  }
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An OCI index of `n` platform entries, as a registry would serve it (indented).
std::string generated_index(int n) {
  std::string out =
      "{\n  \"schemaVersion\": 2,\n  \"mediaType\": "
      "\"application/vnd.oci.image.index.v1+json\",\n  \"manifests\": [";
  for (int i = 0; i < n; ++i) {
    const std::string hex =
        ocikit::hash_bytes(ocikit::digest_algorithm::sha256, "entry" + std::to_string(i))->str();
    out += i == 0 ? "\n" : ",\n";
    out += "    {\n      \"mediaType\": \"application/vnd.oci.image.manifest.v1+json\",\n";
    out += "      \"digest\": \"" + hex + "\",\n";
    out += "      \"size\": " + std::to_string(500 + i) + ",\n";
    out += "      \"platform\": {\"architecture\": \"arch" + std::to_string(i % 16) +
           "\", \"os\": \"linux\"}\n    }";
  }
  out += "\n  ]\n}\n";
  return out;
}

const std::string& input(int which) {
  static const std::string inputs[] = {read_data("oci_manifest_1k.json"),
                                       read_data("docker_manifest_1k.json"),
                                       read_data("oci_manifest_3k.json"), generated_index(1000)};
  return inputs[which];
}

void set_labels(benchmark::State& state, int which) {
  static const char* names[] = {"oci-1k", "docker-1k", "oci-3k", "index-1000"};
  state.SetLabel(names[which]);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(input(which).size()));
}

// parse + validate + sha256 of the exact bytes, the whole pipeline.
void bm_ocikit_parse_manifest(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::string& bytes = input(which);
  if (!ocikit::parse_manifest(bytes)) state.SkipWithError("input is not a valid manifest");
  for (auto _ : state) {
    auto r = ocikit::parse_manifest(bytes);
    benchmark::DoNotOptimize(r);
  }
  set_labels(state, which);
}

// The baseline: Boost.JSON's DOM parser on the same bytes (no checks, no digest).
void bm_boost_json_parse(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::string& bytes = input(which);
  for (auto _ : state) {
    auto v = boost::json::parse(bytes);
    benchmark::DoNotOptimize(v);
  }
  set_labels(state, which);
}

// Breakdown: the strict JSON layer alone (a fresh document each time).
void bm_ocikit_strict_json(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::string& bytes = input(which);
  for (auto _ : state) {
    auto d = ocikit::json::parse_strict(bytes);
    benchmark::DoNotOptimize(d);
  }
  set_labels(state, which);
}

// Breakdown: the strict JSON layer's Boost.JSON parse alone (the fallback of its fast tape,
// ocikit::json::detail::fast_tape): what the fast tape saves.
void bm_ocikit_strict_json_boost(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::string& bytes = input(which);
  for (auto _ : state) {
    ocikit::json::document doc;
    auto r = ocikit::json::detail::parse_boost_into(doc, bytes, ocikit::json::default_max_depth);
    benchmark::DoNotOptimize(r);
    benchmark::DoNotOptimize(doc);
  }
  set_labels(state, which);
}

// Breakdown: sha256 of the bytes alone.
void bm_sha256(benchmark::State& state) {
  const int which = static_cast<int>(state.range(0));
  const std::string& bytes = input(which);
  for (auto _ : state) {
    auto d = ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes);
    benchmark::DoNotOptimize(d);
  }
  set_labels(state, which);
}

// Each input measures ours and the baseline back to back.
BENCHMARK(bm_ocikit_parse_manifest)->DenseRange(0, 3);
BENCHMARK(bm_boost_json_parse)->DenseRange(0, 3);
BENCHMARK(bm_ocikit_strict_json)->DenseRange(0, 3);
BENCHMARK(bm_ocikit_strict_json_boost)->DenseRange(0, 3);
BENCHMARK(bm_sha256)->DenseRange(0, 3);

}  // namespace

BENCHMARK_MAIN();
