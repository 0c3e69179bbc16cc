// `ocikit copy SRC DST` — copy an image between registries of any kind (ocikit/copy.hpp):
//
//   ocikit copy SRC DST [--platform P|--all] [--referrers] [--jobs N] [--plain-http] [--insecure]
//                       [--ca-file F] [--authfile F] [--store DIR] [--format json|text]
// SRC and DST: docker://REF (a remote registry), oci:DIR[:NAME] (an OCI layout; a destination
// is created), store:REF (the embedded store at --store DIR, else the store verbs' default).
// Output (JSON by default): {"source","destination","digest","mediaType","size","manifests",
// "referrers","blobs_copied","blobs_present","blobs_mounted","bytes_copied"}; a progress bar on
// stderr only when it is a terminal.
// Exit status: 0 copied, 1 refused or not found (the reason on stderr), 2 usage or I/O error.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cli.hpp"
#include "json_writer.hpp"
#include "ocikit/copy.hpp"
#include "ocikit/layout/layout_registry.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/store/store.hpp"
#include "registries.hpp"

namespace ocikit::cli {
namespace {

struct copy_cli_options {
  std::string source;
  std::string destination;
  std::string platform;
  bool all = false;
  bool referrers = false;
  std::size_t jobs = 4;
  std::string store_dir;
  remote_flags remote;
  output_format format = output_format::json;
};

int fail(const ocikit::error& e) {
  write_err("ocikit copy: " + e.message() + " [" + std::string(e.id()) + "]");
  return e.condition() == condition::io_error ? exit_usage : exit_invalid;
}

int usage(std::string_view message) {
  write_err("ocikit copy: " + std::string(message));
  return exit_usage;
}

/// One end of a copy: the registry (owned here, or the other end's) and the target in it.
struct end {
  std::unique_ptr<store::registry> owned;
  store::registry* registry = nullptr;
  store::target target;
  std::string kind;    ///< "docker", "oci", "store"
  std::string domain;  ///< docker: the registry's domain
  std::optional<store::store_lease> lease;
};

/// Opens `text` as a source or a destination; reuses `other`'s registry when both name the same
/// remote registry or the same store (so that blobs are mounted, connections shared).
result<end> open_end(const copy_cli_options& o, std::string_view text, bool destination,
                     end* other) {
  end e;
  if (is_remote(text)) {
    auto r = parse_remote(text, true);
    if (!r) return r.error();
    e.kind = "docker";
    e.domain = r->domain;
    e.target = std::move(r->target);
    if (other != nullptr && other->kind == "docker" && other->domain == e.domain) {
      e.registry = other->registry;
      return e;
    }
    auto reg = open_remote(e.domain, o.remote);
    if (!reg) return reg.error();
    e.owned = std::move(*reg);
  } else if (text.starts_with("oci:")) {
    std::string_view rest = text.substr(4);
    const std::size_t colon = rest.find(':');
    const std::string dir(rest.substr(0, colon));
    if (dir.empty()) {
      return error(errc::reference_invalid_argument, error::npos,
                   "'" + std::string(text) + "': oci:DIR[:NAME] needs a directory");
    }
    e.kind = "oci";
    e.target.repository = "layout";
    if (colon != std::string_view::npos) e.target.tag = std::string(rest.substr(colon + 1));
    if (!e.target.tag.empty()) {
      if (auto t = store::check_tag(e.target.tag); !t) return t.error();
    }
    auto reg = layout::layout_registry::open(dir, destination);
    if (!reg) return reg.error();
    e.owned = std::move(*reg);
  } else if (text.starts_with("store:")) {
    e.kind = "store";
    if (other != nullptr && other->kind == "store") {
      e.registry = other->registry;
    } else {
      auto s = store::embedded_store::open_or_init(store_directory(o.store_dir));
      if (!s) return s.error();
      auto owned = std::make_unique<store::embedded_store>(std::move(*s));
      auto lease = owned->lease();  // gc keeps what a copy is writing
      if (!lease) return lease.error();
      e.lease.emplace(std::move(*lease));
      e.owned = std::move(owned);
    }
    auto t = (e.owned ? e.owned.get() : e.registry)->parse(text.substr(6), true);
    if (!t) return t.error();
    e.target = std::move(*t);
  } else {
    return error(errc::reference_invalid_argument, error::npos,
                 "'" + std::string(text) + "': expected docker://REF, oci:DIR[:NAME] or store:REF");
  }
  if (e.owned) e.registry = e.owned.get();
  return e;
}

int run_copy(const copy_cli_options& o) {
  copy_options co;
  co.referrers = o.referrers;
  co.jobs = o.jobs == 0 ? 1 : o.jobs;
  if (!o.platform.empty()) {
    auto p = parse_platform(o.platform, host_platform());
    if (!p) return usage("--platform: " + p.error().message());
    co.platform = std::move(*p);
  }
  auto from = open_end(o, o.source, false, nullptr);
  if (!from) return fail(from.error());
  auto to = open_end(o, o.destination, true, &*from);
  if (!to) return fail(to.error());
  std::unique_ptr<progress> bar;
  co.progress = [&bar](std::uint64_t done, std::uint64_t total) {
    if (!bar) bar = std::make_unique<progress>("copying", total);
    bar->update(done);
  };
  auto r = copy_image(*from->registry, from->target, *to->registry, to->target, co);
  bar.reset();
  if (!r) return fail(r.error());
  std::string json;
  json_writer w(json);
  w.begin_object()
      .member("source", o.source)
      .member("destination", o.destination)
      .member("digest", r->digest.string())
      .member("mediaType", r->media_type)
      .member("size", r->size)
      .member("manifests", r->manifests)
      .member("referrers", r->referrers)
      .member("blobs_copied", r->blobs_copied)
      .member("blobs_present", r->blobs_present)
      .member("blobs_mounted", r->blobs_mounted)
      .member("bytes_copied", r->bytes_copied);
  w.end_object();
  if (o.format == output_format::json) {
    write_out(json + "\n");
  } else {
    write_out("copied " + r->digest.str() + " from " + o.source + " to " + o.destination + " (" +
              std::to_string(r->manifests) + " manifests, " + std::to_string(r->referrers) +
              " referrers, " + std::to_string(r->blobs_copied) + " blobs copied, " +
              std::to_string(r->blobs_present) + " present, " + std::to_string(r->blobs_mounted) +
              " mounted, " + std::to_string(r->bytes_copied) + " bytes)\n");
  }
  return exit_ok;
}

}  // namespace

void register_copy(CLI::App& app, int& status) {
  auto o = std::make_shared<copy_cli_options>();
  CLI::App* cmd = app.add_subcommand(
      "copy", "copy an image (every platform, optionally its referrers) between registries");
  cmd->add_option("SRC", o->source, "docker://REF, oci:DIR[:NAME] or store:REF")->required();
  cmd->add_option("DST", o->destination, "docker://REF, oci:DIR[:NAME] or store:REF")->required();
  auto* platform = cmd->add_option("--platform", o->platform,
                                   "copy only this platform of an index, e.g. linux/arm64");
  cmd->add_flag("--all", o->all, "copy every platform of an index (the default)")
      ->excludes(platform);
  cmd->add_flag("--referrers", o->referrers,
                "copy the referrers too (signatures, SBOMs), recursively");
  cmd->add_option("--jobs", o->jobs, "blobs transferred at once (default 4)")
      ->check(CLI::Range(1, 64));
  cmd->add_option("--store", o->store_dir, "store: the embedded store's directory");
  add_remote_options(*cmd, o->remote);
  add_format_option(*cmd, o->format, output_format::json);
  cmd->callback([o, &status] { status = run_copy(*o); });
}

}  // namespace ocikit::cli
