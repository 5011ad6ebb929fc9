// noisy-neighbour.js: how busy neighbours slow a critical VM. On a host of CORES cores, a critical 2-vCPU VM running
// a build (every vCPU busy) and a small web VM share the cores with 2-vCPU build VMs added one at a time; after an
// hour of lab time with each count, prints the critical VM's and the web VM's CPU ready (share of the CPU they asked
// for that they waited for a core, as esxtop's %RDY) and the host's. Ready appears once the vCPUs asking for CPU
// outnumber the cores; the web VM, asking less than its fair share, never waits (docs/model.md, "Running guests").
//
// Usage:  hyperlab run scripts/noisy-neighbour.js [CORES] [MAX] [--json]
//   CORES  the host's cores (default 4)
//   MAX    the most neighbours to add (default 4)
//   --json one JSON document: {cores, steps: [{neighbours, criticalReady, webReady, hostReady}]}
//
// Works on a fork of the lab (lab.fork()); the lab itself is not changed.

const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const cores = positional.length > 0 ? Number(positional[0]) : 4;
const max = positional.length > 1 ? Number(positional[1]) : 4;
if (!Number.isInteger(cores) || cores < 1 || !Number.isInteger(max) || max < 0) {
    console.error('noisy-neighbour.js: CORES must be a whole number of 1 or more and MAX of 0 or more, not '
        + positional.join(' '));
    exit(2);
}

const w = lab.fork();
const steps = [];
try {
    w.createHost({ name: 'nn-host', cores, ram: '256GiB', disks: ['nvme:2TiB'] });
    const host = w.host('nn-host');
    host.install('type1');
    host.powerOn();
    host.waitFor('running', '1h');
    const start = (name, vcpus, workload) => {
        const vm = w.createVm({ name, host: 'nn-host', vcpus, memory: '2GiB', os: 'linux-server', workload });
        vm.start();
        vm.waitFor('running', '1h');
        return vm;
    };
    start('critical', 2, 'build');
    start('web', 1, 'web');
    for (let n = 0; n <= max; n++) {
        if (n > 0) {
            start('noisy-' + n, 2, 'build');
        }
        // this hour's ready: the difference of two stats, each a share of what was asked since the VM started
        const before = [w.vm('critical').stat(), w.vm('web').stat()];
        w.advance('1h');
        const after = [w.vm('critical').stat(), w.vm('web').stat()];
        const ready = (b, a) => {
            // each asks at a constant rate, so what it asked is proportional to its running time
            const asked = a.runningSeconds - b.runningSeconds;
            return asked > 0 ? (a.cpuReady * a.runningSeconds - b.cpuReady * b.runningSeconds) / asked : 0;
        };
        steps.push({ neighbours: n, criticalReady: ready(before[0], after[0]), webReady: ready(before[1], after[1]),
            hostReady: host.stat().cpuReady });
    }
} finally {
    w.close();
}

if (json) {
    print(JSON.stringify({ cores, steps }));
} else {
    print('a critical 2-vCPU build and a 1-vCPU web VM on ' + cores + ' cores, 2-vCPU builds added one by one');
    for (const s of steps) {
        print('  ' + String(s.neighbours).padStart(2) + ' neighbours  critical ready '
            + (100 * s.criticalReady).toFixed(1).padStart(5) + '%  web ready ' + (100 * s.webReady).toFixed(1).padStart(5)
            + '%  host ready ' + (100 * s.hostReady).toFixed(1).padStart(5) + '%');
    }
}
