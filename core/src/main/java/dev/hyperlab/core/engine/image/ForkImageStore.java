package dev.hyperlab.core.engine.image;

import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.backup.ChangedBlockTracker;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.MemoryImage;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.RepairReport;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The images of a dry-run lab: every image of the original reads through, every write lands in memory, and images the
 * fork creates live only in memory. Nothing reaches the original's files.
 */
public final class ForkImageStore implements ImageStore {
    private final ImageStore original;
    private final MemoryImageStore own = new MemoryImageStore();
    /** The key of a host disk in {@link #overlays}, {@code host:HOST/DEVICE}: no file path of the lab starts so. */
    private static final String HOST = "host:";
    private final Map<String, MemoryImage> overlays = new HashMap<>();
    /** The fork's view of each image's snapshots: the original's, then its own; changes stay here. */
    private final Map<String, DiskSnapshots> snapshots = new HashMap<>();

    public ForkImageStore(ImageStore original) {
        this.original = original;
    }

    @Override
    public DiskImage hostDisk(String host, String device, long size) {
        // a disk the original has not made yet is blank here: asking the original for it would create its file
        return overlays.computeIfAbsent(HOST + host + "/" + device, k -> original.hasHostDisk(host, device)
                ? MemoryImage.overlay(k, original.hostDisk(host, device, size)) : MemoryImage.blank(k, size));
    }

    @Override
    public boolean hasHostDisk(String host, String device) {
        return overlays.containsKey(HOST + host + "/" + device) || original.hasHostDisk(host, device);
    }

    /** Whether {@code path} names a host disk of the fork's own, as {@link #hostDiskPath} gives it. */
    private boolean ownHostDisk(String path) {
        return path.startsWith(HOST) && overlays.containsKey(path);
    }

    /** The fork's own copy of the disk once it has one; until then the original's, which is what the fork reads. */
    @Override
    public Optional<String> hostDiskPath(String host, String device) {
        String k = HOST + host + "/" + device;
        return overlays.containsKey(k) ? Optional.of(k) : original.hostDiskPath(host, device);
    }

    @Override
    public void deleteHostDisk(String host, String device) {
        overlays.remove(HOST + host + "/" + device); // the original's file stays: a fork never changes it
    }

    @Override
    public void installHostLoader(String host, String device, long size, String firmware, String what) {
        String k = HOST + host + "/" + device;
        overlays.put(k, MemoryImage.overlay(k, own.hostLoader(k, size, firmware, what)));
    }

    @Override
    public Object hostDiskContent(String host, String device) {
        return own.hostLoaderUnder(overlays.get(HOST + host + "/" + device));
    }

    @Override
    public String createOverlay(String vm, String device, OsProfile profile, String firmware) {
        return own.createOverlay(vm, device, profile, firmware);
    }

    @Override
    public Object sharedContent(String path) {
        return own.has(path) ? own.sharedContent(path) : null;
    }

    @Override
    public String createBlank(String vm, String device, long size) {
        return own.createBlank(vm, device, size);
    }

    @Override
    public String cloneDisk(String source, String vm, String device) {
        return own.cloneFrom((MemoryImage) open(source), vm, device); // the original's files stay as they are
    }

    @Override
    public String linkedDisk(String source, String vm, String device) {
        return own.linkedFrom(open(source), vm, device); // the original's files stay as they are
    }

    @Override
    public java.util.Optional<String> baseOf(String path) {
        return own.has(path) ? own.baseOf(path) : original.baseOf(path);
    }

    /** Refused where the original would refuse it, and where this fork made an image already. */
    @Override
    public void requireNew(String path) {
        original.requireNew(path);
        own.requireNew(path);
    }

    @Override
    public void createDisk(DiskRequest request) {
        own.createDisk(request);
    }

    @Override
    public void convertDisk(String source, String target, ImageFormat format) {
        if (own.has(source)) {
            own.convertDisk(source, target, format);
        } else {
            original.inspect(source, img -> {
                own.copy(img, target, format);
                return null;
            });
        }
    }

    /**
     * A dry run writes no file: it says what a repair would start from (the check as the image is now), and the image
     * after the dry run is the image before it.
     */
    @Override
    public RepairReport repair(String path) {
        if (own.has(path)) {
            return own.repair(path);
        }
        CheckReport now = original.inspect(path, DiskImages::check);
        return new RepairReport(now, now, false);
    }

    /** The fork's own images as it made them; the original's as the original has them (the fork's writes unseen). */
    @Override
    public <T> T inspect(String path, ImageQuery<T> query) {
        if (ownHostDisk(path)) {
            return DiskFiles.query(java.nio.file.Path.of(path), overlays.get(path), OpenMode.INSPECT, query);
        }
        return own.has(path) ? own.inspect(path, query) : original.inspect(path, query);
    }

    @Override
    public List<String> baseImages() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(original.baseImages());
        all.addAll(own.baseImages());
        return List.copyOf(all);
    }

    @Override
    public String basePath(OsProfile profile, String firmware) {
        return original.basePath(profile, firmware);
    }

    @Override
    public String displayPath(String path) {
        return own.has(path) || ownHostDisk(path) ? path : original.displayPath(path);
    }

    @Override
    public DiskImage open(String path) {
        if (own.has(path)) {
            return own.open(path);
        }
        return overlays.computeIfAbsent(path, p -> MemoryImage.overlay(p, original.open(p)));
    }

    /**
     * The original's tracker, read only: a dry run predicts an incremental backup from the bits the real one would
     * read (the fork writes no guest data, so nothing it does adds to them), and never restarts the bitmap.
     */
    @Override
    public Optional<ChangedBlockTracker> tracker(String path) {
        if (own.has(path)) {
            return own.tracker(path);
        }
        return original.tracker(path).map(t -> new ChangedBlockTracker() {
            @Override
            public int granularity() {
                return t.granularity();
            }

            @Override
            public Optional<String> since() {
                return t.since();
            }

            @Override
            public boolean consistent() {
                return t.consistent();
            }

            @Override
            public List<ByteRange> changed() throws IOException {
                return t.changed();
            }

            @Override
            public void restart(String backupId) {
                throw new IllegalStateException("a dry run restarts no dirty bitmap");
            }
        });
    }

    @Override
    public DiskImage attach(String path) {
        if (own.has(path)) {
            return own.open(path);
        }
        return overlays.computeIfAbsent(path, p -> MemoryImage.overlay(p, original.attach(p)));
    }

    @Override
    public void delete(String path) {
        own.delete(path);
        overlays.remove(path);
        snapshots.remove(path);
    }

    @Override
    public DiskSnapshots snapshots(String path) {
        if (own.has(path)) {
            return own.snapshots(path);
        }
        DiskSnapshots s = snapshots.get(path);
        if (s == null) {
            DiskSnapshots originals = original.snapshots(path); // refuses what the original refuses (raw images)
            open(path);
            s = new MemoryDiskSnapshots(path, () -> overlays.get(path), img -> overlays.put(path, img), originals);
            snapshots.put(path, s);
        }
        return s;
    }

    @Override
    public String format(String path) {
        if (path.startsWith(HOST)) {
            return ImageFormat.RAW.qemuName(); // a host's disks are raw, as every store makes them
        }
        return own.has(path) ? own.format(path) : original.format(path);
    }

    @Override
    public void close() {
        own.close();
        overlays.clear();
        snapshots.clear();
    }
}
