package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.json.Json;
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
                        (int) number(v, "bootPriority", file), power, text(v, "reason", file)));
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
