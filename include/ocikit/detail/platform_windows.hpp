// Internals of ocikit/platform.hpp and ocikit/select.hpp: Windows `os.version` values and which
// host runs which container (containerd's platform_windows_compat.go).
#ifndef OCIKIT_DETAIL_PLATFORM_WINDOWS_HPP
#define OCIKIT_DETAIL_PLATFORM_WINDOWS_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ocikit::detail {

/// major.minor.build of a Windows `os.version`; all zero when it does not parse.
struct windows_os_version {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::uint32_t build = 0;
  friend constexpr bool operator==(const windows_os_version&, const windows_os_version&) = default;
};

/// The LTSC builds whose containers newer hosts keep running (Windows Server 2022, 2025),
/// ascending (containerd's compatLTSCReleases).
inline constexpr std::uint32_t windows_ltsc_builds[] = {20348, 26100};

/// "<major>.<minor>.<build>[.<anything>]" with major, minor <= 255 and build <= 65535 in
/// decimal digits (the fields of the Windows version struct; containerd's getWindowsOSVersion);
/// anything else gives {0, 0, 0}.
constexpr windows_os_version parse_windows_os_version(std::string_view s) noexcept {
  std::uint32_t fields[3] = {0, 0, 0};
  constexpr std::uint32_t limits[3] = {0xff, 0xff, 0xffff};
  std::size_t p = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t begin = p;
    std::uint32_t value = 0;
    while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
      value = value * 10 + static_cast<std::uint32_t>(s[p] - '0');
      if (value > limits[i]) return {};
      ++p;
    }
    if (p == begin) return {};
    if (i < 2) {
      if (p == s.size() || s[p] != '.') return {};
      ++p;
    } else if (p != s.size() && s[p] != '.') {
      return {};
    }
    fields[i] = value;
  }
  return {fields[0], fields[1], fields[2]};
}

/// Can a host of version `host` run a container of version `ctr`? Same major.minor; below
/// build 20348 the same build; from 20348 on, any build from the newest LTSC build below the
/// host's (20348 for a 20348 host, which has none below it) up to the host's own — so a 26100
/// host also runs 20348 containers (checkWindowsHostAndContainerCompat).
constexpr bool windows_host_runs(const windows_os_version& host,
                                 const windows_os_version& ctr) noexcept {
  if (host.major != ctr.major || host.minor != ctr.minor) return false;
  if (host.build < windows_ltsc_builds[0]) return host.build == ctr.build;
  std::uint32_t floor = windows_ltsc_builds[0];
  for (const std::uint32_t ltsc : windows_ltsc_builds) {
    if (host.build > ltsc) floor = ltsc;
  }
  return floor <= ctr.build && ctr.build <= host.build;
}

/// The os.version rule of a wanted Windows platform (windowsVersionMatcher): an empty or
/// unparsable wanted version, or an empty candidate version, matches anything; otherwise
/// windows_host_runs().
constexpr bool windows_os_version_matches(const windows_os_version& host,
                                          std::string_view candidate) noexcept {
  if (host == windows_os_version{} || candidate.empty()) return true;
  return windows_host_runs(host, parse_windows_os_version(candidate));
}

/// A Windows os.version as one number that orders like major.minor.build.revision:
///   major << 56 | minor << 48 | build << 32 | revision
/// 0 when the version does not parse (see parse_windows_os_version); a fourth field that is not
/// 1 to 9 decimal digits counts as revision 0.
///   windows_version_key("10.0.20348.3091") > windows_version_key("10.0.20348.2700")
constexpr std::uint64_t windows_version_key(std::string_view v) noexcept {
  const windows_os_version w = parse_windows_os_version(v);
  if (w == windows_os_version{}) return 0;
  std::size_t p = 0;
  for (int dots = 0; p < v.size() && dots < 3; ++p) {
    if (v[p] == '.') ++dots;
  }
  std::uint64_t revision = 0;
  const std::size_t end = std::min(v.find('.', p), v.size());
  if (p < end && end - p <= 9) {
    for (std::size_t i = p; i < end; ++i) {
      if (v[i] < '0' || v[i] > '9') {
        revision = 0;
        break;
      }
      revision = revision * 10 + static_cast<std::uint64_t>(v[i] - '0');
    }
  }
  return std::uint64_t{w.major} << 56 | std::uint64_t{w.minor} << 48 |
         std::uint64_t{w.build} << 32 | revision;
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_PLATFORM_WINDOWS_HPP
