package dev.hyperlab.core.backup;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Assembles one pack file in memory: stored blobs appended in order, then {@link #finish} adds the header and trailer.
 * Not thread-safe; the backup pipeline appends from one committer at a time.
 */
final class PackWriter {
    private static final int FIRST_BUFFER = 1 << 20;
    /**
     * Made at the first append: {@link #FIRST_BUFFER} for a run's first pack (a run that stores a page or two of maps
     * needs little), {@link #capacity} once a pack has been finished (the run is a big one). A first buffer that
     * overflows is replaced by one of {@link #capacity} at once (or larger, for a larger pack), not grown step by step.
     */
    private byte[] buf;
    private final int capacity;
    private int size;
    /** Whether this writer has finished a pack: the run stores more than a pack, so its buffers are made full size. */
    private boolean finishedOne;
    private final List<PackFormat.Entry> entries = new ArrayList<>();

    PackWriter(int capacity) {
        this.capacity = capacity;
    }

    /** A finished pack: {@code bytes[0, length)} is the file, named {@code id}. */
    record Finished(ObjectId id, byte[] bytes, int length, List<PackFormat.Entry> entries) {}

    /** Bytes of blobs so far. */
    int size() {
        return size;
    }

    int count() {
        return entries.size();
    }

    /** Appends a stored blob (already compressed and sealed as the repository requires). */
    void add(BlobType type, ObjectId id, boolean compressed, int rawLength, byte[] stored, int off, int len) {
        ensure(size + len);
        System.arraycopy(stored, off, buf, size, len);
        entries.add(new PackFormat.Entry(type, compressed, size, len, rawLength, id));
        size += len;
    }

    /** Appends a blob already stored in another pack, byte for byte (repacking needs no re-encoding). */
    void addStored(PackFormat.Entry e, byte[] stored) {
        add(e.type(), e.id(), e.compressed(), e.rawLength(), stored, 0, stored.length);
    }

    /**
     * Makes {@code buf} hold {@code need} bytes. Growing by half each time (as before) copied and reallocated a 16 MiB
     * pack eight times, 1 MiB to 18 MiB: 68 MB of arrays the JVM zeroes and copies (G1 humongous objects, each forcing
     * a young collection in a small heap) for the 24 MB an incremental backup after day 2 stores, which took it from
     * 0.20 to 0.39 s in process. Now one step, to {@link #capacity}: at most one copy of the first megabyte per run.
     */
    private void ensure(int need) {
        if (buf == null) {
            buf = new byte[Math.max(need, finishedOne ? capacity : Math.min(capacity, FIRST_BUFFER))];
        } else if (need > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(need, Math.max(capacity, buf.length + buf.length / 2)));
        }
    }

    /**
     * Adds header and trailer and hands the pack over; the writer is then empty with {@code nextBuffer} (null: one is
     * made when next needed).
     */
    Finished finish(RepositoryCipher cipher, byte[] nextBuffer) {
        byte[] header = PackFormat.header(entries);
        int sealedLength = header.length + cipher.overhead();
        ensure(size + sealedLength + PackFormat.TRAILER);
        int n = cipher.seal(PackFormat.HEADER_AAD, header, 0, header.length, buf, size);
        PackFormat.writeTrailer(buf, size + n, n);
        Finished f = new Finished(cipher.fileId(header), buf, size + n + PackFormat.TRAILER, List.copyOf(entries));
        buf = nextBuffer;
        finishedOne = true;
        size = 0;
        entries.clear();
        return f;
    }
}
