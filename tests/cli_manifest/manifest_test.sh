#!/bin/sh
# Checks `ocikit manifest validate`, `ocikit manifest digest` and `ocikit manifest inspect`: exact
# stdout, exit codes, and the diagnostics on stderr.
#   usage: manifest_test.sh OCIKIT_BINARY [SHARED_DIR]
# SHARED_DIR (tests/data; or the environment's OCIKIT_SHARED_DIR, which wins) holds
# corpus/manifests/: every file is validated in one run over a glob, and the verdicts and digests
# are compared with cases.jsonl. Those checks fail when it is absent; the ones that read JSON need
# python3. Exit 0 when every check passes, 1 otherwise.
set -u

ocikit=$1
shared=${OCIKIT_SHARED_DIR:-${2:-}}
. "$(dirname "$0")/../cli_lib.sh"
have_python=false
command -v python3 >/dev/null 2>&1 && have_python=true

# expect_json : stdout is JSON (python3 -m json.tool), one document.
expect_json() {
  $have_python || return 0
  python3 -m json.tool <"$tmp/out" >/dev/null 2>"$tmp/json_err" ||
    fail "stdout is not JSON: $(cat "$tmp/json_err")"
}

hex_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { wc -c <"$1" | tr -d ' '; }

cd "$tmp" || exit 1
mt=application/vnd.oci.image.manifest.v1+json
it=application/vnd.oci.image.index.v1+json
cfg=application/vnd.oci.image.config.v1+json
tgz=application/vnd.oci.image.layer.v1.tar+gzip
d1=sha256:1111111111111111111111111111111111111111111111111111111111111111
d2=sha256:2222222222222222222222222222222222222222222222222222222222222222
d3=sha256:3333333333333333333333333333333333333333333333333333333333333333
d4=sha256:4444444444444444444444444444444444444444444444444444444444444444

# A valid image: three layers, 675598 + 156 + 148 = 675902 bytes (660.1 KiB).
cat >good.json <<EOF
{
  "schemaVersion": 2,
  "mediaType": "$mt",
  "config": {"mediaType": "$cfg", "digest": "$d1", "size": 1470},
  "layers": [
    {"mediaType": "$tgz", "digest": "$d2", "size": 675598},
    {"mediaType": "$tgz", "digest": "$d3", "size": 156},
    {"mediaType": "$tgz", "digest": "$d4", "size": 148}
  ],
  "annotations": {"com.example.key1": "value1"}
}
EOF
# Two errors: a config digest that is no digest, a layer size that is a string.
cat >bad.json <<EOF
{"schemaVersion": 2, "mediaType": "$mt",
 "config": {"mediaType": "$cfg", "digest": "sha256:xyz", "size": 1470},
 "layers": [{"mediaType": "$tgz", "digest": "$d2", "size": 1},
            {"mediaType": "$tgz", "digest": "$d3", "size": "156"}]}
EOF
# Valid with a warning (an error with --strict).
cat >empty.json <<EOF
{"schemaVersion": 2, "mediaType": "$mt",
 "config": {"mediaType": "$cfg", "digest": "$d1", "size": 2}, "layers": []}
EOF
cat >index.json <<EOF
{"schemaVersion": 2, "mediaType": "$it",
 "manifests": [
   {"mediaType": "$mt", "digest": "$d1", "size": 101,
    "platform": {"architecture": "amd64", "os": "linux"}},
   {"mediaType": "$mt", "digest": "$d2", "size": 102,
    "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
   {"mediaType": "$mt", "digest": "$d3", "size": 103, "artifactType": "application/vnd.example"}
 ],
 "subject": {"mediaType": "$mt", "digest": "$d4", "size": 7}}
EOF
printf 'not json\n' >notjson.txt

good_hex=$(hex_of good.json)
good_size=$(size_of good.json)
bad_hex=$(hex_of bad.json)
bad_size=$(size_of bad.json)
empty_hex=$(hex_of empty.json)
empty_size=$(size_of empty.json)

# ---- validate ------------------------------------------------------------------------------------

run "validate: a valid file (text)" "$ocikit" manifest validate good.json
expect_rc 0
expect_out "good.json: valid oci-manifest sha256:$good_hex $good_size bytes" \
  "1 file: 1 valid, 0 invalid (0 errors, 0 warnings)"
expect_no_err

run "validate: a valid file (json)" "$ocikit" manifest validate --format json good.json
expect_rc 0
expect_out "{\"file\":\"good.json\",\"valid\":true,\"kind\":\"oci-manifest\",\"media_type\":\"$mt\",\"digest\":\"sha256:$good_hex\",\"size\":$good_size,\"errors\":[],\"warnings\":[]}"
expect_json

run "validate: an invalid file (text)" "$ocikit" manifest validate bad.json
expect_rc 1
head -n 1 "$tmp/out" >"$tmp/first"
printf '%s\n' "bad.json: invalid oci-manifest sha256:$bad_hex $bad_size bytes" | cmp -s - "$tmp/first" ||
  fail "first line: $(cat "$tmp/first")"
expect_has "  error   manifest.config_digest_invalid: invalid config digest at /config/digest: " \
  "  error   manifest.layer_size_invalid: invalid layer size at /layers/1/size: " \
  "1 file: 0 valid, 1 invalid (2 errors, 0 warnings)"

run "validate: an invalid file (json, with pointers)" "$ocikit" manifest validate --format json bad.json
expect_rc 1
expect_has '"file":"bad.json","valid":false,"kind":"oci-manifest"' \
  "\"digest\":\"sha256:$bad_hex\",\"size\":$bad_size," \
  '{"code":"manifest.config_digest_invalid","pointer":"/config/digest","offset":null,"message":"invalid config digest at /config/digest: ' \
  '{"code":"manifest.layer_size_invalid","pointer":"/layers/1/size","offset":null,"message":"invalid layer size at /layers/1/size: ' \
  '"warnings":[]}'
expect_json

run "validate: a warning, several files" "$ocikit" manifest validate good.json bad.json empty.json
expect_rc 1
expect_has "empty.json: valid oci-manifest sha256:$empty_hex $empty_size bytes" \
  "  warning manifest.layers_empty: " \
  "3 files: 2 valid, 1 invalid (2 errors, 1 warning)"

run "validate: --strict makes empty layers an error" "$ocikit" manifest validate --strict --format json empty.json
expect_rc 1
expect_has '"valid":false' '"errors":[{"code":"manifest.layers_empty","pointer":"/layers",'

run "validate: a document that is not JSON" "$ocikit" manifest validate --format json notjson.txt
expect_rc 1
expect_has "\"file\":\"notjson.txt\",\"valid\":false,\"kind\":null,\"media_type\":null,\"digest\":\"sha256:$(hex_of notjson.txt)\",\"size\":9," \
  '"code":"json.syntax"'

run "validate: stdin" "$ocikit" manifest validate - <good.json
expect_rc 0
expect_out "-: valid oci-manifest sha256:$good_hex $good_size bytes" \
  "1 file: 1 valid, 0 invalid (0 errors, 0 warnings)"

run "validate: --max-size N accepts N bytes" "$ocikit" manifest validate --max-size "$good_size" good.json
expect_rc 0
run "validate: --max-size N refuses N+1 bytes" "$ocikit" manifest validate --format json \
  --max-size $((good_size - 1)) good.json
expect_rc 1
expect_has "\"valid\":false,\"kind\":null,\"media_type\":null,\"digest\":null,\"size\":$good_size,\"errors\":[{\"code\":\"json.too_large\"" \
  "document too large: $good_size bytes, the limit is $((good_size - 1))"
run "validate: --max-size on a pipe, N bytes" sh -c 'cat "$1" | "$2" manifest validate --max-size "$3" -' \
  sh good.json "$ocikit" "$good_size"
expect_rc 0
run "validate: --max-size on a pipe, N+1 bytes" sh -c 'cat "$1" | "$2" manifest validate --max-size "$3" -' \
  sh good.json "$ocikit" $((good_size - 1))
expect_rc 1
expect_has "  error   json.too_large: document too large: more than $((good_size - 1)) bytes"

# The default limit: 4 MiB = 4194304 bytes pass, one more byte fails (padding is JSON whitespace).
{ cat good.json; head -c $((4194304 - good_size)) /dev/zero | tr '\0' ' '; } >max.json
{ cat max.json; printf ' '; } >over.json
run "validate: 4194304 bytes pass by default" "$ocikit" manifest validate max.json
expect_rc 0
expect_has "max.json: valid oci-manifest sha256:$(hex_of max.json) 4194304 bytes"
run "validate: 4194305 bytes fail by default" "$ocikit" manifest validate over.json
expect_rc 1
expect_has "over.json: invalid 4194305 bytes" "  error   json.too_large: "
run "validate: 4194305 bytes on stdin" sh -c 'cat over.json | "$1" manifest validate -' sh "$ocikit"
expect_rc 1
expect_has "-: invalid" "more than 4194304 bytes"

run "validate: an unreadable file exits 2" "$ocikit" manifest validate good.json missing.json
expect_rc 2
expect_err "ocikit manifest validate: cannot open 'missing.json': No such file or directory"
expect_out "good.json: valid oci-manifest sha256:$good_hex $good_size bytes" \
  "2 files: 1 valid, 0 invalid, 1 unreadable (0 errors, 0 warnings)"
run "validate: exit 2 wins over 1" "$ocikit" manifest validate bad.json missing.json .
expect_rc 2
expect_err "cannot read '.': Is a directory"
expect_has "3 files: 0 valid, 1 invalid, 2 unreadable (2 errors, 0 warnings)"

run "validate: --media-type with parameters" "$ocikit" manifest validate \
  --media-type "$mt; charset=utf-8" good.json
expect_rc 0
run "validate: --media-type mismatch" "$ocikit" manifest validate --format json --media-type "$it" good.json
expect_rc 1
expect_has '"code":"manifest.media_type_mismatch","pointer":"/mediaType"'
run "validate: --media-type that names no manifest kind" "$ocikit" manifest validate \
  --media-type text/plain good.json
expect_rc 2
expect_no_out
expect_err "--media-type 'text/plain' is not a manifest or index media type"
run "validate: --max-size must be a number" "$ocikit" manifest validate --max-size -1 good.json
expect_rc 2
run "validate: a FILE is required" "$ocikit" manifest validate
expect_rc 2

# ---- digest --------------------------------------------------------------------------------------

run "digest: like sha256sum" "$ocikit" manifest digest good.json bad.json index.json
expect_rc 0
sha256sum good.json bad.json index.json | sed 's/^/sha256:/' >"$tmp/want"
cmp -s "$tmp/want" "$tmp/out" || fail "differs from sha256sum: $(cat "$tmp/out")"
expect_no_err

run "digest: stdin" "$ocikit" manifest digest - <index.json
expect_rc 0
expect_out "sha256:$(hex_of index.json)  -"

run "digest: json" "$ocikit" manifest digest --format json good.json
expect_rc 0
expect_out "{\"file\":\"good.json\",\"digest\":\"sha256:$good_hex\",\"size\":$good_size}"
expect_json

run "digest: sha512" "$ocikit" manifest digest --algorithm sha512 good.json
expect_rc 0
expect_out "sha512:$(sha512sum good.json | cut -d' ' -f1)  good.json"

run "digest: not a manifest" "$ocikit" manifest digest notjson.txt good.json
expect_rc 1
expect_out "sha256:$(hex_of notjson.txt)  notjson.txt" "sha256:$good_hex  good.json"
expect_err "ocikit manifest digest: notjson.txt: not a manifest or an index: invalid JSON"

run "digest: too large" "$ocikit" manifest digest --max-size 10 good.json
expect_rc 1
expect_no_out
expect_err "document too large: $good_size bytes, the limit is 10"

run "digest: unreadable" "$ocikit" manifest digest missing.json good.json
expect_rc 2
expect_out "sha256:$good_hex  good.json"
expect_err "cannot open 'missing.json'"

run "digest: blake3 cannot be computed" "$ocikit" manifest digest --algorithm blake3 good.json
expect_rc 2

# ---- inspect -------------------------------------------------------------------------------------

run "inspect: a manifest (text)" "$ocikit" manifest inspect good.json
expect_rc 0
expect_out "file:          good.json" \
  "kind:          oci-manifest" \
  "media type:    $mt" \
  "digest:        sha256:$good_hex" \
  "size:          $good_size bytes" \
  "config:        $cfg  $d1  1470 bytes (1.4 KiB)" \
  "layers:        3" \
  "  0  675598  659.8 KiB  $tgz  $d2" \
  "  1     156      156 B  $tgz  $d3" \
  "  2     148      148 B  $tgz  $d4" \
  "  total: 675902 bytes (660.1 KiB) in 3 layers" \
  "annotations:   1" \
  "  com.example.key1: value1" \
  "valid:         yes"

run "inspect: a manifest (json)" "$ocikit" manifest inspect --format json good.json
expect_rc 0
expect_json
expect_has '"layers_total":675902,' "\"digest\":\"sha256:$good_hex\",\"size\":$good_size,\"valid\":true,"
if $have_python; then
  python3 -c '
import json, sys
o = json.load(sys.stdin)
assert o["kind"] == "oci-manifest", o
assert o["config"]["size"] == 1470, o
assert [l["size"] for l in o["layers"]] == [675598, 156, 148], o
assert o["manifests"] == [] and o["subject"] is None, o
assert o["annotations"] == {"com.example.key1": "value1"}, o
assert o["errors"] == [] and o["warnings"] == [], o
' <"$tmp/out" || fail "unexpected JSON facts"
fi

run "inspect: an index (text)" "$ocikit" manifest inspect index.json
expect_rc 0
expect_out "file:          index.json" \
  "kind:          oci-index" \
  "media type:    $it" \
  "digest:        sha256:$(hex_of index.json)" \
  "size:          $(size_of index.json) bytes" \
  "manifests:     3" \
  "  0  linux/amd64     $mt  $d1  101 bytes" \
  "  1  linux/arm64/v8  $mt  $d2  102 bytes" \
  "  2  -               $mt  $d3  103 bytes  artifactType application/vnd.example" \
  "subject:       $mt  $d4  7 bytes" \
  "valid:         yes"

run "inspect: an index (json)" "$ocikit" manifest inspect --format json index.json
expect_rc 0
expect_json
expect_has '"manifests":[{"platform":"linux/amd64","descriptor":{' '{"platform":null,"descriptor":{'

run "inspect: an invalid manifest lists its problems" "$ocikit" manifest inspect bad.json
expect_rc 1
expect_has "valid:         no (2 errors, 0 warnings)" "  error   manifest.layer_size_invalid: "

run "inspect: stdin, a warning" "$ocikit" manifest inspect - <empty.json
expect_rc 0
expect_has "file:          -" "  total: 0 bytes (0 B) in 0 layers" \
  "valid:         yes (0 errors, 1 warning)" "  warning manifest.layers_empty: "

run "inspect: not JSON" "$ocikit" manifest inspect notjson.txt
expect_rc 1
expect_no_out
expect_err "ocikit manifest inspect: notjson.txt: json.syntax: "

run "inspect: unreadable" "$ocikit" manifest inspect missing.json
expect_rc 2
expect_no_out

run "inspect: one FILE only" "$ocikit" manifest inspect good.json index.json
expect_rc 2

# ---- the shared corpus ---------------------------------------------------------------------------

corpus=$shared/corpus/manifests
if [ -n "$shared" ] && [ -d "$corpus" ]; then
  total=$(ls "$corpus"/*.json | wc -l | tr -d ' ')
  run "corpus: a whole directory (text)" "$ocikit" manifest validate "$corpus"/*.json
  expect_rc 1
  tail -n 1 "$tmp/out" | grep -q "^$total files: [0-9]* valid, [0-9]* invalid ([0-9]* errors\{0,1\}, [0-9]* warnings\{0,1\})\$" ||
    fail "summary: $(tail -n 1 "$tmp/out")"
  expect_no_err

  run "corpus: verdicts and digests agree with cases.jsonl" "$ocikit" manifest validate --strict \
    --format json "$corpus"/*.json
  expect_rc 1
  [ "$(wc -l <"$tmp/out" | tr -d ' ')" -eq "$total" ] || fail "not one line per file"
  if $have_python; then
    python3 -c '
import json, os, sys
cases = {}
with open(sys.argv[1]) as f:
    for line in f:
        c = json.loads(line)
        cases[c["file"]] = c
bad = []
for line in sys.stdin:
    r = json.loads(line)
    c = cases[os.path.basename(r["file"])]
    # A manifest or an index that the corpus calls valid (--strict: empty layers are an error).
    want = bool(c["valid"]) and c["kind"] != "unknown"
    if r["valid"] != want:
        bad.append("%s: valid %s, expected %s %s" % (c["file"], r["valid"], want, r["errors"][:1]))
    if r["digest"] != c["sha256"] or r["size"] != c["size"]:
        bad.append("%s: digest %s size %s" % (c["file"], r["digest"], r["size"]))
    if r["valid"] and r["kind"] != c["kind"]:
        bad.append("%s: kind %s, expected %s" % (c["file"], r["kind"], c["kind"]))
print("\n".join(bad))
sys.exit(1 if bad else 0)
' "$corpus/cases.jsonl" <"$tmp/out" >"$tmp/report" || fail "$(cat "$tmp/report")"
  fi

  run "corpus: digests equal sha256sum" "$ocikit" manifest digest "$corpus"/*.json
  (cd "$corpus" && sha256sum ./*.json) | sed "s|^|sha256:|; s|  \./|  $corpus/|" >"$tmp/want"
  cmp -s "$tmp/want" "$tmp/out" || fail "differs from sha256sum"

  # inspect: exit 0 or 1 on every file, and JSON (one object) whenever something is printed.
  run "corpus: inspect every manifest as JSON" sh -c '
    mkdir "$3/inspect" || exit 2
    n=0
    for f in "$2"/*.json; do
      n=$((n + 1))
      "$1" manifest inspect --format json "$f" >"$3/inspect/$n.json" 2>/dev/null
      rc=$?
      [ "$rc" -le 1 ] || { echo "exit status $rc: $f"; exit 1; }
      [ -s "$3/inspect/$n.json" ] || rm "$3/inspect/$n.json"
    done' sh "$ocikit" "$corpus" "$tmp"
  expect_rc 0
  if $have_python; then
    python3 -c '
import json, os, sys
d = sys.argv[1]
names = os.listdir(d)
for n in names:
    with open(os.path.join(d, n)) as f:
        json.load(f)
print(len(names))
' "$tmp/inspect" >"$tmp/count" 2>&1 || fail "inspect printed something that is not JSON: $(cat "$tmp/count")"
    [ "$(cat "$tmp/count")" -ge 30 ] || fail "inspect printed only $(cat "$tmp/count") objects"
  fi
else
  name="corpus"
  fail "no corpus/manifests under '$shared'"
fi

finish
