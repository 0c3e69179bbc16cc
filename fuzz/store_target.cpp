// Fuzz target for ocikit::store::parse_target (ocikit/store/registry.hpp) and
// ocikit::distribution::endpoint::of (ocikit/distribution.hpp): what the store's and the
// distribution API's operations address.
//
// Input: a reference as a user types it. Checks, aborting on a violation:
//   - parsing never crashes (with and without the default tag);
//   - an accepted target has a repository, and its string() behind the login server parses back
//     to the same target (without the login server, a repository whose first component looks like
//     a host, `localhost/a.io/b`, would name another registry, as Docker's grammar says);
//   - without the default tag, an input with neither tag nor digest is the repository itself;
//   - a rejection carries an id and a message;
//   - an accepted endpoint's URLs all start with its origin and name its repository.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ocikit/distribution.hpp"
#include "ocikit/store/registry.hpp"

namespace {

constexpr std::string_view login = "localhost";

bool same(const ocikit::store::target& a, const ocikit::store::target& b) {
  return a.repository == b.repository && a.tag == b.tag && a.digest == b.digest;
}

void check_target(std::string_view s, bool default_tag) {
  auto t = ocikit::store::parse_target(s, login, default_tag);
  if (!t) {
    if (t.error().id().empty() || t.error().message().empty()) std::abort();
    return;
  }
  if (t->repository.empty()) std::abort();
  if (default_tag && t->is_repository()) std::abort();
  auto again =
      ocikit::store::parse_target(std::string(login) + "/" + t->string(), login, default_tag);
  if (!again || !same(*t, *again)) std::abort();
}

void check_endpoint(std::string_view s) {
  auto e = ocikit::distribution::endpoint::of(s, {.plain_http = !s.empty() && s[0] == 'h'});
  if (!e) {
    if (e.error().id().empty()) std::abort();
    return;
  }
  const std::string origin = e->origin();
  const std::string manifest = e->manifest();
  if (manifest.compare(0, origin.size(), origin) != 0) std::abort();
  if (manifest.find(e->repository()) == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  check_target(input, true);
  check_target(input, false);
  check_endpoint(input);
  return 0;
}
