package dev.hyperlab.core.storage.layout;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.ImageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds and reads a file by path in a FAT16 or FAT32 file system inside a partition, as firmware does to load
 * BOOTX64.EFI. Short (8.3) names only; long-name entries are skipped. Every cluster chain is bounded by the
 * cluster count, so a damaged FAT with a loop ends in an error, not a hang.
 */
final class FatReader {
    /** A directory holds at most 65,536 entries of 32 bytes (Microsoft's FAT specification, "Directory Structure"). */
    private static final long MAX_DIRECTORY = 65_536L * 32;
    /** Larger than any boot loader (shim, GRUB and Windows' bootmgfw.efi are a few MiB): bounds what a file costs. */
    private static final long MAX_FILE = 64L << 20;

    private final DiskImage disk;
    private final long base;
    private final int bytesPerSector;
    private final int clusterBytes;
    private final long fatOffset;
    private final long rootDirOffset; // FAT16 fixed root
    private final int rootEntries;
    private final long dataOffset;
    private final long clusters;
    private final boolean fat32;
    private final long rootCluster;

    private FatReader(DiskImage disk, long base, ByteBuffer bpb) throws ImageException {
        this.disk = disk;
        this.base = base;
        bytesPerSector = bpb.getShort(11) & 0xffff;
        int spc = bpb.get(13) & 0xff;
        int reserved = bpb.getShort(14) & 0xffff;
        int fats = bpb.get(16) & 0xff;
        rootEntries = bpb.getShort(17) & 0xffff;
        long total = bpb.getShort(19) & 0xffff;
        if (total == 0) total = bpb.getInt(32) & 0xffffffffL;
        long fatSize = bpb.getShort(22) & 0xffff;
        if (fatSize == 0) fatSize = bpb.getInt(36) & 0xffffffffL;
        if ((bpb.get(510) & 0xff) != 0x55 || (bpb.get(511) & 0xff) != 0xAA || Integer.bitCount(bytesPerSector) != 1
                || bytesPerSector < 512 || bytesPerSector > 4096 || spc == 0 || Integer.bitCount(spc) != 1 || fats == 0 || reserved == 0) {
            throw new ImageException(disk.path() + ": partition at 0x" + Long.toHexString(base) + " holds no FAT file system");
        }
        clusterBytes = spc * bytesPerSector;
        long rootSectors = ((long) rootEntries * 32 + bytesPerSector - 1) / bytesPerSector;
        fatOffset = base + (long) reserved * bytesPerSector;
        rootDirOffset = fatOffset + fats * fatSize * bytesPerSector;
        dataOffset = rootDirOffset + rootSectors * bytesPerSector;
        long dataSectors = total - reserved - fats * fatSize - rootSectors;
        clusters = dataSectors / spc;
        if (clusters < 4085) throw new ImageException(disk.path() + ": FAT12 file systems are not supported");
        fat32 = clusters >= 65525;
        rootCluster = fat32 ? bpb.getInt(44) & 0x0fffffffL : 0;
    }

    static FatReader open(DiskImage disk, long partitionOffset) throws IOException {
        ByteBuffer bpb = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        BootDiskProbe.read(disk, partitionOffset, bpb);
        return new FatReader(disk, partitionOffset, bpb.clear());
    }

    /** The bytes of the file at {@code path} (separators {@code \} or {@code /}, case-insensitive), if present. */
    Optional<byte[]> readFile(String path) throws IOException {
        String[] parts = path.replace('\\', '/').replaceAll("^/+", "").split("/");
        long dirCluster = fat32 ? rootCluster : 0; // 0: the FAT16 fixed root directory
        for (int i = 0; i < parts.length; i++) {
            byte[] dir = dirCluster == 0 ? readRoot() : readChain(dirCluster, Long.MAX_VALUE);
            Optional<ByteBuffer> entry = find(dir, parts[i]);
            if (entry.isEmpty()) return Optional.empty();
            ByteBuffer e = entry.get();
            int attr = e.get(11) & 0xff;
            long cluster = ((e.getShort(20) & 0xffffL) << 16) | (e.getShort(26) & 0xffffL);
            boolean last = i == parts.length - 1;
            if (last) {
                if ((attr & 0x10) != 0) return Optional.empty();
                long size = e.getInt(28) & 0xffffffffL;
                if (size == 0) return Optional.of(new byte[0]);
                byte[] data = readChain(cluster, size);
                return Optional.of(data);
            }
            if ((attr & 0x10) == 0) return Optional.empty();
            dirCluster = cluster;
        }
        return Optional.empty();
    }

    private byte[] readRoot() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(rootEntries * 32);
        BootDiskProbe.read(disk, rootDirOffset, b);
        return b.array();
    }

    private long next(long cluster) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        if (fat32) {
            BootDiskProbe.read(disk, fatOffset + cluster * 4, b);
            return b.getInt(0) & 0x0fffffffL;
        }
        b.limit(2);
        BootDiskProbe.read(disk, fatOffset + cluster * 2, b);
        return b.getShort(0) & 0xffffL;
    }

    /** A file's {@code size} bytes, or a directory's ({@code size} is {@code Long.MAX_VALUE}) up to its chain's end. */
    private byte[] readChain(long first, long size) throws IOException {
        boolean directory = size == Long.MAX_VALUE;
        long limit = Math.min(directory ? MAX_DIRECTORY : size, clusters * clusterBytes);
        if (!directory && size > clusters * clusterBytes) throw new ImageException(disk.path() + ": FAT file is larger than its file system");
        if (!directory && size > MAX_FILE) throw new ImageException(disk.path() + ": FAT file of " + size + " bytes is larger than a boot loader can be");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        long eoc = fat32 ? 0x0ffffff8L : 0xfff8L;
        long c = first;
        for (long steps = 0; out.size() < limit; steps++) {
            if (c < 2 || c >= clusters + 2 || steps > clusters) throw new ImageException(disk.path() + ": FAT cluster chain is broken at cluster " + c);
            ByteBuffer b = ByteBuffer.allocate(clusterBytes);
            BootDiskProbe.read(disk, dataOffset + (c - 2) * clusterBytes, b);
            out.write(b.array(), 0, (int) Math.min(clusterBytes, limit - out.size()));
            c = next(c);
            if (c >= eoc) break;
        }
        if (!directory && out.size() < size) throw new ImageException(disk.path() + ": FAT cluster chain ends before the file does");
        return out.toByteArray();
    }

    private static Optional<ByteBuffer> find(byte[] dir, String name) {
        String wanted = to83(name);
        ByteBuffer b = ByteBuffer.wrap(dir).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 32 <= dir.length; at += 32) {
            int first = dir[at] & 0xff;
            if (first == 0) break;
            int attr = dir[at + 11] & 0xff;
            if (first == 0xE5 || attr == 0x0F || (attr & 0x08) != 0) continue;
            String n = new String(dir, at, 11, StandardCharsets.US_ASCII);
            if (n.equals(wanted)) return Optional.of(b.slice(at, 32).order(ByteOrder.LITTLE_ENDIAN));
        }
        return Optional.empty();
    }

    private static String to83(String name) {
        String up = name.toUpperCase(Locale.ROOT);
        int dot = up.lastIndexOf('.');
        String base = dot < 0 ? up : up.substring(0, dot);
        String ext = dot < 0 ? "" : up.substring(dot + 1);
        return String.format(Locale.ROOT, "%-8.8s%-3.3s", base, ext);
    }
}
