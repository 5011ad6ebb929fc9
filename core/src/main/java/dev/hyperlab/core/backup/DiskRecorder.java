package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.PriorDisk;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The sink of one disk in one backup run: checks that the strategy describes the disk in order, hands chunks to the
 * pipeline, and collects the resulting pieces into the disk's map.
 *
 * <p>{@code keep} refers to the base backup's blobs without reading the disk, except for blobs the index no longer
 * lists (a damaged repository): those ranges are read and stored again, so a new backup never depends on data that
 * is known to be gone.
 */
final class DiskRecorder implements DiskSink, BackupPipeline.PieceSink {

    /** Loads the pieces of a disk of an earlier backup. */
    @FunctionalInterface
    interface PriorMaps {
        List<Piece> pieces(String backupId, String disk) throws IOException;
    }

    private final SourceDisk disk;
    private final BackupPipeline pipeline;
    private final RepositoryIndex index;
    private final PriorMaps priors;
    private final Consumer<String> notes;
    private final List<Piece> pieces = new ArrayList<>();
    private final SortedSet<String> parents = new TreeSet<>();
    private long described;
    /** The ranges described so far ({@code store} or {@code keep}), in order, contiguous ones merged: start, end. */
    private final List<long[]> ranges = new ArrayList<>();
    private boolean healed;

    DiskRecorder(SourceDisk disk, BackupPipeline pipeline, RepositoryIndex index, PriorMaps priors,
            Consumer<String> notes) {
        this.disk = disk;
        this.pipeline = pipeline;
        this.index = index;
        this.priors = priors;
        this.notes = notes;
    }

    SourceDisk disk() {
        return disk;
    }

    @Override
    public int maxChunk() {
        return BackupPipeline.MAX_CHUNK;
    }

    @Override
    public void store(long offset, int length) throws IOException {
        claim(offset, length, true);
        read(offset, length);
    }

    private void read(long offset, int length) throws IOException {
        byte[] buf = pipeline.acquire(length);
        try {
            disk.read(offset, ByteBuffer.wrap(buf, 0, length));
        } catch (IOException | RuntimeException e) {
            pipeline.release();
            throw e;
        }
        pipeline.submit(this, offset, length);
    }

    @Override
    public void store(long offset, ByteBuffer bytes) throws IOException {
        int length = bytes.remaining();
        claim(offset, length, true);
        byte[] buf = pipeline.acquire(length);
        bytes.duplicate().get(buf, 0, length);
        pipeline.submit(this, offset, length);
    }

    @Override
    public void keep(PriorBackup base, long offset, long length) throws IOException {
        PriorDisk prior = base.disk(disk.name()).orElseThrow(() -> new IllegalArgumentException(
                "backup " + base.id().substring(0, 8) + " has no disk " + disk.name() + " to keep data from"));
        if (prior.virtualSize() != disk.virtualSize()) {
            throw new IllegalArgumentException("disk " + disk.name() + " is " + disk.virtualSize()
                    + " bytes now but " + prior.virtualSize() + " in backup " + base.id().substring(0, 8));
        }
        claim(offset, length, false);
        long end = offset + length;
        List<Piece> old;
        try {
            old = priors.pieces(base.id(), disk.name());
        } catch (RepositoryException e) {
            heal(base, "its disk map is unreadable (" + e.getMessage() + ")");
            storeAllocated(offset, end);
            return;
        }
        parents.add(base.id());
        int i = firstEndingAfter(old, offset);
        for (; i < old.size() && old.get(i).offset() < end; i++) {
            Piece p = old.get(i).clip(offset, end);
            if (index.contains(p.blob())) {
                add(p);
                continue;
            }
            heal(base, "some of its data is missing from the repository");
            for (long at = p.offset(); at < p.end(); at += BackupPipeline.MAX_CHUNK) {
                read(at, (int) Math.min(BackupPipeline.MAX_CHUNK, p.end() - at));
            }
        }
    }

    private void heal(PriorBackup base, String why) {
        if (!healed) {
            healed = true;
            notes.accept("disk " + disk.name() + ": backup " + base.id().substring(0, 8) + " cannot be built on: "
                    + why + "; its ranges were read and stored again");
        }
    }

    /** Stores the allocated parts of {@code [from, to)} read from the disk, on the full strategy's grid. */
    private void storeAllocated(long from, long to) throws IOException {
        for (dev.hyperlab.api.spi.ByteRange r : disk.allocated()) {
            long s = Math.max(from, r.offset());
            long e = Math.min(to, r.end());
            for (long at = s; at < e; ) {
                long next = Math.min(e, (at / BackupPipeline.MAX_CHUNK + 1) * BackupPipeline.MAX_CHUNK);
                read(at, (int) (next - at));
                at = next;
            }
        }
    }

    private static int firstEndingAfter(List<Piece> pieces, long offset) {
        int lo = 0;
        int hi = pieces.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pieces.get(mid).end() <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void claim(long offset, long length, boolean chunk) {
        if (length <= 0) {
            throw new IllegalArgumentException("empty range at " + offset + " of disk " + disk.name());
        }
        if (chunk && length > BackupPipeline.MAX_CHUNK) {
            throw new IllegalArgumentException("chunk of " + length + " bytes at " + offset + " of disk " + disk.name()
                    + " is larger than " + BackupPipeline.MAX_CHUNK);
        }
        if (offset < described) {
            throw new IllegalArgumentException("range at " + offset + " of disk " + disk.name()
                    + " is out of order: the disk was already described up to " + described);
        }
        if (offset + length > disk.virtualSize()) {
            throw new IllegalArgumentException("range " + offset + "+" + length + " is outside disk " + disk.name()
                    + " of " + disk.virtualSize() + " bytes");
        }
        described = offset + length;
        long[] last = ranges.isEmpty() ? null : ranges.getLast();
        if (last != null && last[1] == offset) {
            last[1] = described;
        } else {
            ranges.add(new long[] {offset, described});
        }
    }

    /**
     * What the strategy left out: bytes of data the disk holds (allocated and not zero) in ranges it neither stored nor
     * kept, which would restore as zeros. A strategy may skip allocated ranges that read as zeros (the sink would
     * have made holes of them anyway). Returns {bytes left out, offset of the first}, or null when none were.
     */
    long[] leftOut() throws IOException {
        long bytes = 0;
        long first = -1;
        int i = 0;
        byte[] buf = null;
        for (dev.hyperlab.api.spi.ByteRange r : disk.allocated()) {
            long at = r.offset();
            while (at < r.end()) {
                while (i < ranges.size() && ranges.get(i)[1] <= at) {
                    i++;
                }
                if (i < ranges.size() && ranges.get(i)[0] <= at) {
                    at = ranges.get(i)[1]; // described
                    continue;
                }
                long gapEnd = Math.min(r.end(), i < ranges.size() ? ranges.get(i)[0] : Long.MAX_VALUE);
                for (long o = at; o < gapEnd; ) {
                    int n = (int) Math.min(1 << 20, gapEnd - o);
                    buf = buf == null || buf.length < n ? new byte[n] : buf;
                    disk.read(o, ByteBuffer.wrap(buf, 0, n));
                    for (int k = 0; k < n; k += 4096) {
                        int len = Math.min(4096, n - k);
                        if (!java.util.Arrays.equals(buf, k, k + len, ZEROS, 0, len)) {
                            bytes += len;
                            first = first < 0 ? o + k : first;
                        }
                    }
                    o += n;
                }
                at = gapEnd;
            }
        }
        return bytes == 0 ? null : new long[] {bytes, first};
    }

    private static final byte[] ZEROS = new byte[4096];

    @Override
    public synchronized void add(Piece p) {
        pieces.add(p);
    }

    /** The disk's pieces in disk order (chunks commit in read order, kept ranges as described: merge them). */
    synchronized List<Piece> pieces() {
        List<Piece> sorted = new ArrayList<>(pieces);
        sorted.sort(Comparator.comparingLong(Piece::offset));
        return sorted;
    }

    SortedSet<String> parents() {
        return parents;
    }
}
