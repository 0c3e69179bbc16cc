// A remote registry behind the store's interface (ocikit/store/registry.hpp): the OCI
// distribution API (distribution-spec v1.1) spoken to one registry host, so that the CLI and
// ocikit::copy_image talk to Docker Hub, ACR, Harbor or the CNCF registry as they talk to the
// embedded store.
//
//   ocikit::remote::remote_options              plain_http, tls (insecure, ca_file), authfile,
//                                               creds, chunk_size, the http client to share
//   ocikit::remote::remote_registry::open(domain, options)   -> result<unique_ptr<remote_registry>>
//   registry.login_server()                     the reference domain ("docker.io", "localhost:5000")
//   registry.origin()                           "https://registry-1.docker.io"
//   resolve / pull_manifest / push_manifest     manifests, exact bytes, every digest checked
//   stat_blob / open_blob / push_blob / mount_blob / delete_blob    blobs, streamed and verified
//   list_tags / list_repositories / referrers / list_metadata       listings, paginated
//   delete_manifest / tag                       what the API can do; untag, delete_repository
//                                               and the attributes are remote.unsupported
//   ocikit::remote::parse_link_next(header)     the `rel="next"` URL of a `Link` header
//   ocikit::remote::add_referrer(index, d)      the referrers tag schema's index, updated
//   ocikit::remote::filter_referrers(index, t)  an artifactType filter applied client side
//   ocikit::remote::parse_acr_manifests(body)   a page of Azure's /acr/v1/<repo>/_manifests
//   registry.has_acr_api()                      whether list_metadata found /acr/v1/ (once asked)
//
// Rules (shared/spec/distribution.md):
//   - resolve is a HEAD with the manifest Accept header; a registry that answers it without
//     `Docker-Content-Digest` is asked with a GET and the bytes are hashed;
//   - pull_manifest reads at most 4 MiB (more: remote.too_large), checks `Docker-Content-Digest`
//     and the requested digest against the bytes and `Content-Type` against the document;
//   - push_manifest validates the document first (store.manifest_invalid, nothing sent), sends it
//     with its media type, checks the digest the registry answers; a manifest with a `subject`
//     pushed to a registry that does not answer `OCI-Subject` is added to the referrers tag
//     schema's index (`sha256-<hex>`), as distribution-spec v1.1 asks of clients;
//   - open_blob returns a reader that verifies digest and size at the end (store.digest_mismatch,
//     store.size_mismatch) and resumes a broken transfer with `Range: bytes=<n>-` (up to 5 times);
//   - push_blob starts with one POST that is a mount from the repository itself: 201 means the
//     repository has the blob (existed = true; the source is not read), 202 gives the upload
//     session (a registry without mounts answers so too); a blob of known size then goes in one
//     PUT `?digest=` with the stream and Content-Length or, when its size is unknown or larger
//     than chunk_size, in chunks (PATCH with Content-Range, following each new Location); a blob whose digest is not expected is
//     hashed while it is sent and finished with the digest computed; the completing PUT is
//     never retried (a refusal, 4xx or 5xx, is reported at once);
//   - listings follow `Link: <…>; rel="next"` (and take a registry that ignores `n` and answers
//     everything at once); they are sorted and free of duplicates;
//   - list_metadata: Azure's `GET /acr/v1/<repo>/_manifests` when the registry has it (probed
//     once per object; untagged manifests and timestamps included), else derived from the tags
//     and manifests (untagged manifests invisible, no timestamps);
//   - referrers: the referrers API; 404 means none, and the `sha256-<hex>` index is read instead;
//     an artifactType filter the registry did not apply (`OCI-Filters-Applied`) is applied here;
//   - a 404 is store.not_found; other refusals carry the registry's error (remote.*);
//   - thread-safe: copy_image pushes blobs from several threads through one object.
//
// Example:
//   auto r = ocikit::remote::remote_registry::open("localhost:5000", {.plain_http = true});
//   auto d = (*r)->resolve("localhost:5000/app:v1");
//   auto tags = (*r)->list_tags("app");
#ifndef OCIKIT_REMOTE_REMOTE_REGISTRY_HPP
#define OCIKIT_REMOTE_REMOTE_REGISTRY_HPP

#include <boost/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/detail/ascii.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/distribution.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/index.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/remote/credentials.hpp"
#include "ocikit/remote/http.hpp"
#include "ocikit/remote/registry_error.hpp"
#include "ocikit/remote/session.hpp"
#include "ocikit/store/registry.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::remote {

/// How a remote registry is reached.
struct remote_options {
  /// http instead of https (a registry on loopback without TLS).
  bool plain_http = false;
  /// Certificate checks: `insecure`, an extra `ca_file`.
  tls_options tls{};
  /// The credentials file (`--authfile`); empty: $DOCKER_CONFIG/config.json, else
  /// ~/.docker/config.json (default_config_path()).
  std::string authfile{};
  /// Credentials to use instead of the file's (none: the file's, else anonymous).
  std::optional<credentials> creds{};
  /// Blobs of known size larger than this are sent in chunks of this size (0: never; a blob of
  /// unknown size always goes in chunks, of this size or 8 MiB).
  std::int64_t chunk_size = 0;
  /// The client to share (e.g. with another registry object, or one made with other timeouts
  /// and retries); none: a new one with the default client_options and `tls`.
  std::shared_ptr<http_client> shared_client{};
};

/// The chunk size of an upload whose size is unknown, when remote_options::chunk_size is 0.
inline constexpr std::int64_t default_chunk_size = std::int64_t{8} << 20;
/// How often a blob download resumes after a broken connection.
inline constexpr int max_resumes = 5;

namespace detail {

/// `s` without the spaces and tabs around it.
constexpr std::string_view trim_ows(std::string_view s) noexcept {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace detail

/// The URL of the `rel="next"` link of a `Link` header (RFC 8288), as registries paginate:
/// `</v2/_catalog?last=b&n=2>; rel="next"`. Several links may be separated by ','; the relation
/// may be quoted or not and be one of several (`rel="next last"`). Empty when there is none.
/// Example: `parse_link_next("</v2/a/tags/list?n=2&last=b>; rel=\"next\"") == "/v2/a/tags/list?n=2&last=b"`
[[nodiscard]] inline std::string parse_link_next(std::string_view header) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    const std::size_t open = header.find('<', pos);
    if (open == std::string_view::npos) return {};
    const std::size_t close = header.find('>', open + 1);
    if (close == std::string_view::npos) return {};
    const std::string_view target = header.substr(open + 1, close - open - 1);
    // The parameters run to the next link ("," followed by "<") or the end.
    std::size_t end = header.find('<', close + 1);
    if (end == std::string_view::npos) end = header.size();
    std::string_view params = header.substr(close + 1, end - close - 1);
    pos = end;
    while (!params.empty()) {
      const std::size_t semi = params.find(';');
      std::string_view p = params.substr(0, semi);
      params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
      p = detail::trim_ows(p);
      const std::size_t eq = p.find('=');
      if (eq == std::string_view::npos) continue;
      if (!ocikit::detail::equals_lower(detail::trim_ows(p.substr(0, eq)), "rel")) continue;
      std::string_view v = detail::trim_ows(p.substr(eq + 1));
      while (!v.empty() && (v.back() == ',' || v.back() == ' ')) v.remove_suffix(1);
      if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
      // A relation list: space separated, case-insensitive.
      while (!v.empty()) {
        const std::size_t sp = v.find(' ');
        if (ocikit::detail::equals_lower(v.substr(0, sp), "next")) return std::string(target);
        v = sp == std::string_view::npos ? std::string_view() : v.substr(sp + 1);
      }
    }
  }
  return {};
}

/// Adds the descriptor of a referrer to an index of the referrers tag schema, replacing an entry
/// of the same digest; returns false when the index listed it already unchanged (nothing to
/// push). The index gets the OCI index media type when it has none.
/// Example: `if (add_referrer(idx, referrer_descriptor(parsed))) push(serialize(idx));`
inline bool add_referrer(image_index& index, const descriptor& d) {
  if (index.media_type.empty()) index.media_type = media_types::oci_index;
  for (descriptor& e : index.manifests) {
    if (e.digest != d.digest) continue;
    if (e == d) return false;
    e = d;
    return true;
  }
  index.manifests.push_back(d);
  return true;
}

/// Keeps the entries of a referrers index whose artifactType is `artifact_type` (all when it is
/// empty). Example: `filter_referrers(idx, "application/vnd.cncf.notary.signature")`
inline void filter_referrers(image_index& index, std::string_view artifact_type) {
  if (artifact_type.empty()) return;
  std::erase_if(index.manifests,
                [&](const descriptor& d) { return d.artifact_type != artifact_type; });
}

/// The manifests of one page of Azure Container Registry's `GET /acr/v1/<repo>/_manifests`
/// (`{"registry","imageName","manifests":[{"digest","imageSize","createdTime","lastUpdateTime",
/// "architecture","os","mediaType","configMediaType","tags":[…],"changeableAttributes":{…}}]}`)
/// as list-metadata entries: timestamp = lastUpdateTime (else createdTime), tags sorted (none:
/// untagged), members the page lacks left empty. Errors: remote.protocol when the body is not
/// such a document or a digest does not parse.
/// Example: `parse_acr_manifests(R"({"manifests":[{"digest":"sha256:…","tags":["v1"]}]})")`
inline result<std::vector<store::manifest_metadata>> parse_acr_manifests(std::string_view body) {
  const auto bad = [](const std::string& why) {
    return error(errc::remote_protocol, error::npos, "the /acr/v1/ manifest list " + why);
  };
  boost::system::error_code ec;
  const boost::json::value doc = boost::json::parse(body, ec);
  const boost::json::object* top = ec ? nullptr : doc.if_object();
  if (top == nullptr) return bad("is not a JSON object");
  std::vector<store::manifest_metadata> out;
  const boost::json::value* list = top->if_contains("manifests");
  if (list == nullptr || list->is_null()) return out;
  if (!list->is_array()) return bad("has a 'manifests' that is not an array");
  const auto text = [](const boost::json::object& o, std::string_view k) {
    const boost::json::value* v = o.if_contains(k);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  for (const boost::json::value& v : list->as_array()) {
    const boost::json::object* o = v.if_object();
    if (o == nullptr) return bad("has an entry that is not an object");
    store::manifest_metadata m;
    auto d = ocikit::digest::parse(text(*o, "digest"));
    if (!d) return bad("has an entry without a valid digest ('" + text(*o, "digest") + "')");
    m.digest = std::move(*d);
    if (const auto* tags = o->if_contains("tags"); tags != nullptr && !tags->is_null()) {
      if (!tags->is_array()) return bad("has 'tags' that are not an array");
      for (const auto& t : tags->as_array()) {
        if (!t.is_string()) return bad("has a tag that is not a string");
        m.tags.emplace_back(t.as_string());
      }
      std::sort(m.tags.begin(), m.tags.end());
    }
    m.created_time = text(*o, "createdTime");
    m.last_update_time = text(*o, "lastUpdateTime");
    m.timestamp = m.last_update_time.empty() ? m.created_time : m.last_update_time;
    if (const auto* size = o->if_contains("imageSize"); size != nullptr) {
      if (size->is_int64()) m.image_size = size->as_int64();
      if (size->is_uint64()) m.image_size = static_cast<std::int64_t>(size->as_uint64());
    }
    m.media_type = text(*o, "mediaType");
    m.artifact_type = text(*o, "artifactType");
    m.config_media_type = text(*o, "configMediaType");
    m.architecture = text(*o, "architecture");
    m.os = text(*o, "os");
    if (const auto* a = o->if_contains("changeableAttributes"); a != nullptr && a->is_object()) {
      const auto flag = [&](std::string_view k, bool& to) {
        if (const auto* b = a->as_object().if_contains(k); b != nullptr && b->is_bool()) {
          to = b->as_bool();
        }
      };
      flag("deleteEnabled", m.attributes.delete_enabled);
      flag("writeEnabled", m.attributes.write_enabled);
      flag("readEnabled", m.attributes.read_enabled);
      flag("listEnabled", m.attributes.list_enabled);
    }
    out.push_back(std::move(m));
  }
  return out;
}

namespace detail {

/// Whether a non-200 answer to an API probe (`/acr/v1/…`) still shows the API is there: a 404
/// that carries the registry's NAME_UNKNOWN (an unknown repository), or any status but 400,
/// 404, 405 and 501 (no such route).
inline bool registry_knows_api(const response& r) {
  if (r.status == 404) {
    const auto errors = parse_registry_errors(r.body);
    return std::any_of(errors.begin(), errors.end(),
                       [](const registry_error& e) { return e.code == "NAME_UNKNOWN"; });
  }
  return r.status != 400 && r.status != 405 && r.status != 501;
}

/// True when the `OCI-Filters-Applied` header lists `artifactType`.
inline bool filter_applied(std::string_view header) {
  while (!header.empty()) {
    const std::size_t comma = header.find(',');
    if (detail::trim_ows(header.substr(0, comma)) == "artifactType") return true;
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
  }
  return false;
}

/// The refusal of an unexpected response (error_from_response: 404 is store.not_found, the
/// registry's DIGEST_INVALID store.digest_mismatch ...).
inline error refusal(const response& r, const std::string& what) {
  return error_from_response(r, what);
}

/// The number of a `Content-Length` header (-1 when absent or malformed).
inline std::int64_t content_length(const response& r) {
  const std::string_view v = r.headers.get("Content-Length");
  if (v.empty() || v.size() > 18) return -1;
  std::int64_t n = 0;
  for (const char c : v) {
    if (c < '0' || c > '9') return -1;
    n = n * 10 + (c - '0');
  }
  return n;
}

/// A verifier error as a blob reader reports it (store.digest_mismatch, store.size_mismatch).
inline error as_store_error(const error& e, std::string_view what) {
  if (e.code() == errc::content_digest_mismatch) {
    return error(errc::store_digest_mismatch, error::npos,
                 std::string(e.detail()) + " (" + std::string(what) + ")");
  }
  if (e.code() == errc::content_size_mismatch) {
    return error(errc::store_size_mismatch, error::npos,
                 std::string(e.detail()) + " (" + std::string(what) + ")");
  }
  return e;
}

/// A byte source that hashes what it passes on and stops after `limit` bytes (-1: no limit).
class hashing_source : public store::byte_source {
 public:
  hashing_source(store::byte_source& in, hasher& h) noexcept : in_(in), h_(h) {}
  void set_limit(std::int64_t limit) noexcept { limit_ = limit; }
  result<std::size_t> read(std::span<std::byte> buffer) override {
    if (limit_ == 0) return std::size_t{0};
    if (limit_ > 0 && buffer.size() > static_cast<std::size_t>(limit_)) {
      buffer = buffer.first(static_cast<std::size_t>(limit_));
    }
    auto n = in_.read(buffer);
    if (!n) return n.error();
    h_.update(std::span<const std::byte>(buffer.data(), *n));
    if (limit_ > 0) limit_ -= static_cast<std::int64_t>(*n);
    total_ += *n;
    return *n;
  }
  [[nodiscard]] std::uint64_t total() const noexcept { return total_; }

 private:
  store::byte_source& in_;
  hasher& h_;
  std::int64_t limit_ = -1;
  std::uint64_t total_ = 0;
};

}  // namespace detail

/// A registry reached over the distribution API (see the top of this file).
class remote_registry : public store::registry {
 public:
  /// Opens the registry of a reference domain ("docker.io", "ghcr.io", "localhost:5000"): no
  /// request is sent yet. The credentials come from options.creds, else the auth file (a file
  /// that cannot be read is remote.credentials).
  /// Example: `auto r = remote_registry::open("127.0.0.1:5000", {.plain_http = true});`
  static result<std::unique_ptr<remote_registry>> open(std::string_view domain,
                                                       const remote_options& options = {}) {
    if (domain.empty()) {
      return error(errc::remote_url_invalid, error::npos, "empty registry domain");
    }
    std::unique_ptr<remote_registry> r(new remote_registry());
    r->domain_ = std::string(domain);
    r->host_ = std::string(distribution::registry_host(domain));
    r->plain_http_ = options.plain_http;
    r->chunk_size_ = options.chunk_size;
    const std::string origin = (options.plain_http ? "http://" : "https://") + r->host_;
    if (auto u = url::parse(origin + "/v2/"); !u) return u.error();
    credentials creds;
    if (options.creds) {
      creds = *options.creds;
    } else {
      auto file = auth_file::load(default_config_path(options.authfile));
      if (!file) return file.error();
      auto found = file->find(r->domain_);
      if (!found) return found.error();
      creds = std::move(*found);
    }
    std::shared_ptr<http_client> client = options.shared_client;
    if (!client) {
      client_options co;
      co.tls = options.tls;
      client = std::make_shared<http_client>(std::move(co));
    }
    r->session_ = std::make_unique<session>(std::move(client), origin, std::move(creds));
    return r;
  }

  [[nodiscard]] std::string_view login_server() const noexcept override { return domain_; }
  /// `scheme://host[:port]` of the registry.
  [[nodiscard]] const std::string& origin() const noexcept { return session_->origin(); }
  /// The session (transport and tokens) requests go through.
  [[nodiscard]] remote::session& connection() noexcept { return *session_; }

  // --- blobs ---------------------------------------------------------------------------------

  result<store::blob_info> push_blob(std::string_view repository, store::byte_source& content,
                                     const store::blob_expectation& expected = {}) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    const std::string scope = push_scope(repository);
    std::optional<digest_view> known;
    if (expected.digest) known = expected.digest->view();
    auto started = start_upload(repository, scope, known);
    if (!started) return started.error();
    if (started->present) {
      return store::blob_info{*expected.digest, expected.size, true};
    }
    const std::string& location = started->location;
    std::int64_t size = expected.size >= 0 ? expected.size : content.size_hint();
    const bool chunked = !expected.digest || size < 0 || (chunk_size_ > 0 && size > chunk_size_);
    if (!chunked) return put_monolithic(repository, location, content, *expected.digest, size);
    return put_chunked(repository, location, content, expected);
  }

  result<std::optional<store::blob_info>> mount_blob(std::string_view repository,
                                                     digest_view digest,
                                                     std::string_view from_repository) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    if (auto ok = store::check_repository(from_repository); !ok) return ok.error();
    request rq;
    rq.method = "POST";
    rq.url = ep(repository).mount(digest.string(), from_repository);
    rq.headers.set("Content-Length", "0");
    rq.follow_redirects = false;
    auto r =
        session_->send(std::move(rq), push_scope(repository) + " " + pull_scope(from_repository));
    if (!r) return r.error();
    if (r->status == 201) {
      const std::int64_t size = detail::content_length(*r);
      return std::optional<store::blob_info>(
          store::blob_info{ocikit::digest(digest), size > 0 ? size : 0, false});
    }
    if (r->status == 202) {
      // Not mounted: the registry started an upload instead; cancel it.
      if (auto loc = location_of(repository, *r)) cancel_upload(repository, *loc);
      return std::optional<store::blob_info>{};
    }
    return detail::refusal(
        *r, "blob " + std::string(digest.string()) + " in '" + std::string(from_repository) + "'");
  }

  result<store::blob_info> stat_blob(std::string_view repository, digest_view digest) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    auto r = blob_head(repository, digest, pull_scope(repository));
    if (!r) return r.error();
    if (r->status != 200) return detail::refusal(*r, blob_name(repository, digest));
    return store::blob_info{ocikit::digest(digest), detail::content_length(*r), true};
  }

  result<std::unique_ptr<store::blob_reader>> open_blob(std::string_view repository,
                                                        digest_view digest) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    auto v = verifier::create(digest);
    if (!v) return v.error();
    auto reader = std::make_unique<blob_stream>(*this, std::string(repository),
                                                ocikit::digest(digest), std::move(*v));
    if (auto o = reader->start(); !o) return o.error();
    return std::unique_ptr<store::blob_reader>(std::move(reader));
  }

  /// Deletes a blob (`DELETE /v2/<name>/blobs/<digest>`); remote.unsupported when the registry
  /// does not allow deletes.
  result<void> delete_blob(std::string_view repository, digest_view digest) {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    request rq;
    rq.method = "DELETE";
    rq.url = ep(repository).blob(digest.string());
    auto r = session_->send(std::move(rq), delete_scope(repository));
    if (!r) return r.error();
    if (r->status != 202 && r->status != 200) {
      return detail::refusal(*r, blob_name(repository, digest));
    }
    return {};
  }

  // --- manifests -----------------------------------------------------------------------------

  using store::registry::push_manifest;
  result<descriptor> push_manifest(const store::target& where, std::string_view bytes,
                                   const store::push_manifest_options& options = {}) override {
    auto parsed = store::check_manifest_push(where, bytes, options);
    if (!parsed) return parsed.error();
    const descriptor d = store::manifest_descriptor(*parsed);
    auto put = put_manifest(where.repository, where.tag.empty() ? parsed->digest.str() : where.tag,
                            bytes, d.media_type, parsed->digest);
    if (!put) return put.error();
    if (const descriptor* subject = parsed->manifest.subject();
        subject != nullptr && put->headers.get("OCI-Subject").empty()) {
      if (auto r = index_referrer(where.repository, subject->digest, *parsed); !r) {
        return r.error();
      }
    }
    return d;
  }

  using store::registry::resolve;
  result<descriptor> resolve(const store::target& what) override {
    if (auto ok = store::check_repository(what.repository); !ok) return ok.error();
    request rq;
    rq.method = "HEAD";
    rq.url = ep(what.repository).manifest(reference_of(what));
    rq.headers.set("Accept", std::string(distribution::manifest_accept));
    auto r = session_->send(std::move(rq), pull_scope(what.repository));
    if (!r) return r.error();
    if (r->status != 200) return detail::refusal(*r, "manifest " + what.string());
    const std::string_view header = r->headers.get("Docker-Content-Digest");
    const std::int64_t size = detail::content_length(*r);
    auto header_digest = ocikit::digest::parse(header);
    if (header.empty() || !header_digest || size < 0) {
      auto m = pull_manifest(what);
      if (!m) return m.error();
      return std::move(m->descriptor);
    }
    if (what.digest && *header_digest != *what.digest) {
      return error(errc::store_digest_mismatch, error::npos,
                   "requested " + what.digest->str() +
                       ", the registry's Docker-Content-Digest is " + header_digest->str());
    }
    descriptor d;
    d.media_type = strip_parameters(r->headers.get("Content-Type"));
    d.digest = std::move(*header_digest);
    d.size = size;
    return d;
  }

  using store::registry::pull_manifest;
  result<store::pulled_manifest> pull_manifest(const store::target& what) override {
    if (auto ok = store::check_repository(what.repository); !ok) return ok.error();
    const std::string name = "manifest " + what.string();
    request rq;
    rq.method = "GET";
    rq.url = ep(what.repository).manifest(reference_of(what));
    rq.headers.set("Accept", std::string(distribution::manifest_accept));
    auto r = session_->send(std::move(rq), pull_scope(what.repository), default_max_body);
    if (!r) return r.error();
    if (r->status != 200) return detail::refusal(*r, name);
    const std::string_view header = r->headers.get("Docker-Content-Digest");
    if (auto c = distribution::check_content_digest(
            header, r->body, what.digest ? std::string_view(what.digest->text()) : "");
        !c) {
      return detail::as_store_error(c.error(), name);
    }
    if (auto c = distribution::check_content_type(r->headers.get("Content-Type"), r->body); !c) {
      return error(errc::remote_protocol, error::npos,
                   name + ": " + std::string(c.error().id()) + ": " + c.error().message());
    }
    digest_algorithm alg = digest_algorithm::sha256;
    if (what.digest) {
      if (auto a = what.digest->known_algorithm()) alg = *a;
    } else if (auto hd = ocikit::digest::parse(header)) {
      if (auto a = hd->known_algorithm()) alg = *a;
    }
    auto parsed = ocikit::detail::read_structure(r->body, {}, alg);
    if (!parsed) return parsed.error();
    store::pulled_manifest out;
    out.descriptor = store::manifest_descriptor(*parsed);
    out.bytes = std::move(r->body);
    return out;
  }

  /// Pushes the manifest `source` resolves to once more under `new_tag` (the API has no tag
  /// operation).
  result<descriptor> tag(const store::target& source, std::string_view new_tag) override {
    if (auto ok = store::check_tag(new_tag); !ok) return ok.error();
    auto m = pull_manifest(source);
    if (!m) return m.error();
    auto put = put_manifest(source.repository, new_tag, m->bytes, m->descriptor.media_type,
                            m->descriptor.digest);
    if (!put) return put.error();
    return std::move(m->descriptor);
  }

  result<void> untag(std::string_view repository, std::string_view tag) override {
    return unsupported("untag " + std::string(repository) + ":" + std::string(tag) +
                       ": the distribution API cannot remove a tag alone (delete the manifest)");
  }

  // --- listings ------------------------------------------------------------------------------

  result<std::vector<std::string>> list_repositories() override {
    return paged_list(ep_origin() + "/v2/_catalog?n=1000", std::string(catalog_scope),
                      "repositories", "the catalog");
  }

  result<std::vector<std::string>> list_tags(std::string_view repository) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    return paged_list(ep(repository).tags(1000), pull_scope(repository), "tags",
                      "repository '" + std::string(repository) + "'");
  }

  /// The repository's manifests as the store's list-metadata reports them. From Azure Container
  /// Registry's `GET /acr/v1/<repo>/_manifests` when the registry answers it (every manifest,
  /// untagged ones too, with createdTime / lastUpdateTime; probed once per registry object: a
  /// 404 that is not the registry's NAME_UNKNOWN, or a 401/403 the session cannot answer, means
  /// the API is not there). Otherwise derived from what the distribution API can tell: one entry
  /// per tagged manifest (HEAD each tag, GET each manifest and its config for os/architecture);
  /// untagged manifests are invisible and timestamps are empty. Sorted as options.order says
  /// (by timestamp, then by digest).
  result<std::vector<store::manifest_metadata>> list_metadata(
      std::string_view repository, const store::list_metadata_options& options = {}) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    auto acr = acr_metadata(repository);
    if (!acr) return acr.error();
    std::vector<store::manifest_metadata> out;
    if (*acr) {
      out = std::move(**acr);
    } else if (!options.untagged_only) {  // the derivation sees tagged manifests only
      auto derived = derived_metadata(repository);
      if (!derived) return derived.error();
      out = std::move(*derived);
    }
    if (options.untagged_only) {
      std::erase_if(out, [](const store::manifest_metadata& m) { return !m.tags.empty(); });
    }
    const bool desc = options.order == store::metadata_order::time_desc;
    std::sort(out.begin(), out.end(), [desc](const auto& a, const auto& b) {
      if (a.timestamp != b.timestamp) {
        return desc ? a.timestamp > b.timestamp : a.timestamp < b.timestamp;
      }
      return a.digest < b.digest;
    });
    return out;
  }

  /// Whether list_metadata found Azure's `/acr/v1/` API: std::nullopt before it asked.
  [[nodiscard]] std::optional<bool> has_acr_api() const noexcept {
    const auto s = acr_state_.load();
    if (s == acr_api::unknown) return std::nullopt;
    return s == acr_api::present;
  }

  result<image_index> referrers(std::string_view repository, digest_view subject,
                                std::string_view artifact_type = {}) override {
    if (auto ok = store::check_repository(repository); !ok) return ok.error();
    request rq;
    rq.method = "GET";
    rq.url = ep(repository).referrers(subject.string(), artifact_type);
    rq.headers.set("Accept", std::string(media_types::oci_index));
    auto r = session_->send(std::move(rq), pull_scope(repository), default_max_body);
    if (!r) return r.error();
    image_index idx;
    bool filtered = false;
    if (r->status == 200) {
      auto parsed = read_index(r->body, "the referrers of " + std::string(subject.string()));
      if (!parsed) return parsed.error();
      idx = std::move(*parsed);
      filtered = detail::filter_applied(r->headers.get("OCI-Filters-Applied"));
    } else if (r->status == 404) {
      auto fallback = tag_schema_index(repository, subject);
      if (!fallback) return fallback.error();
      idx = std::move(*fallback);
    } else {
      return detail::refusal(*r, "the referrers of " + std::string(subject.string()));
    }
    if (idx.media_type.empty()) idx.media_type = media_types::oci_index;
    if (!filtered) filter_referrers(idx, artifact_type);
    return idx;
  }

  // --- deletes -------------------------------------------------------------------------------

  /// Deletes the manifest by digest (a tag is resolved first), its referrers before it, and the
  /// referrers tag schema's indexes of them (`sha256-<hex>`) before those. The report lists the
  /// manifests (the schema's indexes last) and the tags named, not other tags the registry
  /// dropped with them.
  using store::registry::delete_manifest;
  result<store::delete_report> delete_manifest(const store::target& what,
                                               bool dry_run = false) override {
    auto top = resolve(what);
    if (!top) return top.error();
    store::delete_report report;
    std::vector<ocikit::digest> order{top->digest};
    std::set<std::string> seen{top->digest.str()};
    for (std::size_t i = 0; i < order.size() && i < 10'000; ++i) {
      auto refs = referrers(what.repository, order[i].view());
      if (!refs) return refs.error();
      for (const descriptor& d : refs->manifests) {
        if (seen.insert(d.digest.str()).second) order.push_back(d.digest);
      }
    }
    // The referrers tag schema's indexes of what goes (`sha256-<hex>`) go too, first.
    std::vector<ocikit::digest> indexes;
    for (const ocikit::digest& d : order) {
      auto idx = resolve(store::target{what.repository, referrers_tag(d.view()), std::nullopt});
      if (idx) {
        indexes.push_back(idx->digest);
        report.tags.push_back(what.repository + ":" + referrers_tag(d.view()));
      } else if (idx.error().code() != errc::store_not_found) {
        return idx.error();
      }
    }
    report.manifests = order;
    report.manifests.insert(report.manifests.end(), indexes.begin(), indexes.end());
    if (!what.tag.empty())
      report.tags.insert(report.tags.begin(), what.repository + ":" + what.tag);
    if (dry_run) return report;
    // Referrers first, so that a failure leaves no referrer without its subject.
    order.insert(order.begin(), indexes.begin(), indexes.end());
    std::reverse(order.begin(), order.end());
    for (const ocikit::digest& d : order) {
      request rq;
      rq.method = "DELETE";
      rq.url = ep(what.repository).manifest(d.str());
      auto r = session_->send(std::move(rq), delete_scope(what.repository));
      if (!r) return r.error();
      if (r->status != 202 && r->status != 200) {
        return detail::refusal(*r, "manifest " + what.repository + "@" + d.str());
      }
    }
    return report;
  }

  result<store::delete_report> delete_repository(std::string_view repository,
                                                 bool dry_run = false) override {
    (void)dry_run;
    return unsupported("delete-repo " + std::string(repository) +
                       ": the distribution API has no repository delete");
  }

  result<store::changeable_attributes> get_attributes(const store::target& what) override {
    return unsupported("the changeable attributes of " + what.string() +
                       ": the distribution API has none");
  }
  result<store::changeable_attributes> set_attributes(const store::target& what,
                                                      const store::attribute_update&) override {
    return unsupported("the changeable attributes of " + what.string() +
                       ": the distribution API has none");
  }

 private:
  remote_registry() = default;

  static error unsupported(std::string what) {
    return {errc::remote_unsupported, error::npos, std::move(what)};
  }

  [[nodiscard]] distribution::endpoint ep(std::string_view repository) const {
    // The repository was checked: it is a valid path behind our domain.
    std::string ref = domain_ + "/" + std::string(repository);
    auto e = distribution::endpoint::of(ref, {.plain_http = plain_http_});
    return e.value();
  }
  [[nodiscard]] std::string ep_origin() const { return origin(); }

  static std::string reference_of(const store::target& what) {
    if (what.digest) return what.digest->str();
    return what.tag.empty() ? std::string(ocikit::default_tag) : what.tag;
  }
  static std::string blob_name(std::string_view repository, digest_view d) {
    return "blob " + std::string(d.string()) + " in repository '" + std::string(repository) + "'";
  }

  result<response> blob_head(std::string_view repository, digest_view d, const std::string& scope) {
    request rq;
    rq.method = "HEAD";
    rq.url = ep(repository).blob(d.string());
    return session_->send(std::move(rq), scope);
  }

  // The absolute URL of a response's Location (relative ones are taken against the origin).
  std::optional<std::string> location_of(std::string_view repository, const response& r) const {
    auto loc = distribution::resolve_location(ep(repository), r.headers.get("Location"));
    if (!loc) return std::nullopt;
    return std::move(*loc);
  }

  // Cancels an upload session (best effort, never retried: the registry would drop it later).
  void cancel_upload(std::string_view repository, const std::string& location) {
    request del;
    del.method = "DELETE";
    del.url = location;
    del.retry = false;
    del.follow_redirects = false;
    (void)session_->send(std::move(del), push_scope(repository));
  }

  struct upload_start {
    bool present = false;  // the repository has the blob (a mount from itself answered 201)
    std::string location;  // else: the upload session to send it to
  };

  // Starts an upload. With the digest known, the POST is a mount from the repository itself
  // (`?mount=<digest>&from=<repository>`): one request that answers 201 when the repository
  // has the blob, and otherwise 202 with an upload session, which is also what a registry
  // without mounts answers (distribution-spec v1.1). That saves the HEAD round trip per blob.
  result<upload_start> start_upload(std::string_view repository, const std::string& scope,
                                    std::optional<digest_view> have = std::nullopt) {
    request rq;
    rq.method = "POST";
    rq.url = have ? ep(repository).mount(have->string(), repository) : ep(repository).upload();
    rq.headers.set("Content-Length", "0");
    rq.follow_redirects = false;
    auto r = session_->send(std::move(rq), scope);
    if (!r) return r.error();
    if (have && r->status == 201) return upload_start{true, {}};
    if (r->status != 202)
      return detail::refusal(*r, "an upload to '" + std::string(repository) + "'");
    auto loc = location_of(repository, *r);
    if (!loc) {
      return error(
          errc::remote_protocol, error::npos,
          "the upload's Location '" + std::string(r->headers.get("Location")) + "' is not a URL");
    }
    return upload_start{false, std::move(*loc)};
  }

  result<store::blob_info> put_monolithic(std::string_view repository, const std::string& location,
                                          store::byte_source& content, const ocikit::digest& d,
                                          std::int64_t size) {
    request rq;
    rq.method = "PUT";
    rq.url = distribution::finish_upload(location, d.str());
    rq.headers.set("Content-Type", "application/octet-stream");
    rq.stream = &content;
    rq.content_length = size;
    rq.follow_redirects = false;
    rq.retry = false;  // the registry has judged the upload: its refusal stands
    auto r = session_->send(std::move(rq), push_scope(repository));
    if (!r) return r.error();
    if (r->status != 201) return detail::refusal(*r, blob_name(repository, d.view()));
    return store::blob_info{d, size, false};
  }

  result<store::blob_info> put_chunked(std::string_view repository, std::string location,
                                       store::byte_source& content,
                                       const store::blob_expectation& expected) {
    const std::string scope = push_scope(repository);
    const digest_algorithm alg = expected.digest && expected.digest->known_algorithm()
                                     ? *expected.digest->known_algorithm()
                                     : expected.algorithm;
    auto h = hasher::create(alg);
    if (!h) return h.error();
    detail::hashing_source hashed(content, *h);
    const std::int64_t chunk = chunk_size_ > 0 ? chunk_size_ : default_chunk_size;
    std::vector<std::byte> buffer(static_cast<std::size_t>(chunk));
    std::int64_t offset = 0;
    for (;;) {
      // A chunk in memory: its length must be known before it is sent (Content-Range).
      std::size_t filled = 0;
      while (filled < buffer.size()) {
        auto n = hashed.read(std::span<std::byte>(buffer).subspan(filled));
        if (!n) {
          cancel_upload(repository, location);
          return n.error();
        }
        if (*n == 0) break;
        filled += *n;
      }
      if (filled == 0) break;
      request rq;
      rq.method = "PATCH";
      rq.url = location;
      rq.headers.set("Content-Type", "application/octet-stream");
      rq.headers.set("Content-Range",
                     std::to_string(offset) + "-" +
                         std::to_string(offset + static_cast<std::int64_t>(filled) - 1));
      rq.body.assign(reinterpret_cast<const char*>(buffer.data()), filled);
      rq.follow_redirects = false;
      auto r = session_->send(std::move(rq), scope);
      if (!r) return r.error();
      if (r->status != 202)
        return detail::refusal(*r, "a chunk of an upload to '" + std::string(repository) + "'");
      if (auto loc = location_of(repository, *r)) location = std::move(*loc);
      offset += static_cast<std::int64_t>(filled);
      if (filled < buffer.size()) break;
    }
    auto computed = h->try_finish();
    if (!computed) return computed.error();
    const std::string what = blob_name(repository, computed->view());
    // The content is not what was expected: the session is dropped, nothing is completed.
    if (expected.size >= 0 && offset != expected.size) {
      cancel_upload(repository, location);
      return error(errc::store_size_mismatch, error::npos,
                   "expected " + std::to_string(expected.size) + " bytes, got " +
                       std::to_string(offset) + " (" + what + ")");
    }
    if (expected.digest && *expected.digest != *computed) {
      cancel_upload(repository, location);
      return error(errc::store_digest_mismatch, error::npos,
                   "expected " + expected.digest->str() + ", the content is " + computed->str());
    }
    request rq;
    rq.method = "PUT";
    rq.url = distribution::finish_upload(location, computed->str());
    rq.headers.set("Content-Length", "0");
    rq.follow_redirects = false;
    rq.retry = false;  // the registry has judged the upload: its refusal stands
    auto r = session_->send(std::move(rq), scope);
    if (!r) return r.error();
    if (r->status != 201) return detail::refusal(*r, what);
    return store::blob_info{std::move(*computed), offset, false};
  }

  result<response> put_manifest(std::string_view repository, std::string_view reference,
                                std::string_view bytes, std::string_view media_type,
                                const ocikit::digest& d) {
    request rq;
    rq.method = "PUT";
    rq.url = ep(repository).manifest(reference);
    rq.headers.set("Content-Type", std::string(media_type));
    rq.body = std::string(bytes);
    auto r = session_->send(std::move(rq), push_scope(repository));
    if (!r) return r.error();
    const std::string what = "manifest " + std::string(repository) +
                             (reference.starts_with("sha") ? "@" : ":") + std::string(reference);
    if (r->status != 201 && r->status != 200) return detail::refusal(*r, what);
    if (const std::string_view got = r->headers.get("Docker-Content-Digest"); !got.empty()) {
      if (got != d.text()) {
        return error(errc::store_digest_mismatch, error::npos,
                     what + ": sent " + d.str() + ", the registry's Docker-Content-Digest is " +
                         std::string(got));
      }
    }
    return r;
  }

  // An image index read from a response (the referrers API, the tag schema).
  static result<image_index> read_index(std::string_view body, const std::string& what) {
    auto parsed = ocikit::detail::read_structure(body);
    if (!parsed || parsed->kind != manifest_kind::oci_index) {
      return error(errc::remote_protocol, error::npos, what + ": not an OCI image index");
    }
    const auto* idx = parsed->manifest.get_if<image_index>();
    return *idx;
  }

  // The referrers tag schema's index of `subject` (empty when the tag does not exist).
  result<image_index> tag_schema_index(std::string_view repository, digest_view subject) {
    store::target t{std::string(repository), referrers_tag(subject), std::nullopt};
    auto m = pull_manifest(t);
    if (!m) {
      if (m.error().code() == errc::store_not_found) {
        image_index empty;
        empty.media_type = media_types::oci_index;
        return empty;
      }
      return m.error();
    }
    return read_index(m->bytes, "the referrers tag " + t.string());
  }

  // Adds a pushed referrer to its subject's tag schema index (fetch, add, push).
  result<void> index_referrer(std::string_view repository, const ocikit::digest& subject,
                              const parsed_manifest& referrer) {
    auto idx = tag_schema_index(repository, subject.view());
    if (!idx) return idx.error();
    if (!add_referrer(*idx, referrer_descriptor(referrer))) return {};
    const std::string bytes = serialize(*idx);
    auto h = hasher::create(digest_algorithm::sha256);
    if (!h) return h.error();
    h->update(bytes);
    auto d = h->try_finish();
    if (!d) return d.error();
    auto put =
        put_manifest(repository, referrers_tag(subject.view()), bytes, media_types::oci_index, *d);
    if (!put) return put.error();
    return {};
  }

  // Pages linked by `Link: <…>; rel="next"` from `next` on: `page(response)` takes each (false:
  // stop there). A link seen before ends the walk.
  template <class Page>
  result<void> for_each_page(std::string next, const std::string& scope, const std::string& what,
                             Page page) {
    std::set<std::string> visited;
    while (!next.empty()) {
      if (!visited.insert(next).second || visited.size() > 100'000) break;  // a loop
      request rq;
      rq.method = "GET";
      rq.url = next;
      auto r = session_->send(std::move(rq), scope, std::size_t{64} << 20);
      if (!r) return r.error();
      auto more = page(*r);
      if (!more) return more.error();
      if (!*more) break;
      const std::string link = parse_link_next(r->headers.get("Link"));
      if (link.empty()) break;
      if (link.starts_with("http://") || link.starts_with("https://")) {
        next = link;
      } else if (link.starts_with("/")) {
        next = origin() + link;
      } else {
        return error(errc::remote_protocol, error::npos,
                     what + ": a Link '" + link + "' that is not a URL");
      }
    }
    return {};
  }

  // The JSON object of a listing page (remote.protocol when it is not one).
  static result<boost::json::value> page_json(const response& r, const std::string& what) {
    boost::system::error_code ec;
    boost::json::value doc = boost::json::parse(r.body, ec);
    if (ec || !doc.is_object()) {
      return error(errc::remote_protocol, error::npos, what + ": the listing is not JSON");
    }
    return doc;
  }

  // A paginated listing: `{"<member>": [...]}` pages linked by `Link: <…>; rel="next"`.
  result<std::vector<std::string>> paged_list(std::string next, const std::string& scope,
                                              std::string_view member, const std::string& what) {
    std::set<std::string> all;
    auto walked =
        for_each_page(std::move(next), scope, what, [&](const response& r) -> result<bool> {
          if (r.status != 200) return detail::refusal(r, what);
          auto doc = page_json(r, what);
          if (!doc) return doc.error();
          const boost::json::object& obj = doc->as_object();
          if (const auto* list = obj.if_contains(member); list != nullptr && !list->is_null()) {
            if (!list->is_array()) {
              return error(errc::remote_protocol, error::npos,
                           what + ": '" + std::string(member) + "' is not an array");
            }
            for (const auto& v : list->as_array()) {
              if (!v.is_string()) {
                return error(errc::remote_protocol, error::npos,
                             what + ": '" + std::string(member) + "' has a non-string");
              }
              all.emplace(v.as_string());
            }
          }
          return true;
        });
    if (!walked) return walked.error();
    return std::vector<std::string>(all.begin(), all.end());
  }

  // list_metadata from tags and manifests (the distribution API alone).
  result<std::vector<store::manifest_metadata>> derived_metadata(std::string_view repository) {
    auto tags = list_tags(repository);
    if (!tags) return tags.error();
    std::map<std::string, store::manifest_metadata> by_digest;
    for (const std::string& t : *tags) {
      store::target what{std::string(repository), t, std::nullopt};
      auto d = resolve(what);
      if (!d) return d.error();
      auto& m = by_digest[d->digest.str()];
      if (m.tags.empty()) {
        what.digest = d->digest;
        what.tag.clear();
        if (auto r = describe(what, m); !r) return r.error();
      }
      m.tags.push_back(t);
    }
    std::vector<store::manifest_metadata> out;
    for (auto& [k, m] : by_digest) {
      std::sort(m.tags.begin(), m.tags.end());
      out.push_back(std::move(m));
    }
    return out;
  }

  // list_metadata from Azure's `GET /acr/v1/<repo>/_manifests` (Link pagination); std::nullopt
  // when the registry does not have that API (remembered for this object).
  result<std::optional<std::vector<store::manifest_metadata>>> acr_metadata(
      std::string_view repository) {
    using out_type = std::optional<std::vector<store::manifest_metadata>>;
    if (acr_state_.load() == acr_api::absent) return out_type{};
    const std::string what = "the manifests of '" + std::string(repository) + "' (/acr/v1/)";
    std::vector<store::manifest_metadata> all;
    bool absent = false;
    bool answered = false;
    auto walked =
        for_each_page(origin() + "/acr/v1/" + std::string(repository) + "/_manifests",
                      pull_scope(repository), what, [&](const response& r) -> result<bool> {
                        const bool first = !answered;
                        answered = true;
                        if (first && r.status != 200 && !detail::registry_knows_api(r)) {
                          absent = true;
                          return false;
                        }
                        if (r.status != 200) return detail::refusal(r, what);
                        auto page = parse_acr_manifests(r.body);
                        if (!page) {
                          return error(page.error().code(), error::npos,
                                       what + ": " + std::string(page.error().detail()));
                        }
                        for (auto& m : *page) all.push_back(std::move(m));
                        return true;
                      });
    if (!walked) {
      const errc c = walked.error().code();
      if (answered || (c != errc::remote_unauthorized && c != errc::remote_denied)) {
        return walked.error();
      }
      absent = true;  // a 401/403 the session could not answer on the probe: not this API
    }
    if (absent) {
      acr_state_.store(acr_api::absent);
      return out_type{};
    }
    acr_state_.store(acr_api::present);
    return out_type{std::move(all)};
  }

  // Fills a manifest_metadata from the manifest (and its config).
  result<void> describe(const store::target& what, store::manifest_metadata& m) {
    auto pulled = pull_manifest(what);
    if (!pulled) return pulled.error();
    auto parsed = parse_manifest(pulled->bytes, {.validate = false, .reject_invalid = false});
    if (!parsed) return parsed.error();
    m.digest = pulled->descriptor.digest;
    m.media_type = pulled->descriptor.media_type;
    m.artifact_type = std::string(parsed->manifest.artifact_type());
    m.image_size = pulled->descriptor.size;
    if (const descriptor* s = parsed->manifest.subject()) m.subject = s->digest;
    const descriptor* config = parsed->manifest.config();
    for (const descriptor& l : parsed->manifest.layers()) m.image_size += l.size;
    if (config == nullptr) return {};
    m.image_size += config->size;
    m.config_media_type = config->media_type;
    const bool image_config = config->media_type == media_types::oci_config ||
                              config->media_type == media_types::docker_config;
    if (!image_config || config->size > (std::int64_t{1} << 20)) return {};
    auto reader = open_blob(what.repository, config->digest.view());
    if (!reader) return reader.error();
    store::string_sink sink;
    if (auto c = store::copy(**reader, sink); !c) return c.error();
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(sink.data, ec);
    if (const auto* obj = ec ? nullptr : doc.if_object()) {
      if (const auto* a = obj->if_contains("architecture"); a != nullptr && a->is_string()) {
        m.architecture = std::string(a->as_string());
      }
      if (const auto* o = obj->if_contains("os"); o != nullptr && o->is_string()) {
        m.os = std::string(o->as_string());
      }
    }
    return {};
  }

  // A blob download that verifies while it reads and resumes a broken connection with Range.
  class blob_stream : public store::blob_reader {
   public:
    blob_stream(remote_registry& owner, std::string repository, ocikit::digest d, verifier v)
        : owner_(owner), repository_(std::move(repository)), check_(std::move(v)) {
      info_.digest = std::move(d);
      info_.size = -1;
      info_.existed = true;
    }

    result<void> start() { return connect(); }

    [[nodiscard]] const store::blob_info& info() const noexcept override { return info_; }
    [[nodiscard]] std::int64_t size_hint() const noexcept override {
      return info_.size < 0 ? -1 : info_.size - static_cast<std::int64_t>(done_);
    }

    result<std::size_t> read(std::span<std::byte> buffer) override {
      for (;;) {
        auto n = body_->read(buffer);
        if (n) {
          if (*n == 0) return finish();
          check_.update(std::span<const std::byte>(buffer.data(), *n));
          done_ += *n;
          if (info_.size >= 0 && done_ > static_cast<std::uint64_t>(info_.size)) {
            return detail::as_store_error(check_.verify().error(), name());
          }
          return *n;
        }
        const errc c = n.error().code();
        const bool broken =
            c == errc::remote_protocol || c == errc::remote_connect || c == errc::remote_timeout;
        if (!broken || resumes_ >= max_resumes) return n.error();
        ++resumes_;
        if (auto r = connect(); !r) return r.error();
      }
    }

   private:
    [[nodiscard]] std::string name() const { return blob_name(repository_, info_.digest.view()); }

    result<std::size_t> finish() {
      if (info_.size >= 0 && done_ != static_cast<std::uint64_t>(info_.size)) {
        return error(errc::store_size_mismatch, error::npos,
                     "expected " + std::to_string(info_.size) + " bytes, got " +
                         std::to_string(done_) + " (" + name() + ")");
      }
      if (auto v = check_.verify(); !v) return detail::as_store_error(v.error(), name());
      return std::size_t{0};
    }

    // (Re)opens the GET from `done_` on.
    result<void> connect() {
      body_.reset();
      request rq;
      rq.method = "GET";
      rq.url = owner_.ep(repository_).blob(info_.digest.str());
      if (done_ != 0) rq.headers.set("Range", "bytes=" + std::to_string(done_) + "-");
      auto r = owner_.session_->open(std::move(rq), pull_scope(repository_));
      if (!r) return r.error();
      const response& head = (*r)->head();
      if (head.status == 200) {
        const std::int64_t len = detail::content_length(head);
        if (done_ != 0 && info_.size >= 0 && len >= 0 && len != info_.size) {
          return error(errc::remote_protocol, error::npos,
                       name() + ": resumed without Range, the new body has " + std::to_string(len) +
                           " bytes, the first had " + std::to_string(info_.size));
        }
        if (info_.size < 0) info_.size = len;
        if (done_ != 0) {
          // The server ignored Range: skip what was read already.
          std::vector<std::byte> skip(std::size_t{64} << 10);
          std::uint64_t left = done_;
          while (left != 0) {
            auto n = (*r)->read(std::span<std::byte>(skip).first(
                static_cast<std::size_t>(std::min<std::uint64_t>(left, skip.size()))));
            if (!n) return n.error();
            if (*n == 0) return error(errc::remote_protocol, error::npos, name() + ": short body");
            left -= *n;
          }
        }
      } else if (head.status == 206 && done_ != 0) {
        const std::string_view range = head.headers.get("Content-Range");
        const std::string expect = "bytes " + std::to_string(done_) + "-";
        // `bytes <first>-<last>/<size>`: first where we stopped, size (when given) the blob's.
        const std::size_t slash = range.rfind('/');
        const std::string_view total =
            slash == std::string_view::npos ? std::string_view() : range.substr(slash + 1);
        const bool size_ok = info_.size < 0 || total == "*" || total == std::to_string(info_.size);
        if (!range.starts_with(expect) || slash == std::string_view::npos || !size_ok) {
          return error(errc::remote_protocol, error::npos,
                       name() + ": resumed with Range: bytes=" + std::to_string(done_) +
                           "-, the answer's Content-Range is '" + std::string(range) + "'");
        }
      } else {
        response copy = head;
        store::string_sink sink;
        std::vector<std::byte> buffer(std::size_t{16} << 10);
        for (std::size_t total = 0; total < (std::size_t{64} << 10);) {
          auto n = (*r)->read(buffer);
          if (!n || *n == 0) break;
          sink.write(std::span<const std::byte>(buffer.data(), *n)).value();
          total += *n;
        }
        copy.body = std::move(sink.data);
        return detail::refusal(copy, name());
      }
      body_ = std::move(*r);
      return {};
    }

    remote_registry& owner_;
    std::string repository_;
    verifier check_;
    store::blob_info info_;
    std::unique_ptr<response_reader> body_;
    std::uint64_t done_ = 0;
    int resumes_ = 0;
  };

  // What list_metadata learnt of Azure's /acr/v1/ API (shared by the threads of a registry).
  enum class acr_api : std::uint8_t { unknown, present, absent };

  std::string domain_;
  std::string host_;
  std::atomic<acr_api> acr_state_{acr_api::unknown};
  bool plain_http_ = false;
  std::int64_t chunk_size_ = 0;
  std::unique_ptr<session> session_;
};

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_REMOTE_REGISTRY_HPP
