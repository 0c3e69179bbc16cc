// A repository's index.json: its manifests and tags (internal).
//
// The file is an OCI image index as an OCI image layout needs it, written by ocikit in one
// fixed form, one entry per line, so that a tag or a digest is found by a byte search without
// parsing 10,000 entries:
//   {"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[
//   {entry},
//   {entry}
//   ],"annotations":{...}}            (annotations: the repository's attributes, when any)
// Each entry is a descriptor of one manifest; `org.opencontainers.image.ref.name` is its tag.
// A manifest with tags has one entry per tag; an untagged manifest has one entry without a
// ref.name. Times, sizes, the subject and the locks are io.ocikit.store.* annotations, the same
// on every entry of a manifest except the tag's own locks. A file in another form (written by
// another tool) is read with a full JSON parse and written back in this form.
#ifndef OCIKIT_STORE_DETAIL_REPO_INDEX_HPP
#define OCIKIT_STORE_DETAIL_REPO_INDEX_HPP

#include <string.h>  // memmem

#include <algorithm>
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/store/registry.hpp"

namespace ocikit::store::detail {

namespace keys {
inline constexpr std::string_view ref_name = "org.opencontainers.image.ref.name";
inline constexpr std::string_view created = "io.ocikit.store.created";
inline constexpr std::string_view updated = "io.ocikit.store.updated";
inline constexpr std::string_view image_size = "io.ocikit.store.image-size";
inline constexpr std::string_view config_media_type = "io.ocikit.store.config-media-type";
inline constexpr std::string_view architecture = "io.ocikit.store.architecture";
inline constexpr std::string_view os = "io.ocikit.store.os";
inline constexpr std::string_view subject = "io.ocikit.store.subject";
// Attribute keys are "<scope>.<attribute>" with scope manifest, tag or repository; only false
// values are written.
inline constexpr std::string_view manifest_scope = "io.ocikit.store.manifest.";
inline constexpr std::string_view tag_scope = "io.ocikit.store.tag.";
inline constexpr std::string_view repository_scope = "io.ocikit.store.repository.";
inline constexpr std::string_view attribute_names[4] = {"delete-enabled", "write-enabled",
                                                        "read-enabled", "list-enabled"};
}  // namespace keys

inline constexpr std::string_view index_header =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";

inline bool* attribute_slot(changeable_attributes& a, std::size_t i) noexcept {
  switch (i) {
    case 0: return &a.delete_enabled;
    case 1: return &a.write_enabled;
    case 2: return &a.read_enabled;
    default: return &a.list_enabled;
  }
}

inline changeable_attributes read_attributes(const annotation_map& m, std::string_view scope) {
  changeable_attributes a;
  std::string key(scope);
  const std::size_t base = key.size();
  for (std::size_t i = 0; i < 4; ++i) {
    key.resize(base);
    key += keys::attribute_names[i];
    const auto it = m.find(key);
    *attribute_slot(a, i) = it == m.end() || it->second != "false";
  }
  return a;
}

inline void write_attributes(annotation_map& m, std::string_view scope,
                             const changeable_attributes& a) {
  std::string key(scope);
  const std::size_t base = key.size();
  changeable_attributes copy = a;
  for (std::size_t i = 0; i < 4; ++i) {
    key.resize(base);
    key += keys::attribute_names[i];
    if (*attribute_slot(copy, i)) {
      m.erase(key);
    } else {
      m[key] = "false";
    }
  }
}

inline changeable_attributes apply(changeable_attributes a, const attribute_update& u) {
  if (u.delete_enabled) a.delete_enabled = *u.delete_enabled;
  if (u.write_enabled) a.write_enabled = *u.write_enabled;
  if (u.read_enabled) a.read_enabled = *u.read_enabled;
  if (u.list_enabled) a.list_enabled = *u.list_enabled;
  return a;
}

/// One entry: a descriptor of a manifest, with the store's annotations.
struct entry {
  descriptor d;

  [[nodiscard]] std::string_view annotation(std::string_view key) const {
    const auto it = d.annotations.find(key);
    return it == d.annotations.end() ? std::string_view{} : std::string_view(it->second);
  }
  [[nodiscard]] std::string_view tag() const { return annotation(keys::ref_name); }
  [[nodiscard]] bool tagged() const { return !tag().empty(); }
  [[nodiscard]] changeable_attributes manifest_attributes() const {
    return read_attributes(d.annotations, keys::manifest_scope);
  }
  [[nodiscard]] changeable_attributes tag_attributes() const {
    return read_attributes(d.annotations, keys::tag_scope);
  }
  /// This entry without its tag and the tag's own attributes (the manifest's record).
  [[nodiscard]] entry untagged() const {
    entry e = *this;
    e.d.annotations.erase(std::string(keys::ref_name));
    write_attributes(e.d.annotations, keys::tag_scope, changeable_attributes{});
    return e;
  }
  [[nodiscard]] std::string line() const {
    std::string out;
    out.reserve(256);
    ocikit::json::write(out, d);
    return out;
  }
};

inline std::string_view string_of(const boost::json::value& v) {
  if (const auto* s = v.if_string()) return std::string_view(s->data(), s->size());
  return {};
}

inline error corrupt(std::string_view where, std::string_view what) {
  return error(errc::store_corrupt, error::npos, std::string(where) + ": " + std::string(what));
}

/// A descriptor from its JSON object (what an index.json entry holds).
inline result<entry> entry_from_json(const boost::json::object& o, std::string_view where) {
  entry e;
  e.d.media_type = std::string(string_of(o.contains("mediaType") ? o.at("mediaType") : nullptr));
  const auto* dg = o.if_contains("digest");
  if (dg == nullptr || !dg->is_string()) return corrupt(where, "an entry has no digest");
  auto parsed = ocikit::digest::parse(string_of(*dg), algorithm_set::all());
  if (!parsed) return corrupt(where, "an entry's digest is invalid: " + parsed.error().message());
  e.d.digest = std::move(*parsed);
  const auto* sz = o.if_contains("size");
  if (sz == nullptr || !sz->is_int64() || sz->get_int64() < 0) {
    if (sz != nullptr && sz->is_uint64()) {
      e.d.size = static_cast<std::int64_t>(sz->get_uint64());
    } else {
      return corrupt(where, "an entry has no valid size");
    }
  } else {
    e.d.size = sz->get_int64();
  }
  if (const auto* a = o.if_contains("annotations"); a != nullptr && a->is_object()) {
    for (const auto& kv : a->get_object()) {
      if (kv.value().is_string()) {
        e.d.annotations.emplace(std::string(kv.key()), std::string(string_of(kv.value())));
      }
    }
  }
  if (const auto* at = o.if_contains("artifactType"); at != nullptr) {
    e.d.artifact_type = std::string(string_of(*at));
  }
  if (const auto* p = o.if_contains("platform"); p != nullptr && p->is_object()) {
    platform pl;
    const auto& po = p->get_object();
    if (const auto* x = po.if_contains("architecture"))
      pl.architecture = std::string(string_of(*x));
    if (const auto* x = po.if_contains("os")) pl.os = std::string(string_of(*x));
    if (const auto* x = po.if_contains("variant")) pl.variant = std::string(string_of(*x));
    if (const auto* x = po.if_contains("os.version")) pl.os_version = std::string(string_of(*x));
    e.d.platform = std::move(pl);
  }
  return e;
}

inline result<entry> parse_entry(std::string_view line, std::string_view where) {
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return corrupt(where, "an entry is not a JSON object");
  return entry_from_json(v.get_object(), where);
}

/// A repository index: entry lines (views into `text_` or owned) and the top-level annotations.
class repo_index {
 public:
  repo_index() = default;

  /// Reads the text of an index.json (`where` names the file in errors).
  static result<repo_index> parse(std::string text, std::string_view where) {
    repo_index idx;
    idx.text_ = std::move(text);
    if (idx.read_canonical()) return idx;
    // Another form: a full JSON parse, kept as lines of the canonical form.
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(idx.text_, ec);
    if (ec || !v.is_object()) return corrupt(where, "index.json is not a JSON object");
    const auto& o = v.get_object();
    std::vector<std::string> lines;
    if (const auto* m = o.if_contains("manifests"); m != nullptr && m->is_array()) {
      for (const auto& item : m->get_array()) {
        if (!item.is_object()) return corrupt(where, "an entry of manifests is not an object");
        auto e = entry_from_json(item.get_object(), where);
        if (!e) return e.error();
        lines.push_back(e->line());
      }
    }
    annotation_map annotations;
    if (const auto* a = o.if_contains("annotations"); a != nullptr && a->is_object()) {
      for (const auto& kv : a->get_object()) {
        if (kv.value().is_string()) {
          annotations.emplace(std::string(kv.key()), std::string(string_of(kv.value())));
        }
      }
    }
    repo_index out;
    out.annotations = std::move(annotations);
    out.text_ = out.serialize_lines(lines);
    if (!out.read_canonical()) return corrupt(where, "index.json cannot be rewritten");
    return out;
  }

  /// The file's text in the canonical form for `lines` and the annotations.
  [[nodiscard]] std::string serialize_lines(const std::vector<std::string>& lines) const {
    std::size_t total = index_header.size() + 64;
    for (const auto& l : lines) total += l.size() + 2;
    std::string out;
    out.reserve(total);
    out += index_header;
    out += '\n';
    for (std::size_t i = 0; i < lines.size(); ++i) {
      out += lines[i];
      out += i + 1 < lines.size() ? ",\n" : "\n";
    }
    out += ']';
    if (!annotations.empty()) {
      out += ",\"annotations\":";
      ocikit::json::write(out, annotations);
    }
    out += "}\n";
    return out;
  }

  /// The text for the current lines.
  [[nodiscard]] std::string serialize() const {
    std::vector<std::string> copy;
    copy.reserve(lines_.size());
    for (const auto& l : lines_) copy.emplace_back(l);
    return serialize_lines(copy);
  }

  [[nodiscard]] std::size_t size() const noexcept { return lines_.size(); }
  [[nodiscard]] std::string_view line(std::size_t i) const noexcept { return lines_[i]; }
  [[nodiscard]] const std::string& text() const noexcept { return text_; }

  /// Indices of the lines whose text contains `needle` (one byte search over the whole file).
  [[nodiscard]] std::vector<std::size_t> lines_containing(std::string_view needle) const {
    std::vector<std::size_t> out;
    const char* base = text_.data();
    std::size_t from = 0;
    while (from < text_.size()) {
      const void* hit = ::memmem(base + from, text_.size() - from, needle.data(), needle.size());
      if (hit == nullptr) break;
      const std::size_t at = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
      const std::size_t i = line_at(at);
      if (i < lines_.size() && (out.empty() || out.back() != i)) out.push_back(i);
      from = at + needle.size();
    }
    return out;
  }

  /// The line holding the tag, if any.
  [[nodiscard]] result<std::optional<std::pair<std::size_t, entry>>> find_tag(
      std::string_view tag, std::string_view where) const {
    std::string needle = "\"";
    needle += keys::ref_name;
    needle += "\":\"";
    needle += tag;
    needle += '"';
    for (const std::size_t i : lines_containing(needle)) {
      auto e = parse_entry(lines_[i], where);
      if (!e) return e.error();
      if (e->tag() == tag) return std::optional<std::pair<std::size_t, entry>>({i, std::move(*e)});
    }
    return std::optional<std::pair<std::size_t, entry>>();
  }

  /// The lines of a manifest (its tags, or its untagged record).
  [[nodiscard]] result<std::vector<std::pair<std::size_t, entry>>> find_digest(
      std::string_view digest, std::string_view where) const {
    std::string needle = "\"digest\":\"";
    needle += digest;
    needle += '"';
    std::vector<std::pair<std::size_t, entry>> out;
    for (const std::size_t i : lines_containing(needle)) {
      auto e = parse_entry(lines_[i], where);
      if (!e) return e.error();
      if (e->d.digest.string() == digest) out.emplace_back(i, std::move(*e));
    }
    return out;
  }

  /// Every entry, parsed.
  [[nodiscard]] result<std::vector<entry>> entries(std::string_view where) const {
    std::vector<entry> out;
    out.reserve(lines_.size());
    for (const auto& l : lines_) {
      auto e = parse_entry(l, where);
      if (!e) return e.error();
      out.push_back(std::move(*e));
    }
    return out;
  }

  /// A new text: the lines minus `remove` (sorted indices), plus `add`.
  [[nodiscard]] std::string edited(const std::vector<std::size_t>& remove,
                                   const std::vector<std::string>& add) const {
    std::vector<std::string> out;
    out.reserve(lines_.size() + add.size());
    std::size_t r = 0;
    for (std::size_t i = 0; i < lines_.size(); ++i) {
      while (r < remove.size() && remove[r] < i) ++r;
      if (r < remove.size() && remove[r] == i) continue;
      out.emplace_back(lines_[i]);
    }
    for (const auto& a : add) out.push_back(a);
    return serialize_lines(out);
  }

  annotation_map annotations;  ///< top-level annotations (the repository's attributes)

 private:
  // Reads text_ as the canonical form; false when it is not in that form.
  bool read_canonical() {
    lines_.clear();
    const std::string_view t = text_;
    if (t.size() < index_header.size() + 1 || t.substr(0, index_header.size()) != index_header ||
        t[index_header.size()] != '\n') {
      return false;
    }
    std::size_t pos = index_header.size() + 1;
    for (;;) {
      const std::size_t nl = t.find('\n', pos);
      if (nl == std::string_view::npos) return false;
      std::string_view l = t.substr(pos, nl - pos);
      if (!l.empty() && l.front() == ']') {
        // Trailer: `]}` or `],"annotations":{...}}`, then the end of the file.
        if (nl + 1 != t.size()) return false;
        if (l == "]}") return true;
        if (l.substr(0, 2) != "],") return false;
        boost::system::error_code ec;
        const boost::json::value v =
            boost::json::parse(std::string("{") + std::string(l.substr(2)), ec);
        if (ec || !v.is_object()) return false;
        if (const auto* a = v.get_object().if_contains("annotations"); a && a->is_object()) {
          for (const auto& kv : a->get_object()) {
            annotations.emplace(std::string(kv.key()), std::string(string_of(kv.value())));
          }
        }
        return true;
      }
      if (l.empty() || l.front() != '{') return false;
      if (l.back() == ',') l.remove_suffix(1);
      if (l.empty() || l.back() != '}') return false;
      lines_.push_back(l);
      starts_.push_back(pos);
      pos = nl + 1;
    }
  }

  // The line that holds byte `at` of text_ (lines_.size() when none).
  [[nodiscard]] std::size_t line_at(std::size_t at) const {
    const auto it = std::upper_bound(starts_.begin(), starts_.end(), at);
    if (it == starts_.begin()) return lines_.size();
    const std::size_t i = static_cast<std::size_t>(it - starts_.begin()) - 1;
    return at < starts_[i] + lines_[i].size() ? i : lines_.size();
  }

  std::string text_;
  std::vector<std::string_view> lines_;
  std::vector<std::size_t> starts_;
};

}  // namespace ocikit::store::detail

#endif  // OCIKIT_STORE_DETAIL_REPO_INDEX_HPP
