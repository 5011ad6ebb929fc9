package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import dev.hyperlab.core.storage.layout.UnreadableDiskException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * A boot device backed by a real disk image (or a network interface, when {@code image} is null). An image that cannot
 * give the bytes asked for (an L2 entry past the end of its file, a compressed cluster that does not inflate) throws
 * {@link UncheckedIOException} from {@link #read} and {@link #efiFile}, as {@link BootDevice} says: the firmware
 * reports a read error of the device.
 */
final class ImageBootDevice implements BootDevice {
    private final String name;
    private final DiskImage image;

    ImageBootDevice(String name, DiskImage image) {
        this.name = name;
        this.image = image;
    }

    static ImageBootDevice net(String name) {
        return new ImageBootDevice(name, null);
    }

    /** The device {@code name} of {@code devices}, which the firmware says it booted: one it was not given is a bug. */
    static ImageBootDevice named(List<ImageBootDevice> devices, String name) {
        ImageBootDevice dev = null;
        for (ImageBootDevice d : devices) {
            if (d.name().equals(name)) {
                dev = d;
            }
        }
        if (dev == null) {
            throw new IllegalStateException("firmware booted unknown device " + name);
        }
        return dev;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Kind kind() {
        return image == null ? Kind.NET : Kind.DISK;
    }

    @Override
    public long size() {
        return image == null ? 0 : image.virtualSize();
    }

    @Override
    public byte[] read(long offset, int length) {
        if (image == null) {
            throw new IllegalStateException(name + " is a network device");
        }
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        long n = Math.max(0, Math.min(length, image.virtualSize() - offset));
        ByteBuffer buf = ByteBuffer.allocate((int) n);
        try {
            image.read(offset, buf);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e); // the image's message names its file
        }
        return buf.array();
    }

    @Override
    public Optional<byte[]> efiFile(String path) {
        if (image == null) {
            return Optional.empty();
        }
        try {
            return BootDiskProbe.readEspFile(image, path);
        } catch (UnreadableDiskException e) {
            throw new UncheckedIOException(e.getMessage(), e); // a read error, which the firmware reports as such
        } catch (IOException e) {
            return Optional.empty(); // a damaged GPT or FAT is not bootable, as for a real boot manager
        }
    }

    @Override
    public boolean bootServerAnswers() {
        return false; // the lab has no PXE server (yet)
    }

    /** The boot loader's bytes for the firmware's answer: MBR boot code, or the EFI application. */
    byte[] loaderBytes(String loader) {
        if (image == null) {
            return new byte[0];
        }
        if (loader.startsWith("\\")) {
            return efiFile(loader).orElse(new byte[0]);
        }
        if (loader.startsWith("kernel")) {
            return read(0, 4096);
        }
        return read(0, (int) Math.min(1024, image.virtualSize())); // MBR code and the first sector of stage 2
    }
}
