package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.BackingChain;
import dev.hyperlab.core.storage.CorruptImageException;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A qcow2 image (QEMU docs/interop/qcow2.txt): reads versions 2 and 3, writes version 3.
 *
 * <p>Metadata is written through as it changes, in an order that keeps the file consistent at every step for a
 * process killed between any two writes: a new cluster's refcount before its data, its data before the L2 entry that
 * points to it, the L2 entry before the old cluster's refcount drops. Operations that must change many refcounts and
 * COPIED flags together (internal snapshots) set the dirty bit first; an image found dirty is repaired on open, by
 * hyperlab and by QEMU alike.
 *
 * <p>Nothing is written into an image before it has shown that its refcounts can be trusted ({@link Qcow2WriteGuard}):
 * the allocator hands out clusters whose refcount is 0, so a wrong refcount would put new data over old.
 */
public final class Qcow2Image implements DiskImage {
    private final HostFile file;
    private final Qcow2Header h;
    private final boolean readOnly;
    private final DiskImage backing;
    private final ClusterTables tables;
    private final ClusterReader reader;
    private final ClusterWriter writer;
    private final PersistentBitmaps bitmaps;
    private final InternalSnapshots snapshots;

    private Qcow2Image(HostFile file, Qcow2Header h, boolean readOnly, DiskImage backing) {
        this.file = file;
        this.h = h;
        this.readOnly = readOnly;
        this.backing = backing;
        this.tables = new ClusterTables(file, h);
        this.reader = new ClusterReader(tables, backing, backing instanceof Qcow2Image q ? q.reader : null);
        this.writer = new ClusterWriter(tables, reader);
        this.bitmaps = new PersistentBitmaps(tables);
        this.snapshots = new InternalSnapshots(tables, reader, writer, bitmaps);
    }

    // ------------------------------------------------------------------ open and create

    /** Opens a qcow2 image and its backing chain (read-only); {@code above} lists the real paths of the images above it. */
    public static Qcow2Image open(Path path, boolean readOnly, List<Path> above) throws IOException {
        return open(path, readOnly ? OpenMode.READ : OpenMode.WRITE, above);
    }

    /**
     * Opens a qcow2 image as {@code mode} says: locked against other writers as QEMU locks it, and, for writing, after
     * the checks {@code mode} asks for (a corrupt image is refused with a {@link CorruptImageException} and nothing
     * written). The backing chain opens read-only; {@code above} lists the real paths of the images above this one.
     */
    public static Qcow2Image open(Path path, OpenMode mode, List<Path> above) throws IOException {
        return open(path, mode, above, false);
    }

    /**
     * Opens an image for {@link Qcow2Repair}: locked for writing, but neither refused for being marked corrupt nor
     * checked, and with nothing written (not even the bitmaps' in-use flags) until the repair says it can be.
     */
    static Qcow2Image openForRepair(Path path) throws IOException {
        return open(path, OpenMode.WRITE, List.of(), true);
    }

    /**
     * The chain is walked down in a loop (each file opened and its header checked) and the images are then built
     * bottom up, so a chain as deep as {@link BackingChain#MAX_DEPTH} needs no deeper stack than one image.
     */
    private static Qcow2Image open(Path path, OpenMode mode, List<Path> above, boolean repairing) throws IOException {
        boolean readOnly = !mode.writable();
        List<HostFile> files = new ArrayList<>(); // opened, not yet owned by an image; top first
        List<Qcow2Header> headers = new ArrayList<>();
        DiskImage below = null; // built so far, bottom up; closing it closes everything under it
        try {
            Path p = path;
            List<Path> chain = above;
            long metadata = 0;
            while (true) {
                boolean top = files.isEmpty(); // only the top may be written
                HostFile f = HostFile.open(p, top ? mode : OpenMode.READ, false);
                files.add(f);
                Qcow2Header h = readHeader(f, readOnly || !top, repairing);
                headers.add(h);
                metadata += h.l1Size * 8L;
                if (metadata > BackingChain.MAX_METADATA_BYTES) {
                    throw new ImageException(path + ": the L1 tables of its backing chain take more than "
                            + (BackingChain.MAX_METADATA_BYTES >> 20) + " MiB");
                }
                if (h.backingFile == null) break;
                BackingChain.Link next = BackingChain.next(p, h.backingFile, recordedBackingFormat(p, h), chain);
                if (next.format() == ImageFormat.RAW) {
                    below = RawImage.open(next.path(), true);
                    break;
                }
                p = next.path();
                chain = next.above();
            }
            for (int i = files.size() - 1; i >= 0; i--) {
                Qcow2Image img = new Qcow2Image(files.remove(i), headers.get(i), readOnly || i > 0, below);
                below = img;
                img.load();
                metadata += SnapshotTable.encodedSize(img.snapshots.list());
                if (metadata > BackingChain.MAX_METADATA_BYTES) {
                    throw new ImageException(path + ": the L1 and snapshot tables of its backing chain take more than "
                            + (BackingChain.MAX_METADATA_BYTES >> 20) + " MiB");
                }
            }
            Qcow2Image top = (Qcow2Image) below;
            if (!readOnly && !repairing) top.openForWriting(mode == OpenMode.ATTACH);
            return top;
        } catch (IOException | RuntimeException e) {
            if (below instanceof Qcow2Image q) {
                q.closeQuietly();
            } else if (below != null) {
                closeQuietly(below);
            }
            for (HostFile f : files) closeQuietly(f);
            throw e;
        }
    }

    /** Reads and checks the header in the first cluster of {@code file}. */
    private static Qcow2Header readHeader(HostFile file, boolean readOnly, boolean repairing) throws IOException {
        Path path = file.path;
        // The first cluster holds the header and its extensions. 64 KiB (QEMU's default cluster) is read first and
        // the rest only for a larger cluster: reading 2 MiB at every open made each of a fleet's 1,000 overlays copy
        // 6 MiB (their base opened three times) and the collector reclaim as much.
        ByteBuffer first = ByteBuffer.allocate((int) Math.min(file.size(), 1 << 16));
        file.readFully(0, first, "header");
        first.flip();
        if (first.limit() >= 24) {
            int cluster = (int) Math.min(file.size(), 1 << Math.max(9, Math.min(21, first.getInt(20))));
            if (cluster > first.limit()) {
                ByteBuffer whole = ByteBuffer.allocate(cluster).put(first);
                file.readFully(whole.position(), whole, "header");
                first = whole.flip();
            } else {
                first.limit(cluster);
            }
        }
        Qcow2Header h = Qcow2Header.parse(path, first, file.size());
        if (!readOnly && h.version < 3) {
            throw new ImageException(path + ": qcow2 version 2 images are read-only in hyperlab (upgrade with qemu-img amend -o compat=1.1)");
        }
        if (!readOnly && !repairing && (h.incompatibleFeatures & Qcow2Header.INCOMPAT_CORRUPT) != 0) {
            throw new CorruptImageException(path + ": image is marked corrupt; nothing was written to it");
        }
        return h;
    }

    /** The backing file's format as the header extension records it; empty when not recorded (it is probed). */
    private static Optional<ImageFormat> recordedBackingFormat(Path path, Qcow2Header h) throws ImageException {
        if (h.backingFormat == null) return Optional.empty();
        return Optional.of(switch (h.backingFormat) {
            case "qcow2" -> ImageFormat.QCOW2;
            case "raw" -> ImageFormat.RAW;
            default -> throw new ImageException(path + ": backing file format '" + h.backingFormat + "' is not supported");
        });
    }

    /** Reads this layer's L1 table, snapshot table and bitmap directory. */
    private void load() throws IOException {
        tables.load();
        snapshots.load();
        bitmaps.load();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing after a failure: the first error is the one reported
        }
    }

    /** Opens {@code name}, the backing file of a new image at {@code image}, read-only with its own chain. */
    private static DiskImage openBacking(Path image, String name, Optional<ImageFormat> format) throws IOException {
        BackingChain.Link link = BackingChain.next(image, name, format, List.of());
        return switch (link.format()) {
            case QCOW2 -> open(link.path(), true, link.above());
            case RAW -> RawImage.open(link.path(), true);
        };
    }

    /** Creates a qcow2 v3 image; fails if {@code path} exists. The backing file, if any, must exist. */
    public static Qcow2Image create(Path path, Qcow2CreateOptions o) throws IOException {
        int cs = o.clusterSize();
        if (Integer.bitCount(cs) != 1 || cs < Qcow2CreateOptions.MIN_CLUSTER_SIZE || cs > Qcow2CreateOptions.MAX_CLUSTER_SIZE) {
            throw new ImageException(path + ": cluster size " + cs + " is not a power of two from 4 KiB to 2 MiB");
        }
        long size = o.virtualSize();
        if (size < 0 && o.backingFile().isEmpty()) throw new ImageException(path + ": a size is needed for an image without a backing file");
        // opened once, checked here and kept as the new image's backing: a fleet's overlays each opened their base
        // twice for this (once to check it, once more with the new image)
        DiskImage backing = o.backingFile().isEmpty() ? null : openBacking(path, o.backingFile().get(), o.backingFormat());
        try {
            return create(path, o, size < 0 ? backing.virtualSize() : size, backing);
        } catch (IOException | RuntimeException e) {
            if (backing != null) closeQuietly(backing);
            throw e;
        }
    }

    /** {@link #create(Path, Qcow2CreateOptions)} of {@code size} bytes over {@code backing}, open (or null). */
    private static Qcow2Image create(Path path, Qcow2CreateOptions o, long size, DiskImage backing) throws IOException {
        int cs = o.clusterSize();
        int bits = Integer.numberOfTrailingZeros(cs);
        Qcow2Header.requireAddressable(path.toString(), "virtual size", size, bits);
        long l1Entries = Qcow2Header.l1EntriesFor(size, bits);
        Qcow2Header h = new Qcow2Header();
        h.version = 3;
        h.clusterBits = bits;
        h.size = size;
        h.refcountOrder = 4;
        h.refcountTableOffset = cs;
        h.refcountTableClusters = 1;
        h.l1TableOffset = 3L * cs;
        h.l1Size = (int) l1Entries;
        h.headerLength = Qcow2Header.V3_LENGTH;
        h.backingFile = o.backingFile().orElse(null);
        h.backingFormat = o.backingFormat().map(ImageFormat::qemuName).orElse(null);
        long l1Clusters = Math.max(1, (l1Entries * 8 + cs - 1) / cs);
        if (Files.exists(path)) throw new ImageException(path + ": file already exists");
        try (HostFile file = HostFile.open(path, OpenMode.WRITE, true)) {
            file.write(0, h.encode());
            file.write(cs, ByteBuffer.allocate(8).putLong(0, 2L * cs)); // reftable[0] -> refcount block at cluster 2
            file.write(2L * cs, ByteBuffer.allocate(cs)); // the refcount block, filled in below
            file.extendTo(3L * cs);
            RefcountTable refs = RefcountTable.load(file, h, () -> file.write(0, h.encode()));
            refs.set(0, 3, 1);
            h.l1TableOffset = refs.allocate(l1Clusters); // may grow the refcount structures for very large L1s
            file.write(0, h.encode());
            file.force();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(path);
            throw e;
        }
        return openCreated(path, backing);
    }

    /**
     * Opens the image {@link #create} just wrote over {@code backing}, its chain already opened and checked (it is
     * the new image's from now on), as {@link #open} opens an image to write, the limit on the chain's tables included.
     */
    private static Qcow2Image openCreated(Path path, DiskImage backing) throws IOException {
        HostFile f = HostFile.open(path, OpenMode.WRITE, false);
        Qcow2Image img;
        try {
            img = new Qcow2Image(f, readHeader(f, false, false), false, backing);
            img.load();
        } catch (IOException | RuntimeException e) {
            closeQuietly(f); // the caller closes the backing chain
            throw e;
        }
        long metadata = 0;
        for (DiskImage layer = img; layer instanceof Qcow2Image q; layer = q.backing) {
            metadata += q.h.l1Size * 8L + SnapshotTable.encodedSize(q.snapshots.list());
        }
        try {
            if (metadata > BackingChain.MAX_METADATA_BYTES) {
                throw new ImageException(path + ": the L1 and snapshot tables of its backing chain take more than "
                        + (BackingChain.MAX_METADATA_BYTES >> 20) + " MiB");
            }
            img.openForWriting(false);
        } catch (IOException | RuntimeException e) {
            img.tables.markClosed(); // this layer only: the caller closes the backing chain
            closeQuietly(f);
            throw e;
        }
        return img;
    }

    /**
     * Makes sure the image can be written (a dirty one is repaired, as QEMU repairs it; one whose refcounts cannot be
     * trusted is refused; {@code fullCheck} checks every structure first), then loads its bitmaps for writing.
     */
    private void openForWriting(boolean fullCheck) throws IOException {
        tables.reloadRefcounts();
        if ((h.incompatibleFeatures & Qcow2Header.INCOMPAT_DIRTY) != 0) {
            RefcountRepair.repairRefcounts(tables, snapshots.list(), "image was not closed cleanly and cannot be repaired automatically");
            h.incompatibleFeatures &= ~Qcow2Header.INCOMPAT_DIRTY;
            tables.writeHeader();
        } else {
            Qcow2WriteGuard.verify(tables, snapshots.list(), fullCheck);
        }
        bitmaps.loadForWriting();
    }

    // ------------------------------------------------------------------ DiskImage

    @Override public Path path() { return file.path; }
    @Override public ImageFormat format() { return ImageFormat.QCOW2; }
    @Override public long virtualSize() { return h.size; }
    @Override public boolean readOnly() { return readOnly; }

    /** The cluster size in bytes. */
    public int clusterSize() { return tables.clusterSize; }

    /** 2 or 3. */
    public int version() { return h.version; }

    /** The backing image, if any (owned by this image and closed with it). */
    @Override
    public Optional<DiskImage> backing() { return Optional.ofNullable(backing); }

    /** The backing file name as stored in the header. */
    public Optional<String> backingFileName() { return Optional.ofNullable(h.backingFile); }

    /** The backing format recorded in the header extension. */
    public Optional<String> backingFormatName() { return Optional.ofNullable(h.backingFormat); }

    /** "zlib" or "zstd". */
    public String compressionType() { return h.compressionType == 1 ? "zstd" : "zlib"; }

    public int refcountBits() { return h.refcountBits(); }
    public boolean lazyRefcounts() { return (h.compatibleFeatures & Qcow2Header.COMPAT_LAZY_REFCOUNTS) != 0; }
    public boolean markedCorrupt() { return (h.incompatibleFeatures & Qcow2Header.INCOMPAT_CORRUPT) != 0; }
    public boolean dirtyFlag() { return (h.incompatibleFeatures & Qcow2Header.INCOMPAT_DIRTY) != 0; }

    /** Bytes written to the image file since it was opened, data and metadata (QEMU's {@code wr_bytes}). */
    public long bytesWritten() { return file.bytesWritten(); }

    /** Write requests issued to the image file since it was opened (QEMU's {@code wr_operations}). */
    public long writeOps() { return file.writeCalls(); }

    @Override
    public void read(long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        checkRange(offset, dst.remaining());
        reader.readVia(tables.l1(), offset, dst, true);
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        checkOpen();
        checkRange(offset, length);
        return reader.mapVia(tables.l1(), offset, length);
    }

    @Override
    public long bytesToAllocate(long offset, long length) throws IOException {
        checkOpen();
        checkRange(offset, length);
        return writer.bytesToAllocate(offset, length);
    }

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        bitmaps.recordWrite(offset, src.remaining());
        writer.writeAt(offset, src);
    }

    /**
     * Makes {@code [offset, offset+length)} read as zeros, giving whole clusters back (they become zero clusters over
     * a backing file, unallocated otherwise) and writing zeros into partial clusters at the edges.
     */
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        if (length == 0) return;
        bitmaps.recordWrite(offset, length);
        writer.discard(offset, length);
    }

    /** Grows the virtual disk to {@code newSize} bytes; the new part reads as zeros. Shrinking is refused. */
    public void resize(long newSize) throws IOException {
        checkWritable();
        if (newSize < h.size) throw new ImageException(file.path + ": shrinking a qcow2 image is not supported");
        if (!bitmaps.isEmpty() && newSize != h.size) {
            throw new ImageException(file.path + ": cannot resize an image with persistent bitmaps (remove them first, as QEMU requires)");
        }
        writer.grow(newSize);
    }

    @Override
    public void flush() throws IOException {
        checkOpen();
        // nothing written since the last fsync: nothing to make durable (a lab save flushes every open image)
        if (!readOnly && file.unsynced()) file.force();
    }

    @Override
    public void writeBack() throws IOException {
        if (!readOnly) file.writeBack();
    }

    /** Data clusters written whole from direct buffers go past the page cache; tables and headers do not. */
    @Override
    public boolean useDirectWrites() {
        return !readOnly && !tables.closed() && file.useDirectWrites();
    }

    @Override
    public void close() throws IOException {
        close(true);
    }

    @Override
    public void closeUnsynced() throws IOException {
        close(false);
    }

    private void close(boolean sync) throws IOException {
        if (tables.closed()) return;
        try {
            if (!readOnly) {
                bitmaps.storeIfLoaded(); // an image refused or never repaired gets nothing written
                if (sync && file.unsynced()) file.force();
            }
        } finally {
            closeQuietly();
        }
    }

    /** Releases this image's file and the chain below it (owned, read-only), level by level in a loop. */
    private void closeQuietly() {
        DiskImage layer = this;
        while (layer instanceof Qcow2Image q) {
            q.tables.markClosed();
            closeQuietly(q.file);
            layer = q.backing;
        }
        if (layer != null) closeQuietly(layer);
    }

    private void checkOpen() throws ImageException {
        tables.checkOpen();
    }

    private void checkWritable() throws ImageException {
        checkOpen();
        if (readOnly) throw new ImageException(file.path + ": image is open read-only");
    }

    private void checkRange(long offset, long length) throws ImageException {
        if (offset < 0 || length < 0 || offset + length > h.size || offset + length < 0) {
            throw new ImageException(file.path + ": range " + offset + "+" + length + " is outside the disk (size " + h.size + ")");
        }
    }

    // ------------------------------------------------------------------ internal snapshots ({@link InternalSnapshots})

    /** The internal snapshots, in table order. */
    public List<Qcow2Snapshot> snapshots() {
        return snapshots.list();
    }

    public Optional<Qcow2Snapshot> snapshot(String name) {
        return snapshots.find(name);
    }

    /**
     * Takes an internal snapshot named {@code name} of the disk as it is now, with {@code vmState} (may be empty)
     * saved past the end of the virtual disk as QEMU's savevm does.
     */
    public Qcow2Snapshot createSnapshot(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException {
        checkWritable();
        return snapshots.create(name, times, vmState);
    }

    /**
     * Reverts the disk (and its size) to snapshot {@code name}. Enabled bitmaps mark dirty the clusters the revert
     * changes.
     */
    public void applySnapshot(String name) throws IOException {
        checkWritable();
        snapshots.apply(name);
    }

    /** Deletes snapshot {@code name}, releasing the clusters only it referenced. */
    public void deleteSnapshot(String name) throws IOException {
        checkWritable();
        snapshots.delete(name);
    }

    /** Reads saved VM state of snapshot {@code name}, {@code dst.remaining()} bytes from {@code offset}. */
    public void readVmState(String name, long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        snapshots.readVmState(name, offset, dst);
    }

    /** The whole saved VM state of snapshot {@code name} (refused when it claims more than the file holds). */
    public byte[] readVmState(String name) throws IOException {
        checkOpen();
        return snapshots.readVmState(name);
    }

    /** Reads the disk as it was at snapshot {@code name}. */
    public void readSnapshot(String name, long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        snapshots.read(name, offset, dst);
    }

    /** How {@code [offset, offset + length)} of the disk as it was at snapshot {@code name} is stored. */
    public List<Extent> mapSnapshot(String name, long offset, long length) throws IOException {
        checkOpen();
        return snapshots.map(name, offset, length);
    }

    // ------------------------------------------------------------------ persistent dirty bitmaps ({@link PersistentBitmaps})

    /** The persistent dirty bitmaps, as {@code qemu-img info} lists them. */
    public List<BitmapInfo> bitmaps() {
        return bitmaps.list();
    }

    /** A copy of bitmap {@code name}'s bits. Fails for an inconsistent bitmap: its bits cannot be trusted. */
    public DirtyBitmap dirtyBitmap(String name) throws IOException {
        return bitmaps.copyOf(name);
    }

    /**
     * The granularity for a new bitmap on this disk: {@code preferred} (rounded up to a power of two), or the smallest
     * larger one whose bits take at most 16 MiB of memory; at most {@code largest}. Throws when even that would need more.
     */
    public long bitmapGranularityFor(long preferred, long largest) throws ImageException {
        return bitmaps.granularityFor(preferred, largest);
    }

    /** Adds an empty, enabled bitmap with {@code granularity} bytes per bit (a power of two, 512 B..2 GiB). */
    public void addBitmap(String name, long granularity) throws IOException {
        checkWritable();
        bitmaps.add(name, granularity);
    }

    /**
     * Writes the bitmaps to the file now and fsyncs it, as a close would, keeping the image open with them flagged in
     * use, as an open flags them: what closing and opening again leaves on disk, without reopening the backing chain.
     */
    public void storeBitmaps() throws IOException {
        checkWritable();
        bitmaps.storeKeepingOpen();
    }

    /** Clears every bit of {@code name} (after a backup copied what it marked); an inconsistent bitmap becomes usable. */
    public void clearBitmap(String name) throws IOException {
        checkWritable();
        bitmaps.clear(name);
    }

    /** Marks dirty in {@code target} every chunk that {@code source} marks dirty (granularities may differ). */
    public void mergeBitmap(String source, String target) throws IOException {
        checkWritable();
        bitmaps.merge(source, target);
    }

    /** Enables or disables recording of writes into {@code name}. */
    public void enableBitmap(String name, boolean enabled) throws IOException {
        checkWritable();
        bitmaps.enable(name, enabled);
    }

    /** Removes bitmap {@code name}. */
    public void removeBitmap(String name) throws IOException {
        checkWritable();
        bitmaps.remove(name);
    }

    // ------------------------------------------------------------------ for the check and the repair

    /** The file's tables, as the check and the repair read and set them right. */
    ClusterTables tables() { return tables; }

    /** Loads the bitmaps for writing after a repair (consistent now: the close stores them as any close does). */
    void loadBitmapsForWriting() throws IOException { bitmaps.loadForWriting(); }
}
