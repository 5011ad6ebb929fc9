package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.DiskModel;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code vm clone}: a full copy of a stopped VM, as {@code virt-clone} and {@code govc vm.clone} make one: the same
 * definition on the same host, every disk copied into a standalone image of the new VM's own (the guest's data read
 * through any backing chain; the source's snapshots and backup bitmaps stay with the source), its Secure Boot db
 * copied as virt-clone copies the NVRAM. The copy is not free: the lab's clock runs on for as long as the host's
 * datastore takes to read and write the data once (its sequential bandwidth, in the kernel's sequential requests:
 * {@code vm.clone.copy_s} in docs/calibration.md), while everything else in the lab goes on.
 */
final class VmClones {
    private VmClones() {}

    /** The clone and the data it copied. */
    record Clone(VmMachine vm, long bytes, Duration took) {}

    static Clone cloneVm(LabModel lab, String source, String name, ProgressListener progress) {
        VmMachine src = checkedSource(lab, source, name);
        long bytes = dataBytes(lab, src);
        List<VmDisk> disks = disks(lab, src, d -> lab.images().cloneDisk(d.path(), name, d.device()));
        VmMachine vm = copyOf(lab, src, name, disks, List.of());
        Duration took = copyTime(src.hostMachine().datastoreModel(), bytes);
        lab.log(name, "cloned from " + source, Sizes.format(bytes), "in " + took.toMillis() + "ms", "mac " + vm.mac());
        lab.advance(took, progress);
        return new Clone(vm, bytes, took);
    }

    /**
     * {@code vm clone --linked}: every disk of the clone a thin qcow2 overlay whose backing file is the source's disk,
     * as {@code qemu-img create -b} and Proxmox's linked clones make one. Nothing is copied: the lab's clock runs on for
     * the overlays' metadata written once ({@code vm.clone.linked_s}). The source becomes the clone's base: it is not
     * started, reverted, moved or deleted while the clone reads through its disks (VmMachine#requireNoLinkedClones).
     */
    static Clone linkedClone(LabModel lab, String source, String name, ProgressListener progress) {
        VmMachine src = checkedSource(lab, source, name);
        List<VmDisk> disks = disks(lab, src, d -> lab.images().linkedDisk(d.path(), name, d.device()));
        long bytes = 0;
        for (VmDisk d : src.disks) {
            bytes += overlayMetadataBytes(d.virtualSize());
        }
        VmMachine vm = copyOf(lab, src, name, disks, src.disks.stream().map(VmDisk::path).toList());
        src.markLinkedBase();
        Duration took = seconds(src.hostMachine().datastoreModel().deviceSeconds(
                Demand.write(bytes, (long) OVERLAY_METADATA_WRITES * src.disks.size()), 1, 1, 1));
        lab.log(name, "linked clone of " + source, Sizes.format(bytes) + " of metadata",
                "in " + took.toNanos() / 1000 + "us", "mac " + vm.mac());
        lab.advance(took, progress);
        return new Clone(vm, bytes, took);
    }

    /** The VM to clone, once the clone's name is free and the source's state allows a clone. */
    private static VmMachine checkedSource(LabModel lab, String source, String name) {
        VmMachine src = lab.vmMachine(source);
        lab.requireFreeName(name);
        src.lifecycle.check(VmLifecycle.Action.CLONE);
        return src;
    }

    /** The clone's disks, one {@code make} makes per disk of the source; a clone that fails leaves no disk behind. */
    private static List<VmDisk> disks(LabModel lab, VmMachine src, java.util.function.Function<VmDisk, String> make) {
        List<VmDisk> disks = new ArrayList<>();
        try {
            for (VmDisk d : src.disks) {
                disks.add(new VmDisk(d.device(), make.apply(d), d.virtualSize(), true));
            }
        } catch (RuntimeException e) {
            disks.forEach(d -> lab.images().delete(d.path()));
            throw e;
        }
        for (VmDisk d : disks) {
            lab.images().trackWrites(d.path()); // its first backup finds a bitmap that has seen every write
        }
        return disks;
    }

    /** The clone's machine, with the source's definition and keys and a new identity, added to the lab. */
    private static VmMachine copyOf(LabModel lab, VmMachine src, String name, List<VmDisk> disks, List<String> linked) {
        VmMachine vm = new VmMachine(lab.env, name, src.host, src.vcpus, src.memory, src.firmware, src.os, src.drivers,
                src.bootPriority, disks);
        vm.enrolledKeys.copyFrom(src.enrolledKeys);
        vm.assignIdentity(VmIdentities.mac(lab, name), VmIdentities.machineId(lab, name), linked);
        lab.add(vm);
        return vm;
    }

    /**
     * Write requests {@code qemu-img create -b} makes for a qcow2 overlay's metadata: the header, the refcount table,
     * its first refcount block and the L1 table (calibration: vm.clone.linked_s).
     */
    static final int OVERLAY_METADATA_WRITES = 4;

    /**
     * Bytes of a fresh qcow2 overlay of {@code virtualSize} bytes in 64 KiB clusters, as {@code qemu-img create} lays
     * it out: three clusters (header, refcount table, refcount block) and an L1 table of 8 bytes per 512 MiB (one L2
     * table of 8,192 entries maps 8,192 clusters); e.g. 196,768 bytes for 10 GiB (calibration: vm.clone.linked_s).
     */
    static long overlayMetadataBytes(long virtualSize) {
        long cluster = dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions.DEFAULT_CLUSTER_SIZE;
        long perL2 = cluster * (cluster / 8);
        long l1Entries = (virtualSize + perL2 - 1) / perL2;
        return 3 * cluster + 8 * l1Entries;
    }

    /** The bytes {@code vm}'s guest would read from all its disks. */
    static long dataBytes(LabModel lab, VmMachine vm) {
        long n = 0;
        for (VmDisk d : vm.disks) {
            n += dataBytes(lab, d);
        }
        return n;
    }

    /** The bytes a guest would read from {@code d}: its data through the backing chain (holes and zeros not). */
    private static long dataBytes(LabModel lab, VmDisk d) {
        try {
            long n = 0;
            for (Extent e : lab.images().open(d.path()).map(0, d.virtualSize())) {
                n += e.data() ? e.length() : 0;
            }
            return n;
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read the map of " + lab.images().displayPath(d.path())
                    + ": " + e.getMessage(), "disk check " + lab.images().displayPath(d.path()) + " tells more", e);
        }
    }

    /** Reading {@code bytes} once and writing them once on the datastore, in sequential requests. */
    static Duration copyTime(DiskModel disk, long bytes) {
        return readTime(disk, bytes).plus(writeTime(disk, bytes));
    }

    static Duration readTime(DiskModel disk, long bytes) {
        return seconds(disk.deviceSeconds(Demand.read(bytes, requests(bytes)), 1, 1, 1));
    }

    static Duration writeTime(DiskModel disk, long bytes) {
        return seconds(disk.deviceSeconds(Demand.write(bytes, requests(bytes)), 1, 1, 1));
    }

    private static long requests(long bytes) {
        return (bytes + Calibration.SEQUENTIAL_REQUEST_BYTES - 1) / Calibration.SEQUENTIAL_REQUEST_BYTES;
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
