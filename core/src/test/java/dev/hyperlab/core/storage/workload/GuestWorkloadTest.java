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

    /**
     * The bytes themselves are pinned: labs saved by earlier builds go on writing what they would have written, and a
     * faster generator must not change a single byte (digests taken from the generator as first written).
     */
    @ParameterizedTest
    @CsvSource({
        "LOGS, e3143f7b2b39de4437023e216f6a13832f5127061207ff63234f6dceb4002104",
        "DATABASE, e7639f338eb8e3c4491c223c93587bc4e87aefbd0ce6603fd5494bbaa3ae4eb4",
        "OS_FILES, 9d539c3d6c734129ce6207a30e1d8f91bc154d305f728f3d7d64bfb2ccac7e7c"})
    void theBytesAreThoseOfTheFirstGenerator(WorkloadKind kind, String digest) throws Exception {
        java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
        for (long vm = 1; vm <= 3; vm++) {
            for (GuestWrite w : gen(kind, 11, vm)) {
                sha.update(java.nio.ByteBuffer.allocate(8).putLong(0, w.offset()));
                sha.update(w.data());
            }
        }
        assertThat(java.util.HexFormat.of().formatHex(sha.digest())).isEqualTo(digest);
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
