// Image manifests: the OCI image manifest (image-spec manifest.md,
// application/vnd.oci.image.manifest.v1+json) and the Docker image manifest v2 schema 2
// (application/vnd.docker.distribution.manifest.v2+json). Plain structs; parse them with
// ocikit::parse_manifest (ocikit/parse_manifest.hpp), check them with ocikit/validate.hpp.
//
//   OCI:    { "schemaVersion": 2, "mediaType": "...manifest.v1+json", "artifactType"?,
//             "config": descriptor, "layers": [descriptor...], "subject"?, "annotations"? }
//   Docker: { "schemaVersion": 2, "mediaType": "...manifest.v2+json",
//             "config": descriptor, "layers": [descriptor...] }
//
// Example:
//   ocikit::image_manifest m;
//   m.config = ocikit::empty_descriptor();
//   m.artifact_type = "application/vnd.example+type";
#ifndef OCIKIT_MANIFEST_HPP
#define OCIKIT_MANIFEST_HPP

#include <optional>
#include <string>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/media_type_text.hpp"

namespace ocikit {

/// An OCI image manifest.
struct image_manifest {
  int schema_version = 2;             ///< `schemaVersion`: always 2
  media_type_text media_type;         ///< `mediaType` as in the document ("" when absent)
  std::string artifact_type;          ///< `artifactType` ("" when absent)
  descriptor config;                  ///< `config`
  std::vector<descriptor> layers;     ///< `layers`
  std::optional<descriptor> subject;  ///< `subject`
  annotation_map annotations;         ///< `annotations`

  friend bool operator==(const image_manifest&, const image_manifest&) = default;
};

/// A Docker image manifest, version 2 schema 2.
struct docker_manifest {
  int schema_version = 2;          ///< `schemaVersion`: always 2
  media_type_text media_type;      ///< `mediaType` (required by Docker)
  descriptor config;               ///< `config`
  std::vector<descriptor> layers;  ///< `layers`

  friend bool operator==(const docker_manifest&, const docker_manifest&) = default;
};

}  // namespace ocikit

#endif  // OCIKIT_MANIFEST_HPP
