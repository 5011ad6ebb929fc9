package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class FastCdcTest {

    private static List<Integer> cuts(byte[] data, int from) {
        List<Integer> out = new ArrayList<>();
        int pos = from;
        while (pos < data.length) {
            pos += FastCdc.cut(data, pos, data.length - pos);
            out.add(pos);
        }
        return out;
    }

    @Test
    void chunkSizesStayInBoundsAndAverageNearTheTarget() {
        byte[] data = new byte[64 << 20];
        new SplittableRandom(1).nextBytes(data);
        List<Integer> cuts = cuts(data, 0);
        int prev = 0;
        for (int i = 0; i < cuts.size() - 1; i++) {
            int size = cuts.get(i) - prev;
            assertThat(size).isBetween(FastCdc.MIN + 1, FastCdc.MAX);
            prev = cuts.get(i);
        }
        double avg = (double) data.length / cuts.size();
        // normalised chunking pulls sizes to MIN + about AVG
        assertThat(avg).isBetween(0.8 * FastCdc.AVG, 1.6 * FastCdc.AVG);
    }

    @Test
    void boundariesResynchroniseAfterAnInsertion() {
        byte[] data = new byte[16 << 20];
        new SplittableRandom(2).nextBytes(data);
        byte[] shifted = new byte[data.length + 1000];
        System.arraycopy(data, 0, shifted, 1000, data.length);
        List<Integer> a = cuts(data, 0);
        List<Integer> b = cuts(shifted, 0).stream().map(c -> c - 1000).toList();
        long common = a.stream().filter(b::contains).count();
        assertThat(common).isGreaterThan(a.size() - 4);
    }
}
