// JSON pointers (RFC 6901) for error reports: "/layers/2/digest", "/annotations/a~1b".
//
//   json-pointer    = *( "/" reference-token )
//   reference-token = *( unescaped / escaped )      ; escaped = "~0" ('~') / "~1" ('/')
//
//   ocikit::json::append_pointer_token(out, "a/b")   appends "/a~1b"
//   ocikit::json::append_pointer_index(out, 2)       appends "/2"
//   ocikit::json::path                               a path built on the stack while walking a
//                                                    document; the pointer text is made only
//                                                    when a problem is reported (no allocation
//                                                    on the happy path)
//
// Example:
//   const ocikit::json::path root;
//   const auto layers = root.key("layers");
//   const auto third = layers.index(2);
//   third.key("digest").str() == "/layers/2/digest";
#ifndef OCIKIT_JSON_POINTER_HPP
#define OCIKIT_JSON_POINTER_HPP

#include <cstddef>
#include <string>
#include <string_view>

namespace ocikit::json {

/// Appends "/" and `token` escaped as an RFC 6901 reference token ('~' -> "~0", '/' -> "~1").
/// Example: `std::string p; append_pointer_token(p, "a/b~c");  // p == "/a~1b~0c"`
inline void append_pointer_token(std::string& out, std::string_view token) {
  out += '/';
  for (const char c : token) {
    switch (c) {
      case '~': out += "~0"; break;
      case '/': out += "~1"; break;
      default: out += c; break;
    }
  }
}

/// Appends "/" and the decimal array index.
/// Example: `std::string p; append_pointer_index(p, 12);  // p == "/12"`
inline void append_pointer_index(std::string& out, std::size_t index) {
  out += '/';
  out += std::to_string(index);
}

/// One step of a path through a document, linked to its parent on the caller's stack.
/// A path must not outlive its parent (build children as locals of a walking function).
class path {
 public:
  /// The document itself (pointer "").
  constexpr path() noexcept = default;

  /// The member `key` of the object at this path. `key` must outlive the returned path.
  [[nodiscard]] constexpr path key(std::string_view key) const noexcept {
    return path(this, key, 0, step::key);
  }
  /// The element `index` of the array at this path.
  [[nodiscard]] constexpr path index(std::size_t index) const noexcept {
    return path(this, {}, index, step::index);
  }
  /// True for the document itself.
  [[nodiscard]] constexpr bool is_root() const noexcept { return step_ == step::root; }

  /// Appends this path's pointer to `out`.
  void append_to(std::string& out) const {
    if (step_ == step::root) return;
    parent_->append_to(out);
    if (step_ == step::key) {
      append_pointer_token(out, key_);
    } else {
      append_pointer_index(out, index_);
    }
  }
  /// The pointer text, e.g. "/layers/2/digest" ("" for the document itself).
  [[nodiscard]] std::string str() const {
    std::string out;
    append_to(out);
    return out;
  }

 private:
  enum class step : unsigned char { root, key, index };
  constexpr path(const path* parent, std::string_view key, std::size_t index, step s) noexcept
      : parent_(parent), key_(key), index_(index), step_(s) {}

  const path* parent_ = nullptr;
  std::string_view key_;
  std::size_t index_ = 0;
  step step_ = step::root;
};

}  // namespace ocikit::json

#endif  // OCIKIT_JSON_POINTER_HPP
