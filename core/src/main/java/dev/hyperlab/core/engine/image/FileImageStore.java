package dev.hyperlab.core.engine.image;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.storage.CorruptImageException;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageConverter;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.ImageLockedException;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.RepairReport;
import dev.hyperlab.core.storage.guest.MissingGuestPackageException;
import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Real image files under a lab directory:
 * <pre>
 * hosts/HOST/diskN.raw          a host's physical disk (sparse raw: a physical disk has no format of its own)
 * images/PROFILE-FIRMWARE.qcow2 an OS profile's base image: boot layout and OS files, shared read-only
 * vms/VM/diskN.qcow2            a VM's disk: a thin qcow2 overlay on its base, or a blank qcow2
 * </pre>
 * Paths in the model are relative to the lab directory for images the lab made (so a lab directory can move) and
 * absolute for images attached from elsewhere and those made by {@code disk create} / {@code disk convert}, which
 * go where the user says. Every VM disk that can hold one keeps a persistent dirty bitmap from its creation on.
 *
 * <p>Every image stays open, and locked as QEMU locks an image a running VM uses (see
 * {@link dev.hyperlab.core.storage.ImageLock}), until the lab closes: QEMU's tools and other labs cannot write the
 * lab's images meanwhile, nor the lab theirs. One-off reads ({@link #inspect}) share the image as {@code qemu-img -U}.
 */
public final class FileImageStore implements ImageStore {
    private final Path dir;
    /** Open images by model path; sorted, so flushing and closing go in a fixed order. */
    private final Map<String, DiskImage> open = new TreeMap<>();

    public FileImageStore(Path dir) {
        this.dir = dir.toAbsolutePath().normalize(); // the paths people see are absolute, whatever --lab was given
    }

    @Override
    public java.util.OptionalLong freeSpace() {
        try {
            return java.util.OptionalLong.of(Files.getFileStore(dir).getUsableSpace());
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read the free space of " + dir + ": " + e.getMessage(),
                    "check the lab directory", e);
        }
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
        } catch (ImageException e) {
            throw DiskFiles.refusal(resolve(path), e);
        } catch (IOException e) {
            throw io("host " + host + " disk " + device, e);
        }
    }

    @Override
    public boolean hasHostDisk(String host, String device) {
        String path = "hosts/" + host + "/" + device + ".raw";
        return open.containsKey(path) || Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public java.util.Optional<String> hostDiskPath(String host, String device) {
        return hasHostDisk(host, device) ? java.util.Optional.of("hosts/" + host + "/" + device + ".raw")
                : java.util.Optional.empty();
    }

    @Override
    public void deleteHostDisk(String host, String device) {
        if (hasHostDisk(host, device)) {
            delete("hosts/" + host + "/" + device + ".raw");
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
        String path = freeVmPath(vm, device);
        try {
            Path file = resolve(path);
            Files.createDirectories(file.getParent());
            open.put(path, DiskImages.createOverlay(file, resolve(base)));
            return path;
        } catch (IOException e) {
            throw io("VM " + vm + " disk " + device, e);
        }
    }

    /** The base image of a profile with a firmware's boot layout, made on first use. */
    private String base(OsProfile profile, String firmware) {
        String path = basePath(profile, firmware);
        Path file = resolve(path);
        if (Files.exists(file)) {
            return path;
        }
        Path tmp = resolve(path + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            try (DiskImage img = DiskImages.create(tmp, ImageFormat.QCOW2, profile.imageSize())) {
                BootableDisks.lay(img, profile, firmware, true);
            }
            // a base image appears whole or not at all, so a killed process never leaves a half-written base
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            return path;
        } catch (IOException e) {
            throw io("base image of " + profile.id(), e);
        }
    }

    @Override
    public String basePath(OsProfile profile, String firmware) {
        return "images/" + profile.id() + "-" + firmware + ".qcow2";
    }

    @Override
    public List<String> baseImages() {
        Path images = resolve("images");
        if (!Files.isDirectory(images)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(images)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".qcow2")).sorted()
                    .map(n -> "images/" + n).toList();
        } catch (IOException e) {
            throw io("the list of base images", e);
        }
    }

    @Override
    public String createBlank(String vm, String device, long size) {
        String path = freeVmPath(vm, device);
        try {
            Path file = resolve(path);
            Files.createDirectories(file.getParent());
            open.put(path, DiskImages.create(file, ImageFormat.QCOW2, size));
            return path;
        } catch (IOException e) {
            throw io("VM " + vm + " disk " + device, e);
        }
    }

    /**
     * {@code vms/VM/DEVICE.qcow2}, or {@code DEVICE-2.qcow2}, ... when that file exists: a renamed VM keeps its files
     * where they are (as virsh domrename does), so a new VM of its old name must not take them, and a file left by a
     * creation the lab never recorded (a killed process) is left for the user rather than silently replaced.
     */
    private String freeVmPath(String vm, String device) {
        String path = "vms/" + vm + "/" + device + ".qcow2";
        for (int n = 2; open.containsKey(path) || Files.exists(resolve(path), LinkOption.NOFOLLOW_LINKS); n++) {
            path = "vms/" + vm + "/" + device + "-" + n + ".qcow2";
        }
        return path;
    }

    @Override
    public String cloneDisk(String source, String vm, String device) {
        String path = freeVmPath(vm, device);
        Path file = resolve(path);
        Path tmp = temporary(file);
        try {
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(tmp);
            ImageConverter.convert(open(source), tmp, ImageFormat.QCOW2, Qcow2CreateOptions.DEFAULT_CLUSTER_SIZE, true);
            publish(tmp, file);
            open(path);
            return path;
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw io("VM " + vm + " disk " + device, e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    /** Images held read-only: linked clones' overlays read through them (see {@link #holdReadOnly}). */
    private final java.util.Set<String> readOnly = new java.util.HashSet<>();

    @Override
    public void holdReadOnly(String path, boolean on) {
        if (on ? readOnly.add(path) : readOnly.remove(path)) {
            reopen(path); // closed now; the next use opens it as it is held from now on
        }
    }

    @Override
    public String linkedDisk(String source, String vm, String device) {
        String path = freeVmPath(vm, device);
        Path file = resolve(path);
        Path backing = resolve(source);
        holdReadOnly(source, true);
        try {
            Files.createDirectories(file.getParent());
            // named relative to the overlay's directory, as qemu-img resolves it, so the lab directory can move
            String name = file.toAbsolutePath().getParent().relativize(backing.toAbsolutePath()).toString();
            open.put(path, dev.hyperlab.core.storage.qcow2.Qcow2Image.create(file,
                    Qcow2CreateOptions.overlay(name, ImageFormat.probe(backing))));
            return path;
        } catch (IOException e) {
            deleteQuietly(file);
            throw io("VM " + vm + " disk " + device, e);
        }
    }

    @Override
    public java.util.Optional<String> baseOf(String path) {
        Path images = resolve("images");
        for (var b = open(path).backing(); b.isPresent(); b = b.get().backing()) {
            Path file = b.get().path().toAbsolutePath().normalize();
            if (images.equals(file.getParent())) {
                return java.util.Optional.of("images/" + file.getFileName());
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void requireNew(String path) {
        Path file = Path.of(path);
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) || open.containsKey(key(path))) {
            throw LabException.conflict(file + " exists", "a new image never replaces a file: choose another path");
        }
        Path parent = file.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw LabException.notFound("directory " + parent + " does not exist", "create it first with mkdir -p");
        }
        if (!Files.isWritable(parent)) {
            throw LabException.invalid("cannot write in directory " + parent, "check its permissions");
        }
    }

    @Override
    public void createDisk(DiskRequest r) {
        Path file = Path.of(r.path());
        Path tmp = temporary(file);
        try {
            Files.deleteIfExists(tmp);
            DiskImage img = r.backing().isPresent()
                    ? DiskImages.createOverlay(tmp, Path.of(r.backing().get()), r.size())
                    : DiskImages.create(tmp, r.format(), r.size());
            try {
                if (r.os().isPresent()) {
                    BootableDisks.lay(img, r.os().get(), r.firmware(), true);
                }
            } finally {
                img.close(); // fsyncs: the image is durable before the lab records it
            }
            publish(tmp, file);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e instanceof IOException io ? io("image " + file, io) : (RuntimeException) e;
        }
    }

    @Override
    public void convertDisk(String source, String target, ImageFormat format) {
        Path file = Path.of(target);
        Path tmp = temporary(file);
        // the source is held as qemu-img convert holds it: nobody may write it while it is copied
        DiskFiles.query(resolve(source), open.get(key(source)), OpenMode.READ, img -> {
            try {
                Files.deleteIfExists(tmp);
                ImageConverter.convert(img, tmp, format, Qcow2CreateOptions.DEFAULT_CLUSTER_SIZE, true);
                DiskFiles.query(tmp, null, OpenMode.INSPECT, copy -> null); // only an image that reads back appears
                publish(tmp, file);
            } catch (ImageException e) {
                deleteQuietly(tmp);
                throw LabException.invalid("cannot convert " + img.path() + ": " + e.getMessage(),
                        "disk check " + img.path() + " tells what is damaged");
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw new LabException(LabException.Kind.IO, "cannot convert " + img.path() + " to " + file + ": "
                        + e.getMessage(), "is the disk full? the target's directory must be writable", e);
            } catch (RuntimeException e) {
                deleteQuietly(tmp);
                throw e;
            }
            return null;
        });
    }

    /** Where a new image is written before it appears under its name (same directory: a rename, never a copy). */
    private static Path temporary(Path file) {
        return file.resolveSibling("." + file.getFileName() + ".hyperlab-new");
    }

    /** Gives a finished image its name at once, so a killed process never leaves half an image under that name. */
    private static void publish(Path tmp, Path file) throws IOException {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        try (FileChannel d = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the rename itself is atomic
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // the first failure is the one reported
        }
    }

    @Override
    public <T> T inspect(String path, ImageQuery<T> query) {
        return DiskFiles.query(resolve(path), open.get(key(path)), OpenMode.INSPECT, query);
    }

    /** The model path of {@code path}: relative for a file inside the lab directory, as the lab's own images are. */
    private String key(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute() && p.startsWith(dir)) {
            return dir.relativize(p).toString();
        }
        return path;
    }

    @Override
    public DiskImage open(String path) {
        return open(path, OpenMode.WRITE);
    }

    @Override
    public DiskImage attach(String path) {
        return open(path, OpenMode.ATTACH);
    }

    private DiskImage open(String path, OpenMode mode) {
        DiskImage img = open.get(path);
        if (img != null) {
            return img;
        }
        if (mode.writable() && readOnly.contains(path)) {
            mode = OpenMode.READ;
        }
        Path file = resolve(path);
        ImageFormat format = DiskFiles.requireImage(file);
        try {
            img = DiskImages.open(file, format, mode);
        } catch (ImageException e) {
            throw DiskFiles.refusal(file, e);
        } catch (IOException e) {
            throw LabException.invalid("cannot open image " + file + ": " + e.getMessage(),
                    "hyperlab reads qcow2 and raw images");
        }
        open.put(path, img);
        return img;
    }

    @Override
    public RepairReport repair(String path) {
        reopen(key(path)); // closed (its bitmaps stored) before the repair holds the file; opened again on next use
        Path file = resolve(path);
        try {
            return DiskImages.repair(file);
        } catch (CorruptImageException e) {
            throw LabException.invalid(e.getMessage(), "copy the image before anything else; qemu-img check -r all "
                    + "repairs no more than this, and qemu-img convert copies what can still be read");
        } catch (ImageLockedException e) {
            throw DiskFiles.refusal(file, e);
        } catch (ImageException e) {
            throw LabException.invalid("cannot repair image " + file + ": " + e.getMessage(),
                    "disk check tells what is damaged");
        } catch (IOException e) {
            throw io("image " + file, e);
        }
    }

    @Override
    public void trackWrites(String path) {
        if (!(open(path) instanceof Qcow2Image q) || Qcow2BitmapTracker.of(q).isPresent()) {
            return; // raw images have no bitmaps; an image that tracks already keeps its bitmap
        }
        try {
            Qcow2BitmapTracker.start(q);
            // on disk and fsynced from now on, marked in use while open as QEMU marks it (after a crash a backup sees
            // it cannot trust it); stored in place, not by closing and reopening, which opened the base image again
            q.storeBitmaps();
        } catch (IOException e) {
            throw io("the dirty bitmap of " + resolve(path), e);
        }
    }

    @Override
    public boolean writesGuestData() {
        return true;
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
                    "convert it to qcow2 (disk convert) and attach that instead");
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

    /** Makes durable what was written since the last save; an image nothing wrote to costs nothing. */
    @Override
    public void flush() {
        for (var e : open.entrySet()) {
            try {
                e.getValue().flush();
            } catch (IOException ex) {
                throw io("flushing " + e.getKey(), ex);
            }
        }
    }

    @Override
    public void close() {
        for (var e : new ArrayList<>(open.entrySet())) {
            try {
                e.getValue().close();
            } catch (IOException ex) {
                // closing after the last save: the image is already flushed
            }
        }
        open.clear();
    }

    private static LabException io(String what, IOException e) {
        if (e instanceof MissingGuestPackageException m) {
            return LabException.notFound("cannot build the tiny-linux guest for " + what + ": " + m.getMessage(),
                    "install the Debian package " + m.debianPackage());
        }
        if (e instanceof ImageLockedException) {
            return LabException.conflict("cannot write " + what + ": " + e.getMessage(), "close it there first");
        }
        if (e instanceof ImageException) { // the image refused (damaged, hostile, beyond a limit), not a failing disk
            return LabException.invalid("cannot write " + what + ": " + e.getMessage(), "disk info and disk check describe the image");
        }
        return new LabException(LabException.Kind.IO, "cannot write " + what + ": " + e.getMessage(),
                "is the disk full? the lab directory must be writable", e);
    }
}
