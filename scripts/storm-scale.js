// storm-scale.js: a data-centre boot storm at scale (BootStormBench's, through the facade). HOSTS hosts (16 cores,
// 128 GiB, BIOS, type 1 hypervisor) power on and boot; then PER_HOST linux-server VMs (2 vCPUs, 4 GiB) on each are
// started at the same instant (one Lab.startVms), and the lab runs until every VM is running.
//
// Usage:  hyperlab run scripts/storm-scale.js [HOSTS] [PER_HOST] [--json]
//   HOSTS     hosts (default 100; BootStormBench runs 10000)
//   PER_HOST  VMs per host (default 10)
//   --json    one JSON document: {hosts, vms, hostsRunning, vmsRunning}
//
// It runs on a fork of the lab (lab.fork()): nothing is saved, so a storm of 100,000 VMs costs no lab.json of that
// size, and the lab itself is not changed. The hosts get 10 minutes of lab time to boot, the VMs an hour (each takes
// well under a minute); exit status 1 when not all run. `time hyperlab run ...` gives the wall time it took.

const json = args.includes('--json');
const positional = args.filter((a) => !a.startsWith('--'));
const hosts = positional.length > 0 ? Number(positional[0]) : 100;
const perHost = positional.length > 1 ? Number(positional[1]) : 10;
if (!Number.isInteger(hosts) || hosts < 1 || !Number.isInteger(perHost) || perHost < 1
        || hosts * perHost > 1000000) {
    console.error('storm-scale.js: HOSTS and PER_HOST must be whole numbers from 1, at most 1,000,000 VMs in all, not '
        + positional.join(' '));
    exit(2);
}

const w = lab.fork();
try {
    for (let h = 0; h < hosts; h++) {
        const host = w.createHost({ name: 'h' + h, cores: 16, ram: '128GiB', firmware: 'bios' });
        host.install('type1');
        host.powerOn();
    }
    w.advance('10m');
    const hostsRunning = w.info().hostsRunning;
    const names = [];
    for (let h = 0; h < hosts; h++) {
        for (let v = 0; v < perHost; v++) {
            const name = 'vm' + h + '-' + v;
            w.createVm({ name, host: 'h' + h, vcpus: 2, memory: '4GiB', os: 'linux-server' });
            names.push(name);
        }
    }
    w.startVms(names);
    w.advance('1h');
    const info = w.info();
    if (json) {
        print(JSON.stringify({ hosts, vms: names.length, hostsRunning, vmsRunning: info.vmsRunning }));
    } else {
        print(hosts + ' hosts running: ' + hostsRunning + '; ' + names.length + ' VMs started at once, running: '
            + info.vmsRunning);
    }
    if (hostsRunning !== hosts || info.vmsRunning !== names.length) {
        exit(1);
    }
} finally {
    w.close();
}
