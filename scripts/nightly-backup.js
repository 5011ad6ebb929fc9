// nightly-backup.js: the nightly backup job. Backs up every running VM of the lab with the incremental strategy (only
// the clusters its guest wrote since its last backup; a VM's first backup, or one whose chain is broken, falls back
// to a full one and says why), then prunes the repository to the newest 7 backups of each VM. Prints a line per
// backup (strategy, bytes read and added, lab time) and what the prune removed.
//
// Usage:  hyperlab run scripts/nightly-backup.js REPO [--keep N] [--nights N] [--password PW] [--json]
//         (a REPO outside the lab's directory and ~/.hyperlab: run --allow-path REPO scripts/...)
//   REPO        the backup repository's directory; made (backup init) when it holds no repository yet
//   --keep N    backups kept per VM (default 7): prune --keep-last N, which keeps the newest N backups of each VM
//               (the repository's prune counts per VM, not per repository: one VM's backups never push out another's)
//   --nights N  rehearse N nights in a row (default 1, tonight only): after each night the lab runs on until the next
//               night begins, a lab day after this one, and its guests write meanwhile
//   --password PW  the password of an encrypted repository (scripts cannot read the environment, so it is an
//               argument: it shows in the shell's history and the process list)
//   --json      one JSON document: {repo, keep, nights: [{night, time, backups: [{vm, id, strategy, fullFallback,
//               notes, live, bytesRead, bytesAdded, seconds}], skipped, failed, pruned: {removed, kept, bytesFreed}}],
//               keptPerVm: {VM: count}}
//
// Works on the lab itself, not a fork: the backups are real and written to REPO (`run --dry-run` predicts them on a
// copy of the lab and writes nothing). Running VMs are backed up live (each pauses for its snapshot only); VMs not
// running are skipped and named. Exit status 1 when a backup failed (the others are still taken, and the prune runs).

const json = args.includes('--json');
let keep = 7;
let nightCount = 1;
let password = '';
const positional = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--keep') {
        keep = Number(args[++i]);
    } else if (args[i] === '--nights') {
        nightCount = Number(args[++i]);
    } else if (args[i] === '--password') {
        password = args[++i] === undefined ? '' : args[i];
    } else if (!args[i].startsWith('--')) {
        positional.push(args[i]);
    }
}
if (positional.length !== 1) {
    console.error('nightly-backup.js: give the repository directory, REPO (and nothing else without --)');
    exit(2);
}
if (!Number.isInteger(keep) || keep < 1) {
    console.error('nightly-backup.js: --keep takes a whole number of 1 or more');
    exit(2);
}
if (!Number.isInteger(nightCount) || nightCount < 1 || nightCount > 3660) {
    console.error('nightly-backup.js: --nights takes a whole number from 1 to 3660');
    exit(2);
}
const DAY = 24 * 3600; // seconds of lab time from one night to the next

let repo;
try {
    repo = lab.backups(positional[0], password);
} catch (e) {
    if (!(e instanceof LabError) || e.kind !== 'not-found') {
        throw e;
    }
    repo = lab.initBackups(positional[0], password);
}

// One night: every running VM backed up incrementally, then the prune.
function night(number) {
    const time = lab.now();
    const backups = [];
    const skipped = [];
    const failed = [];
    for (const vm of lab.vms()) {
        const state = vm.state();
        if (state !== 'running') {
            skipped.push({ vm: vm.name(), state });
            continue;
        }
        try {
            const r = repo.run(vm.name(), 'incremental');
            const b = r.backup;
            backups.push({ vm: b.vm, id: b.id, strategy: b.strategy, fullFallback: b.fullFallback, notes: b.notes,
                live: r.live, bytesRead: b.bytesRead, bytesAdded: b.bytesAdded, seconds: r.duration });
        } catch (e) {
            if (!(e instanceof LabError)) {
                throw e;
            }
            failed.push({ vm: vm.name(), error: e.message });
        }
    }
    const p = repo.prune(keep);
    return { night: number, time, backups, skipped, failed,
        pruned: { removed: p.removedBackups, kept: p.keptBackups, bytesFreed: p.bytesFreed } };
}

const nights = [];
for (let n = 1; n <= nightCount; n++) {
    const start = lab.now();
    nights.push(night(n));
    if (n < nightCount) {
        lab.advance(Math.max(DAY - (lab.now() - start), 0));
    }
}
const counts = {};
for (const b of repo.list()) {
    counts[b.vm] = (counts[b.vm] || 0) + 1;
}
const keptPerVm = {}; // by VM name
for (const vm of Object.keys(counts).sort()) {
    keptPerVm[vm] = counts[vm];
}
const anyFailed = nights.some((n) => n.failed.length > 0);

if (json) {
    print(JSON.stringify({ repo: repo.directory(), keep, nights, keptPerVm }));
} else {
    const width = Math.max(4, ...lab.vms().map((v) => v.name().length));
    for (const n of nights) {
        print('night ' + n.night + ' (lab time ' + Durations.format(n.time) + '): ' + n.backups.length
            + (n.backups.length === 1 ? ' running VM' : ' running VMs') + ' backed up to ' + repo.directory());
        for (const b of n.backups) {
            print('  ' + b.vm.padEnd(width) + '  ' + b.id.substring(0, 8) + '  '
                + (b.fullFallback ? 'full (fell back)' : b.strategy).padEnd(16) + '  read '
                + Sizes.format(b.bytesRead).padStart(9) + ', added ' + Sizes.format(b.bytesAdded).padStart(9)
                + ' in ' + Durations.format(b.seconds) + (b.live ? ' (live)' : ''));
            if (b.fullFallback) {
                for (const note of b.notes) {
                    print('  ' + ''.padEnd(width) + '  ' + note);
                }
            }
        }
        for (const f of n.failed) {
            print('  ' + f.vm.padEnd(width) + '  FAILED: ' + f.error);
        }
        if (n.skipped.length > 0) {
            print('  skipped (not running): ' + n.skipped.map((s) => s.vm + ' (' + s.state + ')').join(', '));
        }
        print('  prune --keep-last ' + keep + ': removed ' + n.pruned.removed.length
            + (n.pruned.removed.length === 1 ? ' backup' : ' backups') + ', ' + n.pruned.kept + ' kept, freed '
            + Sizes.format(Math.max(n.pruned.bytesFreed, 0)));
    }
    print('backups kept per VM: ' + (Object.keys(keptPerVm).length === 0 ? 'none'
        : Object.keys(keptPerVm).map((vm) => vm + ' ' + keptPerVm[vm]).join(', ')));
}
if (anyFailed) {
    exit(1);
}
