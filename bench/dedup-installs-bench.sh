#!/usr/bin/env bash
# Issue 15's deduplication promise: three VMs installed separately from the same media, backed up one after the other
# into one repository; hyperlab's repository after the third must be at most 0.8x restic's on the same images.
#
# Usage: bench/dedup-installs-bench.sh [SOURCE_TREE] [WORK_DIR]
#   SOURCE_TREE  the "installation media": the files every install lays down (default /usr/share: tens of thousands of
#                files, mostly small, as an OS install has)
#   WORK_DIR     scratch space (default: a new directory under /tmp)
# Needs: mkfs.ext4 and debugfs (e2fsprogs), qemu-img, restic, python3; JDK 25 for ./hyperlab.
#
# What a separate install is here: a fresh ext4 of 2 GiB (its own UUID, so its own checksums, times and inode
# numbers) into which debugfs writes the tree's files, directory by directory, in an order of the install's own (a
# seeded shuffle of the directories; files within a directory in name order), as package unpack order and the
# allocator's choices differ between real installs. The same files, laid down in other places among other metadata.
# mkfs.ext4 -d is no model of this: it sorts the tree, so its images differ only in a few hundred metadata blocks.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-/usr/share}
work=${2:-$(mktemp -d /tmp/hyperlab-dedup-bench.XXXXXX)}
mkdir -p "$work"
work=$(cd "$work" && pwd)
for t in mkfs.ext4 debugfs qemu-img restic python3; do
  command -v "$t" >/dev/null || [ -x "/usr/sbin/$t" ] || [ -x "/sbin/$t" ] || { echo "error: $t is not installed" >&2; exit 2; }
done
H="$here/hyperlab"
export RESTIC_PASSWORD=bench RESTIC_CACHE_DIR="$work/restic-cache"

for i in 1 2 3; do
  [ -f "$work/install$i.raw" ] && continue
  python3 - "$src" "$work/install$i.raw" "$i" "$(printf '5b7a3a2e-0c1d-4e7f-9a61-2f0e8c4b9d1%d' "$i")" <<'PY'
import os, random, subprocess, sys
src, img, seed, uuid = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
subprocess.run(['mkfs.ext4', '-q', '-F', '-U', uuid, '-E', 'root_owner=0:0', img, '2G'], check=True)
dirs, files = [], {}
for root, ds, fs in os.walk(src):
    ds.sort(); fs.sort()
    rel = os.path.relpath(root, src)
    dirs.append(rel); files[rel] = fs
q = lambda s: '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'
cmds = ['mkdir ' + q('/' + d) for d in dirs if d != '.']
order = list(dirs); random.Random(seed).shuffle(order)
for d in order:
    cmds.append('cd ' + q('/' if d == '.' else '/' + d))
    for f in files[d]:
        p = os.path.join(src, d, f)
        if os.path.islink(p): cmds.append('symlink %s %s' % (q(f), q(os.readlink(p))))
        elif os.path.isfile(p) and os.access(p, os.R_OK): cmds.append('write %s %s' % (q(p), q(f)))
subprocess.run(['debugfs', '-w', '-f', '-', img], input='\n'.join(cmds).encode(), check=True,
               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
PY
  qemu-img convert -f raw -O qcow2 "$work/install$i.raw" "$work/vm$i.qcow2"
done
cat "$work"/install*.raw >/dev/null

rm -rf "$work/lab" "$work/hrepo" "$work/rrepo" "$work/restic-cache"
"$H" --lab "$work/lab" -c "host create h1 --cores 8 --ram 32GiB --disk ssd:1TiB
vm create vm1 --host h1 --vcpus 1 --memory 1GiB --disk $work/vm1.qcow2
vm create vm2 --host h1 --vcpus 1 --memory 1GiB --disk $work/vm2.qcow2
vm create vm3 --host h1 --vcpus 1 --memory 1GiB --disk $work/vm3.qcow2
backup init $work/hrepo" >/dev/null
restic init -q -r "$work/rrepo" >/dev/null

mib() { echo "scale=1; $(du -sb "$1" | cut -f1) / 1048576" | bc; }
echo "hyperlab dedup-across-installs bench, $(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "source tree $src: $(du -sh "$src" 2>/dev/null | cut -f1), $(find "$src" -type f 2>/dev/null | wc -l) files"
printf '%-22s %14s %14s %14s %14s %7s\n' "after install" "hyperlab s" "restic s" "hyperlab MiB" "restic MiB" "ratio"
for i in 1 2 3; do
  sync
  /usr/bin/time -o "$work/h.time" -f '%e' "$H" --lab "$work/lab" -c "backup run vm$i --strategy dedup --repo $work/hrepo" >/dev/null
  sync
  /usr/bin/time -o "$work/r.time" -f '%e' restic -r "$work/rrepo" backup -q "$work/install$i.raw"
  h=$(mib "$work/hrepo"); r=$(mib "$work/rrepo")
  printf '%-22s %14s %14s %14s %14s %7s\n' "$i" "$(cat "$work/h.time")" "$(cat "$work/r.time")" "$h" "$r" "$(echo "scale=2; $h / $r" | bc)"
done
echo "target: ratio <= 0.8 after the third install"
id=$("$H" --lab "$work/lab" -c "backup list --json --repo $work/hrepo" | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
"$H" --lab "$work/lab" -c "backup restore $id --to $work/restored.raw --repo $work/hrepo" >/dev/null
cmp -s "$work/restored.raw" "$work/install3.raw" || { echo "error: the restored third install differs" >&2; exit 1; }
echo "restore of the third install: identical; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
