package dev.hyperlab.core.storage.fs;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Finds the file system in a disk image: on the whole disk (a disk formatted without a partition table), or in a
 * partition of its MBR or GPT, numbered from 1 as Linux numbers them ({@code sda1}: GPT entry or MBR slot 1).
 */
public final class FileSystems {
    /** MBR partition types that hold other partitions, not a file system. */
    private static final List<Integer> EXTENDED = List.of(0x05, 0x0F, 0x85);

    private FileSystems() {}

    /** A read of a file system: it must not keep {@code fs}, which lives only as long as its image is open. */
    @FunctionalInterface
    public interface Use<T> {
        T apply(FileSystem fs) throws IOException;
    }

    /**
     * A partition, or the whole disk (number 0).
     *
     * @param number 1 for the first entry of the GPT or MBR; 0 for the whole disk
     * @param offset byte offset on the disk
     * @param size length in bytes
     * @param type the partition's type as the table gives it (a GPT type GUID, an MBR type byte in hex)
     */
    public record Partition(int number, long offset, long size, String type) {}

    /** The disk's partitions, in table order; the whole disk alone when it has no partition table. */
    public static List<Partition> partitions(DiskImage disk) throws IOException {
        Volume whole = Volume.of(disk);
        if (Ext4FileSystem.holds(whole) || FatFileSystem.holds(whole)) {
            return List.of(new Partition(0, 0, disk.virtualSize(), "whole disk"));
        }
        BootDiskProbe.Report r = BootDiskProbe.probe(disk);
        long sectors = disk.virtualSize() / 512;
        List<Partition> out = new ArrayList<>();
        if (r.protectiveMbr()) {
            for (BootDiskProbe.GptPartition p : r.gptPartitions()) {
                if (p.firstLba() >= 1 && p.firstLba() <= p.lastLba() && p.lastLba() < sectors) {
                    out.add(new Partition(p.index() + 1, p.firstLba() * 512, (p.lastLba() - p.firstLba() + 1) * 512,
                            p.type().toString()));
                }
            }
        } else {
            for (BootDiskProbe.MbrPartition p : r.mbrPartitions()) {
                if (!EXTENDED.contains(p.type()) && p.firstLba() >= 1 && p.sectors() > 0 && p.firstLba() + p.sectors() <= sectors) {
                    out.add(new Partition(p.index() + 1, p.firstLba() * 512, p.sectors() * 512,
                            String.format("0x%02x", p.type())));
                }
            }
        }
        return out.isEmpty() ? List.of(new Partition(0, 0, disk.virtualSize(), "whole disk")) : List.copyOf(out);
    }

    /**
     * The file system of partition {@code number}, or with 0 the first one that holds a file system hyperlab reads (the
     * whole disk's when it has no partition table).
     */
    public static FileSystem open(DiskImage disk, int number) throws IOException {
        List<Partition> parts = partitions(disk);
        if (number != 0) {
            Partition p = parts.stream().filter(q -> q.number() == number).findFirst().orElseThrow(() -> new FsException(
                    FsException.Reason.NO_PARTITION, disk.path() + ": no partition " + number + " ("
                            + (parts.getFirst().number() == 0 ? "the disk has no partition table"
                                    : "the disk has partitions " + parts.stream().map(q -> String.valueOf(q.number()))
                                            .collect(Collectors.joining(", "))) + ")"));
            return open(disk, p).orElseThrow(() -> unknown(disk, "partition " + number));
        }
        for (Partition p : parts) {
            var fs = open(disk, p);
            if (fs.isPresent()) return fs.get();
        }
        throw unknown(disk, parts.getFirst().number() == 0 ? "the disk" : "any of its " + parts.size() + " partitions");
    }

    /**
     * The bytes of file {@code path} ({@code \\} or {@code /} between names, any case) in the FAT file system of the
     * partition at {@code offset} of {@code size} bytes, as UEFI firmware loads {@code \\EFI\\BOOT\\BOOTX64.EFI}
     * from the ESP: empty when there is no such file. A file of more than {@code limit} bytes is refused before it is
     * read; a damaged file system is an {@link FsException}.
     */
    public static java.util.Optional<byte[]> readFatFile(DiskImage disk, long offset, long size, String path, long limit)
            throws IOException {
        FileSystem fs = FatFileSystem.open(new Volume(disk, offset, size));
        FsNode file;
        try {
            file = FsPaths.resolve(fs, FsPaths.split(path.replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    true, path).node();
        } catch (FsException e) {
            if (e.reason() == FsException.Reason.DAMAGED) throw e;
            return java.util.Optional.empty();
        }
        if (file.kind() != FsNode.Kind.FILE) return java.util.Optional.empty();
        if (file.size() > limit) {
            throw FsException.damaged(disk.path() + ": FAT file " + path + " of " + file.size() + " bytes is larger than "
                    + limit + " bytes");
        }
        byte[] out = new byte[(int) file.size()];
        fs.read(file, (at, bytes) -> bytes.get(out, (int) at, bytes.remaining()));
        return java.util.Optional.of(out);
    }

    /**
     * Replaces the contents of file {@code path} ({@code \\}- or {@code /}-separated) of the FAT file system at
     * {@code offset} of {@code disk} with {@code data}, in place ({@link FatFileSystem#overwrite}).
     *
     * @throws FsException when the file is not there or does not fit
     */
    public static void overwriteFatFile(DiskImage disk, long offset, long size, String path, byte[] data)
            throws IOException {
        Volume volume = new Volume(disk, offset, size);
        if (!FatFileSystem.holds(volume)) throw FsException.damaged(disk.path() + ": no FAT file system at byte " + offset);
        FatFileSystem fs = FatFileSystem.open(volume);
        java.util.List<byte[]> names = FsPaths.split(path.replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (names.isEmpty()) throw new FsException(FsException.Reason.NOT_A_FILE, disk.path() + ": " + path + " is the root");
        FsNode dir = FsPaths.resolve(fs, names.subList(0, names.size() - 1), true, path).node();
        fs.overwrite(dir, names.getLast(), data);
    }

    static java.util.Optional<FileSystem> open(DiskImage disk, Partition p) throws IOException {
        Volume v = new Volume(disk, p.offset(), p.size());
        if (Ext4FileSystem.holds(v)) return java.util.Optional.of(Ext4FileSystem.open(v));
        if (FatFileSystem.holds(v)) return java.util.Optional.of(FatFileSystem.open(v));
        return java.util.Optional.empty();
    }

    private static FsException unknown(DiskImage disk, String where) {
        return new FsException(FsException.Reason.UNKNOWN_FILE_SYSTEM, disk.path() + ": no file system hyperlab reads "
                + "(ext2/3/4, FAT) on " + where);
    }
}
