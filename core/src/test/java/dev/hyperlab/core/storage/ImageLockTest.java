package dev.hyperlab.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * hyperlab locks image files as QEMU does (issue 13, item 17): while one side has an image open for writing, the
 * other cannot write it, and read-only inspection that shares (qemu-img -U, disk info, disk check) still works.
 * Checked against the real qemu-io and qemu-img.
 */
class ImageLockTest {
    @TempDir
    Path dir;

    @BeforeEach
    void qemu() {
        QemuImg.require();
    }

    private Path image(ImageFormat format) throws Exception {
        Path p = dir.resolve("img." + format.qemuName());
        QemuImg.img("create", "-q", "-f", format.qemuName(), p.toString(), "8M").ok();
        return p;
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void qemuCannotWriteOrLockAnImageHyperlabWrites(ImageFormat format) throws Exception {
        Path p = image(format);
        try (DiskImage img = DiskImages.open(p, false)) {
            img.write(0, ByteBuffer.wrap(new byte[] {1, 2, 3}));
            QemuImg.Result write = QemuImg.io("-f", format.qemuName(), "-c", "write 0 512", p.toString());
            assertThat(write.exit()).isNotZero();
            assertThat(write.err()).contains("Failed to get \"write\" lock");
            QemuImg.Result info = QemuImg.img("info", p.toString());
            if (format == ImageFormat.QCOW2) { // its metadata may change under a reader that does not share: refused
                assertThat(info.exit()).isNotZero();
                assertThat(info.err()).contains("Failed to get shared \"write\" lock");
            } else { // raw has no metadata: qemu-img info shares writes, as it does with a running VM's raw disk
                assertThat(info.exit()).isZero();
            }
            // sharing readers still read, as QEMU lets them
            assertThat(QemuImg.img("info", "-U", p.toString()).ok().out()).contains("file format: " + format.qemuName());
            if (format == ImageFormat.QCOW2) QemuImg.img("check", "-U", p.toString()).ok();
        }
        QemuImg.io("-f", format.qemuName(), "-c", "write 0 512", p.toString()).ok(); // closing released it
    }

    @Test
    void qemuCannotWriteABackingFileHyperlabReadsThrough() throws Exception {
        Path base = image(ImageFormat.QCOW2);
        Path top = dir.resolve("top.qcow2");
        DiskImages.createOverlay(top, base).close();
        try (DiskImage img = DiskImages.open(top, false)) {
            QemuImg.Result write = QemuImg.io("-c", "write 0 512", base.toString());
            assertThat(write.exit()).isNotZero();
            assertThat(write.err()).contains("Failed to get \"write\" lock");
            QemuImg.img("info", base.toString()).ok(); // readers that keep writers out agree with each other
        }
    }

    @ParameterizedTest
    @EnumSource(ImageFormat.class)
    void hyperlabCannotWriteAnImageQemuIoHasOpen(ImageFormat format) throws Exception {
        Path p = image(format);
        Process qemu = new ProcessBuilder("qemu-io", "-f", format.qemuName(), p.toString()).redirectErrorStream(true).start();
        try (Writer in = qemu.outputWriter(StandardCharsets.UTF_8);
                BufferedReader out = new BufferedReader(new InputStreamReader(qemu.getInputStream(), StandardCharsets.UTF_8))) {
            in.write("read 0 512\n");
            in.flush();
            String line;
            do {
                line = out.readLine(); // once qemu-io answers, it has the image open and locked
            } while (line != null && !line.contains("read 512/512 bytes"));
            assertThat(line).as("qemu-io answered").isNotNull();

            // qemu-io on qcow2 keeps other writers out; on raw it shares writing, but hyperlab does not (nor does a VM)
            String lock = format == ImageFormat.QCOW2 ? "\"write\"" : "shared \"write\"";
            assertThatThrownBy(() -> DiskImages.open(p, false)).isInstanceOf(ImageLockedException.class)
                    .hasMessage(p + ": failed to get " + lock + " lock: another process is using the image (a running VM, "
                            + "qemu-io, qemu-img or another lab)");
            assertThatThrownBy(() -> DiskImages.open(p, true)).isInstanceOf(ImageLockedException.class)
                    .hasMessageContaining("failed to get shared \"write\" lock");
            // what disk info and disk check read shares the image, as qemu-img -U does
            assertThat(DiskImages.info(p).virtualSize()).isEqualTo(8 << 20);
            assertThat(DiskImages.check(p).corruptions()).isZero();

            in.write("quit\n");
            in.flush();
            assertThat(qemu.waitFor(60, TimeUnit.SECONDS)).isTrue();
        } finally {
            qemu.destroyForcibly();
        }
        DiskImages.open(p, false).close(); // qemu-io gone: the lock went with it
    }

    @Test
    void twoWritersInOneProcessExcludeEachOther() throws Exception {
        Path p = image(ImageFormat.QCOW2);
        try (DiskImage first = DiskImages.open(p, false)) {
            assertThatThrownBy(() -> DiskImages.open(p, false)).isInstanceOf(ImageLockedException.class);
            assertThatThrownBy(() -> DiskImages.open(p, true)).isInstanceOf(ImageLockedException.class);
            DiskImages.check(p); // inspection shares
        }
        try (DiskImage a = DiskImages.open(p, true); DiskImage b = DiskImages.open(p, true)) {
            assertThatThrownBy(() -> DiskImages.open(p, false)).isInstanceOf(ImageLockedException.class)
                    .hasMessageContaining("\"write\" lock");
        }
        DiskImages.open(p, false).close();
    }
}
