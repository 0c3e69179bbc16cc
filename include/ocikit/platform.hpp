// Platforms: the `platform` object of an image index entry, the platform specifiers users type
// (`linux/arm64`, `windows(10.0.20348+win32k)/amd64`), and containerd's rules to normalise, match
// and rank platforms (shared/spec/manifest.md, "Platform" and "Platform strings, normalisation
// and selection"; containerd/platforms is the de-facto standard).
//
//   ocikit::parse_platform(spec[, host])   specifier -> normalised platform
//   ocikit::normalize(p)                   canonical spelling (x86_64 -> amd64, ...)
//   ocikit::format(p)                      platform -> specifier (inverse of parse_platform)
//   ocikit::host_platform()                the platform this program was compiled for
//   ocikit::matches(wanted, candidate)     can `wanted` run `candidate`?
//   ocikit::compatibility_rank(w, c)       position of `c` in the preference order of `w`
//
// Example:
//   auto p = ocikit::parse_platform("Linux/aarch64/v8");  // os "linux", architecture "arm64"
//   ocikit::format(*p) == "linux/arm64";
//   ocikit::compatibility_rank(*p, {.os = "linux", .architecture = "arm", .variant = "v7"}) == 2;
//
// The grammar of specifiers is ocikit/grammar/platform.hpp.
#ifndef OCIKIT_PLATFORM_HPP
#define OCIKIT_PLATFORM_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <utility>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/grammar/platform.hpp"

namespace ocikit {

/// An OCI platform (image-spec `platform`: `architecture`, `os`, `os.version`, `os.features`,
/// `variant`, `features`). Compare normalised platforms only (see normalize()).
struct platform {
  std::string os;            ///< "linux", "windows", "darwin", ...
  std::string architecture;  ///< "amd64", "arm64", "arm", "386", ...
  std::string variant;       ///< "v7", "v8.2", ... (empty when the architecture's default)
  std::string os_version;    ///< JSON `os.version`, e.g. "10.0.20348.3091"
  std::vector<std::string> os_features;  ///< JSON `os.features`, e.g. {"win32k"}
  std::vector<std::string> features;     ///< JSON `features` (reserved by the image-spec)

  friend bool operator==(const platform&, const platform&) = default;
};

namespace detail {

// Go's syslist, as containerd's isKnownOS/isKnownArch (database.go).
inline constexpr std::string_view known_oses[] = {
    "aix",   "android", "darwin", "dragonfly", "freebsd", "hurd",    "illumos", "ios", "js",
    "linux", "nacl",    "netbsd", "openbsd",   "plan9",   "solaris", "windows", "zos"};
inline constexpr std::string_view known_architectures[] = {
    "386",     "amd64",   "amd64p32", "arm",    "armbe",  "arm64",    "arm64be",   "ppc64",
    "ppc64le", "loong64", "mips",     "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
    "ppc",     "riscv",   "riscv64",  "s390",   "s390x",  "sparc",    "sparc64",   "wasm"};

constexpr char ascii_lower(char c) noexcept {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline void lower_in_place(std::string& s) noexcept {
  for (char& c : s) c = ascii_lower(c);
}

/// Length of the match of `Rule` at `pos` in `s`, or npos when it does not match there.
template <class Rule>
[[nodiscard]] std::size_t platform_match(std::string_view s, std::size_t pos) {
  const char* begin = s.data() + pos;
  tao::pegtl::memory_input<tao::pegtl::tracking_mode::lazy, tao::pegtl::eol::lf_crlf, const char*>
      in(begin, s.data() + s.size(), "platform");
  if (!tao::pegtl::parse<Rule>(in)) return std::string_view::npos;
  return static_cast<std::size_t>(in.current() - begin);
}

constexpr int hex_digit_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/// Decodes the %XX escapes of text that matched grammar::platform_os_version/feature.
inline std::string percent_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(hex_digit_value(s[i + 1]) * 16 + hex_digit_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/// Writes an os version or feature so that grammar::platform_os_version/feature reads it back:
/// every byte outside [A-Za-z0-9_.-] becomes %XX (containerd escapes only `%+()/`, which is the
/// same output for every value its parser accepts).
inline void percent_encode(std::string& out, std::string_view s) {
  constexpr char hex[] = "0123456789ABCDEF";
  for (const char c : s) {
    if (grammar::chars::platform_option(c)) {
      out += c;
    } else {
      const auto u = static_cast<unsigned char>(c);
      out += '%';
      out += hex[u >> 4];
      out += hex[u & 0xf];
    }
  }
}

/// A specifier split into its parts, escapes decoded, nothing normalised or looked up.
struct platform_syntax {
  std::string_view os_name;
  bool has_options = false;
  std::string os_version;
  std::vector<std::string> os_features;
  std::string_view architecture;
  std::string_view variant;
  std::size_t parts = 0;  ///< 1, 2 or 3
};

/// Splits a specifier along grammar::platform_specifier_only, one rule at a time, so that a
/// failure names the part and the byte. Succeeds exactly when the grammar matches.
inline result<platform_syntax> parse_platform_syntax(std::string_view s) {
  namespace g = grammar;
  constexpr auto npos = std::string_view::npos;
  if (s.empty()) return error(errc::platform_empty, 0);
  if (const auto star = s.find('*'); star != npos) return error(errc::platform_wildcard, star, '*');

  platform_syntax out;
  const std::size_t n = s.size();
  std::size_t p = 0;
  const auto at_end = [&] { return p == n; };

  // os-name
  const std::size_t name_len = platform_match<g::platform_os_name>(s, p);
  if (name_len == npos) {
    if (s[p] == '/' || s[p] == '(') return error(errc::platform_empty_part, p, "operating system");
    return error(errc::platform_invalid_os, p, s[p]);
  }
  out.os_name = s.substr(p, name_len);
  p += name_len;

  // [ "(" os-options ")" ]
  if (!at_end() && s[p] == '(') {
    out.has_options = true;
    ++p;
    if (const std::size_t len = platform_match<g::platform_os_version>(s, p); len != npos) {
      out.os_version = percent_decode(s.substr(p, len));
      p += len;
    }
    while (!at_end() && s[p] == '+') {
      ++p;
      const std::size_t len = platform_match<g::platform_os_feature>(s, p);
      if (len == npos) {
        if (at_end() || s[p] == ')' || s[p] == '+')
          return error(errc::platform_empty_os_feature, p);
        if (s[p] == '%') return error(errc::platform_invalid_escape, p, '%');
        return error(errc::platform_invalid_os_option, p, s[p]);
      }
      out.os_features.push_back(percent_decode(s.substr(p, len)));
      p += len;
    }
    if (at_end()) return error(errc::platform_unclosed_os_options, p);
    if (s[p] == '%') return error(errc::platform_invalid_escape, p, '%');
    if (s[p] != ')') return error(errc::platform_invalid_os_option, p, s[p]);
    ++p;
  }
  out.parts = 1;
  if (at_end()) return out;
  if (s[p] != '/') return error(errc::platform_invalid_os, p, s[p]);
  ++p;

  // architecture
  const std::size_t arch_len = platform_match<g::platform_architecture>(s, p);
  if (arch_len == npos) {
    if (at_end() || s[p] == '/') return error(errc::platform_empty_part, p, "architecture");
    return error(errc::platform_invalid_architecture, p, s[p]);
  }
  out.architecture = s.substr(p, arch_len);
  p += arch_len;
  out.parts = 2;
  if (at_end()) return out;
  if (s[p] != '/') return error(errc::platform_invalid_architecture, p, s[p]);
  ++p;

  // variant
  const std::size_t variant_len = platform_match<g::platform_variant>(s, p);
  if (variant_len == npos) {
    if (at_end() || s[p] == '/') return error(errc::platform_empty_part, p, "variant");
    return error(errc::platform_invalid_variant, p, s[p]);
  }
  out.variant = s.substr(p, variant_len);
  p += variant_len;
  out.parts = 3;
  if (at_end()) return out;
  if (s[p] == '/') return error(errc::platform_too_many_parts, p, '/');
  return error(errc::platform_invalid_variant, p, s[p]);
}

/// os lowercased; `macos` -> `darwin`.
inline void normalize_os(std::string& os) {
  lower_in_place(os);
  if (os == "macos") os = "darwin";
}

/// containerd's normalizeArch, plus `v8.0` -> none and `9`, `9.0`, `v9.0` -> `v9` for arm64.
inline void normalize_architecture(std::string& arch, std::string& variant) {
  lower_in_place(arch);
  lower_in_place(variant);
  if (arch == "i386") {
    arch = "386";
    variant.clear();
  } else if (arch == "x86_64" || arch == "x86-64" || arch == "amd64") {
    arch = "amd64";
    if (variant == "v1") variant.clear();
  } else if (arch == "aarch64" || arch == "arm64") {
    arch = "arm64";
    if (variant == "8" || variant == "v8" || variant == "v8.0") {
      variant.clear();
    } else if (variant == "9" || variant == "9.0" || variant == "v9.0") {
      variant = "v9";
    }
  } else if (arch == "armhf") {
    arch = "arm";
    variant = "v7";
  } else if (arch == "armel") {
    arch = "arm";
    variant = "v6";
  } else if (arch == "arm") {
    if (variant.empty() || variant == "7") {
      variant = "v7";
    } else if (variant == "5" || variant == "6" || variant == "8") {
      variant.insert(variant.begin(), 'v');
    }
  }
}

// ---- Windows os.version --------------------------------------------------------------------

/// major.minor.build of a Windows `os.version`; all zero when it does not parse.
struct windows_os_version {
  std::uint32_t major = 0;
  std::uint32_t minor = 0;
  std::uint32_t build = 0;
  friend constexpr bool operator==(const windows_os_version&, const windows_os_version&) = default;
};

/// The LTSC builds whose containers newer hosts keep running (Windows Server 2022, 2025).
inline constexpr std::uint32_t windows_ltsc_builds[] = {20348, 26100};

/// "<major>.<minor>.<build>[.<anything>]" with major, minor <= 255 and build <= 65535 (the
/// fields of the Windows version struct); anything else gives {0, 0, 0}.
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
/// host also runs 20348 containers, as containerd does.
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

/// The os.version rule of a wanted Windows platform: an empty or unparsable wanted version, or
/// an empty candidate version, matches anything; otherwise windows_host_runs().
constexpr bool windows_os_version_matches(std::string_view wanted,
                                          std::string_view candidate) noexcept {
  const windows_os_version host = parse_windows_os_version(wanted);
  if (host == windows_os_version{} || candidate.empty()) return true;
  return windows_host_runs(host, parse_windows_os_version(candidate));
}

// ---- compatibility order -------------------------------------------------------------------

/// Go's strconv.Atoi for the variant numbers containerd reads: decimal digits only; at most 8
/// significant digits so that every rank fits an int.
constexpr std::optional<std::int64_t> parse_variant_number(std::string_view s) noexcept {
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  std::size_t significant = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v != 0 || c != '0') ++significant;
    if (significant > 8) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

constexpr std::string_view trim_v(std::string_view s) noexcept {
  return s.starts_with('v') ? s.substr(1) : s;
}

/// The number that ends `s` ("v8.3" -> 3, "v12" -> 12), if any.
constexpr std::optional<std::int64_t> trailing_number(std::string_view s) noexcept {
  std::size_t b = s.size();
  while (b > 0 && s[b - 1] >= '0' && s[b - 1] <= '9') --b;
  return parse_variant_number(s.substr(b));
}

/// Walks containerd's compatibility vector (compare.go, platformVector) of a wanted platform
/// without building it, and records where a candidate's (architecture, variant) first appears.
/// Every entry is compared in normalised form, as containerd's matchers do.
class compat_walk {
 public:
  compat_walk(std::string_view arch, std::string_view variant) noexcept
      : arch_(arch), variant_(variant) {}

  /// One entry.
  void entry(std::string_view arch, std::string_view variant) {
    if (!found_ && arch == arch_ && variant == variant_) found_ = pos_;
    ++pos_;
  }
  /// The entries name(hi), name(hi - 1), ..., name(lo) of one architecture.
  template <class Name>
  void entries(std::string_view arch, std::int64_t hi, std::int64_t lo, Name name) {
    if (hi < lo) return;
    if (!found_ && arch == arch_) {
      const auto try_k = [&](std::int64_t k) {
        if (k >= lo && k <= hi && name(k) == variant_) found_ = pos_ + (hi - k);
      };
      try_k(lo);  // the lowest entry may have a special name ("", "v9")
      if (const auto k = trailing_number(variant_); !found_ && k) try_k(*k);
    }
    pos_ += hi - lo + 1;
  }
  [[nodiscard]] std::optional<std::int64_t> found() const noexcept { return found_; }

 private:
  std::string_view arch_;
  std::string_view variant_;
  std::int64_t pos_ = 0;
  std::optional<std::int64_t> found_;
};

/// `prefix` followed by the decimal `k` ("v" and 7 -> "v7"). (Appending, rather than
/// `"v" + std::to_string(k)`, avoids a false -Wrestrict of g++ 12 at -O2.)
inline std::string numbered(std::string_view prefix, std::int64_t k) {
  std::string out(prefix);
  out += std::to_string(k);
  return out;
}

inline std::string v_name(std::int64_t k) { return numbered("v", k); }

/// arm/vN runs vN-1 ... v5 after itself.
inline void arm_tail(compat_walk& walk, std::string_view variant) {
  if (const auto n = parse_variant_number(trim_v(variant)); n && *n > 5) {
    walk.entries("arm", *n - 1, 5, v_name);
  }
}

/// Position of the candidate's (normalised) architecture and variant in the compatibility
/// order of the wanted (normalised) ones.
inline std::optional<std::int64_t> architecture_rank(const std::string& wanted_arch,
                                                     const std::string& wanted_variant,
                                                     std::string_view arch,
                                                     std::string_view variant) {
  compat_walk walk(arch, variant);
  walk.entry(wanted_arch, wanted_variant);
  if (wanted_arch == "amd64") {
    // amd64/vN: vN, vN-1, ..., v2, v1 (spelt ""), then 386.
    if (const auto n = parse_variant_number(trim_v(wanted_variant)); n && *n > 1) {
      walk.entries("amd64", *n - 1, 1,
                   [](std::int64_t k) { return k == 1 ? std::string() : v_name(k); });
    }
    walk.entry("386", "");
  } else if (wanted_arch == "arm") {
    arm_tail(walk, wanted_variant);
  } else if (wanted_arch == "arm64") {
    std::string v = wanted_variant.empty() ? std::string("v8") : wanted_variant;
    const std::size_t dot = v.find('.');
    const std::string_view major_text = std::string_view(v).substr(0, dot);
    if (const auto major = parse_variant_number(trim_v(major_text)); major && *major >= 8) {
      std::int64_t minor = 0;
      if (dot != std::string::npos) {
        if (const auto m = parse_variant_number(std::string_view(v).substr(dot + 1))) minor = *m;
      }
      std::int64_t m_major = *major;
      if (m_major == 9) {
        // v9.x: v9.x-1 ... v9, then v8.(x+5) (v9.0 diverged from v8.5; at most v8.9).
        walk.entries("arm64", minor - 1, 0, [](std::int64_t k) {
          return k == 0 ? std::string("v9") : numbered("v9.", k);
        });
        minor = std::min<std::int64_t>(minor + 5, 9);
        m_major = 8;
        walk.entry("arm64", numbered("v8.", minor));
      }
      // vM.x-1 ... vM (v8 is spelt "").
      walk.entries("arm64", minor - 1, 0, [m_major](std::int64_t k) {
        if (k != 0) return numbered(v_name(m_major) + ".", k);
        return m_major == 8 ? std::string() : v_name(m_major);
      });
    }
    // Then 32-bit arm: every v8.x and v9.x runs arm/v8 and below.
    if (v.starts_with("v8.") || v.starts_with("v9.")) v = "v8";
    std::string arm_arch = "arm";
    std::string arm_variant = v;
    normalize_architecture(arm_arch, arm_variant);
    walk.entry(arm_arch, arm_variant);
    arm_tail(walk, v);
  }
  return walk.found();
}

}  // namespace detail

/// Is `os` one of Go's operating systems (aix, android, darwin, dragonfly, freebsd, hurd,
/// illumos, ios, js, linux, nacl, netbsd, openbsd, plan9, solaris, windows, zos)? Exact match:
/// normalise first.   is_known_os("linux") == true; is_known_os("Linux") == false
[[nodiscard]] constexpr bool is_known_os(std::string_view os) noexcept {
  return std::ranges::find(detail::known_oses, os) != std::end(detail::known_oses);
}

/// Is `arch` one of Go's architectures (386, amd64, arm, arm64, ppc64le, riscv64, s390x, ...)?
/// Exact match: normalise first.   is_known_architecture("arm64") == true
[[nodiscard]] constexpr bool is_known_architecture(std::string_view arch) noexcept {
  return std::ranges::find(detail::known_architectures, arch) !=
         std::end(detail::known_architectures);
}

/// The canonical spelling of a platform (containerd's Normalize), field by field:
///   os            lowercased; macos -> darwin
///   architecture  lowercased, with its variant lowercased:
///                 i386 -> 386 (variant dropped); x86_64, x86-64 -> amd64; amd64/v1 -> amd64;
///                 aarch64 -> arm64; arm64 variant 8, v8, v8.0 -> none; 9, 9.0, v9.0 -> v9;
///                 armhf -> arm/v7; armel -> arm/v6; arm with no variant or 7 -> v7;
///                 arm 5, 6, 8 -> v5, v6, v8
///   os_features   sorted, duplicates removed
///   os_version, features  unchanged
/// Example: normalize({.os = "Linux", .architecture = "x86_64"}) == {"linux", "amd64"}.
[[nodiscard]] inline platform normalize(platform p) {
  detail::normalize_os(p.os);
  detail::normalize_architecture(p.architecture, p.variant);
  std::sort(p.os_features.begin(), p.os_features.end());
  p.os_features.erase(std::unique(p.os_features.begin(), p.os_features.end()), p.os_features.end());
  return p;
}

/// The platform this program was compiled for (the preprocessor's view of the target: Go's
/// GOOS/GOARCH names; arm's variant from __ARM_ARCH), normalised. Unrecognised targets give
/// "unknown". Example: on x86-64 Linux, host_platform() == {"linux", "amd64"}.
[[nodiscard]] inline platform host_platform() {
  platform p;
#if defined(__ANDROID__)
  p.os = "android";
#elif defined(__linux__)
  p.os = "linux";
#elif defined(_WIN32)
  p.os = "windows";
#elif defined(__APPLE__)
  p.os = "darwin";
#elif defined(__FreeBSD__)
  p.os = "freebsd";
#elif defined(__NetBSD__)
  p.os = "netbsd";
#elif defined(__OpenBSD__)
  p.os = "openbsd";
#elif defined(__DragonFly__)
  p.os = "dragonfly";
#elif defined(__sun)
  p.os = "solaris";
#elif defined(_AIX)
  p.os = "aix";
#elif defined(__GNU__)
  p.os = "hurd";
#else
  p.os = "unknown";
#endif

#if defined(__x86_64__) || defined(_M_X64) || defined(_M_AMD64)
  p.architecture = "amd64";
#elif defined(__i386__) || defined(_M_IX86)
  p.architecture = "386";
#elif defined(__aarch64__) || defined(_M_ARM64)
  p.architecture = "arm64";
#elif defined(__arm__) || defined(_M_ARM)
  p.architecture = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 5 && __ARM_ARCH <= 8
  p.variant = detail::v_name(__ARM_ARCH);
#endif
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  p.architecture = "ppc64le";
#elif defined(__powerpc64__)
  p.architecture = "ppc64";
#elif defined(__s390x__)
  p.architecture = "s390x";
#elif defined(__riscv) && defined(__riscv_xlen) && __riscv_xlen == 64
  p.architecture = "riscv64";
#elif defined(__loongarch64)
  p.architecture = "loong64";
#elif defined(__mips64) && defined(__MIPSEL__)
  p.architecture = "mips64le";
#elif defined(__mips64)
  p.architecture = "mips64";
#elif defined(__mips__) && defined(__MIPSEL__)
  p.architecture = "mipsle";
#elif defined(__mips__)
  p.architecture = "mips";
#elif defined(__wasm__)
  p.architecture = "wasm";
#else
  p.architecture = "unknown";
#endif
  return normalize(std::move(p));
}

/// Parses a platform specifier (grammar::platform_specifier_only) and normalises it:
///   specifier := <os> | <arch> | <os>/<arch>[/<variant>]     <os> := name[(version[+feature…])]
/// A single word is an operating system if is_known_os() says so after normalisation (`host`
/// gives architecture and variant), else an architecture that must be is_known_architecture()
/// (`host` gives the os). os version and features may use %XX escapes.
///   parse_platform("linux/arm", host)  -> {os "linux", architecture "arm", variant "v7"}
///   parse_platform("windows(10.0.20348+win32k)/amd64", host)
///                                      -> {"windows", "amd64", "", "10.0.20348", {"win32k"}}
///   parse_platform("arm64", {.os = "linux", .architecture = "amd64"}) -> linux/arm64
/// Errors: platform.empty, platform.wildcard, platform.too_many_parts, platform.empty_part,
/// platform.invalid_os, platform.invalid_os_option, platform.unclosed_os_options,
/// platform.empty_os_feature, platform.invalid_escape, platform.invalid_architecture,
/// platform.invalid_variant, platform.unknown_os_or_arch, platform.unknown_os.
[[nodiscard]] inline result<platform> parse_platform(std::string_view spec, const platform& host) {
  auto syntax = detail::parse_platform_syntax(spec);
  if (!syntax) return syntax.error();
  platform p;
  p.os = std::string(syntax->os_name);
  detail::normalize_os(p.os);
  p.os_version = std::move(syntax->os_version);
  p.os_features = std::move(syntax->os_features);
  if (syntax->parts == 1) {
    if (is_known_os(p.os)) {
      p.architecture = host.architecture;
      p.variant = host.variant;
    } else if (syntax->has_options) {
      return error(errc::platform_unknown_os, 0, std::string(syntax->os_name));
    } else {
      std::string arch(syntax->os_name);
      std::string variant;
      detail::normalize_architecture(arch, variant);
      if (!is_known_architecture(arch)) {
        return error(errc::platform_unknown_os_or_arch, 0, std::string(syntax->os_name));
      }
      p.os = host.os;
      p.architecture = std::move(arch);
      p.variant = std::move(variant);
    }
  } else {
    p.architecture = std::string(syntax->architecture);
    p.variant = std::string(syntax->variant);
  }
  return normalize(std::move(p));
}

/// parse_platform(spec, host_platform()).   parse_platform("linux/amd64/v3")
[[nodiscard]] inline result<platform> parse_platform(std::string_view spec) {
  return parse_platform(spec, host_platform());
}

/// Writes a platform as a specifier (containerd's FormatAll):
///   os[(version[+feature…])][/architecture[/variant]]
/// The parentheses appear when there is a version or a non-empty feature; features are written
/// sorted, empty ones skipped; bytes of the version and features outside [A-Za-z0-9_.-] are
/// written as %XX. Fields are written as they are: normalise first for the canonical form. For a
/// platform with an os and an architecture that parse_platform() produced,
/// parse_platform(format(p)) == p.
///   format({.os = "windows", .architecture = "amd64", .os_version = "10.0.17763",
///           .os_features = {"win32k"}}) == "windows(10.0.17763+win32k)/amd64"
[[nodiscard]] inline std::string format(const platform& p) {
  std::string out = p.os;
  std::vector<std::string_view> features;
  for (const auto& f : p.os_features) {
    if (!f.empty()) features.emplace_back(f);
  }
  std::sort(features.begin(), features.end());
  if (!p.os_version.empty() || !features.empty()) {
    out += '(';
    detail::percent_encode(out, p.os_version);
    for (const auto f : features) {
      out += '+';
      detail::percent_encode(out, f);
    }
    out += ')';
  }
  if (!p.architecture.empty()) {
    out += '/';
    out += p.architecture;
  }
  if (!p.variant.empty()) {
    out += '/';
    out += p.variant;
  }
  return out;
}

/// Where `candidate` stands in the preference order of a host or request `wanted`: 0 for the
/// same platform, higher for less preferred, -1 when `wanted` cannot run it. Both sides are
/// normalised first. The order (containerd's platformVector; compare.go):
///   amd64/vN    vN, vN-1, ..., v1, then 386
///   arm/vN      vN, vN-1, ..., v5
///   arm64/v8.x  v8.x, v8.x-1, ..., v8, then arm/v8, arm/v7, arm/v6, arm/v5
///   arm64/v9.x  v9.x, ..., v9, then v8.(x+5, at most 9), ..., v8, then arm (arm/v9 for a
///               plain v9, as containerd; arm/v8 for v9.x), arm/v8, ..., arm/v5
///   others      only themselves
/// and every entry also needs: the same os; the candidate's os_features a subset of the wanted
/// ones; for a Windows `wanted` with an os_version, the Windows version rule (same major.minor;
/// below build 20348 the same build; from 20348 any build from the newest LTSC build (20348,
/// 26100) below the host's up to the host's own). An `unknown/unknown` candidate (an
/// attestation manifest) never matches. Rank 0 is containerd's strict match (OnlyStrict).
///   compatibility_rank(linux/amd64/v3, linux/amd64)  == 2
///   compatibility_rank(linux/arm64, linux/arm/v7)    == 2
///   compatibility_rank(linux/amd64, linux/arm64)     == -1
[[nodiscard]] inline int compatibility_rank(const platform& wanted, const platform& candidate) {
  const platform w = normalize(wanted);
  const platform c = normalize(candidate);
  if (c.os == "unknown" && c.architecture == "unknown") return -1;
  if (w.os != c.os) return -1;
  if (w.os == "windows" && !detail::windows_os_version_matches(w.os_version, c.os_version)) {
    return -1;
  }
  if (!std::includes(w.os_features.begin(), w.os_features.end(), c.os_features.begin(),
                     c.os_features.end())) {
    return -1;
  }
  const auto rank = detail::architecture_rank(w.architecture, w.variant, c.architecture, c.variant);
  return rank ? static_cast<int>(*rank) : -1;
}

/// Can `wanted` (a host, or a request such as `linux/arm64`) run `candidate` (an index entry's
/// platform)? compatibility_rank(wanted, candidate) >= 0 (containerd's Only(wanted).Match).
///   matches(linux/amd64, linux/386) == true; matches(linux/386, linux/amd64) == false
[[nodiscard]] inline bool matches(const platform& wanted, const platform& candidate) {
  return compatibility_rank(wanted, candidate) >= 0;
}

}  // namespace ocikit

#endif  // OCIKIT_PLATFORM_HPP
