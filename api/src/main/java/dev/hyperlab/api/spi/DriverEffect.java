package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Set;
import org.apiguardian.api.API;

/**
 * What a loaded guest driver changes for the VM. Factors are relative to the paravirtual virtio baseline (1.0): a
 * factor of 0.5 halves the throughput the guest gets from its device, 2.0 doubles it. Both must be finite and
 * greater than 0.
 *
 * <pre>{@code
 * new DriverEffect(1.0, 1.0, Set.of(Capability.BALLOON))   // a balloon driver: virtio speed, memory reclaimable
 * new DriverEffect(4.0, 1.0, Set.of())                     // a block driver 4 times as fast as virtio-blk
 * }</pre>
 *
 * @param ioThroughputFactor the disk throughput the guest gets through a {@link DeviceClass#BLOCK} driver, relative
 *     to virtio-blk: the engine divides the time of the guest's disk reads and writes after the driver loads (its
 *     {@code init} phase) by it. The emulated fallback without a driver has the factor the OS profile gives (below
 *     1). For the other device classes it is checked but not used by this version's model.
 * @param cpuPerIoFactor the CPU cost of one I/O relative to virtio: for a {@link DeviceClass#NET} driver, the host
 *     CPU each byte of a running workload's network traffic costs relative to virtio-net; checked (finite, greater
 *     than 0) and kept, but not used for the other device classes: give 1.0 there
 * @param capabilities what the driver makes possible for the VM (a balloon, quiesced snapshots); empty for none
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

    /**
     * Checks the factors and copies the capabilities.
     *
     * @throws IllegalArgumentException for a factor that is not finite and greater than 0
     */
    public DriverEffect {
        if (!(ioThroughputFactor > 0) || !(cpuPerIoFactor > 0) || Double.isInfinite(ioThroughputFactor)
                || Double.isInfinite(cpuPerIoFactor)) {
            throw new IllegalArgumentException("driver factors must be finite and greater than 0");
        }
        capabilities = Set.copyOf(capabilities);
    }
}
