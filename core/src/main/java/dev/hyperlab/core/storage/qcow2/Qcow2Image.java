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
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
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
    private final int clusterBits;
    private final int clusterSize;
    private final int l2Bits;
    /** Log2 of the bytes one L1 entry maps. */
    private final int l1EntryBits;
    private final DiskImage backing;
    private final L2Cache l2Cache;
    private final CompressedClusters compressed;
    private long[] l1;
    private RefcountTable refs;
    private List<Qcow2Snapshot> snapshots;
    private final List<BitmapState> bitmaps = new ArrayList<>();
    private byte[] lastInflated; // the last compressed cluster inflated, null when none (any entry value may be hostile)
    private long lastInflatedEntry;
    private boolean closed;
    /** The bitmaps were loaded for writing (and flagged in use on disk): a close stores them. */
    private boolean bitmapsLoaded;

    /** A bitmap while the image is open: its directory entry and, once loaded for writing, its bits. */
    private static final class BitmapState {
        BitmapDirectory.Entry entry;
        DirtyBitmap bits; // null when not loaded or inconsistent
        boolean inconsistent;
        boolean stored; // entry's table and data are on disk and still describe the bits

        BitmapState(BitmapDirectory.Entry entry) {
            this.entry = entry;
        }

        boolean enabled() {
            return (entry.flags() & BitmapDirectory.FLAG_AUTO) != 0;
        }
    }

    private Qcow2Image(HostFile file, Qcow2Header h, boolean readOnly, DiskImage backing) {
        this.file = file;
        this.h = h;
        this.readOnly = readOnly;
        this.clusterBits = h.clusterBits;
        this.clusterSize = h.clusterSize();
        this.l2Bits = clusterBits - 3;
        this.l1EntryBits = Qcow2Header.l1EntryBits(clusterBits);
        this.backing = backing;
        this.l2Cache = new L2Cache(clusterSize);
        this.compressed = new CompressedClusters(file.path.toString(), h.compressionType, clusterSize);
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
                metadata += SnapshotTable.encodedSize(img.snapshots);
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
        ByteBuffer first = ByteBuffer.allocate((int) Math.min(file.size(), 1 << 21));
        file.readFully(0, first, "header");
        first.flip();
        if (first.limit() >= 24) first.limit(Math.min(first.limit(), 1 << Math.max(9, Math.min(21, first.getInt(20)))));
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
        l1 = readL1(h.l1TableOffset, h.l1Size, "L1 table");
        snapshots = SnapshotTable.read(file, h);
        if (h.bitmaps != null) {
            for (BitmapDirectory.Entry e : BitmapDirectory.read(file, h)) {
                BitmapState s = new BitmapState(e);
                s.inconsistent = (e.flags() & BitmapDirectory.FLAG_IN_USE) != 0;
                s.stored = true;
                bitmaps.add(s);
            }
        }
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
        if (size < 0) {
            if (o.backingFile().isEmpty()) throw new ImageException(path + ": a size is needed for an image without a backing file");
            try (DiskImage b = openBacking(path, o.backingFile().get(), o.backingFormat())) {
                size = b.virtualSize();
            }
        } else if (o.backingFile().isPresent()) {
            openBacking(path, o.backingFile().get(), o.backingFormat()).close();
        }
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
        return open(path, false, List.of());
    }

    /**
     * Makes sure the image can be written (a dirty one is repaired, as QEMU repairs it; one whose refcounts cannot be
     * trusted is refused; {@code fullCheck} checks every structure first), then loads its bitmaps for writing.
     */
    private void openForWriting(boolean fullCheck) throws IOException {
        refs = RefcountTable.load(file, h, this::writeHeader);
        if ((h.incompatibleFeatures & Qcow2Header.INCOMPAT_DIRTY) != 0) {
            Qcow2Repair.repairRefcounts(this, "image was not closed cleanly and cannot be repaired automatically");
            h.incompatibleFeatures &= ~Qcow2Header.INCOMPAT_DIRTY;
            writeHeader();
        } else {
            Qcow2WriteGuard.verify(this, fullCheck);
        }
        loadBitmapsForWriting();
    }

    /** Loads every consistent bitmap's bits and flags it in use on disk, so a crash before close leaves it untrusted. */
    void loadBitmapsForWriting() throws IOException {
        boolean marked = false;
        for (BitmapState s : bitmaps) {
            if (s.inconsistent) continue;
            s.bits = loadBits(s);
            // In use while open, as QEMU marks it: a crash before close leaves it flagged inconsistent, never trusted.
            s.entry = s.entry.withFlags(s.entry.flags() | BitmapDirectory.FLAG_IN_USE);
            marked = true;
        }
        if (marked) rewriteBitmapDirectoryInPlace();
        bitmapsLoaded = true;
    }

    private void rewriteBitmapDirectoryInPlace() throws IOException {
        List<BitmapDirectory.Entry> entries = new ArrayList<>();
        for (BitmapState s : bitmaps) if (s.stored) entries.add(s.entry);
        ByteBuffer dir = BitmapDirectory.encode(entries);
        if (h.bitmaps == null || dir.remaining() != h.bitmaps.directorySize()) throw new IllegalStateException("bitmap directory changed shape");
        // Only flag words change, so each entry's bytes stay in place; entries are written one by one (each < 1 page).
        long pos = h.bitmaps.directoryOffset();
        for (BitmapDirectory.Entry e : entries) {
            file.write(pos + 12, ByteBuffer.allocate(4).putInt(0, e.flags()));
            pos += e.encodedSize();
        }
    }

    private void writeHeader() throws IOException {
        ByteBuffer b = h.encode();
        file.write(0, b);
    }

    private long[] readL1(long offset, int entries, String what) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(entries * 8);
        file.readFully(offset, b, what);
        long[] t = new long[entries];
        for (int i = 0; i < entries; i++) t[i] = b.getLong(i * 8);
        return t;
    }

    // ------------------------------------------------------------------ DiskImage

    @Override public Path path() { return file.path; }
    @Override public ImageFormat format() { return ImageFormat.QCOW2; }
    @Override public long virtualSize() { return h.size; }
    @Override public boolean readOnly() { return readOnly; }

    /** The cluster size in bytes. */
    public int clusterSize() { return clusterSize; }

    /** 2 or 3. */
    public int version() { return h.version; }

    /** The backing image, if any (owned by this image and closed with it). */
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
        readVia(l1, offset, dst, true);
    }

    /** A part of a read that the layers above leave unallocated, for {@code layer} to fill. */
    private record Below(DiskImage layer, long offset, ByteBuffer dst) {}

    /**
     * Reads through the mapping of {@code table} (the active L1 or a snapshot's), with no bound on the offset. What
     * this layer leaves unallocated is read from the chain below in a loop, level by level, never by a recursion per
     * level (a chain may be {@link BackingChain#MAX_DEPTH} deep).
     */
    private void readVia(long[] table, long offset, ByteBuffer dst, boolean useBacking) throws IOException {
        ArrayDeque<Below> pending = new ArrayDeque<>();
        readLayer(table, offset, dst, useBacking ? backing : null, pending);
        while (!pending.isEmpty()) {
            Below b = pending.poll();
            if (b.layer() instanceof Qcow2Image q) {
                q.checkOpen();
                q.readLayer(q.l1, b.offset(), b.dst(), q.backing, pending);
            } else {
                b.layer().read(b.offset(), b.dst());
            }
        }
    }

    /** Fills what this layer stores of {@code dst}; what it leaves unallocated is queued for {@code next}, or zeroed. */
    private void readLayer(long[] table, long offset, ByteBuffer dst, DiskImage next, Deque<Below> pending) throws IOException {
        while (dst.hasRemaining()) {
            Run r = lookup(table, offset, dst.remaining());
            int n = (int) r.length;
            ByteBuffer part = dst.slice(dst.position(), n);
            switch (r.kind) {
                case DATA -> {
                    int got = file.readUpTo(r.host, part);
                    zero(part, got, n);
                }
                case ZERO -> zero(part, 0, n);
                case UNALLOCATED -> {
                    long avail = next != null ? Math.max(0, Math.min(n, next.virtualSize() - offset)) : 0;
                    if (avail > 0) pending.add(new Below(next, offset, part.slice(0, (int) avail)));
                    zero(part, (int) avail, n);
                }
                case COMPRESSED -> {
                    byte[] c = inflate(r.entry);
                    part.put(0, c, (int) (offset & (clusterSize - 1)), n);
                }
            }
            dst.position(dst.position() + n);
            offset += n;
        }
    }

    private static final byte[] ZEROS = new byte[64 * 1024];

    private static void zero(ByteBuffer b, int from, int to) {
        if (b.hasArray()) {
            java.util.Arrays.fill(b.array(), b.arrayOffset() + from, b.arrayOffset() + to, (byte) 0);
            return;
        }
        for (int i = from; i < to; i += ZEROS.length) b.put(i, ZEROS, 0, Math.min(ZEROS.length, to - i));
    }

    private byte[] inflate(long entry) throws IOException {
        if (lastInflated != null && entry == lastInflatedEntry) return lastInflated;
        long off = L2Entry.compressedOffset(entry, clusterBits);
        long len = L2Entry.compressedLength(entry, clusterBits);
        if (off <= 0 || off >= file.size()) {
            throw new ImageException(file.path + ": compressed cluster at 0x" + Long.toHexString(off) + " lies past the end of the file (image is damaged)");
        }
        len = Math.min(len, Math.min(file.size() - off, 2L * clusterSize + 1024));
        byte[] in = new byte[(int) len];
        file.readUpTo(off, ByteBuffer.wrap(in));
        byte[] out = new byte[clusterSize];
        compressed.decompress(in, in.length, out, off);
        lastInflated = out;
        lastInflatedEntry = entry;
        return out;
    }

    /** A run of guest bytes stored the same way, within one L2 table (host-contiguous for DATA). */
    private record Run(L2Entry.Kind kind, long length, long host, long entry) {}

    private Run lookup(long[] table, long offset, long maxLen) throws IOException {
        long l1i = offset >>> l1EntryBits;
        long spanEnd = (l1i + 1) << l1EntryBits;
        long limit = Math.min(maxLen, spanEnd - offset);
        if (l1i >= table.length) return new Run(L2Entry.Kind.UNALLOCATED, limit, 0, 0);
        long l2Offset = L2Entry.offset(table[(int) l1i]);
        if (l2Offset == 0) return new Run(L2Entry.Kind.UNALLOCATED, limit, 0, 0);
        long[] l2 = loadL2(l2Offset);
        int i = l2Index(offset);
        long e = l2[i];
        L2Entry.Kind kind = L2Entry.kind(e, h.version);
        long intra = offset & (clusterSize - 1);
        long len = clusterSize - intra;
        if (kind == L2Entry.Kind.COMPRESSED) return new Run(kind, Math.min(len, limit), 0, e);
        long host = kind == L2Entry.Kind.DATA ? dataOffset(e) : 0;
        for (int j = i + 1; len < limit && j < l2.length; j++) {
            long e2 = l2[j];
            if (L2Entry.kind(e2, h.version) != kind) break;
            if (kind == L2Entry.Kind.DATA && L2Entry.offset(e2) != host + (long) (j - i) * clusterSize) break;
            len += clusterSize;
        }
        return new Run(kind, Math.min(len, limit), host + (kind == L2Entry.Kind.DATA ? intra : 0), e);
    }

    private long dataOffset(long entry) throws ImageException {
        long off = L2Entry.offset(entry);
        if ((off & (clusterSize - 1)) != 0) {
            throw new ImageException(file.path + ": data cluster offset 0x" + Long.toHexString(off) + " is not a cluster boundary (image is damaged)");
        }
        if (off >= file.size()) {
            throw new ImageException(file.path + ": data cluster at 0x" + Long.toHexString(off) + " lies past the end of the file (image is damaged)");
        }
        return off;
    }

    private int l2Index(long offset) {
        return (int) ((offset >>> clusterBits) & ((1L << l2Bits) - 1));
    }

    long[] loadL2(long offset) throws IOException {
        long[] t = l2Cache.get(offset);
        if (t != null) return t;
        if ((offset & (clusterSize - 1)) != 0) {
            throw new ImageException(file.path + ": L2 table offset 0x" + Long.toHexString(offset) + " is not a cluster boundary (image is damaged)");
        }
        ByteBuffer b = ByteBuffer.allocate(clusterSize);
        file.readFully(offset, b, "L2 table");
        b.flip();
        t = new long[clusterSize / 8];
        b.asLongBuffer().get(t);
        l2Cache.put(offset, t);
        return t;
    }

    @Override
    public List<Extent> map(long offset, long length) throws IOException {
        checkOpen();
        checkRange(offset, length);
        return mapVia(l1, offset, length);
    }

    /** How {@code [offset, offset + length)} of the disk as it was at snapshot {@code name} is stored. */
    public List<Extent> mapSnapshot(String name, long offset, long length) throws IOException {
        checkOpen();
        Qcow2Snapshot s = requireUsableSnapshot(name);
        if (offset < 0 || length < 0 || offset > s.diskSize() - length) throw new ImageException(file.path + ": range is outside snapshot '" + name + "'");
        return mapVia(readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table"), offset, length);
    }

    /** Where a map stands in one layer of the chain: the layer, its table, its depth below the top, the range left. */
    private static final class MapFrame {
        final DiskImage layer;
        final long[] table;
        final int depth;
        long pos;
        final long end;

        MapFrame(DiskImage layer, long[] table, int depth, long pos, long end) {
            this.layer = layer;
            this.table = table;
            this.depth = depth;
            this.pos = pos;
            this.end = end;
        }
    }

    /**
     * How {@code [offset, offset+length)} is stored through {@code table} and the chain below. The walk keeps its own
     * stack of layers (one frame per level it is inside), so extents come out in order and a chain
     * {@link BackingChain#MAX_DEPTH} deep needs no deeper call stack than one image.
     */
    private List<Extent> mapVia(long[] table, long offset, long length) throws IOException {
        List<Extent> out = new ArrayList<>();
        ArrayDeque<MapFrame> stack = new ArrayDeque<>();
        stack.push(new MapFrame(this, table, 0, offset, offset + length));
        while (!stack.isEmpty()) {
            MapFrame f = stack.peek();
            if (f.pos >= f.end) {
                stack.pop();
                continue;
            }
            if (!(f.layer instanceof Qcow2Image q)) {
                for (Extent e : f.layer.map(f.pos, f.end - f.pos)) add(out, new Extent(e.offset(), e.length(), e.data(), e.depth() + f.depth));
                stack.pop();
                continue;
            }
            Run r = q.lookup(f.table, f.pos, f.end - f.pos);
            long len = r.length;
            switch (r.kind) {
                case DATA, COMPRESSED -> add(out, new Extent(f.pos, len, true, f.depth));
                case ZERO -> add(out, new Extent(f.pos, len, false, f.depth));
                case UNALLOCATED -> {
                    DiskImage next = q.backing;
                    long inNext = next == null ? 0 : Math.max(0, Math.min(len, next.virtualSize() - f.pos));
                    if (inNext > 0) { // the layer below says, then this frame goes on past it
                        if (next instanceof Qcow2Image n) n.checkOpen();
                        stack.push(new MapFrame(next, next instanceof Qcow2Image n ? n.l1 : null, f.depth + 1, f.pos, f.pos + inNext));
                        len = inNext;
                    } else {
                        add(out, new Extent(f.pos, len, false, f.depth));
                    }
                }
            }
            f.pos += len;
        }
        return out;
    }

    private static void add(List<Extent> out, Extent e) {
        if (!out.isEmpty()) {
            Extent last = out.getLast();
            if (last.end() == e.offset() && last.data() == e.data() && last.depth() == e.depth()) {
                out.set(out.size() - 1, new Extent(last.offset(), last.length() + e.length(), e.data(), e.depth()));
                return;
            }
        }
        out.add(e);
    }

    /**
     * Clusters of the range a write would allocate: every one not held in place (unallocated, zero, compressed, or
     * shared with a snapshot: without the COPIED flag), each L2 table the range needs that is missing or shared, and
     * the refcount blocks that count them (at most one more than they fill, as the new ones may straddle a block).
     */
    @Override
    public long bytesToAllocate(long offset, long length) throws IOException {
        checkOpen();
        checkRange(offset, length);
        if (length == 0) return 0;
        long n = 0;
        long last = (offset + length - 1) >>> clusterBits;
        for (long c = offset >>> clusterBits; c <= last; ) {
            long l1i = c >>> l2Bits;
            long tableEnd = Math.min(last + 1, (l1i + 1) << l2Bits);
            long l1e = l1i < l1.length ? l1[(int) l1i] : 0;
            long l2Offset = L2Entry.offset(l1e);
            if (l2Offset == 0 || (l1e & L2Entry.COPIED) == 0) {
                n += clusterSize; // a new L2 table (or a copy of a shared one)
            }
            long[] l2 = l2Offset == 0 ? null : loadL2(l2Offset);
            for (; c < tableEnd; c++) {
                if (l2 == null || !inPlace(l2[l2Index(c << clusterBits)])) n += clusterSize;
            }
        }
        long perRefcountBlock = (long) clusterSize * 8 / h.refcountBits();
        return n == 0 ? 0 : n + clusterSize * (1 + n / clusterSize / perRefcountBlock);
    }

    // ------------------------------------------------------------------ writing

    @Override
    public void write(long offset, ByteBuffer src) throws IOException {
        checkWritable();
        checkRange(offset, src.remaining());
        recordWrite(offset, src.remaining());
        writeAt(offset, src);
    }

    private void recordWrite(long offset, long length) {
        for (BitmapState s : bitmaps) if (s.bits != null && s.enabled()) s.bits.setRange(offset, length);
    }

    private void writeAt(long offset, ByteBuffer src) throws IOException {
        while (src.hasRemaining()) {
            long l1i = offset >>> l1EntryBits;
            long spanEnd = (l1i + 1) << l1EntryBits;
            int chunk = (int) Math.min(src.remaining(), spanEnd - offset);
            long l2Offset = writableL2((int) l1i);
            writeInL2(l2Offset, offset, src.slice(src.position(), chunk));
            src.position(src.position() + chunk);
            offset += chunk;
        }
    }

    private boolean inPlace(long e) {
        return (e & L2Entry.COPIED) != 0 && L2Entry.kind(e, h.version) == L2Entry.Kind.DATA;
    }

    private void writeInL2(long l2Offset, long offset, ByteBuffer part) throws IOException {
        long[] l2 = loadL2(l2Offset);
        long end = offset + part.remaining();
        long c = offset >>> clusterBits;
        long last = (end - 1) >>> clusterBits;
        while (c <= last) {
            long e = l2[l2Index(c << clusterBits)];
            boolean here = inPlace(e);
            long runEnd = c + 1;
            while (runEnd <= last) {
                long e2 = l2[l2Index(runEnd << clusterBits)];
                if (here ? !(inPlace(e2) && L2Entry.offset(e2) == L2Entry.offset(e) + ((runEnd - c) << clusterBits)) : inPlace(e2)) break;
                runEnd++;
            }
            long from = Math.max(offset, c << clusterBits);
            long to = Math.min(end, runEnd << clusterBits);
            ByteBuffer data = part.slice((int) (from - offset), (int) (to - from));
            if (here) {
                file.write(dataOffset(e) + (from - (c << clusterBits)), data);
            } else {
                allocateAndWrite(l2Offset, l2, c, runEnd, from, data);
            }
            c = runEnd;
        }
    }

    /** Clusters {@code [c0, c1)} get fresh host clusters holding their old contents overlaid with {@code data}. */
    private void allocateAndWrite(long l2Offset, long[] l2, long c0, long c1, long from, ByteBuffer data) throws IOException {
        long n = c1 - c0;
        long host = refs.allocate(n);
        long base = c0 << clusterBits;
        int head = (int) (from - base);
        int tail = (int) ((c1 << clusterBits) - (from + data.remaining()));
        if (n == 1 && (head > 0 || tail > 0)) {
            ByteBuffer buf = oldCluster(c0);
            buf.put(head, data, data.position(), data.remaining());
            file.write(host, buf);
        } else {
            long at = host;
            if (head > 0) {
                ByteBuffer buf = oldCluster(c0);
                int take = clusterSize - head;
                buf.put(head, data, data.position(), take);
                file.write(at, buf);
                data.position(data.position() + take);
                at += clusterSize;
            }
            int middle = data.remaining() - (tail > 0 ? clusterSize - tail : 0);
            file.write(at, data.slice(data.position(), middle));
            data.position(data.position() + middle);
            at += middle;
            if (tail > 0) {
                ByteBuffer buf = oldCluster(c1 - 1);
                buf.put(0, data, data.position(), data.remaining());
                file.write(at, buf);
            }
        }
        long[] old = new long[(int) n];
        int i0 = l2Index(base);
        for (int k = 0; k < n; k++) {
            old[k] = l2[i0 + k];
            l2[i0 + k] = (host + ((long) k << clusterBits)) | L2Entry.COPIED;
        }
        writeL2Entries(l2Offset, l2, i0, (int) n);
        for (long e : old) releaseEntry(e);
    }

    /** What the guest sees in guest cluster {@code c} now, as a cluster-sized buffer. */
    private ByteBuffer oldCluster(long c) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(clusterSize);
        readVia(l1, c << clusterBits, buf, true);
        return buf.clear();
    }

    private void writeL2Entries(long l2Offset, long[] l2, int first, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n * 8);
        for (int k = 0; k < n; k++) b.putLong(k * 8, l2[first + k]);
        file.write(l2Offset + first * 8L, b);
    }

    /** Drops the references an L2 entry held, after the entry itself was overwritten. */
    private void releaseEntry(long e) throws IOException {
        switch (L2Entry.kind(e, h.version)) {
            case DATA -> refs.release(L2Entry.offset(e), 1);
            case ZERO -> { if (L2Entry.offset(e) != 0) refs.release(L2Entry.offset(e), 1); }
            case COMPRESSED -> {
                long off = L2Entry.compressedOffset(e, clusterBits) & ~511L;
                long endByte = L2Entry.compressedOffset(e, clusterBits) + L2Entry.compressedLength(e, clusterBits);
                long first = off >>> clusterBits;
                refs.adjust(first, ((endByte - 1) >>> clusterBits) - first + 1, -1);
            }
            case UNALLOCATED -> { }
        }
    }

    /** The host offset of a writable L2 table for L1 index {@code l1i}: allocated, or copied if a snapshot shares it. */
    private long writableL2(int l1i) throws IOException {
        if (l1i >= l1.length) growL1(l1i + 1);
        long e = l1[l1i];
        long old = L2Entry.offset(e);
        if (old != 0 && (e & L2Entry.COPIED) != 0) return old;
        long[] content = old == 0 ? new long[clusterSize / 8] : loadL2(old).clone();
        long fresh = refs.allocate(1);
        ByteBuffer b = ByteBuffer.allocate(clusterSize);
        b.asLongBuffer().put(content);
        file.write(fresh, b);
        l2Cache.put(fresh, content);
        setL1(l1i, fresh | L2Entry.COPIED);
        if (old != 0) {
            refs.release(old, 1);
            l2Cache.remove(old);
        }
        return fresh;
    }

    private void setL1(int l1i, long entry) throws IOException {
        l1[l1i] = entry;
        file.write(h.l1TableOffset + l1i * 8L, ByteBuffer.allocate(8).putLong(0, entry));
    }

    /** Moves the active L1 table to a larger one: new table written, header switched in one write, old released. */
    private void growL1(int entries) throws IOException {
        if ((long) entries * 8 > Qcow2Header.MAX_L1_BYTES) throw new ImageException(file.path + ": L1 table would exceed 32 MiB");
        long[] bigger = java.util.Arrays.copyOf(l1, entries);
        long oldOffset = h.l1TableOffset;
        long oldClusters = clustersFor(l1.length * 8L);
        long at = writeTable(bigger);
        l1 = bigger;
        h.l1TableOffset = at;
        h.l1Size = entries;
        writeHeader();
        if (oldClusters > 0 && oldOffset != 0) refs.release(oldOffset, oldClusters);
    }

    private long clustersFor(long bytes) {
        return (bytes + clusterSize - 1) >>> clusterBits;
    }

    /** Allocates clusters for a table of 64-bit entries and writes it; returns its offset. */
    private long writeTable(long[] entries) throws IOException {
        long clusters = Math.max(1, clustersFor(entries.length * 8L));
        long at = refs.allocate(clusters);
        ByteBuffer b = ByteBuffer.allocate((int) (clusters << clusterBits));
        b.asLongBuffer().put(entries);
        file.write(at, b);
        return at;
    }

    /**
     * Makes {@code [offset, offset+length)} read as zeros, giving whole clusters back (they become zero clusters over
     * a backing file, unallocated otherwise) and writing zeros into partial clusters at the edges.
     */
    public void discard(long offset, long length) throws IOException {
        checkWritable();
        checkRange(offset, length);
        if (length == 0) return;
        recordWrite(offset, length);
        long end = offset + length;
        long firstFull = (offset + clusterSize - 1) & -clusterSize;
        long lastFull = end == h.size ? (end + clusterSize - 1) & -clusterSize : end & -clusterSize;
        if (firstFull >= lastFull) {
            writeAt(offset, ByteBuffer.allocate((int) length));
            return;
        }
        if (offset < firstFull) writeAt(offset, ByteBuffer.allocate((int) (firstFull - offset)));
        if (lastFull < end) writeAt(lastFull, ByteBuffer.allocate((int) (end - lastFull)));
        long newEntry = backing != null ? L2Entry.ZERO : 0;
        for (long pos = firstFull; pos < lastFull; ) {
            int l1i = (int) (pos >>> l1EntryBits);
            long spanEnd = Math.min(lastFull, (long) (l1i + 1) << l1EntryBits);
            boolean needed = backing != null || (l1i < l1.length && L2Entry.offset(l1[l1i]) != 0);
            if (needed) {
                long l2Offset = writableL2(l1i);
                long[] l2 = loadL2(l2Offset);
                int i0 = l2Index(pos);
                int n = (int) ((spanEnd - pos) >>> clusterBits);
                long[] old = java.util.Arrays.copyOfRange(l2, i0, i0 + n);
                java.util.Arrays.fill(l2, i0, i0 + n, newEntry);
                writeL2Entries(l2Offset, l2, i0, n);
                for (long e : old) releaseEntry(e);
                lastInflated = null;
            }
            pos = spanEnd;
        }
    }

    /** Grows the virtual disk to {@code newSize} bytes; the new part reads as zeros. Shrinking is refused. */
    public void resize(long newSize) throws IOException {
        checkWritable();
        if (newSize < h.size) throw new ImageException(file.path + ": shrinking a qcow2 image is not supported");
        if (!bitmaps.isEmpty() && newSize != h.size) {
            throw new ImageException(file.path + ": cannot resize an image with persistent bitmaps (remove them first, as QEMU requires)");
        }
        Qcow2Header.requireAddressable(file.path.toString(), "new size", newSize, clusterBits);
        long oldSize = h.size;
        long need = Qcow2Header.l1EntriesFor(newSize, clusterBits);
        if (need > l1.length) growL1((int) need);
        h.size = newSize;
        writeHeader();
        if (backing != null && backing.virtualSize() > oldSize) {
            // The overlay grew over backing data it never covered; QEMU zeroes that range, and so do we.
            long to = Math.min(newSize, backing.virtualSize());
            if (to > oldSize) discard(oldSize, to - oldSize);
        }
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

    @Override
    public void close() throws IOException {
        close(true);
    }

    @Override
    public void closeUnsynced() throws IOException {
        close(false);
    }

    private void close(boolean sync) throws IOException {
        if (closed) return;
        try {
            if (!readOnly) {
                if (bitmapsLoaded) storeBitmaps(); // an image refused or never repaired gets nothing written
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
            q.closed = true;
            q.compressed.close();
            closeQuietly(q.file);
            layer = q.backing;
        }
        if (layer != null) closeQuietly(layer);
    }

    private void checkOpen() throws ImageException {
        if (closed) throw new ImageException(file.path + ": image is closed");
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

    // ------------------------------------------------------------------ internal snapshots

    /** The internal snapshots, in table order. */
    public List<Qcow2Snapshot> snapshots() {
        return Collections.unmodifiableList(snapshots);
    }

    public Optional<Qcow2Snapshot> snapshot(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private Qcow2Snapshot requireSnapshot(String name) throws ImageException {
        return snapshot(name).orElseThrow(() -> new ImageException(file.path + ": no snapshot named '" + name + "'"));
    }

    /**
     * Snapshot {@code name}, to be read or reverted to: the sizes it records come from the file, so they are checked
     * first, as the header's are (deleting a snapshot needs no such check, and is how to get rid of a bad one).
     */
    private Qcow2Snapshot requireUsableSnapshot(String name) throws ImageException {
        Qcow2Snapshot s = requireSnapshot(name);
        Qcow2Header.requireAddressable(file.path.toString(), "the disk size of snapshot '" + name + "'", s.diskSize(), clusterBits);
        if (s.vmStateSize() > Long.MAX_VALUE - vmStateOffset(s.diskSize())) {
            throw new ImageException(file.path + ": snapshot '" + name + "' records " + s.vmStateSize() + " bytes of VM state, beyond any qcow2 offset");
        }
        return s;
    }

    /** Guest offset where saved VM state lives: the first L1 boundary at or past the end of the disk, as in QEMU. */
    long vmStateOffset() {
        return vmStateOffset(h.size);
    }

    /** As {@link #vmStateOffset()} for a disk of {@code diskSize} bytes (an addressable size: no overflow). */
    private long vmStateOffset(long diskSize) {
        return Qcow2Header.l1EntriesFor(diskSize, clusterBits) << l1EntryBits;
    }

    /**
     * Takes an internal snapshot named {@code name} of the disk as it is now, with {@code vmState} (may be empty)
     * saved past the end of the virtual disk as QEMU's savevm does.
     */
    public Qcow2Snapshot createSnapshot(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException {
        checkWritable();
        if (name.isEmpty() || SnapshotTable.utf8(name).length > 65535) throw new ImageException(file.path + ": snapshot name must be 1..65535 bytes");
        if (snapshot(name).isPresent()) throw new ImageException(file.path + ": a snapshot named '" + name + "' already exists");
        if (snapshots.size() >= Qcow2Header.MAX_SNAPSHOTS) throw new ImageException(file.path + ": too many snapshots");
        long vmSize = vmState.remaining();
        setDirty(true);
        if (vmSize > 0) writeAt(vmStateOffset(), vmState.slice());
        long[] copy = l1.clone();
        long l1Copy = writeTable(copy);
        adjustTree(copy, +1);
        fixCopiedFlags();
        String id = nextSnapshotId();
        Qcow2Snapshot s = new Qcow2Snapshot(id, name, l1Copy, copy.length, times.dateSec(), times.dateNsec(),
                times.vmClockNsec(), vmSize, h.size, -1, new byte[0]);
        List<Qcow2Snapshot> next = new ArrayList<>(snapshots);
        next.add(s);
        writeSnapshotTable(next);
        dropVmStateFromActive();
        setDirty(false);
        return s;
    }

    private String nextSnapshotId() {
        long max = 0;
        for (Qcow2Snapshot s : snapshots) {
            try {
                max = Math.max(max, Long.parseLong(s.id()));
            } catch (NumberFormatException ignored) {
                // ids need not be numeric; QEMU skips those too
            }
        }
        return Long.toString(max + 1);
    }

    /**
     * Reverts the disk (and its size) to snapshot {@code name}. Enabled bitmaps mark dirty the clusters the revert
     * changes: those whose mapping differs between the active layer and the snapshot's (a cluster both still share
     * holds the same bytes), so they stay bounded by what either one allocated.
     */
    public void applySnapshot(String name) throws IOException {
        checkWritable();
        Qcow2Snapshot s = requireUsableSnapshot(name);
        long[] target = readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table");
        if (!bitmaps.isEmpty() && s.diskSize() != h.size) {
            throw new ImageException(file.path + ": snapshot '" + name + "' has another disk size, which persistent bitmaps cannot follow (remove them first)");
        }
        List<DirtyBitmap> recording = new ArrayList<>();
        for (BitmapState bs : bitmaps) {
            if (bs.bits != null && bs.enabled()) recording.add(bs.bits);
        }
        // before the switch: the active layer's tables are released by it
        if (!recording.isEmpty()) markRemapped(l1, target, recording);
        setDirty(true);
        int need = (int) Math.max(target.length, Qcow2Header.l1EntriesFor(s.diskSize(), clusterBits));
        if (need > l1.length) growL1(need);
        adjustTree(target, +1);
        long[] old = l1.clone();
        long[] fresh = java.util.Arrays.copyOf(target, l1.length);
        for (int i = 0; i < fresh.length; i++) fresh[i] &= ~L2Entry.COPIED;
        ByteBuffer b = ByteBuffer.allocate(fresh.length * 8);
        b.asLongBuffer().put(fresh);
        file.write(h.l1TableOffset, b);
        l1 = fresh;
        adjustTree(old, -1);
        l2Cache.clear();
        lastInflated = null;
        if (s.diskSize() != h.size) {
            h.size = s.diskSize();
            writeHeader();
        }
        dropVmStateFromActive();
        fixCopiedFlags();
        setDirty(false);
    }

    /**
     * Marks in {@code into} every guest cluster of the disk whose L2 entry differs between the L1 tables {@code from}
     * and {@code to} (the COPIED flag aside): a cluster both map alike, or both leave to the backing file, reads the
     * same. An L1 entry both share points to one L2 table, so its whole span is alike without reading it.
     */
    private void markRemapped(long[] from, long[] to, List<DirtyBitmap> into) throws IOException {
        long span = 1L << l1EntryBits;
        int spans = (int) ((h.size + span - 1) / span);
        for (int i = 0; i < spans; i++) {
            long a = i < from.length ? L2Entry.offset(from[i]) : 0;
            long b = i < to.length ? L2Entry.offset(to[i]) : 0;
            if (a == b) continue;
            long[] before = a == 0 ? null : loadL2(a);
            long[] after = b == 0 ? null : loadL2(b);
            int entries = clusterSize / 8;
            for (int j = 0; j < entries; j++) {
                long x = before == null ? 0 : before[j] & ~L2Entry.COPIED;
                long y = after == null ? 0 : after[j] & ~L2Entry.COPIED;
                if (x == y) continue;
                long offset = i * span + ((long) j << clusterBits);
                if (offset >= h.size) break;
                for (DirtyBitmap d : into) d.setRange(offset, Math.min(clusterSize, h.size - offset));
            }
        }
    }

    /** Deletes snapshot {@code name}, releasing the clusters only it referenced. */
    public void deleteSnapshot(String name) throws IOException {
        checkWritable();
        Qcow2Snapshot s = requireSnapshot(name);
        long[] table = readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table");
        setDirty(true);
        List<Qcow2Snapshot> next = new ArrayList<>(snapshots);
        next.remove(s);
        writeSnapshotTable(next);
        adjustTree(table, -1);
        l2Cache.clear(); // tables only the snapshot used are free now and may be reused as anything
        if (s.l1Size() > 0) refs.release(s.l1TableOffset(), Math.max(1, clustersFor(s.l1Size() * 8L)));
        fixCopiedFlags();
        setDirty(false);
    }

    /** Reads saved VM state of snapshot {@code name}, {@code dst.remaining()} bytes from {@code offset}. */
    public void readVmState(String name, long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        Qcow2Snapshot s = requireUsableSnapshot(name);
        if (offset < 0 || offset > s.vmStateSize() - dst.remaining()) throw new ImageException(file.path + ": range is outside the saved VM state of '" + name + "'");
        long[] table = readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table");
        readVia(table, vmStateOffset(s.diskSize()) + offset, dst, false);
    }

    /**
     * The whole saved VM state of snapshot {@code name}. Saved state is data written into the image, so an honest
     * snapshot never claims more of it than the file holds: one that does is refused before anything is allocated.
     */
    public byte[] readVmState(String name) throws IOException {
        checkOpen();
        long size = requireUsableSnapshot(name).vmStateSize();
        if (size > file.size()) {
            throw new ImageException(file.path + ": snapshot '" + name + "' claims " + size + " bytes of VM state, more than the file holds ("
                    + file.size() + " bytes): the image is damaged");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new ImageException(file.path + ": snapshot '" + name + "' holds " + size + " bytes of VM state, more than hyperlab reads at once (2 GiB)");
        }
        byte[] state = new byte[(int) size];
        readVmState(name, 0, ByteBuffer.wrap(state));
        return state;
    }

    /** Reads the disk as it was at snapshot {@code name}. */
    public void readSnapshot(String name, long offset, ByteBuffer dst) throws IOException {
        checkOpen();
        Qcow2Snapshot s = requireUsableSnapshot(name);
        if (offset < 0 || offset > s.diskSize() - dst.remaining()) throw new ImageException(file.path + ": range is outside snapshot '" + name + "'");
        readVia(readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table"), offset, dst, true);
    }

    /** Removes the active layer's references past the end of the disk (saved VM state now owned by a snapshot). */
    private void dropVmStateFromActive() throws IOException {
        int first = (int) Qcow2Header.l1EntriesFor(h.size, clusterBits);
        for (int i = first; i < l1.length; i++) {
            long e = l1[i];
            if (L2Entry.offset(e) == 0) continue;
            setL1(i, 0);
            long[] one = new long[i + 1];
            one[i] = e;
            adjustTree(one, -1);
            l2Cache.clear();
        }
    }

    private void writeSnapshotTable(List<Qcow2Snapshot> next) throws IOException {
        long oldOffset = h.snapshotsOffset;
        long oldBytes = SnapshotTable.encodedSize(snapshots);
        long offset = 0;
        if (!next.isEmpty()) {
            ByteBuffer b = SnapshotTable.encode(next);
            offset = refs.allocate(clustersFor(b.remaining()));
            file.write(offset, b);
        }
        h.snapshotsOffset = offset;
        h.nbSnapshots = next.size();
        writeHeader();
        snapshots = next;
        if (oldBytes > 0 && oldOffset != 0) refs.release(oldOffset, clustersFor(oldBytes));
    }

    private void setDirty(boolean dirty) throws IOException {
        if (dirty) h.incompatibleFeatures |= Qcow2Header.INCOMPAT_DIRTY;
        else h.incompatibleFeatures &= ~Qcow2Header.INCOMPAT_DIRTY;
        writeHeader();
    }

    /** Adds {@code delta} to the refcount of every L2 table and data cluster reachable from {@code table}. */
    private void adjustTree(long[] table, int delta) throws IOException {
        RunBatcher batch = new RunBatcher(delta);
        for (long e : table) {
            long l2Offset = L2Entry.offset(e);
            if (l2Offset == 0) continue;
            long[] l2 = loadL2(l2Offset);
            batch.add(l2Offset >>> clusterBits, 1);
            for (long x : l2) {
                switch (L2Entry.kind(x, h.version)) {
                    case DATA -> batch.add(L2Entry.offset(x) >>> clusterBits, 1);
                    case ZERO -> { if (L2Entry.offset(x) != 0) batch.add(L2Entry.offset(x) >>> clusterBits, 1); }
                    case COMPRESSED -> {
                        long off = L2Entry.compressedOffset(x, clusterBits);
                        long first = (off & ~511L) >>> clusterBits;
                        long lastC = (off + L2Entry.compressedLength(x, clusterBits) - 1) >>> clusterBits;
                        batch.add(first, lastC - first + 1);
                    }
                    case UNALLOCATED -> { }
                }
            }
        }
        batch.flush();
    }

    /** Coalesces refcount changes of adjacent clusters into one write. */
    private final class RunBatcher {
        private final int delta;
        private long start = -1;
        private long count;

        RunBatcher(int delta) {
            this.delta = delta;
        }

        void add(long cluster, long n) throws IOException {
            if (start >= 0 && cluster == start + count) {
                count += n;
                return;
            }
            flush();
            start = cluster;
            count = n;
        }

        void flush() throws IOException {
            if (start >= 0) refs.adjust(start, count, delta);
            start = -1;
        }
    }

    /** Sets COPIED exactly where the refcount is 1, in the active L1 and every L2 table it reaches. */
    void fixCopiedFlags() throws IOException {
        for (int i = 0; i < l1.length; i++) {
            long e = l1[i];
            long off = L2Entry.offset(e);
            if (off == 0) {
                if (e != 0) setL1(i, 0);
                continue;
            }
            boolean one = refs.get(off >>> clusterBits) == 1;
            long want = one ? (e | L2Entry.COPIED) : (e & ~L2Entry.COPIED);
            if (want != e) setL1(i, want);
            long[] l2 = loadL2(off);
            boolean changed = false;
            for (int j = 0; j < l2.length; j++) {
                long x = l2[j];
                L2Entry.Kind k = L2Entry.kind(x, h.version);
                if (k != L2Entry.Kind.DATA && !(k == L2Entry.Kind.ZERO && L2Entry.offset(x) != 0)) continue;
                boolean single = refs.get(L2Entry.offset(x) >>> clusterBits) == 1;
                long w = single ? (x | L2Entry.COPIED) : (x & ~L2Entry.COPIED);
                if (w != x) {
                    l2[j] = w;
                    changed = true;
                }
            }
            if (changed) writeL2Entries(off, l2, 0, l2.length);
        }
    }

    // ------------------------------------------------------------------ persistent dirty bitmaps

    /** The persistent dirty bitmaps, as {@code qemu-img info} lists them. */
    public List<BitmapInfo> bitmaps() {
        List<BitmapInfo> out = new ArrayList<>();
        for (BitmapState s : bitmaps) out.add(new BitmapInfo(s.entry.name(), s.entry.granularity(), s.enabled(), s.inconsistent));
        return out;
    }

    /** A copy of bitmap {@code name}'s bits. Fails for an inconsistent bitmap: its bits cannot be trusted. */
    public DirtyBitmap dirtyBitmap(String name) throws IOException {
        BitmapState s = requireBitmap(name);
        if (s.inconsistent) throw new ImageException(file.path + ": bitmap '" + name + "' is inconsistent (the image was not closed cleanly); take a full backup and clear it");
        if (s.bits == null) s.bits = loadBits(s);
        return s.bits.copy();
    }

    private DirtyBitmap loadBits(BitmapState s) throws IOException {
        long[] words = bitWords(s, s.entry.granularityBits());
        return new DirtyBitmap(s.entry.name(), s.entry.granularity(), h.size, BitmapDirectory.readBits(file, h, s.entry, words));
    }

    /**
     * Zeroed words for the bits of {@code s} (new, or replacing what it holds), refused when the image's bitmaps would
     * then take more memory than hyperlab holds for one image ({@link BitmapDirectory#MAX_MEMORY}).
     */
    private long[] bitWords(BitmapState s, int granularityBits) throws ImageException {
        long words = BitmapDirectory.words(h.size, granularityBits);
        long held = 0;
        for (BitmapState o : bitmaps) if (o != s && o.bits != null) held += o.bits.words.length;
        if ((held + words) * 8 > BitmapDirectory.MAX_MEMORY) {
            throw new ImageException(file.path + ": its bitmaps would take " + ((held + words) * 8 >> 20) + " MiB of memory, more than hyperlab holds for one image ("
                    + (BitmapDirectory.MAX_MEMORY >> 20) + " MiB)");
        }
        return new long[(int) words];
    }

    /**
     * The granularity for a new bitmap on this disk: {@code preferred} (rounded up to a power of two), or the smallest
     * larger one whose bits take at most 16 MiB of memory (so 64 KiB per bit up to 8 TiB disks); at most
     * {@code largest}. Throws when even that would need more.
     */
    public long bitmapGranularityFor(long preferred, long largest) throws ImageException {
        int gb = 64 - Long.numberOfLeadingZeros(Math.max(512, preferred) - 1);
        int maxBits = Math.min(31, 63 - Long.numberOfLeadingZeros(largest));
        while (gb < maxBits && BitmapDirectory.bitsBytes(h.size, gb) > PREFERRED_BITMAP_BYTES) gb++;
        if (BitmapDirectory.bitsBytes(h.size, gb) > PREFERRED_BITMAP_BYTES) {
            throw new ImageException(file.path + ": a dirty bitmap of this " + h.size + "-byte disk would take more than "
                    + (PREFERRED_BITMAP_BYTES >> 20) + " MiB of memory even at " + (1L << gb) + " bytes per bit");
        }
        return 1L << gb;
    }

    /** Memory a bitmap whose granularity hyperlab chooses may take (see {@link #bitmapGranularityFor}). */
    static final long PREFERRED_BITMAP_BYTES = 16L << 20;

    /** Adds an empty, enabled bitmap with {@code granularity} bytes per bit (a power of two, 512 B..2 GiB). */
    public void addBitmap(String name, long granularity) throws IOException {
        checkWritable();
        if (name.isEmpty() || SnapshotTable.utf8(name).length > 1023) throw new ImageException(file.path + ": bitmap name must be 1..1023 bytes");
        if (bitmaps.stream().anyMatch(s -> s.entry.name().equals(name))) throw new ImageException(file.path + ": a bitmap named '" + name + "' already exists");
        if (Long.bitCount(granularity) != 1 || granularity < 512 || granularity > (1L << 31)) throw new ImageException(file.path + ": bitmap granularity " + granularity + " is not a power of two from 512 B to 2 GiB");
        if (bitmaps.size() >= BitmapDirectory.MAX_BITMAPS) throw new ImageException(file.path + ": too many bitmaps");
        int gb = Long.numberOfTrailingZeros(granularity);
        if (BitmapDirectory.bitsBytes(h.size, gb) > BitmapDirectory.MAX_BITS_BYTES) { // QEMU's words, for QEMU's limit
            throw new ImageException(file.path + ": a bitmap of " + granularity + " bytes per bit on this " + h.size
                    + "-byte disk would take more than 512 MiB (too much space would be occupied by the bitmap: use a larger granularity)");
        }
        BitmapState s = new BitmapState(new BitmapDirectory.Entry(0, 0, BitmapDirectory.FLAG_AUTO | BitmapDirectory.FLAG_IN_USE, 1, gb, name, new byte[0]));
        s.bits = new DirtyBitmap(name, granularity, h.size, bitWords(s, gb));
        bitmaps.add(s);
    }

    /** Clears every bit of {@code name} (after a backup copied what it marked); an inconsistent bitmap becomes usable. */
    public void clearBitmap(String name) throws IOException {
        checkWritable();
        BitmapState s = requireBitmap(name);
        s.bits = new DirtyBitmap(name, s.entry.granularity(), h.size, bitWords(s, s.entry.granularityBits()));
        s.inconsistent = false;
        s.entry = s.entry.withFlags(s.entry.flags() | BitmapDirectory.FLAG_IN_USE);
    }

    /** Marks dirty in {@code target} every chunk that {@code source} marks dirty (granularities may differ). */
    public void mergeBitmap(String source, String target) throws IOException {
        checkWritable();
        DirtyBitmap src = dirtyBitmap(source);
        dirtyBitmap(target); // loads it, and refuses an inconsistent target
        BitmapState t = requireBitmap(target);
        for (DirtyBitmap.Range r : src.dirtyRanges()) t.bits.setRange(r.offset(), r.length());
    }

    /** Enables or disables recording of writes into {@code name}. */
    public void enableBitmap(String name, boolean enabled) throws IOException {
        checkWritable();
        BitmapState s = requireBitmap(name);
        int f = enabled ? s.entry.flags() | BitmapDirectory.FLAG_AUTO : s.entry.flags() & ~BitmapDirectory.FLAG_AUTO;
        s.entry = s.entry.withFlags(f);
    }

    /** Removes bitmap {@code name}. */
    public void removeBitmap(String name) throws IOException {
        checkWritable();
        bitmaps.remove(requireBitmap(name));
    }

    private BitmapState requireBitmap(String name) throws ImageException {
        for (BitmapState s : bitmaps) if (s.entry.name().equals(name)) return s;
        throw new ImageException(file.path + ": no bitmap named '" + name + "'");
    }

    /**
     * Writes every bitmap back on close: new data clusters, tables and directory first, then the header switches to
     * them in one write, then the old ones are released, all under the dirty bit. Only a clean close clears the in-use
     * flags.
     */
    private void storeBitmaps() throws IOException {
        List<BitmapDirectory.Entry> entries = new ArrayList<>();
        List<long[]> release = new ArrayList<>(); // {offset, clusters}
        List<BitmapDirectory.Entry> oldStored = new ArrayList<>();
        if (h.bitmaps != null) {
            for (BitmapDirectory.Entry e : BitmapDirectory.read(file, h)) oldStored.add(e);
            release.add(new long[] {h.bitmaps.directoryOffset(), clustersFor(h.bitmaps.directorySize())});
        }
        if (h.bitmaps == null && bitmaps.isEmpty()) return;
        // a kill between the header's switch and the releases (or before the switch) would leak clusters: dirty, an
        // open repairs them, in hyperlab and in QEMU alike
        setDirty(true);
        java.util.Set<String> kept = new java.util.HashSet<>();
        for (BitmapState s : bitmaps) {
            if (s.inconsistent) {
                entries.add(s.entry);
                kept.add(s.entry.name());
                continue;
            }
            long tableSize = BitmapDirectory.tableSizeFor(h.size, s.entry.granularityBits(), clusterBits);
            long[] table = new long[(int) tableSize];
            ByteBuffer cluster = ByteBuffer.allocate(clusterSize).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            int wordsPerCluster = clusterSize / 8;
            for (int t = 0; t < tableSize; t++) {
                int w0 = t * wordsPerCluster;
                int w1 = Math.min(s.bits.words.length, w0 + wordsPerCluster);
                boolean any = false;
                for (int w = w0; w < w1 && !any; w++) any = s.bits.words[w] != 0;
                if (!any) continue;
                cluster.clear();
                for (int w = w0; w < w1; w++) cluster.putLong((w - w0) * 8, s.bits.words[w]);
                for (int w = w1 - w0; w < wordsPerCluster; w++) cluster.putLong(w * 8, 0);
                long at = refs.allocate(1);
                file.write(at, cluster);
                table[t] = at;
            }
            long tableOffset = tableSize == 0 ? 0 : writeTable(table);
            entries.add(new BitmapDirectory.Entry(tableOffset, (int) tableSize, s.entry.flags() & ~BitmapDirectory.FLAG_IN_USE,
                    1, s.entry.granularityBits(), s.entry.name(), s.entry.extra()));
        }
        for (BitmapDirectory.Entry e : oldStored) {
            if (kept.contains(e.name()) && (e.flags() & BitmapDirectory.FLAG_IN_USE) != 0) continue;
            releaseBitmapClusters(e, release);
        }
        if (entries.isEmpty()) {
            h.bitmaps = null;
            h.autoclearFeatures &= ~Qcow2Header.AUTOCLEAR_BITMAPS;
        } else {
            ByteBuffer dir = BitmapDirectory.encode(entries);
            long size = dir.remaining();
            long at = refs.allocate(clustersFor(size));
            file.write(at, dir);
            h.bitmaps = new Qcow2Header.BitmapsExtension(entries.size(), size, at);
            h.autoclearFeatures |= Qcow2Header.AUTOCLEAR_BITMAPS;
        }
        writeHeader();
        for (long[] r : release) refs.release(r[0], r[1]);
        setDirty(false);
    }

    private void releaseBitmapClusters(BitmapDirectory.Entry e, List<long[]> release) throws IOException {
        if (e.tableSize() == 0) return;
        ByteBuffer t = ByteBuffer.allocate(e.tableSize() * 8);
        file.readFully(e.tableOffset(), t, "bitmap table");
        for (int i = 0; i < e.tableSize(); i++) {
            long off = t.getLong(i * 8) & L2Entry.OFFSET_MASK;
            if (off != 0) release.add(new long[] {off, 1});
        }
        release.add(new long[] {e.tableOffset(), clustersFor(e.tableSize() * 8L)});
    }

    // ------------------------------------------------------------------ for the checker

    HostFile hostFile() { return file; }
    Qcow2Header header() { return h; }
    long[] activeL1() { return l1; }
    RefcountTable refcounts() throws IOException {
        if (refs == null) refs = RefcountTable.load(file, h, this::writeHeader);
        return refs;
    }
    /** Reads the refcount structure again (the header points at a new one). */
    void reloadRefcounts() throws IOException {
        refs = RefcountTable.load(file, h, this::writeHeader);
    }
    /** Writes the header as it is now ({@link #header()} is mutable), in one write. */
    void rewriteHeader() throws IOException {
        writeHeader();
    }
    List<BitmapDirectory.Entry> storedBitmaps() throws IOException {
        return h.bitmaps == null ? List.of() : BitmapDirectory.read(file, h);
    }
    long[] snapshotL1(Qcow2Snapshot s) throws IOException {
        return readL1(s.l1TableOffset(), s.l1Size(), "snapshot L1 table");
    }
    void invalidateCaches() {
        l2Cache.clear();
        lastInflated = null;
    }
    void writeL2(long offset, long[] l2) throws IOException {
        writeL2Entries(offset, l2, 0, l2.length);
    }
    void writeL1Entry(int i, long e) throws IOException {
        setL1(i, e);
    }
}
