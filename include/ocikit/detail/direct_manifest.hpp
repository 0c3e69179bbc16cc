// The direct path of ocikit::parse_manifest: the common image manifest (OCI or Docker) read
// straight from its bytes into the model, without the strict JSON layer's tape and the checker's
// walk over it.
//
// It takes only documents that are plainly fine, and says "not mine" (false) for anything else:
// then parse_manifest takes the general path (tape, kind detection, checker), which decides and
// reports. So the direct path only has to be right about what it accepts: for every document it
// accepts, the general path builds the same model and finds no problem at all, error or warning
// (tests/direct_manifest_test.cpp and fuzz/manifest_parse.cpp compare the two paths).
//
// What it accepts:
//   - JSON as the strict layer's fast tape reads it, with the same scanning steps
//     (ocikit/json/scan.hpp): strings without escapes (UTF-8 checked), integers of at most 18
//     digits, no duplicate member names, nothing after the document; at most four levels of
//     nesting (the caller checks that max_depth allows them);
//   - top level: schemaVersion 2, mediaType naming an OCI or Docker image manifest (and the
//     expected media type, when one is given), config, a non-empty layers array, and, in OCI
//     manifests, annotations, subject and artifactType (a valid media type); no other member;
//   - descriptors: mediaType (a valid media type; not the empty type; for layers not a
//     non-distributable or foreign type, which draw a warning or need urls), a plain sha256
//     digest (when sha256 is accepted), a size of 0 to 18 digits, and annotations; no other member;
//   - annotations: an object of strings.
// Everything else (indexes, urls, data, platforms, unknown members, escapes, ...) goes to the
// general path.
#ifndef OCIKIT_DETAIL_DIRECT_MANIFEST_HPP
#define OCIKIT_DETAIL_DIRECT_MANIFEST_HPP

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "ocikit/any_manifest.hpp"
#include "ocikit/config.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/json/scan.hpp"
#include "ocikit/manifest.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/validate.hpp"

namespace ocikit::detail {

// A field as one bit of a set of fields.
constexpr std::uint32_t field_bit(field f) noexcept {
  return std::uint32_t{1} << static_cast<unsigned>(f);
}

class direct_manifest {
 public:
  /// The nesting the direct path needs (top level, layers, a layer, its annotations) plus one:
  /// the strict layer's `max_depth` must be at least this for the direct path to apply.
  static constexpr std::size_t min_depth = 5;

  direct_manifest(std::string_view bytes, const validate_options& options) noexcept
      : begin_(bytes.data()), end_(bytes.data() + bytes.size()), p_(begin_), opt_(options) {}

  /// Reads the document into `out.kind` and `out.manifest`, where `out` is as default-constructed
  /// (its model, an empty image manifest, is filled in place). True when the document is one
  /// the direct path takes (see the top of this file); false otherwise, and `out.manifest` is
  /// then to be rebuilt by the general path.
  bool read(std::string_view expected_media_type, parsed_manifest& out) {
    auto& model = out.manifest.variant();
    auto& m =
        model.index() == 0 ? std::get<image_manifest>(model) : model.emplace<image_manifest>();
    std::string_view media_type;
    std::uint32_t seen = 0;
    p_ = json::detail::skip_whitespace(p_, end_);
    const bool ok = members(seen, [&](field f) {
      switch (f) {
        case field::schema_version: {
          std::uint64_t v = 0;
          return integer(v) && v == 2;
        }
        case field::media_type: return text(media_type);
        case field::config: return read_descriptor(m.config, false);
        case field::layers: return read_layers(m.layers);
        case field::annotations: return read_annotations(m.annotations);
        case field::artifact_type: {
          std::string_view s;
          if (!text(s) || !is_valid_media_type(s)) return false;
          m.artifact_type = std::string(s);
          return true;
        }
        case field::subject: return read_descriptor(m.subject.emplace(), false);
        default: return false;
      }
    });
    if (!ok || json::detail::skip_whitespace(p_, end_) != end_) return false;
    constexpr std::uint32_t required = field_bit(field::schema_version) |
                                       field_bit(field::media_type) | field_bit(field::config) |
                                       field_bit(field::layers);
    if ((seen & required) != required) return false;
    const auto kind = manifest_kind_of(media_type);
    if (!kind || is_index(*kind)) return false;
    if (!expected_media_type.empty() &&
        strip_parameters(expected_media_type) != media_type_of(*kind)) {
      return false;
    }
    out.kind = *kind;
    m.media_type = std::string(media_type);
    if (*kind == manifest_kind::docker_manifest) {
      // Members of OCI manifests only: the general path ignores them in Docker manifests.
      if ((seen & (field_bit(field::annotations) | field_bit(field::artifact_type) |
                   field_bit(field::subject))) != 0) {
        return false;
      }
      docker_manifest d;
      d.media_type = std::move(m.media_type);
      d.config = std::move(m.config);
      d.layers = std::move(m.layers);
      model.emplace<docker_manifest>(std::move(d));
    }
    return true;
  }

 private:
  OCIKIT_ALWAYS_INLINE void skip_whitespace() noexcept {
    p_ = json::detail::skip_whitespace(p_, end_);
  }

  // `c`, then whitespace.
  OCIKIT_ALWAYS_INLINE bool take(char c) noexcept {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    skip_whitespace();
    return true;
  }

  // The ':' after a member name, then whitespace.
  OCIKIT_ALWAYS_INLINE bool colon() noexcept {
    if (p_ == end_ || *p_ != ':') return false;
    p_ = json::detail::skip_whitespace_after_colon(p_ + 1, end_);
    return true;
  }

  // A string that is a plain sha256 digest, read at p_ in one step (its text in `s`); any
  // other string goes through text() and the general digest checks of the caller.
  OCIKIT_ALWAYS_INLINE bool sha256_text(std::string_view& s) noexcept {
    constexpr std::size_t n = 71;  // "sha256:" and 64 hex digits
    if (end_ - p_ < static_cast<std::ptrdiff_t>(n + 2) || p_[n + 1] != '"') return false;
    const std::string_view t(p_ + 1, n);
    if (*p_ != '"' || !is_plain_sha256(t)) return false;  // no quote, '\\' or control inside
    s = t;
    p_ += n + 2;
    return true;
  }

  // A string without escapes at p_ (its text in `s`).
  OCIKIT_ALWAYS_INLINE bool text(std::string_view& s) noexcept {
    if (p_ == end_ || *p_ != '"') return false;
    const char* const first = p_ + 1;
    const char* const close = json::detail::string_end(first, begin_, end_);
    if (close == nullptr) return false;
    s = std::string_view(first, static_cast<std::size_t>(close - first));
    p_ = close + 1;
    return true;
  }

  // An integer at p_ (see json::detail::integer), as unsigned bits.
  OCIKIT_ALWAYS_INLINE bool integer(std::uint64_t& v) noexcept {
    if (p_ == end_) return false;
    const char* const after = json::detail::integer(p_, end_, v);
    if (after == nullptr) return false;
    p_ = after;
    return true;
  }

  // An object at p_: `member(name)` reads the value of each member (p_ at its first byte).
  template <class Member>
  bool object(Member member) {
    if (!take('{')) return false;
    if (take('}')) return true;
    for (;;) {
      std::string_view name;
      if (!text(name)) return false;
      skip_whitespace();
      if (!colon() || !member(name)) return false;
      skip_whitespace();
      if (take(',')) continue;
      return take('}');
    }
  }

  // An object at p_ whose members are all known fields, each at most once: `value(field)` reads
  // each value. `seen` collects the fields.
  template <class Value>
  bool members(std::uint32_t& seen, Value value) {
    return object([&](std::string_view name) {
      const field f = field_of(name);
      if (f == field::unknown || (seen & field_bit(f)) != 0) return false;
      seen |= field_bit(f);
      return value(f);
    });
  }

  bool read_descriptor(descriptor& d, bool layer) {
    std::uint32_t seen = 0;
    const bool ok = members(seen, [&](field f) {
      switch (f) {
        case field::media_type: {
          std::string_view s;
          if (!text(s) || !is_valid_media_type(s) || s == media_types::oci_empty) return false;
          if (layer &&
              (is_deprecated_layer(s) || s == media_types::docker_foreign_layer_tar_gzip)) {
            return false;
          }
          d.media_type = std::string(s);
          return true;
        }
        case field::digest: {
          std::string_view s;
          if (!sha256_text(s) || !opt_.accepted_algorithms.contains(digest_algorithm::sha256)) {
            return false;
          }
          d.digest.assign(digest_view::unchecked(s, 6));
          return true;
        }
        case field::size: {
          std::uint64_t v = 0;
          if (!integer(v) || static_cast<std::int64_t>(v) < 0) return false;
          d.size = static_cast<std::int64_t>(v);
          return true;
        }
        case field::annotations: return read_annotations(d.annotations);
        default: return false;
      }
    });
    constexpr std::uint32_t required =
        field_bit(field::media_type) | field_bit(field::digest) | field_bit(field::size);
    return ok && (seen & required) == required;
  }

  bool read_layers(std::vector<descriptor>& layers) {
    if (!take('[') || (p_ != end_ && *p_ == ']')) return false;  // no layers: a problem
    layers.reserve(4);
    for (;;) {
      if (!read_descriptor(layers.emplace_back(), true)) return false;
      skip_whitespace();
      if (take(',')) continue;
      return take(']');
    }
  }

  bool read_annotations(annotation_map& out) {
    return object([&](std::string_view name) {
      std::string_view value;
      if (!text(value)) return false;
      const std::size_t before = out.size();
      // Names are often sorted: the hint makes that case O(1). A name seen before adds nothing.
      out.emplace_hint(out.end(), name, value);
      return out.size() != before;
    });
  }

  const char* begin_;
  const char* end_;
  const char* p_;
  validate_options opt_;  // small: kept by value
};

}  // namespace ocikit::detail

#endif  // OCIKIT_DETAIL_DIRECT_MANIFEST_HPP
