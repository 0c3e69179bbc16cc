#!/bin/sh
# Checks `ocikit platform parse` and `ocikit platform select`: exact stdout, exit codes, and the
# diagnostics on stderr.
#   usage: platform_test.sh OCIKIT_BINARY [SHARED_DIR]
# SHARED_DIR (tests/data) holds corpus/manifests/ (the Docker Hub manifest list); its checks fail
# when it is absent. Exit 0 when every check passes, 1 otherwise.
set -u

ocikit=$1
shared=${2:-}
. "$(dirname "$0")/../cli_lib.sh"

d1=sha256:1111111111111111111111111111111111111111111111111111111111111111
d2=sha256:2222222222222222222222222222222222222222222222222222222222222222
d3=sha256:3333333333333333333333333333333333333333333333333333333333333333
d4=sha256:4444444444444444444444444444444444444444444444444444444444444444
mt=application/vnd.oci.image.manifest.v1+json
cat >"$tmp/index.json" <<EOF
{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {"mediaType": "$mt", "digest": "$d1", "size": 101,
     "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": "$mt", "digest": "$d2", "size": 102,
     "platform": {"architecture": "arm64", "os": "linux", "variant": "v8"}},
    {"mediaType": "$mt", "digest": "$d3", "size": 103,
     "platform": {"architecture": "amd64", "os": "windows", "os.version": "10.0.20348",
                  "os.features": ["win32k"]}},
    {"mediaType": "$mt", "digest": "$d4", "size": 104,
     "platform": {"architecture": "unknown", "os": "unknown"}}
  ]
}
EOF
cat >"$tmp/features.json" <<EOF
{
  "schemaVersion": 2,
  "mediaType": "application/vnd.oci.image.index.v1+json",
  "manifests": [
    {"mediaType": "$mt", "digest": "$d1", "size": 101,
     "platform": {"architecture": "amd64", "os": "linux"}},
    {"mediaType": "$mt", "digest": "$d4", "size": 104,
     "platform": {"architecture": "386", "os": "linux"}},
    {"mediaType": "$mt", "digest": "$d2", "size": 102,
     "platform": {"architecture": "amd64", "os": "linux", "os.features": ["f1"]}},
    {"mediaType": "$mt", "digest": "$d3", "size": 103,
     "platform": {"architecture": "amd64", "os": "linux", "os.features": ["f2", "f1"]}}
  ]
}
EOF
cat >"$tmp/no-digest.json" <<EOF
{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
 "manifests": [{"mediaType": "$mt", "size": 1, "platform": {"architecture": "amd64", "os": "linux"}}]}
EOF
cat >"$tmp/manifest.json" <<EOF
{"schemaVersion": 2, "mediaType": "$mt",
 "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "$d1", "size": 2},
 "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "$d2", "size": 3}]}
EOF

# ---- platform parse ------------------------------------------------------------------------

run "parse text (the default)" "$ocikit" platform parse linux/arm 'windows(10.0.20348+win32k)/amd64'
expect_rc 0
expect_out 'valid    linux/arm/v7' \
  '         os=linux architecture=arm variant=v7 os.version=- os.features=-' \
  'valid    windows(10.0.20348+win32k)/amd64' \
  '         os=windows architecture=amd64 variant=- os.version=10.0.20348 os.features=win32k' \
  '2 valid, 0 invalid'

run "parse text, an invalid spec" "$ocikit" platform parse 'linux/*' linux/arm64
expect_rc 1
expect_out 'invalid  linux/*' \
  "         platform.wildcard: wildcard '*' at byte 6 is not supported in a platform specifier: name the os and architecture, e.g. 'linux/amd64'" \
  'valid    linux/arm64' \
  '         os=linux architecture=arm64 variant=- os.version=- os.features=-' \
  '1 valid, 1 invalid'

run "parse json" "$ocikit" platform parse --format json Linux/aarch64/v8 'windows(10.0.17763.1+b+a)/amd64' 'linux/arm/v7/x'
expect_rc 1
expect_out \
  '{"input":"Linux/aarch64/v8","valid":true,"os":"linux","architecture":"arm64","variant":null,"os_version":null,"os_features":[],"normalized":"linux/arm64"}' \
  '{"input":"windows(10.0.17763.1+b+a)/amd64","valid":true,"os":"windows","architecture":"amd64","variant":null,"os_version":"10.0.17763.1","os_features":["a","b"],"normalized":"windows(10.0.17763.1+a+b)/amd64"}' \
  '{"input":"linux/arm/v7/x","valid":false,"error":{"code":"platform.too_many_parts","condition":"platform_invalid","offset":12,"message":"too many parts in platform specifier: a third '"'"'/'"'"' at byte 12; the form is <os>/<arch>[/<variant>]"}}'

printf 'linux/arm/v6\nlinux/amd64/v3\n' >"$tmp/specs.txt"
run "parse json from stdin" "$ocikit" platform parse --format json <"$tmp/specs.txt"
expect_rc 0
expect_out \
  '{"input":"linux/arm/v6","valid":true,"os":"linux","architecture":"arm","variant":"v6","os_version":null,"os_features":[],"normalized":"linux/arm/v6"}' \
  '{"input":"linux/amd64/v3","valid":true,"os":"linux","architecture":"amd64","variant":"v3","os_version":null,"os_features":[],"normalized":"linux/amd64/v3"}'

run "parse: unknown format" "$ocikit" platform parse --format yaml linux/amd64
expect_rc 2

# ---- platform select -----------------------------------------------------------------------

run "select text" "$ocikit" platform select --platform linux/arm64 "$tmp/index.json"
expect_rc 0
expect_out "$d2 linux/arm64/v8 ($mt, 102 bytes)"

run "select json" "$ocikit" platform select --format json --platform linux/arm64 "$tmp/index.json"
expect_rc 0
expect_out "{\"digest\":\"$d2\",\"mediaType\":\"$mt\",\"size\":102,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}"

run "select json, Windows" "$ocikit" platform select --format json --platform 'windows(10.0.20348.1+win32k)/amd64' "$tmp/index.json"
expect_rc 0
expect_out "{\"digest\":\"$d3\",\"mediaType\":\"$mt\",\"size\":103,\"platform\":{\"architecture\":\"amd64\",\"os\":\"windows\",\"os.version\":\"10.0.20348\",\"os.features\":[\"win32k\"]}}"

run "select from stdin" "$ocikit" platform select --platform linux/amd64/v3 - <"$tmp/index.json"
expect_rc 0
expect_out "$d1 linux/amd64 ($mt, 101 bytes)"

run "select --all: every match, best first (rank, then more os.features)" "$ocikit" platform select --all --platform 'linux(+f1+f2)/amd64' "$tmp/features.json"
expect_rc 0
expect_out "$d3 linux(+f1+f2)/amd64 ($mt, 103 bytes)
$d2 linux(+f1)/amd64 ($mt, 102 bytes)
$d1 linux/amd64 ($mt, 101 bytes)
$d4 linux/386 ($mt, 104 bytes)"

run "select: os.features the request does not have are not chosen" "$ocikit" platform select --all --platform 'linux(+f2)/amd64' "$tmp/features.json"
expect_rc 0
expect_out "$d1 linux/amd64 ($mt, 101 bytes)
$d4 linux/386 ($mt, 104 bytes)"

run "select: no match" "$ocikit" platform select --platform linux/riscv64 "$tmp/index.json"
expect_rc 1
expect_no_out
expect_err "no manifest for linux/riscv64; present: linux/amd64, linux/arm64/v8, windows(10.0.20348+win32k)/amd64"

run "select: a Windows win32k is not considered" "$ocikit" platform select --platform 'windows(10.0.20348)/amd64' "$tmp/index.json"
expect_rc 0
expect_out "$d3 windows(10.0.20348+win32k)/amd64 ($mt, 103 bytes)"

run "select: os.features not requested" "$ocikit" platform select --platform 'linux(+gpu)/arm64' "$tmp/index.json"
expect_rc 0
expect_out "$d2 linux/arm64/v8 ($mt, 102 bytes)"

run "select: attestations are never chosen" "$ocikit" platform select --platform unknown/unknown "$tmp/index.json"
expect_rc 1
expect_err "no manifest for unknown/unknown; present: linux/amd64, linux/arm64/v8, windows(10.0.20348+win32k)/amd64"

run "select: invalid index" "$ocikit" platform select --platform linux/amd64 "$tmp/no-digest.json"
expect_rc 1
expect_no_out
expect_err "error manifest.missing_field: missing required field /manifests/0/digest"

run "select: a manifest, not an index" "$ocikit" platform select --platform linux/amd64 "$tmp/manifest.json"
expect_rc 1
expect_err "cannot select a platform from an OCI image manifest"

printf '{"manifests": [' >"$tmp/broken.json"
run "select: invalid JSON" "$ocikit" platform select --platform linux/amd64 "$tmp/broken.json"
expect_rc 1
expect_err "json.incomplete"

run "select: missing file" "$ocikit" platform select --platform linux/amd64 "$tmp/absent.json"
expect_rc 2
expect_err "cannot open $tmp/absent.json"

run "select: a directory" "$ocikit" platform select --platform linux/amd64 "$tmp"
expect_rc 2

run "select: invalid --platform" "$ocikit" platform select --platform 'linux/*' "$tmp/index.json"
expect_rc 2
expect_err "--platform 'linux/*': wildcard '*' at byte 6"

run "select: no INDEX_FILE" "$ocikit" platform select --platform linux/amd64
expect_rc 2

run "select: the host platform by default" "$ocikit" platform select "$tmp/index.json"
[ "$rc" -eq 0 ] || [ "$rc" -eq 1 ] || fail "exit status $rc, expected 0 or 1"

# ---- the Docker Hub manifest list of the shared corpus -------------------------------------

hub="$shared/corpus/manifests/068-docker-hub-manifest-list-5-platforms.json"
if [ -n "$shared" ] && [ -f "$hub" ]; then
  dmt=application/vnd.docker.distribution.manifest.v2+json
  run "hub: linux/arm/v8 falls back to arm/v7" "$ocikit" platform select --platform linux/arm/v8 "$hub"
  expect_rc 0
  expect_out "sha256:07ebe243465ef4a667b78154ae6c3ea46fdb1582936aac3ac899ea311a701b40 linux/arm/v7 ($dmt, 2084 bytes)"

  run "hub: aarch64" "$ocikit" platform select --format json --platform linux/aarch64 "$hub"
  expect_rc 0
  expect_out "{\"digest\":\"sha256:fb2fc0707b86dafa9959fe3d29e66af8787aee4d9a23581714be65db4265ad8a\",\"mediaType\":\"$dmt\",\"size\":2090,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}"

  run "hub: no 386" "$ocikit" platform select --platform linux/386 "$hub"
  expect_rc 1
  expect_err "no manifest for linux/386; present: linux/ppc64le, linux/amd64, linux/s390x, linux/arm/v7, linux/arm64/v8"
else
  name="hub: the corpus"
  fail "no $hub (${shared:-no SHARED_DIR given})"
fi

finish
