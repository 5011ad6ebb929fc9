// overcommit.js: how far one host's memory stretches. Adds 16 GiB Windows VMs (with balloon drivers) to a 64 GiB
// host one at a time, lets each settle, and watches the host go through the stages of memory overcommit:
//   fits       the VMs' memory fits the host's
//   ballooning the host reclaims guest memory through balloon drivers (no swapping yet)
//   swapping   balloons are at their limit, the host swaps guest memory out
//   refused    the host cannot promise a new VM its memory and refuses to start it
// Prints a line per VM (overcommit ratio, balloon total, swapped, the host's free-memory state) and the VM count at
// which each stage began. Stops at the first refusal.
//
// Usage:  hyperlab run scripts/overcommit.js [SWAP] [--json]
//   SWAP   the host's swap space for guest memory (default 16GiB; 0 means no swapping: ballooning, then refusal)
//   --json one JSON document: {swap, steps: [{vms, stage, overcommitRatio, balloon, swapped, state}], firstAt}
//
// Works on a fork of the lab (lab.fork()); the lab itself is not changed.

const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const swap = positional.length > 0 ? positional[0] : '16GiB';
const MAX_VMS = 40;

const w = lab.fork();
const steps = [];
const firstAt = { ballooning: null, swapping: null, refused: null };
try {
    w.createHost({ name: 'oc-host', cores: 32, ram: '64GiB', disks: ['ssd:960GiB'] });
    const host = w.host('oc-host');
    host.install('type1');
    host.setMemoryPolicy({ autoBalloon: true, swap: swap === '0' ? 0 : swap, pageSharing: false });
    host.powerOn();
    host.waitFor('running', '1h');
    for (let i = 1; i <= MAX_VMS; i++) {
        const vm = w.createVm({ name: 'oc-' + i, host: 'oc-host', vcpus: 2, memory: '16GiB', os: 'windows-server',
            drivers: ['virtio-blk', 'virtio-balloon'] });
        let refusal = null;
        try {
            vm.start();
            w.advance('10m'); // boot, then let the balloons and the swapper settle
        } catch (e) {
            if (!(e instanceof LabError)) {
                throw e;
            }
            refusal = e.message;
        }
        const m = host.memory();
        const balloon = w.vms().reduce((sum, v) => sum + v.memory().balloon, 0);
        const stage = refusal !== null ? 'refused' : m.swapped > 0 ? 'swapping' : balloon > 0 ? 'ballooning' : 'fits';
        if (stage !== 'fits' && firstAt[stage] === null) {
            firstAt[stage] = i;
        }
        steps.push({ vms: i, stage, overcommitRatio: m.overcommitRatio, balloon, swapped: m.swapped,
            state: m.state, reason: refusal });
        if (refusal !== null) {
            break;
        }
    }
} finally {
    w.close();
}

if (json) {
    print(JSON.stringify({ swap, steps, firstAt }));
} else {
    print('16 GiB Windows VMs with balloon drivers on a 64 GiB host, swap ' + swap);
    for (const s of steps) {
        print('  ' + String(s.vms).padStart(2) + ' VMs  ' + s.stage.padEnd(10) + ' overcommit '
            + s.overcommitRatio.toFixed(2) + '  balloons ' + Sizes.format(s.balloon).padStart(9) + '  swapped '
            + Sizes.format(s.swapped).padStart(9) + '  host memory ' + s.state);
    }
    const last = steps[steps.length - 1];
    if (last.reason !== null) {
        print('  refused: ' + last.reason);
    }
    const at = (stage) => (firstAt[stage] === null ? 'never (up to ' + steps.length + ' VMs)'
        : 'at ' + firstAt[stage] + ' VMs');
    print('ballooning ' + at('ballooning') + ', swapping ' + at('swapping') + ', refusal ' + at('refused'));
}
