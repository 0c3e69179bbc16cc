// ocikit ref parse [--mode M] [--algorithms LIST] [--format json|text] [REF...]
// One result per input (arguments, or one reference per stdin line), streamed in constant memory.
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli.hpp"
#include "ocikit/policy.hpp"
#include "ocikit/reference.hpp"

namespace ocikit::cli {
namespace {

// A reference is at most a few hundred bytes when valid; 64 KiB bounds the memory per line.
constexpr std::size_t max_line = std::size_t{64} * 1024;

struct ref_parse_options {
  std::string mode = "strict";
  std::string algorithms = "sha256,sha384,sha512";
  std::string policy;
  output_format format = output_format::json;
  std::vector<std::string> refs;
};

/// {"input":…,"valid":true,"domain":…,"path":…,"tag":…|null,"digest":…|null,"string":…,
///  "familiar":…} or {"input":…,"valid":false,"error":{…}}
void format_json(std::string& out, std::string_view input, const result<inline_reference>& r) {
  json_writer w(out);
  w.begin_object().member("input", input);
  if (r) {
    w.member("valid", true).member("domain", r->domain()).member("path", r->path());
    w.key("tag");
    if (r->has_tag()) {
      w.value(r->tag());
    } else {
      w.null();
    }
    w.key("digest");
    if (r->has_digest()) {
      w.value(r->digest());
    } else {
      w.null();
    }
    w.member("string", r->string()).member("familiar", r->familiar_string());
  } else {
    w.member("valid", false).key("error").error(r.error());
  }
  w.end_object().line();
}

void format_text(std::string& out, std::string_view input, const result<inline_reference>& r) {
  if (r) {
    out += "valid    ";
    out.append(r->string());
    out += "\n         domain=";
    out.append(r->has_domain() ? r->domain() : std::string_view("-"));
    out += " path=";
    out.append(r->path().empty() ? std::string_view("-") : r->path());
    out += " tag=";
    out.append(r->has_tag() ? r->tag() : std::string_view("-"));
    out += " digest=";
    out.append(r->has_digest() ? r->digest() : std::string_view("-"));
    out += " familiar=";
    out.append(r->familiar_string());
    out += '\n';
  } else {
    out += "invalid  ";
    out.append(input);
    out += "\n         ";
    out.append(r.error().id());
    out += ": ";
    out += r.error().message();
    out += '\n';
  }
}

int run_ref_parse(const ref_parse_options& opt) {
  const auto mode = parse_mode_from_name(opt.mode);
  if (!mode) {
    write_err("ocikit ref parse: unknown --mode '" + opt.mode +
              "' (strict, normalized, canonical, any, docker)");
    return exit_usage;
  }
  const auto accepted = algorithm_set::parse(opt.algorithms);
  if (!accepted) {
    write_err("ocikit ref parse: --algorithms: " + accepted.error().message());
    return exit_usage;
  }
  std::optional<registry_policy> policy;
  if (opt.policy == "azure") policy = registry_policy::azure();
  return run_parse_inputs("ocikit ref parse", opt.refs, max_line, opt.format,
                          [&](std::string& out, std::string_view input, bool too_long) {
                            auto r = too_long ? result<inline_reference>(line_too_long(max_line))
                                              : parse_reference(input, *mode, *accepted);
                            if (r && policy) {
                              if (auto p = check_policy(*r, *policy); !p) r = p.error();
                            }
                            if (opt.format == output_format::json) {
                              format_json(out, input, r);
                            } else {
                              format_text(out, input, r);
                            }
                            return r.has_value();
                          });
}

}  // namespace

void register_ref(CLI::App& app, int& status) {
  auto* ref = app.add_subcommand("ref", "image references: [domain/]path[:tag][@digest]");
  ref->require_subcommand(1);
  auto opt = std::make_shared<ref_parse_options>();
  auto* parse_cmd = ref->add_subcommand(
      "parse", "parse references (arguments, or one per line on stdin) and print their parts");
  parse_cmd
      ->add_option("--mode", opt->mode,
                   "strict (Go Parse), normalized (ParseNormalizedNamed), canonical "
                   "(ParseNamed), any (ParseAnyReference), docker (ParseDockerRef)")
      ->check(CLI::IsMember({"strict", "normalized", "canonical", "any", "docker"}));
  parse_cmd->add_option("--algorithms", opt->algorithms,
                        "accepted digest algorithms, comma-separated (default "
                        "sha256,sha384,sha512; blake3 known)");
  parse_cmd
      ->add_option("--policy", opt->policy,
                   "also apply a registry's stricter rules: azure (lowercase login server, "
                   "no port, repository [a-z0-9._/-])")
      ->check(CLI::IsMember({"azure"}));
  add_format_option(*parse_cmd, opt->format, output_format::json);
  parse_cmd->add_option("REF", opt->refs, "references; read from stdin when none is given");
  parse_cmd->callback([opt, &status] { status = run_ref_parse(*opt); });
}

}  // namespace ocikit::cli
