// JSON for what the registry and the store report (stable field names; the CLI prints these).
//
//   ocikit::store::to_json(std::vector<manifest_metadata>)   the list-metadata array:
//     [{"digest","tags":[...],"timestamp","createdTime","lastUpdateTime","imageSize",
//       "mediaType","artifactType"?,"configMediaType"?,"architecture"?,"os"?,"subject"?,
//       "changeableAttributes":{"deleteEnabled","writeEnabled","readEnabled","listEnabled"}}]
//     (members marked ? only when known; `tags` is [] for an untagged manifest)
//   to_json(changeable_attributes)  {"deleteEnabled","writeEnabled","readEnabled","listEnabled"}
//   to_json(delete_report)          {"manifests":[digest...],"tags":[...]}
//   to_json(gc_report)              {"manifests_deleted","blobs_deleted","bytes_freed",
//                                    "links_removed","leftovers_removed","manifests","blobs"}
//   to_json(usage_report)           {"repositories":[{"repository","logical_bytes",
//                                    "stored_bytes","manifests"}],"total":{...}}
//   to_json(fsck_report)            {"consistent",
//                                    "problems":[{"kind","path","message","error","repaired"}]}
//   to_json(purge_report)           {"deleted":[{"repository","digest","tags"}],
//                                    "skipped":[{"repository","digest","tags","reason"}]}
//
// Example:
//   auto meta = store.list_metadata("team/app");
//   if (meta) std::cout << ocikit::store::to_json(*meta) << '\n';
#ifndef OCIKIT_STORE_JSON_HPP
#define OCIKIT_STORE_JSON_HPP

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/json/serialize.hpp"
#include "ocikit/store/maintenance.hpp"
#include "ocikit/store/registry.hpp"

namespace ocikit::store {

namespace detail::json_out {

// `,"k":` (no comma before the first member), `"k":"v"`, and `"k":"v"` unless v is empty: the
// member writers of the library's serializer (ocikit/json/serialize.hpp).
inline constexpr auto& key = ocikit::json::detail::write_key;
inline constexpr auto& str = ocikit::json::detail::write_string_member;
inline constexpr auto& opt_str = ocikit::json::detail::write_optional_string;

inline void num(std::string& out, std::string_view k, std::uint64_t v, bool& first) {
  key(out, k, first);
  out += std::to_string(v);
}
inline void boolean(std::string& out, std::string_view k, bool v, bool& first) {
  key(out, k, first);
  out += v ? "true" : "false";
}
template <class Range>
inline void strings(std::string& out, std::string_view k, const Range& values, bool& first) {
  key(out, k, first);
  out += '[';
  bool f = true;
  for (const auto& v : values) {
    if (!f) out += ',';
    f = false;
    if constexpr (requires { v.string(); }) {
      ocikit::json::write_string(out, v.string());
    } else {
      ocikit::json::write_string(out, v);
    }
  }
  out += ']';
}

}  // namespace detail::json_out

/// {"deleteEnabled":…,"writeEnabled":…,"readEnabled":…,"listEnabled":…}
inline std::string to_json(const changeable_attributes& a) {
  namespace o = detail::json_out;
  std::string out = "{";
  bool first = true;
  o::boolean(out, "deleteEnabled", a.delete_enabled, first);
  o::boolean(out, "writeEnabled", a.write_enabled, first);
  o::boolean(out, "readEnabled", a.read_enabled, first);
  o::boolean(out, "listEnabled", a.list_enabled, first);
  out += '}';
  return out;
}

/// One manifest as list-metadata shows it.
inline std::string to_json(const manifest_metadata& m) {
  namespace o = detail::json_out;
  std::string out = "{";
  bool first = true;
  o::str(out, "digest", m.digest.string(), first);
  o::strings(out, "tags", m.tags, first);
  o::str(out, "timestamp", m.timestamp, first);
  o::str(out, "createdTime", m.created_time, first);
  o::str(out, "lastUpdateTime", m.last_update_time, first);
  o::num(out, "imageSize", static_cast<std::uint64_t>(m.image_size), first);
  o::str(out, "mediaType", m.media_type, first);
  o::opt_str(out, "artifactType", m.artifact_type, first);
  o::opt_str(out, "configMediaType", m.config_media_type, first);
  o::opt_str(out, "architecture", m.architecture, first);
  o::opt_str(out, "os", m.os, first);
  if (m.subject) o::str(out, "subject", m.subject->string(), first);
  o::key(out, "changeableAttributes", first);
  out += to_json(m.attributes);
  out += '}';
  return out;
}

/// The list-metadata array.
inline std::string to_json(const std::vector<manifest_metadata>& list) {
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i != 0) out += ',';
    out += to_json(list[i]);
  }
  out += ']';
  return out;
}

/// What a delete removed.
inline std::string to_json(const delete_report& r) {
  namespace o = detail::json_out;
  std::string out = "{";
  bool first = true;
  o::strings(out, "manifests", r.manifests, first);
  o::strings(out, "tags", r.tags, first);
  out += '}';
  return out;
}

/// What gc freed.
inline std::string to_json(const gc_report& r) {
  namespace o = detail::json_out;
  std::string out = "{";
  bool first = true;
  o::num(out, "manifests_deleted", r.manifests_deleted, first);
  o::num(out, "blobs_deleted", r.blobs_deleted, first);
  o::num(out, "bytes_freed", r.bytes_freed, first);
  o::num(out, "links_removed", r.links_removed, first);
  o::num(out, "leftovers_removed", r.leftovers_removed, first);
  o::strings(out, "manifests", r.manifests, first);
  o::strings(out, "blobs", r.blobs, first);
  out += '}';
  return out;
}

namespace detail::json_out {
inline std::string usage_object(const usage& u, bool with_name) {
  std::string out = "{";
  bool first = true;
  if (with_name) str(out, "repository", u.repository, first);
  num(out, "logical_bytes", u.logical_bytes, first);
  num(out, "stored_bytes", u.stored_bytes, first);
  num(out, "manifests", u.manifests, first);
  out += '}';
  return out;
}
inline std::string purge_items(const std::vector<purge_item>& items, bool with_reason) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i != 0) out += ',';
    out += '{';
    bool first = true;
    str(out, "repository", items[i].repository, first);
    str(out, "digest", items[i].digest.string(), first);
    strings(out, "tags", items[i].tags, first);
    if (with_reason) str(out, "reason", items[i].reason, first);
    out += '}';
  }
  out += ']';
  return out;
}
}  // namespace detail::json_out

/// Usage per repository and in total.
inline std::string to_json(const usage_report& r) {
  std::string out = "{\"repositories\":[";
  for (std::size_t i = 0; i < r.repositories.size(); ++i) {
    if (i != 0) out += ',';
    out += detail::json_out::usage_object(r.repositories[i], true);
  }
  out += "],\"total\":";
  out += detail::json_out::usage_object(r.total, false);
  out += '}';
  return out;
}

/// What fsck found.
inline std::string to_json(const fsck_report& r) {
  namespace o = detail::json_out;
  std::string out = "{";
  bool first = true;
  o::boolean(out, "consistent", r.consistent(), first);
  o::key(out, "problems", first);
  out += '[';
  for (std::size_t i = 0; i < r.problems.size(); ++i) {
    if (i != 0) out += ',';
    const auto& p = r.problems[i];
    out += '{';
    bool f = true;
    o::str(out, "kind", p.kind, f);
    o::str(out, "path", p.path, f);
    o::str(out, "message", p.message, f);
    o::boolean(out, "error", p.error, f);
    o::boolean(out, "repaired", p.repaired, f);
    out += '}';
  }
  out += "]}";
  return out;
}

/// What purge deleted and kept.
inline std::string to_json(const purge_report& r) {
  std::string out = "{\"deleted\":";
  out += detail::json_out::purge_items(r.deleted, false);
  out += ",\"skipped\":";
  out += detail::json_out::purge_items(r.skipped, true);
  out += '}';
  return out;
}

}  // namespace ocikit::store

#endif  // OCIKIT_STORE_JSON_HPP
