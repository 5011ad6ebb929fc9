#!/usr/bin/env bash
# Issue 16's backup benchmark: backup and restore of a real running VM's disk (QEMU, the tiny-linux guest) by
# hyperlab, beside restic on the same image file, printed side by side. Run once; wall and CPU times from /usr/bin/time.
# Usage: bench/qemu-backup-bench.sh [WORK_DIR]   (default: a new temporary directory, removed at the end)
# Needs: JDK 25, qemu-system-x86 and qemu-utils, restic, the tiny-linux guest's packages (docs/tiny-linux.md).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
work=${1:-$(mktemp -d)}
mkdir -p "$work"
lab=$work/lab
export HYPERLAB_PASSWORD=bench RESTIC_PASSWORD=bench
hl() { "$root/hyperlab" --lab "$lab" "$@"; }
# one line per step: what, wall s, user+sys CPU s
timed() {
  local what=$1; shift
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/out" 2>&1 || { cat "$work/out" >&2; exit 1; }
  read -r wall user sys < "$work/time"
  printf '%-44s %8s s wall %8.2f s CPU\n' "$what" "$wall" "$(echo "$user + $sys" | bc)"
  sed 's/^/    /' "$work/out" | head -4
}
cleanup() {
  "$root/hyperlab" --lab "$lab" -c 'vm destroy g1; vm destroy g1-drill' >/dev/null 2>&1 || true
  [ -n "${1:-}" ] || rm -rf "$work"
}
trap 'cleanup ${1:-}' EXIT

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $(qemu-system-x86_64 --version | head -1)"
hl --backend qemu -c 'vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux; vm start g1 --wait --timeout 10m' >/dev/null
disk=$lab/vms/g1/disk0.qcow2
echo "disk: $(qemu-img info -U --output=json "$disk" | python3 -c 'import json,sys; i=json.load(sys.stdin); print(i["virtual-size"]>>20, "MiB virtual,", i["actual-size"]>>20, "MiB allocated")')"
hl -c "backup init $work/repo --encrypt" >/dev/null
restic init -q -r "$work/restic" >/dev/null

echo "== the VM runs throughout =="
timed "hyperlab backup run g1 --strategy full (live)" "$root/hyperlab" --lab "$lab" -c "backup run g1 --strategy full --repo $work/repo"
timed "restic backup of the qcow2 file (not consistent)" restic -q -r "$work/restic" backup "$disk"
hl -c 'vm reboot g1 --wait --timeout 10m' >/dev/null   # the guest writes its boot record
timed "hyperlab backup run g1 (live, incremental)" "$root/hyperlab" --lab "$lab" -c "backup run g1 --repo $work/repo"
timed "restic backup of the qcow2 file again" restic -q -r "$work/restic" backup "$disk"
id=$(hl -c "backup list --repo $work/repo --json" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
timed "hyperlab backup restore --to raw" "$root/hyperlab" --lab "$lab" -c "backup restore $id --to $work/restored.raw --repo $work/repo"
timed "restic restore latest" restic -q -r "$work/restic" restore latest --target "$work/restic-restored"
timed "hyperlab backup restore --as-vm (real boot)" "$root/hyperlab" --lab "$lab" -c "backup restore $id --as-vm g1-drill --repo $work/repo"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
