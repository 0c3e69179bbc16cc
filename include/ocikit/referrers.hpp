// Referrers (distribution-spec "Listing Referrers" and "Referrers Tag Schema"): what a
// referrers index lists for a manifest, and the tag of the index kept for registries without the
// referrers API.
//
//   ocikit::referrer_descriptor(parsed)  -> descriptor     the entry of a referrers index
//   ocikit::referrers_tag(digest)        -> "sha256-<hex>" the fallback tag
//
// Example:
//   idx.manifests.push_back(ocikit::referrer_descriptor(parsed));
//   push_tag(ocikit::referrers_tag(subject_digest), idx);
#ifndef OCIKIT_REFERRERS_HPP
#define OCIKIT_REFERRERS_HPP

#include <string>

#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"

namespace ocikit {

/// What a referrers index lists for a parsed manifest (distribution-spec "Listing Referrers"):
/// its media type, digest and size, its `artifactType` — else, for a manifest, its
/// `config.mediaType` (an empty string counts as missing) — and its top-level annotations.
/// Example: `idx.manifests.push_back(ocikit::referrer_descriptor(parsed));`
inline descriptor referrer_descriptor(const parsed_manifest& parsed) {
  descriptor d = parsed.to_descriptor();
  d.artifact_type = std::string(parsed.manifest.artifact_type());
  if (d.artifact_type.empty()) {
    if (const descriptor* config = parsed.manifest.config()) d.artifact_type = config->media_type;
  }
  if (const annotation_map* a = parsed.manifest.annotations()) d.annotations = *a;
  return d;
}

/// The tag of the referrers index kept for `subject` by registries without the referrers API:
/// `<alg>-<encoded>` (distribution-spec "Referrers Tag Schema").
/// Example: `referrers_tag(d) == "sha256-44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"`
inline std::string referrers_tag(digest_view subject) { return subject.tag_form(); }

}  // namespace ocikit

#endif  // OCIKIT_REFERRERS_HPP
