package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.CorruptImageException;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Repairs a qcow2 image's refcounts from its mapping tables, as {@code qemu-img check -r all} does (QEMU
 * block/qcow2-refcount.c: leaks and refcounts lower than their references are set right; a refcount structure that
 * cannot be trusted is rebuilt), then the COPIED flags. The references are counted from everything but the refcount
 * structure: header, L1 and L2 tables of the active layer and every snapshot, data and compressed clusters, snapshot
 * table, bitmap directory, tables and data.
 *
 * <p>Two ways, as in QEMU. When the refcount table and every block it names are well placed (on a cluster boundary,
 * inside the file, used by nothing else), the wrong refcounts are rewritten in place; a block that is missing is
 * added past the end of the file, where nothing can be. Otherwise a new table and blocks are written past the end of
 * the file, holding exactly the counted references, and one header write switches to them: a kill before it leaves
 * the image as it was, after it the repaired image under the dirty bit until the COPIED flags are right too, which
 * any opener (hyperlab or QEMU) finishes. The old structure's clusters become free.
 *
 * <p>Damage in the mapping tables themselves (an L2 table or a data cluster off a cluster boundary or past the end of
 * the file) is not repaired: the data it pointed to cannot be found again, and guessing would corrupt the guest's
 * data silently. The repair refuses such an image and says what is damaged.
 */
final class RefcountRepair {
    private RefcountRepair() {}

    /**
     * Sets every refcount to the references counted (rebuilding the refcount structure when it cannot be trusted) and
     * fixes the COPIED flags; returns whether it rebuilt. Refuses, changing nothing, when a mapping table is damaged;
     * {@code refusal} starts that message.
     */
    static boolean repairRefcounts(ClusterTables t, List<Qcow2Snapshot> snapshots, String refusal) throws IOException {
        ClusterReferences.References r = ClusterReferences.outsideRefcounts(t, snapshots);
        if (r.damaged()) {
            String first = r.problems().stream().filter(p -> p.startsWith("ERROR ")).findFirst().orElse("ERROR ?");
            throw new CorruptImageException(t.file.path + ": " + refusal + ": " + first.substring(6)
                    + " (a mapping table is damaged, not only refcounts: the data it pointed to cannot be found again)");
        }
        int[] counted = r.counted();
        Qcow2Header h = t.h;
        long max = h.refcountBits() == 64 ? Long.MAX_VALUE : (1L << h.refcountBits()) - 1;
        for (int c = 0; c < counted.length; c++) {
            if (counted[c] > max) {
                throw new CorruptImageException(t.file.path + ": " + refusal + ": cluster " + c + " has " + counted[c]
                        + " references, more than " + h.refcountBits() + "-bit refcounts count");
            }
        }
        boolean trusted = structureTrusted(t, counted);
        if (trusted) {
            fixInPlace(t.refs(), h, counted);
        } else {
            rebuild(t, counted);
        }
        t.invalidateCaches();
        t.fixCopiedFlags();
        return !trusted;
    }

    /** The refcount table and its blocks are well placed and used by nothing else, so writing into them is safe. */
    private static boolean structureTrusted(ClusterTables t, int[] counted) throws IOException {
        Qcow2Header h = t.h;
        int bits = h.clusterBits;
        long fileClusters = counted.length;
        long tableStart = h.refcountTableOffset >>> bits;
        long tableEnd = tableStart + h.refcountTableClusters;
        if ((h.refcountTableOffset & (h.clusterSize() - 1)) != 0 || tableEnd > fileClusters) return false;
        for (long c = tableStart; c < tableEnd; c++) if (counted[(int) c] != 0) return false;
        TreeSet<Long> blocks = new TreeSet<>();
        for (long e : t.refs().tableEntries()) {
            if (e == 0) continue;
            long off = e & L2Entry.OFFSET_MASK;
            long c = off >>> bits;
            if (e != off || (off & (h.clusterSize() - 1)) != 0 || c >= fileClusters) return false;
            if (counted[(int) c] != 0 || (c >= tableStart && c < tableEnd) || !blocks.add(c)) return false;
        }
        return true;
    }

    /** Rewrites the refcounts that differ from the references, runs of equal values in one write each. */
    private static void fixInPlace(RefcountTable refs, Qcow2Header h, int[] counted) throws IOException {
        int[] want = counted.clone();
        long tableStart = h.refcountTableOffset >>> h.clusterBits;
        for (long c = tableStart; c < tableStart + h.refcountTableClusters; c++) want[(int) c]++;
        for (long e : refs.tableEntries()) if (e != 0) want[(int) ((e & L2Entry.OFFSET_MASK) >>> h.clusterBits)]++;
        long runStart = -1;
        long runLength = 0;
        for (int c = 0; c <= want.length; c++) {
            boolean wrong = c < want.length && refs.get(c) != want[c];
            if (wrong && runLength > 0 && runStart + runLength == c && want[(int) runStart] == want[c]) {
                runLength++;
                continue;
            }
            if (runLength > 0) refs.set(runStart, runLength, want[(int) runStart]);
            runStart = c;
            runLength = wrong ? 1 : 0;
        }
    }

    /**
     * Writes a new refcount table and blocks past the end of the file (clusters nothing references), counting the
     * references and the new structure itself, and switches the header to them.
     */
    private static void rebuild(ClusterTables t, int[] counted) throws IOException {
        Qcow2Header h = t.h;
        HostFile file = t.file;
        int bits = h.clusterBits;
        int cs = h.clusterSize();
        long perBlock = (long) cs * 8 / h.refcountBits();
        long start = counted.length; // the first cluster past the end of the file
        TreeSet<Long> used = new TreeSet<>();
        for (int c = 0; c < counted.length; c++) if (counted[c] != 0) used.add(c / perBlock);
        // the table and blocks must count themselves too: grow both until they cover what they occupy
        long tableClusters = 1;
        TreeSet<Long> needed = used;
        while (true) {
            long end = start + tableClusters + needed.size();
            TreeSet<Long> next = new TreeSet<>(used);
            for (long b = start / perBlock; b <= (end - 1) / perBlock; b++) next.add(b);
            long tc = Math.max(1, ((next.last() + 1) * 8 + cs - 1) / cs);
            if (tc == tableClusters && next.size() == needed.size()) break;
            tableClusters = tc;
            needed = next;
        }
        if (tableClusters * cs > Qcow2Header.MAX_REFTABLE_BYTES) {
            throw new ImageException(t.file.path + ": cannot repair: the refcount table would exceed "
                    + (Qcow2Header.MAX_REFTABLE_BYTES >> 20) + " MiB");
        }
        long[] table = new long[(int) (tableClusters * cs / 8)];
        TreeMap<Long, Long> blockAt = new TreeMap<>(); // block index -> its cluster
        long at = start + tableClusters;
        for (long b : needed) {
            blockAt.put(b, at);
            table[(int) b] = at << bits;
            at++;
        }
        long end = at;
        file.extendTo(end << bits);
        byte[] blk = new byte[cs];
        for (var e : blockAt.entrySet()) {
            java.util.Arrays.fill(blk, (byte) 0);
            long first = e.getKey() * perBlock;
            for (long c = first; c < first + perBlock; c++) {
                long v = c < counted.length ? counted[(int) c] : (c >= start && c < end ? 1 : 0);
                if (v != 0) RefcountTable.putEntry(blk, h.refcountBits(), c - first, v);
            }
            file.write(e.getValue() << bits, ByteBuffer.wrap(blk));
        }
        ByteBuffer tableBytes = ByteBuffer.allocate((int) (tableClusters * cs));
        tableBytes.asLongBuffer().put(table);
        file.write(start << bits, tableBytes);
        file.force();
        h.refcountTableOffset = start << bits;
        h.refcountTableClusters = (int) tableClusters;
        // dirty until the COPIED flags match the new refcounts: a kill before then leaves an image any opener repairs
        h.incompatibleFeatures |= Qcow2Header.INCOMPAT_DIRTY;
        t.writeHeader();
        file.force();
        t.reloadRefcounts();
    }
}
