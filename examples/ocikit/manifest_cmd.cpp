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
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "ocikit/any_manifest.hpp"
#include "ocikit/descriptor.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/error.hpp"
#include "ocikit/file.hpp"
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

// A file read into memory (ocikit::read_at_most), or found too large.
using loaded = bounded_contents;

// Reads `name` (`-` is stdin) into one buffer: a regular file larger than `limit` is refused
// from its size alone; anything else is read up to limit + 1 bytes, enough to tell.
result<loaded> load(const std::string& name, std::size_t limit) {
  if (name == "-") return read_at_most(STDIN_FILENO, limit, "stdin");
  auto fd = open_file(name);
  if (!fd) return fd.error();
  return read_at_most(fd->get(), limit, file_name(name));
}

error too_large_error(const loaded& in, std::size_t limit) {
  std::string d = in.file_size ? std::to_string(*in.file_size) + " bytes"
                               : "more than " + std::to_string(limit) + " bytes";
  d += ", the limit is " + std::to_string(limit) + " (--max-size)";
  return {errc::json_too_large, limit, std::move(d)};
}

// ---- shared output helpers ---------------------------------------------------------------------

std::string display_name(const std::string& name) { return name == "-" ? "stdin" : name; }

// {"code":…,"pointer":…|null,"offset":…|null,"message":…}
void problem_json(json_writer& w, const problem& p) {
  w.begin_object().member("code", p.id()).key("pointer");
  if (p.error.has_pointer()) {
    w.value(p.pointer());
  } else {
    w.null();
  }
  w.key("offset");
  if (p.error.has_offset()) {
    w.value(p.error.offset());
  } else {
    w.null();
  }
  w.member("message", p.message()).end_object();
}

// "errors":[…],"warnings":[…]
void problems_json(json_writer& w, const std::vector<problem>& problems) {
  for (const severity s : {severity::error, severity::warning}) {
    w.key(s == severity::error ? "errors" : "warnings").begin_array();
    for (const problem& p : problems) {
      if (p.severity == s) problem_json(w, p);
    }
    w.end_array();
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
struct document_flags {
  std::string media_type;
  CLI::Option* media_type_option = nullptr;
  std::uint64_t max_size = json::default_max_size;
  bool strict = false;
  output_format format = output_format::text;
};

// The parse options a verb's document options ask for (every problem reported, none fatal);
// false after a usage message when --media-type names no manifest kind.
bool parse_options_of(std::string_view verb, const document_flags& opt,
                      manifest_parse_options& po) {
  if (opt.media_type_option->count() > 0 &&
      !expected_kind(verb, opt.media_type, po.expected_media_type)) {
    return false;
  }
  po.checks.max_size = static_cast<std::size_t>(
      std::min<std::uint64_t>(opt.max_size, std::numeric_limits<std::size_t>::max()));
  po.checks.strict = opt.strict;
  po.reject_invalid = false;
  return true;
}

struct validate_flags : document_flags {
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
    v.problems.push_back(problem{severity::error, too_large_error(in, po.checks.max_size)});
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
  json_writer w(out);
  w.begin_object().member("file", name).member("valid", v.valid());
  w.key("kind").value_or_null(v.kind ? to_string(*v.kind) : std::string_view());
  w.key("media_type").value_or_null(v.kind ? media_type_of(*v.kind) : std::string_view());
  w.key("digest").value_or_null(v.digest).key("size");
  if (v.size) {
    w.value(*v.size);
  } else {
    w.null();
  }
  problems_json(w, v.problems);
  w.end_object().line();
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

int run_validate(const validate_flags& opt) {
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
      auto in = load(name, po.checks.max_size);
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

struct digest_flags {
  std::string algorithm;
  CLI::Option* algorithm_option = nullptr;
  std::uint64_t max_size = json::default_max_size;
  output_format format = output_format::text;
  std::vector<std::string> files;
};

int run_digest(const digest_flags& opt) {
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
  po.checks.max_size = static_cast<std::size_t>(
      std::min<std::uint64_t>(opt.max_size, std::numeric_limits<std::size_t>::max()));
  po.validate = false;  // the kind and the JSON hygiene only: the rules are `validate`'s
  po.reject_invalid = false;

  int worst = exit_ok;
  std::string line;
  for (const std::string& name : opt.files) {
    auto in = load(name, po.checks.max_size);
    if (!in) {
      write_err(std::string(verb) + in.error().message());
      worst = exit_usage;
      continue;
    }
    if (in->too_large) {
      write_err(std::string(verb) + display_name(name) + ": " +
                too_large_error(*in, po.checks.max_size).message());
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
      json_writer w(line);
      w.begin_object().member("file", name).member("digest", d->str());
      w.member("size", in->bytes.size()).end_object().line();
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

struct inspect_flags : document_flags {
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
  std::string s = d.media_type.empty() ? std::string("(no media type)") : d.media_type.str();
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

// A descriptor as the OCI spec spells it (mediaType, digest, size, …), or null.
void descriptor_json(json_writer& w, const descriptor* d) {
  if (d == nullptr) {
    w.null();
  } else {
    w.raw(serialize(*d));
  }
}

// One object: the facts of inspect_text. Descriptors are written as the OCI spec spells them
// (mediaType, digest, size, …); an index entry is {"platform":"linux/arm64/v8"|null,
// "descriptor":{…}}.
void inspect_json(std::string& out, const std::string& name, const parsed_manifest& p) {
  const any_manifest& m = p.manifest;
  json_writer w(out);
  w.begin_object().member("file", name);
  w.key("kind").value_or_null(to_string(p.kind));
  w.key("media_type").value_or_null(media_type_of(p.kind));
  w.member("media_type_declared", !m.media_type().empty());
  w.key("digest").value_or_null(p.digest.str());
  w.member("size", p.size).member("valid", p.valid());
  w.key("artifact_type").value_or_null(m.artifact_type());
  w.key("config");
  descriptor_json(w, m.config());
  w.key("layers").begin_array();
  for (const descriptor& d : m.layers()) descriptor_json(w, &d);
  w.end_array();
  bool overflow = false;
  w.member("layers_total", layers_total(m, overflow));
  w.key("manifests").begin_array();
  for (const descriptor& d : m.manifests()) {
    w.begin_object().key("platform");
    if (d.platform) {
      w.value(format_platform(*d.platform));
    } else {
      w.null();
    }
    w.key("descriptor");
    descriptor_json(w, &d);
    w.end_object();
  }
  w.end_array().key("subject");
  descriptor_json(w, m.subject());
  const annotation_map* a = m.annotations();
  w.key("annotations").raw(a != nullptr ? serialize(*a) : std::string("{}"));
  problems_json(w, p.problems);
  w.end_object().line();
}

int run_inspect(const inspect_flags& opt) {
  const std::string_view verb = "ocikit manifest inspect: ";
  manifest_parse_options po;
  if (!parse_options_of(verb, opt, po)) return exit_usage;
  auto in = load(opt.file, po.checks.max_size);
  if (!in) {
    write_err(std::string(verb) + in.error().message());
    return exit_usage;
  }
  const std::string where = std::string(verb) + display_name(opt.file) + ": ";
  if (in->too_large) {
    write_err(where + too_large_error(*in, po.checks.max_size).message());
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

  auto validate = std::make_shared<validate_flags>();
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

  auto digest = std::make_shared<digest_flags>();
  CLI::App* d = noun->add_subcommand(
      "digest", "the digest of each document's exact bytes, like sha256sum ('-' is stdin)");
  digest->algorithm_option =
      d->add_option("--algorithm", digest->algorithm, "sha256 (default), sha384 or sha512");
  add_max_size(*d, digest->max_size);
  add_format_option(*d, digest->format, output_format::text);
  d->add_option("FILE", digest->files, "documents to hash; '-' is stdin")->required();
  d->callback([digest, &status] { status = run_digest(*digest); });

  auto inspect = std::make_shared<inspect_flags>();
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
