// Differential fuzzing of reference parsing (ocikit/reference.hpp).
//
// Input layout: byte 0 selects the parse mode (byte % 5: strict, normalized, canonical, any,
// docker) and the accepted digest algorithms ((byte / 5) % 3: defaults, all, sha256 only); the
// remaining bytes are the reference. Every oracle below that does not hold calls abort():
//   - the inline type (parse_reference(s, mode)), the strict view (parse_reference(s)), the owning
//     type (reference::parse, reference(...)) and the views of each agree on validity, every
//     part and, on failure, the whole error;
//   - is_valid_reference(s, mode) == parse_reference(s, mode).has_value();
//   - every error has a code other than ok, an offset <= input size and a non-empty message;
//   - strict: string() == input, and parsing string() again gives the same parts;
//   - normalized: normalize(normalize(x).string()) == normalize(x); every mode is a fixed point
//     of its own output, and that output is a valid strict reference with the same parts;
//   - an inline_reference keeps its text after the input buffer is overwritten;
//   - the builders without_tag / without_digest / with_tag give valid strict references.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ocikit/reference.hpp"

#include "ocikit/detail/reference_oracle.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

template <class A, class B>
bool same_parts(const A& a, const B& b) {
  return a.string() == b.string() && a.domain() == b.domain() && a.path() == b.path() &&
         a.name() == b.name() && a.tag() == b.tag() && a.digest() == b.digest() &&
         a.has_domain() == b.has_domain() && a.has_tag() == b.has_tag() &&
         a.has_digest() == b.has_digest() && a.is_named() == b.is_named() &&
         a.familiar_string() == b.familiar_string() && a.familiar_name() == b.familiar_name();
}

/// The parts of a normalised result as a strict parse of its text sees them.
template <class A, class B>
bool same_named_parts(const A& a, const B& b) {
  return a.string() == b.string() && a.domain() == b.domain() && a.path() == b.path() &&
         a.tag() == b.tag() && a.digest() == b.digest() && a.has_tag() == b.has_tag() &&
         a.has_digest() == b.has_digest();
}

void check_error(const ocikit::error& e, std::string_view input) {
  check(e.code() != ocikit::errc::ok);
  check(e.condition() != ocikit::condition::ok);
  check(!e.id().empty() && e.id() != "ok");
  check(e.has_offset() && e.offset() <= input.size());
  check(!e.message().empty());
}

/// Consistency of the accessors of one valid result.
template <class R>
void check_shape(const R& r) {
  const std::string_view s = r.string();
  if (!r.is_named()) {
    check(r.has_digest() && !r.has_tag() && !r.has_domain() && r.path().empty());
    check(r.digest() == s && r.familiar_string() == s);
    return;
  }
  check(!r.path().empty() && r.path().size() <= ocikit::detail::max_path_length);
  check(r.has_domain() == !r.domain().empty());
  check(s.starts_with(r.name()));
  check(s.ends_with(r.familiar_string()) && r.familiar_string().starts_with(r.familiar_name()));
  check(r.has_tag() == !r.tag().empty() && r.tag().size() <= ocikit::detail::max_tag_length);
  check(r.has_digest() == !r.digest().empty());
  if (r.has_digest()) check(r.digest_value().string() == r.digest());
  std::string expect(r.name());
  if (r.has_tag()) expect.append(":").append(r.tag());
  if (r.has_digest()) expect.append("@").append(r.digest());
  check(expect == s);
}

void check_builders(ocikit::reference_view r, ocikit::algorithm_set accepted) {
  if (!r.is_named()) {
    check(!r.without_tag() && !r.without_digest() && !r.with_tag("latest"));
    return;
  }
  const auto no_tag = r.without_tag();
  const auto no_digest = r.without_digest();
  const auto latest = r.with_tag("latest");
  check(no_tag && no_digest && latest);
  check(!no_tag->has_tag() && no_tag->digest() == r.digest() && no_tag->name() == r.name());
  check(!no_digest->has_digest() && no_digest->tag() == r.tag());
  check(latest->tag() == "latest" && latest->digest() == r.digest());
  for (const auto* b : {&*no_tag, &*no_digest, &*latest}) {
    const auto again = ocikit::parse_reference(b->string(), accepted);
    check(again && same_named_parts(*again, *b));
  }
  check(!r.with_tag("") && !r.with_tag("-x") && !r.with_digest("sha256:x"));
}

}  // namespace

void check_same_offsets(bool a, const ocikit::detail::ref_offsets& x, bool b,
                        const ocikit::detail::ref_offsets& y) {
  check(a == b);
  if (a) {
    check(x.has_domain == y.has_domain && x.domain_end == y.domain_end);
    check(x.path_begin == y.path_begin && x.path_end == y.path_end);
    check(x.has_tag == y.has_tag && x.tag_end == y.tag_end);
    check(x.has_digest == y.has_digest && x.digest_begin == y.digest_begin);
  }
}

bool same_failure(const ocikit::detail::failure_point& a, const ocikit::detail::failure_point& b) {
  return a.at == b.at && a.code == b.code && a.rule_start == b.rule_start;
}

// Both hand compositions (masked when it answers, scanned always) against PEGTL's.
template <class Top>
void check_same_match(std::string_view s) {
  ocikit::detail::ref_offsets pegtl{};
  const bool p = ocikit::detail::match_reference_pegtl<Top>(s, pegtl);
  ocikit::detail::ref_offsets scanned{};
  check_same_offsets(ocikit::detail::match_reference_scanned<Top>(s, scanned), scanned, p, pegtl);
  ocikit::detail::ref_offsets masked{};
  const auto m = ocikit::detail::match_reference_masked<Top>(s, masked);
  if (m != ocikit::detail::masked_match::declined) {
    check_same_offsets(m == ocikit::detail::masked_match::match, masked, p, pegtl);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const auto mode = static_cast<ocikit::parse_mode>(data[0] % 5);
  ocikit::algorithm_set accepted;
  switch ((data[0] / 5) % 3) {
    case 0: accepted = ocikit::algorithm_set::defaults(); break;
    case 1: accepted = ocikit::algorithm_set::all(); break;
    default: accepted = {ocikit::digest_algorithm::sha256}; break;
  }
  // The input lives in its own buffer so that it can be overwritten below.
  std::string buffer(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string original = buffer;
  const std::string_view s = buffer;

  // The hand-composed matcher of the hot path and PEGTL's composition of the same rules agree
  // on every input, parts included, for both top-level rules.
  check_same_match<ocikit::grammar::reference_only>(s);
  check_same_match<ocikit::grammar::remote_reference_only>(s);
  // The hand-composed diagnosis finds the failure PEGTL's composition finds.
  check(same_failure(ocikit::detail::diagnose_scanned<ocikit::grammar::reference_only>(s),
                     ocikit::detail::diagnose_pegtl<ocikit::grammar::reference_only>(s)));
  check(same_failure(ocikit::detail::diagnose_scanned<ocikit::grammar::remote_reference_only>(s),
                     ocikit::detail::diagnose_pegtl<ocikit::grammar::remote_reference_only>(s)));

  // Normalisation with the masks (the common case) and without them (the general path) gives the
  // same answer, value or error.
  {
    const auto fast = ocikit::detail::normalize_reference<true>(s, accepted);
    const auto general = ocikit::detail::normalize_reference<false>(s, accepted);
    check(fast.has_value() == general.has_value());
    if (fast) {
      check(same_parts(*fast, *general) && fast->string() == general->string());
    } else {
      check(fast.error() == general.error() && fast.error().message() == general.error().message());
    }
  }

  const auto view = ocikit::parse_reference(s, mode, accepted);
  const auto owned = ocikit::reference::parse(s, mode, accepted);
  check(view.has_value() == owned.has_value());
  check(ocikit::is_valid_reference(s, mode, accepted) == view.has_value());
  if (mode == ocikit::parse_mode::strict) {
    const auto strict_view = ocikit::parse_reference(s, accepted);
    check(strict_view.has_value() == view.has_value());
    if (strict_view) {
      check(same_parts(*strict_view, *view) && strict_view->string().data() == s.data());
    } else {
      check(strict_view.error() == view.error());
    }
  }

  if (!view) {
    check_error(view.error(), s);
    check(view.error() == owned.error());
    check(view.error().error_code() == view.error().code());
    check(view.error().error_code() == view.error().condition());
    if (mode == ocikit::parse_mode::strict && s.empty()) {
      check(view.error() == ocikit::errc::reference_empty);
    }
    return 0;
  }

  const ocikit::inline_reference& r = *view;
  check(same_parts(r, *owned));
  check(same_parts(r, r.view()));
  check(same_parts(r, ocikit::reference(r)));
  check(same_parts(r, owned->view()));
  check_shape(r);

  // Every mode is a fixed point of its own output.
  const auto again = ocikit::parse_reference(r.string(), mode, accepted);
  check(again && same_parts(*again, r));
  // A named result is a valid strict reference with the same parts.
  if (r.is_named()) {
    const auto strict = ocikit::parse_reference(r.string(), accepted);
    check(strict && same_named_parts(*strict, r));
  }

  switch (mode) {
    case ocikit::parse_mode::strict: check(r.string() == s); break;
    case ocikit::parse_mode::normalized:
    case ocikit::parse_mode::canonical: {
      // No has_domain() check: a first component with '.' that is not a valid domain
      // ("a_b.c/d") stays part of the path, as in Go.
      const auto n2 = ocikit::parse_normalized_reference(r.string(), accepted);
      check(n2 && n2->string() == r.string());
      if (mode == ocikit::parse_mode::canonical) check(r.string() == s);
      break;
    }
    case ocikit::parse_mode::any:
      if (!r.is_named()) check(r.digest().ends_with(s));
      break;
    case ocikit::parse_mode::docker: check(r.has_tag() != r.has_digest()); break;
  }

  // An inline_reference does not depend on the input.
  // NOLINTNEXTLINE(performance-unnecessary-copy-initialization): the copy is what is tested
  const ocikit::inline_reference copy = r;
  const ocikit::reference kept(r);
  std::memset(buffer.data(), '#', buffer.size());
  check(same_parts(copy, kept) && same_parts(r, kept));
  buffer = original;

  check_builders(r, accepted);
  return 0;
}
