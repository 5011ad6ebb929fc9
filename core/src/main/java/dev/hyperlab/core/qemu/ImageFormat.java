package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.LabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A disk image's format as QEMU must be told it: qcow2 when the file starts with qcow2's magic, else raw. Told, not
 * probed by QEMU: a raw image whose guest wrote a qcow2 header must not become a qcow2 with a backing file of the
 * guest's choosing (QEMU warns of exactly this).
 */
final class ImageFormat {
    private static final byte[] QCOW2_MAGIC = {'Q', 'F', 'I', (byte) 0xfb};

    private ImageFormat() {}

    static String of(Path image) {
        try (InputStream in = Files.newInputStream(image)) {
            byte[] head = in.readNBytes(4);
            return java.util.Arrays.equals(head, QCOW2_MAGIC) ? "qcow2" : "raw";
        } catch (IOException e) {
            throw LabException.notFound("cannot read disk image " + image + ": " + e.getMessage(),
                    "check the path (disk list shows the lab's images)");
        }
    }
}
