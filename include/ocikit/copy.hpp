// Copying an image between two registries of any kind (the embedded store, a remote registry, an
// OCI layout: each a store::registry), as `skopeo copy` and `oras copy` do, with one algorithm.
//
//   ocikit::copy_options                 platform (one child of an index) or all, referrers,
//                                        jobs (parallel blob transfers), progress callback
//   ocikit::copy_report                  digest, mediaType, size of what `where` names; counts
//   ocikit::choose_platform(from, repo, top, platform)   an index's child for a platform
//   ocikit::plan_copy(from, what, opts)  -> result<copy_plan>   everything read and validated,
//                                        nothing written
//   ocikit::copy_image(from, what, to, where, opts)   -> result<copy_report>
//
// Rules:
//   - an index is copied whole by default, every child and its blobs; with `platform`, only the
//     child ocikit::select_manifest chooses, which becomes the top document;
//   - with `referrers`, the manifests whose `subject` is a copied manifest are copied too, and
//     theirs (signatures of signatures), found with the source's referrers();
//   - bad input changes nothing visible: every manifest is pulled (verified against its
//     descriptor) and validated (parse_manifest's rules) before anything is written;
//   - each blob is transferred once, on `jobs` threads (largest first); the destination's
//     push_blob skips one it has (HEAD for a remote registry) without reading the source; when
//     source and destination are the same registry object, a blob is mounted from the source
//     repository (the distribution API's cross-repository mount) before it is uploaded;
//   - a blob moves as a stream: the source reader is opened only when the destination reads it,
//     and a layout's blob is read raw (the destination verifies what it receives);
//   - manifests go bottom-up (the children of an index before it, each by digest), the top one
//     under `where` (a tag, or by digest when `where` has none), then the referrers by digest.
//
// Example:
//   auto r = ocikit::copy_image(*remote, remote->parse("docker.io/library/alpine:3.19").value(),
//                               *layout, {"layout", "3.19", std::nullopt}, {.jobs = 4});
#ifndef OCIKIT_COPY_HPP
#define OCIKIT_COPY_HPP

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/layout/layout_registry.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/select.hpp"
#include "ocikit/store/registry.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit {

/// How copy_image copies.
struct copy_options {
  /// Copy only the child of an index chosen for this platform (none: the whole index).
  std::optional<ocikit::platform> platform{};
  /// Copy the referrers of what is copied, recursively.
  bool referrers = false;
  /// Blob transfers at once (at least 1).
  std::size_t jobs = 4;
  /// Called with the bytes of blobs done and the total, from any thread (serialised).
  std::function<void(std::uint64_t done, std::uint64_t total)> progress{};
};

/// What copy_image did.
struct copy_report {
  ocikit::digest digest;           ///< the top document's digest
  std::string media_type;          ///< its media type
  std::int64_t size = 0;           ///< its size
  std::size_t manifests = 0;       ///< manifests and indexes pushed (the image's)
  std::size_t referrers = 0;       ///< referrers pushed
  std::size_t blobs_copied = 0;    ///< blobs transferred
  std::size_t blobs_present = 0;   ///< blobs the destination had
  std::size_t blobs_mounted = 0;   ///< blobs mounted from the source repository
  std::uint64_t bytes_copied = 0;  ///< bytes of the blobs transferred
};

/// A manifest to push: its descriptor and exact bytes.
struct copy_step {
  descriptor d;
  std::string bytes;
};

/// What a copy will do, read and validated from the source (nothing written).
struct copy_plan {
  std::vector<copy_step> manifests;  ///< the image, children before parents; the top one last
  std::vector<copy_step> referrers;  ///< then these, subjects before their referrers
  std::vector<descriptor> blobs;     ///< every blob once, largest first
  /// The total size of the blobs.
  [[nodiscard]] std::uint64_t blob_bytes() const noexcept {
    std::uint64_t n = 0;
    for (const descriptor& b : blobs)
      n += static_cast<std::uint64_t>(std::max<std::int64_t>(b.size, 0));
    return n;
  }
};

namespace detail {

/// Deepest nesting of indexes followed.
inline constexpr std::size_t max_copy_depth = 8;

/// The blobs a manifest references: its config, then its layers.
inline std::vector<const descriptor*> blobs_of(const parsed_manifest& m) {
  std::vector<const descriptor*> out;
  if (const descriptor* c = m.manifest.config()) out.push_back(c);
  for (const descriptor& l : m.manifest.layers()) out.push_back(&l);
  return out;
}

class copy_planner {
 public:
  copy_planner(store::registry& from, std::string repository)
      : from_(from), repository_(std::move(repository)) {}

  result<store::pulled_manifest> pull(const ocikit::digest& d) {
    store::target t{repository_, {}, d};
    return from_.pull_manifest(t);
  }

  // Adds `m` and everything below it (children first) to `out`.
  result<void> add(store::pulled_manifest m, std::vector<copy_step>& out, std::size_t depth = 0) {
    if (depth > max_copy_depth) {
      return error(errc::store_manifest_invalid, error::npos,
                   "indexes nest deeper than " + std::to_string(max_copy_depth) + " levels below " +
                       m.descriptor.digest.str());
    }
    if (!seen_.insert(m.descriptor.digest.str()).second) return {};
    manifest_parse_options o;
    o.expected_media_type = m.descriptor.media_type;
    o.reject_invalid = false;
    if (auto alg = m.descriptor.digest.known_algorithm()) o.hash_algorithm = *alg;
    auto parsed = parse_manifest(m.bytes, o);
    if (!parsed) return invalid(m.descriptor, parsed.error().message());
    if (!parsed->valid()) {
      for (const problem& p : parsed->problems) {
        if (p.severity == severity::error) {
          return invalid(m.descriptor, std::string(p.error.id()) + ": " + p.error.message());
        }
      }
    }
    for (const descriptor& child : parsed->manifest.manifests()) {
      if (seen_.contains(child.digest.str())) continue;
      auto pulled = pull(child.digest);
      if (!pulled) return pulled.error();
      if (pulled->descriptor.size != child.size) {
        return invalid(child, "the index says " + std::to_string(child.size) +
                                  " bytes, the "
                                  "manifest has " +
                                  std::to_string(pulled->descriptor.size));
      }
      if (auto r = add(std::move(*pulled), out, depth + 1); !r) return r.error();
    }
    for (const descriptor* b : blobs_of(*parsed)) {
      if (blob_seen_.insert(b->digest.str()).second) plan.blobs.push_back(*b);
    }
    out.push_back({std::move(m.descriptor), std::move(m.bytes)});
    return {};
  }

  // Adds the referrers of every planned manifest, and theirs.
  result<void> add_referrers() {
    std::vector<ocikit::digest> subjects;
    for (const copy_step& s : plan.manifests) subjects.push_back(s.d.digest);
    for (std::size_t i = 0; i < subjects.size(); ++i) {
      auto idx = from_.referrers(repository_, subjects[i].view());
      if (!idx) return idx.error();
      for (const descriptor& r : idx->manifests) {
        if (seen_.contains(r.digest.str())) continue;
        auto pulled = pull(r.digest);
        if (!pulled) return pulled.error();
        const std::size_t before = plan.referrers.size();
        if (auto a = add(std::move(*pulled), plan.referrers); !a) return a.error();
        for (std::size_t k = before; k < plan.referrers.size(); ++k) {
          subjects.push_back(plan.referrers[k].d.digest);
        }
      }
    }
    return {};
  }

  copy_plan plan;

 private:
  static error invalid(const descriptor& d, const std::string& why) {
    return error(errc::store_manifest_invalid, error::npos, d.digest.str() + ": " + why);
  }

  store::registry& from_;
  std::string repository_;
  std::set<std::string> seen_;
  std::set<std::string> blob_seen_;
};

// A source opened on the first read (so a destination that has the blob never opens it).
class lazy_source : public store::byte_source {
 public:
  using opener = std::function<result<std::unique_ptr<store::byte_source>>()>;
  lazy_source(opener open, std::int64_t size, std::function<void(std::size_t)> on_read)
      : open_(std::move(open)), size_(size), on_read_(std::move(on_read)) {}
  result<std::size_t> read(std::span<std::byte> buffer) override {
    if (!in_) {
      auto o = open_();
      if (!o) return o.error();
      in_ = std::move(*o);
    }
    auto n = in_->read(buffer);
    if (n && *n != 0 && on_read_) on_read_(*n);
    return n;
  }
  [[nodiscard]] std::int64_t size_hint() const noexcept override {
    return in_ ? in_->size_hint() : size_;
  }
  [[nodiscard]] bool opened() const noexcept { return in_ != nullptr; }

 private:
  opener open_;
  std::unique_ptr<store::byte_source> in_;
  std::int64_t size_;
  std::function<void(std::size_t)> on_read_;
};

}  // namespace detail

/// `top` itself when it is not an index, else the child ocikit::select_manifest chooses for
/// `wanted`, pulled from `repository` of `from` (platform.no_match when none fits).
/// Example: `auto m = choose_platform(store, "app", std::move(index), linux_arm64);`
inline result<store::pulled_manifest> choose_platform(store::registry& from,
                                                      std::string_view repository,
                                                      store::pulled_manifest top,
                                                      const ocikit::platform& wanted) {
  auto parsed = detail::read_structure(top.bytes, top.descriptor.media_type);
  if (!parsed) return parsed.error();
  if (!parsed->manifest.is_index()) return top;
  auto sel = select_manifest(*parsed, wanted);
  if (!sel) return sel.error();
  return from.pull_manifest(store::target{std::string(repository), {}, (*sel)->digest});
}

/// Reads what `what` names in `from` (with options.platform: the chosen child of an index),
/// every manifest below it and, with options.referrers, its referrers: all pulled, verified and
/// validated, nothing written. Errors: the source's (store.not_found ...), store.manifest_invalid,
/// platform.no_match.
inline result<copy_plan> plan_copy(store::registry& from, const store::target& what,
                                   const copy_options& options = {}) {
  auto top = from.pull_manifest(what);
  if (!top) return top.error();
  if (options.platform) {
    top = choose_platform(from, what.repository, std::move(*top), *options.platform);
    if (!top) return top.error();
  }
  detail::copy_planner p(from, what.repository);
  if (auto r = p.add(std::move(*top), p.plan.manifests); !r) return r.error();
  if (options.referrers) {
    if (auto r = p.add_referrers(); !r) return r.error();
  }
  std::stable_sort(p.plan.blobs.begin(), p.plan.blobs.end(),
                   [](const descriptor& a, const descriptor& b) { return a.size > b.size; });
  return std::move(p.plan);
}

/// Copies what `what` names in `from` to `where` in `to` (see the top of this file). `where`
/// without tag and digest pushes the top document by digest. `from` and `to` may be the same
/// object (a copy between repositories of one registry: blobs are mounted).
inline result<copy_report> copy_image(store::registry& from, const store::target& what,
                                      store::registry& to, const store::target& where,
                                      const copy_options& options = {}) {
  auto plan = plan_copy(from, what, options);
  if (!plan) return plan.error();
  copy_report report;
  const copy_step& top = plan->manifests.back();
  report.digest = top.d.digest;
  report.media_type = top.d.media_type;
  report.size = top.d.size;

  // Blobs, in parallel.
  const std::uint64_t total = plan->blob_bytes();
  std::uint64_t done = 0;
  std::mutex m;
  std::optional<error> failure;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  const bool same_registry = &from == &to && what.repository != where.repository;
  auto* raw_source = dynamic_cast<layout::layout_registry*>(&from);
  std::mutex progress_mutex;
  const auto report_progress = [&](std::uint64_t add) {
    if (!options.progress) return;
    const std::lock_guard<std::mutex> g(progress_mutex);
    done += add;
    options.progress(std::min(done, total), total);
  };
  const auto transfer = [&](const descriptor& b) -> result<void> {
    if (same_registry) {
      auto mounted = to.mount_blob(where.repository, b.digest.view(), what.repository);
      if (!mounted) return mounted.error();
      if (*mounted) {
        const std::lock_guard<std::mutex> g(m);
        ++report.blobs_mounted;
        return {};
      }
    }
    detail::lazy_source src(
        [&]() -> result<std::unique_ptr<store::byte_source>> {
          if (raw_source != nullptr) return raw_source->open_raw_blob(b.digest.view());
          auto r = from.open_blob(what.repository, b.digest.view());
          if (!r) return r.error();
          return std::unique_ptr<store::byte_source>(std::move(*r));
        },
        b.size, [&](std::size_t n) { report_progress(n); });
    store::blob_expectation e;
    e.digest = b.digest;
    e.size = b.size;
    auto pushed = to.push_blob(where.repository, src, e);
    if (!pushed) return pushed.error();
    const std::lock_guard<std::mutex> g(m);
    if (pushed->existed || !src.opened()) {
      ++report.blobs_present;
    } else {
      ++report.blobs_copied;
      report.bytes_copied += static_cast<std::uint64_t>(b.size);
    }
    return {};
  };
  const auto worker = [&]() {
    for (;;) {
      if (stop.load()) return;
      const std::size_t i = next.fetch_add(1);
      if (i >= plan->blobs.size()) return;
      const descriptor& b = plan->blobs[i];
      auto r = transfer(b);
      if (!r) {
        const std::lock_guard<std::mutex> g(m);
        if (!failure) failure = r.error();
        stop = true;
        return;
      }
    }
  };
  const std::size_t jobs = std::clamp<std::size_t>(options.jobs, 1, 64);
  const std::size_t threads = std::min(jobs, plan->blobs.size());
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    pool.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i) pool.emplace_back(worker);
    for (auto& t : pool) t.join();
  }
  if (failure) return *failure;
  if (options.progress) options.progress(total, total);

  // Manifests, bottom-up; the top one under `where`; then the referrers.
  const auto push = [&](const copy_step& s, const store::target& t) -> result<void> {
    store::push_manifest_options o;
    o.media_type = s.d.media_type;
    auto r = to.push_manifest(t, s.bytes, o);
    if (!r) return r.error();
    return {};
  };
  for (std::size_t i = 0; i < plan->manifests.size(); ++i) {
    const copy_step& s = plan->manifests[i];
    store::target t{where.repository, {}, s.d.digest};
    if (i + 1 == plan->manifests.size()) {
      t = where;
      if (t.tag.empty()) t.digest = s.d.digest;
    }
    if (auto r = push(s, t); !r) return r.error();
    ++report.manifests;
  }
  for (const copy_step& s : plan->referrers) {
    if (auto r = push(s, {where.repository, {}, s.d.digest}); !r) return r.error();
    ++report.referrers;
  }
  return report;
}

}  // namespace ocikit

#endif  // OCIKIT_COPY_HPP
