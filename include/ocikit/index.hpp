// Indexes: the OCI image index (image-spec image-index.md,
// application/vnd.oci.image.index.v1+json) and the Docker manifest list
// (application/vnd.docker.distribution.manifest.list.v2+json). Plain structs; parse them with
// ocikit::parse_manifest (ocikit/parse_manifest.hpp), check them with ocikit/validate.hpp.
//
//   OCI:    { "schemaVersion": 2, "mediaType": "...index.v1+json", "artifactType"?,
//             "manifests": [descriptor with optional platform...], "subject"?, "annotations"? }
//   Docker: { "schemaVersion": 2, "mediaType": "...manifest.list.v2+json",
//             "manifests": [descriptor with platform...] }
//
// Example:
//   ocikit::image_index idx;
//   idx.manifests.push_back(entry);   // entry.platform = ocikit::platform{.os = "linux", ...}
#ifndef OCIKIT_INDEX_HPP
#define OCIKIT_INDEX_HPP

#include <optional>
#include <string>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/media_type_text.hpp"

namespace ocikit {

/// An OCI image index.
struct image_index {
  int schema_version = 2;             ///< `schemaVersion`: always 2
  media_type_text media_type;         ///< `mediaType` as in the document ("" when absent)
  std::string artifact_type;          ///< `artifactType` ("" when absent)
  std::vector<descriptor> manifests;  ///< `manifests` (may be empty)
  std::optional<descriptor> subject;  ///< `subject`
  annotation_map annotations;         ///< `annotations`

  friend bool operator==(const image_index&, const image_index&) = default;
};

/// A Docker manifest list (the Docker spelling of an index).
struct docker_manifest_list {
  int schema_version = 2;             ///< `schemaVersion`: always 2
  media_type_text media_type;         ///< `mediaType` (required by Docker)
  std::vector<descriptor> manifests;  ///< `manifests`, each with a `platform`

  friend bool operator==(const docker_manifest_list&, const docker_manifest_list&) = default;
};

}  // namespace ocikit

#endif  // OCIKIT_INDEX_HPP
