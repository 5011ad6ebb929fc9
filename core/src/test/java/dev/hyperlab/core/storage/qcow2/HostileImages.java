package dev.hyperlab.core.storage.qcow2;

import dev.hyperlab.core.storage.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes the hostile images of issue 13 (and those the fuzz loop found), each a valid image with a few bytes changed as
 * an attacker would change them. The fuzz corpus is this list: {@link HostileImageFuzzTest} runs every reader over
 * each file, and {@code HostileImagesTest} holds one regression test per item. Run {@link #main} to get the files
 * for a look with {@code qemu-img info/check}:
 * <pre>
 * java -cp core/target/classes:core/target/test-classes dev.hyperlab.core.storage.qcow2.HostileImages /tmp/hostile
 * </pre>
 */
public final class HostileImages {
    /** Where the first header extension starts in an image hyperlab writes (header_length of version 3). */
    static final int FIRST_EXTENSION = Qcow2Header.V3_LENGTH;
    static final long L1_RESERVED_BIT = 1L << 1; // in L1E_RESERVED_MASK 0x7f000000000001ff
    static final long L2_RESERVED_BIT = 1L << 57; // in L2E_STD_RESERVED_MASK 0x3f000000000001fe
    static final long REFTABLE_RESERVED_BIT = 1L << 3; // in REFT_RESERVED_MASK 0x1ff

    private HostileImages() {}

    /** One hostile file: its name, the issue item it belongs to, and what is wrong with it. */
    public record Hostile(String item, Path file, String what) {}

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args.length > 0 ? args[0] : "hostile-images");
        Files.createDirectories(dir);
        for (Hostile h : writeAll(dir)) System.out.println(h.item() + "\t" + h.file() + "\t" + h.what());
    }

    /** Writes every hostile image of the corpus into {@code dir} (which must exist). */
    public static List<Hostile> writeAll(Path dir) throws IOException {
        List<Hostile> out = new ArrayList<>();
        out.add(new Hostile("9", extensionLength(dir.resolve("ext-len-7ffffff0.qcow2"), 0x7ffffff0), "header extension of 2 GiB"));
        out.add(new Hostile("9", extensionLength(dir.resolve("ext-len-ffffffff.qcow2"), 0xffffffff), "header extension of 4 GiB - 1"));
        out.add(new Hostile("9", vmStateSize(dir.resolve("vmstate-7fffffe0.qcow2"), 0x7fffffe0L), "snapshot claims 2 GiB of VM state"));
        out.add(new Hostile("9", vmStateSize(dir.resolve("vmstate-2^62.qcow2"), 1L << 62), "snapshot claims 4 EiB of VM state"));
        out.add(new Hostile("10", virtualSize(dir.resolve("size-2^63-1-l1-1.qcow2"), Long.MAX_VALUE, 1), "virtual size 2^63-1, L1 of 1 entry"));
        out.add(new Hostile("10", virtualSize(dir.resolve("size-2^52-l1-1.qcow2"), 1L << 52, 1), "virtual size 2^52, L1 of 1 entry"));
        out.add(new Hostile("10", snapshotDiskSize(dir.resolve("snapshot-size-2^63-1.qcow2"), Long.MAX_VALUE), "snapshot of a disk of 2^63-1 bytes"));
        out.add(new Hostile("13", l1Entry(dir.resolve("l1-reserved-bit1.qcow2"), 1L << 1), "L1 entry with reserved bit 1"));
        out.add(new Hostile("13", l1Entry(dir.resolve("l1-reserved-bit56.qcow2"), 1L << 56), "L1 entry with reserved bit 56"));
        out.add(new Hostile("13", l2Entry(dir.resolve("l2-reserved-bit1.qcow2"), 1L << 1), "L2 entry with reserved bit 1"));
        out.add(new Hostile("13", l2Entry(dir.resolve("l2-reserved-bit57.qcow2"), L2_RESERVED_BIT), "L2 entry with reserved bit 57"));
        out.add(new Hostile("13", reftableEntry(dir.resolve("reftable-reserved-bit3.qcow2"), REFTABLE_RESERVED_BIT), "refcount table entry with reserved bit 3"));
        out.add(new Hostile("14", l2Entry(dir.resolve("l2-all-ones.qcow2"), -1L), "L2 entry of all ones (a compressed cluster nowhere)"));
        out.add(new Hostile("14", reftableEntry(dir.resolve("reftable-offset-2^63-64KiB.qcow2"), 0x7fffffffffff0000L), "refcount block at 2^63 - 64 KiB: offset + length overflows"));
        out.add(new Hostile("14", bitmapDirectorySlack(dir.resolve("bitmap-dir-slack.qcow2")), "bitmap directory 8 bytes longer than its entries"));
        out.add(new Hostile("14", bitmapNameNotUtf8(dir.resolve("bitmap-name-not-utf8.qcow2")), "bitmap name that is not UTF-8"));
        return out;
    }

    // ------------------------------------------------------------------ the images

    /** A small valid qcow2 v3 image with data in its first clusters and a snapshot with VM state. */
    public static Path base(Path file) throws IOException {
        Files.deleteIfExists(file);
        try (Qcow2Image img = Qcow2Image.create(file, Qcow2CreateOptions.ofSize(4 << 20))) {
            img.write(0, ByteBuffer.wrap(TestData.mixed(13, 256 * 1024)));
            img.createSnapshot("s", Qcow2Snapshot.Times.ZERO, ByteBuffer.wrap(new byte[5000]));
            img.write(65536, ByteBuffer.wrap(new byte[] {1, 2, 3}));
        }
        return file;
    }

    /** {@link #base} with a persistent bitmap "b". */
    public static Path withBitmap(Path file) throws IOException {
        base(file);
        try (Qcow2Image img = Qcow2Image.open(file, false, List.of())) {
            img.addBitmap("b", 65536);
        }
        return file;
    }

    /** Where the bitmaps header extension's data starts (nb_bitmaps, reserved, directory size, directory offset). */
    private static long bitmapsExtension(Path file) throws IOException {
        long pos = FIRST_EXTENSION;
        while (true) {
            long head = readLong(file, pos);
            int type = (int) (head >>> 32);
            int len = (int) head;
            if (type == Qcow2Header.EXT_BITMAPS) return pos + 8;
            if (type == Qcow2Header.EXT_END) throw new IOException(file + " has no bitmaps extension");
            pos += 8 + ((len + 7) & ~7);
        }
    }

    /** The bitmap directory is said to be 8 bytes longer than its one entry. */
    public static Path bitmapDirectorySlack(Path file) throws IOException {
        withBitmap(file);
        long ext = bitmapsExtension(file);
        poke(file, ext + 8, readLong(file, ext + 8) + 8);
        return file;
    }

    /** The bitmap's name starts with a byte that is not UTF-8. */
    public static Path bitmapNameNotUtf8(Path file) throws IOException {
        withBitmap(file);
        long entry = readLong(file, bitmapsExtension(file) + 16);
        write(file, entry + 24, ByteBuffer.wrap(new byte[] {(byte) 0xff}));
        return file;
    }

    /** The first header extension (the feature name table) claims {@code length} bytes. */
    public static Path extensionLength(Path file, int length) throws IOException {
        base(file);
        poke(file, FIRST_EXTENSION + 4, length);
        return file;
    }

    /** Snapshot "s" claims {@code size} bytes of saved VM state (the 32-bit field and the 64-bit extra data). */
    public static Path vmStateSize(Path file, long size) throws IOException {
        base(file);
        long entry = readLong(file, 64);
        poke(file, entry + 32, (int) size);
        poke(file, entry + 40, size);
        return file;
    }

    /** The header says {@code size} bytes of virtual disk and an L1 table of {@code l1Size} entries. */
    public static Path virtualSize(Path file, long size, int l1Size) throws IOException {
        base(file);
        poke(file, 24, size);
        poke(file, 36, l1Size);
        return file;
    }

    /** Snapshot "s" records a disk of {@code size} bytes. */
    public static Path snapshotDiskSize(Path file, long size) throws IOException {
        base(file);
        poke(file, readLong(file, 64) + 48, size);
        return file;
    }

    /** The first active L1 entry gets {@code bits} set. */
    public static Path l1Entry(Path file, long bits) throws IOException {
        return setBits(base(file), readLong(file, 40), bits);
    }

    /** The L2 entry of guest cluster 0 (data) gets {@code bits} set. */
    public static Path l2Entry(Path file, long bits) throws IOException {
        return setBits(base(file), readLong(file, readLong(file, 40)) & L2Entry.OFFSET_MASK, bits);
    }

    /** The first refcount table entry gets {@code bits} set. */
    public static Path reftableEntry(Path file, long bits) throws IOException {
        return setBits(base(file), readLong(file, 48), bits);
    }

    private static Path setBits(Path file, long at, long bits) throws IOException {
        poke(file, at, readLong(file, at) | bits);
        return file;
    }

    /**
     * A backing chain in {@code dir}: c0000.qcow2 holds data at offset 0, each c{i}.qcow2 is an overlay on c{i-1}, and
     * the top, c{depth}.qcow2 (returned), has {@code depth} files below it. Written byte by byte from one template, so
     * no reader opens the chain while it is made.
     */
    public static Path chain(Path dir, int depth) throws IOException {
        Path bottom = name(dir, 0);
        Files.deleteIfExists(bottom);
        // 4 KiB clusters keep each file at 16 KiB: a chain of 1025 takes 16 MiB
        try (Qcow2Image img = Qcow2Image.create(bottom, Qcow2CreateOptions.ofSize(1 << 20).withClusterSize(4096))) {
            img.write(0, ByteBuffer.wrap("deepest".getBytes(StandardCharsets.US_ASCII)));
        }
        Path template = dir.resolve("chain-template.qcow2");
        Files.deleteIfExists(template);
        Qcow2Image.create(template, new Qcow2CreateOptions(1 << 20, 4096,
                java.util.Optional.of(bottom.getFileName().toString()), java.util.Optional.of(dev.hyperlab.core.storage.ImageFormat.QCOW2))).close();
        byte[] t = Files.readAllBytes(template);
        Files.delete(template);
        String text = new String(t, StandardCharsets.ISO_8859_1);
        int at = text.indexOf(bottom.getFileName().toString());
        for (int i = 1; i <= depth; i++) {
            byte[] b = t.clone();
            byte[] below = name(dir, i - 1).getFileName().toString().getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(below, 0, b, at, below.length);
            Files.write(name(dir, i), b);
        }
        return name(dir, depth);
    }

    private static Path name(Path dir, int i) {
        return dir.resolve(String.format("c%04d.qcow2", i));
    }

    // ------------------------------------------------------------------ byte poking

    static long readLong(Path file, long at) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate(8);
            ch.read(b, at);
            return b.getLong(0);
        }
    }

    static void poke(Path file, long at, long value) throws IOException {
        write(file, at, ByteBuffer.allocate(8).putLong(0, value));
    }

    static void poke(Path file, long at, int value) throws IOException {
        write(file, at, ByteBuffer.allocate(4).putInt(0, value));
    }

    private static void write(Path file, long at, ByteBuffer b) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(b, at);
        }
    }
}
