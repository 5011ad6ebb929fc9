package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.core.backup.ChangedBlockTracker;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.storage.DiskImage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PhaseRecord;
import dev.hyperlab.core.engine.machine.PlanKind;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;

/**
 * The lab's side of backups (docs/backup.md): which view of a VM's disks a backup reads, how much lab time reading and
 * restoring take, and the VM a restore defines. The repository itself (real files outside the lab) is the caller's:
 * this class never touches it, so the same engine serves a real run and a dry run's prediction.
 *
 * <p>Lab time comes from the model, with no figure of its own: a backup reads its bytes from the host's datastore at
 * its sequential read bandwidth, a restore writes them at its sequential write bandwidth (the {@code disk.*} rows of
 * docs/calibration.md). The backup is charged as one sequential stream next to the VM, not shared with the guests'
 * own I/O by the fair-share solver (a simplification docs/backup.md states).
 */
public final class LabBackups {
    /** The temporary snapshot a live backup reads; one backup of a VM at a time, so one name does. */
    static final String SNAPSHOT = "hyperlab-backup";

    private final LabModel lab;

    LabBackups(LabModel lab) {
        this.lab = lab;
    }

    /**
     * A VM's disks at one consistent point, open for a backup.
     *
     * @param vm the VM
     * @param live whether a temporary snapshot was taken of the running VM (dropped by {@link #end} or {@link #abort})
     * @param time lab time of the point
     * @param disks what the backup reads, boot disk first, each with the dirty bitmap of the live image
     * @param config the VM's definition, to restore it from (see {@link #restoreSpec})
     */
    public record Point(String vm, boolean live, long time, List<SourceImage> disks, Map<String, Object> config) {}

    /**
     * Opens VM {@code vmName}'s disks for a backup. A running or booting VM gets a temporary disk-only snapshot of
     * every disk at once (all or none) and pauses while it is written (the {@code snapshot} phase of its timeline);
     * a stopped, defined, crashed or suspended one is read as it is, since nothing writes to it.
     */
    public Point begin(String vmName, Runnable checkpoint) {
        VmMachine vm = lab.vmMachine(vmName);
        boolean live = switch (vm.state()) {
            case DEFINED, SHUTOFF, CRASHED, SUSPENDED -> false;
            case STARTING, RUNNING -> {
                if (vm.planKind() == PlanKind.SUSPEND || vm.planKind() == PlanKind.SHUTDOWN) {
                    throw LabException.notAllowed("VM " + vm.name + " is " + (vm.planKind() == PlanKind.SUSPEND
                            ? "saving its memory to suspend" : "shutting down"), "back it up once it has stopped");
                }
                yield vm.holdsMemory(); // a start still in the host's queue has not opened its disks yet
            }
            case PAUSED -> throw LabException.notAllowed("VM " + vm.name + " is paused while a snapshot saves or a "
                    + "revert loads its state", "let that finish (advance 1m) and try again");
            default -> throw new IllegalStateException("unknown VM state " + vm.state());
        };
        long now = lab.sim().now();
        if (live) {
            lab.takeDiskSnapshots(vm.name, SNAPSHOT, true, checkpoint);
        }
        List<SourceImage> disks = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            DiskImage image = lab.images().open(d.path());
            DiskImage read = live ? lab.diskAtSnapshot(vm.name, d.device(), SNAPSHOT) : image;
            // the bitmap of the live image: nothing writes between the snapshot and the backup's real reads (the lab's
            // clock stands still meanwhile), so it marks exactly the clusters changed up to the snapshot
            Optional<ChangedBlockTracker> tracker = lab.images().tracker(d.path());
            disks.add(new SourceImage(d.device(), read, tracker));
        }
        return new Point(vm.name, live, now, disks, config(vm));
    }

    /**
     * After the backup's bytes are in the repository: runs the lab on while the backup reads {@code bytesRead} from the
     * datastore (the VM keeps running), records the {@code backup} phase, and drops the temporary snapshot. Returns the
     * lab time the backup took.
     */
    public Duration end(Point p, long bytesRead, ProgressListener progress) {
        VmMachine vm = lab.vmMachine(p.vm());
        long took = readNanos(vm, bytesRead);
        long end = Math.addExact(p.time(), took);
        try {
            lab.runUntil(end, () -> false, true, progress);
            // a backup that reads little ends before the VM's pause for the snapshot does: it ends when the VM runs
            // again, else the lab would stand still with the VM paused and the next backup of it refused
            lab.runUntil(Long.MAX_VALUE, () -> vm.state() != VmState.PAUSED, false, progress);
        } finally {
            drop(p);
        }
        // a row beside the VM's own phases: the backup runs next to the guest, not as a step of it
        lab.vmMachine(p.vm()).timeline.add(new PhaseRecord("backup", p.live() ? "live, from snapshot" : "offline",
                p.time(), lab.sim().now(), BoundBy.DISK));
        lab.log(p.vm(), "backup", "bytes=" + bytesRead, "took=" + took);
        return Duration.ofNanos(lab.sim().now() - p.time());
    }

    /** A backup that failed: drops the temporary snapshot; the lab time stays where it was. */
    public void abort(Point p) {
        drop(p);
    }

    private void drop(Point p) {
        if (p.live()) {
            lab.dropDiskSnapshots(p.vm(), SNAPSHOT);
        }
    }

    /** Lab time to read {@code bytes} of VM {@code vmName}'s disks for a backup. */
    public Duration readTime(String vmName, long bytes) {
        return Duration.ofNanos(readNanos(lab.vmMachine(vmName), bytes));
    }

    private static long readNanos(VmMachine vm, long bytes) {
        // calibration: backup.read_s
        double s = vm.hostMachine().datastoreModel().deviceSeconds(
                Demand.NONE.plusRead(bytes, Demands.sequentialOps(bytes)), 1.0, 1.0, 1.0);
        return Math.round(s * 1e9);
    }

    private static long writeNanos(HostMachine h, long bytes) {
        // calibration: backup.restore_write_s
        double s = h.datastoreModel().deviceSeconds(Demand.NONE.plusWrite(bytes, Demands.sequentialOps(bytes)),
                1.0, 1.0, 1.0);
        return Math.round(s * 1e9);
    }

    /** What a backup records of a VM's definition: enough to define it again on restore. */
    private static Map<String, Object> config(VmMachine vm) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("host", vm.host);
        c.put("vcpus", vm.vcpus);
        c.put("memory", vm.memory);
        c.put("firmware", vm.firmware);
        c.put("os", vm.os);
        c.put("drivers", List.copyOf(vm.drivers));
        c.put("bootPriority", vm.bootPriority);
        List<Object> disks = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            disks.add(Map.of("device", d.device(), "virtualSize", d.virtualSize()));
        }
        c.put("disks", disks);
        return c;
    }

    // ---- restore as a VM -------------------------------------------------------------------------------------------

    /**
     * Where a restored VM goes.
     *
     * @param host the host chosen
     * @param why {@code requested}, {@code original host} or {@code first running host with room}
     */
    public record Placement(String host, String why) {}

    /**
     * Chooses the host for a VM restored from {@code config}: {@code requested} when not empty, else the original host
     * if it runs, else the first running host (by name) whose cores and free memory take it. Refuses when none does.
     */
    public Placement place(String name, Map<String, Object> config, String requested) {
        int vcpus = num(config, "vcpus");
        long memory = numLong(config, "memory");
        if (!requested.isEmpty()) {
            HostMachine h = lab.hostMachine(requested);
            if (h.state() != HostState.RUNNING || !h.hasHypervisor()) {
                throw LabException.notAllowed("host " + h.name + " is " + (h.state() != HostState.RUNNING ? h.state().id()
                        : "without a hypervisor"), (h.state() != HostState.RUNNING ? h.untilRunning()
                                : "install one first: host install " + h.name) + "; or choose another {host}");
            }
            return new Placement(h.name, "requested");
        }
        String original = config.get("host") instanceof String s ? s : "";
        if (lab.hasHost(original) && takes(lab.hostMachine(original), vcpus, memory)) {
            return new Placement(original, "original host");
        }
        for (HostMachine h : lab.hosts.values()) {
            if (takes(h, vcpus, memory)) {
                return new Placement(h.name, "first running host with room");
            }
        }
        throw LabException.insufficient("no running host has " + LabModel.count(vcpus, "core") + " and "
                + Sizes.format(memory) + " free for VM " + name, "power a host on, or name one ({host})");
    }

    private static boolean takes(HostMachine h, int vcpus, long memory) {
        return h.state() == HostState.RUNNING && h.hasHypervisor() && h.cores >= vcpus
                && h.committed() + memory <= h.usableMemory();
    }

    /** The definition of VM {@code name} on {@code host} from a backup's {@code config}, disks as their sizes. */
    public static VmSpec restoreSpec(String name, String host, Map<String, Object> config, List<Long> diskSizes) {
        List<String> drivers = new ArrayList<>();
        if (config.get("drivers") instanceof List<?> l) {
            l.forEach(d -> drivers.add(String.valueOf(d)));
        }
        return VmSpec.of(name, host, num(config, "vcpus"), numLong(config, "memory"))
                .withOs(config.get("os") instanceof String s ? s : "")
                .withFirmware(config.get("firmware") instanceof String f ? f : "")
                .withDrivers(drivers)
                .withBootPriority(config.containsKey("bootPriority") ? num(config, "bootPriority") : 0)
                .withDisks(diskSizes.stream().map(String::valueOf).toList());
    }

    /**
     * Defines a VM from {@code spec} with blank standalone disks for the restore to fill; returns the images, in the
     * spec's order. Nothing is left of it when the definition is refused.
     */
    public List<DiskImage> defineRestored(VmSpec spec) {
        lab.createRestoredVm(spec);
        List<DiskImage> out = new ArrayList<>();
        for (VmDisk d : lab.vmMachine(spec.name()).disks) {
            out.add(lab.images().open(d.path()));
        }
        return out;
    }

    /** The image paths of VM {@code name}, as people see them. */
    public List<String> diskPaths(String name) {
        return lab.vmMachine(name).disks.stream().map(d -> lab.images().displayPath(d.path())).toList();
    }

    /**
     * The restore's bytes are in VM {@code name}'s images: starts their dirty bitmaps, records the {@code restore}
     * phase ({@code bytes} written at the datastore's bandwidth) while the lab runs on, then starts the VM and, as
     * {@code wait} says, runs until it runs. Returns the restore's and the boot's lab time (zero when not waited for).
     */
    public Duration[] recover(String name, long bytes, dev.hyperlab.api.lab.Wait wait, ProgressListener progress) {
        VmMachine vm = lab.vmMachine(name);
        for (VmDisk d : vm.disks) {
            lab.images().trackWrites(d.path()); // from now on, so the restored bytes are not all "changed"
        }
        long start = lab.sim().now();
        long end = Math.addExact(start, writeNanos(vm.hostMachine(), bytes));
        PhaseRecord restore = vm.beginPhase("restore", "write disks");
        lab.log(name, "restore", "bytes=" + bytes);
        lab.runUntil(end, () -> false, true, progress);
        vm.endPhase(restore, BoundBy.DISK);
        lab.startVm(name);
        if (!wait.waits()) {
            return new Duration[] {Duration.ofNanos(restore.end() - start), Duration.ZERO};
        }
        lab.waitVm(name, VmState.RUNNING, wait.timeout(), progress);
        return new Duration[] {Duration.ofNanos(restore.end() - start), Duration.ofNanos(lab.sim().now() - restore.end())};
    }

    private static int num(Map<String, Object> config, String key) {
        return Math.toIntExact(numLong(config, key));
    }

    private static long numLong(Map<String, Object> config, String key) {
        if (config.get(key) instanceof Number n) {
            return n.longValue();
        }
        throw LabException.invalid("the backup's VM configuration has no " + key,
                "it was not taken by hyperlab's backup run; restore its disks to image files instead");
    }
}
