package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.model.Calibration;
import dev.hyperlab.core.model.DiskModel;
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
        VmMachine src = lab.vmMachine(source);
        lab.requireFreeName(name);
        src.lifecycle.check(VmLifecycle.Action.CLONE);
        HostMachine h = src.hostMachine();
        List<VmDisk> disks = new ArrayList<>();
        long bytes = dataBytes(lab, src);
        try {
            for (VmDisk d : src.disks) {
                disks.add(new VmDisk(d.device(), lab.images().cloneDisk(d.path(), name, d.device()), d.virtualSize(),
                        true));
            }
        } catch (RuntimeException e) {
            disks.forEach(d -> lab.images().delete(d.path())); // a clone that fails leaves no disk behind
            throw e;
        }
        for (VmDisk d : disks) {
            lab.images().trackWrites(d.path()); // its first backup finds a bitmap that has seen every write
        }
        VmMachine vm = new VmMachine(lab.env, name, h.name, src.vcpus, src.memory, src.firmware, src.os, src.drivers,
                src.bootPriority, disks);
        vm.enrolledKeys.copyFrom(src.enrolledKeys);
        lab.add(vm);
        Duration took = copyTime(h.datastoreModel(), bytes);
        lab.log(name, "cloned from " + source, Sizes.format(bytes), "in " + took.toMillis() + "ms");
        lab.advance(took, progress);
        return new Clone(vm, bytes, took);
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
