// The `WWW-Authenticate` header (RFC 7235 section 4.1): one or more challenges, each a scheme
// with auth-params or a token68.
//
//   ocikit::remote::challenge                    scheme (lowercase), params, token68
//   challenge.param(name)                        a parameter's value ("" when absent)
//   ocikit::remote::parse_challenges(text)       every challenge of a header value
//   ocikit::remote::find_challenge(list, scheme) the first challenge of a scheme, or null
//
// Grammar (RFC 7235 and RFC 7230 section 3.2.6):
//   WWW-Authenticate = 1#challenge
//   challenge   = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//   auth-param  = token BWS "=" BWS ( token / quoted-string )
//   token68     = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"="
//   quoted-string = DQUOTE *( qdtext / "\" ( HTAB / SP / VCHAR / obs-text ) ) DQUOTE
// Schemes and parameter names are case-insensitive: both are lowercased; values are unescaped.
//
// Example:
//   auto c = ocikit::remote::parse_challenges(
//       R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io")");
//   // (*c)[0].scheme == "bearer", (*c)[0].param("realm") == "https://auth.docker.io/token"
#ifndef OCIKIT_REMOTE_CHALLENGE_HPP
#define OCIKIT_REMOTE_CHALLENGE_HPP

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/detail/ascii.hpp"
#include "ocikit/error.hpp"

namespace ocikit::remote {

/// One authentication challenge.
struct challenge {
  std::string scheme;  ///< lowercase: "bearer", "basic"
  /// Parameters in order, names lowercase, values unescaped.
  std::vector<std::pair<std::string, std::string>> params;
  std::string token68;  ///< the token68 form, when the challenge has one instead of params

  /// The value of a parameter (name in lowercase), "" when absent.
  [[nodiscard]] std::string_view param(std::string_view name) const noexcept {
    for (const auto& p : params) {
      if (p.first == name) return p.second;
    }
    return {};
  }
};

namespace detail {

inline bool challenge_tchar(char c) noexcept {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u >= 0x7f) return false;
  return std::string_view("\"(),/:;<=>?@[\\]{}").find(c) == std::string_view::npos;
}

inline bool challenge_t68char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("-._~+/").find(c) != std::string_view::npos;
}

class challenge_parser {
 public:
  explicit challenge_parser(std::string_view s) noexcept : s_(s) {}

  result<std::vector<challenge>> parse() {
    std::vector<challenge> out;
    skip_list_separators();
    while (i_ < s_.size()) {
      challenge c;
      const std::string_view scheme = token();
      if (scheme.empty()) return fail("a challenge must start with an authentication scheme");
      for (char ch : scheme) c.scheme += ocikit::detail::ascii_to_lower(ch);
      const std::size_t after_scheme = i_;
      skip_ows();
      if (i_ < s_.size() && s_[i_] != ',') {
        if (i_ == after_scheme) return fail("the scheme must be followed by a space");
        if (auto t68 = try_token68(); !t68.empty()) {
          c.token68 = std::string(t68);
        } else {
          for (;;) {
            std::string name;
            const std::string_view n = token();
            if (n.empty()) return fail("an auth-param must start with a name");
            for (char ch : n) name += ocikit::detail::ascii_to_lower(ch);
            skip_ows();
            if (i_ >= s_.size() || s_[i_] != '=')
              return fail("'=' expected after a parameter name");
            ++i_;
            skip_ows();
            std::string value;
            if (i_ < s_.size() && s_[i_] == '"') {
              if (!quoted(value)) return fail("unterminated quoted string");
            } else {
              const std::string_view v = token();
              if (v.empty()) return fail("a parameter value must be a token or a quoted string");
              value = std::string(v);
            }
            c.params.emplace_back(std::move(name), std::move(value));
            skip_ows();
            if (i_ >= s_.size()) break;
            if (s_[i_] != ',') return fail("',' expected between parameters");
            skip_list_separators();
            if (!next_is_param()) break;
          }
        }
      }
      const bool had_params = !c.params.empty();
      out.push_back(std::move(c));
      // After parameters the separators are consumed and i_ is at the next scheme (or the end).
      if (had_params) continue;
      skip_ows();
      if (i_ < s_.size() && s_[i_] != ',') return fail("',' expected between challenges");
      skip_list_separators();
    }
    if (out.empty()) return fail("no challenge");
    return out;
  }

 private:
  error fail(std::string_view why) const {
    return {errc::remote_protocol, i_,
            "WWW-Authenticate at byte " + std::to_string(i_) + ": " + std::string(why)};
  }
  void skip_ows() noexcept {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t')) ++i_;
  }
  void skip_list_separators() noexcept {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == ',')) ++i_;
  }
  std::string_view token() noexcept {
    const std::size_t b = i_;
    while (i_ < s_.size() && challenge_tchar(s_[i_])) ++i_;
    return s_.substr(b, i_ - b);
  }
  // A token68 is taken only when the whole item is one (followed by the end or a ',').
  std::string_view try_token68() noexcept {
    std::size_t j = i_;
    while (j < s_.size() && challenge_t68char(s_[j])) ++j;
    if (j == i_) return {};
    while (j < s_.size() && s_[j] == '=') ++j;
    std::size_t k = j;
    while (k < s_.size() && (s_[k] == ' ' || s_[k] == '\t')) ++k;
    if (k < s_.size() && s_[k] != ',') return {};
    const std::string_view t = s_.substr(i_, j - i_);
    i_ = j;
    return t;
  }
  // After a ',': `name BWS "="` (and not a token68's padding) starts another parameter.
  [[nodiscard]] bool next_is_param() const noexcept {
    std::size_t j = i_;
    while (j < s_.size() && challenge_tchar(s_[j])) ++j;
    if (j == i_) return false;
    while (j < s_.size() && (s_[j] == ' ' || s_[j] == '\t')) ++j;
    return j < s_.size() && s_[j] == '=' && (j + 1 >= s_.size() || s_[j + 1] != '=');
  }
  bool quoted(std::string& out) {
    ++i_;  // the opening quote
    while (i_ < s_.size()) {
      const char c = s_[i_++];
      if (c == '"') return true;
      if (c == '\\') {
        if (i_ >= s_.size()) return false;
        out += s_[i_++];
      } else {
        out += c;
      }
    }
    return false;
  }

  std::string_view s_;
  std::size_t i_ = 0;
};

}  // namespace detail

/// Parses a `WWW-Authenticate` value (several header fields: join them with ", " first).
/// Errors: remote.protocol with the byte offset and what was expected.
///   parse_challenges("Basic realm=\"r\", Bearer realm=\"https://a/t\",scope=\"x y\"")
///   -> [{basic, [realm=r]}, {bearer, [realm=https://a/t, scope=x y]}]
inline result<std::vector<challenge>> parse_challenges(std::string_view header) {
  return detail::challenge_parser(header).parse();
}

/// The first challenge of `scheme` (lowercase), or nullptr.
inline const challenge* find_challenge(const std::vector<challenge>& list,
                                       std::string_view scheme) noexcept {
  for (const auto& c : list) {
    if (c.scheme == scheme) return &c;
  }
  return nullptr;
}

}  // namespace ocikit::remote

#endif  // OCIKIT_REMOTE_CHALLENGE_HPP
