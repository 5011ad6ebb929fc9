#!/usr/bin/env bash
# Issue 21's S3 benchmark: backup and restore of base.qcow2 to an S3-compatible server on loopback (S3Proxy over a
# local directory, the server the tests use) through ./hyperlab, beside restic -r s3:http://127.0.0.1:PORT/BUCKET to the
# same server, and both to a local directory, in one run; prints the times, the ratios and the load average.
# Usage: bench/s3-bench.sh [IMAGE_DIR]   (IMAGE_DIR holds base.qcow2; default /tmp/refimg, built with
#        /work/shared/bench/make-disk-images.sh when absent)
# Needs: JDK 25, restic, qemu-img, python3. Both sides encrypt (restic always does): hyperlab with --encrypt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
for c in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/*25*; do
  if [ -n "$c" ] && [ -x "$c/bin/java" ]; then export JAVA_HOME=$c; break; fi
done
images=${1:-/tmp/refimg}
if [ ! -f "$images/base.qcow2" ]; then
  /work/shared/bench/make-disk-images.sh "$images" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/s3-bench.XXXXXX")
proxy_pid=
cleanup() {
  if [ -n "$proxy_pid" ]; then kill "$proxy_pid" 2>/dev/null || true; wait "$proxy_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

# the server: S3Proxy from Maven Central (the tests' dependency), over a directory, on a free loopback port
./mvnw -q -B -o -pl core -am compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test.classpath >&2
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/s3/hyperlab" "$work/s3/restic"      # a directory per bucket
cat > "$work/s3proxy.conf" <<EOF
s3proxy.endpoint=http://127.0.0.1:$port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=bench
s3proxy.credential=bench-secret
jclouds.provider=filesystem
jclouds.filesystem.basedir=$work/s3
EOF
"$JAVA_HOME/bin/java" -cp "$(cat core/target/test.classpath)" org.gaul.s3proxy.Main --properties "$work/s3proxy.conf" \
  > "$work/s3proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 1 300); do
  curl -s -o /dev/null "http://127.0.0.1:$port/" && break
  sleep 0.1
done
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench-secret
export HYPERLAB_PASSWORD=bench-password RESTIC_PASSWORD=bench-password
s3=http://127.0.0.1:$port

# the lab: one VM whose disk is a copy of base.qcow2 (attached in place: the copy keeps the reference image untouched)
cp --sparse=always "$images/base.qcow2" "$work/base.qcow2"
hl() { "$root/hyperlab" --lab "$work/lab" -c "$1"; }
hl "host create h1 --cores 8 --ram 32GiB --firmware bios; host install h1 --hypervisor type1;
    host power-on h1 --wait; vm create b1 --host h1 --vcpus 1 --memory 1GiB --disk $work/base.qcow2" >/dev/null

now() { date +%s.%N; }
declare -A took
timed() { # NAME COMMAND...: runs it, keeps its wall time
  local name=$1; shift
  local t0; t0=$(now)
  "$@" >"$work/$name.log" 2>&1 || { echo "error: $name failed:" >&2; tail -5 "$work/$name.log" >&2; exit 1; }
  took[$name]=$(python3 -c "print(f'{$(now) - $t0:.2f}')")
}
first_id() { hl "backup list --json --repo $1" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"][:8])'; }

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for target in local s3; do
  if [ $target = s3 ]; then hrepo="s3:$s3/hyperlab/repo"; rrepo="s3:$s3/restic/repo"
  else hrepo="$work/local/hyperlab"; rrepo="$work/local/restic"; fi
  hl "backup init $hrepo --encrypt" >/dev/null
  restic -q -r "$rrepo" init >/dev/null
  timed "hyperlab-backup-$target" hl "backup run b1 --strategy full --repo $hrepo"
  timed "restic-backup-$target" restic -q -r "$rrepo" backup "$work/base.qcow2"
  id=$(first_id "$hrepo")
  timed "hyperlab-restore-$target" hl "backup restore $id --to $work/restored-$target.raw --repo $hrepo"
  timed "restic-restore-$target" restic -q -r "$rrepo" restore latest --target "$work/restic-$target"
  # both restores are checked: hyperlab's is the guest's disk, restic's the image file
  qemu-img compare -q "$work/base.qcow2" "$work/restored-$target.raw"
  cmp -s "$work/base.qcow2" "$work/restic-$target$work/base.qcow2"
  rm -rf "$work/restored-$target.raw" "$work/restic-$target"
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

ratio() { python3 -c "print(f'{$1 / $2:.2f}x')"; }
printf '%-22s %10s %10s %8s\n' "base.qcow2 ($(du -h --apparent-size "$work/base.qcow2" | cut -f1))" hyperlab restic ratio
for op in backup restore; do
  for target in local s3; do
    h=${took[hyperlab-$op-$target]}; r=${took[restic-$op-$target]}
    printf '%-22s %9ss %9ss %8s\n' "$op to $target" "$h" "$r" "$(ratio "$r" "$h")"
  done
done
echo "ratio: restic's time / hyperlab's (above 1: hyperlab faster); restores checked (qemu-img compare, cmp)"
echo "load average before: $load_before, after: $load_after; $(nproc) cores; restic $(restic version | cut -d' ' -f2)"
