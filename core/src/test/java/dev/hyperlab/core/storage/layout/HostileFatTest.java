package dev.hyperlab.core.storage.layout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.fs.FileSystems;
import dev.hyperlab.core.storage.raw.RawImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest disk is untrusted too: a FAT file system whose directory entry claims a 4 GiB file, with a cluster chain
 * running through a sparse disk, made the reader (UEFI firmware loading an EFI application) grow a buffer until
 * OutOfMemoryError. Files and directories are now bounded before anything is allocated (issue 13, item 14).
 */
class HostileFatTest {
    @TempDir Path dir;

    private static final long PART = 1 << 20; // the file system starts 1 MiB into the disk
    private static final int SPC = 128; // 64 KiB clusters
    private static final int FAT_SECTORS = 256; // 65536 two-byte entries
    private static final int CLUSTERS = 65000; // FAT16: fewer than 65525

    /** A FAT16 file system of 64 KiB clusters whose root holds {@code name} at cluster 2, {@code size} bytes, chained across every cluster. */
    private static RawImage hostileFat(Path file, String name83, int attr, long size) throws Exception {
        long total = 1 + FAT_SECTORS + 32 + (long) CLUSTERS * SPC;
        RawImage img = RawImage.create(file, PART + total * 512);
        ByteBuffer bpb = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        bpb.putShort(11, (short) 512).put(13, (byte) SPC).putShort(14, (short) 1).put(16, (byte) 1).putShort(17, (short) 512)
                .putShort(19, (short) 0).putInt(32, (int) total).putShort(22, (short) FAT_SECTORS).put(510, (byte) 0x55).put(511, (byte) 0xAA);
        img.write(PART, bpb);
        ByteBuffer fat = ByteBuffer.allocate(FAT_SECTORS * 512).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 2; c < CLUSTERS + 1; c++) fat.putShort(c * 2, (short) (c + 1)); // one chain through the whole disk
        fat.putShort((CLUSTERS + 1) * 2, (short) 0xFFFF);
        img.write(PART + 512, fat);
        ByteBuffer root = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        root.put(0, name83.getBytes(StandardCharsets.US_ASCII)).put(11, (byte) attr).putShort(26, (short) 2).putInt(28, (int) size);
        img.write(PART + (1 + FAT_SECTORS) * 512L, root);
        return img;
    }

    @Test
    void aFileClaimingGigabytesIsRefusedBeforeItIsRead() throws Exception {
        try (RawImage img = hostileFat(dir.resolve("big-file.raw"), "BIG     EFI", 0x20, 0xFFFFFFF0L)) {
            assertThatThrownBy(() -> FileSystems.readFatFile(img, PART, img.virtualSize() - PART, "BIG.EFI", 64L << 20)).isInstanceOf(ImageException.class)
                    .hasMessageContaining("larger than");
        }
    }

    @Test
    void aDirectoryChainedAcrossTheDiskIsReadOnlyAsFarAsADirectoryMayGo() throws Exception {
        try (RawImage img = hostileFat(dir.resolve("big-dir.raw"), "EFI        ", 0x10, 0)) {
            // 4 GiB of chained zeros: read up to 2 MiB (65536 entries), where a zero entry ends the listing
            assertThat(FileSystems.readFatFile(img, PART, img.virtualSize() - PART, "EFI/BOOT/BOOTX64.EFI", 64L << 20)).isEmpty();
        }
    }
}
