// `ocikit store VERB` — the embedded registry store (docs/store.md).
//
//   ocikit store [--store DIR] VERB [options] [--format json|text]
// The store directory: --store DIR, else $OCIKIT_STORE, else $XDG_DATA_HOME/ocikit/store, else
// ~/.local/share/ocikit/store. Every verb but init creates the store (login server localhost)
// when there is none yet.
// Exit status: 0 done, 1 refused or not found (the reason on stderr), 2 usage or I/O error.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cli.hpp"
#include "json_writer.hpp"
#include "ocikit/distribution.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_writer.hpp"
#include "ocikit/layout/transfer.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/store/json.hpp"
#include "ocikit/store/maintenance.hpp"
#include "ocikit/store/store.hpp"
#include "ocikit/store/stream.hpp"
#include "registries.hpp"

namespace ocikit::cli {
namespace {

namespace fs = std::filesystem;
using store::embedded_store;

// What every verb shares: the store directory (an option of the `store` noun, accepted after
// the verb too) and the output format.
struct store_context {
  std::string dir;
  remote_flags remote;  ///< for docker:// references
};

struct verb_base {
  output_format format = output_format::json;
};

/// The store directory: --store, $OCIKIT_STORE, $XDG_DATA_HOME/ocikit/store,
/// ~/.local/share/ocikit/store.
fs::path store_directory(const store_context& ctx) { return cli::store_directory(ctx.dir); }

/// 2 for I/O errors, 1 for every refusal (not found, locked, invalid input, mismatch).
int exit_code_of(const ocikit::error& e) {
  return e.condition() == condition::io_error ? exit_usage : exit_invalid;
}

/// Reports `e` on stderr ("ocikit store VERB: <message> [<id>]") and returns its exit code.
int fail(std::string_view verb, const ocikit::error& e) {
  write_err("ocikit store " + std::string(verb) + ": " + e.message() + " [" + std::string(e.id()) +
            "]");
  return exit_code_of(e);
}

int usage(std::string_view verb, std::string_view message) {
  write_err("ocikit store " + std::string(verb) + ": " + std::string(message));
  return exit_usage;
}

result<embedded_store> open_store(const store_context& ctx) {
  return embedded_store::open_or_init(store_directory(ctx));
}

/// The registry a verb's reference names: the remote registry of a docker:// reference, else
/// the embedded store. The verbs that work on both talk to store::registry only.
struct any_registry {
  std::unique_ptr<store::registry> registry;
  bool remote = false;
  store::registry* operator->() const noexcept { return registry.get(); }
  store::registry& operator*() const noexcept { return *registry; }
};

result<any_registry> open_any(const store_context& ctx, std::string_view reference) {
  any_registry out;
  if (is_remote(reference)) {
    std::string_view rest = reference.substr(docker_transport.size());
    std::string domain;
    if (rest.find('/') == std::string_view::npos) {
      domain = std::string(rest);  // docker://HOST (repos)
    } else {
      auto r = parse_remote(reference, false);
      if (!r) return r.error();
      domain = r->domain;
    }
    auto remote = open_remote(domain, ctx.remote);
    if (!remote) return remote.error();
    out.registry = std::move(*remote);
    out.remote = true;
    return out;
  }
  auto s = open_store(ctx);
  if (!s) return s.error();
  out.registry = std::make_unique<embedded_store>(std::move(*s));
  return out;
}

/// What `reference` names in `r` (see store::parse_target; docker:// references are Docker's).
result<store::target> parse_in(const any_registry& r, std::string_view reference,
                               bool default_tag = true) {
  if (!r.remote) return r->parse(reference, default_tag);
  auto p = parse_remote(reference, default_tag);
  if (!p) return p.error();
  return std::move(p->target);
}

/// The repository a verb names: REPO for the embedded store, docker://HOST/REPO remotely.
result<std::string> repository_in(const any_registry& r, std::string_view name) {
  if (!r.remote) return std::string(name);
  auto t = parse_in(r, name, false);
  if (!t) return t.error();
  if (!t->is_repository()) {
    return error(errc::reference_invalid_argument, error::npos,
                 "'" + std::string(name) + "' names more than a repository");
  }
  return std::move(t->repository);
}

/// store.not_found when `repository` is not in the store (checked before a verb that would
/// otherwise take the repository's lock, which leaves a lock file behind).
std::optional<ocikit::error> missing_repository(embedded_store& s, std::string_view repository) {
  if (auto c = store::check_repository(repository); !c) return c.error();
  auto exists = s.repository_exists(repository);
  if (!exists) return exists.error();
  if (!*exists) {
    return ocikit::error(errc::store_not_found, ocikit::error::npos,
                         "repository '" + std::string(repository) + "'");
  }
  return std::nullopt;
}

/// Writes digest, mediaType, size (and artifactType) as members of the open object.
void descriptor_members(json_writer& w, const descriptor& d) {
  w.member("digest", d.digest.string()).member("mediaType", d.media_type).member("size", d.size);
  if (!d.artifact_type.empty()) w.member("artifactType", d.artifact_type);
}

std::string descriptor_json(const descriptor& d) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  descriptor_members(w, d);
  w.end_object();
  return out;
}

/// Runs `fill` inside `{` … `}` and returns the text.
template <class Fill>
std::string json_object(Fill fill) {
  std::string out;
  json_writer w(out);
  w.begin_object();
  fill(w);
  w.end_object();
  return out;
}

/// Splits `oci:DIR[:NAME]` as skopeo does (the first ':' after the transport ends DIR).
struct layout_ref {
  std::string dir;
  std::string name;
};
std::optional<layout_ref> parse_layout_ref(std::string_view text) {
  constexpr std::string_view transport = "oci:";
  if (!text.starts_with(transport)) return std::nullopt;
  text.remove_prefix(transport.size());
  layout_ref r;
  const std::size_t colon = text.find(':');
  r.dir = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) r.name = std::string(text.substr(colon + 1));
  if (r.dir.empty()) return std::nullopt;
  return r;
}

/// Reads a whole file (or stdin for "-") for push-manifest; manifests are small.
result<std::string> read_document(const std::string& name) {
  std::unique_ptr<store::byte_source> owned;
  store::fd_source in_stdin(STDIN_FILENO, "standard input");
  store::byte_source* in = &in_stdin;
  if (name != "-") {
    auto f = store::file_source::open(name);
    if (!f) return f.error();
    owned = std::move(*f);
    in = owned.get();
  }
  store::string_sink sink;
  std::vector<std::byte> buffer(1 << 16);
  for (;;) {
    auto n = in->read(buffer);
    if (!n) return n.error();
    if (*n == 0) break;
    sink.data.append(reinterpret_cast<const char*>(buffer.data()), *n);
    if (sink.data.size() > json::default_max_size) {
      return error(
          errc::json_too_large, error::npos,
          "'" + name + "' is larger than " + std::to_string(json::default_max_size) + " bytes");
    }
  }
  return std::move(sink.data);
}

/// Writes what the verb prints: `json` or `text` as the format says.
void emit(output_format format, const std::string& json, const std::string& text) {
  write_out(format == output_format::json ? json + "\n" : text);
}

// ---- verbs ----------------------------------------------------------------------------------

struct init_options : verb_base {
  std::string name{store::default_login_server};
};

int run_init(const store_context& ctx, const init_options& o) {
  const fs::path dir = store_directory(ctx);
  const bool existed = embedded_store::open(dir).has_value();
  auto s = embedded_store::init(dir, o.name);
  if (!s) return fail("init", s.error());
  const std::string json = json_object([&](json_writer& w) {
    w.member("store", s->root().string())
        .member("loginServer", s->login_server())
        .member("created", !existed);
  });
  emit(o.format, json,
       std::string(existed ? "store " : "created store ") + s->root().string() + " (login server " +
           std::string(s->login_server()) + ")\n");
  return exit_ok;
}

struct push_options : verb_base {
  std::string source;
  std::string reference;
};

int run_push(const store_context& ctx, const push_options& o) {
  const auto src = parse_layout_ref(o.source);
  if (!src) return usage("push", "the source must be oci:DIR[:NAME], got '" + o.source + "'");
  auto s = open_store(ctx);
  if (!s) return fail("push", s.error());
  auto where = s->parse(o.reference, false);
  if (!where) return fail("push", where.error());
  auto layout = layout::image_layout::open(src->dir);
  if (!layout) return fail("push", layout.error());
  if (where->is_repository()) {
    // REPO alone: the layout's name becomes the tag ("latest" when it has none).
    where->tag = src->name.empty() ? std::string(ocikit::default_tag) : src->name;
  }
  auto lease = s->lease();
  if (!lease) return fail("push", lease.error());
  auto r = layout::push_image(*layout, src->name, *s, *where);
  if (!r) return fail("push", r.error());
  const std::string json = json_object([&](json_writer& w) {
    descriptor_members(w, r->root);
    w.member("reference", where->string())
        .member("manifests", r->manifests.size())
        .member("referrers", r->referrers.size())
        .member("blobs_copied", r->blobs_copied)
        .member("blobs_present", r->blobs_present)
        .member("bytes_copied", r->bytes_copied);
  });
  emit(o.format, json,
       "pushed " + std::string(s->login_server()) + "/" + where->repository +
           (where->tag.empty() ? "" : ":" + where->tag) + "@" + r->root.digest.str() + " (" +
           std::to_string(r->manifests.size()) + " manifests, " +
           std::to_string(r->referrers.size()) + " referrers, " + std::to_string(r->blobs_copied) +
           " blobs copied, " + std::to_string(r->blobs_present) + " already stored)\n");
  return exit_ok;
}

struct pull_options : verb_base {
  std::string reference;
  std::string destination;
  std::string platform;
};

int run_pull(const store_context& ctx, const pull_options& o) {
  const auto dst = parse_layout_ref(o.destination);
  if (!dst)
    return usage("pull", "the destination must be oci:DIR[:NAME], got '" + o.destination + "'");
  layout::pull_options po;
  if (!o.platform.empty()) {
    auto p = parse_platform(o.platform, host_platform());
    if (!p) return usage("pull", "--platform: " + p.error().message());
    po.platform = std::move(*p);
  }
  auto s = open_store(ctx);
  if (!s) return fail("pull", s.error());
  auto what = s->parse(o.reference);
  if (!what) return fail("pull", what.error());
  // What is not there creates no layout.
  if (auto found = s->resolve(*what); !found) return fail("pull", found.error());
  auto writer = layout::layout_writer::create(dst->dir);
  if (!writer) return fail("pull", writer.error());
  const std::string name = !dst->name.empty() ? dst->name : what->tag;
  auto r = layout::pull_image(*s, *what, *writer, name, po);
  if (!r) return fail("pull", r.error());
  const std::string json = json_object([&](json_writer& w) {
    descriptor_members(w, r->root);
    w.member("layout", dst->dir)
        .member("name", name)
        .member("manifests", r->manifests.size())
        .member("blobs_copied", r->blobs_copied)
        .member("blobs_present", r->blobs_present)
        .member("bytes_copied", r->bytes_copied);
  });
  emit(o.format, json,
       "pulled " + r->root.digest.str() + " to oci:" + dst->dir + (name.empty() ? "" : ":" + name) +
           " (" + std::to_string(r->manifests.size()) + " manifests, " +
           std::to_string(r->blobs_copied) + " blobs copied)\n");
  return exit_ok;
}

struct push_blob_options : verb_base {
  std::string repository;
  std::string file;
};

int run_push_blob(const store_context& ctx, const push_blob_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("push-blob", s.error());
  std::unique_ptr<store::byte_source> owned;
  store::fd_source in_stdin(STDIN_FILENO, "standard input");
  store::byte_source* in = &in_stdin;
  if (o.file != "-") {
    auto f = store::file_source::open(o.file);
    if (!f) return fail("push-blob", f.error());
    owned = std::move(*f);
    in = owned.get();
  }
  auto r = s->push_blob(o.repository, *in);
  if (!r) return fail("push-blob", r.error());
  const std::string json = json_object([&](json_writer& w) {
    w.member("digest", r->digest.string()).member("size", r->size).member("existed", r->existed);
  });
  emit(o.format, json, r->digest.str() + "\n");
  return exit_ok;
}

struct push_manifest_options : verb_base {
  std::string reference;
  std::string file;
  std::string media_type;
};

int run_push_manifest(const store_context& ctx, const push_manifest_options& o) {
  auto bytes = read_document(o.file);
  if (!bytes) return fail("push-manifest", bytes.error());
  auto s = open_store(ctx);
  if (!s) return fail("push-manifest", s.error());
  store::push_manifest_options po;
  po.media_type = o.media_type;
  auto r = s->push_manifest(std::string_view(o.reference), *bytes, po);
  if (!r) return fail("push-manifest", r.error());
  emit(o.format, descriptor_json(*r), r->digest.str() + "\n");
  return exit_ok;
}

struct cat_options : verb_base {
  std::string reference;
};

int run_cat_manifest(const store_context& ctx, const cat_options& o) {
  auto s = open_any(ctx, o.reference);
  if (!s) return fail("cat-manifest", s.error());
  auto t = parse_in(*s, o.reference);
  if (!t) return fail("cat-manifest", t.error());
  auto m = (*s)->pull_manifest(*t);
  if (!m) return fail("cat-manifest", m.error());
  write_out(m->bytes);
  return exit_ok;
}

// Writes through stdout's buffer (the CLI flushes it once at exit).
class stdout_sink : public store::byte_sink {
 public:
  result<void> write(std::span<const std::byte> bytes) override {
    if (std::fwrite(bytes.data(), 1, bytes.size(), stdout) != bytes.size()) {
      return error(errc::io_failed, error::npos, "cannot write to standard output");
    }
    return {};
  }
};

int run_cat_blob(const store_context& ctx, const cat_options& o) {
  auto s = open_any(ctx, o.reference);
  if (!s) return fail("cat-blob", s.error());
  auto t = parse_in(*s, o.reference, false);
  if (!t) return fail("cat-blob", t.error());
  if (!t->digest) return usage("cat-blob", "name the blob as REPO@DIGEST");
  stdout_sink out;
  auto r = (*s)->pull_blob(t->repository, t->digest->view(), out);
  if (!r) return fail("cat-blob", r.error());
  return exit_ok;
}

int run_resolve(const store_context& ctx, const cat_options& o) {
  auto s = open_any(ctx, o.reference);
  if (!s) return fail("resolve", s.error());
  auto t = parse_in(*s, o.reference);
  if (!t) return fail("resolve", t.error());
  auto d = (*s)->resolve(*t);
  if (!d) return fail("resolve", d.error());
  emit(o.format, descriptor_json(*d),
       d->digest.str() + "  " + d->media_type + "  " + std::to_string(d->size) + "\n");
  return exit_ok;
}

struct tag_options : verb_base {
  std::string source;
  std::vector<std::string> tags;
};

int run_tag(const store_context& ctx, const tag_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("tag", s.error());
  auto source = s->parse(o.source);
  if (!source) return fail("tag", source.error());
  // What does not resolve is refused before the store takes any lock.
  if (auto found = s->resolve(*source); !found) return fail("tag", found.error());
  for (const auto& t : o.tags) {
    if (auto c = store::check_tag(t); !c) return fail("tag", c.error());
  }
  descriptor last;
  for (const auto& t : o.tags) {
    auto d = s->tag(*source, t);
    if (!d) return fail("tag", d.error());
    last = std::move(*d);
  }
  const std::string json = json_object([&](json_writer& w) {
    descriptor_members(w, last);
    w.key("tags").strings(o.tags);
  });
  std::string text;
  for (const auto& t : o.tags) {
    text += source->repository + ":" + t + " -> " + last.digest.str() + "\n";
  }
  emit(o.format, json, text);
  return exit_ok;
}

struct refs_options : verb_base {
  std::vector<std::string> references;
  bool dry_run = false;
};

int run_untag(const store_context& ctx, const refs_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("untag", s.error());
  std::vector<store::target> targets;
  for (const auto& r : o.references) {
    auto t = s->parse(r, false);
    if (!t) return fail("untag", t.error());
    if (t->tag.empty() || t->digest) {
      return usage("untag", "name each tag as REPO:TAG, got '" + r + "'");
    }
    // An unknown tag is refused before the store takes any lock.
    if (auto found = s->resolve(*t); !found) return fail("untag", found.error());
    targets.push_back(std::move(*t));
  }
  std::vector<std::string> done;
  for (const auto& t : targets) {
    if (auto r = s->untag(t.repository, t.tag); !r) return fail("untag", r.error());
    done.push_back(t.repository + ":" + t.tag);
  }
  const std::string json = json_object([&](json_writer& w) { w.key("untagged").strings(done); });
  std::string text;
  for (const auto& d : done) text += "untagged " + d + "\n";
  emit(o.format, json, text);
  return exit_ok;
}

/// The reports of several deletes as one.
store::delete_report merged(const std::vector<store::delete_report>& reports) {
  store::delete_report all;
  for (const auto& r : reports) {
    all.manifests.insert(all.manifests.end(), r.manifests.begin(), r.manifests.end());
    all.tags.insert(all.tags.end(), r.tags.begin(), r.tags.end());
  }
  return all;
}

std::string delete_text(const std::vector<store::delete_report>& reports, bool dry_run) {
  std::string text;
  const std::string verb = dry_run ? "would delete " : "deleted ";
  for (const auto& r : reports) {
    for (const auto& m : r.manifests) text += verb + "manifest " + m.str() + "\n";
    for (const auto& t : r.tags) text += verb + "tag " + t + "\n";
  }
  return text;
}

int run_delete(const store_context& ctx, const refs_options& o) {
  auto s = open_any(ctx, o.references.front());
  if (!s) return fail("delete", s.error());
  std::vector<store::target> targets;
  for (const auto& r : o.references) {
    if (is_remote(r) != s->remote) {
      return usage("delete", "name every manifest in the same registry, got '" + r + "'");
    }
    auto t = parse_in(*s, r, false);
    if (!t) return fail("delete", t.error());
    if (t->is_repository()) {
      return usage("delete", "name a manifest as REPO:TAG or REPO@DIGEST, got '" + r +
                                 "' (delete-repo deletes a repository)");
    }
    if (auto found = (*s)->resolve(*t); !found) return fail("delete", found.error());
    targets.push_back(std::move(*t));
  }
  std::vector<store::delete_report> reports;
  for (const auto& t : targets) {
    auto r = (*s)->delete_manifest(t, o.dry_run);
    if (!r) return fail("delete", r.error());
    reports.push_back(std::move(*r));
  }
  emit(o.format, store::to_json(merged(reports)), delete_text(reports, o.dry_run));
  return exit_ok;
}

struct repo_options : verb_base {
  std::string repository;
  bool dry_run = false;
};

int run_delete_repo(const store_context& ctx, const repo_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("delete-repo", s.error());
  if (auto e = missing_repository(*s, o.repository)) return fail("delete-repo", *e);
  auto r = s->delete_repository(o.repository, o.dry_run);
  if (!r) return fail("delete-repo", r.error());
  std::vector<store::delete_report> reports{std::move(*r)};
  emit(o.format, store::to_json(merged(reports)), delete_text(reports, o.dry_run));
  return exit_ok;
}

struct repos_options : verb_base {
  std::string registry;
};

int run_repos(const store_context& ctx, const repos_options& o) {
  if (!o.registry.empty() && !is_remote(o.registry)) {
    return usage("repos", "name a remote registry as docker://HOST, got '" + o.registry + "'");
  }
  auto s = open_any(ctx, o.registry);
  if (!s) return fail("repos", s.error());
  auto repos = (*s)->list_repositories();
  if (!repos) return fail("repos", repos.error());
  const std::string json =
      json_object([&](json_writer& w) { w.key("repositories").strings(*repos); });
  std::string text;
  for (const auto& r : *repos) text += r + "\n";
  emit(o.format, json, text);
  return exit_ok;
}

int run_tags(const store_context& ctx, const repo_options& o) {
  auto s = open_any(ctx, o.repository);
  if (!s) return fail("tags", s.error());
  auto repository = repository_in(*s, o.repository);
  if (!repository) return fail("tags", repository.error());
  auto tags = (*s)->list_tags(*repository);
  if (!tags) return fail("tags", tags.error());
  const std::string json = json_object(
      [&](json_writer& w) { w.member("name", *repository).key("tags").strings(*tags); });
  std::string text;
  for (const auto& t : *tags) text += t + "\n";
  emit(o.format, json, text);
  return exit_ok;
}

struct list_metadata_options : verb_base {
  std::string repository;
  bool untagged = false;
  std::string orderby = "time_desc";
};

std::string pad(std::string s, std::size_t width) {
  if (s.size() < width) s.resize(width, ' ');
  return s + "  ";
}

int run_list_metadata(const store_context& ctx, const list_metadata_options& o) {
  store::list_metadata_options lo;
  lo.untagged_only = o.untagged;
  lo.order =
      o.orderby == "time_asc" ? store::metadata_order::time_asc : store::metadata_order::time_desc;
  auto s = open_any(ctx, o.repository);
  if (!s) return fail("list-metadata", s.error());
  auto repository = repository_in(*s, o.repository);
  if (!repository) return fail("list-metadata", repository.error());
  auto list = (*s)->list_metadata(*repository, lo);
  if (!list) return fail("list-metadata", list.error());
  std::string text =
      pad("DIGEST", 71) + pad("TAGS", 16) + pad("TIMESTAMP", 30) + pad("SIZE", 9) + "TYPE\n";
  for (std::size_t i = 0; i < list->size(); ++i) {
    const auto& m = (*list)[i];
    std::string tags;
    for (const auto& t : m.tags) tags += (tags.empty() ? "" : ",") + t;
    std::string type = m.media_type;
    if (!m.artifact_type.empty()) {
      type = m.artifact_type;
    } else if (!m.os.empty() || !m.architecture.empty()) {
      type = m.os + "/" + m.architecture;
    }
    text += pad(m.digest.str(), 71) + pad(tags.empty() ? "<untagged>" : tags, 16) +
            pad(m.timestamp, 30) + pad(std::to_string(m.image_size), 9) + type + "\n";
  }
  emit(o.format, store::to_json(*list), text);
  return exit_ok;
}

struct referrers_options : verb_base {
  std::string reference;
  std::string artifact_type;
};

int run_referrers(const store_context& ctx, const referrers_options& o) {
  auto s = open_any(ctx, o.reference);
  if (!s) return fail("referrers", s.error());
  auto t = parse_in(*s, o.reference, false);
  if (!t) return fail("referrers", t.error());
  if (!t->digest) return usage("referrers", "name the subject as REPO@DIGEST");
  auto index = (*s)->referrers(t->repository, t->digest->view(), o.artifact_type);
  if (!index) return fail("referrers", index.error());
  std::string text;
  for (const auto& d : index->manifests) {
    text += pad(d.digest.str(), 71) + pad(d.artifact_type.empty() ? "-" : d.artifact_type, 40) +
            std::to_string(d.size) + "\n";
  }
  emit(o.format, serialize(*index), text);
  return exit_ok;
}

struct lock_options : verb_base {
  std::string reference;
  std::optional<bool> write_enabled;
  std::optional<bool> delete_enabled;
  std::optional<bool> read_enabled;
  std::optional<bool> list_enabled;
};

int run_lock(const store_context& ctx, const lock_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("lock", s.error());
  auto t = s->parse(o.reference, false);
  if (!t) return fail("lock", t.error());
  if (auto e = missing_repository(*s, t->repository)) return fail("lock", *e);
  store::attribute_update u;
  u.write_enabled = o.write_enabled;
  u.delete_enabled = o.delete_enabled;
  u.read_enabled = o.read_enabled;
  u.list_enabled = o.list_enabled;
  const bool change = u.write_enabled || u.delete_enabled || u.read_enabled || u.list_enabled;
  auto a = change ? s->set_attributes(*t, u) : s->get_attributes(*t);
  if (!a) return fail("lock", a.error());
  const std::string json = json_object([&](json_writer& w) {
    w.member("target", t->string()).key("changeableAttributes").raw(store::to_json(*a));
  });
  const auto yn = [](bool b) { return b ? std::string("true") : std::string("false"); };
  emit(o.format, json,
       t->string() + ": deleteEnabled=" + yn(a->delete_enabled) +
           " writeEnabled=" + yn(a->write_enabled) + " readEnabled=" + yn(a->read_enabled) +
           " listEnabled=" + yn(a->list_enabled) + "\n");
  return exit_ok;
}

struct url_options : verb_base {
  std::string reference;
  bool plain_http = false;
};

int run_url(const url_options& o) {
  auto r = parse_normalized_reference(o.reference);
  if (!r) return fail("url", r.error());
  const auto ep = distribution::endpoint::of(*r, {.plain_http = o.plain_http});
  const std::string json = json_object([&](json_writer& w) {
    w.member("registry", ep.host())
        .member("scheme", ep.scheme())
        .member("repository", ep.repository())
        .member("api", ep.api_check())
        .member("manifest", ep.manifest());
    if (r->has_digest()) w.member("blob", ep.blob(r->digest()));
    w.member("upload", ep.upload())
        .member("tags", ep.tags())
        .member("referrers", r->has_digest() ? ep.referrers(r->digest()) : ep.referrers(""))
        .member("accept", distribution::manifest_accept);
  });
  std::string text = "registry   " + ep.host() + "\nrepository " + ep.repository() +
                     "\nmanifest   " + ep.manifest() + "\n";
  if (r->has_digest()) text += "blob       " + ep.blob(r->digest()) + "\n";
  text += "upload     " + ep.upload() + "\ntags       " + ep.tags() + "\nreferrers  " +
          (r->has_digest() ? ep.referrers(r->digest()) : ep.referrers("")) + "\naccept     " +
          std::string(distribution::manifest_accept) + "\n";
  emit(o.format, json, text);
  return exit_ok;
}

int run_layout(const store_context& ctx, const repo_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("layout", s.error());
  if (auto c = store::check_repository(o.repository); !c) return fail("layout", c.error());
  auto exists = s->list_tags(o.repository);
  if (!exists) return fail("layout", exists.error());
  const std::string path = s->layout_path(o.repository).string();
  const std::string json = json_object(
      [&](json_writer& w) { w.member("repository", o.repository).member("layout", path); });
  emit(o.format, json, path + "\n");
  return exit_ok;
}

struct purge_cli_options : verb_base {
  std::string filter;
  std::string ago;
  std::size_t keep = 0;
  bool untagged = false;
  bool dry_run = false;
};

std::string purge_text(const std::vector<store::purge_item>& items, const std::string& verb) {
  std::string text;
  for (const auto& it : items) {
    std::string tags;
    for (const auto& t : it.tags) tags += (tags.empty() ? "" : ",") + t;
    text += verb + it.repository + "@" + it.digest.str() + " [" +
            (tags.empty() ? std::string("untagged") : tags) + "]" +
            (it.reason.empty() ? "" : " (" + it.reason + ")") + "\n";
  }
  return text;
}

int run_purge(const store_context& ctx, const purge_cli_options& o) {
  store::purge_options po;
  po.filter = o.filter;
  po.keep = o.keep;
  po.untagged = o.untagged;
  po.dry_run = o.dry_run;
  if (!o.ago.empty()) {
    auto d = store::parse_duration(o.ago);
    if (!d) return usage("purge", "--ago: " + d.error().message());
    po.ago = *d;
  }
  auto s = open_store(ctx);
  if (!s) return fail("purge", s.error());
  auto r = s->purge(po);
  if (!r) return fail("purge", r.error());
  const std::string text = purge_text(r->deleted, o.dry_run ? "would delete " : "deleted ") +
                           purge_text(r->skipped, "kept ") + std::to_string(r->deleted.size()) +
                           (o.dry_run ? " to delete, " : " deleted, ") +
                           std::to_string(r->skipped.size()) + " kept\n";
  emit(o.format, store::to_json(*r), text);
  return exit_ok;
}

struct gc_cli_options : verb_base {
  bool untagged = false;
  bool dry_run = false;
};

int run_gc(const store_context& ctx, const gc_cli_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("gc", s.error());
  store::gc_options go;
  go.untagged = o.untagged;
  go.dry_run = o.dry_run;
  auto r = s->gc(go);
  if (!r) return fail("gc", r.error());
  const std::string verb = o.dry_run ? "would delete " : "deleted ";
  std::string text;
  for (const auto& m : r->manifests) text += verb + "manifest " + m + "\n";
  for (const auto& b : r->blobs) text += verb + "blob " + b + "\n";
  text += (o.dry_run ? "would free " : "freed ") + std::to_string(r->bytes_freed) +
          " bytes: " + std::to_string(r->manifests_deleted) + " manifests, " +
          std::to_string(r->blobs_deleted) + " blobs\n";
  emit(o.format, store::to_json(*r), text);
  return exit_ok;
}

std::string usage_line(const store::usage& u, std::string_view name) {
  return pad(std::string(name), 40) + pad(std::to_string(u.manifests), 9) +
         pad(std::to_string(u.logical_bytes), 14) + std::to_string(u.stored_bytes) + "\n";
}

int run_du(const store_context& ctx, const verb_base& o) {
  auto s = open_store(ctx);
  if (!s) return fail("du", s.error());
  auto r = s->du();
  if (!r) return fail("du", r.error());
  std::string text = pad("REPOSITORY", 40) + pad("MANIFESTS", 9) + pad("LOGICAL", 14) + "STORED\n";
  for (const auto& u : r->repositories) text += usage_line(u, u.repository);
  text += usage_line(r->total, "total");
  emit(o.format, store::to_json(*r), text);
  return exit_ok;
}

struct fsck_cli_options : verb_base {
  bool repair = false;
  bool verify_blobs = false;
};

int run_fsck(const store_context& ctx, const fsck_cli_options& o) {
  auto s = open_store(ctx);
  if (!s) return fail("fsck", s.error());
  store::fsck_options fo;
  fo.repair = o.repair;
  fo.verify_blobs = o.verify_blobs;
  auto r = s->fsck(fo);
  if (!r) return fail("fsck", r.error());
  const bool consistent = r->consistent();
  std::string text;
  for (const auto& p : r->problems) {
    text += std::string(p.repaired ? "repaired "
                        : p.error  ? "error    "
                                   : "warning  ") +
            p.kind + "  " + p.path + "  " + p.message + "\n";
  }
  text += consistent ? "store is consistent\n" : "store is INCONSISTENT\n";
  emit(o.format, store::to_json(*r), text);
  if (!consistent) {
    write_err("ocikit store fsck: the store is inconsistent (run 'ocikit store fsck --repair')");
    return exit_invalid;
  }
  return exit_ok;
}

// ---- registration ---------------------------------------------------------------------------

/// Adds a verb whose options live in a shared_ptr captured by its callback.
template <class Options, class Run>
CLI::App* add_verb(CLI::App* noun, const std::string& name, const std::string& help,
                   output_format def, const std::shared_ptr<Options>& opts, int& status, Run run) {
  CLI::App* cmd = noun->add_subcommand(name, help);
  add_format_option(*cmd, opts->format, def);
  cmd->callback([opts, &status, run] { status = run(*opts); });
  return cmd;
}

void add_bool_option(CLI::App* cmd, const std::string& name, std::optional<bool>& target,
                     const std::string& help) {
  cmd->add_option_function<std::string>(
         name, [&target](const std::string& v) { target = v == "true"; }, help)
      ->check(CLI::IsMember({"true", "false"}));
}

}  // namespace

void register_store(CLI::App& app, int& status) {
  auto ctx = std::make_shared<store_context>();
  CLI::App* noun = app.add_subcommand(
      "store", "an embedded registry on local disk: push, pull, tag, list, delete, gc");
  noun->require_subcommand(1);
  noun->fallthrough();
  noun->add_option("--store", ctx->dir,
                   "store directory (default: $OCIKIT_STORE, else $XDG_DATA_HOME/ocikit/store, "
                   "else ~/.local/share/ocikit/store)");
  add_remote_options(*noun, ctx->remote);
  const auto json = output_format::json;
  const auto text = output_format::text;

  auto init = std::make_shared<init_options>();
  add_verb(noun, "init", "create the store (the other verbs create it on first use)", json, init,
           status, [ctx](const init_options& o) { return run_init(*ctx, o); })
      ->add_option("--name", init->name, "login server name (default: localhost)");

  auto push = std::make_shared<push_options>();
  auto* push_cmd =
      add_verb(noun, "push", "push an image (and its children and referrers) from an OCI layout",
               json, push, status, [ctx](const push_options& o) { return run_push(*ctx, o); });
  push_cmd->add_option("SOURCE", push->source, "oci:DIR[:NAME]")->required();
  push_cmd->add_option("REF", push->reference, "REPO[:TAG], REPO@DIGEST or LOGIN_SERVER/REPO[:TAG]")
      ->required();

  auto pull = std::make_shared<pull_options>();
  auto* pull_cmd = add_verb(noun, "pull", "write an image to an OCI layout", json, pull, status,
                            [ctx](const pull_options& o) { return run_pull(*ctx, o); });
  pull_cmd->add_option("REF", pull->reference, "REPO[:TAG] or REPO@DIGEST")->required();
  pull_cmd->add_option("DESTINATION", pull->destination, "oci:DIR[:NAME]")->required();
  pull_cmd->add_option("--platform", pull->platform,
                       "only the entry of an index for this platform, e.g. linux/arm64");

  auto push_blob = std::make_shared<push_blob_options>();
  auto* pb = add_verb(noun, "push-blob", "store a blob and print its digest", text, push_blob,
                      status, [ctx](const push_blob_options& o) { return run_push_blob(*ctx, o); });
  pb->add_option("REPO", push_blob->repository, "repository")->required();
  pb->add_option("FILE", push_blob->file, "file, or - for stdin")->required();

  auto push_manifest = std::make_shared<push_manifest_options>();
  auto* pm = add_verb(noun, "push-manifest", "store a manifest or an index and print its digest",
                      text, push_manifest, status,
                      [ctx](const push_manifest_options& o) { return run_push_manifest(*ctx, o); });
  pm->add_option("REF", push_manifest->reference, "REPO[:TAG] or REPO@DIGEST")->required();
  pm->add_option("FILE", push_manifest->file, "file, or - for stdin")->required();
  pm->add_option("--media-type", push_manifest->media_type,
                 "the media type the document must have");

  auto cat_manifest = std::make_shared<cat_options>();
  add_verb(noun, "cat-manifest", "print a manifest's exact bytes (verified)", text, cat_manifest,
           status, [ctx](const cat_options& o) { return run_cat_manifest(*ctx, o); })
      ->add_option("REF", cat_manifest->reference, "REPO[:TAG], REPO@DIGEST or docker://REF")
      ->required();

  auto cat_blob = std::make_shared<cat_options>();
  add_verb(noun, "cat-blob", "print a blob's bytes (verified)", text, cat_blob, status,
           [ctx](const cat_options& o) { return run_cat_blob(*ctx, o); })
      ->add_option("REF", cat_blob->reference, "REPO@DIGEST or docker://HOST/REPO@DIGEST")
      ->required();

  auto resolve = std::make_shared<cat_options>();
  add_verb(noun, "resolve", "the digest, media type and size of a tag or digest", json, resolve,
           status, [ctx](const cat_options& o) { return run_resolve(*ctx, o); })
      ->add_option("REF", resolve->reference, "REPO[:TAG], REPO@DIGEST or docker://REF")
      ->required();

  auto tag = std::make_shared<tag_options>();
  auto* tag_cmd = add_verb(noun, "tag", "point more tags at a manifest", json, tag, status,
                           [ctx](const tag_options& o) { return run_tag(*ctx, o); });
  tag_cmd->add_option("REF", tag->source, "REPO[:TAG] or REPO@DIGEST")->required();
  tag_cmd->add_option("NEWTAG", tag->tags, "new tags in the same repository")->required();

  auto untag = std::make_shared<refs_options>();
  add_verb(noun, "untag", "remove tags (the manifests stay)", json, untag, status,
           [ctx](const refs_options& o) { return run_untag(*ctx, o); })
      ->add_option("REPO:TAG", untag->references, "tags to remove")
      ->required();

  auto del = std::make_shared<refs_options>();
  auto* del_cmd =
      add_verb(noun, "delete", "delete manifests with all their tags and referrers", json, del,
               status, [ctx](const refs_options& o) { return run_delete(*ctx, o); });
  del_cmd->add_option("REF", del->references, "REPO:TAG, REPO@DIGEST or docker://REF")->required();
  del_cmd->add_flag("--dry-run", del->dry_run, "only say what would be deleted");

  auto del_repo = std::make_shared<repo_options>();
  auto* dr =
      add_verb(noun, "delete-repo", "delete a repository (not the ones below its name)", json,
               del_repo, status, [ctx](const repo_options& o) { return run_delete_repo(*ctx, o); });
  dr->add_option("REPO", del_repo->repository, "repository")->required();
  dr->add_flag("--dry-run", del_repo->dry_run, "only say what would be deleted");

  auto repos = std::make_shared<repos_options>();
  add_verb(noun, "repos", "list the repositories", text, repos, status,
           [ctx](const repos_options& o) { return run_repos(*ctx, o); })
      ->add_option("REGISTRY", repos->registry, "docker://HOST: a remote registry's catalog");

  auto tags = std::make_shared<repo_options>();
  add_verb(noun, "tags", "list a repository's tags", text, tags, status,
           [ctx](const repo_options& o) { return run_tags(*ctx, o); })
      ->add_option("REPO", tags->repository, "repository, or docker://HOST/REPO")
      ->required();

  auto lm = std::make_shared<list_metadata_options>();
  auto* lm_cmd = add_verb(
      noun, "list-metadata", "list a repository's manifests, untagged included, newest first", text,
      lm, status, [ctx](const list_metadata_options& o) { return run_list_metadata(*ctx, o); });
  lm_cmd->add_option("REPO", lm->repository, "repository, or docker://HOST/REPO")->required();
  lm_cmd->add_flag("--untagged", lm->untagged, "only untagged manifests");
  lm_cmd->add_option("--orderby", lm->orderby, "time_desc (default) or time_asc")
      ->check(CLI::IsMember({"time_desc", "time_asc"}));

  auto refs = std::make_shared<referrers_options>();
  auto* refs_cmd = add_verb(
      noun, "referrers", "the manifests whose subject is a digest, as an OCI image index", text,
      refs, status, [ctx](const referrers_options& o) { return run_referrers(*ctx, o); });
  refs_cmd->add_option("REF", refs->reference, "REPO@DIGEST or docker://HOST/REPO@DIGEST")
      ->required();
  refs_cmd->add_option("--artifact-type", refs->artifact_type, "only this artifact type");

  auto lock = std::make_shared<lock_options>();
  auto* lock_cmd =
      add_verb(noun, "lock", "show or change the locks of a repository, tag or manifest", json,
               lock, status, [ctx](const lock_options& o) { return run_lock(*ctx, o); });
  lock_cmd->add_option("REF", lock->reference, "REPO, REPO:TAG or REPO@DIGEST")->required();
  add_bool_option(lock_cmd, "--write-enabled", lock->write_enabled,
                  "false: no overwrite and no delete");
  add_bool_option(lock_cmd, "--delete-enabled", lock->delete_enabled, "false: no delete");
  add_bool_option(lock_cmd, "--read-enabled", lock->read_enabled, "false: hidden from pulls");
  add_bool_option(lock_cmd, "--list-enabled", lock->list_enabled, "false: hidden from listings");

  auto purge = std::make_shared<purge_cli_options>();
  auto* purge_cmd = add_verb(
      noun, "purge", "delete manifests by repository and tag patterns, age and count", json, purge,
      status, [ctx](const purge_cli_options& o) { return run_purge(*ctx, o); });
  purge_cmd->add_option("--filter", purge->filter, "REPO_REGEX:TAG_REGEX (whole names)")
      ->required();
  purge_cmd->add_option("--ago", purge->ago, "only manifests older than this, e.g. 2d, 1h30m");
  purge_cmd->add_option("--keep", purge->keep, "keep the newest N matches of each repository");
  purge_cmd->add_flag("--untagged", purge->untagged, "also delete untagged manifests");
  purge_cmd->add_flag("--dry-run", purge->dry_run, "only say what would be deleted");

  auto gc = std::make_shared<gc_cli_options>();
  auto* gc_cmd = add_verb(noun, "gc", "remove blobs no manifest references", json, gc, status,
                          [ctx](const gc_cli_options& o) { return run_gc(*ctx, o); });
  gc_cmd->add_flag("--untagged", gc->untagged,
                   "also delete untagged manifests that no index references");
  gc_cmd->add_flag("--dry-run", gc->dry_run, "only say what would be freed");

  auto du = std::make_shared<verb_base>();
  add_verb(noun, "du", "logical against stored bytes, per repository and in total", text, du,
           status, [ctx](const verb_base& o) { return run_du(*ctx, o); });

  auto fsck = std::make_shared<fsck_cli_options>();
  auto* fsck_cmd =
      add_verb(noun, "fsck", "check the store's consistency (exit 1 when not)", text, fsck, status,
               [ctx](const fsck_cli_options& o) { return run_fsck(*ctx, o); });
  fsck_cmd->add_flag("--repair", fsck->repair, "fix what can be fixed");
  fsck_cmd->add_flag("--verify-blobs", fsck->verify_blobs, "hash every blob");

  auto layout = std::make_shared<repo_options>();
  add_verb(noun, "layout", "the path of a repository's OCI layout (for skopeo and umoci)", text,
           layout, status, [ctx](const repo_options& o) { return run_layout(*ctx, o); })
      ->add_option("REPO", layout->repository, "repository")
      ->required();

  auto url = std::make_shared<url_options>();
  auto* url_cmd = add_verb(noun, "url", "the distribution API URLs of a reference", json, url,
                           status, [](const url_options& o) { return run_url(o); });
  url_cmd->add_option("REF", url->reference, "a reference, e.g. ubuntu:24.04")->required();
  url_cmd->add_flag("--plain-http", url->plain_http, "http instead of https (e.g. loopback)");
}

}  // namespace ocikit::cli
