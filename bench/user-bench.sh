#!/usr/bin/env bash
# Issue 15's benchmark: each speed promise as users meet it, through ./hyperlab (JVM start included), beside the named
# peer in the same run. Prints both figures, the ratio and the target, with the load average before and after.
#
# Usage: bench/user-bench.sh IMAGE_DIR [WORK_DIR]
#   IMAGE_DIR  holds base.raw, day2.raw and base.qcow2 (make them with make-disk-images.sh from the shared bench
#              helpers: `make-disk-images.sh IMAGE_DIR`; it needs mkfs.ext4, python3 and qemu-img)
#   WORK_DIR   scratch space (default: a new directory under /tmp); its file system is the one measured
# Needs: qemu-img and qemu-io (qemu-utils), restic, borg (borgbackup), python3; JDK 25 for ./hyperlab.
#
# What runs, and why so:
# - Inputs are read once before timing, so every tool reads them from the page cache; `sync` runs before each timed
#   command so that no tool pays for another's write-back.
# - Conversions: `disk convert` beside `qemu-img convert`, both ways, each as users run it: hyperlab's copy is
#   durable when the command returns (O_DIRECT data, fsync, rename), qemu-img's default leaves its output in the page
#   cache (its target cache mode for convert is `unsafe`). Then qemu-img made durable too, raw -> qcow2 with
#   `-t writeback` (flushed at the end), beside the same hyperlab figure: the like-for-like pair (docs/performance.md).
# - Backups: a VM whose disk is a copy of base.qcow2, backed up by `backup run --strategy full`; restic and borg back
#   up base.raw (the same 2 GiB disk, holes read as zeros) into fresh repositories. The floor printed beside the full
#   backup is issue 15's: zstd's own CPU time for the allocated data at the levels the backup uses, over the machine's
#   cores. `CompressionFloor` (core) measures it on one thread with the backup's library, contexts and 4 MiB cells:
#   each non-zero cell compressed at the level the backup's probe picks for it (levels 3, 2 or 1), timed by thread CPU
#   time, file reading, zero cells and the probe left out; level 3 and level 1 throughout are printed beside it.
# - Day 2: the 256 changed 64 KiB extents of day2.raw are written into the VM's disk by QEMU's block layer
#   (`qemu-io`), which keeps the disk's persistent dirty bitmap as a hypervisor does; then the incremental backup,
#   beside restic's second backup (of day2.raw).
# - Restore: `backup restore ID --to FILE` of the incremental backup (checked byte-identical to day2.raw) beside
#   `restic restore latest`.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
img=${1:?usage: bench/user-bench.sh IMAGE_DIR [WORK_DIR]}
img=$(cd "$img" && pwd)
work=${2:-$(mktemp -d /tmp/hyperlab-user-bench.XXXXXX)}
# a run leaves its labs and repositories behind; a second run into them would measure other work (or fail)
if [ -d "$work" ] && [ -n "$(ls -A "$work")" ]; then
    echo "error: work directory $work is not empty: give a new or empty one (bench/user-bench.sh IMAGE_DIR [WORK_DIR])" >&2
    exit 2
fi
mkdir -p "$work"
work=$(cd "$work" && pwd)
for f in base.raw day2.raw base.qcow2; do
  [ -f "$img/$f" ] || { echo "error: $img/$f is missing (make-disk-images.sh $img makes it)" >&2; exit 2; }
done
for t in qemu-img qemu-io restic borg python3; do
  command -v "$t" >/dev/null || { echo "error: $t is not installed" >&2; exit 2; }
done
H="$here/hyperlab"
lab="$work/lab"
"$H" --lab "$lab" -c 'lab info' >/dev/null   # builds on first use, outside the timers

export RESTIC_PASSWORD=bench BORG_PASSPHRASE=bench RESTIC_CACHE_DIR="$work/restic-cache" BORG_BASE_DIR="$work/borg-base"
export BORG_RELOCATED_REPO_ACCESS_IS_OK=yes BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK=yes

# timed LABEL CMD...: runs CMD (its output to $work/LABEL.out/.err), sets wall/cpu, fails the bench if CMD fails
timed() {
  local label=$1; shift
  sync
  /usr/bin/time -o "$work/$label.time" -f '%e %U %S' "$@" >"$work/$label.out" 2>"$work/$label.err" || {
    echo "error: $label failed:" >&2; tail -5 "$work/$label.err" >&2; exit 1; }
  read -r wall user sys <"$work/$label.time"
  cpu=$(echo "$user + $sys" | bc)
}
ratio() { echo "scale=2; $1 / $2" | bc; }
mib() { echo "scale=1; $(du -sb "$1" | cut -f1) / 1048576" | bc; }
row() { printf '%-44s %9s %9s %8s  %s\n' "$@"; }

echo "hyperlab user-level bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
java="$(cat "$here/shell/target/.jdk-home" 2>/dev/null || cat "$here/shell/target/.jdk-found")/bin/java"
echo "JVM: $("$java" -version 2>&1 | head -1); $(qemu-img --version | head -1); $(restic version | cut -d' ' -f1-2); $(borg --version)"
cat "$img/base.raw" "$img/day2.raw" "$img/base.qcow2" >/dev/null
row "what (wall seconds; CPU seconds in ())" hyperlab peer ratio target
echo

# ---- start-up: median of 11 ----
starts=()
for i in $(seq 11); do timed start "$H" --lab "$work/empty" -c 'lab info'; starts+=("$wall"); done
start=$(printf '%s\n' "${starts[@]}" | sort -n | sed -n 6p)
row "-c 'lab info' (median of 11)" "$start" "" "" "<= 0.4 s (jshell's 1/4: StartupBench)"

# ---- conversions ----
timed conv1 "$H" --lab "$lab" -c "disk convert $img/base.raw $work/h.qcow2"; h=$wall; hc=$cpu; h1=$h; hc1=$hc
timed conv1q qemu-img convert -f raw -O qcow2 "$img/base.raw" "$work/q.qcow2"; q=$wall; qc=$cpu
row "disk convert raw -> qcow2" "$h ($hc)" "$q ($qc)" "$(ratio "$h" "$q")" "<= 1.0 of qemu-img"
timed conv2 "$H" --lab "$lab" -c "disk convert --format raw $img/base.qcow2 $work/h.raw"; h=$wall; hc=$cpu
timed conv2q qemu-img convert -f qcow2 -O raw "$img/base.qcow2" "$work/q.raw"; q=$wall; qc=$cpu
row "disk convert qcow2 -> raw" "$h ($hc)" "$q ($qc)" "$(ratio "$h" "$q")" "<= 1.0 of qemu-img"
cmp -s "$work/h.raw" "$work/q.raw" || { echo "error: the two raw conversions differ" >&2; exit 1; }
rm -f "$work/qs.qcow2"
timed conv3q qemu-img convert -t writeback -f raw -O qcow2 "$img/base.raw" "$work/qs.qcow2"; q=$wall; qc=$cpu
row "durable: qemu-img -t writeback, raw -> qcow2" "$h1 ($hc1)" "$q ($qc)" "$(ratio "$h1" "$q")" "(like for like)"
rm -f "$work/h.qcow2" "$work/q.qcow2" "$work/h.raw" "$work/q.raw" "$work/qs.qcow2"

# ---- full backup ----
cp --sparse=always "$img/base.qcow2" "$work/web1.qcow2"
"$H" --lab "$lab" -c "host create h1 --cores 8 --ram 32GiB --disk ssd:1TiB
vm create web1 --host h1 --vcpus 1 --memory 1GiB --disk $work/web1.qcow2
backup init $work/hrepo" >/dev/null
restic init -q -r "$work/rrepo" >/dev/null
borg init -e repokey "$work/brepo" >/dev/null 2>&1
timed full "$H" --lab "$lab" -c "backup run web1 --strategy full --repo $work/hrepo"; hf=$wall; hfc=$cpu
timed rfull restic -r "$work/rrepo" backup -q "$img/base.raw"; rf=$wall; rfc=$cpu
timed bfull borg create "$work/brepo::base" "$img/base.raw"; bf=$wall; bfc=$cpu
faster=$(printf '%s\n%s\n' "$rf" "$bf" | sort -n | head -1)
# the floor: zstd's CPU time for the allocated data at the levels the backup uses, one thread, over the cores
cores=$(nproc)
floor=$("$java" -cp "$here/shell/target/lib/*" --enable-native-access=ALL-UNNAMED \
  dev.hyperlab.core.backup.CompressionFloor "$img/base.qcow2")
field() { echo "$floor" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
zu=$(echo "scale=2; $(field used_cpu_s) / $cores" | bc)
z3=$(echo "scale=2; $(field level3_cpu_s) / $cores" | bc)
z1=$(echo "scale=2; $(field level1_cpu_s) / $cores" | bc)
row "full backup of base.qcow2's VM" "$hf ($hfc)" "$faster" "$(ratio "$faster" "$hf")x" ">= 3x the faster"
row "  restic / borg" "" "$rf / $bf" "" "(CPU $rfc / $bfc)"
row "  floor: zstd CPU / $cores cores, levels used" "$zu" "" "$(ratio "$hf" "$zu")x" "wall <= 1.3x floor"
row "  (level 3 / level 1 throughout)" "$z3 / $z1" "" "$(ratio "$hf" "$z3") / $(ratio "$hf" "$z1")" "(SHA-256 $(field sha256_cpu_s) CPU-s)"
row "  repository (MiB)" "$(mib "$work/hrepo")" "$(mib "$work/rrepo")" "$(ratio "$(mib "$work/hrepo")" "$(mib "$work/rrepo")")" "<= 1.0 of restic's (borg $(mib "$work/brepo"))"

# ---- day 2: the changed extents written by QEMU's block layer, then an incremental backup ----
python3 - "$img/base.raw" "$img/day2.raw" "$work/day2" <<'PY'
import os, sys
base, day2, out = sys.argv[1:4]
os.makedirs(out, exist_ok=True)
block = 4096
cmds = []
with open(base, 'rb') as a, open(day2, 'rb') as b:
    off, run = 0, None
    while True:
        x, y = a.read(1 << 20), b.read(1 << 20)
        if not y:
            break
        for i in range(0, len(y), block):
            changed = x[i:i + block] != y[i:i + block]
            pos = off + i
            if changed and run is None:
                run = [pos, y[i:i + block]]
            elif changed:
                run[1] += y[i:i + block]
            elif run is not None:
                cmds.append(run); run = None
        off += len(y)
    if run is not None:
        cmds.append(run)
with open(os.path.join(out, 'cmds'), 'w') as c:
    for n, (pos, data) in enumerate(cmds):
        p = os.path.join(out, '%d.bin' % n)
        open(p, 'wb').write(data)
        c.write('write -q -s %s %d %d\n' % (p, pos, len(data)))
PY
mapfile -t writes <"$work/day2/cmds"
args=(); for w in "${writes[@]}"; do args+=(-c "$w"); done
qemu-io -f qcow2 "${args[@]}" "$work/web1.qcow2" >/dev/null
timed incr "$H" --lab "$lab" -c "backup run web1 --strategy incremental --repo $work/hrepo"; hi=$wall; hic=$cpu
grep -q 'incremental' "$work/incr.out" || { echo "error: the incremental backup fell back: $(cat "$work/incr.out")" >&2; exit 1; }
timed rincr restic -r "$work/rrepo" backup -q "$img/day2.raw"; ri=$wall; ric=$cpu
row "incremental after day 2 (${#writes[@]} extents)" "$hi ($hic)" "$ri ($ric)" "$(ratio "$ri" "$hi")x" ">= 20x restic"

# ---- restore of day 2 ----
id=$("$H" --lab "$lab" -c "backup list --json --repo $work/hrepo" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
timed rest "$H" --lab "$lab" -c "backup restore $id --to $work/restored.raw --repo $work/hrepo"; hr=$wall; hrc=$cpu
timed rrest restic -r "$work/rrepo" restore latest -q --target "$work/restic-out"; rr=$wall; rrc=$cpu
cmp -s "$work/restored.raw" "$img/day2.raw" || { echo "error: the restored disk differs from day2.raw" >&2; exit 1; }
row "restore of day 2 (verified identical)" "$hr ($hrc)" "$rr ($rrc)" "$(ratio "$rr" "$hr")x" ">= 2x restic"

echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); work files in $work"
