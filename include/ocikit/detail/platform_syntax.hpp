// Internals of ocikit/platform.hpp: the specifier split into its parts along
// ocikit/grammar/platform.hpp, %XX escapes of os versions and features, and containerd's
// spelling rules for operating systems and architectures (platforms.go, database.go).
#ifndef OCIKIT_DETAIL_PLATFORM_SYNTAX_HPP
#define OCIKIT_DETAIL_PLATFORM_SYNTAX_HPP

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <tao/pegtl.hpp>
#include <vector>

#include "ocikit/error.hpp"
#include "ocikit/grammar/platform.hpp"

namespace ocikit::detail {

// Go's syslist, as containerd's isKnownOS/isKnownArch (database.go).
inline constexpr std::string_view known_oses[] = {
    "aix",   "android", "darwin", "dragonfly", "freebsd", "hurd",    "illumos", "ios", "js",
    "linux", "nacl",    "netbsd", "openbsd",   "plan9",   "solaris", "windows", "zos"};
inline constexpr std::string_view known_architectures[] = {
    "386",     "amd64",   "amd64p32", "arm",    "armbe",  "arm64",    "arm64be",   "ppc64",
    "ppc64le", "loong64", "mips",     "mipsle", "mips64", "mips64le", "mips64p32", "mips64p32le",
    "ppc",     "riscv",   "riscv64",  "s390",   "s390x",  "sparc",    "sparc64",   "wasm"};

/// The operating system this program was compiled for, as Go's GOOS names it ("unknown" when
/// the preprocessor does not say): containerd's runtime.GOOS.
inline constexpr std::string_view compiled_os =
#if defined(__ANDROID__)
    "android";
#elif defined(__linux__)
    "linux";
#elif defined(_WIN32)
    "windows";
#elif defined(__APPLE__)
    "darwin";
#elif defined(__FreeBSD__)
    "freebsd";
#elif defined(__NetBSD__)
    "netbsd";
#elif defined(__OpenBSD__)
    "openbsd";
#elif defined(__DragonFly__)
    "dragonfly";
#elif defined(__sun)
    "solaris";
#elif defined(_AIX)
    "aix";
#elif defined(__GNU__)
    "hurd";
#else
    "unknown";
#endif

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

/// Decodes the %XX escapes of text that matched grammar::platform_os_version/feature (Go's
/// url.PathUnescape, as containerd's decodeOSOption).
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
/// every byte outside [A-Za-z0-9_.-] becomes %XX. containerd escapes only `%+()/`: the same
/// output for every value its parser accepts, and for any other value (a space, a ':') ocikit's
/// output still parses where containerd's does not.
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
  std::vector<std::string> os_features;  ///< in the order written
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

/// containerd's normalizeOS: empty -> the compiled-for os; lowercased; `macos` -> `darwin`.
inline void normalize_os(std::string& os) {
  if (os.empty()) {
    os = compiled_os;
    return;
  }
  lower_in_place(os);
  if (os == "macos") os = "darwin";
}

/// containerd's normalizeArch.
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

/// Is `s` one of `list`?
template <std::size_t N>
constexpr bool listed(const std::string_view (&list)[N], std::string_view s) noexcept {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_PLATFORM_SYNTAX_HPP
