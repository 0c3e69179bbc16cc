#!/usr/bin/env bash
# Remote transfer throughput against skopeo and curl, paired in the same run (issue 12, "Targets"),
# all on 127.0.0.1 against docker-registry (started and stopped here, its storage emptied before
# every push so that nothing is skipped or mounted as already present):
#   push       `ocikit copy oci:L:v1 docker://…` of a one-layer image of SIZE
#              vs `skopeo copy --preserve-digests`            target: skopeo / ocikit >= 2, or
#              floor: curl POST + PUT ?digest= of the layer           ocikit / curl <= 1.2
#   pull       `ocikit copy docker://… oci:L2:v1` of that image
#              vs `skopeo copy --preserve-digests`            target: skopeo / ocikit >= 2
#              floor: curl GET of the layer to a file
#   push-50    an image of 50 layers of 1 MiB, ocikit vs skopeo    target: skopeo / ocikit >= 3
#   rss        ocikit's peak resident set (/usr/bin/time -v) over the SIZE push and pull
#                                                                  target: <= 64 MiB
# Each measurement runs RUNS times; the medians are printed in milliseconds with their ratios and
# a verdict per target. Run it on a quiet machine: the numbers are only comparable within a run.
#   usage: benchmarks/remote_bench.sh BUILD_DIR [SIZE] [RUNS]
#     BUILD_DIR  a build tree with examples (its examples/ocikit is used)
#     SIZE       layer size for head -c (default 1G)
#     RUNS       runs per measurement (default 3)
#   environment: TMPDIR (where the files go: needs about 5 x SIZE + 200 MiB free)
# Exit status: 0 when every run worked (a missed target is reported, not an error), 1 otherwise.
set -euo pipefail

build=${1:?usage: remote_bench.sh BUILD_DIR [SIZE] [RUNS]}
size=${2:-1G}
runs=${3:-3}
# shellcheck source=benchmarks/bench_lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/bench_lib.sh"
bench_init remote_bench "$build" skopeo docker-registry curl /usr/bin/time python3

registry_pid=
stop_registry() {
  if [[ -n $registry_pid ]]; then
    kill -TERM -- "-$registry_pid" 2>/dev/null || kill -TERM "$registry_pid" 2>/dev/null || true
    wait "$registry_pid" 2>/dev/null || true
    registry_pid=
  fi
}
bench_cleanup_hook stop_registry

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
host=127.0.0.1:$port
cat >"$work/registry.yml" <<EOF
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage: {filesystem: {rootdirectory: $work/registry}, delete: {enabled: true}, maintenance: {uploadpurging: {enabled: false}}}
http: {addr: $host, secret: ocikit-bench}
EOF

# A registry with empty storage (the previous one stopped first).
fresh_registry() {
  stop_registry
  rm -rf "$work/registry"
  setsid docker-registry serve "$work/registry.yml" >>"$work/registry.log" 2>&1 &
  registry_pid=$!
  local i
  for ((i = 0; i < 200; i++)); do
    curl -fs -o /dev/null "http://$host/v2/" && return 0
    sleep 0.05
  done
  echo "remote_bench: docker-registry did not start: $(tail -5 "$work/registry.log")" >&2
  exit 1
}

echo "remote_bench: $size, $runs runs, docker-registry on $host, in $work"
head -c "$size" /dev/urandom >"$work/blob"
bytes=$(stat -c %s "$work/blob")
digest=sha256:$(sha "$work/blob")
layout "$work/big" "$work/blob"
mkdir -p "$work/small"
small=()
for ((i = 0; i < 50; i++)); do
  head -c 1M /dev/urandom >"$work/small/$i"
  small+=("$work/small/$i")
done
layout "$work/many" "${small[@]}"
cat "$work/blob" "${small[@]}" >/dev/null # the sources in the page cache for everyone alike

o_push=("$ocikit" copy "oci:$work/big:v1") # + docker://HOST/REPO:v1 --plain-http
s_push() {
  skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$work/big:v1" "docker://$host/$1:v1"
}
c_push() { # curl's monolithic upload: POST, then PUT <Location>&digest= with the file streamed
  local loc
  loc=$(curl -fsS -X POST -D - -o /dev/null "http://$host/v2/$1/blobs/uploads/" |
    awk 'tolower($1) == "location:" { sub(/\r$/, "", $2); print $2 }')
  [[ $loc == http* ]] || loc=http://$host$loc
  curl -fsS -o /dev/null -X PUT -T "$work/blob" -H 'Content-Type: application/octet-stream' \
    "$loc&digest=$digest"
}

s_pull() {
  skopeo copy -q --preserve-digests --src-tls-verify=false "docker://$host/$1:v1" "oci:$work/pull-s:v1"
}
c_pull() { curl -fsS -o "$work/pull-c" "http://$host/v2/$1/blobs/$digest"; }
o_push50() { "$ocikit" copy "oci:$work/many:v1" "docker://$host/$1:v1" --plain-http; }
s_push50() {
  skopeo copy -q --preserve-digests --dest-tls-verify=false "oci:$work/many:v1" "docker://$host/$1:v1"
}

check_pulled() { # the pulled layer's bytes
  cmp -s "$1/blobs/sha256/${digest#sha256:}" "$work/blob" || {
    echo "remote_bench: the pull to $1 holds other bytes" >&2
    exit 1
  }
}

po=() ps=() pc=() lo=() ls_=() lc=() mo=() msk=() rss=()
for ((i = 1; i <= runs; i++)); do
  fresh_registry
  read -r t r < <(rss_ms "${o_push[@]}" "docker://$host/big-o-$i:v1" --plain-http)
  po+=("$t") rss+=("$r")
  fresh_registry
  pc+=("$(ms c_push "big-c-$i")")
  fresh_registry
  ps+=("$(ms s_push "big-s-$i")")
  # pulls of what skopeo pushed
  rm -rf "$work/pull-o" "$work/pull-s" "$work/pull-c"
  read -r t r < <(rss_ms "$ocikit" copy "docker://$host/big-s-$i:v1" "oci:$work/pull-o:v1" --plain-http)
  lo+=("$t") rss+=("$r")
  check_pulled "$work/pull-o"
  ls_+=("$(ms s_pull "big-s-$i")")
  check_pulled "$work/pull-s"
  lc+=("$(ms c_pull "big-s-$i")")
  rm -rf "$work/pull-o" "$work/pull-s" "$work/pull-c"
  fresh_registry
  mo+=("$(ms o_push50 "many-o-$i")")
  fresh_registry
  msk+=("$(ms s_push50 "many-s-$i")")
  echo "run $i: push ${po[-1]} / skopeo ${ps[-1]} / curl ${pc[-1]} ms," \
    "pull ${lo[-1]} / skopeo ${ls_[-1]} / curl ${lc[-1]} ms," \
    "push-50 ${mo[-1]} / skopeo ${msk[-1]} ms, rss ${rss[-2]} / ${rss[-1]} KiB"
done
stop_registry

# verdict NAME OCIKIT SKOPEO MIN_SPEEDUP [CURL MAX_RATIO_TO_CURL]
verdict() {
  awk -v n="$1" -v o="$2" -v s="$3" -v m="$4" -v c="${5:-0}" -v cm="${6:-0}" 'BEGIN {
    if (o < 1) o = 1
    sp = s / o
    ok = sp >= m
    line = sprintf("%-8s ocikit %7d ms  skopeo %7d ms  speedup %.2fx (target >= %gx)", n, o, s, sp, m)
    if (c > 0) {
      rc = o / c
      line = line sprintf("  curl %7d ms  ocikit/curl %.2f", c, rc)
      if (cm > 0) {
        line = line sprintf(" (or <= %g)", cm)
        ok = ok || rc <= cm
      }
    }
    print line "  " (ok ? "met" : "MISSED") }'
}
echo "medians of $runs runs ($size = $bytes bytes; push-50 = 50 x 1 MiB):"
verdict push "$(median "${po[@]}")" "$(median "${ps[@]}")" 2 "$(median "${pc[@]}")" 1.2
verdict pull "$(median "${lo[@]}")" "$(median "${ls_[@]}")" 2 "$(median "${lc[@]}")"
verdict push-50 "$(median "${mo[@]}")" "$(median "${msk[@]}")" 3
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
awk -v p="$peak" 'BEGIN { printf "rss      ocikit peak %.1f MiB over the %s push and pull (target <= 64 MiB)  %s\n",
  p / 1024, "'"$size"'", (p <= 65536 ? "met" : "MISSED") }'
