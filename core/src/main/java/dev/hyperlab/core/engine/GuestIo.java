package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.calibration.GuestIoRates;
import dev.hyperlab.core.calibration.OsProfile;
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
            SplittableRandom random = lab.random("vm/" + vm.name + "/guest-io/boot/" + vm.run());
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
        long reached = steadyWrites(from, to);
        workloadWrites(from, reached);
        return reached;
    }

    /** The idle guests' steady writes (Windows): every {@link #SLOT_NS}, as before workloads existed. */
    private long steadyWrites(long from, long to) {
        long first = (from / SLOT_NS + 1) * SLOT_NS;
        if (first > to) {
            return to;
        }
        List<SlotWriter> writers = new ArrayList<>();
        for (VmMachine vm : lab.vms.values()) { // sorted by name: a fixed order
            if (vm.state() == VmState.RUNNING && !vm.workload().charged()
                    && GuestIoRates.steadyWriteBytesPerSecond(vm.profileOrDefault()) > 0) {
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
            dev.hyperlab.core.calibration.Workload w = vm.workload();
            long workloadSlots = to / WORKLOAD_SLOT_NS - from / WORKLOAD_SLOT_NS;
            if (w.charged() && w.writeBytesPerSecond() > 0 && workloadSlots > 0) {
                double seconds = WORKLOAD_SLOT_NS / 1e9;
                int clusters = (int) (regions.data().length() / CLUSTER);
                long distinct = w.randomWriteOps() > 0 && clusters > 0
                        ? distinctClusters(clusters, w.randomWriteOps() * seconds) : 0;
                long covered = Math.min(regions.logs().length() / CLUSTER,
                        (long) Math.ceil(w.appendOps() * w.appendBytesPerOp() * seconds / CLUSTER));
                written += workloadSlots * (distinct * GuestWorkload.DATABASE_PAGE + covered * BLOCK);
                space += Math.min(Math.multiplyExact(workloadSlots, distinct * (long) CLUSTER),
                        notHeld(vm, disk, regions.data()));
                space += Math.min(Math.multiplyExact(workloadSlots, covered * (long) CLUSTER),
                        notHeld(vm, disk, regions.logs()));
            }
            double perSecond = w.charged() ? 0 : GuestIoRates.steadyWriteBytesPerSecond(os);
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

    /**
     * A workload's writes reach the disk at a coarse grain, every {@link #WORKLOAD_SLOT_NS}: what matters to snapshots,
     * dirty bitmaps and incremental backups is which 64 KiB clusters changed, not how often each was rewritten. So in
     * each slot a VM writes one block into each cluster its writes of that slot would have touched: for random page
     * updates, the expected number of distinct clusters {@code N} pages hit among {@code C}, {@code C(1 - (1 - 1/C)^N)},
     * chosen at random; for log appends, the clusters of the ring the slot's bytes cover, in order. A batching
     * granularity, not a model figure: the bytes the guest writes ({@code vm stat}'s diskWritten) are the workload's.
     */
    static final long WORKLOAD_SLOT_NS = 3_600_000_000_000L;
    private static final int CLUSTER = 64 * 1024;

    private void workloadWrites(long from, long to) {
        if (!active()) {
            return;
        }
        long first = (from / WORKLOAD_SLOT_NS + 1) * WORKLOAD_SLOT_NS;
        if (first > to) {
            return;
        }
        for (long boundary = first; boundary <= to; boundary += WORKLOAD_SLOT_NS) {
            for (VmMachine vm : lab.vms.values()) { // sorted by name: a fixed order
                dev.hyperlab.core.calibration.Workload w = vm.workload();
                if (vm.state() != VmState.RUNNING || !vm.work.running() || !w.charged()
                        || w.writeBytesPerSecond() <= 0) {
                    continue;
                }
                long slot = boundary / WORKLOAD_SLOT_NS;
                systemDisk(vm).ifPresent(disk -> {
                    List<GuestWrite> writes = workloadSlot(vm.name, w, regions(disk), slot);
                    write(vm, disk, writes);
                    if (watch != null) {
                        watch.wrote(bytes(writes));
                    }
                });
            }
        }
    }

    /** One slot of a workload's writes: a block per cluster its random updates and its appends would touch. */
    private List<GuestWrite> workloadSlot(String name, dev.hyperlab.core.calibration.Workload w, GuestRegions regions,
            long slot) {
        SplittableRandom random = lab.random("vm/" + name + "/workload-io/" + slot);
        double seconds = WORKLOAD_SLOT_NS / 1e9;
        List<GuestWrite> writes = new ArrayList<>();
        GuestRegions.Region data = regions.data();
        int clusters = (int) (data.length() / CLUSTER);
        double pages = w.randomWriteOps() * seconds;
        if (pages > 0 && clusters > 0) {
            long distinct = distinctClusters(clusters, pages);
            int[] pick = new int[clusters];
            for (int i = 0; i < clusters; i++) {
                pick[i] = i;
            }
            for (int i = 0; i < distinct; i++) { // a partial Fisher-Yates shuffle: distinct clusters, at random
                int j = i + random.nextInt(clusters - i);
                int t = pick[i];
                pick[i] = pick[j];
                pick[j] = t;
                writes.addAll(GuestWorkload.generate(WorkloadKind.DATABASE, 0, random,
                        data.start() + (long) pick[i] * CLUSTER, CLUSTER, BLOCK));
            }
        }
        GuestRegions.Region logs = regions.logs();
        int ring = (int) (logs.length() / CLUSTER);
        double appended = w.appendOps() * w.appendBytesPerOp() * seconds;
        if (appended > 0 && ring > 0) {
            long covered = Math.min(ring, (long) Math.ceil(appended / CLUSTER));
            long at = Math.floorMod(slot * covered, (long) ring);
            for (long c = 0; c < covered; c++) {
                long cluster = (at + c) % ring;
                writes.addAll(GuestWorkload.generate(WorkloadKind.LOGS, 0, random, logs.start() + cluster * CLUSTER,
                        CLUSTER, BLOCK));
            }
        }
        return writes;
    }

    /** Expected distinct clusters {@code pages} uniform random page writes hit among {@code clusters}. */
    static long distinctClusters(int clusters, double pages) {
        return Math.min(clusters, Math.round(clusters * -Math.expm1(pages * Math.log1p(-1.0 / clusters))));
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
