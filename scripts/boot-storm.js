// boot-storm.js: a boot-storm rehearsal. N identical VMs start at once on one host, first with no start policy,
// then under policies that cap concurrent boots (and one that starts a priority group first); for each it prints the
// time until every VM is running, then the best policy for this host.
//
// Usage:  hyperlab run scripts/boot-storm.js [N] [DISK] [--json]
//   N      VMs in the storm (default 32)
//   DISK   the host's disk, KIND:SIZE with KIND nvme, ssd or hdd (default hdd:2TiB: a spinning disk, where
//          concurrent boots fight over the heads and a cap wins; on nvme starting all at once wins)
//   --json one JSON document instead of the table: {vms, disk, results: [{policy, seconds, firstGroupSeconds}], best}
//
// Each policy runs on a fork of the lab (lab.fork()): the lab itself is not changed. Same lab seed, same figures.
// The host: 16 cores, 256 GiB, type 1 hypervisor; the VMs: linux-server, 2 vCPUs, 4 GiB; in the priority scenario
// the first quarter (the "databases") has boot priority 1, the rest 2.

const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const n = positional.length > 0 ? Number(positional[0]) : 32;
const disk = positional.length > 1 ? positional[1] : 'hdd:2TiB';
if (!Number.isInteger(n) || n < 1 || n > 10000) {
    console.error('boot-storm.js: N must be a whole number from 1 to 10000, not ' + positional[0]);
    exit(2);
}

const POLICIES = [
    { label: 'no policy (all at once)', policy: { maxConcurrentBoots: 0 }, priorities: false },
    { label: 'at most 2 booting', policy: { maxConcurrentBoots: 2 }, priorities: false },
    { label: 'at most 4 booting', policy: { maxConcurrentBoots: 4 }, priorities: false },
    { label: 'at most 8 booting', policy: { maxConcurrentBoots: 8 }, priorities: false },
    { label: 'at most 16 booting', policy: { maxConcurrentBoots: 16 }, priorities: false },
    { label: 'at most 4, databases first', policy: { maxConcurrentBoots: 4, groupDelay: '5s' }, priorities: true },
];

// One storm on a fork: seconds of lab time from the start request until the last VM runs (and until the first
// priority group runs, when there is one).
function storm(scenario) {
    const w = lab.fork();
    try {
        w.createHost({ name: 'storm-host', cores: 16, ram: '256GiB', disks: [disk] });
        const host = w.host('storm-host');
        host.install('type1');
        host.powerOn();
        host.waitFor('running', '1h');
        const names = [];
        const first = [];
        for (let i = 0; i < n; i++) {
            const priority = scenario.priorities ? (i < Math.ceil(n / 4) ? 1 : 2) : 0;
            const name = 'storm-' + i;
            w.createVm({ name, host: 'storm-host', vcpus: 2, memory: '4GiB', os: 'linux-server',
                bootPriority: priority });
            names.push(name);
            if (priority === 1) {
                first.push(name);
            }
        }
        host.setStartPolicy(scenario.policy);
        const t0 = w.now();
        w.startVms(names);
        let firstGroup = null;
        for (const name of first) {
            w.vm(name).waitFor('running', '4h');
        }
        if (first.length > 0) {
            firstGroup = w.now() - t0;
        }
        for (const name of names) {
            w.vm(name).waitFor('running', '4h');
        }
        return { policy: scenario.label, seconds: w.now() - t0, firstGroupSeconds: firstGroup };
    } finally {
        w.close();
    }
}

const results = POLICIES.map(storm);
const best = results.reduce((a, b) => (b.seconds < a.seconds ? b : a));
if (json) {
    print(JSON.stringify({ vms: n, disk, results, best: best.policy }));
} else {
    print(n + ' VMs (linux-server, 2 vCPUs, 4 GiB) on one 16-core host with a ' + disk + ' disk');
    for (const r of results) {
        const firstGroup = r.firstGroupSeconds === null ? ''
            : '  (databases running after ' + Durations.format(r.firstGroupSeconds) + ')';
        print('  ' + r.policy.padEnd(28) + ' all running after ' + Durations.format(r.seconds).padStart(8)
            + firstGroup);
    }
    print('best: ' + best.policy + ', ' + Durations.format(best.seconds));
}
