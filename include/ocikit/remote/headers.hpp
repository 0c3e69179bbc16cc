// Header fields of HTTP messages as the registry client keeps them (split out of
// remote/http.hpp).
//
//   ocikit::remote::headers                     fields in order, names compared case-insensitively:
//                                               add, set, remove, get, get_all, has, fields, empty
//   headers::same_name(a, b)                    ASCII case-insensitive name comparison
//
// Example:
//   ocikit::remote::headers h;
//   h.add("WWW-Authenticate", "Bearer realm=\"https://auth.example/token\"");
//   h.get("www-authenticate");  // the value above
#ifndef OCIKIT_REMOTE_HEADERS_HPP
#define OCIKIT_REMOTE_HEADERS_HPP

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/detail/ascii.hpp"

namespace ocikit::remote {

/// Header fields in order; names compared without regard to case.
class headers {
 public:
  /// Appends a field (a name may repeat).
  void add(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
  }
  /// Replaces every field of that name with one.
  void set(std::string name, std::string value) {
    remove(name);
    add(std::move(name), std::move(value));
  }
  /// Removes every field of that name.
  void remove(std::string_view name) {
    std::erase_if(fields_, [&](const auto& f) { return same_name(f.first, name); });
  }
  /// The first value of that name, "" when absent.
  [[nodiscard]] std::string_view get(std::string_view name) const noexcept {
    for (const auto& f : fields_) {
      if (same_name(f.first, name)) return f.second;
    }
    return {};
  }
  /// Every value of that name, in order.
  [[nodiscard]] std::vector<std::string_view> get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& f : fields_) {
      if (same_name(f.first, name)) out.emplace_back(f.second);
    }
    return out;
  }
  [[nodiscard]] bool has(std::string_view name) const noexcept {
    return std::any_of(fields_.begin(), fields_.end(),
                       [&](const auto& f) { return same_name(f.first, name); });
  }
  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& fields() const noexcept {
    return fields_;
  }
  [[nodiscard]] bool empty() const noexcept { return fields_.empty(); }

  /// ASCII case-insensitive comparison of two field names.
  static bool same_name(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (ocikit::detail::ascii_to_lower(a[i]) != ocikit::detail::ascii_to_lower(b[i])) {
        return false;
      }
    }
    return true;
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

namespace detail {

/// A character of an RFC 9110 token (a field name).
inline bool is_token_char(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

/// A field value without control characters but tab (RFC 9110 section 5.5).
inline bool is_field_value(std::string_view v) noexcept {
  return std::all_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u >= 0x20 ? u != 0x7f : c == '\t';
  });
}

}  // namespace detail

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_HEADERS_HPP
