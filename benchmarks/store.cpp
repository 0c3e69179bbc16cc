// The embedded store in a repository of many tags (issue 11, "Targets"):
//   store_resolve_tag      resolve REPO:TAG among 10,000 tags              target <= 1 ms
//   store_push_tag         push a manifest by tag there (the tag moves)   target <= 20 ms
//   store_list_metadata    list-metadata of its 10,000 manifests          target <= 100 ms
//
//   bench_store --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// OCIKIT_STORE_BENCH_TAGS sets the number of manifests (one tag each; default 10000). The store
// lives in a temporary directory (under $TMPDIR) removed at exit.
//
// Setup: a push through the API (a config, a layer, one manifest) gives a repository and one
// index.json entry as the store writes it; the other manifests are written next to it as any
// OCI layout writer would (the blob in the pool, a hard link in the repository's layout, an
// index.json entry copied from that one with its digest, size and tag changed), because pushing
// 10,000 manifests one by one rewrites the index 10,000 times. One more push then has the store
// rewrite the index in its own form before anything is measured.
#include "ocikit/store/store.hpp"

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using ocikit::store::embedded_store;

constexpr std::string_view repo = "bench/tags";

template <class T>
T must(ocikit::result<T> r, const char* what) {
  if (!r) throw std::runtime_error(std::string(what) + ": " + r.error().message());
  return std::move(*r);
}

std::string manifest_bytes(const ocikit::store::blob_info& config,
                           const ocikit::store::blob_info& layer, std::size_t n) {
  return R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
         R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         config.digest.str() + R"(","size":)" + std::to_string(config.size) +
         R"(},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":")" +
         layer.digest.str() + R"(","size":)" + std::to_string(layer.size) +
         R"(}],"annotations":{"n":")" + std::to_string(n) + R"("}})";
}

void write_file(const fs::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

struct fixture {
  fs::path dir;
  std::unique_ptr<embedded_store> store;
  std::size_t tags = 10000;
  ocikit::store::blob_info config;
  ocikit::store::blob_info layer;
  std::string moving[2];  // two manifests pushed in turn to the tag "moving"

  fixture() {
    if (const char* n = std::getenv("OCIKIT_STORE_BENCH_TAGS")) tags = std::stoul(n);
    if (tags < 2) tags = 2;
    std::string templ = (fs::temp_directory_path() / "ocikit-bench-store.XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir = templ;
    store = std::make_unique<embedded_store>(must(embedded_store::init(dir / "s"), "init"));
    const std::string cfg =
        R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    std::string payload(4096, 'x');
    ocikit::store::memory_source c(cfg);
    ocikit::store::memory_source l(payload);
    config = must(store->push_blob(repo, c), "push config");
    layer = must(store->push_blob(repo, l), "push layer");
    const std::string first = manifest_bytes(config, layer, 0);
    must(store->push_manifest(std::string(repo) + ":t0", first), "push t0");

    // The other manifests, written as a layout writer would.
    const fs::path layout = store->layout_path(repo);
    const fs::path index_file = layout / "index.json";
    std::ifstream in(index_file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    boost::json::object index = boost::json::parse(text).as_object();
    boost::json::array& entries = index["manifests"].as_array();
    const boost::json::object model = entries.at(0).as_object();
    for (std::size_t i = 1; i < tags; ++i) {
      const std::string bytes = manifest_bytes(config, layer, i);
      const ocikit::digest d =
          must(ocikit::hash_bytes(ocikit::digest_algorithm::sha256, bytes), "hash");
      const fs::path pool = store->pool_path(d);
      write_file(pool, bytes);
      fs::create_hard_link(pool, layout / "blobs" / "sha256" / std::string(d.encoded()));
      boost::json::object e = model;
      e["digest"] = d.str();
      e["size"] = bytes.size();
      e["annotations"].as_object()["org.opencontainers.image.ref.name"] = "t" + std::to_string(i);
      entries.push_back(std::move(e));
    }
    const fs::path tmp = dir / "index.tmp";
    write_file(tmp, boost::json::serialize(index));
    fs::rename(tmp, index_file);

    for (std::size_t k = 0; k < 2; ++k) {
      moving[k] = manifest_bytes(config, layer, tags + k);
      must(store->push_manifest(std::string(repo) + ":moving", moving[k]), "push moving");
    }
    const auto all = must(store->list_metadata(repo), "list_metadata");
    if (all.size() != tags + 2) {
      throw std::runtime_error("setup: " + std::to_string(all.size()) + " manifests, expected " +
                               std::to_string(tags + 2));
    }
  }
  fixture(const fixture&) = delete;
  fixture& operator=(const fixture&) = delete;
  ~fixture() {
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

fixture& setup() {
  static fixture f;
  return f;
}

void store_resolve_tag(benchmark::State& state) {
  fixture& f = setup();
  std::vector<std::string> refs;
  for (std::size_t i = 0; i < 64; ++i) {
    refs.push_back(std::string(repo) + ":t" + std::to_string((i * 7919) % f.tags));
  }
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = f.store->resolve(refs[i++ % refs.size()]);
    if (!d) {
      state.SkipWithError(d.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(d->size);
  }
  state.counters["tags"] = static_cast<double>(f.tags);
}

void store_push_tag(benchmark::State& state) {
  fixture& f = setup();
  const std::string ref = std::string(repo) + ":moving";
  std::size_t i = 0;
  for (auto _ : state) {
    auto d = f.store->push_manifest(ref, f.moving[i++ % 2]);
    if (!d) {
      state.SkipWithError(d.error().message().c_str());
      break;
    }
    benchmark::DoNotOptimize(d->size);
  }
  state.counters["tags"] = static_cast<double>(f.tags);
}

void store_list_metadata(benchmark::State& state) {
  fixture& f = setup();
  std::size_t n = 0;
  for (auto _ : state) {
    auto m = f.store->list_metadata(repo);
    if (!m) {
      state.SkipWithError(m.error().message().c_str());
      break;
    }
    n = m->size();
    benchmark::DoNotOptimize(m->data());
  }
  state.counters["manifests"] = static_cast<double>(n);
}

}  // namespace

BENCHMARK(store_resolve_tag)->Unit(benchmark::kMicrosecond);
BENCHMARK(store_list_metadata)->Unit(benchmark::kMillisecond);
BENCHMARK(store_push_tag)->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
