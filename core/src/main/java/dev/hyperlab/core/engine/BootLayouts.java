package dev.hyperlab.core.engine;

import dev.hyperlab.core.firmware.BootMarker;
import dev.hyperlab.core.storage.DiskImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Lays down what a firmware looks for on a bootable disk, with the boot loader's tag saying what it loads: an MBR
 * with boot code and the 0x55AA signature (BIOS), or an ext file system superblock behind the boot block (direct
 * kernel boot).
 */
final class BootLayouts {
    private BootLayouts() {}

    static void write(DiskImage image, String firmware, String what) {
        try {
            switch (firmware) {
                case "direct" -> writeRootFs(image, what);
                default -> writeMbr(image, what);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the boot loader to " + image.path(), e);
        }
    }

    /** Classic MBR: boot code (with the tag) in bytes 0-445, one active Linux partition from LBA 2048, signature. */
    private static void writeMbr(DiskImage image, String what) throws IOException {
        ByteBuffer mbr = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        mbr.put(new byte[] {(byte) 0xfa, (byte) 0xeb, (byte) 0xfe}); // cli; jmp $: boot code that halts
        mbr.put(BootMarker.tag(what));
        long sectors = image.virtualSize() / 512;
        long start = 2048;
        long count = Math.min(0xffffffffL, Math.max(0, sectors - start));
        mbr.position(446);
        mbr.put((byte) 0x80); // active
        mbr.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff}); // CHS: use LBA
        mbr.put((byte) 0x83); // Linux
        mbr.put(new byte[] {(byte) 0xfe, (byte) 0xff, (byte) 0xff});
        mbr.putInt((int) start);
        mbr.putInt((int) count);
        mbr.position(510);
        mbr.put((byte) 0x55).put((byte) 0xaa);
        mbr.flip();
        image.write(0, mbr);
    }

    /** A root file system as a microVM's VMM expects it: tag in the boot block, ext superblock magic at 1080. */
    private static void writeRootFs(DiskImage image, String what) throws IOException {
        image.write(0, ByteBuffer.wrap(BootMarker.tag(what)));
        ByteBuffer sb = ByteBuffer.allocate(1024).order(ByteOrder.LITTLE_ENDIAN);
        long blocks = image.virtualSize() / 4096;
        sb.putInt(0, (int) Math.min(blocks * 4, 0xffffffffL)); // s_inodes_count (one inode per 16 KiB)
        sb.putInt(4, (int) Math.min(blocks, 0xffffffffL)); // s_blocks_count_lo
        sb.putInt(24, 2); // s_log_block_size: 1024 << 2 = 4096
        sb.putShort(0x38, (short) 0xef53); // s_magic
        sb.putShort(0x3a, (short) 1); // s_state: clean
        sb.putInt(0x4c, 1); // s_rev_level: dynamic
        image.write(1024, sb);
    }
}
