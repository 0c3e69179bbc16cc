// `ocikit manifest` — check, address and read manifests and indexes (OCI and Docker).
//
//   ocikit manifest validate [--media-type T] [--max-size N] [--strict] [--format text|json]
//                            FILE...
//       Every rule of ocikit/validate.hpp on each file, every problem reported. Text (default):
//       one line per file, its problems indented below it, and a summary line
//       "3 files: 2 valid, 1 invalid (4 errors, 1 warning)". JSON: one object per file,
//         {"file":…,"valid":…,"kind":…,"media_type":…,"digest":…,"size":…,
//          "errors":[{"code":…,"pointer":…,"offset":…,"message":…}],"warnings":[…]}
//       (no summary line, so that every line is one file's object). `kind`, `media_type`,
//       `digest` and `size` are null when unknown: not a manifest at all, or too large to read.
//       `media_type` is the kind's media type (also when the document omits its mediaType: that
//       is the warning manifest.media_type_missing).
//   ocikit manifest digest [--algorithm A] [--max-size N] [--format text|json] FILE...
//       The digest of the exact bytes, printed like sha256sum ("sha256:<hex>  FILE") or as
//       {"file":…,"digest":…,"size":…}. A file that is not a manifest or an index (JSON hygiene
//       and CVE-2021-41190 kind checks; the rules are `validate`'s business) still gets its line,
//       and a diagnostic on stderr.
//   ocikit manifest inspect [--media-type T] [--max-size N] [--strict] [--format text|json] FILE
//       Kind, media type, digest and size; artifactType; config; layers with their sizes and the
//       total; the entries of an index with their platforms; subject; annotations; problems.
//
// Inputs: `-` is stdin. Each file is read into one buffer of at most --max-size bytes (default
// 4 MiB = 4194304: that many pass, one more is refused), checked, printed and freed before the
// next one, so memory stays constant per file whatever the number of files. The size of a
// regular file is checked before reading it; stdin and other streams are read up to N+1 bytes.
// --media-type is what the documents must be, like an HTTP Content-Type (parameters ignored);
// it must name one of the four kinds. --strict makes a manifest without layers an error.
//
// Exit status: 0 every file valid; 1 some file invalid (including too large, or not a manifest);
// 2 usage error, or some file could not be read (named on stderr and counted in the summary).
// 2 wins over 1: a gate that could not read an input has not checked it.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "cli.hpp"
#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/hash.hpp"
#include "ocikit/json/serialize.hpp"
#include "ocikit/json/strict_parser.hpp"
#include "ocikit/media_type.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/problem.hpp"

namespace ocikit::cli {
namespace {

// ---- reading -----------------------------------------------------------------------------------

// A file read into memory, or found too large.
struct loaded {
  std::string bytes;                       // the exact bytes (when not too large)
  bool too_large = false;                  // more than the limit: `bytes` is not the document
  std::optional<std::uint64_t> file_size;  // known for regular files
};

error io_error(const char* what, const std::string& name, int err) {
  std::string d(what);
  d += ' ';
  d += name == "-" ? std::string("stdin") : "'" + name + "'";
  d += ": ";
  d += std::generic_category().message(err);
  return {errc::io_failed, error::npos, std::move(d)};
}

struct fd_closer {
  fd_closer(int f, bool own) noexcept : fd(f), owned(own) {}
  fd_closer(const fd_closer&) = delete;
  fd_closer& operator=(const fd_closer&) = delete;
  ~fd_closer() {
    if (owned && fd >= 0) ::close(fd);
  }
  int fd;
  bool owned;
};

// Reads `name` (`-` is stdin) into one buffer: a regular file larger than `limit` is refused
// from its size alone; anything else is read up to limit + 1 bytes, enough to tell.
result<loaded> load(const std::string& name, std::size_t limit) {
  const bool use_stdin = name == "-";
  const fd_closer file{use_stdin ? STDIN_FILENO : ::open(name.c_str(), O_RDONLY | O_CLOEXEC),
                       !use_stdin};
  if (file.fd < 0) return io_error("cannot open", name, errno);
  loaded out;
  std::size_t first = std::size_t{1} << 16;
  struct stat st {};
  if (::fstat(file.fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return io_error("cannot read", name, EISDIR);
    if (S_ISREG(st.st_mode)) {
      out.file_size = static_cast<std::uint64_t>(st.st_size);
      if (*out.file_size > limit) {
        out.too_large = true;
        return out;
      }
      first = static_cast<std::size_t>(*out.file_size) + 1;  // one read, then end of file
    }
  }
  const std::size_t cap = limit == std::numeric_limits<std::size_t>::max() ? limit : limit + 1;
  std::size_t got = 0;
  for (;;) {
    if (got == out.bytes.size()) {
      if (got >= cap) break;
      out.bytes.resize(std::min(cap, std::max(first, out.bytes.size() * 2)));
    }
    const ssize_t n = ::read(file.fd, out.bytes.data() + got, out.bytes.size() - got);
    if (n < 0) {
      if (errno == EINTR) continue;
      return io_error("cannot read", name, errno);
    }
    if (n == 0) break;
    got += static_cast<std::size_t>(n);
  }
  out.bytes.resize(got);
  if (got > limit) {
    out.too_large = true;
    out.bytes = std::string();  // release it now
  }
  return out;
}

error too_large_error(const loaded& in, std::size_t limit) {
  std::string d = in.file_size ? std::to_string(*in.file_size) + " bytes"
                               : "more than " + std::to_string(limit) + " bytes";
  d += ", the limit is " + std::to_string(limit) + " (--max-size)";
  return {errc::json_too_large, limit, std::move(d)};
}

// ---- shared output helpers ---------------------------------------------------------------------

std::string display_name(const std::string& name) { return name == "-" ? "stdin" : name; }

void append_key(std::string& out, std::string_view key) {
  out += ",\"";
  out += key;
  out += "\":";
}

void append_string_or_null(std::string& out, std::string_view key, std::string_view v) {
  append_key(out, key);
  if (v.empty()) {
    out += "null";
  } else {
    append_json_string(out, v);
  }
}

// {"code":…,"pointer":…,"offset":…,"message":…}
void append_problem_json(std::string& out, const problem& p) {
  out += "{\"code\":";
  append_json_string(out, p.id());
  out += ",\"pointer\":";
  if (p.error.has_pointer()) {
    append_json_string(out, p.pointer());
  } else {
    out += "null";
  }
  out += ",\"offset\":";
  out += p.error.has_offset() ? std::to_string(p.error.offset()) : std::string("null");
  out += ",\"message\":";
  append_json_string(out, p.message());
  out += '}';
}

// ,"errors":[…],"warnings":[…]
void append_problems_json(std::string& out, const std::vector<problem>& problems) {
  for (const severity s : {severity::error, severity::warning}) {
    append_key(out, s == severity::error ? "errors" : "warnings");
    out += '[';
    bool first = true;
    for (const problem& p : problems) {
      if (p.severity != s) continue;
      if (!first) out += ',';
      first = false;
      append_problem_json(out, p);
    }
    out += ']';
  }
}

// "  error   manifest.layer_size_invalid: invalid layer size at /layers/0/size: …"
void append_problems_text(std::string& out, const std::vector<problem>& problems,
                          std::string_view indent) {
  for (const problem& p : problems) {
    out += indent;
    out += p.severity == severity::error ? "error   " : "warning ";
    out += p.id();
    out += ": ";
    out += p.message();
    out += '\n';
  }
}

std::string plural(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + ' ' + std::string(n == 1 ? one : many);
}

// 1536 -> "1.5 KiB"; below 1 KiB, "N B".
std::string human_size(std::uint64_t n) {
  constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (n < 1024) return std::to_string(n) + " B";
  auto v = static_cast<double>(n);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(units)) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

void pad(std::string& out, std::size_t width, std::size_t used) {
  if (used < width) out.append(width - used, ' ');
}

// Text with control characters made visible (a value printed on one line).
std::string one_line(std::string_view s) {
  if (std::none_of(s.begin(), s.end(),
                   [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return std::string(s);
  }
  std::string out;
  append_json_string(out, s);
  return out;
}

// The kind a --media-type names (parameters ignored), or a usage diagnostic.
bool expected_kind(std::string_view verb, const std::string& value, std::string_view& stripped) {
  stripped = strip_parameters(value);
  if (manifest_kind_of(stripped)) return true;
  write_err(std::string(verb) + "--media-type '" + value +
            "' is not a manifest or index media type (one of " +
            std::string(media_types::oci_manifest) + ", " + std::string(media_types::oci_index) +
            ", " + std::string(media_types::docker_manifest) + ", " +
            std::string(media_types::docker_manifest_list) + ")");
  return false;
}

// ---- validate ----------------------------------------------------------------------------------

// What validate and inspect share: how to read and judge a document.
struct document_options {
  std::string media_type;
  CLI::Option* media_type_option = nullptr;
  std::uint64_t max_size = json::default_max_size;
  bool strict = false;
  output_format format = output_format::text;
};

// The parse options a verb's document options ask for (every problem reported, none fatal);
// false after a usage message when --media-type names no manifest kind.
bool parse_options_of(std::string_view verb, const document_options& opt,
                      manifest_parse_options& po) {
  if (opt.media_type_option->count() > 0 &&
      !expected_kind(verb, opt.media_type, po.expected_media_type)) {
    return false;
  }
  po.max_size = static_cast<std::size_t>(
      std::min<std::uint64_t>(opt.max_size, std::numeric_limits<std::size_t>::max()));
  po.strict = opt.strict;
  po.reject_invalid = false;
  return true;
}

struct validate_options : document_options {
  std::vector<std::string> files;
};

// What validate says about one file.
struct verdict {
  std::optional<manifest_kind> kind;
  std::string digest;                 // "" when unknown
  std::optional<std::uint64_t> size;  // unknown when too large to read from a stream
  std::vector<problem> problems;
  [[nodiscard]] bool valid() const { return !has_errors(problems); }
};

verdict check_file(const loaded& in, const manifest_parse_options& po) {
  verdict v;
  if (in.too_large) {
    v.size = in.file_size;
    v.problems.push_back(problem{severity::error, too_large_error(in, po.max_size)});
    return v;
  }
  v.size = in.bytes.size();
  auto parsed = parse_manifest(in.bytes, po);
  if (!parsed) {
    // Not a manifest at all (JSON hygiene, kind): its digest is still that of its bytes.
    if (auto d = hash_bytes(po.hash_algorithm, in.bytes)) v.digest = d->str();
    v.problems.push_back(problem{severity::error, std::move(parsed).error()});
    return v;
  }
  v.kind = parsed->kind;
  v.digest = parsed->digest.str();
  v.problems = std::move(parsed->problems);
  return v;
}

void validate_json(std::string& out, const std::string& name, const verdict& v) {
  out += "{\"file\":";
  append_json_string(out, name);
  out += ",\"valid\":";
  out += v.valid() ? "true" : "false";
  append_string_or_null(out, "kind", v.kind ? to_string(*v.kind) : std::string_view());
  append_string_or_null(out, "media_type", v.kind ? media_type_of(*v.kind) : std::string_view());
  append_string_or_null(out, "digest", v.digest);
  append_key(out, "size");
  out += v.size ? std::to_string(*v.size) : std::string("null");
  append_problems_json(out, v.problems);
  out += "}\n";
}

// "dir/a.json: valid oci-manifest sha256:… 859 bytes" and the problems below it.
void validate_text(std::string& out, const std::string& name, const verdict& v) {
  out += name;
  out += v.valid() ? ": valid" : ": invalid";
  if (v.kind) {
    out += ' ';
    out += to_string(*v.kind);
  }
  if (!v.digest.empty()) {
    out += ' ';
    out += v.digest;
  }
  if (v.size) {
    out += ' ';
    out += plural(*v.size, "byte", "bytes");
  }
  out += '\n';
  append_problems_text(out, v.problems, "  ");
}

int run_validate(const validate_options& opt) {
  const std::string_view verb = "ocikit manifest validate: ";
  manifest_parse_options po;
  if (!parse_options_of(verb, opt, po)) return exit_usage;

  std::uint64_t valid = 0;
  std::uint64_t invalid = 0;
  std::uint64_t unreadable = 0;
  std::uint64_t errors = 0;
  std::uint64_t warnings = 0;
  std::string out;
  for (const std::string& name : opt.files) {
    verdict v;
    {
      auto in = load(name, po.max_size);
      if (!in) {
        write_err(std::string(verb) + in.error().message());
        ++unreadable;
        continue;
      }
      v = check_file(*in, po);
    }  // the file's bytes are freed here
    (v.valid() ? valid : invalid) += 1;
    errors += count(v.problems, severity::error);
    warnings += count(v.problems, severity::warning);
    out.clear();
    if (opt.format == output_format::json) {
      validate_json(out, name, v);
    } else {
      validate_text(out, name, v);
    }
    write_out(out);
  }
  if (opt.format == output_format::text) {
    out = plural(opt.files.size(), "file", "files") + ": " + std::to_string(valid) + " valid, " +
          std::to_string(invalid) + " invalid";
    if (unreadable != 0) out += ", " + std::to_string(unreadable) + " unreadable";
    out += " (" + plural(errors, "error", "errors") + ", " +
           plural(warnings, "warning", "warnings") + ")\n";
    write_out(out);
  }
  if (unreadable != 0) return exit_usage;
  return invalid != 0 ? exit_invalid : exit_ok;
}

// ---- digest ------------------------------------------------------------------------------------

struct digest_options {
  std::string algorithm;
  CLI::Option* algorithm_option = nullptr;
  std::uint64_t max_size = json::default_max_size;
  output_format format = output_format::text;
  std::vector<std::string> files;
};

int run_digest(const digest_options& opt) {
  const std::string_view verb = "ocikit manifest digest: ";
  manifest_parse_options po;
  if (opt.algorithm_option->count() > 0) {
    const auto a = algorithm_from_name(opt.algorithm);
    if (!a || !algorithm_set::defaults().contains(*a)) {
      write_err(std::string(verb) + "--algorithm: '" + opt.algorithm +
                "' cannot be computed (use sha256, sha384 or sha512)");
      return exit_usage;
    }
    po.hash_algorithm = *a;
  }
  po.max_size = static_cast<std::size_t>(
      std::min<std::uint64_t>(opt.max_size, std::numeric_limits<std::size_t>::max()));
  po.validate = false;  // the kind and the JSON hygiene only: the rules are `validate`'s
  po.reject_invalid = false;

  int worst = exit_ok;
  std::string line;
  for (const std::string& name : opt.files) {
    auto in = load(name, po.max_size);
    if (!in) {
      write_err(std::string(verb) + in.error().message());
      worst = exit_usage;
      continue;
    }
    if (in->too_large) {
      write_err(std::string(verb) + display_name(name) + ": " +
                too_large_error(*in, po.max_size).message());
      worst = std::max(worst, static_cast<int>(exit_invalid));
      continue;
    }
    auto d = hash_bytes(po.hash_algorithm, in->bytes);
    if (!d) {
      write_err(std::string(verb) + display_name(name) + ": " + d.error().message());
      worst = exit_usage;
      continue;
    }
    if (auto parsed = parse_manifest(in->bytes, po); !parsed) {
      write_err(std::string(verb) + display_name(name) +
                ": not a manifest or an index: " + parsed.error().message());
      worst = std::max(worst, static_cast<int>(exit_invalid));
    }
    line.clear();
    if (opt.format == output_format::json) {
      line += "{\"file\":";
      append_json_string(line, name);
      line += ",\"digest\":";
      append_json_string(line, d->str());
      line += ",\"size\":";
      line += std::to_string(in->bytes.size());
      line += "}\n";
    } else {
      line += d->str();
      line += "  ";
      append_file_name(line, name);
      line += '\n';
    }
    write_out(line);
  }
  return worst;
}

// ---- inspect -----------------------------------------------------------------------------------

struct inspect_options : document_options {
  std::string file;
};

std::uint64_t layers_total(const any_manifest& m, bool& overflow) {
  std::uint64_t total = 0;
  overflow = false;
  for (const descriptor& d : m.layers()) {
    const auto size = static_cast<std::uint64_t>(std::max<std::int64_t>(d.size, 0));
    if (total > std::numeric_limits<std::uint64_t>::max() - size) {
      overflow = true;
      return std::numeric_limits<std::uint64_t>::max();
    }
    total += size;
  }
  return total;
}

std::string size_text(std::int64_t size) {
  const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(size, 0));
  return n < 1024 ? plural(n, "byte", "bytes")
                  : plural(n, "byte", "bytes") + " (" + human_size(n) + ")";
}

// "label:        value" with the values aligned.
void field(std::string& out, std::string_view label, std::string_view value) {
  constexpr std::size_t width = 15;
  out += label;
  out += ':';
  pad(out, width, label.size() + 1);
  out += value;
  out += '\n';
}

std::string descriptor_line(const descriptor& d) {
  std::string s = d.media_type.empty() ? std::string("(no media type)") : d.media_type;
  s += "  ";
  s += d.digest.empty() ? std::string("(no digest)") : d.digest.str();
  s += "  ";
  s += size_text(d.size);
  if (!d.artifact_type.empty()) s += "  artifactType " + d.artifact_type;
  return s;
}

void annotations_text(std::string& out, const annotation_map& a, std::string_view indent) {
  for (const auto& [key, value] : a) {
    out += indent;
    out += one_line(key);
    out += ": ";
    out += one_line(value);
    out += '\n';
  }
}

void layers_text(std::string& out, const any_manifest& m) {
  const auto layers = m.layers();
  field(out, "layers", std::to_string(layers.size()));
  std::size_t size_width = 1;
  std::size_t human_width = 1;
  std::size_t type_width = 1;
  for (const descriptor& d : layers) {
    size_width = std::max(size_width, std::to_string(d.size).size());
    human_width =
        std::max(human_width,
                 human_size(static_cast<std::uint64_t>(std::max<std::int64_t>(d.size, 0))).size());
    type_width = std::max(type_width, d.media_type.size());
  }
  const std::size_t index_width = std::to_string(layers.size()).size();
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const descriptor& d = layers[i];
    const std::string index = std::to_string(i);
    const std::string size = std::to_string(d.size);
    const std::string human =
        human_size(static_cast<std::uint64_t>(std::max<std::int64_t>(d.size, 0)));
    out += "  ";
    pad(out, index_width, index.size());
    out += index;
    out += "  ";
    pad(out, size_width, size.size());
    out += size;
    out += "  ";
    pad(out, human_width, human.size());
    out += human;
    out += "  ";
    out += d.media_type;
    pad(out, type_width, d.media_type.size());
    out += "  ";
    out += d.digest.str();
    out += '\n';
    for (const std::string& url : d.urls) out += "      url: " + one_line(url) + '\n';
    annotations_text(out, d.annotations, "      ");
  }
  bool overflow = false;
  const std::uint64_t total = layers_total(m, overflow);
  out += "  total: ";
  out += overflow ? "more than " : "";
  out += plural(total, "byte", "bytes") + " (" + human_size(total) + ") in " +
         plural(layers.size(), "layer", "layers") + '\n';
}

void entries_text(std::string& out, const any_manifest& m) {
  const auto entries = m.manifests();
  field(out, "manifests", std::to_string(entries.size()));
  std::vector<std::string> platforms;
  std::size_t platform_width = 1;
  std::size_t type_width = 1;
  for (const descriptor& d : entries) {
    platforms.push_back(d.platform ? format_platform(*d.platform) : std::string("-"));
    platform_width = std::max(platform_width, platforms.back().size());
    type_width = std::max(type_width, d.media_type.size());
  }
  const std::size_t index_width = std::to_string(entries.size()).size();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const descriptor& d = entries[i];
    const std::string index = std::to_string(i);
    out += "  ";
    pad(out, index_width, index.size());
    out += index;
    out += "  ";
    out += platforms[i];
    pad(out, platform_width, platforms[i].size());
    out += "  ";
    out += d.media_type;
    pad(out, type_width, d.media_type.size());
    out += "  ";
    out += d.digest.str();
    out += "  ";
    out += plural(static_cast<std::uint64_t>(std::max<std::int64_t>(d.size, 0)), "byte", "bytes");
    if (!d.artifact_type.empty()) out += "  artifactType " + d.artifact_type;
    out += '\n';
    annotations_text(out, d.annotations, "      ");
  }
}

void inspect_text(std::string& out, const std::string& name, const parsed_manifest& p) {
  const any_manifest& m = p.manifest;
  field(out, "file", one_line(name));
  field(out, "kind", to_string(p.kind));
  field(out, "media type",
        m.media_type().empty() ? std::string(media_type_of(p.kind)) + " (inferred)"
                               : std::string(m.media_type()));
  field(out, "digest", p.digest.str());
  field(out, "size", size_text(p.size));
  if (!m.artifact_type().empty()) field(out, "artifact type", m.artifact_type());
  if (const descriptor* config = m.config()) field(out, "config", descriptor_line(*config));
  if (m.is_manifest()) {
    layers_text(out, m);
  } else {
    entries_text(out, m);
  }
  if (const descriptor* subject = m.subject()) field(out, "subject", descriptor_line(*subject));
  if (const annotation_map* a = m.annotations(); a != nullptr && !a->empty()) {
    field(out, "annotations", std::to_string(a->size()));
    annotations_text(out, *a, "  ");
  }
  const auto errors = count(p.problems, severity::error);
  const auto warnings = count(p.problems, severity::warning);
  std::string verdict = errors == 0 ? "yes" : "no";
  if (errors + warnings != 0) {
    verdict += " (" + plural(errors, "error", "errors") + ", " +
               plural(warnings, "warning", "warnings") + ")";
  }
  field(out, "valid", verdict);
  append_problems_text(out, p.problems, "  ");
}

void descriptor_json(std::string& out, const descriptor* d) {
  if (d == nullptr) {
    out += "null";
  } else {
    json::write(out, *d);
  }
}

// One object: the facts of inspect_text. Descriptors are written as the OCI spec spells them
// (mediaType, digest, size, …); an index entry is {"platform":"linux/arm64/v8"|null,
// "descriptor":{…}}.
void inspect_json(std::string& out, const std::string& name, const parsed_manifest& p) {
  const any_manifest& m = p.manifest;
  out += "{\"file\":";
  append_json_string(out, name);
  append_string_or_null(out, "kind", to_string(p.kind));
  append_string_or_null(out, "media_type", media_type_of(p.kind));
  append_key(out, "media_type_declared");
  out += m.media_type().empty() ? "false" : "true";
  append_string_or_null(out, "digest", p.digest.str());
  append_key(out, "size");
  out += std::to_string(p.size);
  append_key(out, "valid");
  out += p.valid() ? "true" : "false";
  append_string_or_null(out, "artifact_type", m.artifact_type());
  append_key(out, "config");
  descriptor_json(out, m.config());
  append_key(out, "layers");
  out += '[';
  for (std::size_t i = 0; i < m.layers().size(); ++i) {
    if (i != 0) out += ',';
    json::write(out, m.layers()[i]);
  }
  out += ']';
  bool overflow = false;
  const std::uint64_t total = layers_total(m, overflow);
  append_key(out, "layers_total");
  out += std::to_string(total);
  append_key(out, "manifests");
  out += '[';
  for (std::size_t i = 0; i < m.manifests().size(); ++i) {
    const descriptor& d = m.manifests()[i];
    if (i != 0) out += ',';
    out += "{\"platform\":";
    if (d.platform) {
      append_json_string(out, format_platform(*d.platform));
    } else {
      out += "null";
    }
    out += ",\"descriptor\":";
    json::write(out, d);
    out += '}';
  }
  out += ']';
  append_key(out, "subject");
  descriptor_json(out, m.subject());
  append_key(out, "annotations");
  if (const annotation_map* a = m.annotations()) {
    json::write(out, *a);
  } else {
    out += "{}";
  }
  append_problems_json(out, p.problems);
  out += "}\n";
}

int run_inspect(const inspect_options& opt) {
  const std::string_view verb = "ocikit manifest inspect: ";
  manifest_parse_options po;
  if (!parse_options_of(verb, opt, po)) return exit_usage;
  auto in = load(opt.file, po.max_size);
  if (!in) {
    write_err(std::string(verb) + in.error().message());
    return exit_usage;
  }
  const std::string where = std::string(verb) + display_name(opt.file) + ": ";
  if (in->too_large) {
    write_err(where + too_large_error(*in, po.max_size).message());
    return exit_invalid;
  }
  const auto parsed = parse_manifest(in->bytes, po);
  if (!parsed) {
    write_err(where + std::string(parsed.error().id()) + ": " + parsed.error().message());
    return exit_invalid;
  }
  std::string out;
  if (opt.format == output_format::json) {
    inspect_json(out, opt.file, *parsed);
  } else {
    inspect_text(out, opt.file, *parsed);
  }
  write_out(out);
  return parsed->valid() ? exit_ok : exit_invalid;
}

void add_max_size(CLI::App& cmd, std::uint64_t& target) {
  cmd.add_option("--max-size", target,
                 "largest document read, in bytes (default 4194304 = 4 MiB; one more byte is "
                 "refused)")
      ->check(CLI::Validator(
          [](std::string& s) {
            return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos
                       ? std::string()
                       : "'" + s + "' is not a number of bytes";
          },
          "BYTES"));
}

}  // namespace

void register_manifest(CLI::App& app, int& status) {
  CLI::App* noun =
      app.add_subcommand("manifest", "validate, digest and inspect manifests and indexes");
  noun->require_subcommand(1);

  auto validate = std::make_shared<validate_options>();
  CLI::App* v = noun->add_subcommand(
      "validate", "check manifests and indexes against the OCI and Docker rules ('-' is stdin)");
  validate->media_type_option =
      v->add_option("--media-type", validate->media_type,
                    "what every file must be, e.g. an HTTP Content-Type (parameters ignored)");
  add_max_size(*v, validate->max_size);
  v->add_flag("--strict", validate->strict, "a manifest without layers is an error");
  add_format_option(*v, validate->format, output_format::text);
  v->add_option("FILE", validate->files, "documents to check; '-' is stdin")->required();
  v->callback([validate, &status] { status = run_validate(*validate); });

  auto digest = std::make_shared<digest_options>();
  CLI::App* d = noun->add_subcommand(
      "digest", "the digest of each document's exact bytes, like sha256sum ('-' is stdin)");
  digest->algorithm_option =
      d->add_option("--algorithm", digest->algorithm, "sha256 (default), sha384 or sha512");
  add_max_size(*d, digest->max_size);
  add_format_option(*d, digest->format, output_format::text);
  d->add_option("FILE", digest->files, "documents to hash; '-' is stdin")->required();
  d->callback([digest, &status] { status = run_digest(*digest); });

  auto inspect = std::make_shared<inspect_options>();
  CLI::App* i = noun->add_subcommand(
      "inspect", "show what a manifest or an index holds: config, layers, platforms, ...");
  inspect->media_type_option =
      i->add_option("--media-type", inspect->media_type,
                    "what the file must be, e.g. an HTTP Content-Type (parameters ignored)");
  add_max_size(*i, inspect->max_size);
  i->add_flag("--strict", inspect->strict, "a manifest without layers is an error");
  add_format_option(*i, inspect->format, output_format::text);
  i->add_option("FILE", inspect->file, "the document; '-' is stdin")->required();
  i->callback([inspect, &status] { status = run_inspect(*inspect); });
}

}  // namespace ocikit::cli
