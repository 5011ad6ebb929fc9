package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.backup.Json;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code qemu-lab.json}: the lab file of a QEMU-backed lab (its presence is what makes a directory one). It holds when
 * the lab was made (lab time is wall time since then) and each VM's {@link QemuVmRecord}. Written whole on every
 * change: temp file, fsync, atomic rename, fsync of the directory; a killed process leaves the old file or the new.
 */
final class QemuLabFile {
    static final String NAME = "qemu-lab.json";
    static final int FORMAT = 1;
    /** More than any lab file of a few thousand VMs: a bigger file is not one hyperlab wrote. */
    private static final long MAX_BYTES = 64L << 20;

    private QemuLabFile() {}

    static boolean exists(Path dir) {
        return Files.isRegularFile(dir.resolve(NAME));
    }

    /** The lab's creation time (epoch milliseconds) and its VMs, in the file's order. */
    record Contents(long createdMillis, List<QemuVmRecord> vms) {}

    static Contents read(Path dir) {
        Path file = dir.resolve(NAME);
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw damaged(file, "it is larger than " + (MAX_BYTES >> 20) + " MiB");
            }
            byte[] data = Files.readAllBytes(file);
            if (!(Json.parse(data, 0, data.length, NAME) instanceof Map<?, ?> root)) {
                throw damaged(file, "it is not a JSON object");
            }
            if (!"qemu".equals(root.get("backend")) || !(root.get("format") instanceof Long f) || f != FORMAT) {
                throw damaged(file, "it is not a format " + FORMAT + " QEMU lab file");
            }
            long created = number(root, "created", file);
            List<QemuVmRecord> vms = new ArrayList<>();
            if (!(root.get("vms") instanceof List<?> list)) {
                throw damaged(file, "it has no vms list");
            }
            for (Object o : list) {
                if (!(o instanceof Map<?, ?> v)) {
                    throw damaged(file, "a VM is not an object");
                }
                List<String> disks = new ArrayList<>();
                if (v.get("disks") instanceof List<?> ds) {
                    for (Object d : ds) {
                        disks.add(String.valueOf(d));
                    }
                }
                QemuVmRecord.Power power;
                try {
                    power = QemuVmRecord.Power.valueOf(text(v, "power", file).toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw damaged(file, "a VM's power is not one hyperlab writes");
                }
                vms.add(new QemuVmRecord(text(v, "name", file), (int) number(v, "vcpus", file),
                        number(v, "memory", file), text(v, "firmware", file), text(v, "os", file), disks,
                        (int) number(v, "bootPriority", file), power, text(v, "reason", file), snapshots(v, file),
                        v.containsKey("currentSnapshot") ? text(v, "currentSnapshot", file) : "",
                        v.containsKey("balloonTarget") ? number(v, "balloonTarget", file) : number(v, "memory", file)));
            }
            return new Contents(created, vms);
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read " + file + ": " + e.getMessage(),
                    "check the file and its permissions", e);
        }
    }

    static void write(Path dir, Contents c) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("backend", "qemu");
        root.put("format", FORMAT);
        root.put("created", c.createdMillis());
        List<Object> vms = new ArrayList<>();
        for (QemuVmRecord v : c.vms()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("vcpus", v.vcpus());
            m.put("memory", v.memory());
            m.put("firmware", v.firmware());
            m.put("os", v.os());
            m.put("disks", v.disks());
            m.put("bootPriority", v.bootPriority());
            m.put("power", v.power().name().toLowerCase(Locale.ROOT));
            m.put("reason", v.reason());
            List<Object> snaps = new ArrayList<>();
            for (QemuSnapshotRecord r : v.snapshots()) {
                Map<String, Object> sm = new LinkedHashMap<>();
                sm.put("name", r.name());
                sm.put("parent", r.parent());
                sm.put("created", r.createdMillis());
                sm.put("state", r.state().id());
                sm.put("diskOnly", r.diskOnly());
                sm.put("description", r.description());
                snaps.add(sm);
            }
            m.put("snapshots", snaps);
            m.put("currentSnapshot", v.currentSnapshot());
            m.put("balloonTarget", v.balloonTarget());
            vms.add(m);
        }
        root.put("vms", vms);
        Path tmp = dir.resolve(NAME + ".tmp");
        try {
            try (FileOutputStream out = new FileOutputStream(tmp.toFile())) {
                out.write(Json.write(root));
                out.getFD().sync();
            }
            try {
                Files.move(tmp, dir.resolve(NAME), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(NAME), StandardCopyOption.REPLACE_EXISTING);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            } catch (IOException e) {
                // some file systems cannot fsync a directory; the rename itself is still atomic
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the old file is intact; the temp file is all that is left behind
            }
            throw new LabException(LabException.Kind.IO, "cannot save " + dir.resolve(NAME) + ": " + e.getMessage(),
                    "is the disk full? the lab is as it was before this command", e);
        }
    }

    /** A VM's snapshots; a lab file written before snapshots existed has none. */
    private static List<QemuSnapshotRecord> snapshots(Map<?, ?> v, Path file) {
        List<QemuSnapshotRecord> out = new ArrayList<>();
        if (!(v.get("snapshots") instanceof List<?> list)) {
            return out;
        }
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> s) || !(s.get("diskOnly") instanceof Boolean diskOnly)) {
                throw damaged(file, "a snapshot is not one hyperlab writes");
            }
            VmState state;
            try {
                state = VmState.of(text(s, "state", file));
            } catch (LabException e) {
                throw damaged(file, "a snapshot's state is not a VM state");
            }
            out.add(new QemuSnapshotRecord(text(s, "name", file), text(s, "parent", file), number(s, "created", file),
                    state, diskOnly, text(s, "description", file)));
        }
        return out;
    }

    private static long number(Map<?, ?> m, String key, Path file) {
        if (!(m.get(key) instanceof Long n) || n < 0) {
            throw damaged(file, "'" + key + "' is not a whole number of 0 or more");
        }
        return n;
    }

    private static String text(Map<?, ?> m, String key, Path file) {
        if (!(m.get(key) instanceof String s)) {
            throw damaged(file, "'" + key + "' is not a string");
        }
        return s;
    }

    private static LabException damaged(Path file, String why) {
        return LabException.invalid(file + " is damaged: " + why, "restore it from a copy, or start a new lab");
    }
}
