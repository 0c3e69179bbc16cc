// Internals of ocikit/platform.hpp: containerd's compatibility vector (compare.go,
// platformVector), walked without building it.
#ifndef OCIKIT_DETAIL_PLATFORM_VECTOR_HPP
#define OCIKIT_DETAIL_PLATFORM_VECTOR_HPP

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocikit::detail {

/// Go's strconv.Atoi for the variant numbers containerd reads: an optional sign, then decimal
/// digits; at most 8 significant digits so that every rank fits an int (containerd would build
/// a vector of that many entries).
constexpr std::optional<std::int64_t> parse_variant_number(std::string_view s) noexcept {
  bool negative = false;
  if (!s.empty() && (s.front() == '+' || s.front() == '-')) {
    negative = s.front() == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) return std::nullopt;
  std::int64_t v = 0;
  std::size_t significant = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    if (v != 0 || c != '0') ++significant;
    if (significant > 8) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return negative ? -v : v;
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

/// Walks the compatibility vector of a wanted platform and records where a candidate's
/// (architecture, variant) first appears. Every entry is named in normalised form, as
/// containerd's matchers compare them.
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

/// An arm64 variant of containerd's table (arm64variantToVersion): its major and minor, and the
/// v8 minor it also runs (v9.x runs v8.(x+5), at most v8.9). v8, v8.0-v8.9, v9, v9.0-v9.7.
struct arm64_level {
  std::int64_t major = 0;
  std::int64_t minor = 0;
  std::int64_t v8_minor = -1;  ///< for v9.x; -1 for v8.x
};

constexpr std::optional<arm64_level> arm64_table(std::string_view v) noexcept {
  if (v == "v8") return arm64_level{8, 0, -1};
  if (v == "v9") return arm64_level{9, 0, 5};
  if (v.size() != 4 || v[0] != 'v' || v[2] != '.' || v[3] < '0' || v[3] > '9') return std::nullopt;
  const std::int64_t minor = v[3] - '0';
  if (v[1] == '8') return arm64_level{8, minor, -1};
  if (v[1] == '9' && minor <= 7) return arm64_level{9, minor, std::min<std::int64_t>(minor + 5, 9)};
  return std::nullopt;
}

/// Position of the candidate's (normalised) architecture and variant in the compatibility
/// vector of the wanted (normalised) ones:
///   amd64/vN    vN, vN-1, ..., v1, then 386
///   arm/vN      vN, vN-1, ..., v5
///   arm64/v8.x  v8.x, ..., v8, then arm/v8, arm/v7, arm/v6, arm/v5
///   arm64/v9.x  v9.x, ..., v9, then v8.(x+5, at most 9), ..., v8, then arm/v8, ..., arm/v5
///   others      only themselves
/// An arm64 variant outside containerd's table (v8.10, v9.8, v10) is only itself: containerd's
/// vector is empty then, so its Only matches nothing, not even the platform itself.
inline std::optional<std::int64_t> architecture_rank(std::string_view wanted_arch,
                                                     std::string_view wanted_variant,
                                                     std::string_view arch,
                                                     std::string_view variant) {
  compat_walk walk(arch, variant);
  walk.entry(wanted_arch, wanted_variant);
  const auto arm_tail = [&walk](std::string_view v) {
    if (const auto n = parse_variant_number(trim_v(v)); n && *n > 5) {
      walk.entries("arm", *n - 1, 5, v_name);
    }
  };
  if (wanted_arch == "amd64") {
    // amd64/vN: vN, vN-1, ..., v2, v1 (spelt ""), then 386.
    if (const auto n = parse_variant_number(trim_v(wanted_variant)); n && *n > 1) {
      walk.entries("amd64", *n - 1, 1,
                   [](std::int64_t k) { return k == 1 ? std::string() : v_name(k); });
    }
    walk.entry("386", "");
  } else if (wanted_arch == "arm") {
    arm_tail(wanted_variant);
  } else if (wanted_arch == "arm64") {
    const auto level = arm64_table(wanted_variant.empty() ? "v8" : wanted_variant);
    if (!level) return walk.found();
    // The wanted entry was the first; the rest of its own major, then (v9.x) the v8 levels.
    walk.entries("arm64", level->minor - 1, 0, [m = level->major](std::int64_t k) {
      if (k != 0) return numbered(v_name(m) + ".", k);
      return m == 8 ? std::string() : v_name(m);
    });
    if (level->v8_minor >= 0) {
      walk.entries("arm64", level->v8_minor, 0,
                   [](std::int64_t k) { return k == 0 ? std::string() : numbered("v8.", k); });
    }
    // Every arm64/v8.x and v9.x runs 32-bit arm/v8 and below.
    walk.entry("arm", "v8");
    arm_tail("v8");
  }
  return walk.found();
}

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_PLATFORM_VECTOR_HPP
