// Shared plumbing of the `ocikit` command-line tool: output formats, exit codes, JSON writing
// (json_writer.hpp), streaming line input and the progress bar. Each noun lives in its own file and registers its
// verbs with register_<noun>().
#ifndef OCIKIT_EXAMPLES_CLI_HPP
#define OCIKIT_EXAMPLES_CLI_HPP

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "json_writer.hpp"
#include "ocikit/error.hpp"

namespace ocikit::cli {

/// Exit codes of every verb: 0 all good, 1 some input invalid, 2 usage or I/O error.
enum exit_status : int { exit_ok = 0, exit_invalid = 1, exit_usage = 2 };

enum class output_format { json, text };

/// Adds `--format json|text` with the verb's default.
void add_format_option(CLI::App& cmd, output_format& target, output_format def);

/// Appends `"error":{"code":…,"condition":…,"offset":N|null,"message":…}` (no braces around it),
/// the error object every verb prints for an invalid input: json_writer::error after a key, for
/// the verbs that still write their JSON by hand.
void append_error_json(std::string& out, const ocikit::error& e);

/// Appends a file name as sha256sum prints it: a name with '\\', '\n' or '\r' is escaped and
/// the whole line (`line` so far) starts with '\\'.
void append_file_name(std::string& line, std::string_view name);

/// Writes `s` to stdout (buffered; flushed at exit).
void write_out(std::string_view s);
/// Writes a diagnostic line to stderr.
void write_err(std::string_view s);

/// Calls `fn(line, line_number)` for every line of `in` ('\n' separated, a trailing '\r' kept as
/// input), in constant memory: a line longer than `max_line` bytes is passed truncated with
/// `too_long` set and the rest of it is skipped. Returns false on a read error.
bool for_each_line(std::istream& in, std::size_t max_line,
                   const std::function<void(std::string_view line, bool too_long)>& fn);

/// Calls `fn(input, too_long)` for each of `args`, or for each line of stdin when there are
/// none (see for_each_line). Returns false on a read error of stdin.
bool for_each_input(const std::vector<std::string>& args, std::size_t max_line,
                    const std::function<void(std::string_view input, bool too_long)>& fn);

/// The loop of a verb that parses one input per argument or stdin line: `check(out, input,
/// too_long)` appends the report of one input to `out` and says whether it was valid. Output
/// goes out in 4 KiB blocks; text output ends with "N valid, M invalid". Returns the exit status
/// (a read error of stdin is reported as "<verb>: error reading standard input").
int run_parse_inputs(
    std::string_view verb, const std::vector<std::string>& args, std::size_t max_line,
    output_format format,
    const std::function<bool(std::string& out, std::string_view input, bool too_long)>& check);

/// What a parse verb reports for a line that for_each_line cut at `max_line` bytes.
ocikit::error line_too_long(std::size_t max_line);

/// A progress bar on stderr, shown only when stderr is a terminal and the work is large.
class progress {
 public:
  progress(std::string label, std::uint64_t total);
  ~progress();
  progress(const progress&) = delete;
  progress& operator=(const progress&) = delete;
  void update(std::uint64_t done);
  [[nodiscard]] bool enabled() const noexcept { return enabled_; }

 private:
  std::string label_;
  std::uint64_t total_;
  std::uint64_t last_shown_ = 0;
  bool enabled_ = false;
};

// One register function per noun; each sets `status` when its verb runs.
void register_ref(CLI::App& app, int& status);
void register_digest(CLI::App& app, int& status);
void register_platform(CLI::App& app, int& status);
void register_manifest(CLI::App& app, int& status);
void register_store(CLI::App& app, int& status);
void register_copy(CLI::App& app, int& status);
void register_login(CLI::App& app, int& status);  // login and logout

}  // namespace ocikit::cli

#endif  // OCIKIT_EXAMPLES_CLI_HPP
