package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.CheckReport;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write side of the hostile-image fuzz (issue 13, item 6): a damaged image is either refused for writing with a
 * one-line error, or, once accepted, stays free of corruption whatever is written into it, because nothing is ever
 * allocated over a cluster in use. Seeded: every failure names the seed and iteration that reproduce it.
 */
class AttachFuzzTest {
    @TempDir
    Path dir;

    @Test
    void anAcceptedImageNeverBecomesCorruptAndARefusedOneIsNotTouched() throws Exception {
        long seed = Long.getLong("hyperlab.fuzz.seed", 20261313L);
        int iterations = Integer.getInteger("hyperlab.fuzz.iterations", 300);
        List<byte[]> seeds = HostileImageFuzzTest.seedImages(dir);
        SplittableRandom r = new SplittableRandom(seed);
        Path p = dir.resolve("fuzz.qcow2");
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < iterations; i++) {
            byte[] img = seeds.get(r.nextInt(seeds.size())).clone();
            HostileImageFuzzTest.mutate(img, r);
            Files.write(p, img);
            String at = "seed " + seed + " iteration " + i;
            try (DiskImage d = DiskImages.open(p, ImageFormat.QCOW2, OpenMode.ATTACH)) {
                accepted++;
                try {
                    for (int w = 0; w < 4; w++) {
                        int len = 1 + r.nextInt(150_000);
                        long off = r.nextLong(Math.max(1, Math.min(d.virtualSize(), 8L << 20) - len));
                        if (off + len <= d.virtualSize()) d.write(off, ByteBuffer.wrap(TestData.mixed(r.nextInt(), len)));
                    }
                } catch (ImageException e) {
                    assertThat(e.getMessage()).as(at).doesNotContain("\n");
                }
            } catch (ImageException e) {
                refused++;
                assertThat(e.getMessage()).as(at).doesNotContain("\n").isNotBlank();
                boolean dirty = img.length >= 80 && (ByteBuffer.wrap(img).getLong(72) & 1) != 0;
                if (!dirty) { // refused before the first write (a dirty one is repaired first, as QEMU does)
                    assertThat(Files.readAllBytes(p)).as(at).isEqualTo(img);
                }
                continue;
            } catch (Throwable t) {
                Files.copy(p, dir.resolve("failing.qcow2"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                throw new AssertionError(at + ": " + t, t);
            }
            try (Qcow2Image q = Qcow2Image.open(p, OpenMode.INSPECT, List.of())) {
                CheckReport c = Qcow2Checker.check(q);
                assertThat(c.corruptions() + c.checkErrors()).as(at + ": %s", c.problems()).isZero();
            }
        }
        assertThat(accepted).isPositive();
        assertThat(refused).isPositive();
    }
}
