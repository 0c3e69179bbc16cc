// Writing an OCI image layout that skopeo, umoci and other readers open: blobs streamed into
// `blobs/<alg>/<encoded>`, and `index.json` entries named with org.opencontainers.image.ref.name.
//
//   ocikit::layout::layout_writer::create(dir)    -> result<layout_writer>  (a new or an existing
//                                                   layout; its entries are kept)
//   writer.write_blob(descriptor, source, verify)  streams a blob in, hashed while written
//   writer.write_bytes(descriptor, bytes)          a manifest's exact bytes
//   writer.add(descriptor, name)                   an index.json entry (name "" = untagged)
//   writer.replace_entries(list)                   every entry at once (a registry view's edits)
//   writer.commit()                                writes index.json
//
// Durability: every file is written to a temp file at the layout's top (never inside
// `blobs/<alg>/`, where umoci gc refuses names that are not digests), fsynced, renamed into
// place, and its directory fsynced; index.json is written last, so a reader never sees an entry
// whose blobs are missing. A blob already present with the expected size is kept (content is
// addressed by digest). index.json is written as skopeo writes it: schemaVersion 2, the index
// mediaType, `manifests` (an empty array rather than null), and the annotations it had.
// add() with a name removes every other entry of that name, as skopeo does (the image it named
// stays in blobs/, unreferenced); an unnamed entry is not added twice.
//
// Example:
//   auto w = ocikit::layout::layout_writer::create("/tmp/out");
//   w->write_blob(layer, *source);           // verified against layer.digest and layer.size
//   w->write_bytes(manifest_descriptor, manifest_bytes);
//   w->add(manifest_descriptor, "v1");
//   w->commit();
#ifndef OCIKIT_LAYOUT_LAYOUT_WRITER_HPP
#define OCIKIT_LAYOUT_LAYOUT_WRITER_HPP

#include <sys/stat.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ocikit/descriptor.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/layout/detail/files.hpp"
#include "ocikit/layout/image_layout.hpp"
#include "ocikit/store/stream.hpp"

namespace ocikit::layout {

/// Writes an OCI image layout (see the top of this file).
class layout_writer {
 public:
  /// The buffer of blob copies (large: fewer system calls).
  static constexpr std::size_t buffer_size = std::size_t{1} << 20;

  /// Opens `dir` for writing: creates it with `oci-layout` and an empty `index.json` when it is
  /// not a layout yet (an existing non-empty directory without oci-layout is refused with
  /// layout.invalid), or reads the entries of the layout that is there.
  static result<layout_writer> create(const std::filesystem::path& dir) {
    layout_writer w;
    w.dir_ = dir;
    std::error_code ec;
    const bool exists = std::filesystem::exists(dir / "oci-layout", ec);
    if (exists) {
      auto existing = image_layout::open(dir);
      if (!existing) return existing.error();
      w.entries_ = existing->entries();
      w.annotations_ = existing->annotations();
    } else {
      if (std::filesystem::is_directory(dir, ec) && !std::filesystem::is_empty(dir, ec)) {
        return detail::invalid(dir, "the directory is not empty and has no oci-layout file");
      }
      if (auto m = detail::sfs::make_dirs(dir); !m) return m.error();
      const std::string header = "{\"imageLayoutVersion\":\"" + std::string(layout_version) + "\"}";
      if (auto h = detail::sfs::write_file_atomic(dir / "oci-layout", header, dir); !h) {
        return h.error();
      }
    }
    if (auto b = detail::sfs::make_dirs(dir / "blobs"); !b) return b.error();
    if (!exists) {
      if (auto c = w.commit(); !c) return c.error();  // a new layout is valid from the start
    }
    return w;
  }

  /// The layout's directory.
  [[nodiscard]] const std::filesystem::path& directory() const noexcept { return dir_; }
  /// The entries index.json will have.
  [[nodiscard]] const std::vector<descriptor>& entries() const noexcept { return entries_; }

  /// Where a blob goes.
  [[nodiscard]] std::filesystem::path blob_path(digest_view d) const {
    return dir_ / "blobs" / std::string(d.algorithm()) / std::string(d.encoded());
  }

  /// True when the blob of `d` is there with the expected size.
  [[nodiscard]] bool has_blob(const descriptor& d) const {
    struct stat st {};
    return ::stat(blob_path(d.digest.view()).c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size == d.size;
  }

  /// Streams a blob from `source` into blobs/, checked against `d.digest` and `d.size` while it
  /// is written (`verify` false: the source checks itself, e.g. a registry's verifying reader,
  /// and a failed read discards the file). Returns whether it was written (false: present).
  result<bool> write_blob(const descriptor& d, store::byte_source& source, bool verify = true) {
    if (has_blob(d)) return false;
    std::optional<verifier> check;
    if (verify) {
      auto v = verifier::create(d.digest.view(), d.size);
      if (!v) return v.error();
      check.emplace(std::move(*v));
    }
    auto t = detail::temp_file::create(dir_, ".ocikit-blob-");
    if (!t) return t.error();
    if (!buffer_) buffer_ = std::make_unique<std::byte[]>(buffer_size);
    const std::span<std::byte> buffer(buffer_.get(), buffer_size);
    std::uint64_t total = 0;
    for (;;) {
      auto n = source.read(buffer);
      if (!n) return n.error();
      if (*n == 0) break;
      const std::span<const std::byte> chunk(buffer.data(), *n);
      if (check) {
        if (auto u = check->update(chunk); !u) return u.error();
      }
      if (auto w = t->write(chunk); !w) return w.error();
      total += *n;
    }
    if (check) {
      if (auto v = check->verify(); !v) return v.error();
    } else if (total != static_cast<std::uint64_t>(d.size)) {
      return error(errc::content_size_mismatch, error::npos,
                   "expected " + std::to_string(d.size) + " bytes, got " + std::to_string(total));
    }
    return place(*t, d);
  }

  /// Writes a blob held in memory (a manifest's exact bytes), checked against `d`.
  result<bool> write_bytes(const descriptor& d, std::string_view bytes) {
    store::memory_source in(bytes);
    return write_blob(d, in, true);
  }

  /// Adds an entry to index.json (written by commit()). A name replaces every entry of that
  /// name; without a name, an unnamed entry of the same digest is not repeated.
  void add(descriptor d, std::string_view name) {
    d.annotations.erase(std::string(ref_name_annotation));
    std::erase_if(entries_, [&](const descriptor& e) {
      return name.empty() ? ref_name(e).empty() && e.digest == d.digest : ref_name(e) == name;
    });
    if (!name.empty()) d.annotations.emplace(std::string(ref_name_annotation), std::string(name));
    entries_.push_back(std::move(d));
  }

  /// Replaces every entry of index.json (written by commit()) with `entries`, in order.
  void replace_entries(std::vector<descriptor> entries) { entries_ = std::move(entries); }

  /// Writes index.json durably.
  result<void> commit() {
    std::string out = R"({"schemaVersion":2,"mediaType":")";
    out += media_types::oci_index;
    out += R"(","manifests":[)";
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (i != 0) out += ',';
      json::write(out, entries_[i]);
    }
    out += ']';
    if (!annotations_.empty()) {
      out += R"(,"annotations":)";
      json::write(out, annotations_);
    }
    out += "}";
    return detail::sfs::write_file_atomic(dir_ / "index.json", out, dir_);
  }

 private:
  layout_writer() = default;

  result<bool> place(detail::temp_file& t, const descriptor& d) {
    const auto target = blob_path(d.digest.view());
    if (auto m = detail::sfs::make_dirs(target.parent_path()); !m) return m.error();
    if (auto c = t.commit(target); !c) return c.error();
    return true;
  }

  std::filesystem::path dir_;
  std::vector<descriptor> entries_;
  annotation_map annotations_;
  std::unique_ptr<std::byte[]> buffer_;
};

}  // namespace ocikit::layout

#endif  // OCIKIT_LAYOUT_LAYOUT_WRITER_HPP
