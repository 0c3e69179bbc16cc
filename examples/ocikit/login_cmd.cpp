// `ocikit login HOST` and `ocikit logout HOST`: credentials saved in (and removed from) the
// Docker-style config file that the remote verbs read (ocikit/remote/credentials.hpp).
//
//   ocikit login HOST [-u USER] [--password-stdin] [--authfile F] [--plain-http] [--insecure]
//                     [--ca-file F]
//       checks the credentials with `GET /v2/` through a session (token or Basic auth) and saves
//       them only when the registry accepts them; the password comes from stdin (with
//       --password-stdin) or from the terminal with echo off, never from a flag, and is never
//       printed. Exit 0 saved, 1 refused by the registry (nothing written), 2 usage or I/O.
//   ocikit logout HOST [--authfile F]
//       removes the entries of HOST. Exit 0 removed, 1 there were none, 2 I/O.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <string>

#include "cli.hpp"
#include "ocikit/remote/credentials.hpp"
#include "ocikit/remote/session.hpp"

namespace ocikit::cli {
namespace {

struct login_options {
  std::string host;
  std::string username;
  std::string authfile;
  std::string ca_file;
  bool password_stdin = false;
  bool plain_http = false;
  bool insecure = false;
};

int fail(std::string_view verb, const ocikit::error& e, int status) {
  write_err("ocikit " + std::string(verb) + ": " + e.message() + " [" + std::string(e.id()) + "]");
  return status;
}

int usage(std::string_view verb, std::string_view message) {
  write_err("ocikit " + std::string(verb) + ": " + std::string(message));
  return exit_usage;
}

/// One line from the terminal, echo off when `secret`; nullopt at end of input.
std::optional<std::string> prompt(const char* text, bool secret) {
  std::fputs(text, stderr);
  std::fflush(stderr);
  termios saved{};
  const bool tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
  if (secret && tty) {
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  std::string line;
  bool got = false;
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(STDIN_FILENO, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got = true;
    if (c == '\n') break;
    line += c;
  }
  if (secret && tty) {
    ::tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::fputc('\n', stderr);
  }
  if (!got) return std::nullopt;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

/// All of stdin without its trailing line break (`--password-stdin`).
result<std::string> read_password_stdin() {
  auto in = read_at_most(STDIN_FILENO, std::size_t{64} << 10, "stdin");
  if (!in) return in.error();
  if (in->too_large)
    return ocikit::error(errc::remote_credentials, error::npos,
                         "the password on stdin is longer than 64 KiB");
  std::string p = std::move(in->bytes);
  while (!p.empty() && (p.back() == '\n' || p.back() == '\r')) p.pop_back();
  return p;
}

/// The registry's origin for HOST: Docker Hub's API host for its names, the scheme from
/// --plain-http; a scheme or a path the user typed is dropped.
result<std::string> origin_of(std::string_view host, bool plain_http) {
  std::string h = ocikit::remote::detail::normalize_registry(host);
  if (h == "index.docker.io") h = "registry-1.docker.io";
  const std::string origin = (plain_http ? "http://" : "https://") + h;
  auto u = ocikit::remote::url::parse(origin + "/v2/");
  if (!u) return u.error();
  return u->origin();
}

int run_login(const login_options& o) {
  auto origin = origin_of(o.host, o.plain_http);
  if (!origin) return fail("login", origin.error(), exit_usage);
  auto file = ocikit::remote::auth_file::load(ocikit::remote::default_config_path(o.authfile));
  if (!file) return fail("login", file.error(), exit_usage);

  ocikit::remote::credentials creds;
  creds.username = o.username;
  const bool tty = ::isatty(STDIN_FILENO) != 0;
  if (creds.username.empty()) {
    if (o.password_stdin || !tty) return usage("login", "a user name is needed: -u USER");
    auto u = prompt("Username: ", false);
    if (!u || u->empty()) return usage("login", "a user name is needed");
    creds.username = std::move(*u);
  }
  if (o.password_stdin) {
    auto p = read_password_stdin();
    if (!p) return fail("login", p.error(), exit_usage);
    creds.password = std::move(*p);
  } else {
    if (!tty)
      return usage("login", "stdin is not a terminal: pass the password with --password-stdin");
    auto p = prompt("Password: ", true);
    if (!p) return usage("login", "no password");
    creds.password = std::move(*p);
  }
  if (creds.password.empty()) return usage("login", "the password is empty");

  ocikit::remote::client_options co;
  co.tls.insecure = o.insecure;
  co.tls.ca_file = o.ca_file;
  co.max_retries = 2;
  ocikit::remote::session s(std::make_shared<ocikit::remote::http_client>(co), *origin, creds);
  if (auto ok = s.check(); !ok) {
    const auto code = ok.error().code();
    const bool refused = code == errc::remote_unauthorized || code == errc::remote_denied;
    return fail("login", ok.error(), refused ? exit_invalid : exit_usage);
  }
  if (auto stored = file->store(o.host, creds); !stored) {
    return fail("login", stored.error(), exit_usage);
  }
  if (auto saved = file->save(); !saved) return fail("login", saved.error(), exit_usage);
  write_out("Login Succeeded\n");
  return exit_ok;
}

int run_logout(const login_options& o) {
  auto file = ocikit::remote::auth_file::load(ocikit::remote::default_config_path(o.authfile));
  if (!file) return fail("logout", file.error(), exit_usage);
  auto removed = file->remove(o.host);
  if (!removed) return fail("logout", removed.error(), exit_usage);
  if (!*removed) {
    write_err("ocikit logout: not logged in to " + o.host);
    return exit_invalid;
  }
  if (auto saved = file->save(); !saved) return fail("logout", saved.error(), exit_usage);
  write_out("Removed login credentials for " + o.host + "\n");
  return exit_ok;
}

}  // namespace

void register_login(CLI::App& app, int& status) {
  auto in = std::make_shared<login_options>();
  CLI::App* login = app.add_subcommand("login", "log in to a registry: check and save credentials");
  login->add_option("HOST", in->host, "registry host[:port], e.g. docker.io or 127.0.0.1:5000")
      ->required();
  login->add_option("-u,--username", in->username, "user name");
  login->add_flag("--password-stdin", in->password_stdin,
                  "read the password from stdin (else it is asked on the terminal)");
  login->add_option("--authfile", in->authfile,
                    "config file (default: $DOCKER_CONFIG/config.json, else "
                    "~/.docker/config.json)");
  login->add_flag("--plain-http", in->plain_http, "talk to the registry over plain HTTP");
  login->add_flag("--insecure", in->insecure, "do not verify the registry's TLS certificate");
  login->add_option("--ca-file", in->ca_file,
                    "PEM file of CA certificates to trust besides the system's");
  login->callback([in, &status] { status = run_login(*in); });

  auto out = std::make_shared<login_options>();
  CLI::App* logout =
      app.add_subcommand("logout", "log out of a registry: remove saved credentials");
  logout->add_option("HOST", out->host, "registry host[:port]")->required();
  logout->add_option("--authfile", out->authfile,
                     "config file (default: $DOCKER_CONFIG/config.json, else "
                     "~/.docker/config.json)");
  logout->callback([out, &status] { status = run_logout(*out); });
}

}  // namespace ocikit::cli
