package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.SnapshotConsistency;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.SnapshotNames;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.qcow2.Qcow2Snapshot;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Snapshots of real VMs, as {@code virsh snapshot-create} makes internal ones: an internal snapshot in each of the VM's
 * qcow2 files, the same table {@code qemu-img snapshot -l} and hyperlab's own qcow2 code read.
 * <ul>
 *   <li>A running (or paused) VM's snapshot holds its state: QMP {@code snapshot-save} (a job: the VM stops while its
 *   RAM and device state are written into the first disk's VM-state area, then runs on). Reverting to it is
 *   {@code snapshot-load}, or, for a VM that is off, starting QEMU with {@code -loadvm}: the VM comes back running
 *   where it was.</li>
 *   <li>A disk-only snapshot ({@code --disk-only}, or of a VM that is off) holds no VM state: taken with
 *   {@code blockdev-snapshot-internal-sync} while QEMU runs, by hyperlab's qcow2 code while it does not. Reverting to
 *   it needs the disks closed, so a running VM is stopped first, as the simulation does.</li>
 * </ul>
 * Parents, lab times, states and descriptions are the lab's (kept in qemu-lab.json); a snapshot found in the first
 * disk that the lab did not take (made with {@code qemu-img snapshot -c}) is listed as external.
 */
final class QemuSnapshots {
    /** A snapshot job of a VM with a few GiB of RAM under TCG takes seconds; this is room for a loaded machine. */
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);

    private final QemuLab lab;

    QemuSnapshots(QemuLab lab) {
        this.lab = lab;
    }

    // ---- reading ----------------------------------------------------------------------------------------------------

    List<SnapshotInfo> list(String vm) {
        QemuVmRecord v = lab.record(vm);
        Map<String, Qcow2Snapshot> onDisk = table(v);
        List<SnapshotInfo> out = new ArrayList<>();
        for (QemuSnapshotRecord r : v.snapshots()) {
            out.add(info(v, r, onDisk.get(r.name())));
        }
        for (Qcow2Snapshot s : onDisk.values()) {
            if (find(v, s.name()).isEmpty()) {
                out.add(new SnapshotInfo(s.name(), vm, "", List.of(), false, Duration.ZERO,
                        VmState.SHUTOFF, s.vmStateSize() == 0, s.vmStateSize(), 0, SnapshotConsistency.CRASH,
                        "", true, List.of("disk0"), ""));
            }
        }
        return out;
    }

    SnapshotInfo get(String vm, String name) {
        return list(vm).stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> noSuch(vm, name));
    }

    private SnapshotInfo info(QemuVmRecord v, QemuSnapshotRecord r, Qcow2Snapshot onDisk) {
        List<String> children = v.snapshots().stream().filter(c -> c.parent().equals(r.name()))
                .map(QemuSnapshotRecord::name).toList();
        long vmState = onDisk == null ? 0 : onDisk.vmStateSize();
        SnapshotConsistency consistency = r.diskOnly() && r.state() != VmState.RUNNING && r.state() != VmState.PAUSED
                ? SnapshotConsistency.OFFLINE : SnapshotConsistency.CRASH;
        List<String> disks = new ArrayList<>();
        for (int i = 0; i < v.disks().size(); i++) {
            disks.add("disk" + i);
        }
        return new SnapshotInfo(r.name(), v.name(), r.parent(), children, r.name().equals(v.currentSnapshot()),
                Duration.ofMillis(r.createdMillis()), r.state(), r.diskOnly(), vmState, r.diskOnly() ? 0 : v.memory(),
                consistency, r.description(), false, disks, "");
    }

    /** The first disk's internal snapshots by name (a VM with a raw first disk has none). */
    private static Map<String, Qcow2Snapshot> table(QemuVmRecord v) {
        Map<String, Qcow2Snapshot> out = new LinkedHashMap<>();
        if (v.disks().isEmpty() || !ImageFormat.of(Path.of(v.disks().getFirst())).equals("qcow2")) {
            return out;
        }
        // shared with QEMU, which holds the image while the VM runs (as qemu-img snapshot -l -U reads it)
        try (Qcow2Image img = Qcow2Image.open(Path.of(v.disks().getFirst()), OpenMode.INSPECT, List.of())) {
            for (Qcow2Snapshot s : img.snapshots()) {
                out.put(s.name(), s);
            }
        } catch (IOException | RuntimeException e) {
            throw new LabException(LabException.Kind.IO, "cannot read the snapshots of " + v.disks().getFirst() + ": "
                    + e.getMessage(), "disk check " + v.disks().getFirst() + " looks at the image");
        }
        return out;
    }

    // ---- create -----------------------------------------------------------------------------------------------------

    SnapshotInfo create(String vm, String name, SnapshotOptions options) {
        QemuVmRecord v = lab.record(vm);
        SnapshotNames.checkName(name);
        SnapshotNames.checkDescription(options.description());
        if (find(v, name).isPresent() || table(v).containsKey(name)) {
            throw LabException.conflict("VM " + vm + " already has a snapshot named '" + name + "'",
                    "choose another name, or delete it first: snapshot delete " + vm + " " + name);
        }
        requireQcow2(v, "take a snapshot");
        VmState s = lab.state(vm);
        boolean live = s == VmState.RUNNING || s == VmState.PAUSED;
        switch (s) {
            case STARTING -> throw LabException.notAllowed("VM " + vm + " is starting",
                    "wait until it is running, then take the snapshot");
            case SUSPENDED -> throw LabException.notAllowed("VM " + vm + " is suspended: its memory is in a file of its"
                    + " own, not in its disks", "vm resume " + vm + " first");
            default -> { }
        }
        boolean withState = live && !options.diskOnly();
        if (withState) {
            List<String> nodes = nodes(vm);
            lab.job(vm, "snapshot-save", Map.of("tag", name, "vmstate", nodes.getFirst(), "devices", nodes),
                    JOB_TIMEOUT);
        } else if (live) {
            List<String> nodes = nodes(vm);
            for (String node : nodes) {
                lab.command(vm, "blockdev-snapshot-internal-sync", Map.of("device", node, "name", name));
            }
        } else {
            // the date qemu-img snapshot -l shows: wall time, which is this backend's lab time plus the lab's birth
            Qcow2Snapshot.Times times = new Qcow2Snapshot.Times((lab.createdMillis() + lab.now().toMillis()) / 1000,
                    0, 0);
            offline(v, "take snapshot '" + name + "'", img -> img.createSnapshot(name, times, ByteBuffer.allocate(0)));
        }
        QemuSnapshotRecord r = new QemuSnapshotRecord(name, v.currentSnapshot(), lab.now().toMillis(),
                s == VmState.DEFINED ? VmState.SHUTOFF : s, !withState,
                options.description());
        List<QemuSnapshotRecord> all = new ArrayList<>(lab.record(vm).snapshots());
        all.add(r);
        lab.update(lab.record(vm).withSnapshots(all, name));
        lab.phase(vm, "snapshot", name, (withState ? "VM state and disks" : "disks") + " saved");
        return get(vm, name);
    }

    // ---- revert -----------------------------------------------------------------------------------------------------

    void revert(String vm, String name) {
        QemuVmRecord v = lab.record(vm);
        QemuSnapshotRecord r = find(v, name).orElseThrow(() -> table(v).containsKey(name)
                ? LabException.notAllowed("snapshot '" + name + "' of VM " + vm + " was made outside hyperlab",
                        "revert it with qemu-img snapshot -a while the VM is off")
                : noSuch(vm, name));
        requireQcow2(v, "revert to a snapshot");
        VmState s = lab.state(vm);
        if (s == VmState.SUSPENDED) {
            throw LabException.notAllowed("VM " + vm + " is suspended", "vm destroy " + vm
                    + " discards its saved memory; then revert");
        }
        boolean live = s == VmState.RUNNING || s == VmState.PAUSED || s == VmState.STARTING;
        if (!r.diskOnly()) {
            if (live) {
                List<String> nodes = nodes(vm);
                lab.job(vm, "snapshot-load", Map.of("tag", name, "vmstate", nodes.getFirst(), "devices", nodes),
                        JOB_TIMEOUT);
                String status = lab.status(vm);
                if (r.state() == VmState.RUNNING && !status.equals("running")) {
                    lab.command(vm, "cont", Map.of());
                } else if (r.state() == VmState.PAUSED && status.equals("running")) {
                    lab.command(vm, "stop", Map.of());
                }
                lab.restored(vm, name);
            } else {
                lab.launchFromSnapshot(vm, name, r.state() == VmState.PAUSED);
            }
        } else {
            if (live) {
                lab.stopForRevert(vm);
            }
            offline(lab.record(vm), "revert to snapshot '" + name + "'", img -> img.applySnapshot(name));
        }
        lab.update(lab.record(vm).withSnapshots(lab.record(vm).snapshots(), name));
    }

    // ---- delete -----------------------------------------------------------------------------------------------------

    List<String> delete(String vm, String name, boolean children) {
        QemuVmRecord v = lab.record(vm);
        List<String> names;
        if (find(v, name).isPresent()) {
            names = children ? subtree(v, name) : List.of(name);
        } else if (table(v).containsKey(name)) {
            names = List.of(name); // made outside hyperlab: removed from the disks alike
        } else {
            throw noSuch(vm, name);
        }
        VmState s = lab.state(vm);
        if (s == VmState.SUSPENDED || s == VmState.STARTING) {
            throw LabException.notAllowed("VM " + vm + " is " + s.id(), "delete its snapshots when it runs or is off");
        }
        boolean live = s == VmState.RUNNING || s == VmState.PAUSED;
        for (String n : names) {
            if (live) {
                lab.job(vm, "snapshot-delete", Map.of("tag", n, "devices", nodes(vm)), JOB_TIMEOUT);
            } else {
                offline(v, "delete snapshot '" + n + "'", img -> {
                    if (img.snapshot(n).isPresent()) {
                        img.deleteSnapshot(n);
                    }
                });
            }
        }
        // the children of what goes are the children of its parent now, as virsh snapshot-delete does
        List<QemuSnapshotRecord> kept = new ArrayList<>();
        for (QemuSnapshotRecord r : lab.record(vm).snapshots()) {
            if (names.contains(r.name())) {
                continue;
            }
            String parent = r.parent();
            while (names.contains(parent)) {
                String p = parent;
                parent = find(v, p).map(QemuSnapshotRecord::parent).orElse("");
            }
            kept.add(r.withParent(parent));
        }
        String current = v.currentSnapshot();
        while (names.contains(current)) {
            String c = current;
            current = find(v, c).map(QemuSnapshotRecord::parent).orElse("");
        }
        lab.update(lab.record(vm).withSnapshots(kept, current));
        return names;
    }

    private static List<String> subtree(QemuVmRecord v, String name) {
        List<String> out = new ArrayList<>(List.of(name));
        for (int i = 0; i < out.size(); i++) {
            String n = out.get(i);
            v.snapshots().stream().filter(c -> c.parent().equals(n)).forEach(c -> out.add(c.name()));
        }
        return out;
    }

    // ---- helpers ----------------------------------------------------------------------------------------------------

    private static Optional<QemuSnapshotRecord> find(QemuVmRecord v, String name) {
        return v.snapshots().stream().filter(r -> r.name().equals(name)).findFirst();
    }

    /** The format node of each of the VM's disks, in disk order, as QEMU's monitor names them. */
    private List<String> nodes(String vm) {
        List<String> out = new ArrayList<>();
        if (lab.command(vm, "query-block", Map.of()) instanceof List<?> devices) {
            for (Object o : devices) {
                if (o instanceof Map<?, ?> d && d.get("inserted") instanceof Map<?, ?> in
                        && in.get("node-name") instanceof String node) {
                    out.add(node);
                }
            }
        }
        if (out.size() != lab.record(vm).disks().size()) {
            throw LabException.notAllowed("QEMU shows " + out.size() + " disks for VM " + vm + ", the lab "
                    + lab.record(vm).disks().size(), "vm info " + vm + " shows its disks");
        }
        return out;
    }

    private static void requireQcow2(QemuVmRecord v, String what) {
        for (String d : v.disks()) {
            if (!ImageFormat.of(Path.of(d)).equals("qcow2")) {
                throw LabException.notAllowed("cannot " + what + " of VM " + v.name() + ": its disk " + d
                        + " is raw, and only qcow2 holds internal snapshots", "disk convert it to qcow2 first");
            }
        }
        if (v.disks().isEmpty()) {
            throw LabException.notAllowed("VM " + v.name() + " has no disk to hold a snapshot", "give it a qcow2 disk");
        }
    }

    private interface ImageStep {
        void apply(Qcow2Image img) throws IOException;
    }

    /** Runs {@code step} on each of the VM's disks, opened for writing by hyperlab's qcow2 code (no QEMU runs). */
    private static void offline(QemuVmRecord v, String what, ImageStep step) {
        for (String d : v.disks()) {
            try (Qcow2Image img = DiskImages.openQcow2(Path.of(d), false)) {
                step.apply(img);
            } catch (IOException | RuntimeException e) {
                throw new LabException(LabException.Kind.IO, "cannot " + what + " on " + d + ": " + e.getMessage(),
                        "disk check " + d + " looks at the image");
            }
        }
    }

    private static LabException noSuch(String vm, String name) {
        return LabException.notFound("VM " + vm + " has no snapshot named '" + name + "'",
                "snapshot list " + vm + " shows its snapshots");
    }
}
