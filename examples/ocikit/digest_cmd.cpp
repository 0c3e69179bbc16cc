// `ocikit digest` — parse digests and compute the digest of files.
//
//   ocikit digest parse [--algorithms LIST] [--format json|text] [STRING...]
//       Without STRING arguments, reads one digest per line from stdin.
//   ocikit digest file [--algorithm sha256|sha384|sha512] [--verify DIGEST] [--format text|json]
//                      [FILE...]
//       `-` (or no FILE at all) reads stdin.
// Exit status: 0 all good, 1 an invalid digest or a digest mismatch, 2 usage or I/O error.
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli.hpp"
#include "ocikit/digest.hpp"
#include "ocikit/hash_file.hpp"

namespace ocikit::cli {
namespace {

// Longer lines cannot be digests of any algorithm ocikit knows (the longest is 135 bytes).
constexpr std::size_t max_line = 4096;

struct parse_options {
  std::string algorithms;
  CLI::Option* algorithms_option = nullptr;
  output_format format = output_format::json;
  std::vector<std::string> inputs;
};

void pad_to(std::string& out, std::size_t start, std::size_t width) {
  const std::size_t used = out.size() - start;
  out.append(used < width ? width - used : 1, ' ');
}

// One output line for one input; returns whether the input is a valid digest.
bool describe(std::string& out, std::string_view input, bool too_long, algorithm_set accepted,
              output_format format) {
  result<digest_view> parsed =
      too_long ? result<digest_view>(line_too_long(max_line)) : parse_digest(input, accepted);
  out.clear();
  if (format == output_format::json) {
    json_writer w(out);
    w.begin_object().member("input", input);
    if (parsed) {
      w.member("valid", true).member("algorithm", parsed->algorithm());
      w.member("encoded", parsed->encoded());
    } else {
      w.member("valid", false).key("error").error(parsed.error());
    }
    w.end_object().line();
    return parsed.has_value();
  }
  // text: status, algorithm or error id, byte offset, the input as a JSON string, the message.
  out += parsed ? "valid" : "invalid";
  pad_to(out, 0, 9);
  std::size_t start = out.size();
  if (parsed) {
    out += parsed->algorithm();
  } else {
    out += parsed.error().id();
  }
  pad_to(out, start, 26);
  start = out.size();
  if (!parsed && parsed.error().has_offset()) {
    out += '@';
    out += std::to_string(parsed.error().offset());
  }
  pad_to(out, start, 7);
  append_json_string(out, input);
  if (!parsed) {
    out += "  ";
    out += parsed.error().message();
  }
  out += '\n';
  return parsed.has_value();
}

void run_parse(const parse_options& opts, int& status) {
  algorithm_set accepted = algorithm_set::defaults();
  if (opts.algorithms_option->count() > 0) {
    auto set = algorithm_set::parse(opts.algorithms);
    if (!set) {
      write_err("ocikit digest parse: --algorithms: " + set.error().message() +
                " (known: sha256, sha384, sha512, blake3)");
      status = exit_usage;
      return;
    }
    accepted = *set;
  }
  bool all_valid = true;
  std::string line;
  const auto one = [&](std::string_view input, bool too_long) {
    all_valid = describe(line, input, too_long, accepted, opts.format) && all_valid;
    write_out(line);
  };
  if (!for_each_input(opts.inputs, max_line, one)) {
    write_err("ocikit digest parse: error reading stdin");
    status = exit_usage;
    return;
  }
  status = all_valid ? exit_ok : exit_invalid;
}

struct file_options {
  std::string algorithm;
  CLI::Option* algorithm_option = nullptr;
  std::string verify;
  CLI::Option* verify_option = nullptr;
  output_format format = output_format::text;
  std::vector<std::string> files;
};

result<file_digest> hash_one(const std::string& name, digest_algorithm alg) {
  if (name == "-") return hash_fd(STDIN_FILENO, alg, {}, "stdin");
  std::unique_ptr<progress> bar;
  return hash_file(name, alg, [&](std::uint64_t done, std::uint64_t total) {
    if (!bar) bar = std::make_unique<progress>(name, total);
    bar->update(done);
  });
}

void run_file(file_options& opts, int& status) {
  digest_algorithm alg = digest_algorithm::sha256;
  if (opts.algorithm_option->count() > 0) {
    const auto a = algorithm_from_name(opts.algorithm);
    if (!a || !algorithm_set::defaults().contains(*a)) {
      write_err("ocikit digest file: --algorithm: '" + opts.algorithm +
                "' cannot be computed (use sha256, sha384 or sha512)");
      status = exit_usage;
      return;
    }
    alg = *a;
  }
  std::optional<digest> expected;
  if (opts.verify_option->count() > 0) {
    auto d = digest::parse(opts.verify);
    if (!d) {
      write_err("ocikit digest file: --verify: " + d.error().message());
      status = exit_usage;
      return;
    }
    const digest_algorithm implied = *d->known_algorithm();
    if (opts.algorithm_option->count() > 0 && implied != alg) {
      write_err("ocikit digest file: --algorithm " + opts.algorithm + " contradicts --verify " +
                d->str());
      status = exit_usage;
      return;
    }
    alg = implied;
    expected = std::move(*d);
  }
  if (opts.files.empty()) opts.files.emplace_back("-");

  int worst = exit_ok;
  std::string line;
  for (const auto& name : opts.files) {
    auto r = hash_one(name, alg);
    if (!r) {
      write_err("ocikit digest file: " + r.error().message());
      worst = std::max(worst, static_cast<int>(exit_usage));
      continue;
    }
    const bool matches = !expected || r->digest == *expected;
    if (!matches) {
      write_err("ocikit digest file: " + name + ": content digest mismatch: expected " +
                expected->str() + ", got " + r->digest.str());
      worst = std::max(worst, static_cast<int>(exit_invalid));
    }
    line.clear();
    if (opts.format == output_format::json) {
      json_writer w(line);
      w.begin_object().member("file", name).member("digest", r->digest.string());
      w.member("size", r->size);
      if (expected) w.member("verified", matches);
      w.end_object().line();
    } else {
      line += r->digest.string();
      line += "  ";
      append_file_name(line, name);
      line += '\n';
    }
    write_out(line);
  }
  status = worst;
}

}  // namespace

void register_digest(CLI::App& app, int& status) {
  CLI::App* noun = app.add_subcommand("digest", "parse digests and compute the digest of files");
  noun->require_subcommand(1);

  auto parse = std::make_shared<parse_options>();
  CLI::App* p =
      noun->add_subcommand("parse", "check digests given as arguments, or one per line on stdin");
  parse->algorithms_option =
      p->add_option("--algorithms", parse->algorithms,
                    "comma-separated accepted algorithms (default: sha256,sha384,sha512; "
                    "known: sha256, sha384, sha512, blake3)");
  add_format_option(*p, parse->format, output_format::json);
  p->add_option("STRING", parse->inputs, "digests to check (default: read lines from stdin)");
  p->callback([parse, &status] { run_parse(*parse, status); });

  auto file = std::make_shared<file_options>();
  CLI::App* f = noun->add_subcommand(
      "file", "print the digest of files like sha256sum ('-' or no FILE reads stdin)");
  file->algorithm_option =
      f->add_option("--algorithm", file->algorithm, "sha256 (default), sha384 or sha512");
  file->verify_option =
      f->add_option("--verify", file->verify,
                    "expected digest of every FILE (implies its algorithm); a mismatch exits 1");
  add_format_option(*f, file->format, output_format::text);
  f->add_option("FILE", file->files, "files to hash; '-' is stdin");
  f->callback([file, &status] { run_file(*file, status); });
}

}  // namespace ocikit::cli
