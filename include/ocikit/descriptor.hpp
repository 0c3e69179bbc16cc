// Content descriptors (OCI image-spec descriptor.md): what a manifest or an index says about a
// blob it references.
//
//   ocikit::descriptor        the model: media type, digest, size, urls, annotations, data,
//                             artifactType, platform
//   ocikit::annotation_map    annotations: an ordered string -> string map
//   ocikit::empty_descriptor() the empty JSON blob `{}` (application/vnd.oci.empty.v1+json)
//
// A descriptor in JSON (required: mediaType, digest, size):
//   { "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
//     "digest": "sha256:9834876dcfb05cb167a5c24953eba58c4ac89b1adf57f28f2f9d09af107ee8f0",
//     "size": 32654 }
// Parsing and the rules: ocikit/parse_manifest.hpp and ocikit/validate.hpp.
//
// Example:
//   ocikit::descriptor d = ocikit::empty_descriptor();
//   d.size == 2 && d.data == "e30=";
#ifndef OCIKIT_DESCRIPTOR_HPP
#define OCIKIT_DESCRIPTOR_HPP

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/digest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/media_type_text.hpp"
#include "ocikit/platform.hpp"

namespace ocikit {

/// Annotations: string keys to string values, ordered by key (std::less<> allows lookups by
/// std::string_view).
using annotation_map = std::map<std::string, std::string, std::less<>>;

/// An OCI content descriptor. Optional fields are empty when the document omits them.
struct descriptor {
  media_type_text media_type;                ///< `mediaType` (required)
  ocikit::digest digest;                     ///< `digest` (required)
  std::int64_t size = 0;                     ///< `size` (required), 0 <= size <= 2^63-1
  std::vector<std::string> urls;             ///< `urls`
  annotation_map annotations;                ///< `annotations`
  std::optional<std::string> data;           ///< `data`: base64 text exactly as in the document
  std::string artifact_type;                 ///< `artifactType` ("" when absent)
  std::optional<ocikit::platform> platform;  ///< `platform` (index entries)

  friend bool operator==(const descriptor&, const descriptor&) = default;
};

/// The digest of the empty JSON blob `{}`.
inline constexpr std::string_view empty_blob_digest =
    "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
/// The size of the empty JSON blob `{}`.
inline constexpr std::int64_t empty_blob_size = 2;
/// The empty JSON blob `{}` in base64.
inline constexpr std::string_view empty_blob_data = "e30=";

/// The empty descriptor of image-spec manifest.md ("Guidance for an Empty Descriptor"): media
/// type application/vnd.oci.empty.v1+json, the blob `{}`, with its data embedded.
/// Example: `m.config = ocikit::empty_descriptor(); m.artifact_type = "application/vnd.example";`
inline descriptor empty_descriptor() {
  descriptor d;
  d.media_type = media_types::oci_empty;
  d.digest = digest::parse(empty_blob_digest).value();
  d.size = empty_blob_size;
  d.data = std::string(empty_blob_data);
  return d;
}

}  // namespace ocikit

#endif  // OCIKIT_DESCRIPTOR_HPP
