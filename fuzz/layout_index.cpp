// Fuzz target for the OCI image layout reader (ocikit/layout/image_layout.hpp): the functions
// image_layout::open feeds the bytes of its two files to, check_layout_file (`oci-layout`) and
// parse_index_file (`index.json`), and the writer's serialize_index_file
// (ocikit/layout/layout_writer.hpp). No files are needed.
//
// Input: the bytes of an index.json; also read as an oci-layout file. Checks, aborting on a
// violation:
//   - nothing crashes; a rejection is layout.invalid with a message and no offset past the input;
//   - an accepted index written by serialize_index_file reads back to the same entries and
//     annotations, and writing that again gives the same bytes;
//   - the oci-layout file the writer writes is accepted.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ocikit/layout/image_layout.hpp"
#include "ocikit/layout/layout_writer.hpp"

namespace {

void check_error(const ocikit::error& e, std::size_t size) {
  if (e != ocikit::errc::layout_invalid) std::abort();
  if (e.id().empty() || e.message().empty()) std::abort();
  if (e.has_offset() && e.offset() > size) std::abort();
}

void check_index(std::string_view input) {
  auto index = ocikit::layout::parse_index_file(input, "fuzz");
  if (!index) {
    check_error(index.error(), input.size());
    return;
  }
  const std::string text = ocikit::layout::serialize_index_file(index->entries, index->annotations);
  auto again = ocikit::layout::parse_index_file(text, "fuzz");
  if (!again || again->entries != index->entries || again->annotations != index->annotations) {
    std::abort();
  }
  if (ocikit::layout::serialize_index_file(again->entries, again->annotations) != text) {
    std::abort();
  }
}

void check_marker(std::string_view input) {
  auto ok = ocikit::layout::check_layout_file(input, "fuzz");
  if (!ok) {
    check_error(ok.error(), input.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  check_index(input);
  check_marker(input);
  static const bool written_marker_ok =
      ocikit::layout::check_layout_file(R"({"imageLayoutVersion":"1.0.0"})").has_value();
  if (!written_marker_ok) std::abort();
  return 0;
}
