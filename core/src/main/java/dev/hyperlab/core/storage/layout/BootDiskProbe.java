package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.fs.FileSystems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;

/**
 * Reads what a firmware model needs from a disk: the MBR (boot signature, partitions, boot code), the GPT (headers
 * and entries with their CRC32s checked, primary first, backup if the primary is damaged) and the EFI System
 * Partition's {@code \EFI\BOOT\BOOTX64.EFI}. A blank disk has none of these.
 */
public final class BootDiskProbe {
    public static final String UEFI_FALLBACK_LOADER = "\\EFI\\BOOT\\BOOTX64.EFI";
    /** Larger than any boot loader (shim, GRUB and Windows' bootmgfw.efi are a few MiB): bounds what a file costs. */
    private static final long MAX_LOADER = 64L << 20;

    private BootDiskProbe() {}

    /** An MBR partition entry. */
    public record MbrPartition(int index, boolean active, int type, long firstLba, long sectors) {}

    /** A GPT partition entry. */
    public record GptPartition(int index, Guid type, Guid unique, long firstLba, long lastLba, long attributes, String name) {
        public boolean isEsp() {
            return type.equals(Guid.EFI_SYSTEM);
        }

        /** Attribute bit 2: the partition whose boot sector a GPT-aware MBR (syslinux's gptmbr.bin) starts. */
        public boolean legacyBiosBootable() {
            return (attributes & BootDiskLayout.LEGACY_BIOS_BOOTABLE) != 0;
        }
    }

    /** What firmware can boot from the disk. */
    public enum Bootable { BIOS, UEFI, NONE }

    /**
     * What the probe found.
     *
     * @param mbrSignature the 0x55AA signature is present at the end of sector 0
     * @param bootCode the first 440 bytes of sector 0 are not all zero
     * @param mbrPartitions the non-empty MBR partition entries
     * @param gptDisk the disk GUID when a valid GPT (primary or backup) was found
     * @param gptPartitions the non-empty GPT entries
     * @param uefiLoader BOOTX64.EFI's bytes from the ESP, when present
     * @param problems damage seen on the way (a bad CRC, a broken FAT), one line each
     */
    public record Report(boolean mbrSignature, boolean bootCode, List<MbrPartition> mbrPartitions, Optional<Guid> gptDisk,
            List<GptPartition> gptPartitions, Optional<byte[]> uefiLoader, List<String> problems) {

        public boolean protectiveMbr() {
            return mbrPartitions.stream().anyMatch(p -> p.type() == 0xEE);
        }

        public Optional<GptPartition> esp() {
            return gptPartitions.stream().filter(GptPartition::isEsp).findFirst();
        }

        /**
         * BIOS boots a signed MBR with boot code that is not a GPT's protective MBR, or a protective MBR with boot code
         * and a GPT partition marked legacy-BIOS-bootable for it to start.
         */
        public boolean biosBootable() {
            return mbrSignature && bootCode
                    && (!protectiveMbr() || gptPartitions.stream().anyMatch(GptPartition::legacyBiosBootable));
        }

        public boolean uefiBootable() {
            return uefiLoader.isPresent();
        }

        /** What a firmware supporting both would boot, UEFI first. */
        public Bootable bootable() {
            return uefiBootable() ? Bootable.UEFI : biosBootable() ? Bootable.BIOS : Bootable.NONE;
        }
    }

    /**
     * What the disk holds for a firmware. Layout damage is reported in {@link Report#problems()}; a disk that cannot be
     * read throws {@link UnreadableDiskException}.
     */
    public static Report probe(DiskImage disk) throws IOException {
        List<String> problems = new ArrayList<>();
        if (disk.virtualSize() < 512) return new Report(false, false, List.of(), Optional.empty(), List.of(), Optional.empty(), List.of());
        ByteBuffer s0 = sector(disk, 0);
        boolean sig = (s0.get(510) & 0xff) == 0x55 && (s0.get(511) & 0xff) == 0xAA;
        boolean code = false;
        for (int i = 0; i < 440 && !code; i++) code = s0.get(i) != 0;
        List<MbrPartition> mbr = new ArrayList<>();
        if (sig) {
            for (int i = 0; i < 4; i++) {
                int at = 446 + 16 * i;
                int type = s0.get(at + 4) & 0xff;
                if (type == 0) continue;
                mbr.add(new MbrPartition(i, (s0.get(at) & 0xff) == 0x80, type, s0.getInt(at + 8) & 0xffffffffL, s0.getInt(at + 12) & 0xffffffffL));
            }
        }
        Optional<Guid> diskGuid = Optional.empty();
        List<GptPartition> gpt = new ArrayList<>();
        Optional<byte[]> loader = Optional.empty();
        if (sig && mbr.stream().anyMatch(p -> p.type() == 0xEE)) {
            long last = disk.virtualSize() / 512 - 1;
            for (long lba : new long[] {1, last}) {
                try {
                    diskGuid = Optional.of(readGpt(disk, lba, gpt));
                    break;
                } catch (ImageException e) {
                    problems.add(e.getMessage());
                    gpt.clear();
                }
            }
            for (GptPartition p : gpt) {
                if (!p.isEsp()) continue;
                if (p.firstLba() < 1 || p.firstLba() > last) {
                    problems.add(disk.path() + ": EFI system partition starts past the disk (LBA " + p.firstLba() + ")");
                    break;
                }
                try {
                    loader = readFat(disk, p, UEFI_FALLBACK_LOADER);
                } catch (ImageException e) {
                    problems.add(e.getMessage());
                }
                break;
            }
        }
        return new Report(sig, code, List.copyOf(mbr), diskGuid, List.copyOf(gpt), loader, List.copyOf(problems));
    }

    /**
     * A file of the disk's EFI System Partition by its path ({@code \\EFI\\BOOT\\BOOTX64.EFI}), as a UEFI boot
     * manager reads it; empty when the disk has no valid GPT, no ESP, or no such file.
     *
     * @throws UnreadableDiskException when the disk cannot be read where the boot structures lie
     */
    public static Optional<byte[]> readEspFile(DiskImage disk, String path) throws IOException {
        Report r = probe(disk);
        if (r.esp().isEmpty()) {
            return Optional.empty();
        }
        if (UEFI_FALLBACK_LOADER.equalsIgnoreCase(path)) {
            return r.uefiLoader();
        }
        try {
            return readFat(disk, r.esp().get(), path);
        } catch (ImageException e) {
            return Optional.empty();
        }
    }

    /** A file of the ESP {@code p}, which ends at the disk's end at the latest. */
    private static Optional<byte[]> readFat(DiskImage disk, GptPartition p, String path) throws IOException {
        long start = p.firstLba() * 512;
        long end = Math.min(disk.virtualSize(), Math.max(start, (p.lastLba() + 1) * 512));
        return FileSystems.readFatFile(disk, start, end - start, path, MAX_LOADER);
    }

    private static ByteBuffer sector(DiskImage disk, long lba) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        read(disk, lba * 512, b);
        return b.clear();
    }

    /**
     * Reads boot structures: a range the layout puts past the disk's end is layout damage ({@link ImageException}); a
     * range the disk cannot give is a read error ({@link UnreadableDiskException}), which no caller takes for damage.
     */
    static void read(DiskImage disk, long offset, ByteBuffer dst) throws IOException {
        if (offset < 0 || offset > disk.virtualSize() - dst.remaining()) {
            throw new ImageException(disk.path() + ": boot structures point past the end of the disk (offset " + offset
                    + ")");
        }
        try {
            disk.read(offset, dst);
        } catch (IOException e) {
            throw new UnreadableDiskException(e.getMessage(), e);
        }
    }

    /** A GPT header's sector and its partition entry array, both checked against their CRC32s. */
    record RawGpt(ByteBuffer header, ByteBuffer entries) {
        long alternateLba() {
            return header.getLong(32);
        }

        long entriesLba() {
            return header.getLong(72);
        }
    }

    /** The GPT header at {@code lba} and its entries, every field bounded before use (the disk may be hostile). */
    static RawGpt readRawGpt(DiskImage disk, long lba) throws IOException {
        String where = disk.path() + ": GPT header at LBA " + lba;
        ByteBuffer h = sector(disk, lba);
        if (!"EFI PART".equals(new String(h.array(), 0, 8, StandardCharsets.US_ASCII))) throw new ImageException(where + " is missing");
        int size = h.getInt(12);
        if (size < 92 || size > 512) throw new ImageException(where + " has size " + size);
        int stored = h.getInt(16);
        byte[] copy = java.util.Arrays.copyOf(h.array(), size);
        java.util.Arrays.fill(copy, 16, 20, (byte) 0);
        CRC32 crc = new CRC32();
        crc.update(copy);
        if ((int) crc.getValue() != stored) throw new ImageException(where + " fails its CRC32");
        if (h.getLong(24) != lba) throw new ImageException(where + " names another LBA as its own");
        long entriesLba = h.getLong(72);
        int count = h.getInt(80);
        int entrySize = h.getInt(84);
        if (count <= 0 || count > 1024 || entrySize < 128 || entrySize > 1024 || Integer.bitCount(entrySize) != 1) {
            throw new ImageException(where + " describes " + count + " entries of " + entrySize + " bytes");
        }
        long bytes = (long) count * entrySize;
        if (entriesLba < 1 || entriesLba > (disk.virtualSize() - bytes) / 512) throw new ImageException(where + " points past the disk");
        ByteBuffer entries = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        read(disk, entriesLba * 512, entries);
        crc.reset();
        crc.update(entries.array());
        if ((int) crc.getValue() != h.getInt(88)) throw new ImageException(where + ": partition entries fail their CRC32");
        return new RawGpt(h, entries.clear());
    }

    private static Guid readGpt(DiskImage disk, long lba, List<GptPartition> out) throws IOException {
        RawGpt raw = readRawGpt(disk, lba);
        ByteBuffer entries = raw.entries();
        int count = raw.header().getInt(80);
        int entrySize = raw.header().getInt(84);
        for (int i = 0; i < count; i++) {
            int at = i * entrySize;
            Guid type = Guid.read(entries, at);
            if (type.equals(Guid.ZERO)) continue;
            String name = new String(entries.array(), at + 56, 72, StandardCharsets.UTF_16LE).replace("\0", "");
            out.add(new GptPartition(i, type, Guid.read(entries, at + 16), entries.getLong(at + 32), entries.getLong(at + 40),
                    entries.getLong(at + 48), name));
        }
        return Guid.read(raw.header(), 56);
    }
}
