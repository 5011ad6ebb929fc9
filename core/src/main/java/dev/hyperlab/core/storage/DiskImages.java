package dev.hyperlab.core.storage;

import dev.hyperlab.core.storage.qcow2.Qcow2Checker;
import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.qcow2.Qcow2Repair;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The entry point to disk images: open, create, overlay, inspect and check, whatever the format. The engine and the
 * {@code disk} commands go through here; format-specific operations (snapshots, bitmaps) are on {@link Qcow2Image}.
 */
public final class DiskImages {
    private DiskImages() {}

    /** The format of an existing file: qcow2 when it starts with QEMU's magic, raw otherwise (as qemu-img probes). */
    public static ImageFormat probe(Path path) throws IOException {
        return ImageFormat.probe(path);
    }

    /** Opens an image of any supported format, with its backing chain. */
    public static DiskImage open(Path path, boolean readOnly) throws IOException {
        return open(path, probe(path), readOnly);
    }

    public static DiskImage open(Path path, ImageFormat format, boolean readOnly) throws IOException {
        return open(path, format, readOnly ? OpenMode.READ : OpenMode.WRITE);
    }

    /**
     * Opens an image as {@code mode} says: locked as QEMU locks it (refused while another process's lock conflicts),
     * and, to write, after the checks the mode asks for ({@link CorruptImageException} for a corrupt image, with
     * nothing written). The backing chain opens read-only.
     */
    public static DiskImage open(Path path, ImageFormat format, OpenMode mode) throws IOException {
        RegularFiles.require(path);
        return switch (format) {
            case QCOW2 -> Qcow2Image.open(path, mode, List.of());
            case RAW -> RawImage.open(path, mode);
        };
    }

    /** Opens a qcow2 image; fails with a clear message for anything else. */
    public static Qcow2Image openQcow2(Path path, boolean readOnly) throws IOException {
        if (probe(path) != ImageFormat.QCOW2) throw new ImageException(path + ": not a qcow2 image");
        return Qcow2Image.open(path, readOnly, List.of());
    }

    /** Creates an empty image of {@code size} bytes (qcow2 with 64 KiB clusters, or sparse raw). */
    public static DiskImage create(Path path, ImageFormat format, long size) throws IOException {
        return switch (format) {
            case QCOW2 -> Qcow2Image.create(path, Qcow2CreateOptions.ofSize(size));
            case RAW -> RawImage.create(path, size);
        };
    }

    public static Qcow2Image createQcow2(Path path, Qcow2CreateOptions options) throws IOException {
        return Qcow2Image.create(path, options);
    }

    /**
     * Creates a thin qcow2 overlay of {@code backing}: reads fall through to it, writes stay in the overlay. The name
     * is stored relative when both files share a directory (so a lab directory can move), absolute otherwise.
     */
    public static Qcow2Image createOverlay(Path overlay, Path backing) throws IOException {
        return createOverlay(overlay, backing, -1);
    }

    /** As {@link #createOverlay(Path, Path)}, {@code size} bytes large (-1: as large as the backing file). */
    public static Qcow2Image createOverlay(Path overlay, Path backing, long size) throws IOException {
        Path dir = overlay.toAbsolutePath().getParent();
        Path b = backing.toAbsolutePath();
        String name = dir != null && dir.equals(b.getParent()) ? b.getFileName().toString() : b.toString();
        return Qcow2Image.create(overlay, Qcow2CreateOptions.overlay(name, probe(backing)).withVirtualSize(size));
    }

    /** What {@code qemu-img info -U --output=json --backing-chain} reports (read while others may write). */
    public static ImageInfo info(Path path) throws IOException {
        try (DiskImage img = open(path, probe(path), OpenMode.INSPECT)) {
            return info(img);
        }
    }

    /** What {@code qemu-img info --backing-chain} reports of an open image: the chain is walked in a loop. */
    public static ImageInfo info(DiskImage img) throws IOException {
        List<ImageInfo> chain = new ArrayList<>();
        for (DiskImage b = below(img); b != null; b = below(b)) chain.add(layerInfo(b, List.of()));
        return layerInfo(img, chain);
    }

    private static DiskImage below(DiskImage img) {
        return img instanceof Qcow2Image q ? q.backing().orElse(null) : null;
    }

    /** One image's own fields, with {@code chain} (the images below it, nearest first). */
    private static ImageInfo layerInfo(DiskImage img, List<ImageInfo> chain) throws IOException {
        long actual = 0;
        for (SparseFiles.DataRun r : SparseFiles.dataRuns(img.path(), 0, Files.size(img.path()))) actual += r.end() - r.start();
        if (img instanceof Qcow2Image q) {
            Optional<String> full = q.backingFileName().map(n -> BackingChain.resolve(q.path(), n).toString());
            var spec = new ImageInfo.Qcow2Specific(q.version() >= 3 ? "1.1" : "0.10", q.compressionType(), q.lazyRefcounts(),
                    q.refcountBits(), q.markedCorrupt(), false, q.bitmaps());
            return new ImageInfo(q.path().toString(), ImageFormat.QCOW2, q.virtualSize(), actual, OptionalInt.of(q.clusterSize()),
                    q.backingFileName(), full, q.backingFormatName(), q.dirtyFlag(), q.snapshots(), Optional.of(spec), chain);
        }
        return new ImageInfo(img.path().toString(), img.format(), img.virtualSize(), actual, OptionalInt.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), false, List.of(), Optional.empty(), chain);
    }

    private static ImageInfo withoutChain(ImageInfo i) {
        return new ImageInfo(i.filename(), i.format(), i.virtualSize(), i.actualSize(), i.clusterSize(), i.backingFilename(),
                i.fullBackingFilename(), i.backingFormat(), i.dirtyFlag(), i.snapshots(), i.qcow2(), List.of());
    }

    /**
     * Checks an image's consistency (raw images have no metadata and are always clean). Changes nothing; reads while
     * others may write, as {@code qemu-img check -U} does.
     */
    public static CheckReport check(Path path) throws IOException {
        ImageFormat f = probe(path);
        if (f == ImageFormat.RAW) {
            return new CheckReport(path.toString(), f, 0, 0, 0, List.of(), 0, 0, Files.size(path));
        }
        try (Qcow2Image q = Qcow2Image.open(path, OpenMode.INSPECT, List.of())) {
            return Qcow2Checker.check(q);
        }
    }

    /**
     * Repairs an image's refcounts and COPIED flags as {@code qemu-img check -r all} does, holding it locked for
     * writing; refuses (changing nothing) when its mapping tables are damaged. A raw image has nothing to repair.
     */
    public static RepairReport repair(Path path) throws IOException {
        if (probe(path) == ImageFormat.RAW) {
            CheckReport clean = check(path);
            return new RepairReport(clean, clean, false);
        }
        return Qcow2Repair.repair(path);
    }

    /** Checks an open image (as its file is now: for a writer's image, what it has written so far). */
    public static CheckReport check(DiskImage img) throws IOException {
        if (img instanceof Qcow2Image q) {
            return Qcow2Checker.check(q);
        }
        return new CheckReport(img.path().toString(), img.format(), 0, 0, 0, List.of(), 0, 0, img.virtualSize());
    }
}
