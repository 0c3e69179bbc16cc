// Fault points: the one mechanism by which tests crash the store at a chosen step.
//
// When the environment variable OCIKIT_FAULT_POINT names a step, the process kills itself
// (raise(SIGKILL): no destructor, no flush, no unlock other than the kernel's) when it reaches
// that step. The variable is read once per process. Production code names its steps with
// `ocikit::store::fault_point(<the step's name as a string literal>)`; nothing else in the store sleeps or fails on purpose.
//
// The steps, in the order a push meets them:
//   blob.written          a blob's bytes are in its upload file, not yet fsynced or checked
//   blob.synced           the upload file is fsynced and checked, not yet in the pool
//   blob.pooled           the blob is linked into the pool (blobs/<alg>/<hex>), not yet into
//                         the repository
//   blob.linked           the blob is linked into the repository, the upload file not yet removed
//   manifest.stored       a pushed manifest's bytes are in the pool and the repository, the
//                         repository's index.json not yet changed
//   index.temp_written    a new index.json is written and fsynced under its temporary name
//   index.renamed         the new index.json has replaced the old one, its directory not yet
//                         fsynced (the push is acknowledged only after this)
//   catalog.written       the store's catalog (the root index.json) has its temporary file written
//   repo.removing         delete_repository has removed the repository's index.json, not yet its
//                         blob links
//   gc.repo_swept         gc has removed one repository's unreferenced links, not yet the pool's
//   gc.pool_swept         gc has removed the pool's unreferenced blobs, not yet the leftovers
//
// Example (a crash test):
//   OCIKIT_FAULT_POINT=index.temp_written ocikit store push-manifest a:v1 m.json  # killed
//   ocikit store fsck                                                            # exit 0
#ifndef OCIKIT_STORE_FAULT_HPP
#define OCIKIT_STORE_FAULT_HPP

#include <csignal>
#include <cstdlib>
#include <string>
#include <string_view>

namespace ocikit::store {

namespace detail {
inline const std::string& fault_point_setting() {
  static const std::string value = [] {
    const char* v = std::getenv("OCIKIT_FAULT_POINT");
    return std::string(v == nullptr ? "" : v);
  }();
  return value;
}
}  // namespace detail

/// Kills the process (SIGKILL) when OCIKIT_FAULT_POINT equals `name`; else does nothing.
inline void fault_point(std::string_view name) {
  const std::string& want = detail::fault_point_setting();
  if (!want.empty() && want == name) {
    std::raise(SIGKILL);
  }
}

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_FAULT_HPP
