// An OCI image layout on disk behind the store's interface (ocikit/store/registry.hpp), as
// oras-go's `content/oci` makes one a content store: so that ocikit::copy_image copies between
// any two of a layout, the embedded store and a remote registry with one algorithm.
//
//   ocikit::layout::layout_registry::open(dir, create)   -> result<unique_ptr<layout_registry>>
//   registry.login_server()            "oci" (a layout has no server; repositories are ignored)
//   resolve / pull_manifest            a tag is an index.json entry's ref.name; a target without
//                                      tag and digest is the layout's only image
//   stat_blob / open_blob / open_raw_blob / push_blob      blobs/<alg>/<encoded>
//   push_manifest                      writes the manifest and updates index.json (below)
//   list_tags / referrers / list_metadata / tag / untag    from index.json
//   delete_manifest, delete_repository, set_attributes     layout.invalid ("not supported")
//
// index.json after push_manifest: a push under a tag names the entry (replacing every other
// entry of that name, as skopeo does); a push by digest adds an unnamed entry unless the digest
// is listed already; an index pushed removes the unnamed entries of its children. So a copy that
// pushes bottom-up leaves one entry for the image and one for each referrer, as skopeo's layouts
// have. Blobs are written as layout_writer writes them (temp file at the top, fsync, rename).
// push_blob hashes what it writes, except when the source is a store::blob_reader of the same
// digest (it verifies itself; its last read fails on a mismatch and the file is not placed).
// Thread-safe: blobs are written in parallel, index.json changes are serialised.
//
// Example:
//   auto l = ocikit::layout::layout_registry::open("/tmp/out", true);
//   auto r = ocikit::copy_image(*remote, what, **l, {"layout", "v1", std::nullopt});
#ifndef OCIKIT_LAYOUT_LAYOUT_REGISTRY_HPP
#define OCIKIT_LAYOUT_LAYOUT_REGISTRY_HPP

#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/layout/detail/files.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_writer.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/store/registry.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::layout {

namespace detail {

inline error unsupported(std::string what) {
  return {errc::layout_invalid, error::npos, std::move(what) + ": not supported on an OCI layout"};
}

/// A blob file read and verified against its digest and size (the store's errors).
class layout_blob_reader : public store::blob_reader {
 public:
  layout_blob_reader(std::unique_ptr<store::byte_source> in, verifier v, store::blob_info info)
      : in_(std::move(in)), check_(std::move(v)), info_(std::move(info)) {}
  [[nodiscard]] const store::blob_info& info() const noexcept override { return info_; }
  [[nodiscard]] std::int64_t size_hint() const noexcept override { return in_->size_hint(); }
  result<std::size_t> read(std::span<std::byte> buffer) override {
    auto n = in_->read(buffer);
    if (!n) return n.error();
    if (*n == 0) {
      if (auto v = check_.verify(); !v) {
        const errc c = v.error().code() == errc::content_size_mismatch
                           ? errc::store_size_mismatch
                           : errc::store_digest_mismatch;
        return error(c, error::npos,
                     std::string(v.error().detail()) + " (blob " + info_.digest.str() + ")");
      }
      return std::size_t{0};
    }
    check_.update(std::span<const std::byte>(buffer.data(), *n));
    return *n;
  }

 private:
  std::unique_ptr<store::byte_source> in_;
  verifier check_;
  store::blob_info info_;
};

}  // namespace detail

/// An OCI image layout as a registry (see the top of this file).
class layout_registry : public store::registry {
 public:
  /// The login server a layout reports.
  static constexpr std::string_view login_server_name = "oci";

  /// Opens the layout in `dir`; `create`: make it when it is not there (else layout.invalid).
  static result<std::unique_ptr<layout_registry>> open(const std::filesystem::path& dir,
                                                       bool create = false) {
    if (!create) {
      if (auto l = image_layout::open(dir); !l) return l.error();
    }
    auto w = layout_writer::create(dir);
    if (!w) return w.error();
    std::unique_ptr<layout_registry> r(new layout_registry(std::move(*w)));
    return r;
  }

  [[nodiscard]] std::string_view login_server() const noexcept override {
    return login_server_name;
  }
  /// The layout's directory.
  [[nodiscard]] const std::filesystem::path& directory() const noexcept {
    return writer_.directory();
  }
  /// The entries of index.json.
  [[nodiscard]] std::vector<descriptor> entries() const {
    const std::lock_guard<std::mutex> g(mutex_);
    return writer_.entries();
  }

  // --- blobs ---------------------------------------------------------------------------------

  result<store::blob_info> push_blob(std::string_view repository, store::byte_source& content,
                                     const store::blob_expectation& expected = {}) override {
    (void)repository;
    if (expected.digest) {
      if (auto have = stat_blob(repository, expected.digest->view());
          have && (expected.size < 0 || have->size == expected.size)) {
        return have;
      }
    }
    // A verifying reader of the expected digest checks the bytes itself.
    const auto* self_checked = dynamic_cast<const store::blob_reader*>(&content);
    const bool hash = !expected.digest || self_checked == nullptr ||
                      self_checked->info().digest != *expected.digest;
    std::optional<hasher> h;
    if (hash) {
      digest_algorithm alg = expected.algorithm;
      if (expected.digest) {
        auto known = expected.digest->known_algorithm();
        if (!known) {
          return error(errc::digest_unsupported, error::npos,
                       std::string(expected.digest->algorithm()));
        }
        alg = *known;
      }
      auto made = hasher::create(alg);
      if (!made) return made.error();
      h.emplace(std::move(*made));
    }
    auto t = detail::temp_file::create(directory(), ".ocikit-blob-");
    if (!t) return t.error();
    std::vector<std::byte> buffer(store::transfer_buffer_size);
    std::uint64_t total = 0;
    for (;;) {
      auto n = content.read(buffer);
      if (!n) return n.error();
      if (*n == 0) break;
      const std::span<const std::byte> chunk(buffer.data(), *n);
      if (h) h->update(chunk);
      if (auto w = t->write(chunk); !w) return w.error();
      total += *n;
    }
    if (expected.size >= 0 && total != static_cast<std::uint64_t>(expected.size)) {
      return error(
          errc::store_size_mismatch, error::npos,
          "expected " + std::to_string(expected.size) + " bytes, got " + std::to_string(total));
    }
    ocikit::digest d;
    if (h) {
      auto got = h->try_finish();
      if (!got) return got.error();
      if (expected.digest && *got != *expected.digest) {
        return error(errc::store_digest_mismatch, error::npos,
                     "expected " + expected.digest->str() + ", the content is " + got->str());
      }
      d = std::move(*got);
    } else {
      d = *expected.digest;
    }
    const auto target = writer_.blob_path(d.view());
    if (auto m = store::detail::make_dirs(target.parent_path()); !m) return m.error();
    if (auto c = t->commit(target); !c) return c.error();
    return store::blob_info{std::move(d), static_cast<std::int64_t>(total), false};
  }

  result<store::blob_info> stat_blob(std::string_view repository, digest_view digest) override {
    (void)repository;
    struct stat st {};
    if (::stat(writer_.blob_path(digest).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      return error(errc::store_not_found, error::npos,
                   "blob " + std::string(digest.string()) + " in '" + directory().string() + "'");
    }
    return store::blob_info{ocikit::digest(digest), static_cast<std::int64_t>(st.st_size), true};
  }

  result<std::unique_ptr<store::blob_reader>> open_blob(std::string_view repository,
                                                        digest_view digest) override {
    auto info = stat_blob(repository, digest);
    if (!info) return info.error();
    auto f = store::file_source::open(writer_.blob_path(digest));
    if (!f) return f.error();
    auto v = verifier::create(digest, info->size);
    if (!v) return v.error();
    return std::unique_ptr<store::blob_reader>(std::make_unique<detail::layout_blob_reader>(
        std::move(*f), std::move(*v), std::move(*info)));
  }

  /// A blob's file unverified, for a consumer that verifies what it receives (every push_blob
  /// given the expected digest does).
  result<std::unique_ptr<store::byte_source>> open_raw_blob(digest_view digest) {
    auto f = store::file_source::open(writer_.blob_path(digest));
    if (!f) {
      return error(errc::store_not_found, error::npos,
                   "blob " + std::string(digest.string()) + " in '" + directory().string() + "'");
    }
    return std::unique_ptr<store::byte_source>(std::move(*f));
  }

  // --- manifests -----------------------------------------------------------------------------

  using store::registry::push_manifest;
  result<descriptor> push_manifest(const store::target& where, std::string_view bytes,
                                   const store::push_manifest_options& options = {}) override {
    auto parsed = store::check_manifest_push(where, bytes, options);
    if (!parsed) return parsed.error();
    for (const descriptor& child : parsed->manifest.manifests()) {
      if (!stat_blob({}, child.digest.view())) {
        return error(errc::store_manifest_missing, error::npos,
                     child.digest.str() + " in '" + directory().string() + "'");
      }
    }
    std::vector<const descriptor*> blobs;
    if (const descriptor* c = parsed->manifest.config()) blobs.push_back(c);
    for (const descriptor& l : parsed->manifest.layers()) blobs.push_back(&l);
    for (const descriptor* b : blobs) {
      if (!stat_blob({}, b->digest.view())) {
        return error(errc::store_blob_missing, error::npos,
                     b->digest.str() + " in '" + directory().string() + "'");
      }
    }
    const descriptor d = store::manifest_descriptor(*parsed);
    const std::lock_guard<std::mutex> g(mutex_);
    if (auto w = writer_.write_bytes(d, bytes); !w) return w.error();
    std::set<std::string> children;
    for (const descriptor& child : parsed->manifest.manifests())
      children.insert(child.digest.str());
    std::vector<descriptor> kept;
    for (const descriptor& e : writer_.entries()) {
      const bool unnamed = ref_name(e).empty();
      if (unnamed && children.contains(e.digest.str())) continue;
      if (unnamed && !where.tag.empty() && e.digest == d.digest) continue;
      kept.push_back(e);
    }
    if (!where.tag.empty()) {
      rebuild(kept);
      writer_.add(d, where.tag);
    } else {
      const bool listed = std::any_of(kept.begin(), kept.end(),
                                      [&](const descriptor& e) { return e.digest == d.digest; });
      rebuild(kept);
      if (!listed) writer_.add(d, "");
    }
    if (auto c = writer_.commit(); !c) return c.error();
    return d;
  }

  using store::registry::resolve;
  result<descriptor> resolve(const store::target& what) override {
    const std::lock_guard<std::mutex> g(mutex_);
    return resolve_locked(what);
  }

  using store::registry::pull_manifest;
  result<store::pulled_manifest> pull_manifest(const store::target& what) override {
    descriptor d;
    {
      const std::lock_guard<std::mutex> g(mutex_);
      auto r = resolve_locked(what);
      if (!r) return r.error();
      d = std::move(*r);
    }
    return read(d);
  }

  result<descriptor> tag(const store::target& source, std::string_view new_tag) override {
    if (auto ok = store::check_tag(new_tag); !ok) return ok.error();
    const std::lock_guard<std::mutex> g(mutex_);
    auto d = resolve_locked(source);
    if (!d) return d.error();
    writer_.add(*d, new_tag);
    if (auto c = writer_.commit(); !c) return c.error();
    return d;
  }

  result<void> untag(std::string_view repository, std::string_view tag) override {
    (void)repository;
    const std::lock_guard<std::mutex> g(mutex_);
    std::vector<descriptor> kept;
    bool found = false;
    for (const descriptor& e : writer_.entries()) {
      if (ref_name(e) == tag) {
        found = true;
      } else {
        kept.push_back(e);
      }
    }
    if (!found) return not_found("tag '" + std::string(tag) + "'");
    rebuild(kept);
    return writer_.commit();
  }

  // --- listings ------------------------------------------------------------------------------

  /// A layout holds one repository, which has no name: the list is empty.
  result<std::vector<std::string>> list_repositories() override {
    return std::vector<std::string>{};
  }

  result<std::vector<std::string>> list_tags(std::string_view repository) override {
    (void)repository;
    std::set<std::string> names;
    for (const descriptor& e : entries()) {
      if (!ref_name(e).empty()) names.emplace(ref_name(e));
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  result<std::vector<store::manifest_metadata>> list_metadata(
      std::string_view repository, const store::list_metadata_options& options = {}) override {
    (void)repository;
    std::map<std::string, store::manifest_metadata> by_digest;
    for (const descriptor& e : entries()) {
      auto& m = by_digest[e.digest.str()];
      if (m.media_type.empty()) {
        auto pulled = read(e);
        if (!pulled) return pulled.error();
        auto parsed = ocikit::detail::read_structure(pulled->bytes);
        if (!parsed) return parsed.error();
        m.digest = e.digest;
        m.media_type = pulled->descriptor.media_type;
        m.artifact_type = std::string(parsed->manifest.artifact_type());
        m.image_size = e.size;
        if (const descriptor* c = parsed->manifest.config()) {
          m.config_media_type = c->media_type;
          m.image_size += c->size;
        }
        for (const descriptor& l : parsed->manifest.layers()) m.image_size += l.size;
        if (const descriptor* s = parsed->manifest.subject()) m.subject = s->digest;
      }
      if (!ref_name(e).empty()) m.tags.emplace_back(ref_name(e));
    }
    std::vector<store::manifest_metadata> out;
    for (auto& [k, m] : by_digest) {
      if (options.untagged_only && !m.tags.empty()) continue;
      std::sort(m.tags.begin(), m.tags.end());
      out.push_back(std::move(m));
    }
    return out;
  }

  result<image_index> referrers(std::string_view repository, digest_view subject,
                                std::string_view artifact_type = {}) override {
    (void)repository;
    image_index out;
    out.media_type = media_types::oci_index;
    std::set<std::string> seen;
    for (const descriptor& e : entries()) {
      if (!manifest_kind_of(e.media_type) || !seen.insert(e.digest.str()).second) continue;
      auto pulled = read(e);
      if (!pulled) return pulled.error();
      auto parsed = ocikit::detail::read_structure(pulled->bytes);
      if (!parsed) return parsed.error();
      const descriptor* s = parsed->manifest.subject();
      if (s == nullptr || s->digest.view() != subject) continue;
      descriptor d = referrer_descriptor(*parsed);
      if (!artifact_type.empty() && d.artifact_type != artifact_type) continue;
      out.manifests.push_back(std::move(d));
    }
    std::sort(out.manifests.begin(), out.manifests.end(),
              [](const descriptor& a, const descriptor& b) { return a.digest < b.digest; });
    return out;
  }

  // --- what a layout does not do ---------------------------------------------------------------

  using store::registry::delete_manifest;
  result<store::delete_report> delete_manifest(const store::target& what,
                                               bool dry_run = false) override {
    (void)dry_run;
    return detail::unsupported("delete " + what.string());
  }
  result<store::delete_report> delete_repository(std::string_view repository,
                                                 bool dry_run = false) override {
    (void)dry_run;
    return detail::unsupported("delete-repo " + std::string(repository));
  }
  /// Everything is writable in a layout.
  result<store::changeable_attributes> get_attributes(const store::target& what) override {
    (void)what;
    return store::changeable_attributes{};
  }
  result<store::changeable_attributes> set_attributes(const store::target& what,
                                                      const store::attribute_update&) override {
    return detail::unsupported("lock " + what.string());
  }

 private:
  explicit layout_registry(layout_writer w) : writer_(std::move(w)) {}

  error not_found(const std::string& what) const {
    return {errc::store_not_found, error::npos, what + " in '" + directory().string() + "'"};
  }

  // Replaces the writer's entries with `kept` (in order).
  void rebuild(std::vector<descriptor> kept) { writer_.replace_entries(std::move(kept)); }

  result<descriptor> resolve_locked(const store::target& what) const {
    const auto& list = writer_.entries();
    if (what.digest) {
      for (const descriptor& e : list) {
        if (e.digest == *what.digest) return e;
      }
      // A manifest not listed in index.json (a child of an index).
      struct stat st {};
      const auto path = writer_.blob_path(what.digest->view());
      if (::stat(path.c_str(), &st) != 0 || st.st_size > static_cast<off_t>(max_manifest_size)) {
        return not_found("manifest " + what.digest->str());
      }
      auto bytes = detail::read_small_file(path, max_manifest_size);
      if (!bytes) return bytes.error();
      auto parsed = ocikit::detail::read_structure(*bytes);
      if (!parsed) return not_found("manifest " + what.digest->str());
      descriptor d = store::manifest_descriptor(*parsed);
      d.digest = *what.digest;  // read() checks the bytes against it
      return d;
    }
    if (!what.tag.empty()) {
      for (const descriptor& e : list) {
        if (ref_name(e) == what.tag) return strip(e);
      }
      return not_found("tag '" + what.tag + "'");
    }
    if (list.empty()) return not_found("any image");
    for (const descriptor& e : list) {
      if (e.digest != list.front().digest) {
        return error(errc::layout_ambiguous, error::npos,
                     "'" + directory().string() + "' has several images: name one");
      }
    }
    return strip(list.front());
  }

  static descriptor strip(descriptor d) {
    d.annotations.clear();
    return d;
  }

  result<store::pulled_manifest> read(const descriptor& d) const {
    store::pulled_manifest out;
    auto bytes = detail::read_small_file(writer_.blob_path(d.digest.view()), max_manifest_size);
    if (!bytes) {
      if (bytes.error().code() == errc::layout_not_found)
        return not_found("manifest " + d.digest.str());
      return bytes.error();
    }
    auto check = verifier::create(d.digest.view(), d.size);
    if (!check) return check.error();
    check->update(*bytes);
    if (auto v = check->verify(); !v) {
      return error(errc::store_digest_mismatch, error::npos,
                   std::string(v.error().detail()) + " (manifest " + d.digest.str() + ")");
    }
    out.descriptor = strip(d);
    out.bytes = std::move(*bytes);
    return out;
  }

  mutable std::mutex mutex_;
  layout_writer writer_;
};

}  // namespace ocikit::layout

#endif  // OCIKIT_LAYOUT_LAYOUT_REGISTRY_HPP
