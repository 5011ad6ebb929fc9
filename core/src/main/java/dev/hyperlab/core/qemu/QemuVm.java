package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import java.time.Duration;
import java.util.List;

/**
 * The {@link Vm} facade of a VM on the QEMU backend: each call goes to {@link QemuLab}, which owns the VM's record,
 * process and monitor connection; snapshots go to {@link QemuSnapshots}, memory to {@link QemuMemory}.
 */
final class QemuVm implements Vm {
    private final QemuLab lab;
    private final String name;

    QemuVm(QemuLab lab, String name) {
        this.lab = lab;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public VmState state() {
        return lab.state(name);
    }

    @Override
    public VmInfo info() {
        return lab.info(name);
    }

    @Override
    public void start() {
        start(Wait.NONE);
    }

    @Override
    public void start(Wait wait) {
        lab.start(name, wait);
    }

    @Override
    public void shutdown() {
        shutdown(Wait.NONE);
    }

    @Override
    public void shutdown(Wait wait) {
        lab.shutdown(name, wait);
    }

    @Override
    public void destroy() {
        lab.destroy(name);
    }

    @Override
    public void reboot() {
        reboot(Wait.NONE);
    }

    @Override
    public void reboot(Wait wait) {
        lab.reboot(name, wait);
    }

    @Override
    public void suspend() {
        suspend(Wait.DONE);
    }

    @Override
    public void suspend(Wait wait) {
        lab.suspend(name, wait);
    }

    @Override
    public void resume() {
        resume(Wait.NONE);
    }

    @Override
    public void resume(Wait wait) {
        lab.resume(name, wait);
    }

    @Override
    public void delete() {
        lab.delete(name);
    }

    @Override
    public VmInfo migrate(String host) {
        throw LabException.notAllowed("a QEMU lab has one host: local, this machine", "there is no other host to "
                + "move VM " + name + " to");
    }

    @Override
    public dev.hyperlab.api.lab.MigrationInfo migrate(String host, dev.hyperlab.api.lab.MigrateOptions options) {
        throw later("live migrations (a QEMU lab has one host, local: there is no other host to send its memory to)");
    }

    @Override
    public Vm rename(String newName) {
        throw later("renames");
    }

    @Override
    public Vm cloneAs(String clone) {
        throw later("clones");
    }

    @Override
    public VmInfo setResources(dev.hyperlab.api.lab.VmResources resources) {
        // refused as a whole, disk controls too: QEMU's throttle groups (iops-total) could carry an IOPS limit, but not
        // shares or a reservation, and the CPU and memory controls have no QEMU mapping here yet
        throw later("resource controls (cgroup v2's cpu.weight, cpu.max, memory.min/max and io.weight on the QEMU "
                + "process, QEMU's throttle groups for an IOPS limit)");
    }

    @Override
    public Vm linkedCloneAs(String clone) {
        throw later("linked clones (a qcow2 overlay on this VM's disk, and a -nic with the clone's own MAC address)");
    }

    @Override
    public VmInfo set(dev.hyperlab.api.lab.VmChange change) {
        return lab.set(name, change);
    }

    @Override
    public VmMemory memory() {
        return lab.memory().read(name);
    }

    @Override
    public dev.hyperlab.api.lab.VmStat stat() {
        return lab.stats().read(name);
    }

    @Override
    public void setBalloonTarget(long bytes) {
        lab.memory().setTarget(name, bytes);
    }

    @Override
    public void waitFor(VmState state, Duration timeout) {
        lab.waitFor(name, state, timeout);
    }

    @Override
    public dev.hyperlab.api.lab.ConsoleText console(long from) {
        return lab.console(name, from);
    }

    @Override
    public List<SnapshotInfo> snapshots() {
        return lab.snapshots().list(name);
    }

    @Override
    public SnapshotInfo snapshot(String snapshot) {
        return lab.snapshots().get(name, snapshot);
    }

    @Override
    public SnapshotInfo createSnapshot(String snapshot, SnapshotOptions options) {
        return lab.snapshots().create(name, snapshot, options);
    }

    /** As without {@code wait}: QEMU's snapshot job has ended when this returns. */
    @Override
    public SnapshotInfo createSnapshot(String snapshot, SnapshotOptions options, Wait wait) {
        return createSnapshot(snapshot, options);
    }

    @Override
    public void revertTo(String snapshot) {
        lab.snapshots().revert(name, snapshot);
    }

    /** As without {@code wait}: the VM runs again (or is off) when this returns. */
    @Override
    public void revertTo(String snapshot, Wait wait) {
        revertTo(snapshot);
    }

    @Override
    public List<String> deleteSnapshot(String snapshot, boolean children) {
        return lab.snapshots().delete(name, snapshot, children);
    }

    @Override
    public List<String> deleteSnapshot(String snapshot, boolean children, Wait wait) {
        return deleteSnapshot(snapshot, children);
    }

    @Override
    public String stateDigest() {
        throw LabException.notAllowed("a real VM has no state digest: its state is QEMU's, not a model's",
                "digests compare simulated labs (docs/qemu.md)");
    }

    static LabException later(String what) {
        return LabException.notAllowed(what + " of real VMs (the QEMU backend) are not there yet",
                "use a simulated lab for them; docs/qemu.md lists what the QEMU backend does");
    }

    @Override
    public SecureBootKey secureBootEnroll(String certificateFile) {
        throw later("Secure Boot keys");
    }

    @Override
    public List<SecureBootKey> secureBootKeys() {
        return List.of();
    }
}
