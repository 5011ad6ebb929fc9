package dev.hyperlab.core.engine.image;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.MemoryImage;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.RepairReport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Images held in memory: for labs without a directory and for scale runs, where 100,000 VMs read one shared base
 * layout per profile instead of opening 100,000 files. Such a lab reads files it is pointed at (an attached image, a
 * backing file, a conversion's source) but never writes one: images it creates, even at a path, live in memory.
 */
public final class MemoryImageStore implements ImageStore {
    private final Map<String, MemoryImage> images = new HashMap<>();
    private final Map<String, MemoryImage> bases = new HashMap<>();
    /** Snapshots kept in memory with the images (an in-memory lab is never saved, so neither are they). */
    private final Map<String, DiskSnapshots> snapshots = new HashMap<>();
    /** The format an image was made in, where not raw (a memory image has no format of its own). */
    private final Map<String, ImageFormat> formats = new HashMap<>();
    /** Host boot loaders laid once each (see {@link #hostLoader}), by file name, size, firmware layout and OS. */
    private final Map<LoaderKey, MemoryImage> hostLoaders = new HashMap<>();
    /** The same loaders, asked by identity: is a host disk's backing one of them ({@link #hostLoaderUnder})? */
    private final java.util.Set<MemoryImage> hostLoaderImages = java.util.Collections.newSetFromMap(
            new java.util.IdentityHashMap<>());

    /** What a host boot loader is laid for: the disk's file name, its size, the firmware layout and the OS. */
    private record LoaderKey(String file, long size, String firmware, String what) {
        // written out, as BootSearchMemo.HostKey's are: each of a storm's 10,000 installs looks one up
        @Override
        public boolean equals(Object o) {
            return o instanceof LoaderKey k && size == k.size && file.equals(k.file) && firmware.equals(k.firmware)
                    && what.equals(k.what);
        }

        @Override
        public int hashCode() {
            return ((file.hashCode() * 31 + Long.hashCode(size)) * 31 + firmware.hashCode()) * 31 + what.hashCode();
        }
    }
    /** Files opened read-only under memory overlays, closed with the store. */
    private final List<DiskImage> files = new ArrayList<>();

    @Override
    public DiskImage hostDisk(String host, String device, long size) {
        return images.computeIfAbsent(hostPath(host, device), p -> MemoryImage.blank(p, size));
    }

    @Override
    public boolean hasHostDisk(String host, String device) {
        return images.containsKey(hostPath(host, device));
    }

    @Override
    public java.util.Optional<String> hostDiskPath(String host, String device) {
        String path = hostPath(host, device);
        return images.containsKey(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    @Override
    public void deleteHostDisk(String host, String device) {
        images.remove(hostPath(host, device));
    }

    @Override
    public void installHostLoader(String host, String device, long size, String firmware, String what) {
        String path = hostPath(host, device);
        images.put(path, MemoryImage.overlay(path, hostLoader(path, size, firmware, what)));
    }

    /**
     * The boot loader {@code host install} lays on a host disk at {@code path}, as a read-only base that every host disk
     * given the same one overlays: the layout is seeded by the disk's file name (its device) and the OS, so the disks of
     * a storm's 10,000 hosts hold the same bytes, which were a 4 KiB chunk each. Laid once per device, size, firmware
     * layout and OS; its own name ends in the same file name, so its bytes are those a blank disk at {@code path} got.
     */
    MemoryImage hostLoader(String path, long size, String firmware, String what) {
        // its file name (a device's: host paths never end in a slash), without parsing a Path per host
        String file = path.substring(path.lastIndexOf('/') + 1);
        LoaderKey key = new LoaderKey(file, size, firmware, what);
        MemoryImage loader = hostLoaders.get(key); // no capturing lambda per host, as computeIfAbsent took
        if (loader == null) {
            MemoryImage b = MemoryImage.blank(DiskFiles.MEMORY_PREFIX + "host-loaders/" + firmware + "/" + what + "/"
                    + size + "/" + file, size);
            BootLayouts.write(b, firmware, what);
            loader = b.readOnlyView();
            hostLoaders.put(key, loader);
            hostLoaderImages.add(loader);
        }
        return loader;
    }

    @Override
    public Object hostDiskContent(String host, String device) {
        return hostLoaderUnder(images.get(hostPath(host, device)));
    }

    /** The host boot loader base {@code disk} reads through while nothing has been written to it, else null. */
    Object hostLoaderUnder(MemoryImage disk) {
        DiskImage base = disk == null ? null : disk.unwrittenBacking();
        return base instanceof MemoryImage m && m.virtualSize() == disk.virtualSize() && hostLoaderImages.contains(m)
                ? m : null;
    }

    /** The one of {@code bases} that {@code img} reads through, all of it, while nothing is written to it; else null. */
    private static Object unwrittenOver(MemoryImage img, java.util.Collection<MemoryImage> bases) {
        DiskImage base = img == null ? null : img.unwrittenBacking();
        if (base == null || base.virtualSize() != img.virtualSize()) {
            return null;
        }
        for (MemoryImage b : bases) {
            if (b == base) {
                return b;
            }
        }
        return null;
    }

    /** The base {@link #createOverlay} used last and what it was for: a storm's 100,000 overlays share one. */
    private OsProfile lastProfile;
    private String lastFirmware;
    private MemoryImage lastBase;

    @Override
    public String createOverlay(String vm, String device, OsProfile profile, String firmware) {
        // the base's path is built only for another profile or firmware (it was 19 MB of a storm's garbage)
        MemoryImage base = profile == lastProfile && firmware.equals(lastFirmware) ? lastBase : base(profile, firmware);
        String path = vmPath(vm, device);
        images.put(path, MemoryImage.overlay(path, base));
        return path;
    }

    /** The base image of {@code profile} booting with {@code firmware}, laid the first time it is asked for. */
    private MemoryImage base(OsProfile profile, String firmware) {
        String key = basePath(profile, firmware);
        MemoryImage base = bases.computeIfAbsent(key, k -> {
            // named as before paths were given to bases: the name seeds the layout's GUIDs, and scale runs stay as they were
            MemoryImage b = MemoryImage.blank("base/" + profile.id() + "@" + firmware, profile.imageSize());
            layQuietly(b, profile, firmware);
            return b.readOnlyView();
        });
        lastProfile = profile;
        lastFirmware = firmware;
        lastBase = base;
        return base;
    }

    /** Bases in memory hold the boot layout only: 100,000 VMs need it read, not 16 MiB of OS files each profile. */
    private static void layQuietly(MemoryImage image, OsProfile profile, String firmware) {
        try {
            BootableDisks.lay(image, profile, firmware, false);
        } catch (IOException e) {
            throw new UncheckedIOException("laying out " + image.path(), e);
        }
    }

    /** The base under {@code path} while that overlay is unwritten: bases are read-only and never replaced. */
    @Override
    public Object sharedContent(String path) {
        return unwrittenOver(images.get(path), bases.values());
    }

    @Override
    public String basePath(OsProfile profile, String firmware) {
        return DiskFiles.MEMORY_PREFIX + "images/" + profile.id() + "-" + firmware;
    }

    @Override
    public List<String> baseImages() {
        return bases.keySet().stream().sorted().toList();
    }

    @Override
    public String createBlank(String vm, String device, long size) {
        String path = vmPath(vm, device);
        images.put(path, MemoryImage.blank(path, size));
        return path;
    }

    @Override
    public String cloneDisk(String source, String vm, String device) {
        return cloneFrom((MemoryImage) open(source), vm, device);
    }

    /** {@link #cloneDisk} of an image this store or a fork of it holds. */
    String cloneFrom(MemoryImage source, String vm, String device) {
        String path = vmPath(vm, device);
        images.put(path, source.copyAs(path));
        return path;
    }

    @Override
    public String linkedDisk(String source, String vm, String device) {
        return linkedFrom(open(source), vm, device);
    }

    /** {@link #linkedDisk} over an image this store or a fork of it holds. */
    String linkedFrom(DiskImage source, String vm, String device) {
        String path = vmPath(vm, device);
        images.put(path, MemoryImage.overlay(path, source));
        formats.put(path, ImageFormat.QCOW2); // what the file store makes: a dry run says what the real run gives
        return path;
    }

    @Override
    public java.util.Optional<String> baseOf(String path) {
        for (var b = open(path).backing(); b.isPresent(); b = b.get().backing()) {
            for (Map.Entry<String, MemoryImage> e : bases.entrySet()) {
                if (e.getValue() == b.get()) {
                    return java.util.Optional.of(e.getKey()); // one base per image object: no order to depend on
                }
            }
        }
        return java.util.Optional.empty();
    }

    @Override
    public void requireNew(String path) {
        if (images.containsKey(path)
                || (!path.startsWith(DiskFiles.MEMORY_PREFIX) && Files.exists(Path.of(path), LinkOption.NOFOLLOW_LINKS))) {
            throw LabException.conflict(path + " exists", "a new image never replaces a file: choose another path");
        }
    }

    @Override
    public void createDisk(DiskRequest r) {
        MemoryImage img;
        if (r.backing().isPresent()) {
            DiskImage backing = open(r.backing().get());
            img = MemoryImage.overlay(r.path(), backing, r.size() < 0 ? backing.virtualSize() : r.size());
        } else {
            img = MemoryImage.blank(r.path(), r.size());
        }
        if (r.os().isPresent()) {
            layQuietly(img, r.os().get(), r.firmware());
        }
        images.put(r.path(), img);
        formats.put(r.path(), r.format());
    }

    @Override
    public void convertDisk(String source, String target, ImageFormat format) {
        inspect(source, img -> {
            copy(img, target, format);
            return null;
        });
    }

    /** A memory copy of {@code source} (read through its chain) at {@code target}: only its data is stored. */
    void copy(DiskImage source, String target, ImageFormat format) throws IOException {
        MemoryImage copy = MemoryImage.blank(target, source.virtualSize());
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        for (Extent e : source.map(0, source.virtualSize())) {
            for (long pos = e.offset(); e.data() && pos < e.end(); pos += buf.limit()) {
                buf.clear().limit((int) Math.min(buf.capacity(), e.end() - pos));
                source.read(pos, buf);
                copy.write(pos, buf.flip());
            }
        }
        images.put(target, copy);
        formats.put(target, format);
    }

    @Override
    public <T> T inspect(String path, ImageQuery<T> query) {
        return DiskFiles.query(Path.of(path), images.get(path), OpenMode.INSPECT, query);
    }

    /**
     * The image at {@code path}: one of this store's, or a file, read-only under a memory overlay (the guest may
     * write; the file never changes).
     */
    @Override
    public DiskImage open(String path) {
        MemoryImage img = images.get(path);
        if (img != null) {
            return img;
        }
        if (path.startsWith(DiskFiles.MEMORY_PREFIX)) {
            throw LabException.notFound("no image " + path + " in this in-memory lab", "disk list shows the images");
        }
        Path file = Path.of(path);
        ImageFormat format = DiskFiles.requireImage(file);
        try {
            DiskImage f = DiskImages.open(file, format, true);
            files.add(f);
            MemoryImage overlay = MemoryImage.overlay(path, f);
            images.put(path, overlay);
            formats.put(path, format);
            return overlay;
        } catch (ImageException e) {
            throw DiskFiles.refusal(file, e);
        } catch (IOException e) {
            throw LabException.invalid("cannot open image " + file + ": " + e.getMessage(),
                    "hyperlab reads qcow2 and raw images");
        }
    }

    /** A memory image has no metadata to repair; a file this lab only reads is not its to rewrite. */
    @Override
    public RepairReport repair(String path) {
        if (!images.containsKey(path) && !path.startsWith(DiskFiles.MEMORY_PREFIX)) {
            throw LabException.notAllowed("this lab lives in memory and writes no files, so it cannot repair " + path,
                    "repair it in a lab in a directory ({open.dir}), or with qemu-img check -r all");
        }
        CheckReport clean = inspect(path, DiskImages::check);
        return new RepairReport(clean, clean, false);
    }

    boolean has(String path) {
        return images.containsKey(path);
    }

    @Override
    public void delete(String path) {
        images.remove(path);
        snapshots.remove(path);
        formats.remove(path);
    }

    @Override
    public DiskSnapshots snapshots(String path) {
        open(path); // an unknown path fails here
        return snapshots.computeIfAbsent(path, p -> new MemoryDiskSnapshots(p, () -> images.get(p),
                img -> images.put(p, img), null));
    }

    @Override
    public String format(String path) {
        return formats.getOrDefault(path, ImageFormat.RAW).qemuName();
    }

    @Override
    public void close() {
        images.clear();
        bases.clear();
        lastProfile = null;
        lastBase = null;
        snapshots.clear();
        formats.clear();
        for (DiskImage f : files) {
            try {
                f.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
        files.clear();
    }

    private static String hostPath(String host, String device) {
        return DiskFiles.MEMORY_PREFIX + "hosts/" + host + "/" + device;
    }

    /** The path of VM {@code vm}'s disk {@code device}; another when a renamed VM's disk holds that one. */
    private String vmPath(String vm, String device) {
        String path = DiskFiles.MEMORY_PREFIX + "vms/" + vm + "/" + device;
        for (int n = 2; images.containsKey(path); n++) {
            path = DiskFiles.MEMORY_PREFIX + "vms/" + vm + "/" + device + "-" + n;
        }
        return path;
    }
}
