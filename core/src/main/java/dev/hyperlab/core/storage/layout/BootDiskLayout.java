package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.fs.FileSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Lays down a real boot layout on a disk image: an MBR with boot code and an active partition for BIOS firmware, or
 * a GPT (UEFI spec, chapter 5) with an EFI System Partition holding a FAT16 file system and BOOTX64.EFI for UEFI
 * firmware, or a GPT whose protective MBR boots the legacy-BIOS-bootable EFI system partition for both. Partitions
 * start at 1 MiB (LBA 2048), as current partitioning tools align them.
 */
public final class BootDiskLayout {
    static final int SECTOR = 512;
    static final long FIRST_LBA = 2048;
    private static final int GPT_ENTRIES = 128;
    private static final int GPT_ENTRY_SIZE = 128;
    private static final int GPT_ARRAY_SECTORS = GPT_ENTRIES * GPT_ENTRY_SIZE / SECTOR;
    /** GPT partition attribute bit 2, "legacy BIOS bootable": the partition syslinux's gptmbr.bin boots. */
    public static final long LEGACY_BIOS_BOOTABLE = 1L << 2;
    /** cli; xor ax,ax; mov ss,ax; mov sp,0x7c00; sti; hlt; jmp $-1 */
    static final byte[] STUB = {(byte) 0xFA, 0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD0, (byte) 0xBC, 0x00, 0x7C, (byte) 0xFB, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};

    private BootDiskLayout() {}

    /**
     * What was written, for the caller to place file systems into the partitions.
     *
     * @param espStartLba the EFI system partition's first sector; 0 on an MBR disk
     * @param espSectors its length in sectors; 0 on an MBR disk
     */
    public record Written(long rootStartLba, long rootSectors, long espStartLba, long espSectors) {}

    /** Writes {@code spec}'s layout at the start (and, for GPT, the end) of {@code disk}. */
    public static Written write(DiskImage disk, BootLayoutSpec spec) throws IOException {
        return switch (spec) {
            case BootLayoutSpec.Bios b -> writeBios(disk, b);
            case BootLayoutSpec.Uefi u -> {
                SplittableRandom r = new SplittableRandom(u.guidSeed());
                Written w = writeGpt(disk, new byte[0], u.espSize(), 0, "root", r);
                Fat16Formatter.format(disk, w.espStartLba(), w.espSectors(), u.bootloader(), r.nextInt());
                yield w;
            }
            case BootLayoutSpec.Hybrid h -> {
                checkBootCode(disk, h.mbrBootCode());
                yield writeGpt(disk, h.mbrBootCode(), h.espSize(), LEGACY_BIOS_BOOTABLE, h.dataName(), new SplittableRandom(h.guidSeed()));
            }
        };
    }

    /**
     * Replaces the boot loader {@code \EFI\BOOT\BOOTX64.EFI} of a GPT disk's EFI system partition, e.g. with a
     * signed copy of it, in place: the file's clusters and directory entry are rewritten as a FAT driver would, and the
     * partition's other files and everything outside it stay as they are.
     *
     * @throws ImageException when the disk has no EFI system partition, no such file in it, or no room for the file
     */
    public static void replaceEfiLoader(DiskImage disk, byte[] loader) throws IOException {
        BootDiskProbe.GptPartition esp = BootDiskProbe.probe(disk).esp().orElseThrow(() ->
                new ImageException(disk.path() + ": no EFI system partition (a UEFI boot disk has one)"));
        long start = esp.firstLba() * SECTOR;
        long end = Math.min(disk.virtualSize(), Math.max(start, (esp.lastLba() + 1) * SECTOR));
        FileSystems.overwriteFatFile(disk, start, end - start, BootDiskProbe.UEFI_FALLBACK_LOADER, loader);
    }

    private static long sectors(DiskImage disk, long minimum) throws ImageException {
        long n = disk.virtualSize() / SECTOR;
        if (n < minimum) throw new ImageException(disk.path() + ": disk of " + disk.virtualSize() + " bytes is too small for a boot layout");
        return n;
    }

    private static void checkBootCode(DiskImage disk, byte[] code) throws ImageException {
        if (code.length > 440) throw new ImageException(disk.path() + ": MBR boot code is " + code.length + " bytes (at most 440)");
    }

    private static Written writeBios(DiskImage disk, BootLayoutSpec.Bios b) throws IOException {
        long total = sectors(disk, FIRST_LBA + 2048);
        checkBootCode(disk, b.bootCode());
        if (b.stage2().length > (FIRST_LBA - 1) * SECTOR) throw new ImageException(disk.path() + ": stage 2 loader does not fit before the first partition");
        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(0, b.bootCode().length == 0 ? STUB : b.bootCode());
        mbr.putInt(440, b.diskSignature());
        long size = Math.min(total - FIRST_LBA, 0xFFFFFFFFL);
        partitionEntry(mbr, 0, 0x80, b.partitionType(), FIRST_LBA, size);
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        disk.write(0, mbr);
        if (b.stage2().length > 0) disk.write(SECTOR, ByteBuffer.wrap(b.stage2()));
        return new Written(FIRST_LBA, size, 0, 0);
    }

    private static void partitionEntry(ByteBuffer mbr, int index, int status, int type, long lba, long sectors) {
        int at = 446 + 16 * index;
        mbr.put(at, (byte) status);
        mbr.put(at + 1, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF}); // CHS unusable: LBA only
        mbr.put(at + 4, (byte) type);
        mbr.put(at + 5, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
        mbr.putInt(at + 8, (int) lba).putInt(at + 12, (int) sectors);
    }

    /**
     * A protective MBR (with {@code bootCode}, empty for none), the primary and backup GPT, and two partitions: the
     * EFI system partition (with {@code espAttributes}) and a Linux file-system partition named {@code rootName}
     * filling the rest. The partitions' contents are the caller's.
     */
    private static Written writeGpt(DiskImage disk, byte[] bootCode, long espSize, long espAttributes, String rootName,
            SplittableRandom r) throws IOException {
        long espSectors = espSize / SECTOR;
        long total = sectors(disk, FIRST_LBA + espSectors + 2048 + 34);
        long last = total - 1;
        long lastUsable = last - 1 - GPT_ARRAY_SECTORS;
        Guid diskGuid = Guid.random(r);
        Guid espGuid = Guid.random(r);
        Guid rootGuid = Guid.random(r);

        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(0, bootCode);
        partitionEntry(mbr, 0, 0, 0xEE, 1, Math.min(total - 1, 0xFFFFFFFFL));
        mbr.put(447, new byte[] {0x00, 0x02, 0x00}); // protective MBR: CHS start 0/0/2, as the UEFI spec gives it
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);

        long espFirst = FIRST_LBA;
        long espLast = espFirst + espSectors - 1;
        long rootFirst = (espLast + 1 + 2047) / 2048 * 2048;
        if (rootFirst > lastUsable) throw new ImageException(disk.path() + ": no room for a root partition after the EFI system partition");
        ByteBuffer entries = ByteBuffer.allocate(GPT_ARRAY_SECTORS * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        gptEntry(entries, 0, Guid.EFI_SYSTEM, espGuid, espFirst, espLast, espAttributes, "EFI System Partition");
        gptEntry(entries, 1, Guid.LINUX_FILESYSTEM, rootGuid, rootFirst, lastUsable, 0, rootName);
        CRC32 crc = new CRC32();
        crc.update(entries.array());
        int entriesCrc = (int) crc.getValue();

        disk.write(0, mbr);
        disk.write(2L * SECTOR, entries.clear());
        disk.write(1L * SECTOR, gptHeader(1, last, 2, lastUsable, diskGuid, entriesCrc));
        disk.write((last - GPT_ARRAY_SECTORS) * SECTOR, entries.clear());
        disk.write(last * SECTOR, gptHeader(last, 1, last - GPT_ARRAY_SECTORS, lastUsable, diskGuid, entriesCrc));
        return new Written(rootFirst, lastUsable - rootFirst + 1, espFirst, espSectors);
    }

    private static void gptEntry(ByteBuffer b, int index, Guid type, Guid unique, long first, long last, long attributes,
            String name) {
        int at = index * GPT_ENTRY_SIZE;
        type.write(b, at);
        unique.write(b, at + 16);
        b.putLong(at + 32, first).putLong(at + 40, last).putLong(at + 48, attributes);
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        b.put(at + 56, n, 0, Math.min(n.length, 72));
    }

    private static ByteBuffer gptHeader(long my, long alternate, long entriesLba, long lastUsable, Guid disk, int entriesCrc) {
        ByteBuffer h = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        h.put(0, "EFI PART".getBytes(StandardCharsets.US_ASCII)).putInt(8, 0x00010000).putInt(12, 92)
                .putLong(24, my).putLong(32, alternate).putLong(40, 2 + GPT_ARRAY_SECTORS).putLong(48, lastUsable);
        disk.write(h, 56);
        h.putLong(72, entriesLba).putInt(80, GPT_ENTRIES).putInt(84, GPT_ENTRY_SIZE).putInt(88, entriesCrc);
        CRC32 crc = new CRC32();
        crc.update(h.array(), 0, 92);
        h.putInt(16, (int) crc.getValue());
        return h;
    }
}
