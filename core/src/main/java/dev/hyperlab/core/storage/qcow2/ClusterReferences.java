package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The references to each host cluster of a qcow2 file, counted as {@code qemu-img check} counts them: walk every
 * structure that references host clusters (header, L1/L2 tables of the active layer and of each snapshot, data and
 * compressed clusters, refcount table and blocks, snapshot table, bitmap directory, tables and data), count the
 * references per host cluster, and compare with the stored refcounts and the COPIED flags. The check of an image
 * ({@link Qcow2Checker}), the guard before writing ({@link Qcow2WriteGuard}) and the repair ({@link RefcountRepair})
 * work from it; it reads the file's tables, not the image, so the image can use them without a circle.
 */
final class ClusterReferences {
    private final ClusterTables t;
    private final List<Qcow2Snapshot> snapshots;
    private final HostFile file;
    private final Qcow2Header h;
    private final int clusterBits;
    private final int[] counted;
    private long corruptions;
    private long checkErrors;
    private long allocated;
    private final List<String> problems = new ArrayList<>();

    private ClusterReferences(ClusterTables tables, List<Qcow2Snapshot> snapshots) throws ImageException {
        this.t = tables;
        this.snapshots = snapshots;
        this.file = tables.file;
        this.h = tables.h;
        this.clusterBits = h.clusterBits;
        long clusters = (file.size() + h.clusterSize() - 1) >>> clusterBits;
        if (clusters > MAX_CLUSTERS) {
            throw new ImageException(file.path + ": file of " + clusters + " clusters is too large to check (hyperlab counts at most "
                    + MAX_CLUSTERS + ": 512 MiB of counters)");
        }
        this.counted = new int[(int) clusters];
    }

    /** Host clusters a check counts references for, one int each (QEMU stops at 2^31 - 1 with "File too large"). */
    static final long MAX_CLUSTERS = 1L << 27;

    /** Checks the file of {@code tables} with internal {@code snapshots} (open read-only or not); nothing is changed. */
    static CheckReport check(ClusterTables tables, List<Qcow2Snapshot> snapshots) throws IOException {
        ClusterReferences c = new ClusterReferences(tables, snapshots);
        c.countReferences();
        RefcountTable refs = tables.refs();
        long leaks = 0;
        for (int i = 0; i < c.counted.length; i++) {
            long stored = refs.get(i);
            if (stored < c.counted[i]) {
                c.corruption("cluster " + i + " refcount=" + stored + " reference=" + c.counted[i]);
            } else if (stored > c.counted[i]) {
                leaks++;
                c.note("leaked cluster " + i + " refcount=" + stored + " reference=" + c.counted[i]);
            }
        }
        c.checkCopiedFlags(refs);
        long end = 0;
        for (int i = c.counted.length - 1; i >= 0; i--) {
            if (c.counted[i] > 0 || refs.get(i) > 0) {
                end = (long) (i + 1) << c.clusterBits;
                break;
            }
        }
        long total = (c.h.size + c.h.clusterSize() - 1) >>> c.clusterBits;
        return new CheckReport(c.file.path.toString(), ImageFormat.QCOW2, c.corruptions, leaks, c.checkErrors,
                List.copyOf(c.problems), c.allocated, total, end);
    }

    /**
     * References to each host cluster (index: cluster number, up to the end of the file) from everything but the
     * refcount table and blocks, and the damage found on the way: what a repair rebuilds the refcounts from.
     */
    record References(int[] counted, long corruptions, long checkErrors, List<String> problems) {
        boolean damaged() {
            return corruptions > 0 || checkErrors > 0;
        }
    }

    static References outsideRefcounts(ClusterTables tables, List<Qcow2Snapshot> snapshots) throws IOException {
        ClusterReferences c = new ClusterReferences(tables, snapshots);
        c.countMappedReferences();
        return new References(c.counted, c.corruptions, c.checkErrors, List.copyOf(c.problems));
    }

    private void note(String s) {
        if (problems.size() < CheckReport.MAX_PROBLEM_LINES) problems.add(s);
    }

    private void corruption(String s) {
        corruptions++;
        note("ERROR " + s);
    }

    /** Counts one reference to each cluster of {@code [offset, offset+bytes)}; false when out of bounds. */
    private boolean ref(long offset, long bytes, String what) {
        if (bytes <= 0) return true;
        if (offset < 0) {
            corruption(what + " at negative offset");
            return false;
        }
        long end = (long) counted.length << clusterBits;
        if (offset >= end || bytes > end - offset) { // compared so, a hostile offset cannot overflow past the test
            corruption(what + " at 0x" + Long.toHexString(offset) + " lies past the end of the file");
            return false;
        }
        long first = offset >>> clusterBits;
        long last = (offset + bytes - 1) >>> clusterBits;
        for (long c = first; c <= last; c++) counted[(int) c]++;
        return true;
    }

    private boolean aligned(long offset, String what) {
        if ((offset & (h.clusterSize() - 1)) != 0) {
            corruption(what + " offset 0x" + Long.toHexString(offset) + " is not a cluster boundary");
            return false;
        }
        return true;
    }

    private void countReferences() throws IOException {
        countMappedReferences();
        ref(h.refcountTableOffset, (long) h.refcountTableClusters << clusterBits, "refcount table");
        long[] table = t.refs().tableEntries();
        for (int i = 0; i < table.length; i++) {
            if ((table[i] & RefcountTable.RESERVED) != 0) {
                corruption("refcount table entry " + i + " has reserved bits set");
                continue;
            }
            long off = table[i] & RefcountTable.OFFSET_MASK;
            if (off == 0) continue;
            if (aligned(off, "refcount block " + i)) ref(off, h.clusterSize(), "refcount block " + i);
        }
    }

    /** Everything that references clusters except the refcount structure itself. */
    private void countMappedReferences() throws IOException {
        ref(0, h.clusterSize(), "header");
        ref(h.l1TableOffset, (long) h.l1Size * 8, "L1 table");
        walkL1(t.l1(), true);
        if (h.nbSnapshots > 0) {
            ref(h.snapshotsOffset, SnapshotTable.encodedSize(snapshots), "snapshot table");
        }
        for (Qcow2Snapshot s : snapshots) {
            if (s.l1Size() == 0) continue;
            if (!ref(s.l1TableOffset(), s.l1Size() * 8L, "L1 table of snapshot " + s.id())) continue;
            try {
                walkL1(t.snapshotL1(s), false);
            } catch (ImageException e) {
                checkErrors++;
                note("ERROR " + e.getMessage());
            }
        }
        if (h.bitmaps != null) {
            ref(h.bitmaps.directoryOffset(), h.bitmaps.directorySize(), "bitmap directory");
            for (BitmapDirectory.Entry e : t.storedBitmaps()) {
                if (e.tableSize() == 0) continue;
                if (!ref(e.tableOffset(), e.tableSize() * 8L, "table of bitmap '" + e.name() + "'")) continue;
                ByteBuffer table = ByteBuffer.allocate(e.tableSize() * 8);
                file.readFully(e.tableOffset(), table, "bitmap table");
                for (int i = 0; i < e.tableSize(); i++) {
                    long off = table.getLong(i * 8) & L2Entry.OFFSET_MASK;
                    if (off != 0 && aligned(off, "bitmap data")) ref(off, h.clusterSize(), "data of bitmap '" + e.name() + "'");
                }
            }
        }
    }

    private void walkL1(long[] l1, boolean active) throws IOException {
        for (int i = 0; i < l1.length; i++) {
            // reserved bits are reported as qemu-img check reports them; reads ignore them, as QEMU's do
            if ((l1[i] & L2Entry.L1_RESERVED) != 0) corruption("found L1 entry with reserved bits set: " + Long.toHexString(l1[i]));
            long l2Offset = L2Entry.offset(l1[i]);
            if (l2Offset == 0) continue;
            if (!aligned(l2Offset, "L2 table") || !ref(l2Offset, h.clusterSize(), "L2 table")) continue;
            long[] l2 = t.loadL2(l2Offset);
            for (long e : l2) {
                L2Entry.Kind kind = L2Entry.kind(e, h.version);
                if (kind != L2Entry.Kind.COMPRESSED && (e & L2Entry.L2_RESERVED) != 0) {
                    corruption("found l2 entry with reserved bits set: " + Long.toHexString(e));
                }
                switch (kind) {
                    case DATA -> {
                        long off = L2Entry.offset(e);
                        if (aligned(off, "data cluster") && ref(off, h.clusterSize(), "data cluster") && active) allocated++;
                    }
                    case ZERO -> {
                        long off = L2Entry.offset(e);
                        if (off != 0 && aligned(off, "preallocated zero cluster")) ref(off, h.clusterSize(), "preallocated zero cluster");
                        if (active) allocated++;
                    }
                    case COMPRESSED -> {
                        if ((e & L2Entry.COPIED) != 0) corruption("compressed cluster entry with COPIED set");
                        long off = L2Entry.compressedOffset(e, clusterBits);
                        long start = off & ~511L;
                        if (ref(start, off + L2Entry.compressedLength(e, clusterBits) - start, "compressed cluster") && active) allocated++;
                    }
                    case UNALLOCATED -> { }
                }
            }
        }
    }

    private void checkCopiedFlags(RefcountTable refs) throws IOException {
        long[] l1 = t.l1();
        for (int i = 0; i < l1.length; i++) {
            long l2Offset = L2Entry.offset(l1[i]);
            if (l2Offset == 0 || (l2Offset & (h.clusterSize() - 1)) != 0 || (l2Offset >>> clusterBits) >= counted.length) continue;
            long rc = refs.get(l2Offset >>> clusterBits);
            if ((rc == 1) != ((l1[i] & L2Entry.COPIED) != 0)) corruption("OFLAG_COPIED L2 cluster: l1_index=" + i + " refcount=" + rc);
            long[] l2 = t.loadL2(l2Offset);
            for (int j = 0; j < l2.length; j++) {
                long e = l2[j];
                L2Entry.Kind k = L2Entry.kind(e, h.version);
                long off = L2Entry.offset(e);
                if (off == 0 || (k != L2Entry.Kind.DATA && k != L2Entry.Kind.ZERO)) continue;
                if ((off >>> clusterBits) >= counted.length) continue;
                long drc = refs.get(off >>> clusterBits);
                if ((drc == 1) != ((e & L2Entry.COPIED) != 0)) {
                    corruption("OFLAG_COPIED data cluster: l2_entry=" + Long.toHexString(e) + " refcount=" + drc);
                }
            }
        }
    }
}
