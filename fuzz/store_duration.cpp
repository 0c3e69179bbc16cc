// Fuzz target for ocikit::store::parse_duration (ocikit/store/maintenance.hpp), the reader of
// `ocikit store purge --ago` ("2d", "1h30m", "90s", "0").
//
// Input: a duration as a user types it. Checks, aborting on a violation (UBSan reports an
// overflow on the way):
//   - nothing crashes; a rejection is store.invalid_name with a message that quotes the input;
//   - an accepted duration is not negative and equals the sum an independent reading computes
//     with checked arithmetic (numbers of at most 2^40, units d h m s, a total that fits in
//     std::int64_t);
//   - it round-trips: written as days, hours, minutes and seconds (and as seconds alone when
//     the number fits) it parses back to the same value.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "ocikit/store/maintenance.hpp"

namespace {

constexpr std::int64_t max_term = std::int64_t{1} << 40;

// The reading the contract describes, with overflow checks: nullopt when the text is not a
// duration.
std::optional<std::int64_t> oracle(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::int64_t n = 0;
    const std::size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      n = n * 10 + (s[i] - '0');
      if (n > max_term) return std::nullopt;
      ++i;
    }
    if (i == start || i == s.size()) return std::nullopt;
    std::int64_t unit = 0;
    switch (s[i]) {
      case 'd': unit = 86400; break;
      case 'h': unit = 3600; break;
      case 'm': unit = 60; break;
      case 's': unit = 1; break;
      default: return std::nullopt;
    }
    std::int64_t term = 0;
    if (__builtin_mul_overflow(n, unit, &term) || __builtin_add_overflow(total, term, &total)) {
      return std::nullopt;
    }
    ++i;
  }
  return total;
}

// "<d>d<h>h<m>m<s>s", the days split into terms of at most 2^40.
std::string write_dhms(std::int64_t s) {
  std::string text;
  std::int64_t days = s / 86400;
  while (days > max_term) {
    text += std::to_string(max_term) + "d";
    days -= max_term;
  }
  return text + std::to_string(days) + "d" + std::to_string(s % 86400 / 3600) + "h" +
         std::to_string(s % 3600 / 60) + "m" + std::to_string(s % 60) + "s";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto d = ocikit::store::parse_duration(input);
  const auto expected = oracle(input);
  if (!d) {
    if (expected) std::abort();
    if (d.error() != ocikit::errc::store_invalid_name || d.error().message().empty()) std::abort();
    if (d.error().has_offset() && d.error().offset() > size) std::abort();
    if (d.error().message().find(input) == std::string::npos) std::abort();
    return 0;
  }
  if (!expected || d->count() < 0 || *expected != d->count()) std::abort();
  const std::int64_t s = d->count();
  auto back = ocikit::store::parse_duration(write_dhms(s));
  if (!back || back->count() != s) std::abort();
  if (s <= max_term) {
    auto again = ocikit::store::parse_duration(std::to_string(s) + "s");
    if (!again || again->count() != s) std::abort();
  }
  return 0;
}
