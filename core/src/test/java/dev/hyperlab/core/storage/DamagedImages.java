package dev.hyperlab.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Images QEMU wrote and then damaged in their refcounts, as issue 13 found them: {@code qemu-img} still reads the
 * guest's data, {@code qemu-img check} reports corruption, and writing into them trusting the refcounts puts new data
 * over old. Each starts as {@code qemu-img create -f qcow2 64M} with two patterns written by {@code qemu-io}:
 * {@link #PATTERN_A} over the first MiB, {@link #PATTERN_B} over 256 KiB at 32 MiB.
 */
public final class DamagedImages {
    public static final int PATTERN_A = 0xab;
    public static final int PATTERN_B = 0xcd;
    public static final long B_OFFSET = 32L << 20;
    public static final int B_LENGTH = 256 << 10;

    private DamagedImages() {}

    /** The ways the images were damaged. */
    public enum Damage {
        /** The refcount table's first entry zeroed: no refcount block, every cluster (header included) counts 0. */
        REFCOUNT_TABLE_ENTRY_ZEROED,
        /** Only the data clusters' refcounts zeroed: metadata looks fine, the guest's data looks free. */
        DATA_REFCOUNTS_ZEROED,
        /** The refcount table's first entry points at the L1 table: refcounts are read from (and written into) it. */
        REFCOUNT_BLOCK_ON_L1_TABLE,
        /** Two clusters appended to the file, counted but used by nothing: leaked space only, no data at risk. */
        LEAKED_CLUSTERS,
        /** The second L2 entry points past the end of the file: the mapping itself is damaged. */
        L2_ENTRY_PAST_END
    }

    /** A healthy image as described above, at {@code path}. */
    public static Path healthy(Path path) throws IOException, InterruptedException {
        QemuImg.img("create", "-q", "-f", "qcow2", path.toString(), "64M").ok();
        QemuImg.io("-c", "write -P " + PATTERN_A + " 0 1M", "-c", "write -P " + PATTERN_B + " " + B_OFFSET + " " + B_LENGTH,
                path.toString()).ok();
        return path;
    }

    /** A healthy image damaged as {@code damage} says. */
    public static Path make(Path path, Damage damage) throws IOException, InterruptedException {
        healthy(path);
        byte[] img = Files.readAllBytes(path);
        ByteBuffer b = ByteBuffer.wrap(img);
        int clusterBits = b.getInt(20);
        long l1 = b.getLong(40);
        int reftable = (int) b.getLong(48);
        int refcountBytes = (1 << b.getInt(96)) / 8;
        int refblock = (int) (b.getLong(reftable) & 0x00fffffffffffe00L);
        switch (damage) {
            case REFCOUNT_TABLE_ENTRY_ZEROED -> b.putLong(reftable, 0);
            case DATA_REFCOUNTS_ZEROED -> {
                for (long data : dataClusters(b, l1)) b.putShort(refblock + (int) (data >>> clusterBits) * refcountBytes, (short) 0);
            }
            case LEAKED_CLUSTERS -> {
                int first = img.length >>> clusterBits;
                img = java.util.Arrays.copyOf(img, (first + 2) << clusterBits);
                b = ByteBuffer.wrap(img);
                b.putShort(refblock + first * refcountBytes, (short) 1);
                b.putShort(refblock + (first + 1) * refcountBytes, (short) 1);
            }
            case REFCOUNT_BLOCK_ON_L1_TABLE -> b.putLong(reftable, l1);
            case L2_ENTRY_PAST_END -> {
                int l2 = (int) (b.getLong((int) l1) & 0x00fffffffffffe00L);
                b.putLong(l2 + 8, (1L << 63) | ((long) img.length + (1L << clusterBits)));
            }
        }
        Files.write(path, img);
        return path;
    }

    /** Host offsets of the data clusters the active L1 table maps. */
    private static List<Long> dataClusters(ByteBuffer b, long l1) {
        List<Long> out = new ArrayList<>();
        int l1Size = b.getInt(36);
        int clusterSize = 1 << b.getInt(20);
        for (int i = 0; i < l1Size; i++) {
            long l2 = b.getLong((int) l1 + i * 8) & 0x00fffffffffffe00L;
            if (l2 == 0) continue;
            for (int j = 0; j < clusterSize / 8; j++) {
                long data = b.getLong((int) l2 + j * 8) & 0x00fffffffffffe00L;
                if (data != 0) out.add(data);
            }
        }
        return out;
    }

    /** Sets the header's incompatible feature bits (bit 0 dirty, bit 1 corrupt) of a qcow2 v3 image. */
    public static void setIncompatibleFeatures(Path path, long bits) throws IOException {
        byte[] img = Files.readAllBytes(path);
        ByteBuffer.wrap(img).putLong(72, bits);
        Files.write(path, img);
    }

    /** Whether {@code qemu-io} reads both patterns back where they were written. */
    public static boolean dataIntact(Path path) throws IOException, InterruptedException {
        return QemuImg.io("-r", "-U", "-c", "read -P " + PATTERN_A + " 0 1M", "-c",
                "read -P " + PATTERN_B + " " + B_OFFSET + " " + B_LENGTH, path.toString()).out().lines()
                .noneMatch(l -> l.contains("Pattern verification failed"));
    }
}
