// short-script.js: issue 15's short script, the kind a user types and runs once: a few hosts and VMs on a fork of the
// lab, started, an hour of lab time advanced, one summary line. Under a second of work, so what `hyperlab run`
// costs here is mostly start-up: the JVM, the engine and whatever the JIT costs before it pays.
// Usage:  hyperlab run bench/short-script.js        (bench/short-script-bench.sh runs it with and without the JIT)

const w = lab.fork();
try {
    const hosts = [];
    for (let h = 0; h < 3; h++) {
        const name = 'short-host-' + h;
        w.createHost({ name, cores: 16, ram: '128GiB', disks: ['ssd:2TiB'] });
        const host = w.host(name);
        host.install('type1');
        host.powerOn();
        hosts.push(host);
    }
    for (const host of hosts) {
        host.waitFor('running', '1h');
    }
    const names = [];
    for (let i = 0; i < 12; i++) {
        const name = 'short-vm-' + i;
        w.createVm({ name, host: 'short-host-' + (i % 3), vcpus: 2, memory: '4GiB', os: 'linux-server' });
        names.push(name);
    }
    w.startVms(names);
    w.advance('1h');
    const running = w.vms().filter((v) => v.state() === 'running').length;
    print(hosts.length + ' hosts, ' + names.length + ' VMs, ' + running + ' running after 1h of lab time (at '
        + w.now().toFixed(1) + ' s)');
} finally {
    w.close();
}
