// ocikit — the umbrella header: includes every public header of the library.
//   #include <ocikit/ocikit.hpp>
#ifndef OCIKIT_OCIKIT_HPP
#define OCIKIT_OCIKIT_HPP

#include "ocikit/config.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/policy.hpp"
#include "ocikit/reference.hpp"
#include "ocikit/version.hpp"

#endif  // OCIKIT_OCIKIT_HPP
