// Registry credentials as Docker, Podman and skopeo keep them: a `config.json` with
// `{"auths": {"<host>": {"auth": base64("user:password")} | {"identitytoken": "…"}}}`.
//
//   ocikit::remote::credentials                   user, password, identity token
//   ocikit::remote::default_config_path()         --authfile, else $DOCKER_CONFIG/config.json,
//                                                 else ~/.docker/config.json
//   ocikit::remote::auth_file::load(path)         reads one (a missing file is an empty one)
//   file.find(host)                               the credentials for a registry host; Docker
//                                                 Hub's entry is `https://index.docker.io/v1/`,
//                                                 keys may carry a scheme or a path
//   file.set(host, credentials) / file.erase(host) / file.save()   login and logout: written
//                                                 atomically (temporary file, rename), mode 0600,
//                                                 every other member of the file kept
//
// Credentials are never printed or logged: credentials has no stream operator, and the errors
// name the file and the host, never a secret.
#ifndef OCIKIT_REMOTE_CREDENTIALS_HPP
#define OCIKIT_REMOTE_CREDENTIALS_HPP

#include <optional>
#include <string>
#include <string_view>

#include "ocikit/error.hpp"

namespace ocikit::remote {

/// What a user authenticates with.
struct credentials {
  std::string username;
  std::string password;
  /// An OAuth2 refresh token (`identitytoken`): exchanged at the token realm.
  std::string identity_token;
  [[nodiscard]] bool empty() const noexcept {
    return username.empty() && password.empty() && identity_token.empty();
  }
};

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_CREDENTIALS_HPP
