package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.VmState;

/**
 * What the lab keeps of a snapshot it took of a real VM; the snapshot itself (disk clusters and, unless disk-only,
 * the VM state QEMU saved) is an internal snapshot in each of the VM's qcow2 files, named {@code name}.
 *
 * @param name the internal snapshot's tag, the same in every disk
 * @param parent the VM's current snapshot when it was taken, or empty
 * @param createdMillis lab time (wall milliseconds since the lab was made) it was taken
 * @param state the VM's state then: running or paused for a snapshot with VM state, else the state it was off in
 * @param diskOnly no VM state saved: a revert leaves the VM shut off
 * @param description the user's text
 */
record QemuSnapshotRecord(String name, String parent, long createdMillis, VmState state, boolean diskOnly,
        String description) {
    QemuSnapshotRecord {
        parent = parent == null ? "" : parent;
        description = description == null ? "" : description;
    }

    QemuSnapshotRecord withParent(String p) {
        return new QemuSnapshotRecord(name, p, createdMillis, state, diskOnly, description);
    }
}
