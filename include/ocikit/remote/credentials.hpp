// Registry credentials as Docker, Podman and skopeo keep them: a `config.json` with
// `{"auths": {"<host>": {"auth": base64("user:password")} | {"identitytoken": "…"}}}`.
//
//   ocikit::remote::credentials                   user, password, identity token
//   ocikit::remote::default_config_path(authfile) --authfile, else $DOCKER_CONFIG/config.json,
//                                                 else ~/.docker/config.json
//   ocikit::remote::config_key(host)              the `auths` key of a host (Docker Hub's is
//                                                 `https://index.docker.io/v1/`)
//   ocikit::remote::auth_file::load(path)         reads one (a missing file is an empty one)
//   file.find(host)                               the credentials for a registry host: a
//                                                 `credHelpers` entry, else the `auths` entry,
//                                                 else `credsStore`; keys may carry a scheme or a
//                                                 path; none: empty credentials
//   file.set(host, credentials) / file.erase(host) / file.save()   login and logout: written
//                                                 atomically (temporary file, rename), mode 0600,
//                                                 every other member of the file kept
//
//   file.store(host, credentials) / file.remove(host)   login and logout as Docker does them:
//                                                 through the host's credential helper when the
//                                                 file names one (credHelpers, credsStore), else
//                                                 in `auths`; then file.save()
//
// Credential helpers: `docker-credential-<name> get|store|erase`, the server (or for `store`
// `{"ServerURL":…,"Username":…,"Secret":…}`) on stdin; `get` answers that JSON (Username
// `<token>`: Secret is an identity token). set/erase touch `auths` only.
//
// Credentials are never printed or logged: credentials has no stream operator, and the errors
// name the file and the host, never a secret.
#ifndef OCIKIT_REMOTE_CREDENTIALS_HPP
#define OCIKIT_REMOTE_CREDENTIALS_HPP

#include <fcntl.h>
#include <pthread.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/detail/base64.hpp"
#include "ocikit/error.hpp"
#include "ocikit/file.hpp"

extern char** environ;  // NOLINT(readability-redundant-declaration): for posix_spawnp

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

/// The config file to use: `authfile` when given, else `$DOCKER_CONFIG/config.json`, else
/// `$HOME/.docker/config.json` (the password database's home when $HOME is unset).
///   default_config_path("")          -> "/home/me/.docker/config.json"
///   default_config_path("auth.json") -> "auth.json"
inline std::filesystem::path default_config_path(std::string_view authfile = {}) {
  if (!authfile.empty()) return std::filesystem::path(authfile);
  if (const char* d = std::getenv("DOCKER_CONFIG"); d != nullptr && *d != 0) {
    return std::filesystem::path(d) / "config.json";
  }
  std::string home;
  if (const char* h = std::getenv("HOME"); h != nullptr && *h != 0) {
    home = h;
  } else if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) {
    home = pw->pw_dir;
  }
  return std::filesystem::path(home) / ".docker" / "config.json";
}

namespace detail {

/// A key or host reduced to what identifies a registry: no scheme, no path, lowercase, and
/// Docker Hub's names as one.
inline std::string normalize_registry(std::string_view key) {
  if (const std::size_t s = key.find("://"); s != std::string_view::npos) {
    key.remove_prefix(s + 3);
  }
  key = key.substr(0, key.find('/'));
  std::string out;
  out.reserve(key.size());
  for (char c : key) out += ocikit::detail::ascii_to_lower(c);
  if (out == "docker.io" || out == "registry-1.docker.io" || out == "index.docker.io") {
    return "index.docker.io";
  }
  return out;
}

inline error credentials_error(const std::filesystem::path& file, std::string_view why) {
  return {errc::remote_credentials, error::npos, "'" + file.string() + "': " + std::string(why)};
}

/// Decodes an `auth` value into user and password (base64 with or without its padding).
inline result<credentials> decode_auth(std::string_view auth, const std::filesystem::path& file,
                                       std::string_view key) {
  std::string padded(auth);
  while (padded.size() % 4 != 0) padded += '=';
  std::string plain;
  if (!ocikit::detail::decode_base64(padded, plain).why.empty()) {
    return credentials_error(file, "the \"auth\" of '" + std::string(key) + "' is not base64");
  }
  const std::size_t colon = plain.find(':');
  if (colon == std::string::npos) {
    return credentials_error(file,
                             "the \"auth\" of '" + std::string(key) + "' is not user:password");
  }
  credentials c;
  c.username = plain.substr(0, colon);
  c.password = plain.substr(colon + 1);
  return c;
}

/// Writes all of `data` to the pipe `fd` without dying of SIGPIPE when the reader has gone
/// (the signal is blocked in this thread for the write and a pending one is consumed).
inline bool write_to_pipe(int fd, std::string_view data) {
  sigset_t pipe_set;
  sigset_t old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigemptyset(&pending);
  ::sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  ::pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  bool ok = true;
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::write(fd, data.data() + sent, data.size() - sent);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    sent += static_cast<std::size_t>(n);
  }
  if (!ok && errno == EPIPE && !was_pending) {
    const timespec zero{0, 0};
    while (::sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  ::pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return ok;
}

/// What a credential helper answered: its exit status and standard output (at most 1 MiB).
struct helper_answer {
  int status = 0;
  std::string out;
  /// The helpers' way of saying "nothing stored for that server" (with a non-zero status).
  [[nodiscard]] bool not_found() const {
    return status != 0 && out.find("credentials not found") != std::string::npos;
  }
};

/// Runs `docker-credential-<helper> <verb>` with `input` on its standard input. `server` only
/// names the request in errors. The input may hold a secret: it goes to the helper's stdin only.
inline result<helper_answer> call_credential_helper(const std::string& helper, const char* verb,
                                                    std::string_view input,
                                                    const std::string& server) {
  const auto fail = [&](const std::string& why) {
    return error(errc::remote_credentials, error::npos,
                 "credential helper docker-credential-" + helper + " (" + verb + ") for '" +
                     server + "': " + why);
  };
  if (helper.empty() || helper.find('/') != std::string::npos) return fail("invalid helper name");
  int in[2];
  int out[2];
  if (::pipe2(in, O_CLOEXEC) != 0) return fail(std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return fail(std::strerror(errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  std::string program = "docker-credential-" + helper;
  std::string verb_arg = verb;
  char* argv[] = {program.data(), verb_arg.data(), nullptr};
  pid_t pid = 0;
  const int rc = ::posix_spawnp(&pid, program.c_str(), &fa, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(in[0]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[1]);
    ::close(out[0]);
    return fail(std::string("cannot run it: ") + std::strerror(rc));
  }
  // A helper that exits without reading is reported by its status below.
  (void)write_to_pipe(in[1], input);
  ::close(in[1]);
  helper_answer a;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(out[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (a.out.size() < (std::size_t{1} << 20)) a.out.append(buf, static_cast<std::size_t>(n));
  }
  ::close(out[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status))
    return fail("it was killed by signal " + std::to_string(WTERMSIG(status)));
  a.status = WEXITSTATUS(status);
  return a;
}

/// A failed helper call as an error: the exit status and the first line of what it printed
/// (helpers print their reason on stdout; the verbs that carry a secret never echo it).
inline error helper_failure(const std::string& helper, const char* verb, const std::string& server,
                            const helper_answer& a) {
  std::string line = a.out.substr(0, a.out.find('\n'));
  if (line.size() > 200) line.resize(200);
  return error(errc::remote_credentials, error::npos,
               "credential helper docker-credential-" + helper + " (" + verb + ") for '" + server +
                   "' failed (exit status " + std::to_string(a.status) + ")" +
                   (line.empty() ? std::string() : ": " + line));
}

/// Runs `docker-credential-<helper> get` with `server` on stdin and parses its answer
/// ("credentials not found": empty credentials).
inline result<credentials> run_credential_helper(const std::string& helper,
                                                 const std::string& server) {
  auto a = call_credential_helper(helper, "get", server + "\n", server);
  if (!a) return a.error();
  if (a->not_found()) return credentials{};
  if (a->status != 0) return helper_failure(helper, "get", server, *a);
  boost::system::error_code ec;
  const auto v = boost::json::parse(a->out, ec);
  if (ec || !v.is_object()) {
    return error(errc::remote_credentials, error::npos,
                 "credential helper docker-credential-" + helper + " (get) for '" + server +
                     "': its answer is not a JSON object");
  }
  credentials c;
  const auto& o = v.as_object();
  const auto str = [&](const char* k) {
    const auto* m = o.if_contains(k);
    return m != nullptr && m->is_string() ? std::string(m->as_string()) : std::string();
  };
  const std::string user = str("Username");
  if (user == "<token>") {
    c.identity_token = str("Secret");
  } else {
    c.username = user;
    c.password = str("Secret");
  }
  return c;
}

/// Runs `docker-credential-<helper> store` with `c` for `server` (Docker's JSON on stdin; an
/// identity token is stored as Username `<token>`).
inline result<void> store_with_helper(const std::string& helper, const std::string& server,
                                      const credentials& c) {
  boost::json::object o;
  o["ServerURL"] = server;
  o["Username"] = c.identity_token.empty() ? c.username : std::string("<token>");
  o["Secret"] = c.identity_token.empty() ? c.password : c.identity_token;
  auto a = call_credential_helper(helper, "store", boost::json::serialize(o), server);
  if (!a) return a.error();
  if (a->status != 0) return helper_failure(helper, "store", server, *a);
  return {};
}

/// Runs `docker-credential-<helper> erase` for `server`: true when it removed something, false
/// when it had nothing for the server.
inline result<bool> erase_with_helper(const std::string& helper, const std::string& server) {
  auto a = call_credential_helper(helper, "erase", server + "\n", server);
  if (!a) return a.error();
  if (a->not_found()) return false;
  if (a->status != 0) return helper_failure(helper, "erase", server, *a);
  return true;
}

}  // namespace detail

/// The `auths` key a host is saved under: Docker Hub's `https://index.docker.io/v1/`, else the
/// host (with its port) as given, lowercase, without scheme or path.
///   config_key("docker.io") -> "https://index.docker.io/v1/"
///   config_key("https://Registry.example:5000/v2/") -> "registry.example:5000"
inline std::string config_key(std::string_view host) {
  std::string n = detail::normalize_registry(host);
  if (n == "index.docker.io") return "https://index.docker.io/v1/";
  return n;
}

/// A Docker-style config file in memory.
class auth_file {
 public:
  /// Reads `path`: a missing file is an empty one; anything but a JSON object is
  /// remote.credentials naming the file.
  static result<auth_file> load(const std::filesystem::path& path) {
    auth_file f;
    f.path_ = path;
    const unique_fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) return f;
      return detail::credentials_error(path, std::strerror(errno));
    }
    auto in = read_at_most(fd.get(), std::size_t{16} << 20, file_name(path));
    if (!in) return detail::credentials_error(path, in.error().message());
    if (in->too_large) return detail::credentials_error(path, "larger than 16 MiB");
    const std::string& text = in->bytes;
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) return f;
    boost::system::error_code ec;
    auto v = boost::json::parse(text, ec);
    if (ec) return detail::credentials_error(path, "not JSON: " + ec.message());
    if (!v.is_object()) return detail::credentials_error(path, "not a JSON object");
    f.doc_ = std::move(v.as_object());
    if (const auto* a = f.doc_.if_contains("auths"); a != nullptr && !a->is_object()) {
      return detail::credentials_error(path, "\"auths\" is not an object");
    }
    return f;
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
  /// The whole document (read-only).
  [[nodiscard]] const boost::json::object& document() const noexcept { return doc_; }

  /// The credential helper that keeps `host`'s credentials, and the server name it keeps them
  /// under: the host's `credHelpers` entry (its own key), else `credsStore` (config_key(host));
  /// nullopt when the file keeps them itself, in `auths`.
  ///   {"credsStore": "pass"}: helper_for("r.example") -> {"pass", "r.example"}
  struct helper_ref {
    std::string helper;
    std::string server;
    bool per_host = false;  ///< from `credHelpers` (it wins over `auths`), not `credsStore`
  };
  [[nodiscard]] std::optional<helper_ref> helper_for(std::string_view host) const {
    const std::string want = detail::normalize_registry(host);
    if (const auto* helpers = doc_.if_contains("credHelpers");
        helpers != nullptr && helpers->is_object()) {
      for (const auto& kv : helpers->as_object()) {
        if (detail::normalize_registry(kv.key()) == want && kv.value().is_string() &&
            !kv.value().as_string().empty()) {
          return helper_ref{std::string(kv.value().as_string()), std::string(kv.key()), true};
        }
      }
    }
    if (const auto* store = doc_.if_contains("credsStore");
        store != nullptr && store->is_string() && !store->as_string().empty()) {
      return helper_ref{std::string(store->as_string()), config_key(host), false};
    }
    return std::nullopt;
  }

  /// The credentials for `host` (see the file comment for the order); empty when none.
  [[nodiscard]] result<credentials> find(std::string_view host) const {
    const std::string want = detail::normalize_registry(host);
    const auto helper = helper_for(host);
    if (helper && helper->per_host)
      return detail::run_credential_helper(helper->helper, helper->server);
    if (const auto* e = entry(want)) {
      const auto& o = e->value().as_object();
      credentials c;
      if (const auto* a = o.if_contains("auth");
          a != nullptr && a->is_string() && !a->as_string().empty()) {
        auto d = detail::decode_auth(a->as_string(), path_, e->key());
        if (!d) return d.error();
        c = std::move(*d);
      }
      if (const auto* t = o.if_contains("identitytoken"); t != nullptr && t->is_string()) {
        c.identity_token = std::string(t->as_string());
      }
      if (!c.empty()) return c;
    }
    if (helper) return detail::run_credential_helper(helper->helper, helper->server);
    return credentials{};
  }

  /// Saves `c` for `host` under config_key(host) (other keys naming the same registry are
  /// removed; other members of its entry are kept).
  void set(std::string_view host, const credentials& c) {
    const std::string key = config_key(host);
    auto& auths = auths_object();
    boost::json::object e;
    if (auto* old = auths.if_contains(key); old != nullptr && old->is_object()) {
      e = old->as_object();
    }
    erase(host);
    if (!c.username.empty() || !c.password.empty()) {
      const std::string pair = c.username + ":" + c.password;
      e["auth"] = ocikit::detail::encode_base64(std::as_bytes(std::span(pair)));
    } else {
      e.erase("auth");
    }
    if (!c.identity_token.empty()) {
      e["identitytoken"] = c.identity_token;
    } else {
      e.erase("identitytoken");
    }
    auths_object()[key] = std::move(e);
  }

  /// Removes every `auths` key naming `host`'s registry; false when there was none.
  bool erase(std::string_view host) {
    auto* a = doc_.if_contains("auths");
    if (a == nullptr || !a->is_object()) return false;
    auto& auths = a->as_object();
    const std::string want = detail::normalize_registry(host);
    bool any = false;
    for (auto it = auths.begin(); it != auths.end();) {
      if (detail::normalize_registry(it->key()) == want) {
        it = auths.erase(it);
        any = true;
      } else {
        ++it;
      }
    }
    return any;
  }

  /// Login: keeps `c` for `host` where Docker would. With a credential helper for the host
  /// (helper_for), the helper stores it (`docker-credential-<name> store`, the secret on its
  /// stdin, never in the file) and `auths` gets an empty entry for the host, as Docker writes;
  /// otherwise set(). Call save() afterwards. A failing helper is remote.credentials and leaves
  /// this object unchanged.
  result<void> store(std::string_view host, const credentials& c) {
    const auto helper = helper_for(host);
    if (!helper) {
      set(host, c);
      return {};
    }
    if (auto ok = detail::store_with_helper(helper->helper, helper->server, c); !ok) {
      return ok.error();
    }
    erase(host);
    auths_object()[config_key(host)] = boost::json::object();
    return {};
  }

  /// Logout: removes `host`'s credentials from its credential helper (`erase`), when it has
  /// one, and every `auths` key naming its registry. False when neither held any. Call save()
  /// afterwards.
  result<bool> remove(std::string_view host) {
    bool any = false;
    if (const auto helper = helper_for(host)) {
      auto erased = detail::erase_with_helper(helper->helper, helper->server);
      if (!erased) return erased.error();
      any = *erased;
    }
    return erase(host) || any;
  }

  /// Writes the file atomically: a temporary file in the same directory (mode 0600, fsync),
  /// then rename; the directory is made (0700) when missing.
  [[nodiscard]] result<void> save() const {
    std::error_code ec;
    const auto dir = path_.has_parent_path() ? path_.parent_path() : std::filesystem::path(".");
    if (!std::filesystem::exists(dir, ec)) {
      std::filesystem::create_directories(dir, ec);
      if (ec)
        return detail::credentials_error(path_, "cannot create the directory: " + ec.message());
      std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    }
    std::string tmp = (dir / ("." + path_.filename().string() + ".XXXXXX")).string();
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0) return detail::credentials_error(path_, std::strerror(errno));
    const auto fail = [&](int err) {
      ::close(fd);
      ::unlink(tmp.c_str());
      return detail::credentials_error(path_, std::strerror(err));
    };
    if (::fchmod(fd, 0600) != 0) return fail(errno);
    const std::string text = boost::json::serialize(doc_) + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(errno);
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return fail(errno);
    if (::close(fd) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return detail::credentials_error(path_, std::strerror(err));
    }
    if (::rename(tmp.c_str(), path_.c_str()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return detail::credentials_error(path_, std::strerror(err));
    }
    return {};
  }

 private:
  [[nodiscard]] const boost::json::key_value_pair* entry(const std::string& want) const {
    const auto* a = doc_.if_contains("auths");
    if (a == nullptr || !a->is_object()) return nullptr;
    const boost::json::key_value_pair* found = nullptr;
    for (const auto& kv : a->as_object()) {
      if (!kv.value().is_object() || detail::normalize_registry(kv.key()) != want) continue;
      // An exact key wins over one with a scheme or a path.
      if (found == nullptr || kv.key() == want) found = &kv;
    }
    return found;
  }
  boost::json::object& auths_object() {
    auto& a = doc_["auths"];
    if (!a.is_object()) a = boost::json::object();
    return a.as_object();
  }

  std::filesystem::path path_;
  boost::json::object doc_;
};

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_CREDENTIALS_HPP
