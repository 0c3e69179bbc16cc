// The text of a `mediaType` as the models hold it (descriptor, manifest, index): a known media
// type (one of ocikit::media_types) is held as a small number and costs no allocation; any
// other text is held in a std::string. It reads as a std::string_view and compares with strings,
// so code written for a std::string member keeps working:
//
//   ocikit::media_type_text mt = ocikit::media_types::oci_layer_tar_gzip;  // no allocation
//   mt == "application/vnd.oci.image.layer.v1.tar+gzip";                    // true
//   std::string_view v = mt;   mt.string();   mt.str();   std::cout << mt;
//   mt.is_known();             // true: one of ocikit::media_types
//   mt = "application/x.example";  // any text: held in a std::string (is_known() is false)
//
// A registry's documents name a handful of media types over and over; holding those without an
// allocation is most of what keeps a parsed manifest cheap (benchmarks/registry_mix.cpp).
#ifndef OCIKIT_MEDIA_TYPE_TEXT_HPP
#define OCIKIT_MEDIA_TYPE_TEXT_HPP

#include <array>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ocikit/media_type.hpp"

namespace ocikit {

namespace detail {

// The media types a media_type_text holds without allocating, in ocikit::media_types order.
// Index 0 is "not one of them".
inline constexpr std::array<std::string_view, 33> known_media_types = {
    std::string_view{},
    media_types::oci_descriptor,
    media_types::oci_layout_header,
    media_types::oci_index,
    media_types::oci_manifest,
    media_types::oci_config,
    media_types::oci_empty,
    media_types::oci_layer_tar,
    media_types::oci_layer_tar_gzip,
    media_types::oci_layer_tar_zstd,
    media_types::oci_layer_nondistributable_tar,
    media_types::oci_layer_nondistributable_tar_gzip,
    media_types::oci_layer_nondistributable_tar_zstd,
    media_types::oci_artifact_manifest,
    media_types::docker_manifest,
    media_types::docker_manifest_list,
    media_types::docker_manifest_v1,
    media_types::docker_manifest_v1_signed,
    media_types::docker_config,
    media_types::docker_layer_tar_gzip,
    media_types::docker_foreign_layer_tar_gzip,
    media_types::docker_layer_tar,
    media_types::docker_plugin_config,
    media_types::helm_config,
    media_types::helm_chart,
    media_types::cosign_simple_signing,
    media_types::dsse_envelope,
    media_types::notary_signature,
    media_types::spdx_json,
    media_types::cyclonedx_json,
    media_types::in_toto_json,
    media_types::wasm_config,
    media_types::wasm,
};

// The known media types grouped by length: the ones of length n are
// known_media_types[by_length.index[by_length.first[n]] ...
// by_length.index[by_length.first[n + 1] - 1]].
struct media_types_by_length {
  static constexpr std::size_t max_length = 64;
  std::array<std::uint8_t, max_length + 2> first{};
  std::array<std::uint8_t, known_media_types.size()> index{};
};

consteval media_types_by_length group_by_length() {
  media_types_by_length g;
  std::size_t n = 0;
  for (std::size_t len = 0; len <= media_types_by_length::max_length; ++len) {
    g.first[len] = static_cast<std::uint8_t>(n);
    for (std::size_t i = 1; i < known_media_types.size(); ++i) {
      if (known_media_types[i].size() == len) g.index[n++] = static_cast<std::uint8_t>(i);
    }
  }
  g.first[media_types_by_length::max_length + 1] = static_cast<std::uint8_t>(n);
  // Every known media type must be reachable: none longer than max_length.
  if (n != known_media_types.size() - 1) throw "a known media type is longer than max_length";
  return g;
}

inline constexpr media_types_by_length known_by_length = group_by_length();

// a == b for strings of the same size n >= 8: eight bytes at a time, the last eight overlapping
// (no call to memcmp for these short strings).
inline bool equal_words(const char* a, const char* b, std::size_t n) noexcept {
  const auto word = [](const char* p) {
    std::uint64_t w = 0;
    std::memcpy(&w, p, sizeof w);
    return w;
  };
  std::uint64_t diff = word(a + n - 8) ^ word(b + n - 8);
  for (std::size_t i = 0; i + 8 < n; i += 8) diff |= word(a + i) ^ word(b + i);
  return diff == 0;
}

// The index of `s` in known_media_types, 0 when it is not one of them.
constexpr std::uint8_t find_known_media_type(std::string_view s) noexcept {
  if (s.size() > media_types_by_length::max_length) return 0;
  for (std::size_t k = known_by_length.first[s.size()]; k < known_by_length.first[s.size() + 1];
       ++k) {
    const std::uint8_t i = known_by_length.index[k];
    if (std::is_constant_evaluated() || s.size() < 8
            ? known_media_types[i] == s
            : equal_words(known_media_types[i].data(), s.data(), s.size())) {
      return i;
    }
  }
  return 0;
}

// The index of a constant of ocikit::media_types (at compile time).
consteval std::uint8_t known_media_type(std::string_view s) {
  const std::uint8_t i = find_known_media_type(s);
  if (i == 0) throw "not a known media type";
  return i;
}

}  // namespace detail

/// A media type's text: a known one (ocikit::media_types) without allocation, any other text in
/// a std::string. Reads as a std::string_view; compares with any string.
class media_type_text {
 public:
  /// The empty text.
  media_type_text() noexcept = default;
  /// `s` (held without allocation when it is one of ocikit::media_types).
  media_type_text(std::string_view s) { assign(s); }  // NOLINT(google-explicit-constructor)
  media_type_text(const char* s) { assign(std::string_view(s)); }  // NOLINT(google-explicit-*)
  media_type_text(const std::string& s) { assign(std::string_view(s)); }  // NOLINT(google-*)
  media_type_text(std::string&& s) { assign(std::move(s)); }  // NOLINT(google-explicit-*)

  media_type_text& operator=(std::string_view s) {
    assign(s);
    return *this;
  }
  media_type_text& operator=(const char* s) {
    assign(std::string_view(s));
    return *this;
  }
  media_type_text& operator=(const std::string& s) {
    assign(std::string_view(s));
    return *this;
  }
  media_type_text& operator=(std::string&& s) {
    assign(std::move(s));
    return *this;
  }

  /// Replaces the text with `s`.
  void assign(std::string_view s) {
    known_ = detail::find_known_media_type(s);
    if (known_ == 0) {
      other_.assign(s);
    } else {
      other_.clear();
    }
  }
  /// Replaces the text with `s`, keeping its storage when it is not a known media type.
  void assign(std::string&& s) {
    known_ = detail::find_known_media_type(s);
    if (known_ == 0) {
      other_ = std::move(s);
    } else {
      other_.clear();
    }
  }
  /// Empties the text.
  void clear() noexcept {
    known_ = 0;
    other_.clear();
  }

  /// The text.
  [[nodiscard]] std::string_view string() const noexcept {
    return known_ != 0 ? detail::known_media_types[known_] : std::string_view(other_);
  }
  /// The text as a std::string.
  [[nodiscard]] std::string str() const { return std::string(string()); }
  operator std::string_view() const noexcept { return string(); }  // NOLINT(google-explicit-*)

  [[nodiscard]] bool empty() const noexcept { return known_ == 0 && other_.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return string().size(); }
  [[nodiscard]] const char* data() const noexcept { return string().data(); }
  [[nodiscard]] bool starts_with(std::string_view prefix) const noexcept {
    return string().starts_with(prefix);
  }
  [[nodiscard]] bool ends_with(std::string_view suffix) const noexcept {
    return string().ends_with(suffix);
  }

  /// True when the text is one of ocikit::media_types (then it is a valid media type).
  [[nodiscard]] bool is_known() const noexcept { return known_ != 0; }
  /// The text's index in the known media types (0 when it is not one): a comparison with a
  /// constant as one number. Example:
  /// `mt.known_index() == ocikit::detail::known_media_type(ocikit::media_types::oci_empty)`
  [[nodiscard]] std::uint8_t known_index() const noexcept { return known_; }

  friend bool operator==(const media_type_text& a, const media_type_text& b) noexcept {
    if (a.known_ != 0 || b.known_ != 0) return a.known_ == b.known_;
    return a.other_ == b.other_;
  }
  friend bool operator==(const media_type_text& a, std::string_view b) noexcept {
    return a.string() == b;
  }
  friend bool operator==(const media_type_text& a, const char* b) noexcept {
    return a.string() == std::string_view(b);
  }
  friend bool operator==(const media_type_text& a, const std::string& b) noexcept {
    return a.string() == std::string_view(b);
  }
  friend std::strong_ordering operator<=>(const media_type_text& a,
                                          const media_type_text& b) noexcept {
    return a.string() <=> b.string();
  }

  /// Writes the text.
  friend std::ostream& operator<<(std::ostream& os, const media_type_text& mt) {
    return os << mt.string();
  }

 private:
  std::uint8_t known_ = 0;  // index in detail::known_media_types, 0 for other_
  std::string other_;
};

/// `std::string(a) + b` for a media type text and a string.
inline std::string operator+(const std::string& a, const media_type_text& b) {
  std::string out = a;
  out += b.string();
  return out;
}
/// The media type text after a string.
inline std::string operator+(const media_type_text& a, const std::string& b) {
  std::string out = a.str();
  out += b;
  return out;
}

}  // namespace ocikit

#endif  // OCIKIT_MEDIA_TYPE_TEXT_HPP
