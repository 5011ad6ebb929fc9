package dev.hyperlab.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reader's zero scan of a conversion: the runs it reports are exactly the granules a byte-wise check finds. */
class ZeroRunsTest {

    @Test
    void runsAreTheNonZeroGranulesWhereverTheChunkStarts() {
        Random r = new Random(15);
        for (int granule : new int[] {4096, 65536}) {
            MemorySegment zeros = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(granule));
            for (int round = 0; round < 200; round++) {
                int n = 1 + r.nextInt(6 * granule);
                long offset = r.nextInt(4) == 0 ? (long) r.nextInt(8) * granule : r.nextInt(3 * granule);
                ByteBuffer data = ByteBuffer.allocateDirect(n);
                // some granules all zeros, some with one byte set anywhere (its first word zero or not), some full
                for (int g = 0; g < n; g++) data.put(g, (byte) 0);
                int kinds = r.nextInt(1 << 12);
                for (int i = 0, start = 0; start < n; i++) {
                    int end = (int) Math.min(n, ((offset + start) / granule + 1) * granule - offset);
                    switch ((kinds >> (2 * (i % 6))) & 3) {
                        case 1 -> data.put(start + r.nextInt(end - start), (byte) (1 + r.nextInt(255)));
                        case 2 -> { for (int b = start; b < end; b++) data.put(b, (byte) (1 + r.nextInt(255))); }
                        case 3 -> data.put(end - 1, (byte) 7); // the granule's last byte only
                        default -> { }
                    }
                    start = end;
                }
                int[] runs = ImageConverter.nonZeroRuns(data, offset, zeros, granule);
                assertThat(runs).as("granule %d, offset %d, length %d", granule, offset, n)
                        .containsExactly(expected(data, offset, granule));
            }
        }
    }

    @Test
    void allZerosHasNoRunAndAllDataOneRun() {
        MemorySegment zeros = MemorySegment.ofBuffer(ByteBuffer.allocateDirect(4096));
        ByteBuffer empty = ByteBuffer.allocateDirect(3 * 4096 + 100);
        assertThat(ImageConverter.nonZeroRuns(empty, 512, zeros, 4096)).isEmpty();
        ByteBuffer full = ByteBuffer.allocateDirect(10_000);
        for (int i = 0; i < full.capacity(); i++) full.put(i, (byte) 0xff);
        assertThat(ImageConverter.nonZeroRuns(full, 4095, zeros, 4096)).containsExactly(0, 10_000);
        ByteBuffer tiny = ByteBuffer.allocateDirect(5); // shorter than a word
        tiny.put(4, (byte) 1);
        assertThat(ImageConverter.nonZeroRuns(tiny, 0, zeros, 4096)).containsExactly(0, 5);
    }

    /** The same runs, found byte by byte. */
    private static int[] expected(ByteBuffer data, long offset, int granule) {
        List<Integer> out = new ArrayList<>();
        int n = data.remaining();
        int runStart = -1;
        for (int start = 0; start < n; ) {
            int end = (int) Math.min(n, ((offset + start) / granule + 1) * granule - offset);
            boolean zero = true;
            for (int b = start; b < end && zero; b++) zero = data.get(b) == 0;
            if (zero && runStart >= 0) {
                out.add(runStart);
                out.add(start);
                runStart = -1;
            } else if (!zero && runStart < 0) {
                runStart = start;
            }
            start = end;
        }
        if (runStart >= 0) {
            out.add(runStart);
            out.add(n);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
