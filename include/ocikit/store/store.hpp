// The embedded registry store: a registry (ocikit/store/registry.hpp) on local disk, built on
// the OCI image layout so that skopeo and umoci read each repository (docs/store.md).
//
//   <store>/oci-layout, index.json   the store root is a layout too: a catalog derived from the
//                                    repositories, ref.name = full reference (never authoritative)
//   <store>/blobs/<alg>/<hex>        the pool: every blob once, read-only
//   <store>/repos/<name>/_oci/       one complete OCI layout per repository; its blobs are hard
//                                    links to the pool ('_' cannot start a name component, so
//                                    nested names never collide)
//   <store>/repos/<name>/_lock       the repository's lock file (flock)
//   <store>/.ocikit/                 store.json (login server), store.lock (shared by pushes,
//                                    exclusive for gc), catalog.lock, uploads/ and tmp/ (files
//                                    being written: outside every blobs/)
//
//   ocikit::store::embedded_store::init(dir, login_server)   create (or open the same) store
//   ocikit::store::embedded_store::open(dir)                 open an existing store
//   plus every registry operation, and gc, du, fsck, purge (ocikit/store/maintenance.hpp).
//
// Example:
//   auto s = ocikit::store::embedded_store::init("/tmp/reg", "localhost");
//   ocikit::store::memory_source layer(bytes);
//   auto b = s->push_blob("team/app", layer);
//   auto m = s->push_manifest("team/app:v1", manifest_bytes);
#ifndef OCIKIT_STORE_STORE_HPP
#define OCIKIT_STORE_STORE_HPP

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/hash_file.hpp"
#include "ocikit/index.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/store/detail/fs.hpp"
#include "ocikit/store/detail/hash_pipeline.hpp"
#include "ocikit/store/detail/repo_index.hpp"
#include "ocikit/store/fault.hpp"
#include "ocikit/store/registry.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::store {

namespace detail {

/// RFC 3339 UTC with nanoseconds: "2026-12-06T15:16:45.123456789Z" (sorts as text).
inline std::string now_rfc3339() {
  const auto now = std::chrono::system_clock::now();
  const auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const auto secs = static_cast<std::time_t>(ns / 1000000000);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[64];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lldZ", static_cast<long long>(ns % 1000000000));
  return std::string(buf, n) + frac;
}

/// Seconds since the epoch of an RFC 3339 UTC time written by now_rfc3339 (0 when unreadable).
inline std::int64_t parse_rfc3339(std::string_view s) {
  std::tm tm{};
  if (s.size() < 19) return 0;
  const std::string head(s.substr(0, 19));
  if (::strptime(head.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  return static_cast<std::int64_t>(::timegm(&tm));
}

inline constexpr std::string_view private_dir = ".ocikit";
inline constexpr std::string_view layout_file = R"({"imageLayoutVersion":"1.0.0"})";

inline std::string blob_relative(digest_view d) {
  std::string s = "blobs/";
  s += d.algorithm();
  s += '/';
  s += d.encoded();
  return s;
}

inline error not_found(std::string what) {
  return {errc::store_not_found, error::npos, std::move(what)};
}

inline error locked(std::string what) { return {errc::store_locked, error::npos, std::move(what)}; }

/// Reads architecture and os from an image config (only what it says; "" otherwise).
inline std::pair<std::string, std::string> platform_of_config(std::string_view bytes) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(bytes, ec);
  if (ec || !v.is_object()) return {};
  const auto& o = v.get_object();
  std::pair<std::string, std::string> out;
  if (const auto* a = o.if_contains("architecture")) out.first = std::string(string_of(*a));
  if (const auto* s = o.if_contains("os")) out.second = std::string(string_of(*s));
  return out;
}

inline bool is_image_config(std::string_view media_type) {
  return media_type == media_types::oci_config || media_type == media_types::docker_config;
}

}  // namespace detail

/// Holds the store lock shared: gc (which takes it exclusive) waits until every lease is gone.
/// Take one around a sequence of pushes (blobs, then the manifest that references them) so that
/// a concurrent gc cannot collect the blobs in between.
class store_lease {
 public:
  store_lease() = default;
  explicit store_lease(detail::file_lock l) noexcept : lock_(std::move(l)) {}
  [[nodiscard]] bool held() const noexcept { return lock_.held(); }
  void release() noexcept { lock_.release(); }

 private:
  detail::file_lock lock_;
};

struct gc_options;
struct gc_report;
struct usage_report;
struct fsck_options;
struct fsck_report;
struct purge_options;
struct purge_report;

/// The embedded store.
class embedded_store : public registry {
 public:
  /// Creates a store in `dir` (created when missing) with the login server `login_server`, or
  /// opens the store there when it has that login server (store.exists when another).
  static result<embedded_store> init(const std::filesystem::path& dir,
                                     std::string_view login_server = default_login_server);
  /// Opens the store in `dir` (store.not_a_store when there is none).
  static result<embedded_store> open(const std::filesystem::path& dir);
  /// Opens the store in `dir`, creating it with `login_server` when there is none.
  static result<embedded_store> open_or_init(const std::filesystem::path& dir,
                                             std::string_view login_server = default_login_server);

  [[nodiscard]] std::string_view login_server() const noexcept override { return login_; }
  /// The store's directory.
  [[nodiscard]] const std::filesystem::path& root() const noexcept { return root_; }
  /// The OCI image layout of a repository (for skopeo and umoci: `oci:<layout>:<tag>`).
  [[nodiscard]] std::filesystem::path layout_path(std::string_view repository) const {
    return repo_dir(repository) / "_oci";
  }
  /// The pool file of a blob.
  [[nodiscard]] std::filesystem::path pool_path(digest_view d) const {
    return root_ / detail::blob_relative(d);
  }
  /// Holds the store lock shared (see store_lease).
  result<store_lease> lease() {
    auto l = detail::file_lock::acquire(private_path() / "store.lock", false);
    if (!l) return l.error();
    return store_lease(std::move(*l));
  }

  // registry
  result<blob_info> push_blob(std::string_view repository, byte_source& content,
                              const blob_expectation& expected = {}) override;
  result<blob_info> stat_blob(std::string_view repository, digest_view digest) override;
  result<std::unique_ptr<blob_reader>> open_blob(std::string_view repository,
                                                 digest_view digest) override;
  using registry::push_manifest;
  result<descriptor> push_manifest(const target& where, std::string_view bytes,
                                   const push_manifest_options& options = {}) override;
  using registry::resolve;
  result<descriptor> resolve(const target& what) override;
  using registry::pull_manifest;
  result<pulled_manifest> pull_manifest(const target& what) override;
  result<descriptor> tag(const target& source, std::string_view new_tag) override;
  result<void> untag(std::string_view repository, std::string_view tag) override;
  result<std::vector<std::string>> list_repositories() override;
  result<std::vector<std::string>> list_tags(std::string_view repository) override;
  result<std::vector<manifest_metadata>> list_metadata(
      std::string_view repository, const list_metadata_options& options = {}) override;
  result<image_index> referrers(std::string_view repository, digest_view subject,
                                std::string_view artifact_type = {}) override;
  using registry::delete_manifest;
  result<delete_report> delete_manifest(const target& what, bool dry_run = false) override;
  result<delete_report> delete_repository(std::string_view repository,
                                          bool dry_run = false) override;
  result<changeable_attributes> get_attributes(const target& what) override;
  result<changeable_attributes> set_attributes(const target& what,
                                               const attribute_update& update) override;

  // maintenance (ocikit/store/maintenance.hpp)
  result<gc_report> gc(const gc_options& options);
  result<usage_report> du();
  result<fsck_report> fsck(const fsck_options& options);
  result<purge_report> purge(const purge_options& options);
  /// Rewrites the catalog (the root index.json) from the repositories.
  result<void> rebuild_catalog();

  // internals shared with maintenance.hpp
  [[nodiscard]] std::filesystem::path private_path() const { return root_ / detail::private_dir; }
  [[nodiscard]] std::filesystem::path repo_dir(std::string_view repository) const {
    return root_ / "repos" / std::string(repository);
  }
  /// The lock file of a repository: .ocikit/locks/<name with '/' as '+'> (outside the
  /// repository, so that a refused request leaves no trace there).
  [[nodiscard]] std::filesystem::path repo_lock_path(std::string_view repository) const {
    std::string name(repository);
    std::replace(name.begin(), name.end(), '/', '+');
    return private_path() / "locks" / name;
  }
  [[nodiscard]] std::filesystem::path index_path(std::string_view repository) const {
    return layout_path(repository) / "index.json";
  }
  result<detail::repo_index> load_index(std::string_view repository) const;
  result<bool> repository_exists(std::string_view repository) const;

 private:
  embedded_store(std::filesystem::path root, std::string login)
      : root_(std::move(root)), login_(std::move(login)) {}

  struct repo_lock {
    detail::file_lock store;
    detail::file_lock repo;
  };
  result<repo_lock> lock_repository(std::string_view repository, bool create);
  result<void> ensure_layout(std::string_view repository);
  result<void> write_index(std::string_view repository, const std::string& text);
  result<void> update_catalog(std::string_view repository, const detail::repo_index& index);
  result<blob_info> ingest(std::string_view repository, byte_source& content,
                           const blob_expectation& expected, bool link_repository = true);
  result<void> link_into_repo(std::string_view repository, digest_view d);
  result<std::string> read_blob_bytes(std::string_view repository, digest_view d,
                                      std::int64_t size);
  result<std::pair<std::size_t, detail::entry>> resolve_entry(const detail::repo_index& index,
                                                              const target& what) const;
  result<std::vector<std::string>> apply_tag(const detail::repo_index& index,
                                             const detail::entry& manifest, std::string_view tag,
                                             std::vector<std::size_t>& remove,
                                             const std::string& now);
  result<detail::entry> new_entry(std::string_view repository, const parsed_manifest& m,
                                  const std::string& now);

  std::filesystem::path root_;
  std::string login_;
};

// ---------------------------------------------------------------------------------------------
// Opening

inline result<embedded_store> embedded_store::open(const std::filesystem::path& dir) {
  const auto meta = dir / detail::private_dir / "store.json";
  auto text = detail::read_file(meta);
  if (!text) {
    if (text.error() == errc::store_not_found) {
      return error(
          errc::store_not_a_store, error::npos,
          "'" + dir.string() + "' has no " + std::string(detail::private_dir) + "/store.json");
    }
    return text.error();
  }
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(*text, ec);
  const boost::json::value* login = nullptr;
  if (!ec && v.is_object()) login = v.get_object().if_contains("loginServer");
  if (login == nullptr || !login->is_string()) {
    return detail::corrupt(meta.string(), "no loginServer");
  }
  return embedded_store(dir, std::string(detail::string_of(*login)));
}

inline result<embedded_store> embedded_store::init(const std::filesystem::path& dir,
                                                   std::string_view login_server) {
  if (login_server.empty() || login_server.find('/') != std::string_view::npos) {
    return error(
        errc::store_invalid_name, error::npos,
        "login server '" + std::string(login_server) + "': a host name with an optional port");
  }
  {
    const std::string text = std::string(login_server) + "/x";
    auto probe = parse_reference(text);
    if (!probe || probe->domain() != login_server) {
      return error(
          errc::store_invalid_name, error::npos,
          "login server '" + std::string(login_server) + "': a host name with an optional port");
    }
  }
  if (auto existing = open(dir)) {
    if (existing->login_ != login_server) {
      return error(errc::store_exists, error::npos,
                   "'" + dir.string() + "' is a store with the login server '" + existing->login_ +
                       "', not '" + std::string(login_server) + "'");
    }
    return existing;
  } else if (existing.error() != errc::store_not_a_store) {
    return existing.error();
  }
  const auto priv = dir / detail::private_dir;
  for (const auto& d :
       {dir / "blobs" / "sha256", dir / "repos", priv / "uploads", priv / "tmp", priv / "locks"}) {
    if (auto ok = detail::make_dirs(d); !ok) return ok.error();
  }
  const auto tmp = priv / "tmp";
  if (auto ok = detail::write_file_atomic(dir / "oci-layout", detail::layout_file, tmp); !ok) {
    return ok.error();
  }
  detail::repo_index empty;
  if (auto ok = detail::write_file_atomic(dir / "index.json", empty.serialize(), tmp); !ok) {
    return ok.error();
  }
  std::string meta = R"({"loginServer":)";
  ocikit::json::write_string(meta, login_server);
  meta += R"(,"format":1})";
  meta += '\n';
  if (auto ok = detail::write_file_atomic(priv / "store.json", meta, tmp); !ok) return ok.error();
  return open(dir);
}

inline result<embedded_store> embedded_store::open_or_init(const std::filesystem::path& dir,
                                                           std::string_view login_server) {
  auto s = open(dir);
  if (s || s.error() != errc::store_not_a_store) return s;
  return init(dir, login_server);
}

// ---------------------------------------------------------------------------------------------
// Repositories, locks, index files

inline result<bool> embedded_store::repository_exists(std::string_view repository) const {
  struct stat st {};
  const auto p = index_path(repository);
  if (::stat(p.c_str(), &st) == 0) return true;
  if (errno == ENOENT || errno == ENOTDIR) return false;
  return detail::path_error("cannot stat", p, errno);
}

inline result<detail::repo_index> embedded_store::load_index(std::string_view repository) const {
  const auto p = index_path(repository);
  auto text = detail::map_file(p);
  if (!text) {
    if (text.error() == errc::store_not_found) {
      return detail::not_found("repository '" + std::string(repository) + "'");
    }
    return text.error();
  }
  return detail::repo_index::parse(std::move(*text), p.string());
}

inline result<void> embedded_store::ensure_layout(std::string_view repository) {
  const auto layout = layout_path(repository);
  struct stat st {};
  if (::stat((layout / "index.json").c_str(), &st) == 0) {
    // A layout exists; its blob directory may not (a repository emptied by hand).
    return detail::make_dirs(layout / "blobs" / "sha256");
  }
  if (auto ok = detail::make_dirs(layout / "blobs" / "sha256"); !ok) return ok;
  const auto tmp = private_path() / "tmp";
  if (auto ok = detail::write_file_atomic(layout / "oci-layout", detail::layout_file, tmp); !ok) {
    return ok;
  }
  detail::repo_index empty;
  return detail::write_file_atomic(layout / "index.json", empty.serialize(), tmp);
}

inline result<embedded_store::repo_lock> embedded_store::lock_repository(
    std::string_view repository, bool create) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  repo_lock l;
  auto s = detail::file_lock::acquire(private_path() / "store.lock", false);
  if (!s) return s.error();
  l.store = std::move(*s);
  if (!create) {
    // Checked before the lock too, so that a request for an unknown repository leaves no lock
    // file behind.
    auto exists = repository_exists(repository);
    if (!exists) return exists.error();
    if (!*exists) return detail::not_found("repository '" + std::string(repository) + "'");
  }
  auto r = detail::file_lock::acquire(repo_lock_path(repository), true);
  if (!r) {
    // A store made before the locks directory existed.
    if (auto ok = detail::make_dirs(private_path() / "locks"); !ok) return ok.error();
    r = detail::file_lock::acquire(repo_lock_path(repository), true);
    if (!r) return r.error();
  }
  l.repo = std::move(*r);
  if (!create) {
    auto exists = repository_exists(repository);
    if (!exists) return exists.error();
    if (!*exists) return detail::not_found("repository '" + std::string(repository) + "'");
  }
  return l;
}

inline result<void> embedded_store::write_index(std::string_view repository,
                                                const std::string& text) {
  auto ok = detail::write_file_atomic(index_path(repository), text, private_path() / "tmp",
                                      [] { fault_point("index.temp_written"); });
  if (!ok) return ok;
  fault_point("index.renamed");
  auto idx = detail::repo_index::parse(text, index_path(repository).string());
  if (!idx) return idx.error();
  return update_catalog(repository, *idx);
}

namespace detail {

// The catalog line of one entry line: its mediaType, digest and size, and the full reference
// as ref.name ("login/repo:tag", or "login/repo@digest" for an untagged manifest).
inline result<std::string> catalog_line(std::string_view login, std::string_view repository,
                                        std::string_view line, std::string_view where) {
  std::string name(login);
  name += '/';
  name += repository;
  std::string out;
  constexpr std::string_view tag_key = "\"org.opencontainers.image.ref.name\":\"";
  const std::size_t size_at = line.find("\"size\":");
  if (line.substr(0, 14) == R"({"mediaType":")" && size_at != std::string_view::npos &&
      line.find('\\') == std::string_view::npos) {
    // The store's own form: mediaType, digest, size first.
    std::size_t end = size_at + 7;
    while (end < line.size() && line[end] >= '0' && line[end] <= '9') ++end;
    out.reserve(end + name.size() + 128);
    out.append(line.substr(0, end));
    const std::size_t t = line.find(tag_key);
    if (t != std::string_view::npos) {
      const std::size_t b = t + tag_key.size();
      name += ':';
      name += line.substr(b, line.find('"', b) - b);
    } else {
      const std::size_t d = line.find("\"digest\":\"");
      name += '@';
      name += line.substr(d + 10, line.find('"', d + 10) - d - 10);
    }
  } else {
    auto e = parse_entry(line, where);
    if (!e) return e.error();
    descriptor d;
    d.media_type = e->d.media_type;
    d.digest = e->d.digest;
    d.size = e->d.size;
    ocikit::json::write(out, d);
    out.pop_back();
    if (e->tagged()) {
      name += ':';
      name += e->tag();
    } else {
      name += '@';
      name += e->d.digest.string();
    }
  }
  out += ",\"annotations\":{\"org.opencontainers.image.ref.name\":";
  ocikit::json::write_string(out, name);
  out += "}}";
  return out;
}

// The catalog lines of one repository.
inline result<std::vector<std::string>> catalog_lines(std::string_view login,
                                                      std::string_view repository,
                                                      const repo_index& index) {
  std::vector<std::string> out;
  for (const std::string_view l : index.lines()) {
    auto c = catalog_line(login, repository, l, repository);
    if (!c) return c.error();
    out.push_back(std::move(*c));
  }
  return out;
}

// The repository part of a catalog line's ref.name ("login/repo" of "login/repo:tag").
inline std::string_view catalog_repository(std::string_view line) {
  constexpr std::string_view key = "\"org.opencontainers.image.ref.name\":\"";
  const std::size_t at = line.find(key);
  if (at == std::string_view::npos) return {};
  const std::size_t start = at + key.size();
  const std::size_t end = line.find('"', start);
  if (end == std::string_view::npos) return {};
  const std::string_view name = line.substr(start, end - start);
  const std::size_t sep = name.find_first_of(":@", name.find('/'));
  return name.substr(0, sep);
}

}  // namespace detail

inline result<void> embedded_store::update_catalog(std::string_view repository,
                                                   const detail::repo_index& index) {
  auto lock = detail::file_lock::acquire(private_path() / "catalog.lock", true);
  if (!lock) return lock.error();
  auto text = detail::read_file(root_ / "index.json");
  detail::repo_index catalog;
  if (text) {
    auto parsed = detail::repo_index::parse(std::move(*text), "index.json");
    if (parsed) catalog = std::move(*parsed);
  }
  auto mine = detail::catalog_lines(login_, repository, index);
  if (!mine) return mine.error();
  const std::string full = login_ + "/" + std::string(repository);
  std::vector<std::size_t> remove;
  for (const std::size_t at : catalog.offsets()) {
    if (detail::catalog_repository(catalog.line_at(at)) == full) remove.push_back(at);
  }
  return detail::write_file_atomic(
      root_ / "index.json", catalog.edited(remove, *mine), private_path() / "tmp",
      [] { fault_point("catalog.written"); }, 0644, false);
}

inline result<void> embedded_store::rebuild_catalog() {
  auto repos = list_repositories();
  if (!repos) return repos.error();
  std::vector<std::string> lines;
  for (const auto& r : *repos) {
    auto idx = load_index(r);
    if (!idx) return idx.error();
    auto mine = detail::catalog_lines(login_, r, *idx);
    if (!mine) return mine.error();
    lines.insert(lines.end(), mine->begin(), mine->end());
  }
  auto lock = detail::file_lock::acquire(private_path() / "catalog.lock", true);
  if (!lock) return lock.error();
  detail::repo_index empty;
  return detail::write_file_atomic(
      root_ / "index.json", empty.serialize_lines(lines), private_path() / "tmp",
      [] { fault_point("catalog.written"); }, 0644, false);
}

// ---------------------------------------------------------------------------------------------
// Blobs

inline result<void> embedded_store::link_into_repo(std::string_view repository, digest_view d) {
  const auto dest = layout_path(repository) / detail::blob_relative(d);
  if (auto ok = detail::make_dirs(dest.parent_path()); !ok) return ok;
  auto placed = detail::link_or_copy(pool_path(d), dest, repo_dir(repository));
  if (!placed) return placed.error();
  if (*placed != detail::placed::existed) return detail::fsync_dir(dest.parent_path());
  return {};
}

inline result<blob_info> embedded_store::ingest(std::string_view repository, byte_source& content,
                                                const blob_expectation& expected,
                                                bool link_repository) {
  const digest_algorithm alg =
      expected.digest ? expected.digest->known_algorithm().value_or(digest_algorithm::blake3)
                      : expected.algorithm;
  // Known already: nothing to read.
  if (expected.digest) {
    struct stat st {};
    if (::stat(pool_path(*expected.digest).c_str(), &st) == 0 &&
        (expected.size < 0 || st.st_size == expected.size)) {
      if (link_repository) {
        if (auto ok = link_into_repo(repository, *expected.digest); !ok) return ok.error();
      }
      return blob_info{*expected.digest, static_cast<std::int64_t>(st.st_size), true};
    }
  }
  auto hasher = digester::create(alg);
  if (!hasher) return hasher.error();
  auto tmp = detail::create_temp(private_path() / "uploads", "blob-", 0444);
  if (!tmp) return tmp.error();
  struct remover {
    std::filesystem::path p;
    ~remover() {
      if (!p.empty()) ::unlink(p.c_str());
    }
  } cleanup{tmp->path};
  // Read into one slot while the worker hashes the ones before it: hashing overlaps reading
  // and writing. Declared after the hasher, so that it stops (joins) before the hasher goes.
  detail::hash_ring ring(4, transfer_buffer_size * 4,
                         [&h = *hasher](std::span<const std::byte> bytes) { h.update(bytes); });
  std::uint64_t written = 0;
  std::uint64_t synced = 0;
  for (;;) {
    const std::span<std::byte> slot = ring.next();
    auto n = content.read(slot);
    if (!n) return n.error();
    if (*n == 0) break;
    written += *n;
    if (expected.size >= 0 && written > static_cast<std::uint64_t>(expected.size)) {
      return error(errc::store_size_mismatch, error::npos,
                   "expected " + std::to_string(expected.size) + " bytes, got at least " +
                       std::to_string(written));
    }
    ring.submit(*n);
    if (auto w = detail::write_all(tmp->fd.get(),
                                   std::string_view(reinterpret_cast<const char*>(slot.data()), *n),
                                   tmp->path);
        !w) {
      return w.error();
    }
    // Start writing back what is written, so that the final fsync has little left to do.
    if (written - synced >= (std::uint64_t{32} << 20)) {
      (void)::sync_file_range(tmp->fd.get(), static_cast<off_t>(synced),
                              static_cast<off_t>(written - synced), SYNC_FILE_RANGE_WRITE);
      synced = written;
    }
  }
  ring.finish();
  fault_point("blob.written");
  auto got = hasher->try_finish();
  if (!got) return got.error();
  if (expected.size >= 0 && written != static_cast<std::uint64_t>(expected.size)) {
    return error(
        errc::store_size_mismatch, error::npos,
        "expected " + std::to_string(expected.size) + " bytes, got " + std::to_string(written));
  }
  if (expected.digest && *got != *expected.digest) {
    return error(errc::store_digest_mismatch, error::npos,
                 "expected " + expected.digest->str() + ", got " + got->str());
  }
  if (::fsync(tmp->fd.get()) != 0) return detail::path_error("cannot fsync", tmp->path, errno);
  tmp->fd.reset();
  fault_point("blob.synced");
  const auto pool = pool_path(*got);
  if (auto ok = detail::make_dirs(pool.parent_path()); !ok) return ok.error();
  bool existed = false;
  if (::link(tmp->path.c_str(), pool.c_str()) != 0) {
    if (errno != EEXIST) return detail::path_error("cannot link into", pool, errno);
    existed = true;
  } else if (auto ok = detail::fsync_dir(pool.parent_path()); !ok) {
    return ok.error();
  }
  fault_point("blob.pooled");
  if (link_repository) {
    if (auto ok = link_into_repo(repository, *got); !ok) return ok.error();
    fault_point("blob.linked");
  }
  return blob_info{std::move(*got), static_cast<std::int64_t>(written), existed};
}

inline result<blob_info> embedded_store::push_blob(std::string_view repository,
                                                   byte_source& content,
                                                   const blob_expectation& expected) {
  // The blob goes into the pool only: the repository links it when a manifest references it
  // (so a push that fails half way leaves the repository as it was).
  if (auto ok = check_repository(repository); !ok) return ok.error();
  auto store_lock = detail::file_lock::acquire(private_path() / "store.lock", false);
  if (!store_lock) return store_lock.error();
  if (auto idx = load_index(repository)) {
    const auto attrs = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
    if (!attrs.write_enabled) {
      return detail::locked("repository '" + std::string(repository) +
                            "' has writeEnabled=false: no push");
    }
  } else if (idx.error() != errc::store_not_found) {
    return idx.error();
  }
  return ingest(repository, content, expected, false);
}

inline result<blob_info> embedded_store::stat_blob(std::string_view repository,
                                                   digest_view digest) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  const auto p = layout_path(repository) / detail::blob_relative(digest);
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return detail::not_found("blob " + std::string(digest.string()) + " in repository '" +
                             std::string(repository) + "'");
  }
  return blob_info{ocikit::digest(digest), static_cast<std::int64_t>(st.st_size), true};
}

namespace detail {

/// Reads a blob file and verifies it at the end.
class file_blob_reader : public blob_reader {
 public:
  file_blob_reader(std::unique_ptr<file_source> file, verifier v, blob_info info)
      : file_(std::move(file)), verifier_(std::move(v)), info_(std::move(info)) {}
  [[nodiscard]] const blob_info& info() const noexcept override { return info_; }
  [[nodiscard]] std::int64_t size_hint() const noexcept override { return file_->size_hint(); }
  result<std::size_t> read(std::span<std::byte> buffer) override {
    if (done_) return std::size_t{0};
    auto n = file_->read(buffer);
    if (!n) return n.error();
    if (*n == 0) {
      done_ = true;
      if (auto ok = verifier_.verify(); !ok) return stored_error(ok.error());
      return std::size_t{0};
    }
    if (auto ok = verifier_.update(std::span<const std::byte>(buffer.data(), *n)); !ok) {
      return stored_error(ok.error());
    }
    consumed_ += *n;
    return *n;
  }

  // From the start of a regular file to a descriptor: the kernel copies it (copy_file_range,
  // sendfile) on a second thread while this one hashes the file. A stored blob never changes,
  // so both read the same bytes; the verdict comes when both are done, as read()'s does.
  result<std::uint64_t> copy_to(byte_sink& out) override {
    const int to = out.native_handle();
    const std::int64_t size = file_->size_hint();
    if (to < 0 || done_ || consumed_ != 0 || size < kernel_copy_threshold) {
      return copy(*this, out);
    }
    const int from = file_->native_handle();
    result<std::uint64_t> copied = std::uint64_t{0};
    const auto run_copy = [&] {
      copied = kernel_copy(from, 0, to, static_cast<std::uint64_t>(size), "the output");
    };
    std::thread copier;
    try {
      copier = std::thread(run_copy);
    } catch (const std::system_error&) {
      run_copy();  // no thread: copy, then hash
    }
    const ocikit::detail::page_buffer buffer(static_cast<std::byte*>(::operator new (
        ocikit::detail::file_block_size, std::align_val_t{ocikit::detail::page_size})));
    std::uint64_t hashed = 0;
    auto read =
        for_each_read(from, std::span<std::byte>(buffer.get(), ocikit::detail::file_block_size),
                      "the blob " + info_.digest.str(), [&](std::span<const std::byte> bytes) {
                        hashed += bytes.size();
                        (void)verifier_.update(bytes);  // the verdict comes from verify()
                      });
    if (copier.joinable()) copier.join();
    done_ = true;
    if (!copied) return copied.error();
    if (!read) return read.error();
    if (auto ok = verifier_.verify(); !ok) return stored_error(ok.error());
    if (*copied != hashed) {
      return error(errc::store_io, error::npos,
                   "the stored blob " + info_.digest.str() + " changed while it was read");
    }
    return *copied;
  }

 private:
  // Smaller blobs take read(): a thread costs more than it saves.
  static constexpr std::int64_t kernel_copy_threshold = std::int64_t{4} << 20;

  error stored_error(const error& e) const {
    const errc code =
        e == errc::content_size_mismatch ? errc::store_size_mismatch : errc::store_digest_mismatch;
    return {code, error::npos,
            "the stored blob " + info_.digest.str() + " is damaged (" + std::string(e.detail()) +
                "); run `ocikit store fsck --verify-blobs --repair`"};
  }
  std::unique_ptr<file_source> file_;
  verifier verifier_;
  blob_info info_;
  std::uint64_t consumed_ = 0;
  bool done_ = false;
};

}  // namespace detail

inline result<std::unique_ptr<blob_reader>> embedded_store::open_blob(std::string_view repository,
                                                                      digest_view digest) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  const auto p = layout_path(repository) / detail::blob_relative(digest);
  auto file = file_source::open(p);
  if (!file) {
    return detail::not_found("blob " + std::string(digest.string()) + " in repository '" +
                             std::string(repository) + "'");
  }
  const std::int64_t size = (*file)->size_hint();
  auto v = verifier::create(digest);
  if (!v) return v.error();
  std::unique_ptr<blob_reader> r = std::make_unique<detail::file_blob_reader>(
      std::move(*file), std::move(*v), blob_info{ocikit::digest(digest), size, true});
  return r;
}

inline result<std::string> embedded_store::read_blob_bytes(std::string_view repository,
                                                           digest_view d, std::int64_t size) {
  auto r = open_blob(repository, d);
  if (!r) return r.error();
  if (size >= 0 && (*r)->info().size != size) {
    return error(errc::store_size_mismatch, error::npos,
                 std::string(d.string()) + ": expected " + std::to_string(size) +
                     " bytes, the store has " + std::to_string((*r)->info().size));
  }
  string_sink out;
  if (auto n = copy(**r, out, 1 << 16); !n) return n.error();
  return std::move(out.data);
}

// ---------------------------------------------------------------------------------------------
// Manifests

inline result<detail::entry> embedded_store::new_entry(std::string_view repository,
                                                       const parsed_manifest& m,
                                                       const std::string& now) {
  detail::entry e;
  e.d = m.to_descriptor();
  e.d.artifact_type = std::string(m.manifest.artifact_type());
  auto& a = e.d.annotations;
  a.emplace(detail::keys::created, now);
  a.emplace(detail::keys::updated, now);
  std::int64_t image_size = m.size;
  if (const descriptor* c = m.manifest.config()) {
    image_size += c->size;
    a.emplace(detail::keys::config_media_type, c->media_type);
    if (detail::is_image_config(c->media_type) && c->size <= (std::int64_t{4} << 20)) {
      if (auto bytes = read_blob_bytes(repository, c->digest, c->size)) {
        auto [arch, os] = detail::platform_of_config(*bytes);
        if (!arch.empty()) a.emplace(detail::keys::architecture, std::move(arch));
        if (!os.empty()) a.emplace(detail::keys::os, std::move(os));
      }
    }
  }
  for (const descriptor& l : m.manifest.layers()) image_size += l.size;
  a.emplace(detail::keys::image_size, std::to_string(image_size));
  if (const descriptor* s = m.manifest.subject()) a.emplace(detail::keys::subject, s->digest.str());
  return e;
}

inline result<std::pair<std::size_t, detail::entry>> embedded_store::resolve_entry(
    const detail::repo_index& index, const target& what) const {
  const std::string where = index_path(what.repository).string();
  if (what.digest) {
    auto found = index.find_digest(what.digest->string(), where);
    if (!found) return found.error();
    if (found->empty()) {
      return detail::not_found("manifest " + what.digest->str() + " in repository '" +
                               what.repository + "'");
    }
    if (!what.tag.empty()) {
      for (auto& f : *found) {
        if (f.second.tag() == what.tag) return std::move(f);
      }
      return detail::not_found("tag '" + what.tag + "' of manifest " + what.digest->str() +
                               " in repository '" + what.repository + "'");
    }
    return std::move(found->front());
  }
  if (what.tag.empty()) {
    return error(errc::store_invalid_name, error::npos,
                 "reference '" + what.repository + "': name a tag or a digest");
  }
  auto found = index.find_tag(what.tag, where);
  if (!found) return found.error();
  if (!*found) {
    return detail::not_found("tag '" + what.tag + "' in repository '" + what.repository + "'");
  }
  return std::move(**found);
}

// Lines that put `tag` on `manifest` (whose entries are found in `index`): the new lines to
// add, and in `remove` the lines to drop. Checks the locks of the tag it moves.
inline result<std::vector<std::string>> embedded_store::apply_tag(const detail::repo_index& index,
                                                                  const detail::entry& manifest,
                                                                  std::string_view tag,
                                                                  std::vector<std::size_t>& remove,
                                                                  const std::string& now) {
  const std::string where = "repository index";
  std::vector<std::string> add;
  auto same = index.find_digest(manifest.d.digest.string(), where);
  if (!same) return same.error();
  auto old = index.find_tag(tag, where);
  if (!old) return old.error();
  if (*old && !(*old)->second.tag_attributes().write_enabled) {
    return detail::locked("tag '" + std::string(tag) + "' has writeEnabled=false: it cannot be " +
                          ((*old)->second.d.digest == manifest.d.digest ? "written" : "moved"));
  }
  if (*old && (*old)->second.d.digest == manifest.d.digest) {
    // Already there: only the times change.
    for (auto& [i, e] : *same) {
      e.d.annotations[std::string(detail::keys::updated)] = now;
      remove.push_back(i);
      add.push_back(e.line());
    }
    return add;
  }
  if (*old) {
    const detail::entry& o = (*old)->second;
    if (!o.tag_attributes().write_enabled) {
      return detail::locked("tag '" + std::string(tag) +
                            "' has writeEnabled=false: it cannot be moved");
    }
    // The old manifest loses the tag; when it was its last, it stays untagged.
    auto others = index.find_digest(o.d.digest.string(), where);
    if (!others) return others.error();
    remove.push_back((*old)->first);
    detail::drop_tag_entry((*old)->first, o, *others, now, remove, add);
  }
  // The manifest's own entries: times updated; an untagged record becomes the tag's entry.
  detail::entry base = manifest.untagged();
  base.d.annotations[std::string(detail::keys::updated)] = now;
  for (auto& [i, e] : *same) {
    remove.push_back(i);
    if (!e.tagged()) continue;
    e.d.annotations[std::string(detail::keys::updated)] = now;
    add.push_back(e.line());
  }
  base.d.annotations[std::string(detail::keys::ref_name)] = std::string(tag);
  add.push_back(base.line());
  std::sort(remove.begin(), remove.end());
  remove.erase(std::unique(remove.begin(), remove.end()), remove.end());
  return add;
}

inline result<descriptor> embedded_store::push_manifest(const target& where, std::string_view bytes,
                                                        const push_manifest_options& options) {
  auto parsed = check_manifest_push(where, bytes, options);
  if (!parsed) return parsed.error();
  auto l = lock_repository(where.repository, true);
  if (!l) return l.error();
  const std::string ipath = index_path(where.repository).string();
  auto idx = load_index(where.repository);
  if (!idx && idx.error() == errc::store_not_found) idx = detail::repo_index();  // a new one
  if (!idx) return idx.error();
  if (!detail::read_attributes(idx->annotations, detail::keys::repository_scope).write_enabled) {
    return detail::locked("repository '" + where.repository + "' has writeEnabled=false: no push");
  }
  // Everything it references must be here (a subject may be missing).
  std::vector<std::string> missing;
  std::vector<std::string> wrong_size;
  std::vector<ocikit::digest> to_link;  // in the pool, not yet in the repository
  const auto need_blob = [&](const descriptor& d) -> result<void> {
    struct stat st {};
    const auto in_repo = layout_path(where.repository) / detail::blob_relative(d.digest);
    const bool linked = ::stat(in_repo.c_str(), &st) == 0;
    if (!linked && ::stat(pool_path(d.digest).c_str(), &st) != 0) {
      if (d.urls.empty()) missing.push_back(d.digest.str());
      return {};
    }
    if (st.st_size != d.size) {
      wrong_size.push_back(d.digest.str() + " has " + std::to_string(st.st_size) +
                           " bytes, the manifest says " + std::to_string(d.size));
      return {};
    }
    if (!linked) to_link.push_back(d.digest);
    return {};
  };
  if (const descriptor* c = parsed->manifest.config()) {
    if (auto ok = need_blob(*c); !ok) return ok.error();
  }
  for (const descriptor& layer : parsed->manifest.layers()) {
    if (auto ok = need_blob(layer); !ok) return ok.error();
  }
  if (!missing.empty()) {
    std::string d;
    for (const auto& m : missing) d += (d.empty() ? "" : ", ") + m;
    return error(errc::store_blob_missing, error::npos, std::move(d));
  }
  if (!wrong_size.empty()) {
    std::string d;
    for (const auto& m : wrong_size) d += (d.empty() ? "" : "; ") + m;
    return error(errc::store_size_mismatch, error::npos, std::move(d));
  }
  for (const descriptor& child : parsed->manifest.manifests()) {
    auto found = idx->find_digest(child.digest.string(), ipath);
    if (!found) return found.error();
    if (found->empty()) missing.push_back(child.digest.str());
  }
  if (!missing.empty()) {
    std::string d;
    for (const auto& m : missing) d += (d.empty() ? "" : ", ") + m;
    return error(errc::store_manifest_missing, error::npos,
                 d + " (repository '" + where.repository + "')");
  }
  // The bytes, then the index.
  if (auto ok = ensure_layout(where.repository); !ok) return ok.error();
  for (const auto& d : to_link) {
    if (auto ok = link_into_repo(where.repository, d); !ok) return ok.error();
  }
  memory_source src(bytes);
  blob_expectation expect;
  expect.digest = parsed->digest;
  expect.size = parsed->size;
  if (auto b = ingest(where.repository, src, expect); !b) return b.error();
  fault_point("manifest.stored");
  const std::string now = detail::now_rfc3339();
  auto existing = idx->find_digest(parsed->digest.string(), ipath);
  if (!existing) return existing.error();
  std::vector<std::size_t> remove;
  std::vector<std::string> add;
  detail::entry manifest;
  if (existing->empty()) {
    auto e = new_entry(where.repository, *parsed, now);
    if (!e) return e.error();
    manifest = std::move(*e);
  } else {
    manifest = existing->front().second;
  }
  if (!where.tag.empty()) {
    if (existing->empty()) {
      // A new manifest: its tag entry only.
      auto old = idx->find_tag(where.tag, ipath);
      if (!old) return old.error();
      detail::entry tagged = manifest;
      if (*old) {
        const detail::entry& o = (*old)->second;
        if (!o.tag_attributes().write_enabled) {
          return detail::locked("tag '" + where.tag +
                                "' has writeEnabled=false: it cannot be overwritten");
        }
        auto others = idx->find_digest(o.d.digest.string(), ipath);
        if (!others) return others.error();
        remove.push_back((*old)->first);
        if (others->size() == 1) {
          detail::entry u = o.untagged();
          u.d.annotations[std::string(detail::keys::updated)] = now;
          add.push_back(u.line());
        }
      }
      tagged.d.annotations[std::string(detail::keys::ref_name)] = where.tag;
      add.push_back(tagged.line());
    } else {
      auto lines = apply_tag(*idx, manifest, where.tag, remove, now);
      if (!lines) return lines.error();
      add = std::move(*lines);
    }
  } else if (existing->empty()) {
    add.push_back(manifest.line());
  } else {
    // Pushed again by digest: it was pushed now.
    for (auto& [i, e] : *existing) {
      e.d.annotations[std::string(detail::keys::updated)] = now;
      remove.push_back(i);
      add.push_back(e.line());
    }
  }
  std::sort(remove.begin(), remove.end());
  if (auto ok = write_index(where.repository, idx->edited(remove, add)); !ok) return ok.error();
  descriptor out = manifest.d;
  out.annotations.clear();
  return out;
}

inline result<descriptor> embedded_store::resolve(const target& what) {
  if (auto ok = check_repository(what.repository); !ok) return ok.error();
  auto idx = load_index(what.repository);
  if (!idx) return idx.error();
  auto e = resolve_entry(*idx, what);
  if (!e) return e.error();
  const detail::entry& en = e->second;
  if (!en.manifest_attributes().read_enabled ||
      !detail::read_attributes(idx->annotations, detail::keys::repository_scope).read_enabled) {
    return detail::locked(what.string() + " has readEnabled=false");
  }
  descriptor out = en.d;
  out.annotations.clear();
  return out;
}

inline result<pulled_manifest> embedded_store::pull_manifest(const target& what) {
  auto d = resolve(what);
  if (!d) return d.error();
  auto bytes = read_blob_bytes(what.repository, d->digest, d->size);
  if (!bytes) return bytes.error();
  return pulled_manifest{std::move(*d), std::move(*bytes)};
}

inline result<descriptor> embedded_store::tag(const target& source, std::string_view new_tag) {
  if (auto ok = check_tag(new_tag); !ok) return ok.error();
  auto l = lock_repository(source.repository, false);
  if (!l) return l.error();
  auto idx = load_index(source.repository);
  if (!idx) return idx.error();
  if (!detail::read_attributes(idx->annotations, detail::keys::repository_scope).write_enabled) {
    return detail::locked("repository '" + source.repository + "' has writeEnabled=false");
  }
  auto e = resolve_entry(*idx, source);
  if (!e) return e.error();
  std::vector<std::size_t> remove;
  auto add = apply_tag(*idx, e->second, new_tag, remove, detail::now_rfc3339());
  if (!add) return add.error();
  if (auto ok = write_index(source.repository, idx->edited(remove, *add)); !ok) return ok.error();
  descriptor out = e->second.d;
  out.annotations.clear();
  return out;
}

inline result<void> embedded_store::untag(std::string_view repository, std::string_view tag) {
  if (auto ok = check_tag(tag); !ok) return ok.error();
  auto l = lock_repository(repository, false);
  if (!l) return l.error();
  auto idx = load_index(repository);
  if (!idx) return idx.error();
  const auto rattrs = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
  if (!rattrs.write_enabled || !rattrs.delete_enabled) {
    return detail::locked("repository '" + std::string(repository) +
                          "' has writeEnabled=false or deleteEnabled=false");
  }
  const std::string ipath = index_path(repository).string();
  auto old = idx->find_tag(tag, ipath);
  if (!old) return old.error();
  if (!*old) {
    return detail::not_found("tag '" + std::string(tag) + "' in repository '" +
                             std::string(repository) + "'");
  }
  const detail::entry& o = (*old)->second;
  const auto tattrs = o.tag_attributes();
  if (!tattrs.write_enabled || !tattrs.delete_enabled) {
    return detail::locked("tag '" + std::string(tag) +
                          "' has writeEnabled=false or deleteEnabled=false");
  }
  auto others = idx->find_digest(o.d.digest.string(), ipath);
  if (!others) return others.error();
  const std::string now = detail::now_rfc3339();
  std::vector<std::size_t> remove{(*old)->first};
  std::vector<std::string> add;
  detail::drop_tag_entry((*old)->first, o, *others, now, remove, add);
  std::sort(remove.begin(), remove.end());
  return write_index(repository, idx->edited(remove, add));
}

// ---------------------------------------------------------------------------------------------
// Listings

namespace detail {

// Walks repos/: `found` gets each repository (a directory whose _oci/ has an index.json),
// `orphans` each _oci/ without one (what an interrupted delete_repository leaves). A directory
// that vanishes meanwhile is skipped.
inline void walk_repositories(const std::filesystem::path& base, const std::string& prefix,
                              std::vector<std::string>& found, std::vector<std::string>* orphans) {
  for (const std::string& name : list_dir(base)) {
    const auto p = base / name;
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) continue;
    if (name == "_oci") {
      if (::stat((p / "index.json").c_str(), &st) == 0) {
        found.push_back(prefix);
      } else if (orphans != nullptr && !prefix.empty()) {
        orphans->push_back(prefix);
      }
      continue;
    }
    if (name.front() == '_') continue;
    walk_repositories(p, prefix.empty() ? name : prefix + "/" + name, found, orphans);
  }
}

}  // namespace detail

inline result<std::vector<std::string>> embedded_store::list_repositories() {
  std::vector<std::string> out;
  detail::walk_repositories(root_ / "repos", "", out, nullptr);
  std::sort(out.begin(), out.end());
  return out;
}

inline result<std::vector<std::string>> embedded_store::list_tags(std::string_view repository) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  auto idx = load_index(repository);
  if (!idx) return idx.error();
  auto entries = idx->entries(index_path(repository).string());
  if (!entries) return entries.error();
  std::vector<std::string> out;
  for (const auto& e : *entries) {
    if (e.tagged() && e.tag_attributes().list_enabled && e.manifest_attributes().list_enabled) {
      out.emplace_back(e.tag());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

namespace detail {

// The attributes of `scope` from annotations read in place.
inline changeable_attributes read_attributes(const fast::entry_view& e, std::string_view scope) {
  changeable_attributes a;
  for (const auto& [k, v] : e.annotations) {
    if (k.size() <= scope.size() || k.substr(0, scope.size()) != scope || v != "false") continue;
    const std::string_view name = k.substr(scope.size());
    for (std::size_t i = 0; i < 4; ++i) {
      if (name == keys::attribute_names[i]) *attribute_slot(a, i) = false;
    }
  }
  return a;
}

// A view of an entry parsed the slow way (a line in another form): its strings live in `keep`.
inline fast::entry_view view_of(const entry& e) {
  fast::entry_view v;
  v.media_type = e.d.media_type;
  v.digest = e.d.digest.string();
  v.artifact_type = e.d.artifact_type;
  v.size = e.d.size;
  for (const auto& [k, val] : e.d.annotations) v.annotations.emplace_back(k, val);
  return v;
}

}  // namespace detail

inline result<std::vector<manifest_metadata>> embedded_store::list_metadata(
    std::string_view repository, const list_metadata_options& options) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  auto idx = load_index(repository);
  if (!idx) return idx.error();
  const std::string where = index_path(repository).string();
  const auto lines = idx->lines();
  std::unordered_map<std::string_view, std::size_t> by_digest;
  by_digest.reserve(lines.size());
  std::vector<manifest_metadata> out;
  out.reserve(lines.size());
  std::vector<detail::entry> slow;  // entries of lines in another form (kept alive for views)
  slow.reserve(lines.size());
  detail::fast::entry_view e;
  for (const std::string_view line : lines) {
    if (!detail::fast::read_entry_view(line, e)) {
      auto parsed = detail::parse_entry(line, where);
      if (!parsed) return parsed.error();
      slow.push_back(std::move(*parsed));
      e = detail::view_of(slow.back());
    }
    auto [it, fresh] = by_digest.emplace(e.digest, out.size());
    std::string_view tag;
    bool tag_listed = true;
    if (fresh) {
      manifest_metadata m;
      auto d = ocikit::digest::parse(e.digest, algorithm_set::all());
      if (!d) return detail::corrupt(where, "an entry's digest is invalid");
      m.digest = std::move(*d);
      m.image_size = e.size;
      m.media_type = e.media_type;
      m.artifact_type = std::string(e.artifact_type);
      // One pass over the annotations.
      for (const auto& [k, v] : e.annotations) {
        if (k == detail::keys::ref_name) {
          tag = v;
        } else if (k == detail::keys::created) {
          m.created_time = std::string(v);
        } else if (k == detail::keys::updated) {
          m.last_update_time = std::string(v);
        } else if (k == detail::keys::image_size) {
          std::int64_t n = 0;
          for (const char c : v) n = n * 10 + (c - '0');
          m.image_size = n;
        } else if (k == detail::keys::config_media_type) {
          m.config_media_type = v;
        } else if (k == detail::keys::architecture) {
          m.architecture = std::string(v);
        } else if (k == detail::keys::os) {
          m.os = std::string(v);
        } else if (k == detail::keys::subject) {
          if (auto sd = ocikit::digest::parse(v, algorithm_set::all())) m.subject = std::move(*sd);
        }
      }
      m.timestamp = m.last_update_time;
      m.attributes = detail::read_attributes(e, detail::keys::manifest_scope);
      out.push_back(std::move(m));
    } else {
      tag = e.annotation(detail::keys::ref_name);
    }
    if (!tag.empty()) {
      tag_listed = detail::read_attributes(e, detail::keys::tag_scope).list_enabled;
      if (tag_listed) out[it->second].tags.emplace_back(tag);
    }
  }
  // Sorted by index (moving the records themselves would cost more).
  std::vector<std::size_t> order;
  order.reserve(out.size());
  for (std::size_t i = 0; i < out.size(); ++i) {
    const auto& m = out[i];
    if (options.untagged_only && !m.tags.empty()) continue;
    if (!m.attributes.list_enabled) continue;
    order.push_back(i);
  }
  const bool desc = options.order == metadata_order::time_desc;
  std::sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    const auto& a = out[x];
    const auto& b = out[y];
    if (a.timestamp != b.timestamp) {
      return desc ? a.timestamp > b.timestamp : a.timestamp < b.timestamp;
    }
    return a.digest < b.digest;
  });
  std::vector<manifest_metadata> kept;
  kept.reserve(order.size());
  for (const std::size_t i : order) {
    std::sort(out[i].tags.begin(), out[i].tags.end());
    kept.push_back(std::move(out[i]));
  }
  return kept;
}

inline result<image_index> embedded_store::referrers(std::string_view repository,
                                                     digest_view subject,
                                                     std::string_view artifact_type) {
  if (auto ok = check_repository(repository); !ok) return ok.error();
  auto idx = load_index(repository);
  if (!idx) return idx.error();
  image_index out;
  out.media_type = media_types::oci_index;
  std::string needle = "\"";
  needle += detail::keys::subject;
  needle += "\":\"";
  needle += subject.string();
  needle += '"';
  std::set<std::string> seen;
  const std::string ipath = index_path(repository).string();
  for (const std::size_t at : idx->lines_containing(needle)) {
    auto e = detail::parse_entry(idx->line_at(at), ipath);
    if (!e) return e.error();
    if (e->annotation(detail::keys::subject) != subject.string()) continue;
    if (!seen.insert(e->d.digest.str()).second) continue;
    auto bytes = read_blob_bytes(repository, e->d.digest, e->d.size);
    if (!bytes) return bytes.error();
    auto m = parse_manifest(*bytes, {.validate = false});
    if (!m) return m.error();
    descriptor d = m->to_descriptor();
    d.artifact_type = std::string(m->manifest.artifact_type());
    if (d.artifact_type.empty()) {
      if (const descriptor* c = m->manifest.config()) d.artifact_type = c->media_type;
    }
    if (!artifact_type.empty() && d.artifact_type != artifact_type) continue;
    if (const annotation_map* a = m->manifest.annotations()) d.annotations = *a;
    out.manifests.push_back(std::move(d));
  }
  std::sort(out.manifests.begin(), out.manifests.end(),
            [](const descriptor& a, const descriptor& b) { return a.digest < b.digest; });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Deletes

inline result<delete_report> embedded_store::delete_manifest(const target& what, bool dry_run) {
  auto l = lock_repository(what.repository, false);
  if (!l) return l.error();
  auto idx = load_index(what.repository);
  if (!idx) return idx.error();
  const auto rattrs = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
  if (!rattrs.write_enabled || !rattrs.delete_enabled) {
    return detail::locked("repository '" + what.repository +
                          "' has writeEnabled=false or deleteEnabled=false: no delete");
  }
  auto first = resolve_entry(*idx, what);
  if (!first) return first.error();
  auto entries = idx->entries(index_path(what.repository).string());
  if (!entries) return entries.error();
  // The manifest, then its referrers, theirs, ...
  delete_report report;
  std::set<std::string> doomed;
  std::vector<std::string> queue{first->second.d.digest.str()};
  while (!queue.empty()) {
    const std::string d = queue.back();
    queue.pop_back();
    if (!doomed.insert(d).second) continue;
    report.manifests.push_back(ocikit::digest::parse(d, algorithm_set::all()).value());
    for (const auto& e : *entries) {
      if (e.annotation(detail::keys::subject) == d) queue.push_back(e.d.digest.str());
    }
  }
  std::vector<std::size_t> remove;
  const auto offsets = idx->offsets();
  for (std::size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    if (doomed.count(e.d.digest.str()) == 0) continue;
    const auto m = e.manifest_attributes();
    if (!m.write_enabled || !m.delete_enabled) {
      return detail::locked("manifest " + e.d.digest.str() +
                            " has writeEnabled=false or deleteEnabled=false: no delete");
    }
    if (e.tagged()) {
      const auto t = e.tag_attributes();
      if (!t.write_enabled || !t.delete_enabled) {
        return detail::locked("tag '" + std::string(e.tag()) +
                              "' has writeEnabled=false or deleteEnabled=false: no delete");
      }
      report.tags.emplace_back(e.tag());
    }
    remove.push_back(offsets[i]);
  }
  if (dry_run) return report;
  if (auto ok = write_index(what.repository, idx->edited(remove, {})); !ok) return ok.error();
  return report;
}

inline result<delete_report> embedded_store::delete_repository(std::string_view repository,
                                                               bool dry_run) {
  auto l = lock_repository(repository, false);
  if (!l) return l.error();
  auto idx = load_index(repository);
  if (!idx) return idx.error();
  const auto rattrs = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
  auto entries = idx->entries(index_path(repository).string());
  if (!entries) return entries.error();
  delete_report report;
  std::set<std::string> seen;
  for (const auto& e : *entries) {
    if (!rattrs.write_enabled || !rattrs.delete_enabled) {
      return detail::locked("repository '" + std::string(repository) +
                            "' has writeEnabled=false or deleteEnabled=false: no delete");
    }
    const auto m = e.manifest_attributes();
    const auto t = e.tag_attributes();
    if (!m.write_enabled || !m.delete_enabled || !t.write_enabled || !t.delete_enabled) {
      return detail::locked(
          "repository '" + std::string(repository) + "' holds the locked " +
          (e.tagged() ? "tag '" + std::string(e.tag()) + "'" : "manifest " + e.d.digest.str()) +
          ": no delete");
    }
    if (seen.insert(e.d.digest.str()).second) report.manifests.push_back(e.d.digest);
    if (e.tagged()) report.tags.emplace_back(e.tag());
  }
  if (!rattrs.write_enabled || !rattrs.delete_enabled) {
    return detail::locked("repository '" + std::string(repository) +
                          "' has writeEnabled=false or deleteEnabled=false: no delete");
  }
  if (dry_run) return report;
  const auto layout = layout_path(repository);
  // The index goes first: from then on the repository does not exist; its links follow.
  if (::unlink((layout / "index.json").c_str()) != 0) {
    return detail::path_error("cannot remove", layout / "index.json", errno);
  }
  if (auto ok = detail::fsync_dir(layout); !ok) return ok.error();
  fault_point("repo.removing");
  std::error_code ec;
  std::filesystem::remove_all(layout, ec);
  if (ec) return detail::path_error("cannot remove", layout, ec.value());
  const auto dir = repo_dir(repository);
  ::unlink(repo_lock_path(repository).c_str());
  // Empty directories up to repos/ go too (a nested repository keeps its own).
  for (auto p = dir; p != root_ / "repos" && p.has_parent_path(); p = p.parent_path()) {
    if (::rmdir(p.c_str()) != 0) break;
  }
  detail::repo_index empty;
  if (auto ok = update_catalog(repository, empty); !ok) return ok.error();
  return report;
}

// ---------------------------------------------------------------------------------------------
// Changeable attributes

inline result<changeable_attributes> embedded_store::get_attributes(const target& what) {
  if (auto ok = check_repository(what.repository); !ok) return ok.error();
  auto idx = load_index(what.repository);
  if (!idx) return idx.error();
  if (what.is_repository()) {
    return detail::read_attributes(idx->annotations, detail::keys::repository_scope);
  }
  auto e = resolve_entry(*idx, what);
  if (!e) return e.error();
  if (what.digest) return e->second.manifest_attributes();
  return e->second.tag_attributes();
}

inline result<changeable_attributes> embedded_store::set_attributes(
    const target& what, const attribute_update& update) {
  auto l = lock_repository(what.repository, false);
  if (!l) return l.error();
  auto idx = load_index(what.repository);
  if (!idx) return idx.error();
  if (what.is_repository()) {
    const auto a = detail::apply(
        detail::read_attributes(idx->annotations, detail::keys::repository_scope), update);
    detail::write_attributes(idx->annotations, detail::keys::repository_scope, a);
    if (auto ok = write_index(what.repository, idx->edited({}, {})); !ok) return ok.error();
    return a;
  }
  auto e = resolve_entry(*idx, what);
  if (!e) return e.error();
  std::vector<std::size_t> remove;
  std::vector<std::string> add;
  changeable_attributes result_attrs;
  if (what.digest) {
    auto all = idx->find_digest(e->second.d.digest.string(), index_path(what.repository).string());
    if (!all) return all.error();
    result_attrs = detail::apply(e->second.manifest_attributes(), update);
    for (auto& [i, en] : *all) {
      detail::write_attributes(en.d.annotations, detail::keys::manifest_scope, result_attrs);
      remove.push_back(i);
      add.push_back(en.line());
    }
  } else {
    detail::entry en = e->second;
    result_attrs = detail::apply(en.tag_attributes(), update);
    detail::write_attributes(en.d.annotations, detail::keys::tag_scope, result_attrs);
    remove.push_back(e->first);
    add.push_back(en.line());
  }
  std::sort(remove.begin(), remove.end());
  if (auto ok = write_index(what.repository, idx->edited(remove, add)); !ok) return ok.error();
  return result_attrs;
}

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_STORE_HPP

#include "ocikit/store/maintenance.hpp"  // gc, du, fsck, purge (defined there)
