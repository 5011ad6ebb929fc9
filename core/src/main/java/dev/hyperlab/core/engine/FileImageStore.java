package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.model.OsProfile;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.workload.GuestWorkload;
import dev.hyperlab.core.storage.workload.GuestWrite;
import dev.hyperlab.core.storage.workload.WorkloadKind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Real image files under a lab directory:
 * <pre>
 * hosts/HOST/diskN.raw          a host's physical disk (sparse raw: a physical disk has no format of its own)
 * images/PROFILE-FIRMWARE.qcow2 an OS profile's base image: boot layout and OS files, shared read-only
 * vms/VM/diskN.qcow2            a VM's disk: a thin qcow2 overlay on its base, or a blank qcow2
 * </pre>
 * Paths in the model are relative to the lab directory for images the lab made (so a lab directory can move) and
 * absolute for images attached from elsewhere.
 */
final class FileImageStore implements ImageStore {
    /** OS files written into a base image: a content volume for backups to find, not a model figure. */
    static final long BASE_OS_CONTENT_BYTES = 16L << 20;

    private final Path dir;
    private final Map<String, DiskImage> open = new HashMap<>();

    FileImageStore(Path dir) {
        this.dir = dir;
    }

    private Path resolve(String path) {
        return dir.resolve(path);
    }

    @Override
    public DiskImage hostDisk(String host, String device, long size) {
        String path = "hosts/" + host + "/" + device + ".raw";
        DiskImage img = open.get(path);
        if (img != null) {
            return img;
        }
        try {
            Path file = resolve(path);
            if (!Files.exists(file)) {
                Files.createDirectories(file.getParent());
                img = DiskImages.create(file, ImageFormat.RAW, size);
            } else {
                img = DiskImages.open(file, ImageFormat.RAW, false);
            }
            open.put(path, img);
            return img;
        } catch (IOException e) {
            throw io("host " + host + " disk " + device, e);
        }
    }

    @Override
    public void installHostLoader(String host, String device, long size, String firmware, String what) {
        BootLayouts.write(hostDisk(host, device, size), firmware, what);
        flush();
    }

    @Override
    public String createOverlay(String vm, String device, OsProfile profile, String firmware) {
        String base = base(profile, firmware);
        String path = "vms/" + vm + "/" + device + ".qcow2";
        try {
            Path file = resolve(path);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            open.put(path, DiskImages.createOverlay(file, resolve(base)));
            return path;
        } catch (IOException e) {
            throw io("VM " + vm + " disk " + device, e);
        }
    }

    /** The base image of a profile with a firmware's boot layout, made on first use. */
    private String base(OsProfile profile, String firmware) {
        String path = "images/" + profile.id() + "-" + firmware + ".qcow2";
        Path file = resolve(path);
        if (Files.exists(file)) {
            return path;
        }
        Path tmp = resolve(path + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            try (DiskImage img = DiskImages.create(tmp, ImageFormat.QCOW2, profile.imageSize())) {
                long root = BootLayouts.write(img, firmware, "os=" + profile.id());
                long profileSeed = RandomStreams.stable("base/" + profile.id());
                long region = Math.min(img.virtualSize() - root, 1L << 30) & ~4095L;
                for (GuestWrite w : GuestWorkload.generate(WorkloadKind.OS_FILES, profileSeed,
                        new SplittableRandom(profileSeed), root, region, BASE_OS_CONTENT_BYTES)) {
                    img.write(w.offset(), ByteBuffer.wrap(w.data()));
                }
                img.flush();
            }
            // a base image appears whole or not at all, so a killed process never leaves a half-written base
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return path;
        } catch (IOException e) {
            throw io("base image of " + profile.id(), e);
        }
    }

    @Override
    public String createBlank(String vm, String device, long size) {
        String path = "vms/" + vm + "/" + device + ".qcow2";
        try {
            Path file = resolve(path);
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            open.put(path, DiskImages.create(file, ImageFormat.QCOW2, size));
            return path;
        } catch (IOException e) {
            throw io("VM " + vm + " disk " + device, e);
        }
    }

    @Override
    public DiskImage open(String path) {
        DiskImage img = open.get(path);
        if (img != null) {
            return img;
        }
        Path file = resolve(path);
        if (!Files.isRegularFile(file)) {
            throw LabException.notFound("no image file " + file, "give the path of an existing qcow2 or raw image");
        }
        try {
            img = DiskImages.open(file, false);
        } catch (IOException e) {
            throw LabException.invalid("cannot open image " + file + ": " + e.getMessage(),
                    "hyperlab reads qcow2 and raw images");
        }
        open.put(path, img);
        return img;
    }

    @Override
    public void delete(String path) {
        DiskImage img = open.remove(path);
        try {
            if (img != null) {
                img.close();
            }
            Path file = resolve(path);
            Files.deleteIfExists(file);
            Path parent = file.getParent();
            try (var entries = Files.list(parent)) {
                if (entries.findAny().isEmpty()) {
                    Files.delete(parent);
                }
            }
        } catch (IOException e) {
            throw io("deleting " + path, e);
        }
    }

    @Override
    public DiskSnapshots snapshots(String path) {
        if (!(open(path) instanceof dev.hyperlab.core.storage.qcow2.Qcow2Image)) {
            throw LabException.notAllowed("image " + displayPath(path) + " is " + format(path)
                    + ", which cannot hold internal snapshots",
                    "convert it to qcow2 (disk convert SRC DST --format qcow2) and attach that instead");
        }
        return new Qcow2DiskSnapshots(() -> (dev.hyperlab.core.storage.qcow2.Qcow2Image) open(path),
                () -> reopen(path));
    }

    /**
     * Drops the open image of {@code path} without trusting what it holds in memory; the next use opens the file
     * again, which repairs a qcow2 image an interrupted operation left dirty.
     */
    void reopen(String path) {
        DiskImage img = open.remove(path);
        if (img != null) {
            try {
                img.close();
            } catch (IOException | RuntimeException e) {
                // it failed before; what is on disk is what the next open reads (and repairs)
            }
        }
    }

    @Override
    public String format(String path) {
        return open(path).format().qemuName();
    }

    @Override
    public String displayPath(String path) {
        return resolve(path).toString();
    }

    @Override
    public void flush() {
        for (var e : new java.util.TreeMap<>(open).entrySet()) {
            try {
                e.getValue().flush();
            } catch (IOException ex) {
                throw io("flushing " + e.getKey(), ex);
            }
        }
    }

    @Override
    public void close() {
        for (var e : new java.util.TreeMap<>(open).entrySet()) {
            try {
                e.getValue().close();
            } catch (IOException ex) {
                // closing after the last save: the image is already flushed
            }
        }
        open.clear();
    }

    private static LabException io(String what, IOException e) {
        return new LabException(LabException.Kind.IO, "cannot write " + what + ": " + e.getMessage(),
                "is the disk full? the lab directory must be writable", e);
    }
}
