// recovery-drill.js: the same service recovered two ways, side by side: from a VM backup (restored as a VM: the disks
// written, then a VM's boot) and from a physical host's disk image (a bare-metal restore onto a spare host: the disks
// written, then POST, boot-device search, boot loader and OS). Prints both recovery times (restore + boot, as the
// restores report them) and their ratio: the seeds' contrast between virtual and physical recovery, measured.
//
// Usage:  hyperlab run scripts/recovery-drill.js REPO VM HOST --spare SPARE [--password PW] [--json]
//         (a REPO outside the lab's directory and ~/.hyperlab: run --allow-path REPO scripts/...)
//   REPO           the backup repository: its latest backup of VM (backup run VM) and its latest image of HOST
//                  (backup run HOST --image) are restored
//   VM             the service as a VM; restored as a new VM named VM-drill on its original host or the first running
//                  host with room
//   HOST           the service on a physical host
//   --spare SPARE  the replacement host the image is restored onto (its disks as large as HOST's or larger)
//   --password PW  the password of an encrypted repository
//   --json         one JSON document: {repo, vm: {source, backup, restoreSeconds, bootSeconds, recoverySeconds,
//                  dataBytes, host}, physical: {...the same, host is SPARE}, ratio}
//
// The drill runs on a fork of the lab (lab.fork()): the lab is not changed, and the repository is only read. Exit
// status 1 when either restore did not end with its machine running.

const json = args.includes('--json');
let spare = '';
let password = '';
const positional = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--spare') {
        spare = args[++i] === undefined ? '' : args[i];
    } else if (args[i] === '--password') {
        password = args[++i] === undefined ? '' : args[i];
    } else if (!args[i].startsWith('--')) {
        positional.push(args[i]);
    }
}
if (positional.length !== 3 || spare === '') {
    console.error('recovery-drill.js: give REPO VM HOST --spare SPARE');
    exit(2);
}
const [repoDir, vmName, hostName] = positional;

/** The latest backup in `list` of `source` whose kind is `kind`, or an error naming what to run. */
function latest(list, source, kind, hint) {
    let found = null;
    for (const b of list) { // oldest first
        if (b.vm === source && b.kind === kind) {
            found = b;
        }
    }
    if (found === null) {
        console.error('recovery-drill.js: no ' + kind + ' backup of ' + source + ' in ' + repoDir + ' (' + hint + ')');
        exit(2);
    }
    return found;
}

/** One row of the report from a restore `r` of backup `b`. */
function row(b, r, running) {
    return { source: b.vm, backup: b.id, host: r.host, restoreSeconds: r.restoreTime, bootSeconds: r.bootTime,
        recoverySeconds: r.restoreTime + r.bootTime, // BackupRestore.recoveryTime()
        dataBytes: b.disks.reduce((sum, d) => sum + d.dataBytes, 0), running,
        problems: r.damaged.concat(r.warnings) };
}

const w = lab.fork();
let report;
try {
    const repo = w.backups(repoDir, password);
    const list = repo.list();
    const vmBackup = latest(list, vmName, 'vm', 'backup run ' + vmName);
    const image = latest(list, hostName, 'host-image', 'backup run ' + hostName + ' --image');
    w.host(spare); // not-found before the drill begins

    const asVm = repo.restoreAsVm(vmBackup.id, vmName + '-drill', '');
    const vm = row(vmBackup, asVm, w.vm(vmName + '-drill').state() === 'running');
    const bare = repo.restoreToHost(image.id, spare);
    const physical = row(image, bare, w.host(spare).state() === 'running');
    report = { repo: repo.directory(), vm, physical,
        ratio: vm.recoverySeconds > 0 ? physical.recoverySeconds / vm.recoverySeconds : null };
} finally {
    w.close();
}

if (json) {
    print(JSON.stringify(report));
} else {
    const f = (s) => Durations.format(s);
    print('recovery of the same service from ' + report.repo + ':');
    print('  ' + 'from'.padEnd(26) + 'backup    ' + 'restore'.padStart(10) + 'boot'.padStart(10)
        + 'recovery'.padStart(10) + '  onto');
    for (const [what, r] of [['VM backup of ' + report.vm.source, report.vm],
        ['host image of ' + report.physical.source, report.physical]]) {
        print('  ' + what.padEnd(26) + r.backup.substring(0, 8) + '  ' + f(r.restoreSeconds).padStart(10)
            + f(r.bootSeconds).padStart(10) + f(r.recoverySeconds).padStart(10) + '  ' + r.host
            + (r.running ? '' : ' (NOT RUNNING: ' + r.problems.join('; ') + ')'));
    }
    if (report.ratio !== null) {
        print('the physical recovery takes ' + report.ratio.toFixed(1) + 'x the virtual one');
    }
}
if (!report.vm.running || !report.physical.running) {
    exit(1);
}
