#!/usr/bin/env bash
# Store throughput against its baselines, paired in the same run (issue 11, "Targets"):
#   push-blob      `ocikit store push-blob REPO FILE` of a SIZE blob (a fresh store each run)
#                  vs `openssl dgst -sha256 FILE` then `cp FILE OUT`         target: ratio <= 1
#   pull-blob      `ocikit store cat-blob REPO@DIGEST > OUT` of the image's layer (verified)
#                  vs `openssl dgst -sha256` + `cp` of the stored blob        target: ratio <= 1
#   push-image     `ocikit store push oci:DIR:TAG REF` of a one-layer image of SIZE
#                  vs `skopeo copy oci:DIR:TAG oci:OTHER:TAG`                 target: ratio <= 1/3
# Each pair runs RUNS times (ocikit first, then the baseline, alternately); the medians are
# printed in milliseconds with their ratio, and a verdict per target.
#   usage: benchmarks/store_bench.sh BUILD_DIR [SIZE] [RUNS]
#     BUILD_DIR  a build tree with examples (its examples/ocikit is used)
#     SIZE       blob and layer size for head -c (default 1G)
#     RUNS       runs per pair (default 5)
#   environment: TMPDIR (where the files go: needs about 4 x SIZE free)
# Exit status: 0 when every run worked (a missed target is reported, not an error), 1 otherwise.
set -euo pipefail

build=${1:?usage: store_bench.sh BUILD_DIR [SIZE] [RUNS]}
size=${2:-1G}
runs=${3:-5}
# shellcheck source=benchmarks/bench_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
bench_init store_bench "$build" skopeo

fresh_store() {
  rm -rf "$work/store"
  OCIKIT_STORE=$work/store "$ocikit" store init >/dev/null
}

echo "store_bench: $size, $runs runs per pair, in $work"
head -c "$size" /dev/urandom >"$work/blob"
bytes=$(stat -c %s "$work/blob")
digest=sha256:$(sha "$work/blob")

# A one-layer image in an OCI layout (the layer is an uncompressed tar as far as its media type
# says; its bytes are random, which neither tool looks into).
layout=$work/image
layout "$layout" "$work/blob"

export OCIKIT_STORE=$work/store
cat "$work/blob" >/dev/null # the source in the page cache for everyone alike

push_blob() { "$ocikit" store push-blob bench/blob "$work/blob"; }
dgst_cp() { openssl dgst -sha256 "$1" && cp "$1" "$work/out"; }
pull_blob() { "$ocikit" store cat-blob "bench/image@$digest" >"$work/out"; }
push_image() { "$ocikit" store push "oci:$layout:v1" bench/image:v1; }
skopeo_copy() { skopeo copy -q "oci:$layout:v1" "oci:$work/other:v1"; }

a=() b=() c=() d=() e=() f=()
for ((i = 1; i <= runs; i++)); do
  fresh_store
  a+=("$(ms push_blob)")
  rm -f "$work/out"
  b+=("$(ms dgst_cp "$work/blob")")
  rm -f "$work/out"
  fresh_store
  e+=("$(ms push_image)")
  rm -rf "$work/other"
  f+=("$(ms skopeo_copy)")
  rm -rf "$work/other"
  # The pull reads the layer of the image just pushed; its baseline reads the stored file.
  stored=$("$ocikit" store layout bench/image)/blobs/sha256/${digest#sha256:}
  [[ -f $stored ]] || stored=$work/blob
  c+=("$(ms pull_blob)")
  cmp -s "$work/out" "$work/blob" || {
    echo "store_bench: cat-blob wrote other bytes" >&2
    exit 1
  }
  rm -f "$work/out"
  d+=("$(ms dgst_cp "$stored")")
  rm -f "$work/out"
  echo "run $i: push-blob ${a[-1]} / ${b[-1]} ms, pull-blob ${c[-1]} / ${d[-1]} ms," \
    "push-image ${e[-1]} / ${f[-1]} ms"
done

verdict() { # NAME OURS BASE MAX_RATIO
  awk -v n="$1" -v o="$2" -v b="$3" -v m="$4" 'BEGIN {
    r = o / b
    printf "%-11s %8d ms  vs %8d ms  ratio %.2f  target <= %.2f  %s\n", n, o, b, r, m,
      (r <= m ? "met" : "MISSED") }'
}
echo "medians of $runs runs ($size = $bytes bytes):"
verdict push-blob "$(median "${a[@]}")" "$(median "${b[@]}")" 1
verdict pull-blob "$(median "${c[@]}")" "$(median "${d[@]}")" 1
verdict push-image "$(median "${e[@]}")" "$(median "${f[@]}")" 0.3333
