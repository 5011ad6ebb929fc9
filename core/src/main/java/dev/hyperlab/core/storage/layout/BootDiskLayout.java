package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32;

/**
 * Lays down a real boot layout on a disk image: an MBR with boot code and an active partition for BIOS firmware, or
 * a GPT (UEFI spec, chapter 5) with an EFI System Partition holding a FAT16 file system and BOOTX64.EFI for UEFI
 * firmware. Partitions start at 1 MiB (LBA 2048), as current partitioning tools align them.
 */
public final class BootDiskLayout {
    static final int SECTOR = 512;
    static final long FIRST_LBA = 2048;
    private static final int GPT_ENTRIES = 128;
    private static final int GPT_ENTRY_SIZE = 128;
    private static final int GPT_ARRAY_SECTORS = GPT_ENTRIES * GPT_ENTRY_SIZE / SECTOR;
    /** cli; xor ax,ax; mov ss,ax; mov sp,0x7c00; sti; hlt; jmp $-1 */
    static final byte[] STUB = {(byte) 0xFA, 0x31, (byte) 0xC0, (byte) 0x8E, (byte) 0xD0, (byte) 0xBC, 0x00, 0x7C, (byte) 0xFB, (byte) 0xF4, (byte) 0xEB, (byte) 0xFD};

    private BootDiskLayout() {}

    /** What was written, for the caller to place a file system into the root partition. */
    public record Written(long rootStartLba, long rootSectors) {}

    /** Writes {@code spec}'s layout at the start (and, for GPT, the end) of {@code disk}. */
    public static Written write(DiskImage disk, BootLayoutSpec spec) throws IOException {
        return switch (spec) {
            case BootLayoutSpec.Bios b -> writeBios(disk, b);
            case BootLayoutSpec.Uefi u -> writeUefi(disk, u);
        };
    }

    /**
     * Replaces the boot loader {@code \EFI\BOOT\BOOTX64.EFI} of a GPT disk's EFI system partition, e.g. with a
     * signed copy of it: the partition's FAT is written anew around the new file (its volume serial kept), and
     * nothing outside the partition changes.
     *
     * @throws ImageException when the disk has no EFI system partition, or the file does not fit in it
     */
    public static void replaceEfiLoader(DiskImage disk, byte[] loader) throws IOException {
        BootDiskProbe.GptPartition esp = BootDiskProbe.probe(disk).esp().orElseThrow(() ->
                new ImageException(disk.path() + ": no EFI system partition (a UEFI boot disk has one)"));
        ByteBuffer serial = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        disk.read(esp.firstLba() * SECTOR + 39, serial); // BS_VolID of the FAT16 boot sector
        Fat16Formatter.format(disk, esp.firstLba(), esp.lastLba() - esp.firstLba() + 1, loader, serial.getInt(0));
    }

    private static long sectors(DiskImage disk, long minimum) throws ImageException {
        long n = disk.virtualSize() / SECTOR;
        if (n < minimum) throw new ImageException(disk.path() + ": disk of " + disk.virtualSize() + " bytes is too small for a boot layout");
        return n;
    }

    private static Written writeBios(DiskImage disk, BootLayoutSpec.Bios b) throws IOException {
        long total = sectors(disk, FIRST_LBA + 2048);
        if (b.bootCode().length > 440) throw new ImageException(disk.path() + ": MBR boot code is " + b.bootCode().length + " bytes (at most 440)");
        if (b.stage2().length > (FIRST_LBA - 1) * SECTOR) throw new ImageException(disk.path() + ": stage 2 loader does not fit before the first partition");
        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(0, b.bootCode().length == 0 ? STUB : b.bootCode());
        mbr.putInt(440, b.diskSignature());
        long size = Math.min(total - FIRST_LBA, 0xFFFFFFFFL);
        partitionEntry(mbr, 0, 0x80, b.partitionType(), FIRST_LBA, size);
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        disk.write(0, mbr);
        if (b.stage2().length > 0) disk.write(SECTOR, ByteBuffer.wrap(b.stage2()));
        return new Written(FIRST_LBA, size);
    }

    private static void partitionEntry(ByteBuffer mbr, int index, int status, int type, long lba, long sectors) {
        int at = 446 + 16 * index;
        mbr.put(at, (byte) status);
        mbr.put(at + 1, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF}); // CHS unusable: LBA only
        mbr.put(at + 4, (byte) type);
        mbr.put(at + 5, new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xFF});
        mbr.putInt(at + 8, (int) lba).putInt(at + 12, (int) sectors);
    }

    private static Written writeUefi(DiskImage disk, BootLayoutSpec.Uefi u) throws IOException {
        long espSectors = u.espSize() / SECTOR;
        long total = sectors(disk, FIRST_LBA + espSectors + 2048 + 34);
        long last = total - 1;
        long lastUsable = last - 1 - GPT_ARRAY_SECTORS;
        SplittableRandom r = new SplittableRandom(u.guidSeed());
        Guid diskGuid = Guid.random(r);
        Guid espGuid = Guid.random(r);
        Guid rootGuid = Guid.random(r);
        int volumeId = r.nextInt();

        ByteBuffer mbr = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        partitionEntry(mbr, 0, 0, 0xEE, 1, Math.min(total - 1, 0xFFFFFFFFL));
        mbr.put(447, new byte[] {0x00, 0x02, 0x00}); // protective MBR: CHS start 0/0/2, as the UEFI spec gives it
        mbr.put(510, (byte) 0x55).put(511, (byte) 0xAA);

        long espFirst = FIRST_LBA;
        long espLast = espFirst + espSectors - 1;
        long rootFirst = (espLast + 1 + 2047) / 2048 * 2048;
        if (rootFirst > lastUsable) throw new ImageException(disk.path() + ": no room for a root partition after the EFI system partition");
        ByteBuffer entries = ByteBuffer.allocate(GPT_ARRAY_SECTORS * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        gptEntry(entries, 0, Guid.EFI_SYSTEM, espGuid, espFirst, espLast, "EFI System Partition");
        gptEntry(entries, 1, Guid.LINUX_FILESYSTEM, rootGuid, rootFirst, lastUsable, "root");
        CRC32 crc = new CRC32();
        crc.update(entries.array());
        int entriesCrc = (int) crc.getValue();

        disk.write(0, mbr);
        disk.write(2L * SECTOR, entries.clear());
        disk.write(1L * SECTOR, gptHeader(1, last, 2, lastUsable, diskGuid, entriesCrc));
        disk.write((last - GPT_ARRAY_SECTORS) * SECTOR, entries.clear());
        disk.write(last * SECTOR, gptHeader(last, 1, last - GPT_ARRAY_SECTORS, lastUsable, diskGuid, entriesCrc));
        Fat16Formatter.format(disk, espFirst, espSectors, u.bootloader(), volumeId);
        return new Written(rootFirst, lastUsable - rootFirst + 1);
    }

    private static void gptEntry(ByteBuffer b, int index, Guid type, Guid unique, long first, long last, String name) {
        int at = index * GPT_ENTRY_SIZE;
        type.write(b, at);
        unique.write(b, at + 16);
        b.putLong(at + 32, first).putLong(at + 40, last).putLong(at + 48, 0);
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
