// PEGTL grammar of OCI content digests (image-spec "Digests"):
//
//   digest                := algorithm ":" encoded
//   algorithm             := algorithm-component (algorithm-separator algorithm-component)*
//   algorithm-component   := [a-z0-9]+
//   algorithm-separator   := [+._-]
//   encoded               := [a-zA-Z0-9=_-]+
//
// Registered algorithms add exact rules (sha256: 64, sha384: 96, sha512: 128 lowercase hex);
// those are semantic checks in ocikit/digest.hpp, not grammar.
#ifndef OCIKIT_GRAMMAR_DIGEST_HPP
#define OCIKIT_GRAMMAR_DIGEST_HPP

#include <tao/pegtl.hpp>

#include "ocikit/grammar/chars.hpp"
#include "ocikit/grammar/pegtl.hpp"
#include "ocikit/grammar/scan.hpp"

namespace ocikit::grammar {
namespace pegtl = tao::pegtl;

/// algorithm-component := [a-z0-9]+
struct digest_algorithm_component : run<chars::oci_algorithm> {};
/// algorithm-separator := [+._-]
struct digest_algorithm_separator : in_table<chars::oci_algorithm_separator> {};
/// algorithm := algorithm-component (algorithm-separator algorithm-component)*
struct digest_algorithm
    : pegtl::seq<digest_algorithm_component,
                 pegtl::star<digest_algorithm_separator, digest_algorithm_component>> {};
/// encoded := [a-zA-Z0-9=_-]+
struct digest_encoded : run<chars::oci_encoded> {};
/// digest := algorithm ":" encoded
struct digest : pegtl::seq<digest_algorithm, pegtl::one<':'>, digest_encoded> {};
/// A whole input that is one digest.
struct digest_only : pegtl::seq<digest, pegtl::eof> {};

}  // namespace ocikit::grammar

#endif  // OCIKIT_GRAMMAR_DIGEST_HPP
