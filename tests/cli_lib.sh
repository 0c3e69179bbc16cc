# Shared by the CLI test scripts (tests/cli_*/): a scratch folder, check counters, and the
# helpers below. Source it after setting `ocikit`; it leaves `tmp` (removed on exit), `rc`
# (exit status of the last run), and the counters that `finish` reports.
#   run NAME CMD...      runs CMD with this shell's stdin; keeps stdout, stderr, exit status
#   expect_rc N          the exit status is N
#   expect_out LINE...   stdout is exactly these lines
#   expect_has TEXT...   stdout contains each fixed string
#   expect_no_out        stdout is empty
#   expect_err TEXT      stderr contains TEXT
#   expect_no_err        stderr is empty
#   finish               prints "N checks, M failed"; its status is the verdict
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
failures=0
checks=0
name=

fail() {
  failures=$((failures + 1))
  printf 'FAIL %s: %s\n' "$name" "$1"
}

run() {
  name=$1
  shift
  checks=$((checks + 1))
  "$@" >"$tmp/out" 2>"$tmp/err"
  rc=$?
}

expect_rc() {
  [ "$rc" -eq "$1" ] || fail "exit status $rc, expected $1 (stderr: $(cat "$tmp/err"))"
}

expect_out() {
  printf '%s\n' "$@" >"$tmp/want"
  if ! cmp -s "$tmp/want" "$tmp/out"; then
    fail "unexpected output"
    diff "$tmp/want" "$tmp/out"
  fi
}

expect_has() {
  for text in "$@"; do
    grep -qF -- "$text" "$tmp/out" || fail "stdout lacks '$text': $(cat "$tmp/out")"
  done
}

expect_no_out() {
  [ ! -s "$tmp/out" ] || fail "unexpected output: $(cat "$tmp/out")"
}

expect_err() {
  grep -qF -- "$1" "$tmp/err" || fail "stderr lacks '$1': $(cat "$tmp/err")"
}

expect_no_err() {
  [ ! -s "$tmp/err" ] || fail "unexpected stderr: $(cat "$tmp/err")"
}

finish() {
  printf '%d checks, %d failed\n' "$checks" "$failures"
  [ "$failures" -eq 0 ]
}
