package dev.hyperlab.core.storage.qcow2;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.hyperlab.core.storage.ImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Inflates compressed clusters: raw deflate (no zlib header, window 12 bits, as QEMU writes with
 * {@code deflateInit2(-12)}) or zstd (compression type 1). Output is exactly one cluster; compressed data that
 * yields less is damage, and more is never produced, so a hostile cluster cannot inflate without bound.
 */
final class CompressedClusters {
    private final String path;
    private final int compressionType;
    private final int clusterSize;
    private Inflater inflater; // made on first use: each layer of a chain has one, and most never inflate anything

    CompressedClusters(String path, int compressionType, int clusterSize) {
        this.path = path;
        this.compressionType = compressionType;
        this.clusterSize = clusterSize;
    }

    /** Decompresses {@code len} bytes of {@code in} into {@code out} (one cluster long). */
    void decompress(byte[] in, int len, byte[] out, long hostOffset) throws IOException {
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
