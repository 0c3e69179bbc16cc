// The registry interface: what a registry does, whichever backend holds it (the embedded store
// of ocikit/store/store.hpp now; a client of the distribution API later). docs/store.md
// describes the model: a login server, repositories, manifests addressed by digest, tags.
//
//   ocikit::store::target              what a reference addresses in a registry: repository,
//                                      tag and/or digest
//   ocikit::store::parse_target(text, login_server)   REPO[:TAG], REPO@DIGEST or a full
//                                      reference whose login server is the registry's
//   ocikit::store::check_manifest_push(where, bytes, options)   what a push checks first
//   ocikit::store::manifest_descriptor(parsed)   the descriptor a registry reports for a manifest
//   ocikit::store::registry            the interface: blobs (streams, verified), manifests
//                                      (exact bytes), resolve, tag, untag, listings, metadata,
//                                      delete, referrers, changeable attributes (locks)
//
// Every operation returns ocikit::result<T>; the store.* error ids (ocikit/error.hpp) say why
// a request was refused: store.not_found, store.locked, store.digest_mismatch,
// store.size_mismatch, store.blob_missing, store.manifest_missing, store.manifest_invalid,
// store.wrong_registry, store.invalid_name, store.io ... A refused request changes nothing.
//
// Example:
//   auto s = ocikit::store::embedded_store::open("/var/lib/ocikit");
//   auto d = s->resolve("library/alpine:3.19");      // descriptor: digest, mediaType, size
//   auto m = s->pull_manifest("library/alpine@" + d->digest.str());
#ifndef OCIKIT_STORE_REGISTRY_HPP
#define OCIKIT_STORE_REGISTRY_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/index.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/reference.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::store {

/// The login server of a registry created without a name.
inline constexpr std::string_view default_login_server = "localhost";

/// What a reference addresses in one registry. `tag` and `digest` may both be set (the digest
/// wins for reads; a push by tag checks that the bytes have that digest).
struct target {
  std::string repository;                ///< "marketing/campaign10-18/email-sender"
  std::string tag;                       ///< "" when none
  std::optional<ocikit::digest> digest;  ///< none when not given

  /// True when neither a tag nor a digest is given: the repository itself.
  [[nodiscard]] bool is_repository() const noexcept { return tag.empty() && !digest; }
  /// REPO[:TAG][@DIGEST]
  [[nodiscard]] std::string string() const {
    std::string s = repository;
    if (!tag.empty()) s += ":" + tag;
    if (digest) s += "@" + digest->str();
    return s;
  }
  friend bool operator==(const target&, const target&) = default;
};

namespace detail {

// True when `component` (the text before the first '/') names a registry host, as Docker
// decides: it has a '.' or a ':', or it is "localhost".
inline bool looks_like_host(std::string_view component) noexcept {
  return component == "localhost" || component.find_first_of(".:") != std::string_view::npos;
}

}  // namespace detail

/// Checks a repository name: path components of lowercase letters and digits separated by
/// '.', '_', '__' or '-', joined by '/', at most 255 bytes (the reference grammar's path).
/// The errors are those of the reference parser (reference.invalid_path, reference.uppercase...).
inline result<void> check_repository(std::string_view name) {
  if (name.empty()) return error(errc::store_invalid_name, error::npos, "repository name: empty");
  std::string probe = "localhost/";
  probe += name;
  auto r = parse_reference(probe);
  if (!r) return std::move(r).error().shifted(0);
  if (r->path() != name || r->has_tag() || r->has_digest()) {
    return error(errc::store_invalid_name, error::npos,
                 "repository name '" + std::string(name) +
                     "': only lowercase letters, digits and the separators '.', '_', '__', '-' "
                     "and '/'");
  }
  return {};
}

/// Checks a tag: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
inline result<void> check_tag(std::string_view tag) {
  if (auto e = ocikit::detail::check_tag(tag)) return *e;
  return {};
}

/// Parses what a registry operation addresses:
///   REPO[:TAG], REPO@DIGEST, REPO:TAG@DIGEST, and each of them behind `login_server/`.
/// A first component that names a host (it has '.' or ':' or is "localhost") other than
/// `login_server` is refused with store.wrong_registry naming both. When `default_tag` is set
/// and neither tag nor digest is given, the tag is "latest"; else the target is the repository.
/// Example: parse_target("localhost/a/b", "localhost") -> {repository "a/b", tag "latest"}.
inline result<target> parse_target(std::string_view text, std::string_view login_server,
                                   bool default_tag = true) {
  std::string_view rest = text;
  const std::size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view first = text.substr(0, slash);
    if (first == login_server) {
      rest = text.substr(slash + 1);
    } else if (detail::looks_like_host(first)) {
      return error(errc::store_wrong_registry, error::npos,
                   "'" + std::string(text) + "' names the registry '" + std::string(first) +
                       "', but this store's login server is '" + std::string(login_server) + "'");
    }
  }
  if (rest.empty()) return error(errc::reference_empty, 0);
  // The remainder is parsed behind a host of our own, so that its first component is a path.
  std::string probe = "localhost/";
  probe += rest;
  auto r = parse_reference(probe);
  if (!r) {
    const std::size_t shift = text.size() - rest.size();
    error e = std::move(r).error();
    if (e.has_offset()) {
      e = e.offset() >= 10 ? std::move(e).shifted(shift - 10) : std::move(e).shifted(0);
    }
    return e;
  }
  target t;
  t.repository = std::string(r->path());
  if (auto ok = check_repository(t.repository); !ok) return ok.error();
  t.tag = std::string(r->tag());
  if (r->has_digest()) {
    auto d = ocikit::digest::parse(r->digest());
    if (!d) return d.error();
    t.digest = std::move(*d);
  }
  if (default_tag && t.tag.empty() && !t.digest) t.tag = std::string(ocikit::default_tag);
  return t;
}

/// What a blob push should check. Both are optional: without them the content is stored under
/// the digest it hashes to.
struct blob_expectation {
  std::optional<ocikit::digest> digest;  ///< the digest the content must have
  std::int64_t size = -1;                ///< the size it must have (-1: any)
  /// The algorithm that names the content when no digest is expected.
  digest_algorithm algorithm = digest_algorithm::sha256;
};

/// A stored blob.
struct blob_info {
  ocikit::digest digest;  ///< "sha256:…"
  std::int64_t size = 0;  ///< bytes
  bool existed = false;   ///< true when the store had it already (nothing new was written)
  friend bool operator==(const blob_info&, const blob_info&) = default;
};

/// A reader of one blob that verifies it: the read that reaches the end fails with
/// store.digest_mismatch or store.size_mismatch when the bytes are not the blob's.
class blob_reader : public byte_source {
 public:
  /// The blob's digest and size as the registry knows them.
  [[nodiscard]] virtual const blob_info& info() const noexcept = 0;
  /// Copies the rest of the blob to `out`, verified as read() verifies it (the error comes at
  /// the end, after `out` got the bytes); the number of bytes copied. A reader may move the
  /// bytes more directly than through read(): the embedded store's copies its file to a sink
  /// with a native_handle() in the kernel and hashes the file beside.
  virtual result<std::uint64_t> copy_to(byte_sink& out) { return copy(*this, out); }
};

/// A manifest pulled with its exact bytes.
struct pulled_manifest {
  ocikit::descriptor descriptor;  ///< mediaType, digest (of `bytes`), size, artifactType
  std::string bytes;              ///< exactly as pushed
};

/// Options of push_manifest.
struct push_manifest_options {
  /// The media type the sender declares (an HTTP Content-Type; empty: none). The document must
  /// be of that kind.
  std::string media_type;
};

/// Azure's changeable attributes of a repository, a manifest or a tag (docs/store.md,
/// "Locks"): writeEnabled false forbids overwrite and delete, deleteEnabled false forbids
/// delete; readEnabled and listEnabled false hide the item from pulls and listings.
struct changeable_attributes {
  bool delete_enabled = true;  ///< `deleteEnabled`
  bool write_enabled = true;   ///< `writeEnabled`
  bool read_enabled = true;    ///< `readEnabled`
  bool list_enabled = true;    ///< `listEnabled`
  friend bool operator==(const changeable_attributes&, const changeable_attributes&) = default;
};

/// A change of changeable attributes: only the given ones change.
struct attribute_update {
  std::optional<bool> delete_enabled{};
  std::optional<bool> write_enabled{};
  std::optional<bool> read_enabled{};
  std::optional<bool> list_enabled{};
};

/// One manifest of a repository as `az acr manifest list-metadata` shows it.
struct manifest_metadata {
  ocikit::digest digest;          ///< `digest`
  std::vector<std::string> tags;  ///< `tags`, sorted; empty when untagged
  std::string timestamp;          ///< `timestamp`: RFC 3339 UTC, the last push or tag change
  std::string created_time;       ///< `createdTime`: the first push
  std::string last_update_time;   ///< `lastUpdateTime` (== timestamp)
  std::int64_t image_size = 0;    ///< `imageSize`: the manifest, its config and its layers
  std::string media_type;         ///< `mediaType`
  std::string artifact_type;      ///< `artifactType` ("" when none)
  std::string config_media_type;  ///< `configMediaType` ("" for an index)
  std::string architecture;       ///< `architecture` (from the config, "" when it does not say)
  std::string os;                 ///< `os` (from the config, "" when it does not say)
  std::optional<ocikit::digest> subject;  ///< the `subject` of a referrer
  changeable_attributes attributes;       ///< `changeableAttributes`
  friend bool operator==(const manifest_metadata&, const manifest_metadata&) = default;
};

/// Order of list_metadata: by timestamp, newest or oldest first (then by digest).
enum class metadata_order : std::uint8_t { time_desc, time_asc };

/// Options of list_metadata.
struct list_metadata_options {
  bool untagged_only = false;  ///< only manifests without tags
  metadata_order order = metadata_order::time_desc;
};

/// What a delete removed (or, for a dry run, would remove).
struct delete_report {
  std::vector<ocikit::digest> manifests;  ///< the manifest, then its referrers
  std::vector<std::string> tags;          ///< every tag that went with them
};

/// What every backend checks before a manifest push, so that a refused push sends and writes
/// nothing: the repository name and tag, the document parsed as `options.media_type` says and
/// validated (store.manifest_invalid listing every error-severity problem), and `where.digest`
/// (hashed with its algorithm) against the bytes (store.digest_mismatch).
/// Example: `auto parsed = check_manifest_push(where, bytes, options); if (!parsed) return ...`
inline result<parsed_manifest> check_manifest_push(const target& where, std::string_view bytes,
                                                   const push_manifest_options& options = {}) {
  if (auto ok = check_repository(where.repository); !ok) return ok.error();
  if (!where.tag.empty()) {
    if (auto ok = check_tag(where.tag); !ok) return ok.error();
  }
  manifest_parse_options po;
  po.expected_media_type = options.media_type;
  po.reject_invalid = false;
  if (where.digest) {
    if (auto alg = where.digest->known_algorithm()) po.hash_algorithm = *alg;
  }
  auto parsed = parse_manifest(bytes, po);
  if (!parsed) {
    return error(errc::store_manifest_invalid, error::npos,
                 std::string(parsed.error().id()) + ": " + parsed.error().message());
  }
  if (!parsed->valid()) {
    std::string text;
    for (const problem& p : parsed->problems) {
      if (p.severity != severity::error) continue;
      if (!text.empty()) text += "; ";
      text += p.error.id();
      text += ": ";
      text += p.error.message();
    }
    return error(errc::store_manifest_invalid, error::npos, std::move(text));
  }
  if (where.digest && *where.digest != parsed->digest) {
    return error(
        errc::store_digest_mismatch, error::npos,
        "the reference names " + where.digest->str() + ", the bytes are " + parsed->digest.str());
  }
  return parsed;
}

/// The descriptor a registry reports for a manifest: its mediaType (the document's own, else its
/// kind's), digest, size and artifactType (referrer_descriptor's rule), no annotations.
inline descriptor manifest_descriptor(const parsed_manifest& parsed) {
  descriptor d = referrer_descriptor(parsed);
  d.annotations.clear();
  if (!parsed.manifest.media_type().empty()) d.media_type = parsed.manifest.media_type();
  return d;
}

/// A registry: one login server, repositories of manifests and tags, blobs stored once.
class registry {
 public:
  registry() = default;
  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;
  registry(registry&&) = default;
  registry& operator=(registry&&) = default;
  virtual ~registry() = default;

  /// The login server name ("localhost", "myregistry.azurecr.io").
  [[nodiscard]] virtual std::string_view login_server() const noexcept = 0;

  /// parse_target with this registry's login server.
  [[nodiscard]] result<target> parse(std::string_view text, bool default_tag = true) const {
    return parse_target(text, login_server(), default_tag);
  }

  // --- blobs ---------------------------------------------------------------------------------

  /// Stores a blob from a stream, hashed while written and checked against `expected`;
  /// invisible until complete; stored once however many repositories use it. (The embedded
  /// store links it into the repository's layout when a manifest there references it; until
  /// then the repository does not serve it, and gc collects it when no manifest comes.)
  /// Refusals: store.digest_mismatch, store.size_mismatch, store.invalid_name, store.io.
  virtual result<blob_info> push_blob(std::string_view repository, byte_source& content,
                                      const blob_expectation& expected = {}) = 0;
  /// Makes a blob that `from_repository` of the same registry has available in `repository`
  /// without sending it (the distribution API's cross-repository mount). Returns the blob when
  /// it was mounted, std::nullopt when the registry cannot (the caller then pushes it), an error
  /// when the request failed. The default mounts nothing.
  virtual result<std::optional<blob_info>> mount_blob(std::string_view repository,
                                                      digest_view digest,
                                                      std::string_view from_repository) {
    (void)repository;
    (void)digest;
    (void)from_repository;
    return std::optional<blob_info>{};
  }
  /// The digest and size of a blob the repository has (store.not_found otherwise): one that a
  /// manifest of the repository references.
  virtual result<blob_info> stat_blob(std::string_view repository, digest_view digest) = 0;
  /// A verifying reader of a blob of the repository (store.not_found otherwise).
  virtual result<std::unique_ptr<blob_reader>> open_blob(std::string_view repository,
                                                         digest_view digest) = 0;
  /// Streams a blob to `out`, verified (store.digest_mismatch when the stored bytes are bad:
  /// `out` then has received them and the caller must discard them).
  result<blob_info> pull_blob(std::string_view repository, digest_view digest, byte_sink& out) {
    auto reader = open_blob(repository, digest);
    if (!reader) return reader.error();
    auto n = (*reader)->copy_to(out);
    if (!n) return n.error();
    return (*reader)->info();
  }

  // --- manifests -----------------------------------------------------------------------------

  /// Stores a manifest or an index from its exact bytes under `where` (a tag, which moves when
  /// it exists, or a digest the bytes must have). Validated with ocikit::parse_manifest; every
  /// blob and child manifest it references must be in the repository's registry (a `subject`
  /// may be missing). Returns its descriptor.
  /// Refusals: store.manifest_invalid (the problems listed), store.blob_missing,
  /// store.manifest_missing, store.digest_mismatch, store.locked, store.io.
  virtual result<ocikit::descriptor> push_manifest(const target& where, std::string_view bytes,
                                                   const push_manifest_options& options = {}) = 0;
  result<ocikit::descriptor> push_manifest(std::string_view reference, std::string_view bytes,
                                           const push_manifest_options& options = {}) {
    auto t = parse(reference);
    if (!t) return t.error();
    return push_manifest(*t, bytes, options);
  }

  /// The descriptor (mediaType, digest, size, artifactType) a tag or digest resolves to.
  virtual result<ocikit::descriptor> resolve(const target& what) = 0;
  result<ocikit::descriptor> resolve(std::string_view reference) {
    auto t = parse(reference);
    if (!t) return t.error();
    return resolve(*t);
  }

  /// A manifest's exact bytes, verified against its digest.
  virtual result<pulled_manifest> pull_manifest(const target& what) = 0;
  result<pulled_manifest> pull_manifest(std::string_view reference) {
    auto t = parse(reference);
    if (!t) return t.error();
    return pull_manifest(*t);
  }

  /// Points `new_tag` of the same repository at the manifest `source` resolves to (a tag that
  /// exists moves, its old manifest stays untagged). Returns the manifest's descriptor.
  virtual result<ocikit::descriptor> tag(const target& source, std::string_view new_tag) = 0;
  /// Removes a tag; the manifest stays (untagged when it was its last tag).
  virtual result<void> untag(std::string_view repository, std::string_view tag) = 0;

  // --- listings ------------------------------------------------------------------------------

  /// Every repository, sorted.
  virtual result<std::vector<std::string>> list_repositories() = 0;
  /// Every tag of a repository, sorted.
  virtual result<std::vector<std::string>> list_tags(std::string_view repository) = 0;
  /// Every manifest of a repository, untagged ones included (see manifest_metadata).
  virtual result<std::vector<manifest_metadata>> list_metadata(
      std::string_view repository, const list_metadata_options& options = {}) = 0;
  /// The manifests of the repository whose `subject` is `subject`, as the referrers API answers:
  /// an OCI image index of their descriptors (with artifactType and annotations), filtered by
  /// artifact type when `artifact_type` is not empty.
  virtual result<image_index> referrers(std::string_view repository, digest_view subject,
                                        std::string_view artifact_type = {}) = 0;

  // --- deletes -------------------------------------------------------------------------------

  /// Deletes the manifest a tag or digest resolves to, with all its tags and its referrers
  /// (an index's children stay). `dry_run`: only report.
  virtual result<delete_report> delete_manifest(const target& what, bool dry_run = false) = 0;
  result<delete_report> delete_manifest(std::string_view reference, bool dry_run = false) {
    auto t = parse(reference);
    if (!t) return t.error();
    return delete_manifest(*t, dry_run);
  }
  /// Deletes a repository: its manifests and tags (not other repositories under its name).
  virtual result<delete_report> delete_repository(std::string_view repository,
                                                  bool dry_run = false) = 0;

  // --- changeable attributes (locks) ---------------------------------------------------------

  /// The attributes of a repository (target without tag and digest), a tag, or a manifest
  /// (a digest).
  virtual result<changeable_attributes> get_attributes(const target& what) = 0;
  /// Changes them; returns the new attributes.
  virtual result<changeable_attributes> set_attributes(const target& what,
                                                       const attribute_update& update) = 0;
};

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_REGISTRY_HPP
