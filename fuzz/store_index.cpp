// Fuzz target for a repository's index.json as the store reads it
// (ocikit/store/detail/repo_index.hpp): repo_index::parse, the fast entry-line readers
// fast::read_entry and fast::read_entry_view, and parse_entry's Boost.JSON fallback.
//
// Input: the text of an index.json (canonical, one entry per line, or any other JSON). Checks,
// aborting on a violation:
//   - nothing crashes; a rejection is store.corrupt with a message and no offset past the input;
//   - an accepted index whose entries all parse writes a text (serialize) that parses back to
//     the same entries and annotations and writes itself again byte for byte;
//   - every entry written as a line (entry::line) reads back as the same entry;
//   - the tag and the digest of an entry line in ocikit's compact spelling are found by
//     find_tag and find_digest (a line spelled otherwise is read, not searched);
//   - for every line of the input: when the fast reader accepts it and Boost.JSON reads it too,
//     both give the same entry; read_entry_view sees the same fields as read_entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ocikit/store/detail/repo_index.hpp"

namespace {

namespace sd = ocikit::store::detail;

constexpr std::string_view where = "fuzz/index.json";

bool same(const sd::entry& a, const sd::entry& b) { return a.d == b.d; }

bool same(const std::vector<sd::entry>& a, const std::vector<sd::entry>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (!same(a[i], b[i])) return false;
  }
  return true;
}

void check_error(const ocikit::error& e, std::size_t size) {
  if (e.id().empty() || e.message().empty()) std::abort();
  if (e.has_offset() && e.offset() > size) std::abort();
}

bool plain_tag(std::string_view t) {
  if (t.empty()) return false;
  for (const char c : t) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-';
    if (!ok) return false;
  }
  return true;
}

void check_index(std::string_view input) {
  auto idx = sd::repo_index::parse(std::string(input), where);
  if (!idx) {
    if (idx.error() != ocikit::errc::store_corrupt) std::abort();
    check_error(idx.error(), input.size());
    return;
  }
  auto entries = idx->entries(where);
  if (!entries) {
    check_error(entries.error(), input.size());
    return;
  }
  for (const auto& e : *entries) {
    auto back = sd::parse_entry(e.line(), where);
    if (!back || !same(e, *back)) std::abort();
  }
  const std::string text = idx->serialize();
  auto again = sd::repo_index::parse(text, where);
  if (!again || again->serialize() != text || again->annotations != idx->annotations) std::abort();
  auto entries_again = again->entries(where);
  if (!entries_again || !same(*entries, *entries_again)) std::abort();
  // Lines in ocikit's compact spelling (what the fast reader takes) are found by byte search.
  const auto lines = again->lines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    sd::entry compact;
    if (!sd::fast::read_entry(lines[i], compact)) continue;
    const sd::entry& e = (*entries_again)[i];
    if (plain_tag(e.tag())) {
      auto found = again->find_tag(e.tag(), where);
      if (!found || !*found || (*found)->second.tag() != e.tag()) std::abort();
    }
    auto by_digest = again->find_digest(e.d.digest.string(), where);
    if (!by_digest || by_digest->empty()) std::abort();
  }
}

void check_line(std::string_view line) {
  if (!line.empty() && line.back() == ',') line.remove_suffix(1);
  sd::entry fast;
  const bool fast_ok = sd::fast::read_entry(line, fast);
  sd::fast::entry_view view;
  const bool view_ok = sd::fast::read_entry_view(line, view);
  auto parsed = sd::parse_entry(line, where);
  if (!parsed) check_error(parsed.error(), line.size());
  if (fast_ok) {
    // parse_entry took the fast path: the same entry.
    if (!parsed || !same(fast, *parsed)) std::abort();
    // The Boost.JSON reading of the same line, when it is JSON Boost.JSON accepts.
    boost::system::error_code ec;
    const boost::json::value v = boost::json::parse(line, ec);
    if (!ec && v.is_object()) {
      auto slow = sd::entry_from_json(v.get_object(), where);
      if (slow && !same(fast, *slow)) std::abort();
    }
    // The view reads the same fields (it gives up on no line the full reader takes).
    if (!view_ok) std::abort();
    if (view.digest != fast.d.digest.string() || view.size != fast.d.size ||
        view.media_type != fast.d.media_type || view.artifact_type != fast.d.artifact_type) {
      std::abort();
    }
    for (const auto& [key, value] : fast.d.annotations) {
      if (view.annotation(key) != value) std::abort();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_index(input);
  for (std::size_t p = 0; p <= input.size();) {
    std::size_t nl = input.find('\n', p);
    if (nl == std::string_view::npos) nl = input.size();
    check_line(input.substr(p, nl - p));
    p = nl + 1;
  }
  return 0;
}
