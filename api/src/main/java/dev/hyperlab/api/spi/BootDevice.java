package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A device a firmware model may boot from, in the machine's boot order. Disk devices read the machine's real disk
 * image.
 *
 * <pre>{@code
 * byte[] mbr = device.read(0, 512);
 * boolean bootable = (mbr[510] & 0xff) == 0x55 && (mbr[511] & 0xff) == 0xaa;
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface BootDevice {
    /** What kind of device this is. */
    @API(status = STABLE, since = "0.1")
    enum Kind {
        /** A block device backed by a disk image. */
        DISK,
        /** A network interface (PXE). */
        NET
    }

    /** Device name as the boot order writes it ({@code disk0}, {@code net0}). */
    String name();

    /** Whether it is a disk, whose bytes {@code read} and {@code efiFile} give, or a network interface. */
    Kind kind();

    /** Size in bytes; 0 for a network interface. */
    long size();

    /**
     * Reads bytes of the disk (zeros past what was ever written). Throws {@link IllegalStateException} for a network
     * device; returns fewer bytes only at the end of the disk. Throws {@link java.io.UncheckedIOException} when the
     * disk cannot be read there (a damaged image): a firmware reports that as a read error of the device, as SeaBIOS
     * says "Boot failed: could not read the boot disk", and goes on to the next device.
     */
    byte[] read(long offset, int length);

    /**
     * A file in the disk's EFI system partition (GPT with an ESP holding a FAT file system), by its path such as
     * {@code \EFI\BOOT\BOOTX64.EFI}; empty when the disk has no valid GPT, no ESP, or no such file. Throws
     * {@link java.io.UncheckedIOException} when the disk cannot be read where they lie, as {@link #read} does.
     */
    Optional<byte[]> efiFile(String path);

    /** For a network device: whether a DHCP/PXE boot server answers on its network. False for disks. */
    boolean bootServerAnswers();
}
