// validate-contention.js: the model's concurrent-boot slowdowns for the validation cases of docs/validation.md.
// On a host with CORES cores (type 1 hypervisor, NVMe datastore), N single-vCPU linux-server VMs start at once, for
// N = 1 to 6; for each N it prints the mean boot time of one VM (start request to running) and its ratio to the solo
// boot, the figure docs/validation.md compares with the measured one.
//
// Usage:  hyperlab run scripts/validate-contention.js [CORES...] [--json]
//   CORES  host core counts (default 4 6 8, the NCU hosts' counts)
//   --json one JSON document: {cases: [{cores, vms, meanBootSeconds, ratio}]}
//
// Every case runs on a fork of the lab (lab.fork()): the lab itself is not changed. Same lab seed, same figures.

const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const coreCounts = positional.length > 0 ? positional.map(Number) : [4, 6, 8];
for (let i = 0; i < coreCounts.length; i++) {
    if (!Number.isInteger(coreCounts[i]) || coreCounts[i] < 1 || coreCounts[i] > 1024) {
        console.error('validate-contention.js: CORES must be whole numbers from 1 to 1024, not ' + positional[i]);
        exit(2);
    }
}
const MAX_VMS = 6;

// Mean lab seconds one of n VMs takes from its first boot phase to the end of its last, all started at once.
function meanBoot(cores, n) {
    const w = lab.fork();
    try {
        w.createHost({ name: 'ncu', cores, ram: '64GiB', disks: ['nvme:1TiB'] });
        const host = w.host('ncu');
        host.install('type1');
        host.powerOn();
        host.waitFor('running', '1h');
        const names = [];
        for (let i = 0; i < n; i++) {
            names.push('evm-' + i);
            w.createVm({ name: 'evm-' + i, host: 'ncu', vcpus: 1, memory: '2GiB', os: 'linux-server' });
        }
        w.startVms(names);
        for (const name of names) {
            w.vm(name).waitFor('running', '1h');
        }
        let sum = 0;
        for (const name of names) {
            const phases = w.timeline([name]);
            sum += phases[phases.length - 1].end - phases[0].start;
        }
        return sum / n;
    } finally {
        w.close();
    }
}

const cases = [];
for (const cores of coreCounts) {
    const solo = meanBoot(cores, 1);
    for (let n = 1; n <= MAX_VMS; n++) {
        const mean = n === 1 ? solo : meanBoot(cores, n);
        cases.push({ cores, vms: n, meanBootSeconds: mean, ratio: mean / solo });
    }
}
if (json) {
    print(JSON.stringify({ cases }));
} else {
    print('cores  VMs  mean boot (s)  ratio to solo');
    for (const c of cases) {
        print(String(c.cores).padStart(5) + String(c.vms).padStart(5) + c.meanBootSeconds.toFixed(3).padStart(15)
            + c.ratio.toFixed(3).padStart(15));
    }
}
