package dev.hyperlab.core.storage.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GuestWorkloadTest {
    private static List<GuestWrite> gen(WorkloadKind k, long profile, long vm) {
        return GuestWorkload.generate(k, profile, new SplittableRandom(vm), 1 << 20, 64L << 20, 4L << 20);
    }

    private static double ratio(List<GuestWrite> writes) {
        long in = 0;
        long out = 0;
        Deflater d = new Deflater(6);
        byte[] buf = new byte[1 << 16];
        for (GuestWrite w : writes) {
            d.reset();
            d.setInput(w.data());
            d.finish();
            while (!d.finished()) out += d.deflate(buf);
            in += w.data().length;
        }
        return (double) in / out;
    }

    @ParameterizedTest
    @CsvSource({"LOGS, 5, 10", "DATABASE, 2, 8", "OS_FILES, 1.0, 1.6"})
    void compressibilityIsRealistic(WorkloadKind kind, double min, double max) {
        double r = ratio(gen(kind, 7, 1));
        assertThat(r).isBetween(min, max);
    }

    @Test
    void sameSeedsGiveSameBytes() {
        for (WorkloadKind k : WorkloadKind.values()) {
            List<GuestWrite> a = gen(k, 3, 9);
            List<GuestWrite> b = gen(k, 3, 9);
            assertThat(a).hasSameSizeAs(b);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).offset()).isEqualTo(b.get(i).offset());
                assertThat(a.get(i).data()).isEqualTo(b.get(i).data());
            }
            assertThat(a).allSatisfy(w -> {
                assertThat(w.offset() % 4096).isZero();
                assertThat(w.data().length % 4096).isZero();
                assertThat(w.offset()).isGreaterThanOrEqualTo(1 << 20);
                assertThat(w.offset() + w.data().length).isLessThanOrEqualTo((1 << 20) + (64L << 20));
            });
        }
    }

    @Test
    void osFilesAreSharedAcrossVmsOfOneProfileOnly() {
        Set<java.nio.ByteBuffer> vm1 = blocks(gen(WorkloadKind.OS_FILES, 5, 1));
        Set<java.nio.ByteBuffer> vm2 = blocks(gen(WorkloadKind.OS_FILES, 5, 2));
        Set<java.nio.ByteBuffer> other = blocks(gen(WorkloadKind.OS_FILES, 6, 3));
        Set<java.nio.ByteBuffer> common = new HashSet<>(vm1);
        common.retainAll(vm2);
        assertThat((double) common.size() / vm1.size()).isGreaterThan(0.5).isLessThan(1.0);
        Set<java.nio.ByteBuffer> none = new HashSet<>(vm1);
        none.retainAll(other);
        assertThat(none.size()).isLessThan(vm1.size() / 20);
    }

    private static Set<java.nio.ByteBuffer> blocks(List<GuestWrite> writes) {
        Set<java.nio.ByteBuffer> s = new HashSet<>();
        for (GuestWrite w : writes) {
            for (int i = 0; i < w.data().length; i += 4096) s.add(java.nio.ByteBuffer.wrap(java.util.Arrays.copyOfRange(w.data(), i, i + 4096)));
        }
        return s;
    }
}
