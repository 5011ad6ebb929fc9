package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PackWriterTest {
    private static final int BLOB = 64 << 10;
    private static final int CAPACITY = BackupPipeline.PACK_TARGET + BlobCodec.maxStored(BackupPipeline.MAX_CHUNK)
            + 64 * 1024;

    private static long allocatedByThisThread() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    /** Fills a pack to its target with 64 KiB blobs (an incremental backup's dirty-bitmap extents) and finishes it. */
    private static PackWriter.Finished fill(PackWriter w, byte[] blob, byte[] next) {
        for (int i = 0; w.size() < BackupPipeline.PACK_TARGET; i++) {
            blob[0] = (byte) i;
            blob[1] = (byte) (i >> 8);
            w.add(BlobType.DATA, ObjectId.sha256(blob), false, blob.length, blob, 0, blob.length);
        }
        return w.finish(RepositoryCipher.plain(), next);
    }

    @Test
    void aFullPackIsNotGrownStepByStep() {
        byte[] blob = new byte[BLOB];
        new Random(15).nextBytes(blob);
        fill(new PackWriter(CAPACITY), blob, null); // class loading and the digest's first use
        PackWriter w = new PackWriter(CAPACITY);
        long before = allocatedByThisThread();
        fill(w, blob, null);
        long allocated = allocatedByThisThread() - before;
        // grown by half from 1 MiB it was made eight times (1 MiB ... 18 MiB, 56 MB the JVM zeroes and copies); now
        // the first megabyte and one buffer of the writer's capacity
        assertThat(allocated).isLessThan(CAPACITY + (4L << 20));
    }

    @Test
    void packsAreByteForByteTheSameWhateverBufferTheyWereAssembledIn() {
        byte[] blob = new byte[BLOB];
        new Random(16).nextBytes(blob);
        PackWriter grown = new PackWriter(CAPACITY);
        PackWriter.Finished first = fill(grown, blob.clone(), null); // first pack: grown from the first megabyte
        PackWriter.Finished second = fill(grown, blob.clone(), new byte[CAPACITY]); // given a spare buffer
        PackWriter.Finished third = fill(grown, blob.clone(), null); // made at full size after a finished pack
        for (PackWriter.Finished f : new PackWriter.Finished[] {second, third}) {
            assertThat(f.id()).isEqualTo(first.id());
            assertThat(f.length()).isEqualTo(first.length());
            assertThat(Arrays.equals(f.bytes(), 0, f.length(), first.bytes(), 0, first.length())).isTrue();
            assertThat(f.entries()).isEqualTo(first.entries());
        }
    }

    @Test
    void aSmallPackNeedsOnlyItsFirstMegabyte() {
        PackWriter w = new PackWriter(CAPACITY);
        byte[] page = new byte[4096];
        w.add(BlobType.DATA, ObjectId.sha256(page), false, page.length, page, 0, page.length);
        PackWriter.Finished f = w.finish(RepositoryCipher.plain(), null);
        assertThat(f.bytes().length).isEqualTo(1 << 20);
    }
}
