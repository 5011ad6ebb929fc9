package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An image's internal snapshots (QEMU's savevm/loadvm/delvm on one qcow2 file): the snapshot table, taking one (a
 * copy of the active L1 table, every cluster it reaches counted once more, saved VM state past the end of the disk),
 * reverting to one, deleting one, and reading the disk or VM state as a snapshot holds them. Each operation that
 * changes many refcounts and COPIED flags together runs under the dirty bit.
 */
final class InternalSnapshots {
    private final ClusterTables t;
    private final ClusterReader reader;
    private final ClusterWriter writer;
    private final PersistentBitmaps bitmaps;
    private List<Qcow2Snapshot> snapshots;

    InternalSnapshots(ClusterTables tables, ClusterReader reader, ClusterWriter writer, PersistentBitmaps bitmaps) {
        this.t = tables;
        this.reader = reader;
        this.writer = writer;
        this.bitmaps = bitmaps;
    }

    /** Reads the snapshot table. */
    void load() throws IOException {
        snapshots = SnapshotTable.read(t.file, t.h);
    }

    /** The internal snapshots, in table order. */
    List<Qcow2Snapshot> list() {
        return Collections.unmodifiableList(snapshots);
    }

    Optional<Qcow2Snapshot> find(String name) {
        return snapshots.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    private Qcow2Snapshot require(String name) throws ImageException {
        return find(name).orElseThrow(() -> new ImageException(t.file.path + ": no snapshot named '" + name + "'"));
    }

    /**
     * Snapshot {@code name}, to be read or reverted to: the sizes it records come from the file, so they are checked
     * first, as the header's are (deleting a snapshot needs no such check, and is how to get rid of a bad one).
     */
    private Qcow2Snapshot requireUsable(String name) throws ImageException {
        Qcow2Snapshot s = require(name);
        Qcow2Header.requireAddressable(t.file.path.toString(), "the disk size of snapshot '" + name + "'", s.diskSize(), t.clusterBits);
        if (s.vmStateSize() > Long.MAX_VALUE - vmStateOffset(s.diskSize())) {
            throw new ImageException(t.file.path + ": snapshot '" + name + "' records " + s.vmStateSize() + " bytes of VM state, beyond any qcow2 offset");
        }
        return s;
    }

    /** Guest offset where saved VM state of a disk of {@code diskSize} bytes lives: the first L1 boundary at or past its end, as in QEMU. */
    private long vmStateOffset(long diskSize) {
        return Qcow2Header.l1EntriesFor(diskSize, t.clusterBits) << t.l1EntryBits;
    }

    /** Takes snapshot {@code name} of the disk as it is now, with {@code vmState} (may be empty) saved past its end. */
    Qcow2Snapshot create(String name, Qcow2Snapshot.Times times, ByteBuffer vmState) throws IOException {
        if (name.isEmpty() || SnapshotTable.utf8(name).length > 65535) throw new ImageException(t.file.path + ": snapshot name must be 1..65535 bytes");
        if (find(name).isPresent()) throw new ImageException(t.file.path + ": a snapshot named '" + name + "' already exists");
        if (snapshots.size() >= Qcow2Header.MAX_SNAPSHOTS) throw new ImageException(t.file.path + ": too many snapshots");
        long vmSize = vmState.remaining();
        t.setDirty(true);
        if (vmSize > 0) writer.writeAt(vmStateOffset(t.h.size), vmState.slice());
        long[] copy = t.l1().clone();
        long l1Copy = t.writeTable(copy);
        adjustTree(copy, +1);
        t.fixCopiedFlags();
        String id = nextId();
        Qcow2Snapshot s = new Qcow2Snapshot(id, name, l1Copy, copy.length, times.dateSec(), times.dateNsec(),
                times.vmClockNsec(), vmSize, t.h.size, -1, new byte[0]);
        List<Qcow2Snapshot> next = new ArrayList<>(snapshots);
        next.add(s);
        writeTable(next);
        dropVmStateFromActive();
        t.setDirty(false);
        return s;
    }

    private String nextId() {
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
    void apply(String name) throws IOException {
        Qcow2Snapshot s = requireUsable(name);
        long[] target = t.snapshotL1(s);
        if (!bitmaps.isEmpty() && s.diskSize() != t.h.size) {
            throw new ImageException(t.file.path + ": snapshot '" + name + "' has another disk size, which persistent bitmaps cannot follow (remove them first)");
        }
        List<DirtyBitmap> recording = bitmaps.recording();
        // before the switch: the active layer's tables are released by it
        if (!recording.isEmpty()) markRemapped(t.l1(), target, recording);
        t.setDirty(true);
        int need = (int) Math.max(target.length, Qcow2Header.l1EntriesFor(s.diskSize(), t.clusterBits));
        if (need > t.l1().length) t.growL1(need);
        adjustTree(target, +1);
        long[] old = t.l1().clone();
        long[] fresh = Arrays.copyOf(target, old.length);
        for (int i = 0; i < fresh.length; i++) fresh[i] &= ~L2Entry.COPIED;
        t.replaceL1(fresh);
        adjustTree(old, -1);
        t.invalidateCaches();
        if (s.diskSize() != t.h.size) {
            t.h.size = s.diskSize();
            t.writeHeader();
        }
        dropVmStateFromActive();
        t.fixCopiedFlags();
        t.setDirty(false);
    }

    /**
     * Marks in {@code into} every guest cluster of the disk whose L2 entry differs between the L1 tables {@code from}
     * and {@code to} (the COPIED flag aside): a cluster both map alike, or both leave to the backing file, reads the
     * same. An L1 entry both share points to one L2 table, so its whole span is alike without reading it.
     */
    private void markRemapped(long[] from, long[] to, List<DirtyBitmap> into) throws IOException {
        long size = t.h.size;
        int clusterSize = t.clusterSize;
        long span = 1L << t.l1EntryBits;
        int spans = (int) ((size + span - 1) / span);
        for (int i = 0; i < spans; i++) {
            long a = i < from.length ? L2Entry.offset(from[i]) : 0;
            long b = i < to.length ? L2Entry.offset(to[i]) : 0;
            if (a == b) continue;
            long[] before = a == 0 ? null : t.loadL2(a);
            long[] after = b == 0 ? null : t.loadL2(b);
            int entries = clusterSize / 8;
            for (int j = 0; j < entries; j++) {
                long x = before == null ? 0 : before[j] & ~L2Entry.COPIED;
                long y = after == null ? 0 : after[j] & ~L2Entry.COPIED;
                if (x == y) continue;
                long offset = i * span + ((long) j << t.clusterBits);
                if (offset >= size) break;
                for (DirtyBitmap d : into) d.setRange(offset, Math.min(clusterSize, size - offset));
            }
        }
    }

    /** Deletes snapshot {@code name}, releasing the clusters only it referenced. */
    void delete(String name) throws IOException {
        Qcow2Snapshot s = require(name);
        long[] table = t.snapshotL1(s);
        t.setDirty(true);
        List<Qcow2Snapshot> next = new ArrayList<>(snapshots);
        next.remove(s);
        writeTable(next);
        adjustTree(table, -1);
        t.forgetL2Tables(); // tables only the snapshot used are free now and may be reused as anything
        if (s.l1Size() > 0) t.refs().release(s.l1TableOffset(), Math.max(1, t.clustersFor(s.l1Size() * 8L)));
        t.fixCopiedFlags();
        t.setDirty(false);
    }

    /** Reads saved VM state of snapshot {@code name}, {@code dst.remaining()} bytes from {@code offset}. */
    void readVmState(String name, long offset, ByteBuffer dst) throws IOException {
        Qcow2Snapshot s = requireUsable(name);
        if (offset < 0 || offset > s.vmStateSize() - dst.remaining()) throw new ImageException(t.file.path + ": range is outside the saved VM state of '" + name + "'");
        reader.readVia(t.snapshotL1(s), vmStateOffset(s.diskSize()) + offset, dst, false);
    }

    /**
     * The whole saved VM state of snapshot {@code name}. Saved state is data written into the image, so an honest
     * snapshot never claims more of it than the file holds: one that does is refused before anything is allocated.
     */
    byte[] readVmState(String name) throws IOException {
        long size = requireUsable(name).vmStateSize();
        if (size > t.file.size()) {
            throw new ImageException(t.file.path + ": snapshot '" + name + "' claims " + size + " bytes of VM state, more than the file holds ("
                    + t.file.size() + " bytes): the image is damaged");
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new ImageException(t.file.path + ": snapshot '" + name + "' holds " + size + " bytes of VM state, more than hyperlab reads at once (2 GiB)");
        }
        byte[] state = new byte[(int) size];
        readVmState(name, 0, ByteBuffer.wrap(state));
        return state;
    }

    /** Reads the disk as it was at snapshot {@code name}. */
    void read(String name, long offset, ByteBuffer dst) throws IOException {
        Qcow2Snapshot s = requireUsable(name);
        if (offset < 0 || offset > s.diskSize() - dst.remaining()) throw new ImageException(t.file.path + ": range is outside snapshot '" + name + "'");
        reader.readVia(t.snapshotL1(s), offset, dst, true);
    }

    /** How {@code [offset, offset + length)} of the disk as it was at snapshot {@code name} is stored. */
    List<Extent> map(String name, long offset, long length) throws IOException {
        Qcow2Snapshot s = requireUsable(name);
        if (offset < 0 || length < 0 || offset > s.diskSize() - length) throw new ImageException(t.file.path + ": range is outside snapshot '" + name + "'");
        return reader.mapVia(t.snapshotL1(s), offset, length);
    }

    /** Removes the active layer's references past the end of the disk (saved VM state now owned by a snapshot). */
    private void dropVmStateFromActive() throws IOException {
        int first = (int) Qcow2Header.l1EntriesFor(t.h.size, t.clusterBits);
        long[] l1 = t.l1();
        for (int i = first; i < l1.length; i++) {
            long e = l1[i];
            if (L2Entry.offset(e) == 0) continue;
            t.setL1(i, 0);
            long[] one = new long[i + 1];
            one[i] = e;
            adjustTree(one, -1);
            t.forgetL2Tables();
        }
    }

    private void writeTable(List<Qcow2Snapshot> next) throws IOException {
        Qcow2Header h = t.h;
        long oldOffset = h.snapshotsOffset;
        long oldBytes = SnapshotTable.encodedSize(snapshots);
        long offset = 0;
        if (!next.isEmpty()) {
            ByteBuffer b = SnapshotTable.encode(next);
            offset = t.refs().allocate(t.clustersFor(b.remaining()));
            t.file.write(offset, b);
        }
        h.snapshotsOffset = offset;
        h.nbSnapshots = next.size();
        t.writeHeader();
        snapshots = next;
        if (oldBytes > 0 && oldOffset != 0) t.refs().release(oldOffset, t.clustersFor(oldBytes));
    }

    /** Adds {@code delta} to the refcount of every L2 table and data cluster reachable from {@code table}. */
    private void adjustTree(long[] table, int delta) throws IOException {
        RunBatcher batch = new RunBatcher(t.refs(), delta);
        int clusterBits = t.clusterBits;
        for (long e : table) {
            long l2Offset = L2Entry.offset(e);
            if (l2Offset == 0) continue;
            long[] l2 = t.loadL2(l2Offset);
            batch.add(l2Offset >>> clusterBits, 1);
            for (long x : l2) {
                switch (L2Entry.kind(x, t.h.version)) {
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
    private static final class RunBatcher {
        private final RefcountTable refs;
        private final int delta;
        private long start = -1;
        private long count;

        RunBatcher(RefcountTable refs, int delta) {
            this.refs = refs;
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
}
