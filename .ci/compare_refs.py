#!/usr/bin/env python3
"""Compares ocikit's reference parsing with Go's distribution/reference (.ci/differential).

Inputs: the reference file (one per line), Go's `refbench -dump -mode all` output, and ocikit's
`ocikit ref parse --mode M --format json` output for each mode. Lines are matched by position.

For a valid result both must agree on domain, path, tag, digest, string and familiar form; for an
invalid one, on the error condition (Go's error text is mapped to ocikit's coarse condition).

The Go peer is Debian's distribution 2.8.2, older than the behaviour ocikit follows (v0.6); its
three known differences are classified and counted, not failed:
  (a) ipv6       it rejects bracketed IPv6 hosts ("[::1]:5000/foo");
  (b) length     it counts the domain in the 255-byte name limit;
  (c) uppercase  under normalisation it does not take an uppercase first component for a domain
                 ("Foo/bar").
A fourth class is a difference of the Go language, not of the library, and the spec rules on it
("everything is ASCII and byte-counted; no locale, no Unicode case folding"):
  (d) unicode    Go's strings.ToLower folds some non-ASCII characters to ASCII (U+212A KELVIN
                 SIGN -> 'k', U+0130 -> 'i') and maps invalid UTF-8 to U+FFFD, so Go reports
                 name_contains_uppercase for such input where ocikit reports invalid_format.
Everything else is a disagreement: up to --examples of them are printed and the exit status is 1.

Usage: compare_refs.py --refs FILE --go FILE --ours MODE=FILE [--ours MODE=FILE ...]
"""

import argparse
import json
import re
import sys

# ocikit mode -> key of the Go dump record
GO_MODE = {"strict": "parse", "normalized": "normalized", "canonical": "named", "any": "any",
           "docker": "dockerref"}
NORMALIZING = {"normalized", "canonical", "any", "docker"}
KINDS = ("ipv6", "length", "uppercase", "unicode")

# Go error text -> ocikit condition. Checked in order: the first pattern found wins.
GO_ERRORS = [
    ("cannot specify 64-byte hexadecimal strings", "name_is_identifier"),
    ("must be lowercase", "name_contains_uppercase"),  # also "repository name (x) must be ..."
    ("repository name must have at least one component", "name_empty"),
    ("repository name must not be more than 255 characters", "name_too_long"),
    ("repository name must be canonical", "name_not_canonical"),
    ("invalid checksum digest format", "digest_invalid_format"),
    ("invalid checksum digest length", "digest_invalid_length"),
    ("unsupported digest algorithm", "digest_unsupported"),
]
IPV6_HOST = re.compile(r"^\[[0-9A-Fa-f:]+\](:[0-9]+)?$")


def go_condition(text):
    for needle, cond in GO_ERRORS:
        if needle in text:
            return cond
    if text == "invalid reference format":
        return "invalid_format"
    return "unknown Go error: " + text


def read_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data:
        return []
    if data.endswith(b"\n"):
        data = data[:-1]
    return data.split(b"\n")


def read_jsonl(path):
    with open(path, "rb") as f:
        return [json.loads(line) for line in f if line.strip()]


def split_name(text, mode):
    """The (domain, path) Go 2.8.2 would measure for the name limit: the name is the input before
    any '@' and tag; under normalisation Docker's domain and `library/` are applied (old rules)."""
    name = text.split("@", 1)[0]
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name = name[:colon]
    if mode in NORMALIZING:
        i = name.find("/")
        if i < 0 or not (("." in name[:i]) or (":" in name[:i]) or name[:i] == "localhost"):
            domain, rest = "docker.io", name
        else:
            domain, rest = name[:i], name[i + 1:]
        if domain == "index.docker.io":
            domain = "docker.io"
        if domain == "docker.io" and "/" not in rest:
            rest = "library/" + rest
        return domain, rest
    i = name.find("/")
    return (name[:i], name[i + 1:]) if i >= 0 else ("", name)


def classify(text, mode, go_cond, ours):
    """The known divergence that explains a difference, or None."""
    first = text.split("/", 1)[0] if "/" in text else None
    # (a) Go 2.8.2 has no bracketed IPv6 host: it says invalid_format for all of them.
    if go_cond == "invalid_format" and first is not None and IPV6_HOST.match(first):
        return "ipv6"
    # (b) Go 2.8.2 counts the domain in the 255-byte limit (ocikit: the path only).
    if go_cond == "name_too_long":
        if ours.get("valid"):
            domain, path = ours["domain"], ours["path"]
        else:
            domain, path = split_name(text, mode)
        if len(path) <= 255 < len(domain) + 1 + len(path):
            return "length"
    # (c) Go 2.8.2 keeps an uppercase first component in the remote name under normalisation.
    if (mode in NORMALIZING and go_cond == "name_contains_uppercase" and first is not None and
            first != first.lower() and "." not in first and ":" not in first):
        return "uppercase"
    # (d) Unicode case folding in Go; ocikit is ASCII only.
    if (go_cond == "name_contains_uppercase" and not ours.get("valid") and
            ours["error"]["condition"] == "invalid_format" and not text.isascii()):
        return "unicode"
    return None


def compare_valid(go, ours):
    """Field differences between two valid results."""
    diffs = []
    for key in ("domain", "path", "tag", "digest", "string", "familiar"):
        g = go.get(key) or ""
        o = ours.get(key) or ""
        if g != o:
            diffs.append("%s: go=%r ours=%r" % (key, g, o))
    return diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--refs", required=True)
    ap.add_argument("--go", required=True)
    ap.add_argument("--ours", action="append", required=True, metavar="MODE=FILE")
    ap.add_argument("--examples", type=int, default=20)
    ap.add_argument("--show-known", type=int, default=0, metavar="N",
                    help="also print N examples of each known divergence")
    args = ap.parse_args()

    refs = read_lines(args.refs)
    go = read_jsonl(args.go)
    if len(go) != len(refs):
        print("Go dump has %d records for %d inputs" % (len(go), len(refs)))
        return 1

    failures = []
    known_examples = {k: [] for k in KINDS}
    total_disagree = 0
    for spec in args.ours:
        mode, _, path = spec.partition("=")
        ours = read_jsonl(path)
        if len(ours) != len(refs):
            print("%s: ocikit printed %d records for %d inputs" % (mode, len(ours), len(refs)))
            return 1
        agree = 0
        known = dict.fromkeys(KINDS, 0)
        disagree = 0
        for i, raw in enumerate(refs):
            text = raw.decode("utf-8", "surrogateescape")
            g = go[i][GO_MODE[mode]]
            o = ours[i]
            if g["valid"] and o["valid"]:
                diffs = compare_valid(g, o)
                if not diffs:
                    agree += 1
                    continue
                problem = "; ".join(diffs)
                kind = None
            elif not g["valid"] and not o["valid"]:
                gc = go_condition(g["error"])
                oc = o["error"]["condition"]
                if gc == oc:
                    agree += 1
                    continue
                kind = classify(text, mode, gc, o)
                problem = "go: %s (%s) / ours: %s (%s: %s)" % (
                    gc, g["error"], oc, o["error"]["code"], o["error"]["message"])
            elif not g["valid"]:
                gc = go_condition(g["error"])
                kind = classify(text, mode, gc, o)
                problem = "go: %s (%s) / ours: valid %r" % (gc, g["error"], o["string"])
            else:
                kind = None
                problem = "go: valid %r / ours: %s (%s: %s)" % (
                    g["string"], o["error"]["condition"], o["error"]["code"],
                    o["error"]["message"])
            if kind:
                known[kind] += 1
                if len(known_examples[kind]) < args.show_known:
                    known_examples[kind].append("[%s] line %d %r: %s" % (mode, i + 1, text, problem))
            else:
                disagree += 1
                failures.append("[%s] line %d %r: %s" % (mode, i + 1, text, problem))
        total_disagree += disagree
        print("%-10s %6d inputs: %6d agree, %5d known divergence (ipv6 %d, length %d, "
              "uppercase %d, unicode %d), %5d disagree" % (
                  mode, len(refs), agree, sum(known.values()), known["ipv6"], known["length"],
                  known["uppercase"], known["unicode"], disagree))
    for kind in KINDS:
        for line in known_examples[kind]:
            print("  known %s: %s" % (kind, line))
    for line in failures[:args.examples]:
        print("  " + line)
    if len(failures) > args.examples:
        print("  ... and %d more" % (len(failures) - args.examples))
    return 1 if total_disagree else 0


if __name__ == "__main__":
    sys.exit(main())
