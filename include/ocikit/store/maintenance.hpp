// Maintenance of the embedded store: gc, du, fsck, purge (docs/store.md).
//
//   store.gc({.untagged, .dry_run})            blobs no manifest references (and, with
//                                              `untagged`, untagged manifests that no index
//                                              references), leftovers of interrupted pushes
//   store.du()                                 logical bytes (what every manifest references,
//                                              counted per manifest) against bytes stored
//   store.fsck({.repair, .verify_blobs})       what a crash or an outside tool left behind
//   store.purge({.filter = "repo-re:tag-re", .ago, .keep, .untagged, .dry_run})
//   ocikit::store::parse_duration("2d3h")      -> result<std::chrono::seconds>
//
// gc holds the store lock exclusively (pushes wait); fsck with `repair` too. A gc never removes
// what a manifest of any repository references; an interrupted gc leaves only what the next one
// removes.
#ifndef OCIKIT_STORE_MAINTENANCE_HPP
#define OCIKIT_STORE_MAINTENANCE_HPP

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/store/store.hpp"

namespace ocikit::store {

/// Options of gc.
struct gc_options {
  bool untagged = false;  ///< also delete untagged manifests that no index references
  bool dry_run = false;   ///< only report what would be freed
};

/// What gc freed (or, for a dry run, would free).
struct gc_report {
  std::uint64_t manifests_deleted = 0;  ///< untagged manifests deleted (with `untagged`)
  std::uint64_t blobs_deleted = 0;      ///< blobs removed from the pool
  std::uint64_t bytes_freed = 0;        ///< bytes of the files removed
  std::uint64_t links_removed = 0;      ///< repository links to blobs no manifest uses
  std::uint64_t leftovers_removed = 0;  ///< files of interrupted pushes and writes
  std::vector<std::string> manifests;   ///< "repo@digest" of each manifest deleted
  std::vector<std::string> blobs;       ///< digest of each blob removed from the pool
};

/// Usage of one repository, or of the whole store.
struct usage {
  std::string repository;           ///< "" for the total
  std::uint64_t logical_bytes = 0;  ///< sum over manifests of manifest + config + layers
  std::uint64_t stored_bytes = 0;   ///< bytes of the distinct files stored
  std::uint64_t manifests = 0;      ///< manifests counted
};

/// What du reports.
struct usage_report {
  std::vector<usage> repositories;  ///< sorted by name
  usage total;                      ///< the store: stored bytes count each blob once
};

/// Options of fsck.
struct fsck_options {
  bool repair = false;        ///< fix what can be fixed
  bool verify_blobs = false;  ///< hash every blob of the pool (and every copy)
};

/// One problem fsck found.
struct fsck_problem {
  std::string kind;       ///< stable id, e.g. "link.missing" (see fsck in maintenance.hpp)
  std::string path;       ///< the file or directory concerned
  std::string message;    ///< what is wrong, for a person
  bool error = true;      ///< false for a warning (the store still serves everything)
  bool repaired = false;  ///< true when `repair` fixed it
};

/// What fsck found.
struct fsck_report {
  std::vector<fsck_problem> problems;
  /// True when no error remains (warnings and repaired errors allowed).
  [[nodiscard]] bool consistent() const noexcept {
    return std::none_of(problems.begin(), problems.end(),
                        [](const fsck_problem& p) { return p.error && !p.repaired; });
  }
};

/// Options of purge (Azure's `acr purge`).
struct purge_options {
  /// "REPO_REGEX:TAG_REGEX", each matched against the whole name (ECMAScript regex).
  std::string filter{};
  /// Only manifests whose last update is older than this (none: any age).
  std::optional<std::chrono::seconds> ago{};
  /// Keep the newest N matching manifests of each repository.
  std::size_t keep = 0;
  /// Also delete untagged manifests (except referrers and children of a remaining index).
  bool untagged = false;
  bool dry_run = false;  ///< only report
};

/// One manifest purge deleted (or would delete, or skipped).
struct purge_item {
  std::string repository;
  ocikit::digest digest;
  std::vector<std::string> tags;
  std::string reason;  ///< for skipped items: why it was kept
};

/// What purge did.
struct purge_report {
  std::vector<purge_item> deleted;  ///< deleted, or to delete in a dry run
  std::vector<purge_item> skipped;  ///< matched but kept: locked, or a child of an index
};

/// Parses a duration such as "2d", "1h30m", "90s", "0" (units d, h, m, s; Azure's --ago):
/// numbers of at most 2^40 with a unit each, summed; store.invalid_name for anything else or a
/// total past the range of std::int64_t seconds.
inline result<std::chrono::seconds> parse_duration(std::string_view text) {
  const auto bad = [&] {
    return error(errc::store_invalid_name, error::npos,
                 "duration '" + std::string(text) +
                     "': numbers with units d, h, m or s, e.g. '2d', '1h30m', '0'");
  };
  if (text == "0") return std::chrono::seconds(0);
  if (text.empty()) return bad();
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
      n = n * 10 + (text[i] - '0');
      if (n > (std::int64_t{1} << 40)) return bad();
      ++i;
    }
    if (i == start || i == text.size()) return bad();
    std::int64_t unit = 0;
    switch (text[i]) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return bad();
    }
    // n * unit fits (n <= 2^40); the sum must too.
    if (n * unit > std::numeric_limits<std::int64_t>::max() - total) return bad();
    total += n * unit;
    ++i;
  }
  return std::chrono::seconds(total);
}

namespace detail {

/// True when `name` is the encoded part of a digest of algorithm directory `alg`.
inline bool is_blob_name(std::string_view alg, std::string_view name) {
  std::string d(alg);
  d += ':';
  d += name;
  return is_valid_digest(d, algorithm_set::all());
}

/// The digests a manifest's bytes reference: config, layers, index entries (not the subject).
inline std::vector<std::string> references_of(std::string_view bytes) {
  std::vector<std::string> out;
  auto m = parse_manifest(bytes, {.validate = false});
  if (!m) return out;
  if (const descriptor* c = m->manifest.config()) out.push_back(c->digest.str());
  for (const descriptor& l : m->manifest.layers()) out.push_back(l.digest.str());
  for (const descriptor& c : m->manifest.manifests()) out.push_back(c.digest.str());
  return out;
}

/// The manifests of an index, grouped: digest -> its entries.
inline std::map<std::string, std::vector<entry>> group_by_digest(const std::vector<entry>& es) {
  std::map<std::string, std::vector<entry>> out;
  for (const entry& e : es) out[e.d.digest.str()].push_back(e);
  return out;
}

}  // namespace detail

// ---------------------------------------------------------------------------------------------
// gc

inline result<gc_report> embedded_store::gc(const gc_options& options) {
  auto lock = detail::file_lock::acquire(private_path() / "store.lock", true);
  if (!lock) return lock.error();
  gc_report report;
  auto repos = list_repositories();
  if (!repos) return repos.error();
  // Repository links that go (for the dry run's pool arithmetic): pool digest -> count.
  std::map<std::string, std::uint64_t> links_going;
  for (const std::string& repo : *repos) {
    auto rl = detail::file_lock::acquire(repo_lock_path(repo), true);
    if (!rl) return rl.error();
    auto idx = load_index(repo);
    if (!idx) return idx.error();
    const std::string ipath = index_path(repo).string();
    auto entries = idx->entries(ipath);
    if (!entries) return entries.error();
    auto groups = detail::group_by_digest(*entries);
    // What each manifest references (read once).
    std::map<std::string, std::vector<std::string>> refs;
    for (const auto& [d, es] : groups) {
      auto bytes = read_blob_bytes(repo, es.front().d.digest, es.front().d.size);
      refs[d] = bytes ? detail::references_of(*bytes) : std::vector<std::string>{};
    }
    if (options.untagged) {
      const bool repo_locked = [&] {
        const auto a = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
        return !a.write_enabled || !a.delete_enabled;
      }();
      std::set<std::string> gone;
      for (bool changed = true; changed && !repo_locked;) {
        changed = false;
        std::set<std::string> children;
        for (const auto& [d, r] : refs) {
          if (gone.count(d) != 0) continue;
          for (const auto& c : r) children.insert(c);
        }
        for (const auto& [d, es] : groups) {
          if (gone.count(d) != 0 || es.size() != 1 || es.front().tagged()) continue;
          if (children.count(d) != 0) continue;
          const std::string_view subj = es.front().annotation(detail::keys::subject);
          if (!subj.empty() && groups.count(std::string(subj)) != 0 &&
              gone.count(std::string(subj)) == 0) {
            continue;  // a referrer of a manifest that stays
          }
          const auto a = es.front().manifest_attributes();
          if (!a.write_enabled || !a.delete_enabled) continue;
          gone.insert(d);
          changed = true;
        }
      }
      if (!gone.empty()) {
        std::vector<std::size_t> remove;
        const auto offsets = idx->offsets();
        for (std::size_t i = 0; i < entries->size(); ++i) {
          if (gone.count((*entries)[i].d.digest.str()) != 0) remove.push_back(offsets[i]);
        }
        for (const auto& d : gone) {
          report.manifests.push_back(repo + "@" + d);
          groups.erase(d);
          refs.erase(d);
        }
        report.manifests_deleted += gone.size();
        if (!options.dry_run) {
          if (auto ok = write_index(repo, idx->edited(remove, {})); !ok) return ok.error();
        }
      }
    }
    // Mark: what the remaining manifests use.
    std::set<std::string> used;
    for (const auto& [d, r] : refs) {
      used.insert(d);
      used.insert(r.begin(), r.end());
    }
    // Sweep the repository's links.
    const auto blobs = layout_path(repo) / "blobs";
    for (const std::string& alg : detail::list_dir(blobs)) {
      for (const std::string& name : detail::list_dir(blobs / alg)) {
        if (!detail::is_blob_name(alg, name)) continue;  // fsck reports it
        const std::string d = alg + ":" + name;
        if (used.count(d) != 0) continue;
        const auto p = blobs / alg / name;
        struct stat st {};
        if (::lstat(p.c_str(), &st) != 0) continue;
        const auto pool = root_ / "blobs" / alg / name;
        struct stat ps {};
        const bool is_link =
            ::stat(pool.c_str(), &ps) == 0 && ps.st_ino == st.st_ino && ps.st_dev == st.st_dev;
        if (!is_link) report.bytes_freed += static_cast<std::uint64_t>(st.st_size);
        ++report.links_removed;
        if (is_link) ++links_going[d];
        if (!options.dry_run && ::unlink(p.c_str()) != 0 && errno != ENOENT) {
          return detail::path_error("cannot remove", p, errno);
        }
      }
    }
    fault_point("gc.repo_swept");
  }
  // The pool: a blob no repository links any more.
  const auto pool = root_ / "blobs";
  for (const std::string& alg : detail::list_dir(pool)) {
    for (const std::string& name : detail::list_dir(pool / alg)) {
      if (!detail::is_blob_name(alg, name)) continue;
      const auto p = pool / alg / name;
      struct stat st {};
      if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      const std::string d = alg + ":" + name;
      const auto going = links_going.count(d) != 0 ? links_going[d] : 0;
      const std::uint64_t left = st.st_nlink - 1 - (options.dry_run ? going : 0);
      if (left != 0) continue;
      ++report.blobs_deleted;
      report.bytes_freed += static_cast<std::uint64_t>(st.st_size);
      report.blobs.push_back(d);
      if (!options.dry_run && ::unlink(p.c_str()) != 0 && errno != ENOENT) {
        return detail::path_error("cannot remove", p, errno);
      }
    }
  }
  fault_point("gc.pool_swept");
  // Leftovers of interrupted pushes and writes (nobody is writing: we hold the lock).
  for (const char* sub : {"uploads", "tmp"}) {
    const auto dir = private_path() / sub;
    for (const std::string& name : detail::list_dir(dir)) {
      ++report.leftovers_removed;
      if (!options.dry_run) ::unlink((dir / name).c_str());
    }
  }
  for (const std::string& repo : *repos) {
    for (const std::string& name : detail::list_dir(repo_dir(repo))) {
      if (name.rfind("copy-", 0) == 0 || name.rfind("write-", 0) == 0) {
        ++report.leftovers_removed;
        if (!options.dry_run) ::unlink((repo_dir(repo) / name).c_str());
      }
    }
  }
  // Layouts an interrupted delete_repository left (no index.json): their links go too, so
  // that the pool's blobs they held are collected by the next gc.
  {
    std::vector<std::string> found;
    std::vector<std::string> orphans;
    detail::walk_repositories(root_ / "repos", "", found, &orphans);
    for (const std::string& o : orphans) {
      ++report.leftovers_removed;
      if (!options.dry_run) {
        std::error_code ec;
        std::filesystem::remove_all(layout_path(o), ec);
      }
    }
  }
  if (!options.dry_run) {
    if (auto ok = rebuild_catalog(); !ok) return ok.error();
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// du

inline result<usage_report> embedded_store::du() {
  usage_report report;
  auto repos = list_repositories();
  if (!repos) return repos.error();
  std::set<std::pair<dev_t, ino_t>> all_files;
  for (const std::string& repo : *repos) {
    usage u;
    u.repository = repo;
    auto idx = load_index(repo);
    if (!idx) return idx.error();
    auto entries = idx->entries(index_path(repo).string());
    if (!entries) return entries.error();
    for (const auto& [d, es] : detail::group_by_digest(*entries)) {
      const std::string_view s = es.front().annotation(detail::keys::image_size);
      u.logical_bytes +=
          static_cast<std::uint64_t>(s.empty() ? es.front().d.size : std::stoll(std::string(s)));
      ++u.manifests;
    }
    std::set<std::pair<dev_t, ino_t>> mine;
    const auto blobs = layout_path(repo) / "blobs";
    for (const std::string& alg : detail::list_dir(blobs)) {
      for (const std::string& name : detail::list_dir(blobs / alg)) {
        struct stat st {};
        if (::lstat((blobs / alg / name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        if (mine.insert({st.st_dev, st.st_ino}).second) {
          u.stored_bytes += static_cast<std::uint64_t>(st.st_size);
        }
        if (all_files.insert({st.st_dev, st.st_ino}).second) {
          report.total.stored_bytes += static_cast<std::uint64_t>(st.st_size);
        }
      }
    }
    report.total.logical_bytes += u.logical_bytes;
    report.total.manifests += u.manifests;
    report.repositories.push_back(std::move(u));
  }
  // Pool blobs no repository links (until the next gc) are stored too.
  const auto pool = root_ / "blobs";
  for (const std::string& alg : detail::list_dir(pool)) {
    for (const std::string& name : detail::list_dir(pool / alg)) {
      struct stat st {};
      if (::lstat((pool / alg / name).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (all_files.insert({st.st_dev, st.st_ino}).second) {
        report.total.stored_bytes += static_cast<std::uint64_t>(st.st_size);
      }
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// fsck
//
// Problem kinds (errors unless marked warning):
//   store.layout_missing    the root's or a repository's oci-layout is missing (repair: write it)
//   index.invalid           a repository's index.json cannot be read (no repair)
//   index.duplicate_tag     two entries name the same tag (repair: keep the newest)
//   index.duplicate_entry   a manifest has an untagged record besides other entries, or two
//                           (repair: drop the extra ones)
//   link.missing            a blob or manifest the repository uses is in the pool but not linked
//                           (repair: link it)
//   manifest.missing        an index entry whose manifest is nowhere (repair: drop the entry)
//   manifest.damaged        a manifest's bytes do not match its digest (repair: drop the entry
//                           and the bad file)
//   blob.missing            a blob a manifest references is nowhere (no repair: push it again)
//   child.missing           an index references a manifest the repository does not list
//                           (repair: list it, untagged, when its bytes are there)
//   pool.missing            a repository holds a blob the pool lacks (repair: link it back)
//   blob.damaged            (verify_blobs) a blob's bytes do not match its name (repair: remove
//                           it and its links, so that a push can store it again)
//   blobs.stray_file        a file in a blobs/<alg>/ directory whose name is not a digest
//                           (umoci gc aborts on it; repair: remove it)
//   repo.leftover (warning) a layout without index.json that an interrupted delete of a
//                           repository left (repair: remove it; gc does too)
//   temp.stray (warning)    a leftover of an interrupted push or write (repair: remove it; gc does
//                           too)
//   catalog.stale (warning) the root index.json does not list what the repositories hold
//                           (repair: rebuild it)

namespace detail {

inline fsck_problem make_problem(std::string kind, const std::filesystem::path& p,
                                 std::string message, bool is_error = true) {
  fsck_problem out;
  out.kind = std::move(kind);
  out.path = p.string();
  out.message = std::move(message);
  out.error = is_error;
  return out;
}

// Hashes a file and compares it with the digest its name says.
inline bool file_matches(const std::filesystem::path& p, std::string_view alg,
                         std::string_view name) {
  const auto a = algorithm_from_name(alg);
  if (!a || *a == digest_algorithm::blake3) return true;  // not verifiable: not damaged
  auto h = hash_file(p, *a);
  return h && h->digest.encoded() == name;
}

}  // namespace detail

inline result<fsck_report> embedded_store::fsck(const fsck_options& options) {
  auto lock = detail::file_lock::acquire(private_path() / "store.lock", options.repair);
  if (!lock) return lock.error();
  fsck_report report;
  const bool repair = options.repair;
  const auto tmp = private_path() / "tmp";
  auto add = [&](fsck_problem p, bool fixed) {
    p.repaired = fixed;
    report.problems.push_back(std::move(p));
  };
  auto ensure_layout_file = [&](const std::filesystem::path& dir) {
    struct stat st {};
    if (::stat((dir / "oci-layout").c_str(), &st) == 0) return;
    bool fixed = false;
    if (repair) {
      fixed = detail::write_file_atomic(dir / "oci-layout", detail::layout_file, tmp).has_value();
    }
    add(detail::make_problem("store.layout_missing", dir / "oci-layout",
                             "the OCI layout marker is missing"),
        fixed);
  };
  ensure_layout_file(root_);
  // Stray files in blob directories (pool and repositories).
  auto check_blob_dir = [&](const std::filesystem::path& blobs) {
    for (const std::string& alg : detail::list_dir(blobs)) {
      for (const std::string& name : detail::list_dir(blobs / alg)) {
        const auto p = blobs / alg / name;
        if (!detail::is_blob_name(alg, name)) {
          bool fixed = false;
          if (repair) fixed = ::unlink(p.c_str()) == 0;
          add(detail::make_problem("blobs.stray_file", p,
                                   "a file whose name is not a digest in a blob directory"),
              fixed);
        }
      }
    }
  };
  check_blob_dir(root_ / "blobs");
  // Verify the pool's contents.
  if (options.verify_blobs) {
    const auto pool = root_ / "blobs";
    for (const std::string& alg : detail::list_dir(pool)) {
      for (const std::string& name : detail::list_dir(pool / alg)) {
        if (!detail::is_blob_name(alg, name)) continue;
        const auto p = pool / alg / name;
        if (detail::file_matches(p, alg, name)) continue;
        bool fixed = false;
        if (repair) {
          // Its links in the repositories are the same damaged file.
          struct stat bad {};
          const bool have = ::stat(p.c_str(), &bad) == 0;
          fixed = ::unlink(p.c_str()) == 0;
          if (have) {
            if (auto repos = list_repositories()) {
              for (const auto& r : *repos) {
                const auto l = layout_path(r) / "blobs" / alg / name;
                struct stat st {};
                if (::stat(l.c_str(), &st) == 0 && st.st_ino == bad.st_ino) ::unlink(l.c_str());
              }
            }
          }
        }
        add(detail::make_problem("blob.damaged", p,
                                 "the bytes do not match the digest " + alg + ":" + name),
            fixed);
      }
    }
  }
  auto repos = list_repositories();
  if (!repos) return repos.error();
  for (const std::string& repo : *repos) {
    detail::file_lock rl;
    if (repair) {
      auto l = detail::file_lock::acquire(repo_lock_path(repo), true);
      if (!l) return l.error();
      rl = std::move(*l);
    }
    const auto layout = layout_path(repo);
    ensure_layout_file(layout);
    check_blob_dir(layout / "blobs");
    auto idx = load_index(repo);
    if (!idx) {
      add(detail::make_problem("index.invalid", index_path(repo), idx.error().message()), false);
      continue;
    }
    auto entries = idx->entries(index_path(repo).string());
    if (!entries) {
      add(detail::make_problem("index.invalid", index_path(repo), entries.error().message()),
          false);
      continue;
    }
    std::vector<bool> drop(entries->size(), false);
    bool index_changed = false;
    // Tags named twice: the newest stays.
    std::map<std::string, std::size_t> tag_at;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      const auto& e = (*entries)[i];
      if (!e.tagged()) continue;
      auto [it, fresh] = tag_at.emplace(std::string(e.tag()), i);
      if (fresh) continue;
      const auto& other = (*entries)[it->second];
      const bool newer =
          e.annotation(detail::keys::updated) > other.annotation(detail::keys::updated);
      const std::size_t loser = newer ? it->second : i;
      if (newer) it->second = i;
      drop[loser] = repair;
      index_changed |= repair;
      add(detail::make_problem("index.duplicate_tag", index_path(repo),
                               "the tag '" + std::string(e.tag()) + "' is named twice"),
          repair);
    }
    // Extra untagged records.
    std::map<std::string, std::vector<std::size_t>> by_digest;
    for (std::size_t i = 0; i < entries->size(); ++i) {
      if (!drop[i]) by_digest[(*entries)[i].d.digest.str()].push_back(i);
    }
    for (const auto& [d, list] : by_digest) {
      if (list.size() < 2) continue;
      std::size_t untagged = 0;
      for (std::size_t i : list) {
        if (!(*entries)[i].tagged()) ++untagged;
      }
      if (untagged == 0) continue;
      const bool all_untagged = untagged == list.size();
      bool first = true;
      for (std::size_t i : list) {
        if ((*entries)[i].tagged()) continue;
        if (all_untagged && first) {
          first = false;
          continue;
        }
        drop[i] = repair;
        index_changed |= repair;
      }
      add(detail::make_problem("index.duplicate_entry", index_path(repo),
                               "the manifest " + d + " has an extra untagged entry"),
          repair);
    }
    // Every manifest and what it references.
    std::set<std::string> listed;
    for (const auto& [d, list] : by_digest) listed.insert(d);
    std::vector<std::string> add_lines;
    for (const auto& [d, list] : by_digest) {
      const auto& e = (*entries)[list.front()];
      const auto rel = detail::blob_relative(e.d.digest);
      const auto in_repo = layout / rel;
      const auto in_pool = root_ / rel;
      struct stat st {};
      const bool have_repo = ::stat(in_repo.c_str(), &st) == 0;
      const bool have_pool = ::stat(in_pool.c_str(), &st) == 0;
      if (!have_repo && !have_pool) {
        for (std::size_t i : list) drop[i] = repair;
        index_changed |= repair;
        add(detail::make_problem("manifest.missing", in_repo,
                                 "the index lists " + d + " but its bytes are nowhere"),
            repair);
        continue;
      }
      if (!have_repo) {
        const bool fixed = repair && link_into_repo(repo, e.d.digest).has_value();
        add(detail::make_problem("link.missing", in_repo, "the manifest " + d + " is not linked"),
            fixed);
        if (!fixed) continue;
      }
      if (have_repo && !have_pool) {
        const bool fixed = repair && ::link(in_repo.c_str(), in_pool.c_str()) == 0;
        add(detail::make_problem("pool.missing", in_pool, "the pool lacks " + d), fixed);
      }
      auto bytes = read_blob_bytes(repo, e.d.digest, e.d.size);
      if (!bytes) {
        bool fixed = false;
        if (repair) {
          for (std::size_t i : list) drop[i] = true;
          index_changed = true;
          ::unlink(in_repo.c_str());
          fixed = true;
        }
        add(detail::make_problem("manifest.damaged", in_repo, bytes.error().message()), fixed);
        continue;
      }
      auto m = parse_manifest(*bytes, {.validate = false});
      if (!m) continue;
      std::vector<const descriptor*> blobs;
      if (const descriptor* c = m->manifest.config()) blobs.push_back(c);
      for (const descriptor& l : m->manifest.layers()) blobs.push_back(&l);
      for (const descriptor* b : blobs) {
        const auto brel = detail::blob_relative(b->digest);
        const bool br = ::stat((layout / brel).c_str(), &st) == 0;
        const bool bp = ::stat((root_ / brel).c_str(), &st) == 0;
        if (br && !bp) {
          const bool fixed = repair && ::link((layout / brel).c_str(), (root_ / brel).c_str()) == 0;
          add(detail::make_problem("pool.missing", root_ / brel,
                                   "the pool lacks " + b->digest.str()),
              fixed);
        } else if (!br && bp) {
          const bool fixed = repair && link_into_repo(repo, b->digest).has_value();
          add(detail::make_problem("link.missing", layout / brel,
                                   "the blob " + b->digest.str() + " of " + d + " is not linked"),
              fixed);
        } else if (!br && !bp && b->urls.empty()) {
          add(detail::make_problem(
                  "blob.missing", layout / brel,
                  "the blob " + b->digest.str() + " of " + d + " is nowhere: push it again"),
              false);
        }
      }
      for (const descriptor& c : m->manifest.manifests()) {
        if (listed.count(c.digest.str()) != 0) continue;
        bool fixed = false;
        if (repair) {
          auto cb = read_blob_bytes(repo, c.digest, c.size);
          if (!cb) {
            if (::stat((root_ / detail::blob_relative(c.digest)).c_str(), &st) == 0 &&
                link_into_repo(repo, c.digest)) {
              cb = read_blob_bytes(repo, c.digest, c.size);
            }
          }
          if (cb) {
            if (auto cm = parse_manifest(*cb, {.validate = false})) {
              if (auto ne = new_entry(repo, *cm, detail::now_rfc3339())) {
                add_lines.push_back(ne->line());
                listed.insert(c.digest.str());
                index_changed = true;
                fixed = true;
              }
            }
          }
        }
        add(detail::make_problem("child.missing", index_path(repo),
                                 "the index " + d + " references " + c.digest.str() +
                                     ", which the repository does not list"),
            fixed);
      }
    }
    if (index_changed) {
      std::vector<std::size_t> remove;
      const auto offsets = idx->offsets();
      for (std::size_t i = 0; i < drop.size(); ++i) {
        if (drop[i]) remove.push_back(offsets[i]);
      }
      if (auto ok = write_index(repo, idx->edited(remove, add_lines)); !ok) return ok.error();
    }
    for (const std::string& name : detail::list_dir(repo_dir(repo))) {
      if (name.rfind("copy-", 0) == 0 || name.rfind("write-", 0) == 0) {
        bool fixed = false;
        if (repair) fixed = ::unlink((repo_dir(repo) / name).c_str()) == 0;
        add(detail::make_problem("temp.stray", repo_dir(repo) / name,
                                 "a leftover of an interrupted write", false),
            fixed);
      }
    }
  }
  {
    std::vector<std::string> found;
    std::vector<std::string> orphans;
    detail::walk_repositories(root_ / "repos", "", found, &orphans);
    for (const std::string& o : orphans) {
      bool fixed = false;
      if (repair) {
        std::error_code ec;
        fixed = std::filesystem::remove_all(layout_path(o), ec) > 0 && !ec;
      }
      add(detail::make_problem("repo.leftover", layout_path(o),
                               "the layout of a deleted repository (no index.json); gc removes it",
                               false),
          fixed);
    }
  }
  for (const char* sub : {"uploads", "tmp"}) {
    const auto dir = private_path() / sub;
    for (const std::string& name : detail::list_dir(dir)) {
      bool fixed = false;
      if (repair) fixed = ::unlink((dir / name).c_str()) == 0;
      add(detail::make_problem("temp.stray", dir / name,
                               "a leftover of an interrupted push or write (or one in progress)",
                               false),
          fixed);
    }
  }
  // The catalog.
  {
    std::set<std::string> want;
    bool readable = true;
    for (const std::string& repo : *repos) {
      auto idx = load_index(repo);
      if (!idx) {
        readable = false;
        break;
      }
      auto lines = detail::catalog_lines(login_, repo, *idx);
      if (!lines) {
        readable = false;
        break;
      }
      want.insert(lines->begin(), lines->end());
    }
    std::set<std::string> have;
    bool have_ok = false;
    if (auto text = detail::read_file(root_ / "index.json")) {
      if (auto cat = detail::repo_index::parse(std::move(*text), "index.json")) {
        have_ok = true;
        for (const std::string_view l : cat->lines()) have.emplace(l);
      }
    }
    if (readable && (!have_ok || have != want)) {
      const bool fixed = repair && rebuild_catalog().has_value();
      add(detail::make_problem("catalog.stale", root_ / "index.json",
                               "the catalog does not list what the repositories hold", false),
          fixed);
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// purge

inline result<purge_report> embedded_store::purge(const purge_options& options) {
  const std::size_t colon = options.filter.find(':');
  if (colon == std::string::npos) {
    return error(errc::store_invalid_name, error::npos,
                 "purge filter '" + options.filter + "': the form is REPO_REGEX:TAG_REGEX");
  }
  std::regex repo_re;
  std::regex tag_re;
  try {
    repo_re = std::regex(options.filter.substr(0, colon));
    tag_re = std::regex(options.filter.substr(colon + 1));
  } catch (const std::regex_error& e) {
    return error(errc::store_invalid_name, error::npos,
                 "purge filter '" + options.filter + "': " + e.what());
  }
  purge_report report;
  auto repos = list_repositories();
  if (!repos) return repos.error();
  const auto now = std::chrono::system_clock::now();
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  for (const std::string& repo : *repos) {
    if (!std::regex_match(repo, repo_re)) continue;
    auto idx = load_index(repo);
    if (!idx) return idx.error();
    auto entries = idx->entries(index_path(repo).string());
    if (!entries) return entries.error();
    const auto rattrs = detail::read_attributes(idx->annotations, detail::keys::repository_scope);
    auto groups = detail::group_by_digest(*entries);
    struct candidate {
      std::string digest;
      std::string updated;
      std::vector<std::string> tags;
      bool locked = false;
    };
    std::vector<candidate> tagged;
    std::vector<candidate> untagged;
    for (const auto& [d, es] : groups) {
      candidate c;
      c.digest = d;
      c.updated = std::string(es.front().annotation(detail::keys::updated));
      bool all_match = true;
      for (const auto& e : es) {
        const auto m = e.manifest_attributes();
        const auto t = e.tag_attributes();
        c.locked |= !m.write_enabled || !m.delete_enabled || !t.write_enabled || !t.delete_enabled;
        if (e.tagged()) {
          c.tags.emplace_back(e.tag());
          all_match &= std::regex_match(std::string(e.tag()), tag_re);
        }
      }
      c.locked |= !rattrs.write_enabled || !rattrs.delete_enabled;
      if (options.ago) {
        const std::int64_t t = detail::parse_rfc3339(c.updated);
        if (now_s - t < options.ago->count()) continue;
      }
      if (c.tags.empty()) {
        if (!options.untagged) continue;
        const std::string_view subj = es.front().annotation(detail::keys::subject);
        if (!subj.empty() && groups.count(std::string(subj)) != 0) continue;  // a referrer
        untagged.push_back(std::move(c));
      } else if (all_match) {
        tagged.push_back(std::move(c));
      }
    }
    std::sort(tagged.begin(), tagged.end(),
              [](const candidate& a, const candidate& b) { return a.updated > b.updated; });
    std::vector<candidate> doomed;
    for (std::size_t i = options.keep; i < tagged.size(); ++i) doomed.push_back(tagged[i]);
    for (auto& c : untagged) doomed.push_back(c);
    std::set<std::string> going;
    for (const auto& c : doomed) {
      if (!c.locked) going.insert(c.digest);
    }
    // Children of an index that stays are kept (repeat until nothing changes).
    std::map<std::string, std::vector<std::string>> children;
    for (const auto& [d, es] : groups) {
      if (es.front().d.media_type != media_types::oci_index &&
          es.front().d.media_type != media_types::docker_manifest_list) {
        continue;
      }
      if (auto bytes = read_blob_bytes(repo, es.front().d.digest, es.front().d.size)) {
        children[d] = detail::references_of(*bytes);
      }
    }
    std::map<std::string, std::string> kept_reason;
    for (bool changed = true; changed;) {
      changed = false;
      for (const auto& [parent, kids] : children) {
        if (going.count(parent) != 0) continue;
        for (const auto& k : kids) {
          if (going.erase(k) != 0) {
            kept_reason[k] = "a child of the index " + parent;
            changed = true;
          }
        }
      }
    }
    for (const auto& c : doomed) {
      purge_item item;
      item.repository = repo;
      item.digest = ocikit::digest::parse(c.digest, algorithm_set::all()).value();
      item.tags = c.tags;
      if (c.locked) {
        item.reason = "locked";
        report.skipped.push_back(std::move(item));
        continue;
      }
      if (going.count(c.digest) == 0) {
        item.reason = kept_reason[c.digest];
        report.skipped.push_back(std::move(item));
        continue;
      }
      if (!options.dry_run) {
        target t;
        t.repository = repo;
        t.digest = item.digest;
        auto r = delete_manifest(t);
        if (!r && r.error() != errc::store_not_found) return r.error();
      }
      report.deleted.push_back(std::move(item));
    }
  }
  return report;
}

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_MAINTENANCE_HPP
