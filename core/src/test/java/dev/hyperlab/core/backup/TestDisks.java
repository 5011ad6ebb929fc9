package dev.hyperlab.core.backup;

import dev.hyperlab.core.storage.OpenMode;
import dev.hyperlab.core.storage.raw.RawImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/** Seeded test disks: text-like (compressible) runs, random runs, written zeros, and holes. */
final class TestDisks {
    static final long MiB = 1 << 20;

    private TestDisks() {}

    /**
     * A sparse raw image of {@code size} bytes with {@code runs} data runs placed by {@code seed}: about a third
     * random, a third text-like, a few written zeros; the rest holes.
     */
    static Path make(Path file, long size, int runs, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        try (RawImage img = RawImage.create(file, size)) {
            for (int i = 0; i < runs; i++) {
                int len = (1 + r.nextInt(64)) * 16 * 1024;
                long off = (r.nextLong(size - len) / 4096) * 4096;
                img.write(off, ByteBuffer.wrap(content(r, len, i % 7)));
            }
        }
        return file;
    }

    static byte[] content(SplittableRandom r, int len, int kind) {
        byte[] b = new byte[len];
        if (kind == 0) {
            return b; // written zeros: allocated, yet nothing to store
        }
        if (kind % 2 == 1) {
            for (int i = 0; i < len; i++) {
                b[i] = (byte) r.nextInt();
            }
        } else {
            String[] words = {"kernel ", "block ", "qcow2 ", "cluster ", "backup ", "hyperlab ", "\n", "0x7f3a "};
            int i = 0;
            while (i < len) {
                byte[] w = words[r.nextInt(words.length)].getBytes();
                for (int k = 0; k < w.length && i < len; k++) {
                    b[i++] = w[k];
                }
            }
        }
        return b;
    }

    /** Overwrites {@code writes} seeded 4 KiB-aligned ranges with random bytes through the image (a day's changes). */
    static void mutate(dev.hyperlab.core.storage.DiskImage img, int writes, int len, long seed) throws IOException {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < writes; i++) {
            long off = (r.nextLong(img.virtualSize() - len) / 4096) * 4096;
            byte[] b = new byte[len];
            for (int k = 0; k < len; k++) {
                b[k] = (byte) r.nextInt();
            }
            img.write(off, ByteBuffer.wrap(b));
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Bytes the file system holds data for (SEEK_DATA ranges). */
    static long allocated(Path file) throws IOException {
        try (RawImage img = RawImage.open(file, true)) {
            return img.map(0, img.virtualSize()).stream().filter(e -> e.data()).mapToLong(e -> e.length()).sum();
        }
    }

    /** A backup source reading {@code image}; it shares the file with writers (tests write it between backups). */
    static BackupSource source(String vm, Path image, long labTime) throws IOException {
        return new BackupSource(vm, List.of(new SourceImage("vda", RawImage.open(image, OpenMode.INSPECT))),
                Map.of("vcpus", 2, "memory", 1L << 30, "os", "linux-server"), labTime);
    }

    static BackupSource tracked(String vm, TrackedImage image, MemoryTracker tracker, long labTime) {
        return new BackupSource(vm, List.of(new SourceImage("vda", image, Optional.of(tracker))),
                Map.of("vcpus", 2), labTime);
    }

    static KdfParams fastKdf() {
        return new KdfParams(1024, 1, 1);
    }
}
