package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.TestData;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Qcow2Image#storeBitmaps()} leaves on disk what closing and opening again left (a new VM's disk gets its
 * dirty bitmap this way): the bitmap stored and fsynced, flagged in use while the image stays open, so a process
 * killed now leaves it listed but untrusted, and a clean close leaves it consistent with every write it recorded.
 */
class StoreBitmapsTest {
    @TempDir Path dir;

    /** The file as a process killed now leaves it: its bytes so far (a kill loses nothing the kernel was given). */
    private Path killedCopy(Path image) throws Exception {
        Path copy = dir.resolve("killed-" + image.getFileName());
        Files.deleteIfExists(copy);
        Files.copy(image, copy);
        return copy;
    }

    @Test
    void aStoredBitmapIsOnDiskAndInUseWhileTheImageStaysOpen() throws Exception {
        Path base = TestData.writeRaw(dir.resolve("base.raw"), TestData.mixed(7, 4 << 20));
        Path img = dir.resolve("vm.qcow2");
        try (Qcow2Image q = DiskImages.createOverlay(img, base)) {
            q.addBitmap("cbt", 64 * 1024);
            q.storeBitmaps();
            try (Qcow2Image killed = (Qcow2Image) DiskImages.open(killedCopy(img), ImageFormat.QCOW2, OpenMode.INSPECT)) {
                assertThat(killed.bitmaps()).containsExactly(new BitmapInfo("cbt", 64 * 1024, true, true));
            }
            assertThat(DiskImages.check(killedCopy(img)).clean()).isTrue();

            q.write(1 << 20, ByteBuffer.wrap(TestData.mixed(8, 4096)));
            assertThat(q.dirtyBitmap("cbt").dirtyRanges()).containsExactly(new DirtyBitmap.Range(1 << 20, 64 * 1024));
        }
        assertThat(DiskImages.check(img).clean()).isTrue();
        try (Qcow2Image q = DiskImages.openQcow2(img, true)) {
            assertThat(q.bitmaps()).containsExactly(new BitmapInfo("cbt", 64 * 1024, true, false));
            assertThat(q.dirtyBitmap("cbt").dirtyRanges()).containsExactly(new DirtyBitmap.Range(1 << 20, 64 * 1024));
        }
    }

    @Test
    void storingTwiceReleasesWhatTheFirstStoreWrote() throws Exception {
        Path img = dir.resolve("blank.qcow2");
        try (Qcow2Image q = (Qcow2Image) DiskImages.create(img, ImageFormat.QCOW2, 64L << 20)) {
            q.addBitmap("a", 64 * 1024);
            q.write(0, ByteBuffer.wrap(TestData.mixed(1, 8192)));
            q.storeBitmaps();
            q.addBitmap("b", 1 << 20);
            q.write(8L << 20, ByteBuffer.wrap(TestData.mixed(2, 8192)));
            q.storeBitmaps();
            assertThat(DiskImages.check(killedCopy(img)).clean()).isTrue();
        }
        assertThat(DiskImages.check(img).clean()).isTrue();
        try (Qcow2Image q = DiskImages.openQcow2(img, true)) {
            assertThat(q.bitmaps()).extracting(BitmapInfo::name, BitmapInfo::inUse)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("a", false), org.assertj.core.groups.Tuple.tuple("b", false));
            assertThat(q.dirtyBitmap("a").dirtyRanges()).containsExactly(new DirtyBitmap.Range(0, 64 * 1024),
                    new DirtyBitmap.Range(8L << 20, 64 * 1024));
            assertThat(q.dirtyBitmap("b").dirtyRanges()).isEqualTo(List.of(new DirtyBitmap.Range(8L << 20, 1 << 20)));
        }
    }
}
