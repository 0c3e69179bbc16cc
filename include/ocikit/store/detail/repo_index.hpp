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

// memmem is POSIX (glibc, with _GNU_SOURCE), declared by <string.h> and not by <cstring>
#include <string.h>  // NOLINT(modernize-deprecated-headers)

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
#include "ocikit/json/scan.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/store/detail/fs.hpp"
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
  e.d.media_type = string_of(o.contains("mediaType") ? o.at("mediaType") : nullptr);
  const auto* dg = o.if_contains("digest");
  if (dg == nullptr || !dg->is_string()) return corrupt(where, "an entry has no digest");
  auto parsed = ocikit::digest::parse(string_of(*dg), algorithm_set::all());
  if (!parsed) return corrupt(where, "an entry's digest is invalid: " + parsed.error().message());
  e.d.digest = std::move(*parsed);
  // Boost.JSON reads a number past INT64_MAX as a uint64: no size a descriptor can hold.
  const auto* sz = o.if_contains("size");
  if (sz == nullptr || !sz->is_int64() || sz->get_int64() < 0) {
    return corrupt(where, "an entry has no valid size");
  }
  e.d.size = sz->get_int64();
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

namespace fast {

// A reader of the entry lines ocikit writes (ocikit::json::write of a descriptor: no
// whitespace, no escapes in the common case); anything else makes it give up, and the caller
// takes Boost.JSON. What it accepts is JSON that Boost.JSON reads the same way (fuzzed by
// fuzz/store_index.cpp): strings are checked for control characters and UTF-8, numbers for
// leading zeros, and a repeated annotation key keeps its last value.
struct reader {
  std::string_view s;
  std::size_t p = 0;

  bool eat(char c) noexcept {
    if (p < s.size() && s[p] == c) {
      ++p;
      return true;
    }
    return false;
  }
  // A string without escapes, control characters or bad UTF-8 (what JSON allows unescaped).
  bool string(std::string_view& out) noexcept {
    if (!eat('"')) return false;
    const char* const begin = s.data();
    const char* const q = ocikit::json::detail::string_end(begin + p, begin, begin + s.size());
    if (q == nullptr) return false;
    const auto end = static_cast<std::size_t>(q - begin);
    out = s.substr(p, end - p);
    p = end + 1;
    return true;
  }
  // A JSON integer of at most 18 digits, not negative (no leading zeros, as JSON says).
  bool integer(std::int64_t& out) noexcept {
    if (p == s.size() || s[p] == '-') return false;
    std::uint64_t v = 0;
    const char* const e = ocikit::json::detail::integer(s.data() + p, s.data() + s.size(), v);
    if (e == nullptr) return false;
    p = static_cast<std::size_t>(e - s.data());
    out = static_cast<std::int64_t>(v);
    return true;
  }
  // An object of string members, `add(key, value)` called for each in order.
  template <class Add>
  bool string_object(Add&& add) {
    if (!eat('{')) return false;
    if (eat('}')) return true;
    do {
      std::string_view k;
      std::string_view v;
      if (!string(k) || !eat(':') || !string(v)) return false;
      add(k, v);
    } while (eat(','));
    return eat('}');
  }
};

inline bool read_entry(std::string_view line, entry& e) {
  if (line.find('\\') != std::string_view::npos) return false;
  reader r{line};
  if (!r.eat('{')) return false;
  bool have_digest = false;
  bool have_size = false;
  if (r.eat('}')) return false;
  do {
    std::string_view key;
    if (!r.string(key) || !r.eat(':')) return false;
    if (key == "mediaType") {
      std::string_view v;
      if (!r.string(v)) return false;
      e.d.media_type = v;
    } else if (key == "digest") {
      std::string_view v;
      if (!r.string(v)) return false;
      auto d = ocikit::digest::parse(v, algorithm_set::all());
      if (!d) return false;
      e.d.digest = std::move(*d);
      have_digest = true;
    } else if (key == "size") {
      if (!r.integer(e.d.size)) return false;
      have_size = true;
    } else if (key == "artifactType") {
      std::string_view v;
      if (!r.string(v)) return false;
      e.d.artifact_type = std::string(v);
    } else if (key == "annotations") {
      // A repeated key: the last one counts, as in Boost.JSON's parse.
      const bool ok = r.string_object([&](std::string_view k, std::string_view v) {
        e.d.annotations.insert_or_assign(e.d.annotations.end(), std::string(k), std::string(v));
      });
      if (!ok) return false;
    } else {
      return false;
    }
  } while (r.eat(','));
  return r.eat('}') && r.p == line.size() && have_digest && have_size;
}

/// An entry line read in place: views into the line (no allocation but the annotation list's).
struct entry_view {
  std::string_view media_type;
  std::string_view digest;
  std::string_view artifact_type;
  std::int64_t size = 0;
  std::vector<std::pair<std::string_view, std::string_view>> annotations;

  /// The value of `key` (the last one when the line repeats it, as entry's parse reads it).
  [[nodiscard]] std::string_view annotation(std::string_view key) const noexcept {
    const auto it = std::find_if(annotations.rbegin(), annotations.rend(),
                                 [&](const auto& kv) { return kv.first == key; });
    return it == annotations.rend() ? std::string_view{} : it->second;
  }
};

/// Reads a line of the store's own form into `e` (false: take parse_entry).
inline bool read_entry_view(std::string_view line, entry_view& e) {
  if (line.find('\\') != std::string_view::npos) return false;
  e.annotations.clear();
  e.artifact_type = {};
  reader r{line};
  if (!r.eat('{') || r.eat('}')) return false;
  do {
    std::string_view key;
    if (!r.string(key) || !r.eat(':')) return false;
    if (key == "mediaType") {
      if (!r.string(e.media_type)) return false;
    } else if (key == "digest") {
      if (!r.string(e.digest)) return false;
    } else if (key == "size") {
      if (!r.integer(e.size)) return false;
    } else if (key == "artifactType") {
      if (!r.string(e.artifact_type)) return false;
    } else if (key == "annotations") {
      const bool ok = r.string_object(
          [&](std::string_view k, std::string_view v) { e.annotations.emplace_back(k, v); });
      if (!ok) return false;
    } else {
      return false;
    }
  } while (r.eat(','));
  return r.eat('}') && r.p == line.size() && !e.digest.empty();
}

}  // namespace fast

inline result<entry> parse_entry(std::string_view line, std::string_view where) {
  if (entry e; fast::read_entry(line, e)) return e;
  boost::system::error_code ec;
  const boost::json::value v = boost::json::parse(line, ec);
  if (ec || !v.is_object()) return corrupt(where, "an entry is not a JSON object");
  return entry_from_json(v.get_object(), where);
}

/// A repository index: the text in the canonical form, its entry lines addressed by the byte
/// offset where each starts, and the top-level annotations.
class repo_index {
 public:
  repo_index() {
    set_text(shared_text::of(std::string(index_header) + "\n]}\n"));
    body_ = index_header.size() + 1;
    trailer_ = body_;
  }

  /// Reads the text of an index.json (`where` names the file in errors).
  static result<repo_index> parse(std::string text, std::string_view where) {
    return parse(shared_text::of(std::move(text)), where);
  }
  static result<repo_index> parse(shared_text text, std::string_view where) {
    repo_index idx;
    idx.set_text(std::move(text));
    if (idx.read_canonical()) return idx;
    // Another form: a full JSON parse, kept in the canonical form.
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(idx.text_, ec);
    if (ec || !v.is_object()) return corrupt(where, "index.json is not a JSON object");
    const auto& o = v.get_object();
    std::vector<std::string> owned;
    if (const auto* m = o.if_contains("manifests"); m != nullptr && m->is_array()) {
      for (const auto& item : m->get_array()) {
        if (!item.is_object()) return corrupt(where, "an entry of manifests is not an object");
        auto e = entry_from_json(item.get_object(), where);
        if (!e) return e.error();
        owned.push_back(e->line());
      }
    }
    repo_index out;
    if (const auto* a = o.if_contains("annotations"); a != nullptr && a->is_object()) {
      for (const auto& kv : a->get_object()) {
        if (kv.value().is_string()) {
          out.annotations.emplace(std::string(kv.key()), std::string(string_of(kv.value())));
        }
      }
    }
    out.set_text(shared_text::of(
        out.serialize_lines(std::vector<std::string_view>(owned.begin(), owned.end()))));
    out.annotations.clear();
    if (!out.read_canonical()) return corrupt(where, "index.json cannot be rewritten");
    return out;
  }

  /// The file's text in the canonical form for `lines` and the annotations.
  [[nodiscard]] std::string serialize_lines(const std::vector<std::string_view>& lines) const {
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
  [[nodiscard]] std::string serialize_lines(const std::vector<std::string>& lines) const {
    return serialize_lines(std::vector<std::string_view>(lines.begin(), lines.end()));
  }

  /// The text for the current lines and annotations.
  [[nodiscard]] std::string serialize() const { return edited({}, {}); }

  [[nodiscard]] std::string_view text() const noexcept { return text_; }

  /// The entry line that starts at byte `at` (without its separator).
  [[nodiscard]] std::string_view line_at(std::size_t at) const noexcept {
    const std::string_view t = text_;
    std::size_t end = t.find('\n', at);
    if (end == std::string_view::npos || end > trailer_) end = trailer_;
    std::string_view l = t.substr(at, end - at);
    if (!l.empty() && l.back() == ',') l.remove_suffix(1);
    return l;
  }

  /// Where each entry line starts, in file order.
  [[nodiscard]] std::vector<std::size_t> offsets() const {
    std::vector<std::size_t> out;
    for (std::size_t p = body_; p < trailer_;) {
      out.push_back(p);
      const std::size_t nl = text_.find('\n', p);
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    return out;
  }
  /// Every entry line, in file order.
  [[nodiscard]] std::vector<std::string_view> lines() const {
    std::vector<std::string_view> out;
    for (const std::size_t at : offsets()) out.push_back(line_at(at));
    return out;
  }

  /// The starts of the lines whose text contains `needle` (one byte search over the file).
  [[nodiscard]] std::vector<std::size_t> lines_containing(std::string_view needle) const {
    std::vector<std::size_t> out;
    const char* base = text_.data();
    std::size_t from = body_;
    while (from < trailer_) {
      const void* hit = ::memmem(base + from, trailer_ - from, needle.data(), needle.size());
      if (hit == nullptr) break;
      const auto at = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
      const std::size_t nl = text_.rfind('\n', at);
      const std::size_t start = nl == std::string_view::npos ? body_ : nl + 1;
      if (out.empty() || out.back() != start) out.push_back(start);
      const std::size_t next = text_.find('\n', at);
      if (next == std::string_view::npos) break;
      from = next + 1;
    }
    return out;
  }

  /// The line holding the tag, if any: its start and its entry.
  [[nodiscard]] result<std::optional<std::pair<std::size_t, entry>>> find_tag(
      std::string_view tag, std::string_view where) const {
    std::string needle = "\"";
    needle += keys::ref_name;
    needle += "\":\"";
    needle += tag;
    needle += '"';
    for (const std::size_t at : lines_containing(needle)) {
      auto e = parse_entry(line_at(at), where);
      if (!e) return e.error();
      if (e->tag() == tag) return std::optional<std::pair<std::size_t, entry>>({at, std::move(*e)});
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
    for (const std::size_t at : lines_containing(needle)) {
      auto e = parse_entry(line_at(at), where);
      if (!e) return e.error();
      if (e->d.digest.string() == digest) out.emplace_back(at, std::move(*e));
    }
    return out;
  }

  /// Every entry, parsed, in file order (offsets() gives where each starts).
  [[nodiscard]] result<std::vector<entry>> entries(std::string_view where) const {
    std::vector<entry> out;
    for (std::size_t p = body_; p < trailer_;) {
      auto e = parse_entry(line_at(p), where);
      if (!e) return e.error();
      out.push_back(std::move(*e));
      const std::size_t nl = text_.find('\n', p);
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    return out;
  }

  /// A new text: the lines minus those starting at `remove` (sorted), plus `add`, and the
  /// current annotations.
  [[nodiscard]] std::string edited(const std::vector<std::size_t>& remove,
                                   const std::vector<std::string>& add) const {
    std::vector<std::string_view> out;
    std::size_t r = 0;
    for (std::size_t p = body_; p < trailer_;) {
      while (r < remove.size() && remove[r] < p) ++r;
      if (r == remove.size() || remove[r] != p) out.push_back(line_at(p));
      const std::size_t nl = text_.find('\n', p);
      if (nl == std::string_view::npos) break;
      p = nl + 1;
    }
    for (const auto& a : add) out.emplace_back(a);
    return serialize_lines(out);
  }

  annotation_map annotations;  ///< top-level annotations (the repository's attributes)

 private:
  // Reads text_ as the canonical form (header, entry lines, trailer); false when it is not.
  bool read_canonical() {
    const std::string_view t = text_;
    if (t.size() < index_header.size() + 4 || t.substr(0, index_header.size()) != index_header ||
        t[index_header.size()] != '\n' || t.back() != '\n') {
      return false;
    }
    body_ = index_header.size() + 1;
    const std::size_t last_nl = t.rfind('\n', t.size() - 2);
    if (last_nl == std::string_view::npos || last_nl + 1 < body_) return false;
    trailer_ = last_nl + 1;
    const std::string_view trailer = t.substr(trailer_, t.size() - 1 - trailer_);
    if (trailer_ > body_) {
      // Entry lines: the first starts with '{', the last ends with '}' (no separator).
      if (t[body_] != '{' || t[trailer_ - 2] != '}') return false;
    }
    annotations.clear();
    if (trailer == "]}") return true;
    if (trailer.substr(0, 2) != "],") return false;
    boost::system::error_code ec;
    const boost::json::value v =
        boost::json::parse(std::string("{") + std::string(trailer.substr(2)), ec);
    if (ec || !v.is_object()) return false;
    if (const auto* a = v.get_object().if_contains("annotations"); a && a->is_object()) {
      for (const auto& kv : a->get_object()) {
        if (kv.value().is_string()) {
          annotations.emplace(std::string(kv.key()), std::string(string_of(kv.value())));
        }
      }
    }
    return true;
  }

  void set_text(shared_text t) {
    keep_ = std::move(t.keep);
    text_ = t.view;
  }

  std::shared_ptr<const void> keep_;  // owns the bytes text_ views
  std::string_view text_;
  std::size_t body_ = 0;     // where the first entry line starts
  std::size_t trailer_ = 0;  // where the trailer line (`]...`) starts
};

/// A tag leaves the entry `old` (at index line `old_line`): the lines to remove and add so that
/// its manifest keeps its other tags, or stays as an untagged entry when that tag was its last.
/// `others` are the manifest's entries (find_digest), `now` the time of the change.
inline void drop_tag_entry(std::size_t old_line, const entry& old,
                           std::vector<std::pair<std::size_t, entry>>& others,
                           const std::string& now, std::vector<std::size_t>& remove,
                           std::vector<std::string>& add) {
  if (others.size() == 1) {
    entry u = old.untagged();
    u.d.annotations[std::string(keys::updated)] = now;
    add.push_back(u.line());
    return;
  }
  for (auto& [i, e] : others) {
    if (i == old_line) continue;
    e.d.annotations[std::string(keys::updated)] = now;
    remove.push_back(i);
    add.push_back(e.line());
  }
}

}  // namespace ocikit::store::detail

#endif  // OCIKIT_STORE_DETAIL_REPO_INDEX_HPP
