package dev.hyperlab.testkit;

import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.backup.SourceImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * A qcow2 disk image for backup tests, with a persistent dirty bitmap tracking writes as a hyperlab VM's disks have
 * (the incremental strategies read it through {@code SourceDisk.changedBlocks()}).
 *
 * <pre>{@code
 * TestDisk vda = repo.disk("vda", 64 << 20, 1);   // 64 MiB, seeded data runs
 * vda.write(2, 50);                               // a day's changes: 50 random 4 KiB writes from seed 2
 * }</pre>
 */
public final class TestDisk implements AutoCloseable {
    private final String name;
    private Qcow2Image image;

    private TestDisk(String name, Qcow2Image image) {
        this.name = name;
        this.image = image;
    }

    static TestDisk create(String name, Path file, long size, long seed) {
        try {
            Qcow2Image img = DiskImages.createQcow2(file, dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions.ofSize(size));
            TestDisk d = new TestDisk(name, img);
            SplittableRandom r = new SplittableRandom(seed);
            for (int i = 0; i < 24; i++) { // data runs of 16 KiB to 1 MiB; the rest stays holes
                int len = (1 + r.nextInt(64)) * 16 * 1024;
                long off = (r.nextLong(size - len) / 65536) * 65536;
                d.put(off, len, r);
            }
            Qcow2BitmapTracker.start(img);
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException("creating test disk " + file, e);
        }
    }

    /** The disk's name within its machine ({@code vda}). */
    public String name() {
        return name;
    }

    /** The image file. */
    public Path path() {
        return image.path();
    }

    /** Overwrites {@code writes} random 4 KiB-aligned blocks of 4 KiB with random bytes, all from {@code seed}. */
    public void write(long seed, int writes) {
        SplittableRandom r = new SplittableRandom(seed);
        try {
            for (int i = 0; i < writes; i++) {
                put((r.nextLong(image.virtualSize() - 4096) / 4096) * 4096, 4096, r);
            }
            image.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("writing test disk " + image.path(), e);
        }
    }

    private void put(long offset, int length, SplittableRandom r) throws IOException {
        byte[] b = new byte[length];
        r.nextBytes(b);
        image.write(offset, ByteBuffer.wrap(b));
    }

    /** The SHA-256 of the whole virtual disk (holes read as zeros), comparable with a restored raw image's. */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (long off = 0; off < image.virtualSize(); off += buf.capacity()) {
                buf.clear().limit((int) Math.min(buf.capacity(), image.virtualSize() - off));
                image.read(off, buf);
                md.update(buf.array(), 0, buf.limit());
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("reading test disk " + image.path(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /**
     * Leaves the disk as a kill -9 of the process writing it would: the file as it is while open, its dirty bitmap
     * still flagged in use, so what changed since the last backup is unknown (a strategy must fall back to a full
     * backup of it, and the bitmap is re-created once that backup is recorded).
     */
    public void killWriter() {
        Path file = image.path();
        Path copy = file.resolveSibling(file.getFileName() + ".killed");
        try {
            image.close(); // the bitmap reaches the file at close; opened again, it is marked in use there
            image = DiskImages.openQcow2(file, false);
            Files.copy(file, copy, StandardCopyOption.REPLACE_EXISTING);
            image.close();
            Files.move(copy, file, StandardCopyOption.REPLACE_EXISTING);
            image = DiskImages.openQcow2(file, false);
        } catch (IOException e) {
            throw new UncheckedIOException("leaving " + file + " as a killed writer would", e);
        }
    }

    /** The disk as a backup source, with its dirty bitmap. */
    SourceImage source() {
        return new SourceImage(name, image, Optional.of(Qcow2BitmapTracker.of(image).orElseThrow()));
    }

    @Override
    public void close() {
        try {
            image.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + image.path(), e);
        }
    }
}
