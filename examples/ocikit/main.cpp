// ocikit — name, address and check container images from the command line.
//   ocikit <noun> <verb> [options] [inputs...]
// Exit status: 0 all inputs valid, 1 some input invalid, 2 usage or I/O error.
#include <cstdio>
#include <exception>
#include <iostream>

#include "cli.hpp"
#include "ocikit/version.hpp"

namespace {

int run(int argc, char** argv) {
  static char out_buffer[1 << 16];
  std::setvbuf(stdout, out_buffer, _IOFBF, sizeof out_buffer);

  CLI::App app{"ocikit: name, address and check container images", "ocikit"};
  app.set_version_flag("--version", std::string("ocikit ") + OCIKIT_VERSION_STRING);
  app.require_subcommand(1);
  int status = ocikit::cli::exit_ok;
  ocikit::cli::register_ref(app, status);
  ocikit::cli::register_digest(app, status);
  ocikit::cli::register_platform(app, status);
  ocikit::cli::register_manifest(app, status);
  ocikit::cli::register_store(app, status);
  ocikit::cli::register_copy(app, status);
  ocikit::cli::register_login(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : ocikit::cli::exit_usage;
  }
  std::fflush(stdout);
  if (std::ferror(stdout)) {
    std::fputs("ocikit: error writing output\n", stderr);
    return ocikit::cli::exit_usage;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    // The verbs report their own errors; this is what escapes them (out of memory, say).
    std::fprintf(stderr, "ocikit: %s\n", e.what());
    return ocikit::cli::exit_usage;
  }
}
