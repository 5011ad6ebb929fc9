// capacity-what-if.js: the fewest hosts that boot a given set of VMs within a target time. Tries 1 host, 2 hosts,
// ... (each on a fork of the lab: the lab itself is not changed), spreads the VMs over them (each VM to the host with
// the least memory promised so far), starts them all at once and checks that every VM runs within the target.
// Prints each try (all running after how long, or what missed) and the answer.
//
// Usage:  hyperlab run scripts/capacity-what-if.js [TARGET] [COUNTxPROFILE:MEMORY ...] [--max-hosts N] [--json]
//   TARGET       the time by which every VM must run, e.g. 90s, 5m (default 3m)
//   COUNTxPROFILE:MEMORY  a group of VMs, e.g. 40xlinux-server:4GiB (2 vCPUs each); default
//                60xlinux-server:4GiB 8xwindows-server:16GiB 20xmicrovm:512MiB
//   --max-hosts N  give up after N hosts (default 32)
//   --json       one JSON document: {target, vms, tries: [{hosts, ok, seconds, problem}], hosts}
//
// The hosts: 16 cores, 128 GiB, one 2 TiB SATA SSD, type 1 hypervisor, automatic ballooning, no swap, no start
// policy. Exit status 1 when no host count up to --max-hosts makes the target, or when a VM crashes while booting
// (more hosts would not help: the search stops there).

const json = args.includes('--json');
let maxHosts = 32;
const positional = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--max-hosts') {
        maxHosts = Number(args[++i]);
    } else if (!args[i].startsWith('--')) {
        positional.push(args[i]);
    }
}
if (!Number.isInteger(maxHosts) || maxHosts < 1) {
    console.error('capacity-what-if.js: --max-hosts takes a whole number of 1 or more');
    exit(2);
}
const target = Durations.parse(positional.length > 0 ? positional[0] : '3m'); // seconds
const groups = (positional.length > 1 ? positional.slice(1)
    : ['60xlinux-server:4GiB', '8xwindows-server:16GiB', '20xmicrovm:512MiB']).map((g) => {
    const m = /^(\d+)x([a-z0-9-]+):(\S+)$/.exec(g);
    if (m === null) {
        console.error('capacity-what-if.js: ' + g + ' is not COUNTxPROFILE:MEMORY (e.g. 40xlinux-server:4GiB)');
        exit(2);
    }
    return { count: Number(m[1]), os: m[2], memory: Sizes.parse(m[3]) };
});

// the VMs, biggest first (so the spread is even), named by profile and number
const vms = [];
for (const g of groups) {
    for (let i = 0; i < g.count; i++) {
        vms.push({ name: g.os + '-' + (vms.filter((v) => v.os === g.os).length + 1), os: g.os, memory: g.memory });
    }
}
vms.sort((a, b) => b.memory - a.memory || (a.name < b.name ? -1 : 1));

// One try: the VMs on `hosts` hosts; {ok, seconds, problem}
function attempt(hosts) {
    const w = lab.fork();
    try {
        const promised = [];
        for (let h = 0; h < hosts; h++) {
            w.createHost({ name: 'cap-' + h, cores: 16, ram: '128GiB', disks: ['ssd:2TiB'] });
            w.host('cap-' + h).install('type1');
            w.host('cap-' + h).powerOn();
            promised.push(0);
        }
        for (let h = 0; h < hosts; h++) {
            w.host('cap-' + h).waitFor('running', '1h');
        }
        for (const v of vms) {
            let h = 0;
            for (let i = 1; i < hosts; i++) {
                if (promised[i] < promised[h]) {
                    h = i;
                }
            }
            promised[h] += v.memory;
            // Windows boots from the virtio disk only with the driver installed (else bug check 0x7B)
            w.createVm({ name: v.name, host: 'cap-' + h, vcpus: 2, memory: v.memory, os: v.os,
                drivers: v.os.startsWith('windows') ? ['virtio-blk'] : [] });
        }
        const t0 = w.now();
        w.startVms(vms.map((v) => v.name));
        for (const v of vms) {
            const left = target - (w.now() - t0);
            try {
                w.vm(v.name).waitFor('running', Math.max(left, 0));
            } catch (e) {
                if (!(e instanceof LabError)) {
                    throw e;
                }
                const info = w.vm(v.name).info();
                return { ok: false, seconds: null, crashed: info.state === 'crashed',
                    problem: v.name + ' ' + (info.reason ? info.reason : 'not running in time') };
            }
        }
        return { ok: true, seconds: w.now() - t0, problem: null };
    } finally {
        w.close();
    }
}

const tries = [];
let answer = null;
for (let hosts = 1; hosts <= maxHosts && answer === null; hosts++) {
    const r = attempt(hosts);
    tries.push({ hosts, ok: r.ok, seconds: r.seconds, problem: r.problem });
    if (r.ok) {
        answer = hosts;
    }
    if (r.crashed) {
        break; // a VM that cannot boot at all does not boot on more hosts either
    }
}

if (json) {
    print(JSON.stringify({ target, vms: vms.length, tries, hosts: answer }));
} else {
    print(vms.length + ' VMs (' + groups.map((g) => g.count + ' ' + g.os + ' ' + Sizes.format(g.memory)).join(', ')
        + '), target: all running within ' + Durations.format(target));
    for (const t of tries) {
        print('  ' + String(t.hosts).padStart(2) + (t.hosts === 1 ? ' host:  ' : ' hosts: ')
            + (t.ok ? 'all running after ' + Durations.format(t.seconds) : 'missed: ' + t.problem));
    }
    const crashed = tries.length > 0 && tries[tries.length - 1].problem !== null
        && tries.length < maxHosts && answer === null;
    print(answer !== null ? 'fewest hosts: ' + answer
        : crashed ? 'no answer: a VM does not boot at all, whatever the hosts'
            : 'no answer: ' + maxHosts + (maxHosts === 1 ? ' host is' : ' hosts are')
                + ' not enough (--max-hosts raises the limit)');
}
if (answer === null) {
    exit(1);
}
