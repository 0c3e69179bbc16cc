// Opening registries named on the command line (registries.hpp).
#include "registries.hpp"

#include <cstdlib>
#include <string>
#include <utility>

#include "ocikit/reference.hpp"

namespace ocikit::cli {

namespace fs = std::filesystem;

void add_remote_options(CLI::App& cmd, remote_flags& flags) {
  cmd.add_flag("--plain-http", flags.plain_http,
               "docker://: http instead of https (a registry on loopback)");
  cmd.add_flag("--insecure", flags.insecure,
               "docker://: skip certificate and host name verification");
  cmd.add_option("--ca-file", flags.ca_file,
                 "docker://: trust the CA certificates of this PEM file");
  cmd.add_option("--authfile", flags.authfile,
                 "docker://: credentials file (default: $DOCKER_CONFIG/config.json, else "
                 "~/.docker/config.json)");
}

result<remote_ref> parse_remote(std::string_view text, bool default_tag) {
  if (!is_remote(text)) {
    return error(errc::reference_invalid_argument, error::npos,
                 "'" + std::string(text) + "' is not a docker:// reference");
  }
  std::string_view rest = text.substr(docker_transport.size());
  auto r = parse_normalized_reference(rest);
  if (!r) return r.error();
  remote_ref out;
  out.domain = std::string(r->domain());
  out.target.repository = std::string(r->path());
  out.target.tag = std::string(r->tag());
  if (r->has_digest()) {
    auto d = ocikit::digest::parse(r->digest());
    if (!d) return d.error();
    out.target.digest = std::move(*d);
  }
  if (default_tag && out.target.tag.empty() && !out.target.digest) {
    out.target.tag = std::string(ocikit::default_tag);
  }
  return out;
}

result<std::unique_ptr<remote::remote_registry>> open_remote(
    std::string_view domain, const remote_flags& flags,
    std::shared_ptr<remote::http_client> client) {
  remote::remote_options o;
  o.plain_http = flags.plain_http;
  o.tls.insecure = flags.insecure;
  o.tls.ca_file = flags.ca_file;
  o.authfile = flags.authfile;
  o.shared_client = std::move(client);
  return remote::remote_registry::open(domain, o);
}

fs::path store_directory(const std::string& dir) {
  if (!dir.empty()) return dir;
  if (const char* e = std::getenv("OCIKIT_STORE"); e != nullptr && *e != '\0') return e;
  if (const char* x = std::getenv("XDG_DATA_HOME"); x != nullptr && *x != '\0') {
    return fs::path(x) / "ocikit" / "store";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr && *home != '\0' ? home : ".") / ".local" / "share" / "ocikit" /
         "store";
}

}  // namespace ocikit::cli
