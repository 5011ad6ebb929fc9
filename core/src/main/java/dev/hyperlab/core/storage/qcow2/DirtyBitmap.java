package dev.hyperlab.core.storage.qcow2;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A persistent dirty bitmap's bits: one bit per {@link #granularity()} bytes of the virtual disk, set when any byte
 * of that chunk was written since the bitmap was added or cleared. Backups copy only the dirty chunks.
 *
 * <p>Instances handed out by {@link Qcow2Image#dirtyBitmap} are copies: changing the image later does not change them.
 */
public final class DirtyBitmap {
    private final String name;
    private final long granularity;
    private final long diskSize;
    final long[] words;

    DirtyBitmap(String name, long granularity, long diskSize, long[] words) {
        this.name = name;
        this.granularity = granularity;
        this.diskSize = diskSize;
        this.words = words;
    }

    public String name() { return name; }

    /** Bytes of the disk one bit stands for (a power of two, at least 512). */
    public long granularity() { return granularity; }

    /** Size of the disk the bitmap covers. */
    public long diskSize() { return diskSize; }

    /** Whether the chunk holding byte {@code offset} is dirty. */
    public boolean isDirty(long offset) {
        long bit = offset / granularity;
        return (words[(int) (bit >>> 6)] & (1L << (bit & 63))) != 0;
    }

    /** Bytes covered by dirty chunks (clipped to the disk size). */
    public long dirtyBytes() {
        long n = 0;
        for (Range r : dirtyRanges()) n += r.length();
        return n;
    }

    /** A run of dirty bytes of the disk. */
    public record Range(long offset, long length) {}

    /** The dirty runs in order, adjacent chunks merged, clipped to the disk size. */
    public List<Range> dirtyRanges() {
        List<Range> out = new ArrayList<>();
        long nbits = (diskSize + granularity - 1) / granularity;
        long bit = 0;
        while (bit < nbits) {
            int w = (int) (bit >>> 6);
            long word = words[w] & (-1L << (bit & 63));
            if (word == 0) {
                bit = (long) (w + 1) << 6;
                continue;
            }
            long start = ((long) w << 6) + Long.numberOfTrailingZeros(word);
            long end = start;
            while (end < nbits && (words[(int) (end >>> 6)] & (1L << (end & 63))) != 0) end++;
            long off = start * granularity;
            out.add(new Range(off, Math.min(diskSize, end * granularity) - off));
            bit = end;
        }
        return out;
    }

    void setRange(long offset, long length) {
        if (length <= 0) return;
        long first = offset / granularity;
        long last = Math.min((offset + length - 1) / granularity, (long) words.length * 64 - 1);
        for (long b = first; b <= last; ) {
            int w = (int) (b >>> 6);
            if ((b & 63) == 0 && last - b >= 63) {
                words[w] = -1L;
                b += 64;
            } else {
                words[w] |= 1L << (b & 63);
                b++;
            }
        }
    }

    void clear() {
        Arrays.fill(words, 0);
    }

    DirtyBitmap copy() {
        return new DirtyBitmap(name, granularity, diskSize, words.clone());
    }
}
