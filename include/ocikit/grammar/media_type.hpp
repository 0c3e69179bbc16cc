// PEGTL grammar of the media types in OCI descriptors (image-spec descriptor.md, after RFC 6838
// section 4.2, without parameters), the rule of the image-spec's JSON schema:
//
//   media-type     := restricted-name "/" restricted-name
//   restricted-name := restricted-first { restricted-char }      (1 to 127 bytes)
//   restricted-first := [A-Za-z0-9]
//   restricted-char  := [A-Za-z0-9!#$&^_.+-]
//
// i.e. ^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$
// Examples: `application/vnd.oci.image.manifest.v1+json`, `text/plain`. Not: `application`,
// `.foo/bar`, `application/json; charset=utf-8` (no parameters in descriptors).
#ifndef OCIKIT_GRAMMAR_MEDIA_TYPE_HPP
#define OCIKIT_GRAMMAR_MEDIA_TYPE_HPP

#include <tao/pegtl.hpp>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/pegtl.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

namespace chars {
// clang-format off
inline constexpr detail::char_table media_type_first{"A-Za-z0-9"};            ///< restricted-first
inline constexpr detail::char_table media_type_rest{"A-Za-z0-9!#$&^_.+-"};    ///< restricted-char
// clang-format on
}  // namespace chars

/// The longest type or subtype RFC 6838 allows (127 bytes).
inline constexpr std::size_t media_type_name_max = 127;

/// restricted-name := [A-Za-z0-9] [A-Za-z0-9!#$&^_.+-]{0,126}
struct media_type_name
    : pegtl::seq<in_table<chars::media_type_first>,
                 pegtl::rep_max<media_type_name_max - 1, in_table<chars::media_type_rest>>> {};
/// media-type := restricted-name "/" restricted-name
struct media_type : pegtl::seq<media_type_name, pegtl::one<'/'>, media_type_name> {};
/// A whole input that is one media type.
struct media_type_only : pegtl::seq<media_type, pegtl::eof> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_MEDIA_TYPE_HPP
