package dev.hyperlab.core.qemu;

import java.util.List;

/**
 * A QEMU VM as the lab keeps it: its configuration, and what hyperlab last made of its process ({@link Power}).
 * What the process is doing now is asked of the process itself; this says what to expect of it. Its snapshots are kept
 * here in the order they were taken, with the one its disks now descend from ({@code currentSnapshot}, or empty);
 * {@code balloonTarget} is the memory size last asked of its balloon ({@code memory} until one is asked), which QEMU
 * does not report back (its monitor tells the balloon's actual size only).
 */
record QemuVmRecord(String name, int vcpus, long memory, String firmware, String os, List<String> disks,
        int bootPriority, Power power, String reason, List<QemuSnapshotRecord> snapshots, String currentSnapshot,
        long balloonTarget) {

    /** What hyperlab last did to the VM's process. */
    enum Power {
        /** Created, never started. */
        DEFINED,
        /** Started by hyperlab and not stopped by it: a process that is gone has crashed. */
        ON,
        /** Stopped by hyperlab (shut down, destroyed) or found powered off. */
        OFF,
        /** Its memory is saved in the VM's directory ({@code vm suspend}); resume starts from it. */
        SUSPENDED,
        /** Its process died without hyperlab stopping it; {@code reason} holds QEMU's last words. */
        CRASHED
    }

    QemuVmRecord {
        disks = List.copyOf(disks);
        reason = reason == null ? "" : reason;
        snapshots = List.copyOf(snapshots);
        currentSnapshot = currentSnapshot == null ? "" : currentSnapshot;
    }

    /** A VM just created: defined, no snapshots. */
    static QemuVmRecord defined(String name, int vcpus, long memory, String firmware, String os, List<String> disks,
            int bootPriority) {
        return new QemuVmRecord(name, vcpus, memory, firmware, os, disks, bootPriority, Power.DEFINED, "", List.of(),
                "", memory);
    }

    QemuVmRecord with(Power p, String why) {
        return new QemuVmRecord(name, vcpus, memory, firmware, os, disks, bootPriority, p, why, snapshots,
                currentSnapshot, balloonTarget);
    }

    QemuVmRecord withSnapshots(List<QemuSnapshotRecord> list, String current) {
        return new QemuVmRecord(name, vcpus, memory, firmware, os, disks, bootPriority, power, reason, list, current,
                balloonTarget);
    }

    QemuVmRecord withBalloonTarget(long bytes) {
        return new QemuVmRecord(name, vcpus, memory, firmware, os, disks, bootPriority, power, reason, snapshots,
                currentSnapshot, bytes);
    }
}
