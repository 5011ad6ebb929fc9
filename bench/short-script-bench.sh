#!/usr/bin/env bash
# Issue 15's short-script promise: `hyperlab run SCRIPT.js` of a short script (under a second of work), as the launcher
# runs it by default (the GraalJS interpreter since 2026-12-07), is no slower than with HYPERLAB_JS_JIT=off; the same
# script with HYPERLAB_JS_JIT=on (the Graal JIT, the default for `run` before) is timed beside them.
# The script is bench/short-script.js (3 hosts, 12 VMs started on a fork of the lab, an hour advanced, one summary
# line). Every way runs through ./hyperlab as a user types it, JVM start included, interleaved (default, off, JIT, RUNS
# times) so that a change in the machine's load falls on both. Prints each run's wall and CPU seconds (user + system,
# every thread of the JVM: the Graal compiler's own warm-up shows there), the medians and the ratio, and the load
# average before and after: on a machine shared with other work the wall figures are not the promise's.
#
# Usage: bench/short-script-bench.sh [RUNS] [SCRIPT]    (RUNS default 11, SCRIPT default bench/short-script.js)
# Needs: JDK 25 for ./hyperlab (it builds on first use, outside the timers), GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-11}
script=${2:-$here/bench/short-script.js}
case $runs in ''|*[!0-9]*|0) echo "error: RUNS must be a whole number above 0, not '$runs'" >&2; exit 2 ;; esac
[ -f "$script" ] || { echo "error: no script at $script" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time (GNU time) is not installed (apt-get install time)" >&2; exit 2; }
H="$here/hyperlab"
work=$(mktemp -d /tmp/hyperlab-short-script.XXXXXX)
trap 'rm -rf "$work"' EXIT
lab="$work/lab"
"$H" --lab "$lab" -c 'lab info' >/dev/null   # builds on first use and makes the lab, outside the timers

# one timed run: appends "wall cpu" to the way's file; the script's output must match the first run's
timed() { # WAY ENV...
  local way=$1; shift
  env "$@" /usr/bin/time -f '%e %U %S' -o "$work/time" "$H" --lab "$lab" run "$script" >"$work/out" 2>"$work/err" || {
    echo "error: the $way run failed:" >&2; cat "$work/err" >&2; exit 1; }
  if [ -f "$work/expected" ]; then
    cmp -s "$work/out" "$work/expected" || { echo "error: the $way run printed something else:" >&2; cat "$work/out" >&2; exit 1; }
  else
    cp "$work/out" "$work/expected"
  fi
  awk -v way="$way" '{ printf "%-4s %6.2f s wall %6.2f s CPU\n", way, $1, $2 + $3; print $1, $2 + $3 >> "'"$work"'/" way }' \
    "$work/time"
}
median() { # FILE COLUMN
  sort -g -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

echo "short script through ./hyperlab run, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $runs interleaved runs each,"\
  "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "script: $script -> $(HYPERLAB_JS_JIT=off "$H" --lab "$lab" run "$script" 2>/dev/null)"
for ((i = 0; i < runs; i++)); do
  timed def -u HYPERLAB_JS_JIT   # the launcher's own choice for run
  timed off HYPERLAB_JS_JIT=off
  timed jit HYPERLAB_JS_JIT=on
done
dw=$(median "$work/def" 1); dc=$(median "$work/def" 2); ow=$(median "$work/off" 1); oc=$(median "$work/off" 2)
jw=$(median "$work/jit" 1); jc=$(median "$work/jit" 2)
echo
printf '%-28s %10s %10s\n' "median of $runs" "wall s" "CPU s"
printf '%-28s %10.2f %10.2f\n' "default (hyperlab run)" "$dw" "$dc" "interpreter (JIT off)" "$ow" "$oc" \
  "Graal JIT (JIT on)" "$jw" "$jc"
awk -v dw="$dw" -v ow="$ow" -v dc="$dc" -v oc="$oc" -v jw="$jw" -v jc="$jc" 'BEGIN {
  printf "%-28s %9.2fx %9.2fx   target: wall <= 1.00x (%s)\n", "ratio default / off", dw / ow, dc / oc,
    (dw <= ow ? "met" : "not met")
  printf "%-28s %9.2fx %9.2fx\n", "ratio JIT on / off", jw / ow, jc / oc }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
