package dev.hyperlab.core.storage.guest;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootLayoutSpec;
import dev.hyperlab.core.storage.layout.Fat16Formatter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Writes the tiny-linux test guest onto a disk image: a real Linux that boots in seconds under QEMU's TCG, built only
 * from this machine's Debian packages ({@link GuestSources}). One GPT disk boots through both firmware kinds:
 *
 * <ul>
 *   <li>SeaBIOS runs syslinux's gptmbr.bin from the protective MBR, which loads the boot sector of the partition
 *       marked legacy-BIOS-bootable (the EFI system partition), which loads syslinux's ldlinux.sys;
 *   <li>OVMF runs {@code \EFI\BOOT\BOOTX64.EFI}, syslinux.efi, from the same partition;
 * </ul>
 *
 * both read one SYSLINUX.CFG and load the same kernel and initramfs. The FAT16 file system and the partition table
 * are hyperlab's own; only ldlinux.sys's installation (the boot sector and the sector list that syslinux patches into
 * ldlinux.sys) is left to syslinux's own installer, run on the partition in a temporary file. The second partition,
 * {@code hyperlab-data}, is the guest's disk to write on. docs/tiny-linux.md describes the guest.
 */
public final class TinyLinuxImage {
    static final long MiB = 1L << 20;
    /** Room for the kernel (8 MiB in Debian 12), the initramfs (1.2 MiB) and syslinux: FAT16 needs at least 16 MiB. */
    static final long ESP_BYTES = 48 * MiB;
    /** The data partition's smallest size: room for a few hyperlab-write chunks. */
    static final long DATA_BYTES = 16 * MiB;
    /** The drivers the guest loads: virtio disk, balloon, console and network, and the ACPI power button as an input event. */
    static final List<String> DRIVERS = List.of("virtio_pci", "virtio_blk", "virtio_balloon", "virtio_console",
            "virtio_net", "button", "evdev");
    /**
     * Serial console; loglevel 6 shows the kernel's notices (its first line, "Linux version ...") but not its chatter.
     * The rest skips work a test guest under TCG pays for and never uses (about 0.9 s of its 2.6 s to init, measured):
     * the BIOS disk probe, the audit subsystem, the crypto self-tests, speculation mitigations, the timer and TSC checks.
     */
    static final String KERNEL_ARGS = "console=ttyS0 loglevel=6 edd=off audit=0 cryptomgr.notests mitigations=off "
            + "no_timer_check tsc=unstable";
    private static final String RESOURCES = "/dev/hyperlab/core/storage/guest/";
    /** The FAT dates of files syslinux's installer writes: 2026-01-01, as hyperlab's own FAT writer stamps them. */
    private static final String SOURCE_DATE_EPOCH = "1767225600";

    private TinyLinuxImage() {}

    /** The smallest disk the guest fits on: the 1 MiB before the first partition, the two partitions, the backup GPT. */
    public static long minimumSize() {
        return MiB + ESP_BYTES + DATA_BYTES + MiB;
    }

    /**
     * Lays the guest on {@code image} (which must be new: only the written sectors are set).
     *
     * @param guidSeed seed for the GPT's GUIDs and the FAT's volume id, so the same seed writes the same layout
     * @throws MissingGuestPackageException when a Debian package it is built from is not installed
     * @throws ImageException when the image is too small
     */
    public static void write(DiskImage image, GuestSources sources, long guidSeed) throws IOException {
        if (image.virtualSize() < minimumSize()) {
            throw new ImageException(image.path() + ": " + image.virtualSize() + " bytes is too small for tiny-linux (at least "
                    + minimumSize() / MiB + " MiB)");
        }
        byte[] gptmbr = Files.readAllBytes(sources.gptmbr());
        if (gptmbr.length != 440) throw new ImageException(sources.gptmbr() + " is " + gptmbr.length + " bytes, not syslinux's 440-byte MBR code");
        BootDiskLayout.Written w = BootDiskLayout.write(image, new BootLayoutSpec.Hybrid(gptmbr, ESP_BYTES, "hyperlab-data", guidSeed));

        TreeMap<String, byte[]> files = new TreeMap<>();
        byte[] config = syslinuxConfig();
        files.put("SYSLINUX.CFG", config);
        files.put("EFI/BOOT/SYSLINUX.CFG", config);
        files.put("EFI/BOOT/BOOTX64.EFI", Files.readAllBytes(sources.syslinuxEfi()));
        files.put("EFI/BOOT/LDLINUX.E64", Files.readAllBytes(sources.ldlinuxE64()));
        files.put("VMLINUZ", Files.readAllBytes(sources.kernel()));
        files.put("INITRD.GZ", initramfs(sources));

        Path work = Files.createTempDirectory("hyperlab-esp-"); // private (0700): syslinux runs on a file nobody else sees
        Path esp = work.resolve("esp.img");
        try {
            try (DiskImage part = DiskImages.create(esp, ImageFormat.RAW, w.espSectors() * 512)) {
                Fat16Formatter.format(part, 0, w.espStartLba(), w.espSectors(), "TINYLINUX", (int) guidSeed, files);
            }
            installSyslinux(sources.syslinuxInstaller(), esp);
            copyNonZero(esp, image, w.espStartLba() * 512);
        } finally {
            Files.deleteIfExists(esp);
            Files.deleteIfExists(work);
        }
    }

    static byte[] syslinuxConfig() {
        return String.join("\n",
                "SERIAL 0 115200",
                "DEFAULT tiny-linux",
                "PROMPT 0",
                "TIMEOUT 0",
                "LABEL tiny-linux",
                "  KERNEL /VMLINUZ",
                "  INITRD /INITRD.GZ",
                "  APPEND " + KERNEL_ARGS,
                "").getBytes(StandardCharsets.US_ASCII);
    }

    /** The initramfs: busybox, the drivers' modules in load order, /init and hyperlab-write, as gzip'd cpio newc. */
    static byte[] initramfs(GuestSources sources) throws IOException {
        List<String> modules = KernelModules.read(sources.modules()).loadOrder(DRIVERS);
        CpioWriter cpio = new CpioWriter();
        for (String d : List.of("bin", "dev", "etc", "lib", "lib/modules", "proc", "sys", "tmp")) cpio.directory(d);
        cpio.charDevice("dev/console", 5, 1);
        cpio.file("bin/busybox", 0755, Files.readAllBytes(sources.busybox()));
        cpio.symlink("bin/sh", "busybox");
        StringBuilder names = new StringBuilder();
        for (String m : modules) {
            String file = m.substring(m.lastIndexOf('/') + 1);
            cpio.file("lib/modules/" + file, 0644, Files.readAllBytes(sources.modules().resolve(m)));
            names.append(names.isEmpty() ? "" : " ").append(file);
        }
        String init = resource("init").replace("@MODULES@", names).replace("@DRIVERS@", String.join(",", DRIVERS));
        cpio.file("init", 0755, init.getBytes(StandardCharsets.UTF_8));
        cpio.file("bin/hyperlab-write", 0755, resource("hyperlab-write").getBytes(StandardCharsets.UTF_8));
        return cpio.finish();
    }

    private static String resource(String name) {
        try (InputStream in = TinyLinuxImage.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) throw new IllegalStateException("resource " + RESOURCES + name + " is missing from the build");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Runs {@code syslinux --install} on the FAT file system in {@code partition}: it writes syslinux's boot sector
     * (keeping the BPB) and ldlinux.sys and ldlinux.c32, and patches ldlinux.sys with the list of sectors it occupies.
     */
    private static void installSyslinux(Path installer, Path partition) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(installer.toString(), "--install", partition.toString())
                .redirectErrorStream(true);
        pb.environment().put("SOURCE_DATE_EPOCH", SOURCE_DATE_EPOCH);
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        String output;
        try (InputStream in = p.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim(); // a few lines; read to the end so it never blocks
        }
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(installer + " --install did not finish in 60 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while " + installer + " ran", e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(installer + " --install failed (exit " + p.exitValue() + "): "
                    + output.lines().findFirst().orElse("no output"));
        }
    }

    /** Copies {@code file} into {@code image} from byte {@code at}, skipping all-zero blocks (a new image reads zero). */
    private static void copyNonZero(Path file, DiskImage image, long at) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 << 10);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = 0;
            while (true) {
                block.clear();
                int n = ch.read(block, pos);
                if (n <= 0) break;
                block.flip();
                if (!allZero(block)) image.write(at + pos, block);
                pos += n;
            }
        }
    }

    private static boolean allZero(ByteBuffer b) {
        for (int i = b.position(); i < b.limit(); i++) {
            if (b.get(i) != 0) return false;
        }
        return true;
    }
}
