package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.BackingChain;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.Extent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * Reads guest bytes through a layer's mapping (the active L1 table or a snapshot's) and tells how they are stored,
 * going down the backing chain for what a layer leaves unallocated. The chain is walked in a loop, level by level,
 * never by a recursion per level (a chain may be {@link BackingChain#MAX_DEPTH} deep).
 */
final class ClusterReader {
    private final ClusterTables t;
    /** The backing image, or null; {@link #below} reads it when it is a qcow2 image too. */
    private final DiskImage backing;
    private final ClusterReader below;

    ClusterReader(ClusterTables tables, DiskImage backing, ClusterReader below) {
        this.t = tables;
        this.backing = backing;
        this.below = below;
    }

    DiskImage backing() {
        return backing;
    }

    /** A part of a read that the layers above leave unallocated, for {@code reader} (a qcow2 layer) or {@code image} to fill. */
    private record Below(ClusterReader reader, DiskImage image, long offset, ByteBuffer dst) {}

    /**
     * Reads through the mapping of {@code table} (the active L1 or a snapshot's), with no bound on the offset. What
     * this layer leaves unallocated is read from the chain below when {@code useBacking}, else reads as zeros.
     */
    void readVia(long[] table, long offset, ByteBuffer dst, boolean useBacking) throws IOException {
        ArrayDeque<Below> pending = new ArrayDeque<>();
        readLayer(table, offset, dst, useBacking, pending);
        while (!pending.isEmpty()) {
            Below b = pending.poll();
            if (b.reader() != null) {
                ClusterReader q = b.reader();
                q.t.checkOpen();
                q.readLayer(q.t.l1(), b.offset(), b.dst(), true, pending);
            } else {
                b.image().read(b.offset(), b.dst());
            }
        }
    }

    /** Fills what this layer stores of {@code dst}; what it leaves unallocated is queued for the backing image, or zeroed. */
    private void readLayer(long[] table, long offset, ByteBuffer dst, boolean useBacking, Deque<Below> pending) throws IOException {
        DiskImage next = useBacking ? backing : null;
        while (dst.hasRemaining()) {
            Run r = lookup(table, offset, dst.remaining());
            int n = (int) r.length;
            ByteBuffer part = dst.slice(dst.position(), n);
            switch (r.kind) {
                case DATA -> {
                    int got = t.file.readUpTo(r.host, part);
                    zero(part, got, n);
                }
                case ZERO -> zero(part, 0, n);
                case UNALLOCATED -> {
                    long avail = next != null ? Math.max(0, Math.min(n, next.virtualSize() - offset)) : 0;
                    if (avail > 0) pending.add(new Below(below, next, offset, part.slice(0, (int) avail)));
                    zero(part, (int) avail, n);
                }
                case COMPRESSED -> {
                    byte[] c = t.compressed.inflate(r.entry);
                    part.put(0, c, (int) (offset & (t.clusterSize - 1)), n);
                }
            }
            dst.position(dst.position() + n);
            offset += n;
        }
    }

    private static final byte[] ZEROS = new byte[64 * 1024];

    private static void zero(ByteBuffer b, int from, int to) {
        if (b.hasArray()) {
            Arrays.fill(b.array(), b.arrayOffset() + from, b.arrayOffset() + to, (byte) 0);
            return;
        }
        for (int i = from; i < to; i += ZEROS.length) b.put(i, ZEROS, 0, Math.min(ZEROS.length, to - i));
    }

    /** A run of guest bytes stored the same way, within one L2 table (host-contiguous for DATA). */
    private record Run(L2Entry.Kind kind, long length, long host, long entry) {}

    private Run lookup(long[] table, long offset, long maxLen) throws IOException {
        long l1i = offset >>> t.l1EntryBits;
        long spanEnd = (l1i + 1) << t.l1EntryBits;
        long limit = Math.min(maxLen, spanEnd - offset);
        if (l1i >= table.length) return new Run(L2Entry.Kind.UNALLOCATED, limit, 0, 0);
        long l2Offset = L2Entry.offset(table[(int) l1i]);
        if (l2Offset == 0) return new Run(L2Entry.Kind.UNALLOCATED, limit, 0, 0);
        long[] l2 = t.loadL2(l2Offset);
        int i = t.l2Index(offset);
        long e = l2[i];
        L2Entry.Kind kind = L2Entry.kind(e, t.h.version);
        long intra = offset & (t.clusterSize - 1);
        long len = t.clusterSize - intra;
        if (kind == L2Entry.Kind.COMPRESSED) return new Run(kind, Math.min(len, limit), 0, e);
        long host = kind == L2Entry.Kind.DATA ? t.dataOffset(e) : 0;
        for (int j = i + 1; len < limit && j < l2.length; j++) {
            long e2 = l2[j];
            if (L2Entry.kind(e2, t.h.version) != kind) break;
            if (kind == L2Entry.Kind.DATA && L2Entry.offset(e2) != host + (long) (j - i) * t.clusterSize) break;
            len += t.clusterSize;
        }
        return new Run(kind, Math.min(len, limit), host + (kind == L2Entry.Kind.DATA ? intra : 0), e);
    }

    /**
     * Where a map stands in one layer of the chain: the layer ({@code reader} for a qcow2 one, else {@code image}), its
     * table, its depth below the top, the range left.
     */
    private static final class MapFrame {
        final ClusterReader reader;
        final DiskImage image;
        final long[] table;
        final int depth;
        long pos;
        final long end;

        MapFrame(ClusterReader reader, DiskImage image, long[] table, int depth, long pos, long end) {
            this.reader = reader;
            this.image = image;
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
    List<Extent> mapVia(long[] table, long offset, long length) throws IOException {
        List<Extent> out = new ArrayList<>();
        ArrayDeque<MapFrame> stack = new ArrayDeque<>();
        stack.push(new MapFrame(this, null, table, 0, offset, offset + length));
        while (!stack.isEmpty()) {
            MapFrame f = stack.peek();
            if (f.pos >= f.end) {
                stack.pop();
                continue;
            }
            if (f.reader == null) {
                for (Extent e : f.image.map(f.pos, f.end - f.pos)) add(out, new Extent(e.offset(), e.length(), e.data(), e.depth() + f.depth));
                stack.pop();
                continue;
            }
            ClusterReader q = f.reader;
            Run r = q.lookup(f.table, f.pos, f.end - f.pos);
            long len = r.length;
            switch (r.kind) {
                case DATA, COMPRESSED -> add(out, new Extent(f.pos, len, true, f.depth));
                case ZERO -> add(out, new Extent(f.pos, len, false, f.depth));
                case UNALLOCATED -> {
                    DiskImage next = q.backing;
                    long inNext = next == null ? 0 : Math.max(0, Math.min(len, next.virtualSize() - f.pos));
                    if (inNext > 0) { // the layer below says, then this frame goes on past it
                        ClusterReader n = q.below;
                        if (n != null) n.t.checkOpen();
                        stack.push(new MapFrame(n, next, n != null ? n.t.l1() : null, f.depth + 1, f.pos, f.pos + inNext));
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
}
