package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MigrateOptions;
import dev.hyperlab.api.lab.MigrationInfo;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.Execution;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PlanKind;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.calibration.Calibration;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code vm migrate NAME --to HOST --live}: QEMU's pre-copy live migration of a running VM, with its local disks (block
 * migration, {@code virsh migrate --live --copy-storage-all}); docs/calibration.md section 10.
 *
 * <ol>
 *   <li>The disks' data is copied while the guest runs, at the slowest of the link, the source's reads and the
 *       destination's writes ({@code vm.migrate.live.disk_copy_s}); what the guest writes meanwhile is sent with the
 *       first memory round.
 *   <li>Round 1 sends the guest's memory in use (pages never touched are zero pages, sent as a flag); each later round
 *       sends what the guest dirtied during the one before, at its workload's rate ({@code vm.migrate.live.dirty_rate}).
 *   <li>When what is left takes no longer than the downtime limit on the link (QEMU's {@code downtime-limit}, 300 ms),
 *       the guest pauses for that stop-and-copy and goes on on the destination.
 * </ol>
 * A guest that dirties at least as fast as the link sends never gets there: refused with both rates, unless
 * auto-converge throttles it as QEMU does (20 %, then 10 % more whenever it dirtied more than half of what a round
 * sent, twice). The plan is arithmetic on the rates when the migration starts, so it is checked before anything
 * changes; the lab runs on through the rounds (the VM's timeline shows each), then the VM moves. While throttled, the
 * guest's own work goes at the share the throttle leaves.
 *
 * <p>With post-copy ({@code --postcopy}, QEMU's {@code postcopy-ram} switched on after the first round as {@code virsh
 * migrate --postcopy-after-precopy} does) a migration the first round did not finish never gets refused: the guest
 * switches to the destination and the pages it dirtied meanwhile come over while it runs there, slowed
 * ({@code migrate/postcopy} on its timeline).
 */
final class LiveMigration {
    private LiveMigration() {}

    /** The rounds worked out before anything moves. */
    record Plan(long memoryBytes, long diskBytes, double diskSeconds, List<MigrationInfo.Round> rounds,
            List<Double> roundSeconds, double downtimeSeconds, double dirtyRate, double bandwidth,
            double postcopyBytes, double postcopySeconds, double postcopyPace) {
        double precopySeconds() {
            double s = diskSeconds;
            for (double r : roundSeconds) {
                s += r;
            }
            return s;
        }
    }

    /** The link's bandwidth in bytes a second: the hosts' NIC (calibration vm.migrate.link_gbit_s) or the cap given. */
    static double bandwidth(MigrateOptions o) {
        double link = Calibration.MIGRATE_LINK_GBIT_S * 1e9 / 8;
        return o.bandwidthBytesPerSecond() > 0 ? Math.min(link, o.bandwidthBytesPerSecond()) : link;
    }

    static double downtimeLimit(MigrateOptions o) {
        return o.maxDowntime().isZero() ? Calibration.MIGRATE_DOWNTIME_LIMIT_MS / 1e3 : o.maxDowntime().toNanos() / 1e9;
    }

    /**
     * The pre-copy rounds for a guest with {@code memoryBytes} in use that dirties {@code memoryDirty} bytes of memory
     * and writes {@code diskWrite} bytes to its disks a second, over a link of {@code bandwidth} bytes a second; a
     * round's dirty memory is at most {@code memoryLimit}, the guest's memory, and its dirty disk blocks at most
     * {@code diskLimit}, its disks' size (one dirty bit a page or block, however often it is written). Throws
     * (INSUFFICIENT, with the rates) when it would not converge.
     */
    static Plan plan(String vm, long memoryBytes, long memoryLimit, long diskBytes, long diskLimit, double diskSeconds,
            double memoryDirty, double diskWrite, double bandwidth, double limit, boolean autoConverge,
            boolean postcopy) {
        double dirty = memoryDirty + diskWrite;
        List<MigrationInfo.Round> rounds = new ArrayList<>();
        List<Double> seconds = new ArrayList<>();
        // round 1: all memory in use, and the disk blocks written while the disks were copied
        double pending = memoryBytes + Math.min(diskWrite * diskSeconds, diskLimit);
        int throttle = 0;
        int high = 0;
        for (int n = 1; ; n++) {
            double pace = 1 - throttle / 100.0; // a throttled guest runs (and dirties) that much less
            double rate = dirty * pace;
            double t = pending / bandwidth;
            rounds.add(new MigrationInfo.Round(n, Math.round(pending), seconds(t), throttle));
            seconds.add(t);
            // calibration: vm.migrate.live.dirty_cap (a page or disk block dirtied twice in a round is sent once)
            double dirtied = Math.min(memoryDirty * pace * t, memoryLimit) + Math.min(diskWrite * pace * t, diskLimit);
            if (dirtied / bandwidth <= limit) {
                return new Plan(memoryBytes, diskBytes, diskSeconds, rounds, seconds, dirtied / bandwidth, dirty,
                        bandwidth, 0, 0, 1);
            }
            if (postcopy) {
                // migrate-start-postcopy after the first round (virsh --postcopy-after-precopy): the guest stops for
                // the switch, runs on the destination, and what it dirtied is pushed or fetched on demand; it cannot
                // have more pages on the source than it has in use (calibration: vm.migrate.live.postcopy_s)
                double left = Math.min(dirtied, pending);
                double share = memoryBytes > 0 ? Math.min(1, left / memoryBytes) : 0;
                // calibration: vm.migrate.live.postcopy_pace (assumed, Gaps 37): the share of its pages already here,
                // from 1 - share at the switch to 1 at the end
                double slowed = 1 - share / 2;
                return new Plan(memoryBytes, diskBytes, diskSeconds, rounds, seconds, 0, dirty, bandwidth, left,
                        left / bandwidth, slowed);
            }
            if (autoConverge) {
                // QEMU's migration_trigger_throttle: dirtied more than throttle-trigger-threshold of what was sent, twice
                if (dirtied > Calibration.MIGRATE_THROTTLE_TRIGGER * pending && ++high >= 2) {
                    high = 0;
                    throttle = throttle == 0 ? Calibration.MIGRATE_THROTTLE_INITIAL
                            : Math.min(Calibration.MIGRATE_THROTTLE_MAX, throttle + Calibration.MIGRATE_THROTTLE_INCREMENT);
                }
            } else if (rate >= bandwidth) {
                throw notConverging(vm, dirty, bandwidth, limit, "");
            }
            if (n >= Calibration.MIGRATE_MAX_ROUNDS) {
                throw notConverging(vm, dirty, bandwidth, limit, " within " + n + " rounds");
            }
            pending = dirtied;
        }
    }

    private static LabException notConverging(String vm, double dirty, double bandwidth, double limit, String within) {
        return LabException.insufficient(String.format(Locale.ROOT, "VM %s cannot migrate live: it dirties %s/s of "
                        + "memory and disk and the link sends %s/s, so what is left never fits the %d ms downtime limit%s",
                vm, Sizes.format(Math.round(dirty)), Sizes.format(Math.round(bandwidth)), Math.round(limit * 1e3), within),
                "add {autoConverge} (throttles the guest), raise {maxDowntime} or {bandwidthBytesPerSecond}, or vm shutdown " + vm
                        + " and move it offline");
    }

    static MigrationInfo migrate(LabModel lab, String name, String to, MigrateOptions o, ProgressListener progress) {
        VmMachine vm = lab.vmMachine(name);
        HostMachine target = lab.hostMachine(to);
        HostMachine source = vm.hostMachine();
        VmMigrations.checkMovable(vm, target, to, VmLifecycle.Action.MIGRATE_LIVE);
        if (vm.planKind() != null || vm.snapshotJob() != null) {
            throw LabException.notAllowed("VM " + name + " is " + (vm.planKind() != null ? vm.planKind().doing()
                    : "in a snapshot operation"), "wait until it is done (wait vm " + name + "), then migrate it");
        }
        checkTakes(vm, target);
        return run(lab, vm, source, target, plan(lab, vm, target, o), progress);
    }

    /** The rounds for {@code vm} to {@code target} now: its memory in use, its disks' data, its workload's rates. */
    static Plan plan(LabModel lab, VmMachine vm, HostMachine target, MigrateOptions o) {
        long disk = VmClones.dataBytes(lab, vm);
        double bw = bandwidth(o);
        double diskSeconds = disk == 0 ? 0
                : Math.max(disk / bw, VmMigrations.copyTime(vm.hostMachine(), target, disk).toNanos() / 1e9);
        long size = 0;
        for (VmDisk d : vm.disks) {
            size += d.virtualSize();
        }
        return plan(vm.name, vm.account.backed(), vm.memory, disk, size, diskSeconds, vm.memoryDirtyRate(),
                vm.diskWriteRate(), bw, downtimeLimit(o), o.autoConverge(), o.postcopy());
    }

    /** The destination can run the VM next to its own: cores, memory it can promise, CPU reservation. */
    static void checkTakes(VmMachine vm, HostMachine target) {
        if (vm.memoryNeed() > target.usableMemory()) {
            throw LabException.insufficient("VM " + vm.name + " needs " + Sizes.format(vm.memoryNeed()) + " but host "
                    + target.name + " has only " + Sizes.format(target.usableMemory()) + " for VMs", "choose a larger "
                    + "host");
        }
        String memory = target.memory.refusal(vm);
        if (!memory.isEmpty()) {
            throw LabException.insufficient("VM " + vm.name + " does not fit: " + memory, "free memory on "
                    + target.name + " or choose another host");
        }
        String cpu = target.cpuReservationRefusal(vm);
        if (!cpu.isEmpty()) {
            throw LabException.insufficient("VM " + vm.name + " does not fit: " + cpu, "choose another host");
        }
    }

    private static MigrationInfo run(LabModel lab, VmMachine vm, HostMachine source, HostMachine target, Plan p,
            ProgressListener progress) {
        String name = vm.name;
        long start = lab.sim().now();
        lab.log(name, "migrating", source.name + "->" + target.name, "live", Sizes.format(p.memoryBytes()) + " memory",
                Sizes.format(p.diskBytes()) + " disk");
        precopy(lab, vm, p, progress);
        VmMachine now = lab.vms.get(name);
        String gone = now != vm ? "it was replaced" : vm.state() != dev.hyperlab.api.lab.VmState.RUNNING
                ? "it is " + vm.state().id() : vm.planKind() != null ? "it is " + vm.planKind().doing()
                : target.state() != HostState.RUNNING || target.hypervisor() == null ? "host " + target.name + " is "
                        + target.state().id() : "";
        if (gone.isEmpty()) {
            try {
                checkTakes(vm, target);
            } catch (LabException e) {
                gone = e.getMessage();
            }
        }
        // the rounds the guest ran through, on its timeline (history, whatever happens next)
        long t = start;
        if (p.diskBytes() > 0) {
            long end = t + seconds(p.diskSeconds()).toNanos();
            vm.recordPhase("migrate", "disk copy", t, end, BoundBy.NETWORK);
            t = end;
        }
        for (int i = 0; i < p.rounds().size(); i++) {
            MigrationInfo.Round r = p.rounds().get(i);
            long end = t + r.took().toNanos();
            vm.recordPhase("migrate", "round " + r.number() + (r.throttlePercent() > 0 ? " (throttle "
                    + r.throttlePercent() + "%)" : ""), t, end, BoundBy.NETWORK);
            t = end;
        }
        if (!gone.isEmpty()) {
            lab.log(name, "migration failed", "to " + target.name, gone);
            throw LabException.notAllowed("migration of VM " + name + " to " + target.name + " stopped after "
                    + millis(lab.sim().now() - start) + " of pre-copy: " + gone,
                    "it stays on " + source.name + "; check it (vm info " + name + ") and try again");
        }
        Map<String, Object> doc = new LinkedHashMap<>(VmStateDoc.capture(vm));
        doc.put("host", target.name);
        long backed = vm.account.backed();
        Execution work = Execution.capture(vm);
        vm.stopAndRelease();
        VmMachine next;
        try {
            next = VmStateDoc.restore(lab.env, doc, vm);
        } catch (IOException e) {
            throw new IllegalStateException("VM " + name + " does not read back as it was saved", e);
        }
        lab.replaceVm(next);
        source.vms.remove(name);
        target.vms.add(name);
        Duration downtime = seconds(p.downtimeSeconds());
        next.migratedIn(work, backed, downtime, vm);
        long deadline = Math.addExact(lab.sim().now(), downtime.toNanos() + 1_000_000_000L);
        lab.runUntil(deadline, () -> lab.vms.get(name) != next || next.planKind() != PlanKind.MIGRATE, false, progress);
        MigrationInfo.Postcopy post = MigrationInfo.Postcopy.NONE;
        if (p.postcopyBytes() > 0) {
            post = postcopy(lab, next, p, progress);
        }
        Duration total = Duration.ofNanos(lab.sim().now() - start);
        lab.log(name, "migrated", source.name + "->" + target.name, "live", p.rounds().size() + " rounds",
                "downtime " + millis(downtime.toNanos()), (post.bytes() > 0 ? "postcopy " + Sizes.format(post.bytes())
                        + " in " + millis(post.took().toNanos()) + ", " : "") + "in " + millis(total.toNanos()));
        return new MigrationInfo(name, source.name, target.name, true, p.diskBytes(), seconds(p.diskSeconds()),
                p.rounds(), downtime, total, p.dirtyRate(), p.bandwidth(), post);
    }

    /**
     * The disk copy and the pre-copy rounds go by in lab time; while auto-converge throttles the guest its own work
     * (CPU and I/O) runs at the share of its vCPUs the throttle leaves, as QEMU's cpu-throttle sleeps its vCPU threads.
     */
    private static void precopy(LabModel lab, VmMachine vm, Plan p, ProgressListener progress) {
        String name = vm.name;
        lab.advance(seconds(p.diskSeconds()), progress);
        int throttle = 0;
        try {
            for (MigrationInfo.Round r : p.rounds()) {
                if (r.throttlePercent() != throttle && lab.vms.get(name) == vm) {
                    throttle = r.throttlePercent();
                    lab.log(name, "throttled", throttle + "%", "auto-converge");
                    // calibration: vm.migrate.live.throttle_pace
                    vm.pace(1 - throttle / 100.0);
                }
                lab.advance(r.took(), progress);
            }
        } finally {
            if (throttle != 0) {
                vm.pace(1);
            }
        }
    }

    /**
     * After the switch the guest runs on the destination while the pages it dirtied during the first round come over
     * (pushed in order, or fetched first when it touches one, each touch a round trip): its work goes slower until the
     * last arrives; its timeline shows the phase ({@code migrate/postcopy}).
     */
    private static MigrationInfo.Postcopy postcopy(LabModel lab, VmMachine vm, Plan p, ProgressListener progress) {
        Duration took = seconds(p.postcopySeconds());
        long from = lab.sim().now();
        lab.log(vm.name, "postcopy", Sizes.format(Math.round(p.postcopyBytes())) + " on the source",
                String.format(Locale.ROOT, "pace %.0f%%", p.postcopyPace() * 100));
        vm.pace(p.postcopyPace());
        try {
            lab.advance(took, progress);
        } finally {
            vm.pace(1);
        }
        vm.recordPhase("migrate", "postcopy", from, from + took.toNanos(), BoundBy.NETWORK);
        return new MigrationInfo.Postcopy(Math.round(p.postcopyBytes()), took, p.postcopyPace());
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%.1fms", nanos / 1e6);
    }

    static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
