#!/usr/bin/env bash
# Issue 14's advance benchmark: `advance 1d` on the demo lab with its boot storm done (8 VMs running, the two Windows
# ones writing their guest data into real qcow2 images), run exactly as a user runs it:
#   ./hyperlab --lab demo -c 'advance 1d'
# Each run starts from a fresh copy of the same demo lab, in a HYPERLAB_HOME of its own (so `--lab demo` is that
# home's demo lab, never yours). Prints wall, user and system seconds, the load average before each run (the machine
# may be shared) and how much the lab grew on disk. HYPERLAB_JAVA_OPTS reaches the JVM as with the launcher, e.g.
#   HYPERLAB_JAVA_OPTS='-XX:StartFlightRecording=filename=/tmp/advance.jfr,settings=profile' bench/advance-bench.sh 1
# Usage: bench/advance-bench.sh [RUNS] [DURATION]
set -euo pipefail
runs=${1:-3}
duration=${2:-1d}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/hyperlab-advance-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
export HYPERLAB_HOME=$work/home
cd "$work"
"$root/hyperlab" --lab demo -c 'vm start --all --wait' >/dev/null   # builds first if needed; creates the demo lab
ready=$work/ready
cp -a "$HYPERLAB_HOME/labs/demo" "$ready"
echo "advance $duration on the demo lab (8 VMs running: 2 Windows write guest data), $runs run(s), $(nproc) cores"
for i in $(seq "$runs"); do
  rm -rf "$HYPERLAB_HOME/labs/demo"
  cp -a "$ready" "$HYPERLAB_HOME/labs/demo"
  sync
  load=$(cut -d' ' -f1-3 /proc/loadavg)
  before=$(du -sk "$HYPERLAB_HOME/labs/demo" | cut -f1)
  /usr/bin/time -o "$work/time" -f '%e %U %S' "$root/hyperlab" --lab demo -c "advance $duration" >/dev/null
  after=$(du -sk "$HYPERLAB_HOME/labs/demo" | cut -f1)
  read -r wall user sys < "$work/time"
  printf 'run %d: %6.2f s wall  %5.2f s user  %5.2f s sys  lab grew %d MiB  (load average before: %s)\n' \
    "$i" "$wall" "$user" "$sys" $(( (after - before) / 1024 )) "$load"
done
