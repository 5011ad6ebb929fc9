package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.CorruptImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What must hold before hyperlab writes anything into a qcow2 image: its refcounts can be trusted, since the allocator
 * hands out clusters whose refcount is 0 and a wrong one would put new data over old (issue 13: an attach that wrote a
 * bitmap directory over the refcount table). Two levels, by cost:
 * <ul>
 * <li>every open for writing: each metadata structure the header and its tables name (header, active L1 table,
 * refcount table and blocks, snapshot table and snapshot L1 tables, bitmap directory and tables) starts on a cluster
 * boundary, lies inside the file, shares no cluster with another, and has a refcount in every cluster. One refcount
 * lookup per metadata cluster, never per L2 table or data cluster: milliseconds whatever the image's size. It is
 * what QEMU's overlap check protects on every metadata write, done once.</li>
 * <li>on request ({@link dev.hyperlab.core.storage.OpenMode#ATTACH}): the full {@code disk check}, every L2 table and
 * data cluster counted; its cost grows with what is allocated (50-230 ms for 100 GiB in a warm JVM, see
 * docs/storage.md).</li>
 * </ul>
 * A refused image gets a {@link CorruptImageException} naming what is wrong, and nothing written.
 */
final class Qcow2WriteGuard {
    private Qcow2WriteGuard() {}

    /** A structure the header or a table points to: {@code bytes} from {@code offset}. */
    private record Structure(String name, long offset, long bytes) {
        long firstCluster(int bits) {
            return offset >>> bits;
        }

        long lastCluster(int bits) {
            return (offset + Math.max(1, bytes) - 1) >>> bits;
        }
    }

    /** Refuses the image of {@code t} for writing when its refcounts cannot be trusted; {@code full} runs the whole check. */
    static void verify(ClusterTables t, List<Qcow2Snapshot> snapshots, boolean full) throws IOException {
        if (full) {
            CheckReport r = ClusterReferences.check(t, snapshots);
            if (r.corruptions() > 0 || r.checkErrors() > 0) throw new CorruptImageException(describe(r));
        } else {
            requireCountedMetadata(t, snapshots);
        }
    }

    /** {@code PATH: image is corrupt (N corruptions, ...; first: PROBLEM); nothing was written to it}. */
    static String describe(CheckReport r) {
        StringBuilder s = new StringBuilder(r.path()).append(": image is corrupt (").append(r.corruptions()).append(" corruptions");
        if (r.leaks() > 0) s.append(", ").append(r.leaks()).append(" leaked clusters");
        if (r.checkErrors() > 0) s.append(", ").append(r.checkErrors()).append(" unreadable structures");
        String first = r.problems().stream().filter(p -> p.startsWith("ERROR ")).findFirst()
                .orElse(r.problems().isEmpty() ? "" : r.problems().getFirst());
        if (!first.isEmpty()) s.append("; first: ").append(first.replaceFirst("^ERROR ", ""));
        return s.append("); nothing was written to it").toString();
    }

    private static void requireCountedMetadata(ClusterTables t, List<Qcow2Snapshot> snapshots) throws IOException {
        Qcow2Header h = t.h;
        int bits = h.clusterBits;
        long cs = h.clusterSize();
        RefcountTable refs = t.refs();
        List<Structure> all = new ArrayList<>();
        all.add(new Structure("the header", 0, cs));
        if (h.l1Size > 0) all.add(new Structure("the L1 table", h.l1TableOffset, h.l1Size * 8L));
        all.add(new Structure("the refcount table", h.refcountTableOffset, (long) h.refcountTableClusters << bits));
        long[] table = refs.tableEntries();
        for (int i = 0; i < table.length; i++) {
            if (table[i] == 0) continue;
            all.add(new Structure("refcount block " + i, table[i] & L2Entry.OFFSET_MASK, cs));
        }
        if (h.nbSnapshots > 0) {
            all.add(new Structure("the snapshot table", h.snapshotsOffset, SnapshotTable.encodedSize(snapshots)));
        }
        for (Qcow2Snapshot s : snapshots) {
            if (s.l1Size() > 0) all.add(new Structure("the L1 table of snapshot " + s.id(), s.l1TableOffset(), s.l1Size() * 8L));
        }
        if (h.bitmaps != null) {
            all.add(new Structure("the bitmap directory", h.bitmaps.directoryOffset(), h.bitmaps.directorySize()));
            for (BitmapDirectory.Entry e : t.storedBitmaps()) {
                if (e.tableSize() > 0) all.add(new Structure("the table of bitmap '" + e.name() + "'", e.tableOffset(), e.tableSize() * 8L));
            }
        }
        long fileSize = t.file.size();
        for (Structure s : all) {
            if ((s.offset & (cs - 1)) != 0) throw corrupt(t, s.name + " at 0x" + Long.toHexString(s.offset) + " is not on a cluster boundary");
            if (s.offset < 0 || s.offset + s.bytes > fileSize || s.offset + s.bytes < 0) {
                throw corrupt(t, s.name + " at 0x" + Long.toHexString(s.offset) + " lies past the end of the file");
            }
        }
        List<Structure> byOffset = new ArrayList<>(all);
        byOffset.sort(Comparator.comparingLong(Structure::offset));
        for (int i = 1; i < byOffset.size(); i++) {
            Structure a = byOffset.get(i - 1);
            Structure b = byOffset.get(i);
            if (b.firstCluster(bits) <= a.lastCluster(bits)) {
                throw corrupt(t, a.name + " and " + b.name + " share cluster " + b.firstCluster(bits));
            }
        }
        for (Structure s : all) {
            for (long c = s.firstCluster(bits); c <= s.lastCluster(bits); c++) {
                if (refs.get(c) == 0) {
                    throw corrupt(t, s.name + " (cluster " + c + ") has refcount 0, so new data could be written over it");
                }
            }
        }
    }

    private static CorruptImageException corrupt(ClusterTables t, String finding) {
        return new CorruptImageException(t.file.path + ": image is corrupt (" + finding + "); nothing was written to it");
    }
}
