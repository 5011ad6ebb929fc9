package dev.hyperlab.core.engine.image;

import dev.hyperlab.core.firmware.BootMarker;
import dev.hyperlab.core.firmware.LabCa;
import dev.hyperlab.core.sim.RandomStreams;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootLayoutSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Lays down what a firmware looks for on a bootable disk, with a boot loader whose tag says what it loads: an MBR
 * disk with GRUB-style stage 2 (BIOS), a GPT disk whose EFI System Partition holds \EFI\BOOT\BOOTX64.EFI (UEFI), or a
 * root file system for a VMM that loads the kernel itself (direct). The EFI loader is signed by the hyperlab lab CA
 * ({@link LabCa}), as a distribution's shim is signed by a CA UEFI firmware trusts, so it boots under Secure Boot.
 */
final class BootLayouts {
    /** The size Windows Setup gives an EFI System Partition: a configuration default, not a measured figure. */
    static final long ESP_BYTES = 100L << 20;

    /**
     * Signed loaders by tag: an RSA signature costs a millisecond, and a storm of overlays lays the same few loaders
     * (one per OS profile and hypervisor type) again and again.
     */
    private static final Map<String, byte[]> SIGNED = new ConcurrentHashMap<>();

    private BootLayouts() {}

    /**
     * Writes the layout for {@code firmware} and returns where the root partition starts (bytes), for OS content.
     *
     * @param what the boot loader's tag ({@code os=linux-server}, {@code host=type1})
     */
    static long write(DiskImage image, String firmware, String what) {
        try {
            long seed = RandomStreams.stable(image.path().getFileName() + "/" + what);
            return switch (firmware) {
                case "direct" -> writeRootFs(image, what);
                case "uefi" -> BootDiskLayout.write(image, new BootLayoutSpec.Uefi(efiLoader(what), ESP_BYTES, seed))
                        .rootStartLba() * 512;
                default -> BootDiskLayout.write(image, new BootLayoutSpec.Bios(new byte[0], BootMarker.tag(what),
                        what.contains("windows") ? 0x07 : 0x83, (int) seed)).rootStartLba() * 512;
            };
        } catch (IOException e) {
            throw new UncheckedIOException("writing the boot loader to " + image.path() + ": " + e.getMessage(), e);
        }
    }

    /** The EFI loader for {@code what}, signed by the lab CA. */
    static byte[] efiLoader(String what) {
        return SIGNED.computeIfAbsent(what, w -> LabCa.sign(unsignedEfiLoader(w))).clone();
    }

    /** A PE image's first bytes ("MZ", the offset of the PE header) followed by the tag. */
    static byte[] unsignedEfiLoader(String what) {
        byte[] tag = BootMarker.tag(what);
        ByteBuffer b = ByteBuffer.allocate(0x80 + 4 + tag.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put("MZ".getBytes(StandardCharsets.US_ASCII));
        b.putInt(0x3c, 0x80); // e_lfanew
        b.position(0x80);
        b.put("PE\0\0".getBytes(StandardCharsets.US_ASCII));
        b.put(tag);
        return b.array();
    }

    /** A root file system as a microVM's VMM expects it: tag in the boot block, ext superblock magic at 1080. */
    private static long writeRootFs(DiskImage image, String what) throws IOException {
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
        return 1L << 20;
    }
}
