// Opening the registry a command-line reference names, for `ocikit store` and `ocikit copy`:
//   docker://REF        a remote registry (the distribution API), REF a Docker reference
//                       (`docker://ubuntu` is docker.io/library/ubuntu:latest)
//   oci:DIR[:NAME]      an OCI image layout (as skopeo names it)
//   store:REF           the embedded store (--store DIR, else the store verbs' default)
// and the options every remote reference takes: --plain-http, --insecure, --ca-file, --authfile.
#ifndef OCIKIT_EXAMPLES_REGISTRIES_HPP
#define OCIKIT_EXAMPLES_REGISTRIES_HPP

#include <CLI/CLI.hpp>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "ocikit/error.hpp"
#include "ocikit/remote/http.hpp"
#include "ocikit/remote/remote_registry.hpp"
#include "ocikit/store/registry.hpp"
#include "ocikit/store/store.hpp"

namespace ocikit::cli {

/// The transport of a remote registry.
inline constexpr std::string_view docker_transport = "docker://";

/// How remote registries are reached.
struct remote_flags {
  bool plain_http = false;
  bool insecure = false;
  std::string ca_file;
  std::string authfile;
};

/// Adds --plain-http, --insecure, --ca-file and --authfile to a command.
void add_remote_options(CLI::App& cmd, remote_flags& flags);

/// True when `text` starts with docker://.
[[nodiscard]] inline bool is_remote(std::string_view text) noexcept {
  return text.starts_with(docker_transport);
}

/// A docker:// reference: the registry's domain and what it names there. With `default_tag`
/// a reference without tag and digest names "latest", else the repository.
struct remote_ref {
  std::string domain;
  store::target target;
};
result<remote_ref> parse_remote(std::string_view text, bool default_tag);

/// The remote registry of `domain`, reached as `flags` say (sharing `client` when given).
result<std::unique_ptr<remote::remote_registry>> open_remote(
    std::string_view domain, const remote_flags& flags,
    std::shared_ptr<remote::http_client> client = {});

/// The embedded store's directory: `dir` when given, else $OCIKIT_STORE, else
/// $XDG_DATA_HOME/ocikit/store, else ~/.local/share/ocikit/store.
std::filesystem::path store_directory(const std::string& dir);

}  // namespace ocikit::cli

#endif  // OCIKIT_EXAMPLES_REGISTRIES_HPP
