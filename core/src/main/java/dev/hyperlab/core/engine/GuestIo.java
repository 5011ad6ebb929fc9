package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.model.GuestIoRates;
import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.sim.Simulation;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.workload.GuestRegions;
import dev.hyperlab.core.storage.workload.GuestWorkload;
import dev.hyperlab.core.storage.workload.GuestWrite;
import dev.hyperlab.core.storage.workload.WorkloadKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.Set;
import dev.hyperlab.core.engine.machine.PlannedStep;
import dev.hyperlab.core.engine.machine.VmMachine;

/**
 * Real guest writes, in labs whose images are files: what a VM writes is written into its system disk (its first disk,
 * the boot disk), so snapshots, dirty bitmaps and backups find real bytes. In-memory labs and dry runs write nothing.
 *
 * <ul>
 *   <li>A boot step that writes (Windows' init: docs/calibration.md {@code os.windows.boot_read_mb}, 24 MB) writes
 *       that many bytes of OS state files into the {@link GuestRegions#system()} region when it finishes.</li>
 *   <li>A running VM writes at its profile's steady rate ({@link GuestIoRates}) in batches at fixed lab-time slot
 *       boundaries, every {@link #SLOT_NS}: at each boundary every VM running then writes one slot's worth, half log
 *       lines appended to the log ring, half database pages updated in place.</li>
 * </ul>
 * The contents come from {@link GuestWorkload} with random streams keyed by VM, boot run and slot, and the slots are
 * fixed in lab time, so the same seed and commands write the same bytes however the runs are split and saved. Writes
 * happen as the clock passes a boundary ({@link Simulation.ClockListener}): nothing is queued, so a wait that nothing
 * more can satisfy still ends at once.
 */
final class GuestIo implements Simulation.ClockListener {
    /** Steady writes are batched per slot of lab time: a batching granularity, not a model figure. */
    static final long SLOT_NS = 60_000_000_000L;
    /** Boot phases run in the guest (the VMM's and firmware's own work writes nothing to the disk). */
    private static final Set<String> GUEST_PHASES = Set.of("bootloader", "kernel", "drivers", "init");
    private static final int BLOCK = 4096;
    /** The most one small write can allocate: a qcow2 cluster of the default size (raw files allocate less). */
    private static final long ALLOCATION_UNIT = 64 * 1024;

    private final LabModel lab;
    private SimulationRun watch;

    GuestIo(LabModel lab) {
        this.lab = lab;
    }

    private boolean active() {
        return lab.images().writesGuestData();
    }

    /** A step of a VM's plan finished: a guest boot step's writes reach the disk. */
    void stepDone(VmMachine vm, PlannedStep step) {
        long bytes = step.demand().writeBytes();
        if (bytes <= 0 || !active() || !GUEST_PHASES.contains(step.phase())) {
            return;
        }
        OsProfile os = vm.profileOrDefault();
        systemDisk(vm).ifPresent(disk -> {
            GuestRegions.Region r = regions(disk).system();
            long profileSeed = RandomStreams.stable("boot-writes/" + os.id());
            SplittableRandom random = lab.random("vm/" + vm.name + "/guest-io/boot/" + vm.run);
            write(vm, disk, GuestWorkload.generate(WorkloadKind.OS_FILES, profileSeed, random, r.start(), r.length(),
                    bytes));
        });
    }

    /**
     * The clock moves over {@code (from, to]}: every VM running then writes its batch at each slot boundary in it. The
     * batches are made ahead on other cores ({@link GuestWriteAhead}) and written here in order; after each boundary
     * the run watching may stop (Ctrl-C), which ends the move at that boundary with every VM's writes up to it made.
     */
    @Override
    public long advancing(long from, long to) {
        long first = (from / SLOT_NS + 1) * SLOT_NS;
        if (first > to) {
            return to;
        }
        List<SlotWriter> writers = new ArrayList<>();
        for (VmMachine vm : lab.vms.values()) { // sorted by name: a fixed order
            if (vm.state() == VmState.RUNNING && GuestIoRates.steadyWriteBytesPerSecond(vm.profileOrDefault()) > 0) {
                systemDisk(vm).ifPresent(disk -> writers.add(new SlotWriter(vm, disk)));
            }
        }
        if (writers.isEmpty()) {
            return to;
        }
        int n = writers.size();
        long slots = (to - first) / SLOT_NS + 1;
        SimulationRun run = watch;
        try (GuestWriteAhead ahead = new GuestWriteAhead(Math.multiplyExact(slots, n),
                i -> writers.get((int) (i % n)).slot(first / SLOT_NS + i / n))) {
            for (long boundary = first; boundary <= to; boundary += SLOT_NS) {
                for (SlotWriter w : writers) {
                    List<GuestWrite> writes = ahead.next();
                    write(w.vm, w.disk, writes);
                    if (run != null) {
                        run.wrote(bytes(writes));
                    }
                }
                if (run != null) {
                    run.reached(boundary);
                    if (boundary < to && run.shouldStop(true)) {
                        return boundary;
                    }
                }
            }
        }
        return to;
    }

    /**
     * What the guests' writes over lab time {@code (from, to]} come to, worked out before any is written (a disk budget
     * refuses an advance up front).
     *
     * @param written bytes the guests write (running VMs' steady writes; not the boot writes of VMs still starting)
     * @param space at most how many bytes of new disk space they take: for each VM running or starting, region by
     *     region, the lesser of what it writes there (a cluster for each database page, which may land in a cluster
     *     not allocated yet) and what the region does not hold yet. A region holds at most
     *     {@link GuestRegions#MAX_REGION}, so however long the advance, a VM's disk grows by a bounded amount.
     */
    record Estimate(long written, long space) {}

    Estimate estimate(long from, long to) {
        if (!active() || to <= from) {
            return new Estimate(0, 0);
        }
        long slots = to / SLOT_NS - from / SLOT_NS; // slot boundaries in (from, to]
        long written = 0;
        long space = 0;
        for (VmMachine vm : lab.vms.values()) {
            boolean starting = vm.state() == VmState.STARTING;
            if (vm.state() != VmState.RUNNING && !starting) {
                continue;
            }
            Optional<DiskImage> found = systemDisk(vm);
            if (found.isEmpty()) {
                continue;
            }
            DiskImage disk = found.get();
            GuestRegions regions = regions(disk);
            OsProfile os = vm.profileOrDefault();
            if (starting) {
                long boot = os.bootloader().writeBytes() + os.kernel().writeBytes() + os.init().writeBytes();
                space += Math.min(boot + ALLOCATION_UNIT, notHeld(vm, disk, regions.system()));
            }
            double perSecond = GuestIoRates.steadyWriteBytesPerSecond(os);
            if (perSecond > 0 && slots > 0) {
                long blocks = Math.round(perSecond * SLOT_NS / 1e9 / BLOCK);
                // no overflow: a lab time of at most 292 years has fewer than 2^28 slots
                long logBytes = slots * (blocks / 2) * BLOCK;
                long pages = slots * ((blocks - blocks / 2) * BLOCK / GuestWorkload.DATABASE_PAGE);
                written += logBytes + pages * GuestWorkload.DATABASE_PAGE;
                // the ring is written in order: one run, or two where it wraps
                space += Math.min(logBytes + 2 * ALLOCATION_UNIT, notHeld(vm, disk, regions.logs()));
                space += Math.min(pages * ALLOCATION_UNIT, notHeld(vm, disk, regions.data()));
            }
        }
        return new Estimate(written, space);
    }

    private static long notHeld(VmMachine vm, DiskImage disk, GuestRegions.Region r) {
        try {
            return disk.bytesToAllocate(r.start(), r.length());
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read the allocation of VM " + vm.name + "'s disk "
                    + disk.path() + ": " + e.getMessage(), "check the image with disk check", e);
        }
    }

    /** The run of the simulation in progress, told of writes and asked whether to stop; null between runs. */
    void watchedBy(SimulationRun run) {
        this.watch = run;
    }

    private static long bytes(List<GuestWrite> writes) {
        long n = 0;
        for (GuestWrite w : writes) {
            n += w.data().length;
        }
        return n;
    }

    /**
     * A running VM's steady writes into its system disk: one slot's worth at a time, log lines appended to the ring
     * and database pages updated in place. {@link #slot} reads nothing that changes (the VM's name, profile, the
     * disk's size) and may run on any thread.
     */
    private final class SlotWriter {
        final VmMachine vm;
        final DiskImage disk;
        private final String name;
        private final GuestRegions regions;
        private final double perSecond;

        SlotWriter(VmMachine vm, DiskImage disk) {
            this.vm = vm;
            this.disk = disk;
            this.name = vm.name;
            this.regions = regions(disk);
            this.perSecond = GuestIoRates.steadyWriteBytesPerSecond(vm.profileOrDefault());
        }

        List<GuestWrite> slot(long slot) {
            long blocks = Math.round(perSecond * SLOT_NS / 1e9 / BLOCK);
            long logBlocks = blocks / 2;
            long dataBytes = (blocks - logBlocks) * BLOCK;
            SplittableRandom random = lab.random("vm/" + name + "/guest-io/" + slot);
            List<GuestWrite> writes = new ArrayList<>();
            // the ring's write position follows lab time, so it needs no saved state
            GuestRegions.Region logs = regions.logs();
            long ringBlocks = logs.length() / BLOCK;
            long at = Math.floorMod(slot * logBlocks, ringBlocks);
            long first = Math.min(logBlocks, ringBlocks - at);
            // the log lines go on from where the last slot's ended: one write (two where the ring wraps)
            writes.add(joined(GuestWorkload.generate(WorkloadKind.LOGS, 0, random, logs.start() + at * BLOCK,
                    (ringBlocks - at) * BLOCK, first * BLOCK)));
            if (logBlocks > first) { // wrapped
                writes.add(joined(GuestWorkload.generate(WorkloadKind.LOGS, 0, random, logs.start(), logs.length(),
                        (logBlocks - first) * BLOCK)));
            }
            GuestRegions.Region data = regions.data();
            writes.addAll(GuestWorkload.generate(WorkloadKind.DATABASE, 0, random, data.start(), data.length(),
                    dataBytes));
            return writes;
        }
    }

    /** Consecutive writes as one: the same bytes at the same place, in one call to the image instead of dozens. */
    private static GuestWrite joined(List<GuestWrite> writes) {
        long start = writes.getFirst().offset();
        long length = writes.getLast().offset() + writes.getLast().data().length - start;
        byte[] all = new byte[Math.toIntExact(length)];
        int at = 0;
        for (GuestWrite w : writes) {
            if (w.offset() != start + at) {
                throw new IllegalStateException("log writes are not consecutive");
            }
            System.arraycopy(w.data(), 0, all, at, w.data().length);
            at += w.data().length;
        }
        return new GuestWrite(start, all);
    }

    /** The VM's first disk, if it is large enough to hold the write regions. */
    private Optional<DiskImage> systemDisk(VmMachine vm) {
        DiskImage disk = lab.images().open(vm.disks.getFirst().path());
        return GuestRegions.of(disk.virtualSize()).isPresent() ? Optional.of(disk) : Optional.empty();
    }

    private static GuestRegions regions(DiskImage disk) {
        return GuestRegions.of(disk.virtualSize()).orElseThrow();
    }

    private static void write(VmMachine vm, DiskImage disk, List<GuestWrite> writes) {
        try {
            for (GuestWrite w : writes) {
                disk.write(w.offset(), ByteBuffer.wrap(w.data()));
            }
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "VM " + vm.name + " cannot write to " + disk.path() + ": "
                    + e.getMessage(), "free space for the lab's images, then run the lab on", e);
        }
    }
}
