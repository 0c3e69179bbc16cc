#include "cli.hpp"

#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <map>

namespace ocikit::cli {

void add_format_option(CLI::App& cmd, output_format& target, output_format def) {
  target = def;
  const std::map<std::string, output_format> names{{"json", output_format::json},
                                                   {"text", output_format::text}};
  cmd.add_option("--format", target,
                 std::string("output format: json (one object per input) or text (default: ") +
                     (def == output_format::json ? "json" : "text") + ")")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case));
}

void append_file_name(std::string& line, std::string_view name) {
  if (name.find_first_of("\\\n\r") == std::string_view::npos) {
    line += name;
    return;
  }
  line.insert(line.begin(), '\\');
  for (const char c : name) {
    switch (c) {
      case '\\': line += "\\\\"; break;
      case '\n': line += "\\n"; break;
      case '\r': line += "\\r"; break;
      default: line += c;
    }
  }
}

void write_out(std::string_view s) { std::fwrite(s.data(), 1, s.size(), stdout); }

void write_err(std::string_view s) {
  std::fwrite(s.data(), 1, s.size(), stderr);
  std::fputc('\n', stderr);
}

bool for_each_line(std::istream& in, std::size_t max_line,
                   const std::function<void(std::string_view, bool)>& fn) {
  std::string line;
  line.reserve(256);
  std::streambuf* sb = in.rdbuf();
  bool too_long = false;
  bool any = false;
  for (;;) {
    const int ch = sb->sbumpc();
    if (ch == std::char_traits<char>::eof()) break;
    any = true;
    if (ch == '\n') {
      fn(line, too_long);
      line.clear();
      too_long = false;
      any = false;
      continue;
    }
    if (line.size() < max_line) {
      line.push_back(static_cast<char>(ch));
    } else {
      too_long = true;
    }
  }
  if (any) fn(line, too_long);
  return !in.bad();
}

bool for_each_input(const std::vector<std::string>& args, std::size_t max_line,
                    const std::function<void(std::string_view, bool)>& fn) {
  if (args.empty()) return for_each_line(std::cin, max_line, fn);
  for (const auto& a : args) fn(a, false);
  return true;
}

ocikit::error line_too_long(std::size_t max_line) {
  return ocikit::error(ocikit::errc::input_line_too_long).with_numbers(max_line);
}

progress::progress(std::string label, std::uint64_t total)
    : label_(std::move(label)),
      total_(total),
      enabled_(total >= (64U << 20) && ::isatty(STDERR_FILENO) == 1) {}

progress::~progress() {
  if (enabled_) std::fputs("\r\033[K", stderr);
}

void progress::update(std::uint64_t done) {
  if (!enabled_ || total_ == 0) return;
  if (done - last_shown_ < total_ / 200 && done != total_) return;
  last_shown_ = done;
  const int width = 30;
  const auto filled =
      static_cast<int>(static_cast<double>(done) / static_cast<double>(total_) * width);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar.resize(width, '.');
  std::fprintf(stderr, "\r%s [%s] %3d%%", label_.c_str(), bar.c_str(),
               static_cast<int>(done * 100 / total_));
  std::fflush(stderr);
}

int run_parse_inputs(
    std::string_view verb, const std::vector<std::string>& args, std::size_t max_line,
    output_format format,
    const std::function<bool(std::string& out, std::string_view input, bool too_long)>& check) {
  constexpr std::size_t block = 1 << 12;
  std::size_t total = 0;
  std::size_t invalid = 0;
  std::string out;
  out.reserve(block);
  const bool read_ok = for_each_input(args, max_line, [&](std::string_view input, bool too_long) {
    ++total;
    if (!check(out, input, too_long)) ++invalid;
    if (out.size() >= block) {
      write_out(out);
      out.clear();
    }
  });
  write_out(out);
  if (format == output_format::text) {
    write_out(std::to_string(total - invalid) + " valid, " + std::to_string(invalid) +
              " invalid\n");
  }
  if (!read_ok) {
    write_err(std::string(verb) + ": error reading standard input");
    return exit_usage;
  }
  return invalid == 0 ? exit_ok : exit_invalid;
}

}  // namespace ocikit::cli
