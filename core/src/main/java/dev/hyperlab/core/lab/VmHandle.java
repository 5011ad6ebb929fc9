package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmMemory;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.engine.LabModel;
import java.time.Duration;
import java.util.List;

/** A {@link Vm} handle: the name and the lab; every call goes to the lab's model. */
final class VmHandle implements Vm {
    private final LocalLab lab;
    private final String name;

    VmHandle(LocalLab lab, String name) {
        this.lab = lab;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public VmState state() {
        return lab.read(m -> m.vmState(name));
    }

    @Override
    public VmInfo info() {
        return lab.read(m -> m.vmInfo(name));
    }

    @Override
    public void start() {
        start(Wait.NONE);
    }

    @Override
    public void start(Wait wait) {
        lab.change(m -> {
            m.startVm(name);
            if (wait.waits()) {
                m.waitVm(name, VmState.RUNNING, wait.timeout(), lab.progress());
            }
        });
    }

    @Override
    public void shutdown() {
        shutdown(Wait.NONE);
    }

    @Override
    public void shutdown(Wait wait) {
        lab.change(m -> await(m, wait, () -> m.shutdownVm(name)));
    }

    @Override
    public void destroy() {
        lab.change(m -> m.destroyVm(name));
    }

    @Override
    public void reboot() {
        reboot(Wait.NONE);
    }

    @Override
    public void reboot(Wait wait) {
        lab.change(m -> await(m, wait, () -> m.rebootVm(name)));
    }

    @Override
    public void suspend() {
        suspend(Wait.NONE);
    }

    @Override
    public void suspend(Wait wait) {
        lab.change(m -> await(m, wait, () -> m.suspendVm(name)));
    }

    @Override
    public void resume() {
        resume(Wait.NONE);
    }

    @Override
    public void resume(Wait wait) {
        lab.change(m -> await(m, wait, () -> m.resumeVm(name)));
    }

    /** Makes the request, then (when {@code wait} says so) runs the lab until the work it started is over. */
    private void await(LabModel m, Wait wait, Runnable request) {
        m.requestVm(name, wait, lab.progress(), request);
    }

    @Override
    public void delete() {
        lab.change(m -> m.deleteVm(name));
    }

    @Override
    public dev.hyperlab.api.lab.VmInfo migrate(String host) {
        dev.hyperlab.api.lab.VmInfo[] out = new dev.hyperlab.api.lab.VmInfo[1];
        lab.change(m -> out[0] = m.migrateVm(name, host, lab.progress()));
        return out[0];
    }

    @Override
    public dev.hyperlab.api.lab.MigrationInfo migrate(String host, dev.hyperlab.api.lab.MigrateOptions options) {
        dev.hyperlab.api.lab.MigrationInfo[] out = new dev.hyperlab.api.lab.MigrationInfo[1];
        lab.change(m -> out[0] = m.migrateVm(name, host, options, lab.progress()));
        return out[0];
    }

    @Override
    public Vm rename(String newName) {
        lab.change(m -> m.renameVm(name, newName));
        return new VmHandle(lab, newName);
    }

    @Override
    public Vm cloneAs(String clone) {
        lab.change(m -> m.cloneVm(name, clone, lab.progress()));
        return new VmHandle(lab, clone);
    }

    @Override
    public dev.hyperlab.api.lab.VmInfo setResources(dev.hyperlab.api.lab.VmResources resources) {
        dev.hyperlab.api.lab.VmInfo[] out = new dev.hyperlab.api.lab.VmInfo[1];
        lab.change(m -> out[0] = m.setVmResources(name, resources));
        return out[0];
    }

    @Override
    public Vm linkedCloneAs(String clone) {
        lab.change(m -> m.linkedCloneVm(name, clone, lab.progress()));
        return new VmHandle(lab, clone);
    }

    @Override
    public dev.hyperlab.api.lab.VmInfo set(dev.hyperlab.api.lab.VmChange change) {
        dev.hyperlab.api.lab.VmInfo[] out = new dev.hyperlab.api.lab.VmInfo[1];
        lab.change(m -> out[0] = m.setVm(name, change));
        return out[0];
    }

    @Override
    public VmMemory memory() {
        return lab.read(m -> m.vmMemory(name));
    }

    @Override
    public dev.hyperlab.api.lab.VmStat stat() {
        return lab.read(m -> m.vmStat(name));
    }

    @Override
    public void setBalloonTarget(long bytes) {
        lab.change(m -> m.setBalloonTarget(name, bytes));
    }

    @Override
    public void waitFor(VmState state, Duration timeout) {
        lab.change(m -> m.waitVm(name, state, timeout, lab.progress()));
    }

    @Override
    public List<SnapshotInfo> snapshots() {
        return lab.read(m -> m.snapshots(name));
    }

    @Override
    public SnapshotInfo snapshot(String snapshot) {
        return lab.read(m -> m.snapshot(name, snapshot));
    }

    @Override
    public SnapshotInfo createSnapshot(String snapshot, SnapshotOptions options) {
        return createSnapshot(snapshot, options, Wait.NONE);
    }

    @Override
    public SnapshotInfo createSnapshot(String snapshot, SnapshotOptions options, Wait wait) {
        SnapshotInfo[] out = new SnapshotInfo[1];
        lab.change(m -> await(m, wait, () -> out[0] = m.createSnapshot(name, snapshot,
                options == null ? SnapshotOptions.DEFAULT : options, lab::checkpoint)));
        return out[0];
    }

    @Override
    public void revertTo(String snapshot) {
        revertTo(snapshot, Wait.NONE);
    }

    @Override
    public void revertTo(String snapshot, Wait wait) {
        lab.change(m -> await(m, wait, () -> m.revertSnapshot(name, snapshot, lab::checkpoint)));
    }

    @Override
    public List<String> deleteSnapshot(String snapshot, boolean children) {
        return deleteSnapshot(snapshot, children, Wait.NONE);
    }

    @Override
    public List<String> deleteSnapshot(String snapshot, boolean children, Wait wait) {
        List<List<String>> out = new java.util.ArrayList<>();
        lab.change(m -> await(m, wait, () -> out.add(m.deleteSnapshot(name, snapshot, children, lab::checkpoint))));
        return out.getFirst();
    }

    @Override
    public String stateDigest() {
        return lab.read(m -> m.stateDigest(name));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VmHandle h && h.lab == lab && h.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "vm " + name;
    }

    @Override
    public SecureBootKey secureBootEnroll(String certificateFile) {
        return lab.enrollKey("vm", name, certificateFile);
    }

    @Override
    public List<SecureBootKey> secureBootKeys() {
        return lab.read(m -> m.enrolledKeys("vm", name));
    }
}
