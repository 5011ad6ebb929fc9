package dev.hyperlab.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Disk image file formats hyperlab reads and writes. */
public enum ImageFormat {
    /** QEMU copy-on-write v2/v3, as docs/interop/qcow2.txt in QEMU's repository specifies it. */
    QCOW2,
    /** A flat (sparse) file: byte N of the file is byte N of the disk. */
    RAW;

    /** The name qemu-img uses for the format ({@code qcow2}, {@code raw}). */
    public String qemuName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The format of the regular file at {@code path}, by its first bytes: qcow2's magic, else raw. */
    public static ImageFormat probe(Path path) throws IOException {
        RegularFiles.require(path);
        try (InputStream in = Files.newInputStream(path)) {
            byte[] magic = in.readNBytes(4);
            return magic.length == 4 && (magic[0] & 0xff) == 'Q' && magic[1] == 'F' && magic[2] == 'I' && (magic[3] & 0xff) == 0xfb
                    ? QCOW2 : RAW;
        } catch (NoSuchFileException e) {
            throw new ImageException(path + ": no such image");
        }
    }
}
