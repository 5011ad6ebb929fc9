package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An image's persistent dirty bitmaps (the bitmaps extension and its directory, QEMU docs/interop/qcow2.txt) while it
 * is open: loaded for writing and flagged in use on disk, changed in memory as the guest writes, and stored back on
 * a clean close. A bitmap found in use on open was not stored by a clean close: it is inconsistent, never trusted.
 */
final class PersistentBitmaps {
    private final ClusterTables t;
    private final List<BitmapState> bitmaps = new ArrayList<>();
    /** The bitmaps were loaded for writing (and flagged in use on disk): a close stores them. */
    private boolean loaded;

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

    PersistentBitmaps(ClusterTables tables) {
        this.t = tables;
    }

    /** Reads the bitmap directory (entries only; the bits are read when loaded). */
    void load() throws IOException {
        if (t.h.bitmaps == null) return;
        for (BitmapDirectory.Entry e : BitmapDirectory.read(t.file, t.h)) {
            BitmapState s = new BitmapState(e);
            s.inconsistent = (e.flags() & BitmapDirectory.FLAG_IN_USE) != 0;
            s.stored = true;
            bitmaps.add(s);
        }
    }

    /** Loads every consistent bitmap's bits and flags it in use on disk, so a crash before close leaves it untrusted. */
    void loadForWriting() throws IOException {
        boolean marked = false;
        for (BitmapState s : bitmaps) {
            if (s.inconsistent) continue;
            s.bits = loadBits(s);
            // In use while open, as QEMU marks it: a crash before close leaves it flagged inconsistent, never trusted.
            s.entry = s.entry.withFlags(s.entry.flags() | BitmapDirectory.FLAG_IN_USE);
            marked = true;
        }
        if (marked) rewriteDirectoryInPlace();
        loaded = true;
    }

    private void rewriteDirectoryInPlace() throws IOException {
        List<BitmapDirectory.Entry> entries = new ArrayList<>();
        for (BitmapState s : bitmaps) if (s.stored) entries.add(s.entry);
        ByteBuffer dir = BitmapDirectory.encode(entries);
        Qcow2Header h = t.h;
        if (h.bitmaps == null || dir.remaining() != h.bitmaps.directorySize()) throw new IllegalStateException("bitmap directory changed shape");
        // Only flag words change, so each entry's bytes stay in place; entries are written one by one (each < 1 page).
        long pos = h.bitmaps.directoryOffset();
        for (BitmapDirectory.Entry e : entries) {
            t.file.write(pos + 12, ByteBuffer.allocate(4).putInt(0, e.flags()));
            pos += e.encodedSize();
        }
    }

    boolean isEmpty() {
        return bitmaps.isEmpty();
    }

    /** Marks {@code [offset, offset+length)} dirty in every enabled bitmap (the guest wrote or discarded it). */
    void recordWrite(long offset, long length) {
        for (BitmapState s : bitmaps) if (s.bits != null && s.enabled()) s.bits.setRange(offset, length);
    }

    /** The bits of every enabled, loaded bitmap: what a change of the disk must mark. */
    List<DirtyBitmap> recording() {
        List<DirtyBitmap> out = new ArrayList<>();
        for (BitmapState s : bitmaps) if (s.bits != null && s.enabled()) out.add(s.bits);
        return out;
    }

    /** The persistent dirty bitmaps, as {@code qemu-img info} lists them. */
    List<BitmapInfo> list() {
        List<BitmapInfo> out = new ArrayList<>();
        for (BitmapState s : bitmaps) out.add(new BitmapInfo(s.entry.name(), s.entry.granularity(), s.enabled(), s.inconsistent));
        return out;
    }

    /** A copy of bitmap {@code name}'s bits. Fails for an inconsistent bitmap: its bits cannot be trusted. */
    DirtyBitmap copyOf(String name) throws IOException {
        BitmapState s = require(name);
        if (s.inconsistent) throw new ImageException(t.file.path + ": bitmap '" + name + "' is inconsistent (the image was not closed cleanly); take a full backup and clear it");
        if (s.bits == null) s.bits = loadBits(s);
        return s.bits.copy();
    }

    private DirtyBitmap loadBits(BitmapState s) throws IOException {
        long[] words = bitWords(s, s.entry.granularityBits());
        return new DirtyBitmap(s.entry.name(), s.entry.granularity(), t.h.size, BitmapDirectory.readBits(t.file, t.h, s.entry, words));
    }

    /**
     * Zeroed words for the bits of {@code s} (new, or replacing what it holds), refused when the image's bitmaps would
     * then take more memory than hyperlab holds for one image ({@link BitmapDirectory#MAX_MEMORY}).
     */
    private long[] bitWords(BitmapState s, int granularityBits) throws ImageException {
        long words = BitmapDirectory.words(t.h.size, granularityBits);
        long held = 0;
        for (BitmapState o : bitmaps) if (o != s && o.bits != null) held += o.bits.words.length;
        if ((held + words) * 8 > BitmapDirectory.MAX_MEMORY) {
            throw new ImageException(t.file.path + ": its bitmaps would take " + ((held + words) * 8 >> 20) + " MiB of memory, more than hyperlab holds for one image ("
                    + (BitmapDirectory.MAX_MEMORY >> 20) + " MiB)");
        }
        return new long[(int) words];
    }

    /**
     * The granularity for a new bitmap on this disk: {@code preferred} (rounded up to a power of two), or the smallest
     * larger one whose bits take at most 16 MiB of memory (so 64 KiB per bit up to 8 TiB disks); at most
     * {@code largest}. Throws when even that would need more.
     */
    long granularityFor(long preferred, long largest) throws ImageException {
        long size = t.h.size;
        int gb = 64 - Long.numberOfLeadingZeros(Math.max(512, preferred) - 1);
        int maxBits = Math.min(31, 63 - Long.numberOfLeadingZeros(largest));
        while (gb < maxBits && BitmapDirectory.bitsBytes(size, gb) > PREFERRED_BITMAP_BYTES) gb++;
        if (BitmapDirectory.bitsBytes(size, gb) > PREFERRED_BITMAP_BYTES) {
            throw new ImageException(t.file.path + ": a dirty bitmap of this " + size + "-byte disk would take more than "
                    + (PREFERRED_BITMAP_BYTES >> 20) + " MiB of memory even at " + (1L << gb) + " bytes per bit");
        }
        return 1L << gb;
    }

    /** Memory a bitmap whose granularity hyperlab chooses may take (see {@link #granularityFor}). */
    static final long PREFERRED_BITMAP_BYTES = 16L << 20;

    /** Adds an empty, enabled bitmap with {@code granularity} bytes per bit (a power of two, 512 B..2 GiB). */
    void add(String name, long granularity) throws IOException {
        String path = t.file.path.toString();
        if (name.isEmpty() || SnapshotTable.utf8(name).length > 1023) throw new ImageException(path + ": bitmap name must be 1..1023 bytes");
        if (bitmaps.stream().anyMatch(s -> s.entry.name().equals(name))) throw new ImageException(path + ": a bitmap named '" + name + "' already exists");
        if (Long.bitCount(granularity) != 1 || granularity < 512 || granularity > (1L << 31)) throw new ImageException(path + ": bitmap granularity " + granularity + " is not a power of two from 512 B to 2 GiB");
        if (bitmaps.size() >= BitmapDirectory.MAX_BITMAPS) throw new ImageException(path + ": too many bitmaps");
        int gb = Long.numberOfTrailingZeros(granularity);
        if (BitmapDirectory.bitsBytes(t.h.size, gb) > BitmapDirectory.MAX_BITS_BYTES) { // QEMU's words, for QEMU's limit
            throw new ImageException(path + ": a bitmap of " + granularity + " bytes per bit on this " + t.h.size
                    + "-byte disk would take more than 512 MiB (too much space would be occupied by the bitmap: use a larger granularity)");
        }
        BitmapState s = new BitmapState(new BitmapDirectory.Entry(0, 0, BitmapDirectory.FLAG_AUTO | BitmapDirectory.FLAG_IN_USE, 1, gb, name, new byte[0]));
        s.bits = new DirtyBitmap(name, granularity, t.h.size, bitWords(s, gb));
        bitmaps.add(s);
    }

    /** Clears every bit of {@code name} (after a backup copied what it marked); an inconsistent bitmap becomes usable. */
    void clear(String name) throws IOException {
        BitmapState s = require(name);
        s.bits = new DirtyBitmap(name, s.entry.granularity(), t.h.size, bitWords(s, s.entry.granularityBits()));
        s.inconsistent = false;
        s.entry = s.entry.withFlags(s.entry.flags() | BitmapDirectory.FLAG_IN_USE);
    }

    /** Marks dirty in {@code target} every chunk that {@code source} marks dirty (granularities may differ). */
    void merge(String source, String target) throws IOException {
        DirtyBitmap src = copyOf(source);
        copyOf(target); // loads it, and refuses an inconsistent target
        BitmapState tb = require(target);
        for (DirtyBitmap.Range r : src.dirtyRanges()) tb.bits.setRange(r.offset(), r.length());
    }

    /** Enables or disables recording of writes into {@code name}. */
    void enable(String name, boolean enabled) throws IOException {
        BitmapState s = require(name);
        int f = enabled ? s.entry.flags() | BitmapDirectory.FLAG_AUTO : s.entry.flags() & ~BitmapDirectory.FLAG_AUTO;
        s.entry = s.entry.withFlags(f);
    }

    /** Removes bitmap {@code name}. */
    void remove(String name) throws IOException {
        bitmaps.remove(require(name));
    }

    private BitmapState require(String name) throws ImageException {
        for (BitmapState s : bitmaps) if (s.entry.name().equals(name)) return s;
        throw new ImageException(t.file.path + ": no bitmap named '" + name + "'");
    }

    /** Stores the bitmaps on close, when they were loaded for writing (an image refused or never repaired gets nothing written). */
    void storeIfLoaded() throws IOException {
        if (loaded) store();
    }

    /**
     * Writes every bitmap back on close: new data clusters, tables and directory first, then the header switches to
     * them in one write, then the old ones are released, all under the dirty bit. Only a clean close clears the in-use
     * flags.
     */
    private void store() throws IOException {
        Qcow2Header h = t.h;
        RefcountTable refs = t.refs();
        List<BitmapDirectory.Entry> entries = new ArrayList<>();
        List<long[]> release = new ArrayList<>(); // {offset, clusters}
        List<BitmapDirectory.Entry> oldStored = new ArrayList<>();
        if (h.bitmaps != null) {
            for (BitmapDirectory.Entry e : BitmapDirectory.read(t.file, h)) oldStored.add(e);
            release.add(new long[] {h.bitmaps.directoryOffset(), t.clustersFor(h.bitmaps.directorySize())});
        }
        if (h.bitmaps == null && bitmaps.isEmpty()) return;
        // a kill between the header's switch and the releases (or before the switch) would leak clusters: dirty, an
        // open repairs them, in hyperlab and in QEMU alike
        t.setDirty(true);
        Set<String> kept = new HashSet<>();
        List<BitmapState> written = new ArrayList<>(); // their new entries, in the order of entries
        int clusterSize = t.clusterSize;
        for (BitmapState s : bitmaps) {
            if (s.inconsistent) {
                entries.add(s.entry);
                kept.add(s.entry.name());
                continue;
            }
            long tableSize = BitmapDirectory.tableSizeFor(h.size, s.entry.granularityBits(), t.clusterBits);
            long[] table = new long[(int) tableSize];
            ByteBuffer cluster = ByteBuffer.allocate(clusterSize).order(ByteOrder.LITTLE_ENDIAN);
            int wordsPerCluster = clusterSize / 8;
            for (int i = 0; i < tableSize; i++) {
                int w0 = i * wordsPerCluster;
                int w1 = Math.min(s.bits.words.length, w0 + wordsPerCluster);
                boolean any = false;
                for (int w = w0; w < w1 && !any; w++) any = s.bits.words[w] != 0;
                if (!any) continue;
                cluster.clear();
                for (int w = w0; w < w1; w++) cluster.putLong((w - w0) * 8, s.bits.words[w]);
                for (int w = w1 - w0; w < wordsPerCluster; w++) cluster.putLong(w * 8, 0);
                long at = refs.allocate(1);
                t.file.write(at, cluster);
                table[i] = at;
            }
            long tableOffset = tableSize == 0 ? 0 : t.writeTable(table);
            entries.add(new BitmapDirectory.Entry(tableOffset, (int) tableSize, s.entry.flags() & ~BitmapDirectory.FLAG_IN_USE,
                    1, s.entry.granularityBits(), s.entry.name(), s.entry.extra()));
            written.add(s);
        }
        for (BitmapDirectory.Entry e : oldStored) {
            if (kept.contains(e.name()) && (e.flags() & BitmapDirectory.FLAG_IN_USE) != 0) continue;
            releaseClusters(e, release);
        }
        if (entries.isEmpty()) {
            h.bitmaps = null;
            h.autoclearFeatures &= ~Qcow2Header.AUTOCLEAR_BITMAPS;
        } else {
            ByteBuffer dir = BitmapDirectory.encode(entries);
            long size = dir.remaining();
            long at = refs.allocate(t.clustersFor(size));
            t.file.write(at, dir);
            h.bitmaps = new Qcow2Header.BitmapsExtension(entries.size(), size, at);
            h.autoclearFeatures |= Qcow2Header.AUTOCLEAR_BITMAPS;
        }
        t.writeHeader();
        for (long[] r : release) refs.release(r[0], r[1]);
        t.setDirty(false);
        // what is on disk now, for an image that stays open (storeKeepingOpen); a close forgets it
        for (int i = 0, j = 0; i < entries.size(); i++) {
            if (kept.contains(entries.get(i).name())) continue;
            BitmapState s = written.get(j++);
            s.entry = entries.get(i);
            s.stored = true;
        }
    }

    /**
     * Stores the bitmaps as a close does and flags them in use again as the next open would, the image staying open;
     * the file is fsynced between the two, so the stored bitmaps are durable before the flags say "in use". A new VM's
     * disk gets its bitmap on disk this way without being closed and opened again, its backing chain with it.
     */
    void storeKeepingOpen() throws IOException {
        if (!loaded) return;
        store();
        if (t.file.unsynced()) t.file.force();
        boolean marked = false;
        for (BitmapState s : bitmaps) {
            if (s.inconsistent || s.bits == null) continue;
            s.entry = s.entry.withFlags(s.entry.flags() | BitmapDirectory.FLAG_IN_USE);
            marked = true;
        }
        if (marked) rewriteDirectoryInPlace();
    }

    private void releaseClusters(BitmapDirectory.Entry e, List<long[]> release) throws IOException {
        if (e.tableSize() == 0) return;
        ByteBuffer table = ByteBuffer.allocate(e.tableSize() * 8);
        t.file.readFully(e.tableOffset(), table, "bitmap table");
        for (int i = 0; i < e.tableSize(); i++) {
            long off = table.getLong(i * 8) & L2Entry.OFFSET_MASK;
            if (off != 0) release.add(new long[] {off, 1});
        }
        release.add(new long[] {e.tableOffset(), t.clustersFor(e.tableSize() * 8L)});
    }
}
