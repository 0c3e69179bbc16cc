#!/bin/sh
# Checks `ocikit ref parse`, `ocikit digest parse` and `ocikit digest file`.
#   usage: ref_digest_test.sh OCIKIT_BINARY
set -u
ocikit=$1
. "$(dirname "$0")/../cli_lib.sh"

h=44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a

run "ref parse strict, valid" "$ocikit" ref parse "localhost:5000/app:1@sha256:$h"
expect_rc 0
expect_out "{\"input\":\"localhost:5000/app:1@sha256:$h\",\"valid\":true,\"domain\":\"localhost:5000\",\"path\":\"app\",\"tag\":\"1\",\"digest\":\"sha256:$h\",\"string\":\"localhost:5000/app:1@sha256:$h\",\"familiar\":\"localhost:5000/app:1@sha256:$h\"}"

run "ref parse normalized" "$ocikit" ref parse --mode normalized ubuntu
expect_rc 0
expect_out '{"input":"ubuntu","valid":true,"domain":"docker.io","path":"library/ubuntu","tag":null,"digest":null,"string":"docker.io/library/ubuntu","familiar":"ubuntu"}'

run "ref parse invalid" "$ocikit" ref parse 'docker.io/Library/x'
expect_rc 1
expect_out '{"input":"docker.io/Library/x","valid":false,"error":{"code":"reference.uppercase","condition":"name_contains_uppercase","offset":10,"message":"repository name must be lowercase: '"'"'L'"'"' at byte 10"}}'

run "ref parse docker mode drops the tag" "$ocikit" ref parse --mode docker "foo:1@sha256:$h"
expect_rc 0
expect_out "{\"input\":\"foo:1@sha256:$h\",\"valid\":true,\"domain\":\"docker.io\",\"path\":\"library/foo\",\"tag\":null,\"digest\":\"sha256:$h\",\"string\":\"docker.io/library/foo@sha256:$h\",\"familiar\":\"foo@sha256:$h\"}"

run "ref parse any mode, image ID" "$ocikit" ref parse --mode any "$h"
expect_rc 0
expect_out "{\"input\":\"$h\",\"valid\":true,\"domain\":\"\",\"path\":\"\",\"tag\":null,\"digest\":\"sha256:$h\",\"string\":\"sha256:$h\",\"familiar\":\"sha256:$h\"}"

printf 'a\nB\n\nc:1\n' >"$tmp/in"
run "ref parse from stdin, one line each" sh -c "\"$ocikit\" ref parse <\"$tmp/in\""
expect_rc 1
[ "$(wc -l <"$tmp/out")" -eq 4 ] || fail "expected 4 lines, got $(wc -l <"$tmp/out")"
grep -q '"input":"","valid":false,"error":{"code":"reference.empty","condition":"name_empty"' "$tmp/out" ||
  fail "empty line not reported as name_empty"

run "ref parse text format" sh -c "printf 'a\n' | \"$ocikit\" ref parse --format text"
expect_rc 0
expect_out "valid    a" "         domain=- path=a tag=- digest=- familiar=a" "1 valid, 0 invalid"

run "ref parse policy" "$ocikit" ref parse --policy azure MyReg.azurecr.io/app
expect_rc 1
grep -q '"code":"policy.uppercase"' "$tmp/out" || fail "policy violation not reported"

run "ref parse bad mode" "$ocikit" ref parse --mode nope x
expect_rc 2
run "ref parse bad algorithms" "$ocikit" ref parse --algorithms sha1 x
expect_rc 2
expect_err "unsupported digest algorithm 'sha1'"
run "ref parse accepts blake3 when asked" "$ocikit" ref parse --algorithms blake3 "a@blake3:$h"
expect_rc 0
run "ref parse refuses blake3 by default" "$ocikit" ref parse "a@blake3:$h"
expect_rc 1
grep -q '"condition":"digest_unsupported"' "$tmp/out" || fail "blake3 should be unsupported by default"

# a long line is reported, not buffered whole
awk 'BEGIN { s = ""; for (i = 0; i < 70000; i++) s = s "a"; print s }' >"$tmp/long"
run "ref parse long line" sh -c "\"$ocikit\" ref parse <\"$tmp/long\""
expect_rc 1
grep -q '"code":"input.line_too_long","condition":"resource_limit","offset":null,"message":"the input line is longer than 65536 bytes and was not parsed"' "$tmp/out" ||
  fail "long line not reported as input.line_too_long: $(cut -c1-300 "$tmp/out" | tail -c 300)"
run "digest parse long line" sh -c "\"$ocikit\" digest parse <\"$tmp/long\""
expect_rc 1
grep -q '"code":"input.line_too_long"' "$tmp/out" || fail "long digest line not input.line_too_long"

run "digest parse" "$ocikit" digest parse "sha256:$h" "sha256:abc"
expect_rc 1
expect_out "{\"input\":\"sha256:$h\",\"valid\":true,\"algorithm\":\"sha256\",\"encoded\":\"$h\"}" \
  '{"input":"sha256:abc","valid":false,"error":{"code":"digest.invalid_length","condition":"digest_invalid_length","offset":7,"message":"invalid digest length: sha256 digests have 64 hex digits, this one has 3"}}'

printf '{}' >"$tmp/empty.json"
run "digest file" "$ocikit" digest file "$tmp/empty.json"
expect_rc 0
expect_out "sha256:$h  $tmp/empty.json"
run "digest file stdin" sh -c "printf '{}' | \"$ocikit\" digest file -"
expect_rc 0
expect_out "sha256:$h  -"
run "digest file verify ok" "$ocikit" digest file --verify "sha256:$h" "$tmp/empty.json"
expect_rc 0
run "digest file verify mismatch" "$ocikit" digest file --verify "sha256:$h" "$0"
expect_rc 1
expect_err "sha256:$h"
run "digest file missing" "$ocikit" digest file "$tmp/missing"
expect_rc 2
run "digest file sha512" "$ocikit" digest file --algorithm sha512 "$tmp/empty.json"
expect_rc 0
grep -q '^sha512:[0-9a-f]\{128\}  ' "$tmp/out" || fail "no sha512 digest"
if command -v sha256sum >/dev/null 2>&1; then
  run "digest file agrees with sha256sum" "$ocikit" digest file "$0"
  want="sha256:$(sha256sum "$0" | cut -d' ' -f1)  $0"
  expect_out "$want"
fi

run "no verb" "$ocikit" ref
expect_rc 2

finish
