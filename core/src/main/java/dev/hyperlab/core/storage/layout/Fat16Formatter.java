package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes a FAT16 file system (Microsoft's FAT specification, "fatgen103") into a partition, holding one file at
 * {@code \EFI\BOOT\BOOTX64.EFI}: boot sector with BPB, two FATs, a fixed root directory, and the EFI and BOOT
 * directories. Dates are fixed so the bytes depend only on the inputs.
 */
final class Fat16Formatter {
    static final int SECTOR = 512;
    private static final int RESERVED = 4;
    private static final int ROOT_ENTRIES = 512;
    private static final int FIXED_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01

    private Fat16Formatter() {}

    static void format(DiskImage disk, long partStartLba, long sectors, byte[] file, int volumeId) throws IOException {
        int spc = 1;
        while (sectors / spc >= 65525 && spc < 64) spc *= 2;
        int rootSectors = ROOT_ENTRIES * 32 / SECTOR;
        long fatSectors = ((sectors / spc + 2) * 2 + SECTOR - 1) / SECTOR;
        long dataSectors = sectors - RESERVED - 2 * fatSectors - rootSectors;
        long clusters = dataSectors / spc;
        if (clusters < 4085 || clusters >= 65525 || fatSectors > 0xffff) {
            throw new ImageException(disk.path() + ": EFI system partition of " + sectors * SECTOR + " bytes does not fit FAT16 (use 16 MiB to 2 GiB)");
        }
        int clusterBytes = spc * SECTOR;
        long fileClusters = Math.max(1, (file.length + clusterBytes - 1) / clusterBytes);
        if (fileClusters + 2 > clusters) throw new ImageException(disk.path() + ": BOOTX64.EFI does not fit in the EFI system partition");

        ByteBuffer boot = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        boot.put(0, new byte[] {(byte) 0xEB, 0x3C, (byte) 0x90});
        boot.put(3, "HYPERLAB".getBytes(StandardCharsets.US_ASCII));
        boot.putShort(11, (short) SECTOR).put(13, (byte) spc).putShort(14, (short) RESERVED).put(16, (byte) 2)
                .putShort(17, (short) ROOT_ENTRIES).putShort(19, (short) (sectors < 65536 ? sectors : 0))
                .put(21, (byte) 0xF8).putShort(22, (short) fatSectors).putShort(24, (short) 63).putShort(26, (short) 255)
                .putInt(28, (int) partStartLba).putInt(32, (int) (sectors < 65536 ? 0 : sectors))
                .put(36, (byte) 0x80).put(38, (byte) 0x29).putInt(39, volumeId);
        boot.put(43, "EFI SYSTEM ".getBytes(StandardCharsets.US_ASCII)).put(54, "FAT16   ".getBytes(StandardCharsets.US_ASCII));
        boot.put(62, new byte[] {(byte) 0xF4, (byte) 0xEB, (byte) 0xFD}); // hlt; jmp $-1: not a bootable volume
        boot.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        long base = partStartLba * SECTOR;
        disk.write(base, boot);

        // FAT: clusters 2 (EFI dir), 3 (BOOT dir), 4.. (the file)
        int usedClusters = (int) (2 + fileClusters);
        ByteBuffer fat = ByteBuffer.allocate((int) Math.min(fatSectors * SECTOR, ((usedClusters + 2) * 2 + SECTOR - 1) / SECTOR * SECTOR)).order(ByteOrder.LITTLE_ENDIAN);
        fat.putShort(0, (short) 0xFFF8).putShort(2, (short) 0xFFFF);
        fat.putShort(4, (short) 0xFFFF).putShort(6, (short) 0xFFFF);
        for (int c = 4; c < 4 + fileClusters; c++) fat.putShort(c * 2, (short) (c + 1 < 4 + fileClusters ? c + 1 : 0xFFFF));
        for (int copy = 0; copy < 2; copy++) disk.write(base + (RESERVED + copy * fatSectors) * SECTOR, fat.clear());

        long rootAt = base + (RESERVED + 2 * fatSectors) * SECTOR;
        ByteBuffer root = ByteBuffer.allocate(rootSectors * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        dirEntry(root, 0, "EFI SYSTEM ", 0x08, 0, 0);
        dirEntry(root, 32, "EFI        ", 0x10, 2, 0);
        disk.write(rootAt, root);

        long dataAt = rootAt + (long) rootSectors * SECTOR;
        ByteBuffer efi = ByteBuffer.allocate(clusterBytes).order(ByteOrder.LITTLE_ENDIAN);
        dirEntry(efi, 0, ".          ", 0x10, 2, 0);
        dirEntry(efi, 32, "..         ", 0x10, 0, 0);
        dirEntry(efi, 64, "BOOT       ", 0x10, 3, 0);
        disk.write(dataAt, efi);
        ByteBuffer bootDir = ByteBuffer.allocate(clusterBytes).order(ByteOrder.LITTLE_ENDIAN);
        dirEntry(bootDir, 0, ".          ", 0x10, 3, 0);
        dirEntry(bootDir, 32, "..         ", 0x10, 2, 0);
        dirEntry(bootDir, 64, "BOOTX64 EFI", 0x20, 4, file.length);
        disk.write(dataAt + clusterBytes, bootDir);
        if (file.length > 0) disk.write(dataAt + 2L * clusterBytes, ByteBuffer.wrap(file));
    }

    private static void dirEntry(ByteBuffer b, int at, String name83, int attr, int cluster, long size) {
        b.put(at, name83.getBytes(StandardCharsets.US_ASCII)).put(at + 11, (byte) attr);
        b.putShort(at + 16, (short) FIXED_DATE).putShort(at + 18, (short) FIXED_DATE).putShort(at + 24, (short) FIXED_DATE);
        b.putShort(at + 26, (short) cluster).putInt(at + 28, (int) size);
    }
}
