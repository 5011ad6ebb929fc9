package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BootDevice;
import java.util.Optional;

/** A boot device as a plugin's firmware model sees it: reads go through the call's {@link Lease}. */
final class GuardedBootDevice implements BootDevice {
    private final BootDevice device;
    private final Lease lease;

    GuardedBootDevice(BootDevice device, Lease lease) {
        this.device = device;
        this.lease = lease;
    }

    @Override
    public String name() {
        return device.name();
    }

    @Override
    public Kind kind() {
        return device.kind();
    }

    @Override
    public long size() {
        return device.size();
    }

    @Override
    public byte[] read(long offset, int length) {
        return lease.use(() -> device.read(offset, length));
    }

    @Override
    public Optional<byte[]> efiFile(String path) {
        return lease.use(() -> device.efiFile(path));
    }

    @Override
    public boolean bootServerAnswers() {
        return lease.use(device::bootServerAnswers);
    }
}
