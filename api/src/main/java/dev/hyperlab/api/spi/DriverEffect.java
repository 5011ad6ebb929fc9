package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * What a loaded guest driver changes for the VM. Factors are relative to the paravirtual virtio baseline (1.0): a
 * factor of 0.5 halves the throughput the guest gets from its device.
 *
 * <pre>{@code
 * new DriverEffect(1.0, 1.0, Set.of(Capability.BALLOON))
 * }</pre>
 *
 * @param ioThroughputFactor throughput the guest gets from the device, relative to virtio (for block and net)
 * @param cpuPerIoFactor CPU cost per I/O relative to virtio
 * @param capabilities what the driver enables
 */
@API(status = STABLE, since = "0.1")
public record DriverEffect(double ioThroughputFactor, double cpuPerIoFactor, Set<Capability> capabilities) {

    /** What a driver makes possible. */
    @API(status = STABLE, since = "0.1")
    public enum Capability {
        /** The hypervisor can reclaim guest memory through a balloon. */
        BALLOON,
        /** Snapshots and backups can be application-consistent (the guest freezes its file systems). */
        QUIESCE
    }

    /** A driver with the virtio baseline's performance and no extra capability. */
    public static final DriverEffect BASELINE = new DriverEffect(1.0, 1.0, Set.of());

    public DriverEffect {
        if (!(ioThroughputFactor > 0) || !(cpuPerIoFactor > 0) || Double.isInfinite(ioThroughputFactor)
                || Double.isInfinite(cpuPerIoFactor)) {
            throw new IllegalArgumentException("driver factors must be finite and greater than 0");
        }
        capabilities = Set.copyOf(capabilities);
    }
}
