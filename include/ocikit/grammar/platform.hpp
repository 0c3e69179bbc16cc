// PEGTL grammar of platform specifiers (containerd's `platforms.Parse`, see
// docs/platform.md):
//
//   specifier     := full | single
//   full          := os "/" architecture [ "/" variant ]          <os>/<arch>[/<variant>]
//   single        := os                                           <os> or <arch>
//   os            := os-name [ "(" os-options ")" ]
//   os-name       := [A-Za-z0-9_-]+
//   os-options    := [ os-version ] { "+" os-feature }
//   os-version    := option-char+
//   os-feature    := option-char+
//   option-char   := [A-Za-z0-9_.-] | pct-encoded
//   pct-encoded   := "%" HEXDIG HEXDIG
//   architecture  := [A-Za-z0-9_.-]+
//   variant       := [A-Za-z0-9_.-]+
//
// Examples: `linux`, `arm64`, `linux/arm/v7`, `windows(10.0.17763)/amd64`,
// `windows(10.0.20348+win32k)/amd64`, `linux(+gpu+simd)/amd64`.
//
// A wildcard `*` matches no rule, and neither does a fourth part. Whether a single word is an
// operating system or an architecture is not grammar: ocikit/platform.hpp looks it up.
#ifndef OCIKIT_GRAMMAR_PLATFORM_HPP
#define OCIKIT_GRAMMAR_PLATFORM_HPP

#include <tao/pegtl.hpp>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/pegtl.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

namespace chars {
// clang-format off
inline constexpr detail::char_table platform_os_name{"A-Za-z0-9_-"};   ///< os name (no '.')
inline constexpr detail::char_table platform_option{"A-Za-z0-9_.-"};   ///< os version/feature byte
inline constexpr detail::char_table platform_part{"A-Za-z0-9_.-"};     ///< architecture, variant
// clang-format on
}  // namespace chars

/// os-name := [A-Za-z0-9_-]+                      e.g. `windows`
struct platform_os_name : pegtl::plus<in_table<chars::platform_os_name>> {};
/// pct-encoded := "%" HEXDIG HEXDIG               e.g. `%2B` for '+'
struct platform_pct_encoded
    : pegtl::seq<pegtl::one<'%'>, in_table<chars::hex>, in_table<chars::hex>> {};
/// option-char := [A-Za-z0-9_.-] | pct-encoded
struct platform_option_char : pegtl::sor<in_table<chars::platform_option>, platform_pct_encoded> {};
/// os-version := option-char+                     e.g. `10.0.17763`
struct platform_os_version : pegtl::plus<platform_option_char> {};
/// os-feature := option-char+                     e.g. `win32k`
struct platform_os_feature : pegtl::plus<platform_option_char> {};
/// os-options := [ os-version ] { "+" os-feature } e.g. `10.0.20348+win32k`, `+gpu`, ``
struct platform_os_options : pegtl::seq<pegtl::opt<platform_os_version>,
                                        pegtl::star<pegtl::one<'+'>, platform_os_feature>> {};
/// os := os-name [ "(" os-options ")" ]          e.g. `windows(10.0.17763)`
struct platform_os : pegtl::seq<platform_os_name,
                                pegtl::opt<pegtl::one<'('>, platform_os_options, pegtl::one<')'>>> {
};
/// architecture := [A-Za-z0-9_.-]+                e.g. `amd64`
struct platform_architecture : pegtl::plus<in_table<chars::platform_part>> {};
/// variant := [A-Za-z0-9_.-]+                     e.g. `v7`
struct platform_variant : pegtl::plus<in_table<chars::platform_part>> {};

/// full := os "/" architecture [ "/" variant ]    e.g. `linux/arm/v7`
struct platform_full : pegtl::seq<platform_os, pegtl::one<'/'>, platform_architecture,
                                  pegtl::opt<pegtl::one<'/'>, platform_variant>> {};
/// single := os                                   e.g. `linux`, `arm64` (looked up afterwards)
struct platform_single : platform_os {};
/// specifier := full | single
struct platform_specifier : pegtl::sor<platform_full, platform_single> {};
/// A whole input that is one platform specifier.
struct platform_specifier_only : pegtl::seq<platform_specifier, pegtl::eof> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_PLATFORM_HPP
