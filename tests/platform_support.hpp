// Helpers shared by the platform tests (tests/platform_test.cpp,
// tests/platform_containerd_test.cpp).
#ifndef OCIKIT_TESTS_PLATFORM_SUPPORT_HPP
#define OCIKIT_TESTS_PLATFORM_SUPPORT_HPP

#include <string>
#include <utility>
#include <vector>

#include "ocikit/platform.hpp"

namespace ocikit::test {

/// A platform from its fields (designated initialisers would draw -Wmissing-field-initializers).
inline platform make(std::string os, std::string arch, std::string variant = {},
                     std::string os_version = {}, std::vector<std::string> os_features = {}) {
  platform p;
  p.os = std::move(os);
  p.architecture = std::move(arch);
  p.variant = std::move(variant);
  p.os_version = std::move(os_version);
  p.os_features = std::move(os_features);
  return p;
}

}  // namespace ocikit::test

#endif  // OCIKIT_TESTS_PLATFORM_SUPPORT_HPP
