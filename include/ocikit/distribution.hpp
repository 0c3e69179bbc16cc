// Addressing a remote registry through the OCI distribution API (distribution-spec v1.1,
// docs/store.md, "url"): where a reference's repository lives, the URL of every endpoint
// a client calls, the `Accept` header of a manifest request, and the checks of a response.
//
//   ocikit::distribution::registry_host(domain)        "docker.io" -> "registry-1.docker.io"
//   ocikit::distribution::endpoint::of(ref, options)    -> result<endpoint>  scheme, host, name
//   endpoint.api_check() / manifest(t) / blob(d) / upload() / upload(d) / mount(d, from) /
//   tags(n, last) / referrers(d, artifact_type) / catalog(n, last)       the endpoint URLs
//   ocikit::distribution::resolve_location(ep, location)  an upload's `Location` made absolute
//   ocikit::distribution::finish_upload(location, d)       `<Location>&digest=<d>`
//   ocikit::distribution::manifest_accept                the default `Accept` of a manifest GET
//   ocikit::distribution::check_content_type(ct, bytes)  `Content-Type` against the document
//   ocikit::distribution::check_content_digest(h, bytes[, requested])
//                                                        `Docker-Content-Digest` against the bytes
//
// Rules (distribution-spec v1.1 and what registries do):
//   - the scheme is https; plain http only when the caller asks (`plain_http`), e.g. for a
//     registry on loopback;
//   - Docker Hub's reference domain `docker.io` (and the legacy `index.docker.io`) is served by
//     `registry-1.docker.io`; every other domain, port included, is its own host;
//   - a reference without a domain is a Docker Hub reference (parse_normalized_reference's rules):
//     `ubuntu` is `docker.io/library/ubuntu`;
//   - the manifest endpoint takes a tag or a digest; a reference that has both addresses the
//     digest (the digest pins the bytes; the tag is informational, as Docker does);
//   - query values are percent-encoded (RFC 3986: unreserved bytes are kept), so an
//     `artifactType` such as `application/vnd.cncf.notary.signature` arrives intact.
//
// Example:
//   auto ep = ocikit::distribution::endpoint::of("ubuntu:24.04").value();
//   ep.manifest() == "https://registry-1.docker.io/v2/library/ubuntu/manifests/24.04";
//   ep.tags() == "https://registry-1.docker.io/v2/library/ubuntu/tags/list";
#ifndef OCIKIT_DISTRIBUTION_HPP
#define OCIKIT_DISTRIBUTION_HPP

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/reference.hpp"

namespace ocikit::distribution {

/// The host that serves Docker Hub's repositories.
inline constexpr std::string_view docker_hub_registry_host = "registry-1.docker.io";

/// The `Accept` header of a manifest request when the caller wants any of the four kinds
/// ocikit reads, OCI first (a registry answers with the first kind it holds; an OCI manifest
/// requested without its type in `Accept` is a 404 on distribution 2.8).
inline constexpr std::string_view manifest_accept =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";

/// The host that serves a reference domain: `docker.io` and `index.docker.io` give
/// `registry-1.docker.io`, any other domain (with its port) is returned as it is.
/// Example: `registry_host("localhost:5000") == "localhost:5000"`
[[nodiscard]] constexpr std::string_view registry_host(std::string_view domain) noexcept {
  if (domain.empty() || domain == docker_hub_domain || domain == docker_hub_legacy_domain) {
    return docker_hub_registry_host;
  }
  return domain;
}

/// How to reach a registry.
struct options {
  /// Use http instead of https (only for a registry that has no TLS, e.g. on loopback).
  bool plain_http = false;
};

namespace detail {

/// Appends `s` percent-encoded for a query value (RFC 3986: ALPHA / DIGIT / "-" / "." / "_" /
/// "~" kept, every other byte as %XX with uppercase hex).
inline void append_query_value(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789ABCDEF";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 0xf];
    }
  }
}

/// Appends `key=value` to a URL, after '?' or '&' as the URL already has a query or not.
inline void append_query(std::string& url, std::string_view key, std::string_view value) {
  url += url.find('?') == std::string::npos ? '?' : '&';
  url += key;
  url += '=';
  append_query_value(url, value);
}

inline error bad_argument(std::string what) {
  return {errc::reference_invalid_argument, error::npos, std::move(what)};
}

}  // namespace detail

/// One repository of one registry: the base of every URL the distribution API uses for it.
class endpoint {
 public:
  /// The endpoint of a reference's repository. The reference is read with Docker's normalising
  /// rules (parse_normalized_reference), so `ubuntu` is Docker Hub's `library/ubuntu`.
  /// Example: `endpoint::of("localhost:5000/app:v1", {.plain_http = true})`
  static result<endpoint> of(std::string_view ref, const options& opts = {}) {
    auto r = parse_normalized_reference(ref);
    if (!r) return r.error();
    return of(*r, opts);
  }

  /// The endpoint of a parsed reference's repository (its domain, or Docker Hub without one):
  /// any of reference_view, inline_reference and reference.
  template <class Reference>
  static endpoint of(const ocikit::detail::reference_accessors<Reference>& r,
                     const options& opts = {}) {
    endpoint e;
    e.scheme_ = opts.plain_http ? "http" : "https";
    e.domain_ = r.has_domain() ? std::string(r.domain()) : std::string(docker_hub_domain);
    e.host_ = std::string(registry_host(e.domain_));
    e.repository_ = std::string(r.path());
    if (r.has_digest()) {
      e.reference_ = std::string(r.digest());
    } else {
      e.reference_ = std::string(r.has_tag() ? r.tag() : default_tag);
    }
    return e;
  }

  /// "https" or "http".
  [[nodiscard]] const std::string& scheme() const noexcept { return scheme_; }
  /// The reference's domain, e.g. "docker.io" (what credentials are keyed by).
  [[nodiscard]] const std::string& domain() const noexcept { return domain_; }
  /// The host that serves it, e.g. "registry-1.docker.io" or "localhost:5000".
  [[nodiscard]] const std::string& host() const noexcept { return host_; }
  /// The repository name, e.g. "library/ubuntu".
  [[nodiscard]] const std::string& repository() const noexcept { return repository_; }
  /// What the reference addresses in the repository: its digest, else its tag, else "latest".
  [[nodiscard]] const std::string& reference() const noexcept { return reference_; }

  /// `<scheme>://<host>`. Example: "https://registry-1.docker.io"
  [[nodiscard]] std::string origin() const { return scheme_ + "://" + host_; }

  /// The API check, `GET /v2/`.
  [[nodiscard]] std::string api_check() const { return origin() + "/v2/"; }

  /// `/v2/<name>/manifests/<tag-or-digest>`; without an argument, the reference's own.
  [[nodiscard]] std::string manifest(std::string_view tag_or_digest = {}) const {
    return repository_url("/manifests/") +
           std::string(tag_or_digest.empty() ? std::string_view(reference_) : tag_or_digest);
  }

  /// `/v2/<name>/blobs/<digest>`.
  [[nodiscard]] std::string blob(std::string_view digest_text) const {
    return repository_url("/blobs/") + std::string(digest_text);
  }

  /// `POST /v2/<name>/blobs/uploads/`: starts an upload (202 and a `Location`).
  [[nodiscard]] std::string upload() const { return repository_url("/blobs/uploads/"); }

  /// `POST /v2/<name>/blobs/uploads/?digest=<d>`: a monolithic upload with the body.
  [[nodiscard]] std::string upload(std::string_view digest_text) const {
    std::string u = upload();
    detail::append_query(u, "digest", digest_text);
    return u;
  }

  /// `POST /v2/<name>/blobs/uploads/?mount=<d>&from=<repository>`: a cross-repository mount.
  [[nodiscard]] std::string mount(std::string_view digest_text, std::string_view from) const {
    std::string u = upload();
    detail::append_query(u, "mount", digest_text);
    detail::append_query(u, "from", from);
    return u;
  }

  /// `GET /v2/<name>/tags/list[?n=<n>][&last=<last>]` (n = 0: no page size).
  [[nodiscard]] std::string tags(std::size_t n = 0, std::string_view last = {}) const {
    std::string u = repository_url("/tags/list");
    if (n != 0) detail::append_query(u, "n", std::to_string(n));
    if (!last.empty()) detail::append_query(u, "last", last);
    return u;
  }

  /// `GET /v2/<name>/referrers/<digest>[?artifactType=<t>]`.
  [[nodiscard]] std::string referrers(std::string_view digest_text,
                                      std::string_view artifact_type = {}) const {
    std::string u = repository_url("/referrers/") + std::string(digest_text);
    if (!artifact_type.empty()) detail::append_query(u, "artifactType", artifact_type);
    return u;
  }

  /// `GET /v2/_catalog[?n=<n>][&last=<last>]` (distribution's, not part of the spec).
  [[nodiscard]] std::string catalog(std::size_t n = 0, std::string_view last = {}) const {
    std::string u = origin() + "/v2/_catalog";
    if (n != 0) detail::append_query(u, "n", std::to_string(n));
    if (!last.empty()) detail::append_query(u, "last", last);
    return u;
  }

  /// The tag that stands for the referrers API where a registry has none (`sha256-<hex>`).
  [[nodiscard]] static std::string referrers_tag(digest_view d) { return d.tag_form(); }

 private:
  [[nodiscard]] std::string repository_url(std::string_view tail) const {
    std::string u = origin();
    u += "/v2/";
    u += repository_;
    u += tail;
    return u;
  }

  std::string scheme_;
  std::string domain_;
  std::string host_;
  std::string repository_;
  std::string reference_;
};

/// An upload's `Location` header as an absolute URL: an absolute one is kept, one that starts
/// with '/' is taken relative to the endpoint's origin, its query kept either way. Anything else
/// (empty, or a relative path without '/') is refused.
/// Example: `resolve_location(ep, "/v2/app/blobs/uploads/u1?_state=x")`
inline result<std::string> resolve_location(const endpoint& ep, std::string_view location) {
  if (location.starts_with("https://") || location.starts_with("http://")) {
    return std::string(location);
  }
  if (location.starts_with("/") && !location.starts_with("//")) {
    return ep.origin() + std::string(location);
  }
  return detail::bad_argument("upload Location '" + std::string(location) +
                              "': expected an absolute URL or a path starting with '/'");
}

/// The URL that finishes an upload: `<location>?digest=<d>` or `<location>&digest=<d>` when the
/// location already has a query (which must be kept).
inline std::string finish_upload(std::string_view location, std::string_view digest_text) {
  std::string u(location);
  detail::append_query(u, "digest", digest_text);
  return u;
}

/// Checks a manifest response's `Content-Type` (parameters ignored) against the document: equal
/// to its `mediaType`, or, for a document without one, to the media type of its detected kind.
/// manifest.media_type_mismatch names both; a body that is not a manifest gives its parse error.
/// Example: `check_content_type("application/vnd.oci.image.index.v1+json", body)`
inline result<void> check_content_type(std::string_view content_type, std::string_view bytes) {
  auto parsed = ocikit::detail::read_structure(bytes);
  if (!parsed) return parsed.error();
  const std::string_view declared = parsed->manifest.media_type();
  const std::string_view expected = declared.empty() ? media_type_of(parsed->kind) : declared;
  const std::string_view got = strip_parameters(content_type);
  if (got != expected) {
    return error(errc::manifest_media_type_mismatch, error::npos,
                 "the response's Content-Type is '" + std::string(got) + "' but the document is " +
                     (declared.empty() ? "of kind '" : "'") + std::string(expected) + "'");
  }
  return {};
}

/// Checks a response's `Docker-Content-Digest` header against the bytes received (hashed with
/// the header's algorithm) and, when given, the digest that was requested. An empty header
/// checks only `requested`. Errors: the header's digest parse error, content.digest_mismatch.
/// Example: `check_content_digest(headers["Docker-Content-Digest"], body, ref.digest())`
inline result<void> check_content_digest(std::string_view header, std::string_view bytes,
                                         std::string_view requested = {}) {
  std::optional<digest> from_header;
  if (!header.empty()) {
    auto d = digest::parse(header);
    if (!d) return d.error();
    from_header = std::move(*d);
  }
  std::optional<digest> wanted;
  if (!requested.empty()) {
    auto d = digest::parse(requested);
    if (!d) return d.error();
    wanted = std::move(*d);
  }
  if (from_header && wanted && *from_header != *wanted) {
    return error(errc::content_digest_mismatch, error::npos,
                 "requested " + wanted->str() + ", the registry's Docker-Content-Digest is " +
                     from_header->str());
  }
  const digest* expected = from_header ? &*from_header : (wanted ? &*wanted : nullptr);
  if (expected == nullptr) return {};
  auto v = verifier::create(expected->view());
  if (!v) return v.error();
  if (auto r = v->update(bytes); !r) return r.error();
  return v->verify();
}

}  // namespace ocikit::distribution

#endif  // OCIKIT_DISTRIBUTION_HPP
