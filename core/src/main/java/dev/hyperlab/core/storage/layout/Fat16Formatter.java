package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Writes a FAT16 file system (Microsoft's FAT specification, "fatgen103") into a partition, holding a tree of files
 * with 8.3 names: boot sector with BPB, two FATs, a fixed root directory, and the directories and files laid out
 * depth first in name order, each in consecutive clusters. Dates are fixed so the bytes depend only on the inputs.
 */
public final class Fat16Formatter {
    static final int SECTOR = 512;
    private static final int RESERVED = 4;
    private static final int ROOT_ENTRIES = 512;
    private static final int FIXED_DATE = ((2026 - 1980) << 9) | (1 << 5) | 1; // 2026-01-01
    /** An 8.3 name in upper case, as FAT stores it without a long-name entry. */
    private static final Pattern SHORT_NAME = Pattern.compile("[A-Z0-9_~-]{1,8}(\\.[A-Z0-9_~-]{1,3})?");

    private Fat16Formatter() {}

    /** An EFI system partition holding only {@code \EFI\BOOT\BOOTX64.EFI}. */
    static void format(DiskImage disk, long partStartLba, long sectors, byte[] file, int volumeId) throws IOException {
        format(disk, partStartLba * SECTOR, partStartLba, sectors, "EFI SYSTEM", volumeId,
                new TreeMap<>(Map.of("EFI/BOOT/BOOTX64.EFI", file)));
    }

    /**
     * Formats {@code sectors} sectors of {@code disk} from byte {@code at} and writes {@code files} into them.
     *
     * @param hiddenSectors the partition's first LBA on its disk, for the BPB (the partition may be written elsewhere
     *     first, e.g. into a file of its own)
     * @param label volume label, at most 11 characters
     * @param files file contents by path, {@code /}-separated 8.3 upper-case names ({@code EFI/BOOT/BOOTX64.EFI})
     * @throws ImageException when a name is not 8.3, the partition does not fit FAT16, or the files do not fit in it
     */
    public static void format(DiskImage disk, long at, long hiddenSectors, long sectors, String label, int volumeId,
            SortedMap<String, byte[]> files) throws IOException {
        int spc = 1;
        while (sectors / spc >= 65525 && spc < 64) spc *= 2;
        int rootSectors = ROOT_ENTRIES * 32 / SECTOR;
        long fatSectors = ((sectors / spc + 2) * 2 + SECTOR - 1) / SECTOR;
        long dataSectors = sectors - RESERVED - 2 * fatSectors - rootSectors;
        long clusters = dataSectors / spc;
        if (clusters < 4085 || clusters >= 65525 || fatSectors > 0xffff) {
            throw new ImageException(disk.path() + ": partition of " + sectors * SECTOR + " bytes does not fit FAT16 (use 16 MiB to 2 GiB)");
        }
        int clusterBytes = spc * SECTOR;
        Dir root = tree(disk, files);
        List<Placed> placed = new ArrayList<>();
        long next = place(root, 2, clusterBytes, placed);
        if (next - 2 > clusters) throw new ImageException(disk.path() + ": the files do not fit in the " + sectors * SECTOR + "-byte partition");
        if (root.children.size() + 1 > ROOT_ENTRIES) throw new ImageException(disk.path() + ": more than " + (ROOT_ENTRIES - 1) + " entries in the root directory");

        ByteBuffer boot = ByteBuffer.allocate(SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        boot.put(0, new byte[] {(byte) 0xEB, 0x3C, (byte) 0x90});
        boot.put(3, "HYPERLAB".getBytes(StandardCharsets.US_ASCII));
        boot.putShort(11, (short) SECTOR).put(13, (byte) spc).putShort(14, (short) RESERVED).put(16, (byte) 2)
                .putShort(17, (short) ROOT_ENTRIES).putShort(19, (short) (sectors < 65536 ? sectors : 0))
                .put(21, (byte) 0xF8).putShort(22, (short) fatSectors).putShort(24, (short) 63).putShort(26, (short) 255)
                .putInt(28, (int) hiddenSectors).putInt(32, (int) (sectors < 65536 ? 0 : sectors))
                .put(36, (byte) 0x80).put(38, (byte) 0x29).putInt(39, volumeId);
        boot.put(43, padded(label, 11)).put(54, "FAT16   ".getBytes(StandardCharsets.US_ASCII));
        boot.put(62, new byte[] {(byte) 0xF4, (byte) 0xEB, (byte) 0xFD}); // hlt; jmp $-1: not a bootable volume
        boot.put(510, (byte) 0x55).put(511, (byte) 0xAA);
        disk.write(at, boot);

        // every entry's clusters are consecutive: each chain links to the next cluster and ends on its last one
        ByteBuffer fat = ByteBuffer.allocate((int) Math.min(fatSectors * SECTOR, ((next + 2) * 2 + SECTOR - 1) / SECTOR * SECTOR))
                .order(ByteOrder.LITTLE_ENDIAN);
        fat.putShort(0, (short) 0xFFF8).putShort(2, (short) 0xFFFF);
        for (Placed p : placed) {
            for (long c = p.first; c < p.first + p.clusters; c++) fat.putShort((int) c * 2, (short) (c + 1 < p.first + p.clusters ? c + 1 : 0xFFFF));
        }
        for (int copy = 0; copy < 2; copy++) disk.write(at + (RESERVED + copy * fatSectors) * SECTOR, fat.clear());

        long rootAt = at + (RESERVED + 2 * fatSectors) * SECTOR;
        ByteBuffer rootDir = ByteBuffer.allocate(rootSectors * SECTOR).order(ByteOrder.LITTLE_ENDIAN);
        dirEntry(rootDir, 0, padded(label, 11), 0x08, 0, 0);
        entries(rootDir, 32, root);
        disk.write(rootAt, rootDir);

        long dataAt = rootAt + (long) rootSectors * SECTOR;
        for (Placed p : placed) {
            long where = dataAt + (p.first - 2) * clusterBytes;
            if (p.node instanceof Dir d) {
                ByteBuffer b = ByteBuffer.allocate((int) (p.clusters * clusterBytes)).order(ByteOrder.LITTLE_ENDIAN);
                dirEntry(b, 0, padded(".", 11), 0x10, d.cluster, 0);
                dirEntry(b, 32, padded("..", 11), 0x10, d.parent.cluster, 0);
                entries(b, 64, d);
                disk.write(where, b);
            } else if (p.node instanceof File f && f.data.length > 0) {
                disk.write(where, ByteBuffer.wrap(f.data));
            }
        }
    }

    private abstract static sealed class Node permits Dir, File {
        final byte[] name83;
        int cluster;

        Node(byte[] name83) {
            this.name83 = name83;
        }
    }

    private static final class Dir extends Node {
        final Dir parent;
        final SortedMap<String, Node> children = new TreeMap<>();

        Dir(byte[] name83, Dir parent) {
            super(name83);
            this.parent = parent;
        }
    }

    private static final class File extends Node {
        final byte[] data;

        File(byte[] name83, byte[] data) {
            super(name83);
            this.data = data;
        }
    }

    private record Placed(Node node, long first, long clusters) {}

    private static Dir tree(DiskImage disk, SortedMap<String, byte[]> files) throws ImageException {
        Dir root = new Dir(new byte[0], null); // cluster 0: ".." of a top-level directory points at the root
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            String[] parts = e.getKey().split("/", -1);
            Dir dir = root;
            for (int i = 0; i < parts.length; i++) {
                String part = parts[i];
                if (!SHORT_NAME.matcher(part).matches()) {
                    throw new ImageException(disk.path() + ": '" + e.getKey() + "' is not a path of upper-case 8.3 names");
                }
                Node existing = dir.children.get(part);
                boolean last = i == parts.length - 1;
                if (last) {
                    if (existing != null) throw new ImageException(disk.path() + ": '" + e.getKey() + "' is both a file and a directory");
                    dir.children.put(part, new File(shortName(part), e.getValue()));
                } else if (existing instanceof Dir d) {
                    dir = d;
                } else if (existing == null) {
                    Dir d = new Dir(shortName(part), dir);
                    dir.children.put(part, d);
                    dir = d;
                } else {
                    throw new ImageException(disk.path() + ": '" + e.getKey() + "' is both a file and a directory");
                }
            }
        }
        return root;
    }

    /** Gives each node its clusters, depth first in name order from {@code next}; returns the next free cluster. */
    private static long place(Dir dir, long next, int clusterBytes, List<Placed> placed) throws ImageException {
        for (Node n : dir.children.values()) {
            long bytes = n instanceof File f ? f.data.length : (((Dir) n).children.size() + 2) * 32L;
            long count = Math.max(1, (bytes + clusterBytes - 1) / clusterBytes);
            if (next + count > 0xFFF0) throw new ImageException("FAT16 volume: the files need more than 65,520 clusters");
            n.cluster = (int) next;
            placed.add(new Placed(n, next, count));
            next += count;
            if (n instanceof Dir d) next = place(d, next, clusterBytes, placed);
        }
        return next;
    }

    private static void entries(ByteBuffer b, int from, Dir dir) {
        int at = from;
        for (Node n : dir.children.values()) {
            boolean isDir = n instanceof Dir;
            dirEntry(b, at, n.name83, isDir ? 0x10 : 0x20, n.cluster, isDir ? 0 : ((File) n).data.length);
            at += 32;
        }
    }

    private static byte[] shortName(String name) {
        int dot = name.indexOf('.');
        String base = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot + 1);
        return (String.format("%-8s", base) + String.format("%-3s", ext)).getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] padded(String s, int length) {
        return String.format("%-" + length + "s", s).substring(0, length).getBytes(StandardCharsets.US_ASCII);
    }

    private static void dirEntry(ByteBuffer b, int at, byte[] name83, int attr, int cluster, long size) {
        b.put(at, name83).put(at + 11, (byte) attr);
        b.putShort(at + 16, (short) FIXED_DATE).putShort(at + 18, (short) FIXED_DATE).putShort(at + 24, (short) FIXED_DATE);
        b.putShort(at + 26, (short) cluster).putInt(at + 28, (int) size);
    }
}
