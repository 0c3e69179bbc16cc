// ocikit — the umbrella header: includes every public header of the library.
//   #include <ocikit/ocikit.hpp>
#ifndef OCIKIT_OCIKIT_HPP
#define OCIKIT_OCIKIT_HPP

#include "ocikit/any_manifest.hpp"
#include "ocikit/build.hpp"
#include "ocikit/check_options.hpp"
#include "ocikit/config.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/file.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/hash_file.hpp"
#include "ocikit/index.hpp"
#include "ocikit/json/pointer.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/policy.hpp"
#include "ocikit/problem.hpp"
#include "ocikit/reference.hpp"
#include "ocikit/referrers.hpp"
#include "ocikit/select.hpp"
#include "ocikit/validate.hpp"
#include "ocikit/version.hpp"

#endif  // OCIKIT_OCIKIT_HPP
