# shellcheck shell=bash
# What the shell benchmarks share (sourced, not run): benchmarks/store_bench.sh and
# benchmarks/remote_bench.sh.
#   bench_init NAME BUILD_DIR TOOL...  checks BUILD_DIR/examples/ocikit and the tools, sets
#                                      $ocikit, makes the work dir $work (removed on exit)
#   bench_cleanup_hook FUNCTION        FUNCTION runs on exit before $work is removed
#   ms CMD...                          CMD's wall time in milliseconds
#   rss_ms PROGRAM ARGS...             "wall_ms peak_rss_kib" of a program under /usr/bin/time -v
#   median N...                        the median of the numbers
#   sha FILE                           the hex SHA-256 of FILE
#   layout DIR FILE...                 a one-manifest OCI layout tagged v1 with FILEs as layers

bench_name=bench
bench_cleanup_fn=

# bench_init NAME BUILD_DIR TOOL...: NAME prefixes the messages ("store_bench: ...").
bench_init() {
  bench_name=$1
  ocikit=$2/examples/ocikit
  shift 2
  [[ -x $ocikit ]] || {
    echo "$bench_name: no $ocikit (configure with -DOCIKIT_BUILD_EXAMPLES=ON and build ocikit_cli)" >&2
    exit 1
  }
  local t
  for t in "$@"; do
    command -v "$t" >/dev/null || {
      echo "$bench_name: $t is missing (bash .ci/deps)" >&2
      exit 1
    }
  done
  work=$(mktemp -d "${TMPDIR:-/tmp}/ocikit-${bench_name//_/-}.XXXXXX")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup_hook() { bench_cleanup_fn=$1; }

bench_cleanup() {
  if [[ -n $bench_cleanup_fn ]]; then "$bench_cleanup_fn" || true; fi
  rm -rf "$work"
}

# ms CMD...: runs CMD, prints its wall time in milliseconds.
ms() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

# rss_ms PROGRAM ARGS...: runs a program (not a function) under /usr/bin/time -v, prints
# "wall_ms peak_rss_kib".
rss_ms() {
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$work/time.txt" "$@" >/dev/null
  t1=$(date +%s%N)
  echo "$(((t1 - t0) / 1000000)) $(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time.txt")"
}

median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

sha() { sha256sum "$1" | cut -d' ' -f1; }

# layout DIR FILE...: a one-manifest OCI layout tagged v1 whose layers are the given files
# (hard-linked into blobs/), media type uncompressed tar (no tool measured looks inside).
layout() {
  local dir=$1 f d layers="" diff_ids="" sep=""
  shift
  mkdir -p "$dir/blobs/sha256"
  for f in "$@"; do
    d=$(sha "$f")
    ln -f "$f" "$dir/blobs/sha256/$d"
    layers+="$sep{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$d\",\"size\":$(stat -c %s "$f")}"
    diff_ids+="$sep\"sha256:$d\""
    sep=,
  done
  local config='{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":['$diff_ids']}}'
  printf '%s' "$config" >"$dir/config"
  local cd
  cd=$(sha "$dir/config")
  mv "$dir/config" "$dir/blobs/sha256/$cd"
  local manifest='{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:'$cd'","size":'${#config}'},"layers":['$layers']}'
  printf '%s' "$manifest" >"$dir/manifest"
  local md
  md=$(sha "$dir/manifest")
  mv "$dir/manifest" "$dir/blobs/sha256/$md"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"v1"}}]}' \
    "$md" "${#manifest}" >"$dir/index.json"
}
