// dr-drill.js: a disaster-recovery drill. Loses a host (cuts its power: the VMs on it crash), then restores each VM
// that was in service on it from its latest backup in the repository, as a VM of the same name on another host
// (restoreAsVm: the disks written from the backup, then the boot), and prints each VM's recovery time (restore +
// boot, as the restore reports them), how old the backup it came back from was (the work lost), and the total: lab
// time from the loss until every restored VM runs.
//
// Usage:  hyperlab run scripts/dr-drill.js REPO HOST [--to HOST] [--password PW] [--json]
//         (a REPO outside the lab's directory and ~/.hyperlab: run --allow-path REPO scripts/...)
//   REPO        the backup repository's directory (nightly-backup.js fills one)
//   HOST        the host to lose
//   --to HOST   the host to restore on (default: for each VM, the first running host with room, as
//               backup restore --as-vm chooses when the original host is down)
//   --password PW  the password of an encrypted repository
//   --json      one JSON document: {repo, host, lostAt, vms: [{vm, backup, backupTime, backupAge, host, hostChoice,
//               restoreSeconds, bootSeconds, recoverySeconds, bytesWritten, dataBytes, verified, state, problem}],
//               totalSeconds, recovered, lost}
//
// The drill runs on a fork of the lab (lab.fork()): the lab itself is not changed, and the repository is only read.
// It assumes the VMs' latest backups are in REPO (a VM with none there cannot come back: it is reported lost) and that
// the other hosts have room. The restores run one after another, as one operator's restore commands would: each
// returns once its VM runs, so the total is about the sum of the recovery times, and the last VM restored waits for
// all before it. "verified" means the restore read every byte back with its hash checked and wrote as many data bytes
// as the backup holds. Exit status 1 when a VM of the host did not come back.

const json = args.includes('--json');
let to = '';
let password = '';
const positional = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--to') {
        to = args[++i] === undefined ? '' : args[i];
    } else if (args[i] === '--password') {
        password = args[++i] === undefined ? '' : args[i];
    } else if (!args[i].startsWith('--')) {
        positional.push(args[i]);
    }
}
if (positional.length !== 2) {
    console.error('dr-drill.js: give the repository directory and the host to lose: REPO HOST');
    exit(2);
}
const [repoDir, lostHost] = positional;
const IN_SERVICE = ['starting', 'running', 'paused']; // paused: a snapshot's pause, over in milliseconds

const w = lab.fork();
let report;
try {
    const host = w.host(lostHost);
    if (to === lostHost) {
        console.error('dr-drill.js: --to names the host the drill loses');
        exit(2);
    }
    if (to !== '') {
        w.host(to); // not-found before the drill begins
    }
    const repo = w.backups(repoDir, password);
    const latest = {};
    for (const b of repo.list()) { // oldest first: the last one of a VM is its latest
        latest[b.vm] = b;
    }
    const victims = host.vms().filter((v) => IN_SERVICE.includes(v.state())).map((v) => v.name());

    const lostAt = w.now();
    host.powerOff();
    const vms = [];
    for (const name of victims) {
        const b = latest[name];
        const row = { vm: name, backup: null, backupTime: null, backupAge: null, host: null, hostChoice: null,
            restoreSeconds: null, bootSeconds: null, recoverySeconds: null, bytesWritten: 0, dataBytes: 0,
            verified: false, state: w.vm(name).state(), problem: null };
        vms.push(row);
        if (b === undefined) {
            row.problem = 'no backup in ' + repo.directory();
            continue;
        }
        row.backup = b.id;
        row.backupTime = b.time;
        row.backupAge = lostAt - b.time;
        row.dataBytes = b.disks.reduce((sum, d) => sum + d.dataBytes, 0);
        try {
            w.vm(name).delete(); // the crashed VM's definition and disks go; the restore defines it anew
            const r = repo.restoreAsVm(b.id, name, to);
            row.host = r.host;
            row.hostChoice = r.hostChoice;
            row.restoreSeconds = r.restoreTime;
            row.bootSeconds = r.bootTime;
            row.recoverySeconds = r.restoreTime + r.bootTime; // BackupRestore.recoveryTime()
            row.bytesWritten = r.disks.reduce((sum, d) => sum + d.bytesWritten, 0);
            row.verified = r.damaged.length === 0 && row.bytesWritten === row.dataBytes;
            if (r.damaged.length > 0) {
                row.problem = r.damaged.length + ' damaged ranges: ' + r.damaged[0];
            }
        } catch (e) {
            if (!(e instanceof LabError)) {
                throw e;
            }
            row.problem = e.message;
        }
    }
    for (const row of vms) {
        const v = w.findVm(row.vm);
        row.state = v === null ? 'gone' : v.state();
    }
    const recovered = vms.filter((r) => r.state === 'running' && r.problem === null).length;
    report = { repo: repo.directory(), host: lostHost, lostAt, vms, totalSeconds: w.now() - lostAt, recovered,
        lost: vms.length - recovered };
} finally {
    w.close();
}

if (json) {
    print(JSON.stringify(report));
} else {
    print('lost ' + lostHost + ' at lab time ' + Durations.format(report.lostAt) + ' with ' + report.vms.length
        + (report.vms.length === 1 ? ' VM' : ' VMs') + ' in service; restoring from ' + report.repo);
    const width = Math.max(2, ...report.vms.map((r) => r.vm.length));
    for (const r of report.vms) {
        if (r.problem !== null) {
            print('  ' + r.vm.padEnd(width) + '  NOT RECOVERED: ' + r.problem);
            continue;
        }
        print('  ' + r.vm.padEnd(width) + '  on ' + r.host + ' (' + r.hostChoice + ') from ' + r.backup.substring(0, 8)
            + ' (' + Durations.format(r.backupAge) + ' old): recovery ' + Durations.format(r.recoverySeconds)
            + ' = restore ' + Durations.format(r.restoreSeconds) + ' + boot ' + Durations.format(r.bootSeconds)
            + ', ' + Sizes.format(r.bytesWritten) + (r.verified ? ' verified' : ' NOT VERIFIED'));
    }
    print('total: ' + report.recovered + ' of ' + report.vms.length + ' VMs running again '
        + Durations.format(report.totalSeconds) + ' after the loss'
        + (report.lost > 0 ? '; ' + report.lost + ' not recovered' : ''));
}
if (report.lost > 0) {
    exit(1);
}
