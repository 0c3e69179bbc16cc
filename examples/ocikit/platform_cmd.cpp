// `ocikit platform` — platform specifiers and choosing an index entry.
//
//   ocikit platform parse [--format text|json] [SPEC...]
//       Parses and normalises platform specifiers (arguments, or one per stdin line); a single
//       word takes the host's os or architecture. Exit 1 if any is invalid.
//   ocikit platform select [--platform SPEC] [--all] [--format text|json] INDEX_FILE
//       Chooses the entry of an OCI image index or Docker manifest list that runs on SPEC (the
//       host platform by default), with containerd's rules (ocikit/select.hpp). `-` reads stdin.
//       --all lists every entry that runs on SPEC, best first, one per line.
//       Exit 1 when nothing matches (the platforms present are named on stderr) or the file is
//       not a valid index (its problems are listed on stderr); 2 for usage or I/O errors.
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "ocikit/parse_manifest.hpp"
#include "ocikit/platform.hpp"
#include "ocikit/select.hpp"

namespace ocikit::cli {
namespace {

// A platform specifier is a few dozen bytes; this bounds the memory per stdin line.
constexpr std::size_t max_line = std::size_t{64} * 1024;

struct parse_options {
  output_format format = output_format::text;
  std::vector<std::string> specs;
};

struct select_options {
  std::string platform;
  CLI::Option* platform_option = nullptr;
  output_format format = output_format::text;
  bool all = false;
  std::string file;
};

/// {"input":…,"valid":true,"os":…,"architecture":…,"variant":…|null,"os_version":…|null,
///  "os_features":[…],"normalized":…} or {"input":…,"valid":false,"error":{…}}
void parse_json(std::string& out, std::string_view input, const result<platform>& r) {
  json_writer w(out);
  w.begin_object().member("input", input);
  if (r) {
    w.member("valid", true).member("os", r->os).member("architecture", r->architecture);
    w.key("variant").value_or_null(r->variant);
    w.key("os_version").value_or_null(r->os_version);
    w.key("os_features").strings(r->os_features);
    w.member("normalized", format_platform(*r));
  } else {
    w.member("valid", false).key("error").error(r.error());
  }
  w.end_object().line();
}

std::string_view or_dash(std::string_view s) { return s.empty() ? std::string_view("-") : s; }

void parse_text(std::string& out, std::string_view input, const result<platform>& r) {
  if (r) {
    out += "valid    ";
    out += format_platform(*r);
    out += "\n         os=";
    out += r->os;
    out += " architecture=";
    out += r->architecture;
    out += " variant=";
    out += or_dash(r->variant);
    out += " os.version=";
    out += or_dash(r->os_version);
    out += " os.features=";
    if (r->os_features.empty()) out += '-';
    for (std::size_t i = 0; i < r->os_features.size(); ++i) {
      if (i != 0) out += ',';
      out += r->os_features[i];
    }
    out += '\n';
  } else {
    out += "invalid  ";
    out += input;
    out += "\n         ";
    out += r.error().id();
    out += ": ";
    out += r.error().message();
    out += '\n';
  }
}

int run_parse(const parse_options& opt) {
  const platform host = host_platform();
  return run_parse_inputs("ocikit platform parse", opt.specs, max_line, opt.format,
                          [&](std::string& out, std::string_view input, bool too_long) {
                            const result<platform> r =
                                too_long ? result<platform>(line_too_long(max_line))
                                         : parse_platform(input, host);
                            if (opt.format == output_format::json) {
                              parse_json(out, input, r);
                            } else {
                              parse_text(out, input, r);
                            }
                            return r.has_value();
                          });
}

/// Reads at most `limit + 1` bytes of `name` (`-` is stdin) into `out`: constant memory however
/// large the input, and enough to tell that it is over the limit. False (after a diagnostic) on
/// an I/O error.
bool read_document(const std::string& name, std::size_t limit, std::string& out) {
  const bool use_stdin = name == "-";
  std::FILE* f = use_stdin ? stdin : std::fopen(name.c_str(), "rb");
  if (f == nullptr) {
    write_err("ocikit platform select: cannot open " + name + ": " + std::strerror(errno));
    return false;
  }
  out.clear();
  char buffer[1 << 14];
  bool ok = true;
  while (out.size() <= limit) {
    const std::size_t want = std::min(sizeof buffer, limit + 1 - out.size());
    const std::size_t got = std::fread(buffer, 1, want, f);
    out.append(buffer, got);
    if (got < want) {
      if (std::ferror(f)) {
        write_err("ocikit platform select: cannot read " +
                  (use_stdin ? std::string("stdin") : name) + ": " + std::strerror(errno));
        ok = false;
      }
      break;
    }
  }
  if (!use_stdin) std::fclose(f);
  return ok;
}

/// {"digest":…,"mediaType":…,"size":…,"platform":{"architecture":…,"os":…,"os.version"?:…,
///  "os.features"?:[…],"variant"?:…}} — the platform as the document spells it.
void select_json(std::string& out, const descriptor& d) {
  json_writer w(out);
  w.begin_object()
      .member("digest", d.digest.str())
      .member("mediaType", d.media_type)
      .member("size", d.size);
  const platform& p = *d.platform;
  w.key("platform").begin_object().member("architecture", p.architecture).member("os", p.os);
  if (!p.os_version.empty()) w.member("os.version", p.os_version);
  if (!p.os_features.empty()) w.key("os.features").strings(p.os_features);
  if (!p.variant.empty()) w.member("variant", p.variant);
  w.end_object().end_object().line();
}

/// sha256:… linux/arm64/v8 (application/vnd.oci.image.manifest.v1+json, 2090 bytes)
void select_text(std::string& out, const descriptor& d) {
  out += d.digest.str();
  out += ' ';
  out += format_platform(*d.platform);
  out += " (";
  out += d.media_type;
  out += ", ";
  out += std::to_string(d.size);
  out += " bytes)\n";
}

int run_select(const select_options& opt) {
  const std::string_view verb = "ocikit platform select: ";
  platform wanted = host_platform();
  if (opt.platform_option != nullptr && opt.platform_option->count() > 0) {
    auto p = parse_platform(opt.platform);
    if (!p) {
      write_err(std::string(verb) + "--platform '" + opt.platform + "': " + p.error().message());
      return exit_usage;
    }
    wanted = std::move(*p);
  }
  manifest_parse_options parse_opt;
  parse_opt.reject_invalid = false;
  std::string bytes;
  if (!read_document(opt.file, parse_opt.checks.max_size, bytes)) return exit_usage;
  const std::string where = std::string(verb) + (opt.file == "-" ? "stdin" : opt.file) + ": ";
  if (bytes.size() > parse_opt.checks.max_size) {
    write_err(where + error(errc::json_too_large, error::npos,
                            "more than " + std::to_string(parse_opt.checks.max_size) +
                                " bytes, the limit of a manifest or index")
                          .message());
    return exit_invalid;
  }
  const auto parsed = parse_manifest(bytes, parse_opt);
  if (!parsed) {
    write_err(where + std::string(parsed.error().id()) + ": " + parsed.error().message());
    return exit_invalid;
  }
  for (const problem& p : parsed->problems) {
    write_err(where + std::string(to_string(p.severity)) + ' ' + std::string(p.id()) + ": " +
              p.message());
  }
  if (!parsed->valid()) return exit_invalid;
  const auto chosen = select_manifest(*parsed, wanted);
  if (!chosen) {
    write_err(where + chosen.error().message());
    return exit_invalid;
  }
  std::vector<selection> listed{*chosen};
  if (opt.all) listed = matching_manifests(parsed->manifest.manifests(), wanted);
  std::string out;
  for (const selection& s : listed) {
    if (opt.format == output_format::json) {
      select_json(out, *s);
    } else {
      select_text(out, *s);
    }
  }
  write_out(out);
  return exit_ok;
}

}  // namespace

void register_platform(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand(
      "platform", "platforms: os[(version[+feature...])]/arch[/variant], and choosing one");
  cmd->require_subcommand(1);

  auto parse = std::make_shared<parse_options>();
  auto* p = cmd->add_subcommand(
      "parse", "parse and normalise platform specifiers (arguments, or one per line on stdin)");
  add_format_option(*p, parse->format, output_format::text);
  p->add_option("SPEC", parse->specs,
                "platform specifiers, e.g. linux/arm64 or windows(10.0.20348)/amd64; read from "
                "stdin when none is given");
  p->callback([parse, &status] { status = run_parse(*parse); });

  auto select = std::make_shared<select_options>();
  auto* s = cmd->add_subcommand(
      "select", "choose the entry of an image index or manifest list for a platform");
  select->platform_option =
      s->add_option("--platform", select->platform,
                    "the platform to run, e.g. linux/arm64/v8 (default: this host's, " +
                        format_platform(host_platform()) + ")");
  s->add_flag("--all", select->all, "list every entry that runs on the platform, best first");
  add_format_option(*s, select->format, output_format::text);
  s->add_option("INDEX_FILE", select->file,
                "an OCI image index or Docker manifest list; - reads stdin")
      ->required();
  s->callback([select, &status] { status = run_select(*select); });
}

}  // namespace ocikit::cli
