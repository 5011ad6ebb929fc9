package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SnapshotConsistency;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.hyperlab.core.engine.image.DiskSnapshots;
import dev.hyperlab.core.engine.image.SnapshotView;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.Execution;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PlanKind;
import dev.hyperlab.core.engine.machine.PlannedStep;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.snapshot.SnapshotJob;
import dev.hyperlab.core.engine.snapshot.SnapshotRecord;

/**
 * VM snapshots on the engine (docs/snapshots.md): every disk of a VM snapshotted at once in its qcow2 file (all or
 * none), the VM's state document in the first disk's VM-state area, the tree in the lab's model.
 *
 * <p>Every operation validates first and changes nothing when it refuses. Then it saves the lab with a
 * {@link SnapshotJob} set ({@code checkpoint}), changes the images, changes the model, and clears the job (the
 * facade's save follows). A process killed in between leaves the job in the saved lab, and {@link #recover} finishes
 * or undoes it when the lab is loaded. An image that fails half-way (a full disk) is reopened, which repairs it, and
 * what the operation did to the other disks is undone where that is possible.
 */
final class Snapshots {
    private final LabModel lab;

    Snapshots(LabModel lab) {
        this.lab = lab;
    }

    // ================================================================================================ listing

    List<SnapshotInfo> list(String vmName) {
        VmMachine vm = lab.vmMachine(vmName);
        Map<String, List<String>> onDisks = namesOnDisks(vm);
        List<SnapshotInfo> out = new ArrayList<>();
        for (SnapshotRecord r : vm.snapshots().all()) {
            out.add(info(vm, r, onDisks));
        }
        for (Map.Entry<String, List<String>> e : onDisks.entrySet()) {
            if (!vm.snapshots().has(e.getKey())) {
                out.add(external(vm, e.getKey(), onDisks));
            }
        }
        return out;
    }

    SnapshotInfo info(String vmName, String name) {
        VmMachine vm = lab.vmMachine(vmName);
        Map<String, List<String>> onDisks = namesOnDisks(vm);
        Optional<SnapshotRecord> r = vm.snapshots().get(name);
        if (r.isPresent()) {
            return info(vm, r.get(), onDisks);
        }
        if (onDisks.containsKey(name)) {
            return external(vm, name, onDisks);
        }
        throw noSuchSnapshot(vm, name);
    }

    private SnapshotInfo info(VmMachine vm, SnapshotRecord r, Map<String, List<String>> onDisks) {
        return new SnapshotInfo(r.name(), vm.name, r.parent(), vm.snapshots().children(r.name()),
                r.name().equals(vm.snapshots().current()), Duration.ofNanos(r.created()), r.state(), r.diskOnly(),
                r.vmStateSize(), r.memory(), r.consistency(), r.description(), false,
                onDisks.getOrDefault(r.name(), List.of()), r.digest());
    }

    private SnapshotInfo external(VmMachine vm, String name, Map<String, List<String>> onDisks) {
        long vmState = 0;
        if (!vm.disks.isEmpty()) {
            vmState = snapshotsOf(vm.disks.getFirst()).flatMap(s -> s.find(name))
                    .map(DiskSnapshots.Entry::vmStateSize).orElse(0L);
        }
        return new SnapshotInfo(name, vm.name, "", List.of(), false, Duration.ZERO, VmState.SHUTOFF, true, vmState, 0,
                SnapshotConsistency.UNKNOWN, "made outside hyperlab", true, onDisks.get(name), "");
    }

    /** Every snapshot name the VM's disks hold, in the first disk's order, with the devices holding each. */
    private Map<String, List<String>> namesOnDisks(VmMachine vm) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (VmDisk d : vm.disks) {
            Optional<DiskSnapshots> s = snapshotsOf(d);
            if (s.isEmpty()) {
                continue;
            }
            for (DiskSnapshots.Entry e : s.get().list()) {
                out.computeIfAbsent(e.name(), k -> new ArrayList<>()).add(d.device());
            }
        }
        return out;
    }

    private Optional<DiskSnapshots> snapshotsOf(VmDisk d) {
        try {
            return Optional.of(lab.images().snapshots(d.path()));
        } catch (LabException e) {
            return Optional.empty(); // a raw disk has none
        }
    }

    private LabException noSuchSnapshot(VmMachine vm, String name) {
        for (VmMachine other : lab.vms.values()) {
            if (other != vm && other.snapshots().has(name)) {
                return LabException.notFound("VM " + vm.name + " has no snapshot named '" + name + "'",
                        "'" + name + "' is a snapshot of VM " + other.name + "; snapshot list " + vm.name
                                + " shows " + vm.name + "'s");
            }
        }
        return LabException.notFound("VM " + vm.name + " has no snapshot named '" + name + "'",
                "snapshot list " + vm.name + " shows its snapshots");
    }

    // ================================================================================================ create

    /**
     * Takes snapshot {@code name} of {@code vm}. {@code checkpoint} saves the lab: it is called once everything is
     * checked and before the first image changes, so a process killed after it is recovered on load.
     */
    SnapshotInfo create(String vmName, String name, SnapshotOptions options, Runnable checkpoint) {
        VmMachine vm = lab.vmMachine(vmName);
        SnapshotNames.checkName(name);
        SnapshotNames.checkDescription(options.description());
        if (vm.snapshots().has(name)) {
            throw LabException.conflict("VM " + vm.name + " already has a snapshot named '" + name + "'",
                    "choose another name, or delete it first: snapshot delete " + vm.name + " " + name);
        }
        boolean live = checkSnapshottable(vm);
        List<DiskSnapshots> disks = snapshottableDisks(vm, name);
        boolean withMemory = live && !options.diskOnly();
        SnapshotConsistency consistency = live
                ? (hasCapability(vm, DriverEffect.Capability.QUIESCE) ? SnapshotConsistency.APPLICATION
                        : SnapshotConsistency.CRASH)
                : vm.state() == VmState.CRASHED ? SnapshotConsistency.CRASH : SnapshotConsistency.OFFLINE;
        Map<String, Object> doc = VmStateDoc.capture(vm);
        String digest = VmStateDoc.digest(doc);
        byte[] vmState = withMemory ? VmStateDoc.encode(doc) : new byte[0];
        long now = lab.sim().now();
        Qcow2Snapshot.Times times = new Qcow2Snapshot.Times(now / 1_000_000_000L, (int) (now % 1_000_000_000L),
                live ? guestClock(vm, now) : 0);

        vm.beginSnapshotJob(new SnapshotJob(SnapshotJob.CREATE, List.of(name)));
        checkpoint(vm, checkpoint);
        // the guest agent freezes its file systems here (no public figure for how long: docs/calibration.md, gaps)
        DiskSnapshots.Cost cost;
        try {
            cost = takeAll(vm, disks, name, times, vmState);
        } finally {
            vm.endSnapshotJob();
        }
        long memory = withMemory ? vm.account.backed() : 0;
        SnapshotRecord r = new SnapshotRecord(name, vm.snapshots().current(), options.description(), now, vm.state(),
                !withMemory, consistency, vmState.length, memory, digest,
                vm.disks.stream().map(VmDisk::device).toList(), doc);
        vm.snapshots().add(r);
        lab.log(vm.name, "snapshot", name, withMemory ? "memory" : "disk-only", consistency.id());
        if (live) {
            // savevm stops the VM while its RAM in use is written, then the qcow2 layer updates its tables:
            // the metadata bytes and writes it really made on the image files, charged on the datastore
            // calibration: snap.savevm.pause_s
            // calibration: snap.internal_qcow2.metadata_io
            Demand d = Demand.NONE.plusWrite(memory, Demands.sequentialOps(memory))
                    .plusWrite(cost.bytes(), cost.ops());
            vm.pauseFor(PlanKind.SNAPSHOT, PlannedStep.of("snapshot", withMemory ? "save state" : "disk snapshot", d));
        }
        return info(vm.name, name);
    }

    /** Saves the lab with the VM's job set; a save that fails (a full disk) leaves no job behind. */
    private static void checkpoint(VmMachine vm, Runnable checkpoint) {
        try {
            checkpoint.run();
        } catch (RuntimeException e) {
            vm.endSnapshotJob();
            throw e;
        }
    }

    /** Whether the VM runs (its memory state can be saved); refuses the states a snapshot cannot be taken in. */
    private static boolean checkSnapshottable(VmMachine vm) {
        vm.lifecycle.check(VmLifecycle.Action.SNAPSHOT);
        switch (vm.state()) {
            case STARTING, RUNNING -> {
                if (!vm.holdsMemory()) {
                    throw LabException.notAllowed("VM " + vm.name + " is waiting in host " + vm.host
                            + "'s start queue", "snapshot it once it boots, or destroy it and snapshot it stopped");
                }
                if (vm.planKind() == PlanKind.SUSPEND || vm.planKind() == PlanKind.SHUTDOWN) {
                    throw LabException.notAllowed("VM " + vm.name + " is " + (vm.planKind() == PlanKind.SUSPEND
                            ? "saving its memory to suspend" : "shutting down"), "snapshot it once it has stopped");
                }
                return true;
            }
            default -> {
                return false; // stopped: its disks only
            }
        }
    }

    /** The snapshots of each disk; refuses a disk that cannot hold one or already has one of that name. */
    private List<DiskSnapshots> snapshottableDisks(VmMachine vm, String name) {
        List<DiskSnapshots> out = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            DiskSnapshots s;
            try {
                s = lab.images().snapshots(d.path());
            } catch (LabException e) {
                throw LabException.notAllowed("VM " + vm.name + " " + d.device() + ": " + e.what(), e.hint());
            }
            if (s.find(name).isPresent()) {
                throw LabException.conflict("VM " + vm.name + " " + d.device() + " already has a snapshot named '"
                        + name + "' (made outside hyperlab)", "choose another name, or delete it first: snapshot "
                        + "delete " + vm.name + " " + name);
            }
            out.add(s);
        }
        return out;
    }

    /**
     * Snapshots every disk, all or none: when one fails, the snapshots already taken on the others are deleted again
     * (and the failing image is reopened, which repairs what it left half-done).
     */
    private DiskSnapshots.Cost takeAll(VmMachine vm, List<DiskSnapshots> disks, String name,
            Qcow2Snapshot.Times times, byte[] vmState) {
        long bytes = 0;
        long ops = 0;
        for (int i = 0; i < disks.size(); i++) {
            try {
                DiskSnapshots.Cost c = disks.get(i).create(name, times,
                        ByteBuffer.wrap(i == 0 ? vmState : new byte[0]));
                bytes += c.bytes();
                ops += c.ops();
            } catch (IOException | RuntimeException e) {
                disks.get(i).reload();
                List<String> left = undo(vm, disks.subList(0, i + 1), name);
                String what = "cannot snapshot VM " + vm.name + ": " + vm.disks.get(i).device() + " ("
                        + lab.images().displayPath(vm.disks.get(i).path()) + "): " + message(e);
                throw new LabException(LabException.Kind.IO, what, left.isEmpty()
                        ? "no disk was changed; is the disk full?"
                        : "its partial snapshot stays on " + String.join(", ", left) + ": free space, then "
                                + "snapshot delete " + vm.name + " " + name, e);
            }
        }
        return new DiskSnapshots.Cost(bytes, ops);
    }

    /** Deletes {@code name} wherever it is among {@code disks}; the devices it could not be deleted from. */
    private List<String> undo(VmMachine vm, List<DiskSnapshots> disks, String name) {
        List<String> left = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            DiskSnapshots s = disks.get(i);
            try {
                if (s.find(name).isPresent()) {
                    s.delete(name);
                }
            } catch (IOException | RuntimeException e) {
                s.reload();
                if (s.find(name).isPresent()) {
                    left.add(vm.disks.get(i).device());
                }
            }
        }
        return left;
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private boolean hasCapability(VmMachine vm, DriverEffect.Capability c) {
        for (String id : vm.driversPresent()) {
            if (lab.extensions().driver(id).effect().capabilities().contains(c)) {
                return true;
            }
        }
        return false;
    }

    /** The guest clock QEMU records: lab time since the VM's VMM last started. */
    private static long guestClock(VmMachine vm, long now) {
        for (int i = vm.timeline.size() - 1; i >= 0; i--) {
            if (vm.timeline.get(i).phase.equals("vmm")) {
                return now - vm.timeline.get(i).start;
            }
        }
        return 0;
    }

    // ================================================================================================ revert

    /** What a revert goes back to: a snapshot of the tree (with its state document) or one made outside hyperlab. */
    private record Target(SnapshotRecord record, Map<String, Object> doc, boolean withMemory, List<VmDisk> disks) {}

    void revert(String vmName, String name, Runnable checkpoint) {
        VmMachine vm = lab.vmMachine(vmName);
        vm.requireNoLinkedClones("reverting it");
        Target t = target(vm, name);
        if (t.record() != null) {
            VmMachine next; // built here to check it; the revert builds its own once the VM has stopped
            try {
                next = VmStateDoc.restore(lab.env, t.doc(), vm);
            } catch (IOException | RuntimeException e) {
                throw LabException.notAllowed("snapshot '" + name + "' of VM " + vm.name + " cannot be reverted to: "
                        + "its state does not load (" + message(e) + ")", "revert to another snapshot");
            }
            if (t.withMemory()) {
                checkHostTakes(next);
            }
        }
        vm.beginSnapshotJob(new SnapshotJob(SnapshotJob.REVERT, List.of(name)));
        checkpoint(vm, checkpoint);
        apply(vm, t, name);
    }

    /** The revert after validation (also what {@link #recover} re-runs): stop, revert the disks, swap the VM in. */
    private void apply(VmMachine vm, Target t, String name) {
        boolean wasLive = vm.lifecycle.allows(VmLifecycle.Action.REVERTED_OFF);
        vm.stopAndRelease();
        for (VmDisk d : t.disks()) {
            DiskSnapshots s = lab.images().snapshots(d.path());
            try {
                s.apply(name);
            } catch (IOException | RuntimeException e) {
                s.reload();
                vm.revertFailed("revert to snapshot '" + name + "' did not finish: " + d.device() + ": " + message(e));
                lab.log(vm.name, "revert failed", name);
                throw new LabException(LabException.Kind.IO, "cannot revert VM " + vm.name + " to '" + name + "': "
                        + d.device() + " (" + lab.images().displayPath(d.path()) + "): " + message(e),
                        "the VM is stopped with its disks partly reverted; free space, then snapshot revert "
                                + vm.name + " " + name + " again", e);
            }
        }
        if (t.record() == null) {
            // a snapshot made outside hyperlab has disks only: the VM keeps its configuration and is off
            vm.revertedToDisks(wasLive);
            lab.log(vm.name, "reverted", name, "disk-only");
            return;
        }
        VmMachine next;
        try {
            next = VmStateDoc.restore(lab.env, t.doc(), vm);
        } catch (IOException e) {
            throw new IllegalStateException("checked before the revert began", e);
        }
        lab.replaceVm(next);
        next.snapshots().setCurrent(name);
        next.endSnapshotJob();
        if (t.withMemory()) {
            resumeFrom(next, t.doc());
        } else {
            // a disk-only snapshot of a running VM: its disks as a power cut at that moment left them, and the VM off
            next.revertedOff();
        }
        lab.log(next.name, "reverted", name);
    }

    /** A reverted VM that was running holds its memory again and loads its state, then goes on where it was. */
    private void resumeFrom(VmMachine vm, Map<String, Object> doc) {
        Execution work;
        long backed;
        try {
            work = VmStateDoc.execution(doc);
            backed = VmStateDoc.backed(doc);
        } catch (IOException e) {
            throw new IllegalStateException("checked before the revert began", e);
        }
        vm.loadState(work, backed);
    }

    /** The host a reverted running VM comes back on must run, have a hypervisor, and be able to promise its memory. */
    private static void checkHostTakes(VmMachine next) {
        HostMachine h = next.hostMachine();
        if (h.state() != HostState.RUNNING || !h.hasHypervisor()) {
            throw LabException.notAllowed("snapshot of VM " + next.name + " is of a running VM, and host " + h.name
                    + " is " + (h.state() != HostState.RUNNING ? h.state().id() : "without a hypervisor"),
                    h.state() != HostState.RUNNING ? h.untilRunning() + ", then revert"
                            : "install one first (host install " + h.name + "), then revert");
        }
        if (next.memoryNeed() > h.usableMemory()) {
            throw LabException.insufficient("VM " + next.name + " needs " + Sizes.format(next.memoryNeed())
                    + " but host " + h.name + " has only " + Sizes.format(h.usableMemory()) + " for VMs",
                    "a larger host is needed for this snapshot");
        }
        String refusal = h.memory.refusal(next);
        if (!refusal.isEmpty()) {
            throw LabException.insufficient("VM " + next.name + " cannot be reverted to a running state: " + refusal,
                    "free memory on " + h.name);
        }
    }

    private Target target(VmMachine vm, String name) {
        Optional<SnapshotRecord> r = vm.snapshots().get(name);
        if (r.isEmpty()) {
            return externalTarget(vm, name);
        }
        SnapshotRecord rec = r.get();
        Map<String, Object> doc = rec.doc();
        List<VmDisk> disks = disksOf(vm, doc, name);
        for (VmDisk d : vm.disks) {
            if (disks.stream().noneMatch(x -> x.path().equals(d.path()))) {
                throw LabException.notAllowed("VM " + vm.name + " " + d.device() + " was added after snapshot '"
                        + name + "'", "detach it first");
            }
        }
        for (VmDisk d : disks) {
            DiskSnapshots s = lab.images().snapshots(d.path());
            if (s.find(name).isEmpty()) {
                throw LabException.notAllowed("snapshot '" + name + "' of VM " + vm.name + " is missing from "
                        + d.device() + " (" + lab.images().displayPath(d.path()) + ")",
                        "it was deleted outside hyperlab; snapshot delete " + vm.name + " " + name
                                + " removes what is left");
            }
        }
        if (rec.diskOnly()) {
            return new Target(rec, doc, false, disks);
        }
        // as QEMU's loadvm does, the state comes from the first disk's VM-state area
        Map<String, Object> saved;
        try {
            saved = VmStateDoc.decode(lab.images().snapshots(disks.getFirst().path()).readVmState(name));
        } catch (IOException | RuntimeException e) {
            throw LabException.notAllowed("snapshot '" + name + "' of VM " + vm.name + " cannot be reverted to: "
                    + message(e), "revert to another snapshot, or delete this one");
        }
        if (!VmStateDoc.vmName(saved).equals(vm.name)) {
            throw LabException.notAllowed("snapshot '" + name + "' on " + disks.getFirst().device() + " holds the "
                    + "state of VM " + VmStateDoc.vmName(saved) + ", not of " + vm.name, "revert VM "
                    + VmStateDoc.vmName(saved) + " to it instead");
        }
        if (!VmStateDoc.digest(saved).equals(rec.digest())) {
            throw LabException.notAllowed("snapshot '" + name + "' of VM " + vm.name + " cannot be reverted to: the "
                    + "state on " + disks.getFirst().device() + " is not the state it recorded",
                    "the image was changed outside hyperlab; revert to another snapshot");
        }
        return new Target(rec, saved, true, disks);
    }

    /** The disks a state document names, as the VM's disks (paths resolved by the image store). */
    @SuppressWarnings("unchecked")
    private List<VmDisk> disksOf(VmMachine vm, Map<String, Object> doc, String name) {
        List<VmDisk> out = new ArrayList<>();
        if (doc.get("disks") instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> d = (Map<String, Object>) o;
                out.add(new VmDisk((String) d.get("device"), (String) d.get("path"), (Long) d.get("virtualSize"),
                        (Boolean) d.get("owned")));
            }
        }
        if (out.isEmpty()) {
            throw LabException.notAllowed("snapshot '" + name + "' of VM " + vm.name + " names no disks",
                    "revert to another snapshot");
        }
        return out;
    }

    private Target externalTarget(VmMachine vm, String name) {
        List<String> missing = new ArrayList<>();
        boolean anywhere = false;
        for (VmDisk d : vm.disks) {
            Optional<DiskSnapshots> s = snapshotsOf(d);
            if (s.isPresent() && s.get().find(name).isPresent()) {
                anywhere = true;
                if (d == vm.disks.getFirst()) {
                    checkNotAnotherVms(vm, s.get(), name, d);
                }
            } else {
                missing.add(d.device());
            }
        }
        if (!anywhere) {
            throw noSuchSnapshot(vm, name);
        }
        if (!missing.isEmpty()) {
            throw LabException.notAllowed("snapshot '" + name + "' (made outside hyperlab) is not on "
                    + String.join(", ", missing) + " of VM " + vm.name,
                    "a VM reverts all its disks; take the snapshot of every disk");
        }
        return new Target(null, null, false, vm.disks);
    }

    /** A snapshot hyperlab took of another VM (an image attached to both, a copied lab) is that VM's to revert. */
    private static void checkNotAnotherVms(VmMachine vm, DiskSnapshots s, String name, VmDisk d) {
        byte[] area;
        try {
            area = s.readVmState(name);
        } catch (IOException e) {
            return;
        }
        if (VmStateDoc.isOurs(area)) {
            String owner;
            try {
                owner = VmStateDoc.vmName(VmStateDoc.decode(area));
            } catch (IOException e) {
                owner = "another VM";
            }
            if (!owner.equals(vm.name)) {
                throw LabException.notAllowed("snapshot '" + name + "' on " + d.device() + " holds the state of VM "
                        + owner + ", not of " + vm.name, "revert VM " + owner + " to it instead");
            }
        }
    }

    // ================================================================================================ delete

    List<String> delete(String vmName, String name, boolean children, Runnable checkpoint) {
        VmMachine vm = lab.vmMachine(vmName);
        List<String> names;
        if (vm.snapshots().has(name)) {
            names = children ? vm.snapshots().subtree(name) : List.of(name);
        } else if (namesOnDisks(vm).containsKey(name)) {
            names = List.of(name);
        } else {
            throw noSuchSnapshot(vm, name);
        }
        vm.beginSnapshotJob(new SnapshotJob(SnapshotJob.DELETE, names));
        checkpoint(vm, checkpoint);
        DiskSnapshots.Cost cost;
        try {
            cost = deleteFromDisks(vm, names);
        } finally {
            vm.endSnapshotJob();
        }
        if (runsFreely(vm) && cost.bytes() > 0) {
            // QEMU drains the disks while it deletes an internal snapshot: the guest waits while the qcow2 layer
            // frees the snapshot's clusters (the metadata it really wrote, charged on the datastore)
            // calibration: snap.internal_qcow2.metadata_io
            vm.pauseFor(PlanKind.SNAPSHOT, PlannedStep.of("snapshot", "delete",
                    Demand.NONE.plusWrite(cost.bytes(), cost.ops())));
        }
        return names;
    }

    /** Whether the VM runs on its host with nothing that a pause would cut into (not queued, paused, stopping). */
    private static boolean runsFreely(VmMachine vm) {
        return (vm.state() == VmState.RUNNING || vm.state() == VmState.STARTING) && vm.holdsMemory()
                && vm.planKind() != PlanKind.SUSPEND && vm.planKind() != PlanKind.SHUTDOWN
                && vm.planKind() != PlanKind.FORCED_SHUTDOWN;
    }

    /** Deletes {@code names} (leaves first) from every disk that has them, then from the tree; the I/O it did. */
    private DiskSnapshots.Cost deleteFromDisks(VmMachine vm, List<String> names) {
        long bytes = 0;
        long ops = 0;
        List<String> done = new ArrayList<>();
        for (String n : names.reversed()) {
            for (VmDisk d : disksHolding(vm, n)) {
                DiskSnapshots s = lab.images().snapshots(d.path());
                try {
                    if (s.find(n).isPresent()) {
                        DiskSnapshots.Cost c = s.delete(n);
                        bytes += c.bytes();
                        ops += c.ops();
                    }
                } catch (IOException | RuntimeException e) {
                    s.reload();
                    vm.snapshots().remove(done);
                    throw new LabException(LabException.Kind.IO, "cannot delete snapshot '" + n + "' of VM " + vm.name
                            + " from " + d.device() + " (" + lab.images().displayPath(d.path()) + "): " + message(e),
                            "snapshot list " + vm.name + " shows what is left; free space and delete again", e);
                }
            }
            done.add(n);
            lab.log(vm.name, "snapshot deleted", n);
        }
        vm.snapshots().remove(names);
        return new DiskSnapshots.Cost(bytes, ops);
    }

    /** The VM's disks and any other disk a snapshot's state names (an image detached since). */
    private List<VmDisk> disksHolding(VmMachine vm, String name) {
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        List<VmDisk> out = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            if (seen.add(d.path()) && snapshotsOf(d).isPresent()) {
                out.add(d);
            }
        }
        Optional<SnapshotRecord> r = vm.snapshots().get(name);
        if (r.isPresent()) {
            for (VmDisk d : disksOf(vm, r.get().doc(), name)) {
                if (seen.add(d.path()) && snapshotsOf(d).isPresent()) {
                    out.add(d);
                }
            }
        }
        return out;
    }

    // ================================================================================================ for backups

    /**
     * Takes snapshot {@code name} of every disk of {@code vm} at once, all or none, with no memory state and no place
     * in the tree: what a backup of a running VM reads ({@link #diskAt}) while the VM goes on, then drops
     * ({@link #dropDisks}). Saved with a create job until dropped, so a process killed in between leaves no snapshot
     * behind once the lab is loaded again. With {@code pause} (a running VM) the VM pauses while the qcow2 layer
     * updates its tables, as for {@code snapshot create --disk-only}: the {@code snapshot} phase of its timeline, the
     * metadata it really wrote charged on the datastore; the caller runs the lab for the pause to end.
     */
    void takeDisks(String vmName, String name, boolean pause, Runnable checkpoint) {
        VmMachine vm = lab.vmMachine(vmName);
        SnapshotNames.checkName(name);
        List<DiskSnapshots> disks = snapshottableDisks(vm, name);
        if (vm.snapshots().has(name)) {
            throw LabException.conflict("VM " + vm.name + " already has a snapshot named '" + name + "'",
                    "choose another name");
        }
        long now = lab.sim().now();
        vm.beginSnapshotJob(new SnapshotJob(SnapshotJob.CREATE, List.of(name)));
        checkpoint(vm, checkpoint);
        DiskSnapshots.Cost cost;
        try {
            cost = takeAll(vm, disks, name, new Qcow2Snapshot.Times(now / 1_000_000_000L, (int) (now % 1_000_000_000L),
                    pause ? guestClock(vm, now) : 0), new byte[0]);
        } catch (LabException e) {
            vm.endSnapshotJob();
            throw e;
        }
        lab.log(vm.name, "snapshot", name, "disk-only", "for-backup");
        if (pause) {
            // calibration: snap.internal_qcow2.metadata_io
            vm.pauseFor(PlanKind.SNAPSHOT, PlannedStep.of("snapshot", "backup snapshot",
                    Demand.NONE.plusWrite(cost.bytes(), cost.ops())));
        }
    }

    /** Disk {@code device} of {@code vm} as it was at snapshot {@code name}, read-only. */
    DiskImage diskAt(String vmName, String device, String name) {
        VmMachine vm = lab.vmMachine(vmName);
        for (VmDisk d : vm.disks) {
            if (d.device().equals(device)) {
                DiskSnapshots s = lab.images().snapshots(d.path());
                DiskSnapshots.Entry e = s.find(name).orElseThrow(() -> noSuchSnapshot(vm, name));
                return new SnapshotView(s, name, e.diskSize(), lab.images().open(d.path()));
            }
        }
        throw LabException.notFound("VM " + vm.name + " has no disk " + device, "vm info " + vm.name + " lists them");
    }

    /** Deletes what {@link #takeDisks} took and clears its job. */
    void dropDisks(String vmName, String name) {
        VmMachine vm = lab.vmMachine(vmName);
        List<String> left = new ArrayList<>();
        for (VmDisk d : vm.disks) {
            Optional<DiskSnapshots> s = snapshotsOf(d);
            if (s.isPresent()) {
                left.addAll(undo(vm, List.of(s.get()), name).isEmpty() ? List.of() : List.of(d.device()));
            }
        }
        vm.endSnapshotJob();
        if (!left.isEmpty()) {
            throw new LabException(LabException.Kind.IO, "cannot delete temporary snapshot '" + name + "' of VM "
                    + vm.name + " from " + String.join(", ", left), "snapshot delete " + vm.name + " " + name);
        }
    }

    // ================================================================================================ recovery

    /**
     * Finishes or undoes the snapshot operations a killed process left under way (at load): a create is undone, a
     * delete or a revert finished. Never throws: what cannot be done now is logged and left for the person, whom
     * {@code snapshot list} shows where things are.
     */
    void recover() {
        for (VmMachine vm : List.copyOf(lab.vms.values())) {
            SnapshotJob job = vm.snapshotJob();
            if (job == null) {
                continue;
            }
            lab.log(vm.name, "recover", job.op(), String.join(",", job.names()));
            try {
                switch (job.op()) {
                    case SnapshotJob.CREATE -> {
                        List<DiskSnapshots> all = new ArrayList<>();
                        for (VmDisk d : vm.disks) {
                            snapshotsOf(d).ifPresent(all::add);
                        }
                        for (String n : job.names()) {
                            if (!vm.snapshots().has(n)) {
                                undo(vm, all, n);
                            }
                        }
                        vm.endSnapshotJob();
                    }
                    case SnapshotJob.DELETE -> {
                        vm.endSnapshotJob();
                        deleteFromDisks(vm, job.names().stream()
                                .filter(n -> vm.snapshots().has(n) || namesOnDisks(vm).containsKey(n)).toList());
                    }
                    case SnapshotJob.REVERT -> {
                        vm.endSnapshotJob();
                        String name = job.names().getFirst();
                        apply(vm, target(vm, name), name);
                    }
                    default -> vm.endSnapshotJob();
                }
            } catch (RuntimeException e) {
                VmMachine now = lab.vms.get(vm.name);
                if (now != null) {
                    now.endSnapshotJob();
                }
                lab.log(vm.name, "recover failed", message(e));
            }
        }
    }
}
