package dev.hyperlab.core.storage.guest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Writes a gzip-compressed cpio archive in the "newc" format, the one the Linux kernel unpacks as an initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst): per entry a 110-byte ASCII header of hex fields, the
 * name with its NUL, padded to 4 bytes, the data, padded to 4 bytes; a {@code TRAILER!!!} entry ends it. Owners are
 * root and times are 0, so the bytes depend only on the entries; gzip's own header carries no time either.
 */
final class CpioWriter {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int inode = 1;

    void directory(String path) throws IOException {
        entry(path, S_IFDIR | 0755, 2, 0, 0, new byte[0]);
    }

    void file(String path, int permissions, byte[] data) throws IOException {
        entry(path, S_IFREG | permissions, 1, 0, 0, data);
    }

    void symlink(String path, String target) throws IOException {
        entry(path, S_IFLNK | 0777, 1, 0, 0, target.getBytes(StandardCharsets.UTF_8));
    }

    /** A character device node, e.g. {@code /dev/console} (5, 1), which the kernel opens for init before any mount. */
    void charDevice(String path, int major, int minor) throws IOException {
        entry(path, S_IFCHR | 0600, 1, major, minor, new byte[0]);
    }

    /** The archive, ended with its trailer and gzip-compressed. */
    byte[] finish() throws IOException {
        entry("TRAILER!!!", 0, 1, 0, 0, new byte[0]);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(gz)) {
            out.writeTo(z);
        }
        return gz.toByteArray();
    }

    private void entry(String path, int mode, int links, int rdevMajor, int rdevMinor, byte[] data) throws IOException {
        byte[] name = (path + "\0").getBytes(StandardCharsets.UTF_8);
        String header = "070701" + hex(inode++) + hex(mode) + hex(0) + hex(0) + hex(links) + hex(0) + hex(data.length)
                + hex(0) + hex(0) + hex(rdevMajor) + hex(rdevMinor) + hex(name.length) + hex(0);
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(name);
        pad();
        out.write(data);
        pad();
    }

    private void pad() {
        while (out.size() % 4 != 0) out.write(0);
    }

    private static String hex(int v) {
        return String.format(Locale.ROOT, "%08x", v);
    }
}
