package dev.hyperlab.core.storage.qcow2;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.hyperlab.core.storage.ImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates compressed clusters: raw deflate (no zlib header, window 12 bits, as QEMU writes with
 * {@code deflateInit2(-12)}) or zstd (compression type 1). Output is exactly one cluster; compressed data that
 * yields less is damage, and more is never produced, so a hostile cluster cannot inflate without bound. The last
 * cluster inflated is kept, as a guest reads one cluster in several parts.
 */
final class CompressedClusters {
    private final HostFile file;
    private final String path;
    private final int compressionType;
    private final int clusterBits;
    private final int clusterSize;
    private Inflater inflater; // made on first use: each layer of a chain has one, and most never inflate anything
    private byte[] lastInflated; // the last compressed cluster inflated, null when none (any entry value may be hostile)
    private long lastInflatedEntry;

    CompressedClusters(HostFile file, int compressionType, int clusterBits) {
        this.file = file;
        this.path = file.path.toString();
        this.compressionType = compressionType;
        this.clusterBits = clusterBits;
        this.clusterSize = 1 << clusterBits;
    }

    /** The guest cluster that compressed L2 entry {@code entry} holds, read from the file and inflated. */
    byte[] inflate(long entry) throws IOException {
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
        decompress(in, in.length, out, off);
        lastInflated = out;
        lastInflatedEntry = entry;
        return out;
    }

    /** Forgets the last cluster inflated (its entry may now point at other bytes). */
    void forget() {
        lastInflated = null;
    }

    /** Decompresses {@code len} bytes of {@code in} into {@code out} (one cluster long). */
    private void decompress(byte[] in, int len, byte[] out, long hostOffset) throws IOException {
        if (compressionType == 0) {
            if (inflater == null) inflater = new Inflater(true);
            inflater.reset();
            inflater.setInput(in, 0, len);
            int done = 0;
            try {
                while (done < clusterSize) {
                    int n = inflater.inflate(out, done, clusterSize - done);
                    if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) break;
                    done += n;
                }
            } catch (DataFormatException e) {
                throw new ImageException(path + ": compressed cluster at 0x" + Long.toHexString(hostOffset) + " is not valid deflate data");
            }
            if (done < clusterSize) throw new ImageException(path + ": compressed cluster at 0x" + Long.toHexString(hostOffset) + " inflates to " + done + " bytes, not " + clusterSize);
        } else {
            int done = 0;
            try (var z = new ZstdInputStreamNoFinalizer(new ByteArrayInputStream(in, 0, len))) {
                z.setContinuous(true);
                while (done < clusterSize) {
                    int n = z.read(out, done, clusterSize - done);
                    if (n <= 0) break;
                    done += n;
                }
            } catch (IOException e) {
                throw new ImageException(path + ": compressed cluster at 0x" + Long.toHexString(hostOffset) + " is not valid zstd data");
            }
            if (done < clusterSize) throw new ImageException(path + ": compressed cluster at 0x" + Long.toHexString(hostOffset) + " decompresses to " + done + " bytes, not " + clusterSize);
        }
    }

    /** Frees the inflater's native memory now rather than when it is collected. */
    void close() {
        if (inflater != null) inflater.end();
        inflater = null;
    }
}
