package dev.hyperlab.core.driver;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.DriverEffect.Capability;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.List;
import java.util.Set;

/**
 * The built-in guest drivers: the virtio set (the paravirtual baseline every factor is relative to) and the guest
 * agent. Loading costs nothing: no public figure for driver load times exists (docs/calibration.md, gaps).
 */
public record BuiltInDriver(String id, DeviceClass deviceClass, String description, DriverEffect effect)
        implements GuestDriver {

    public static List<GuestDriver> all() {
        return List.of(
                new BuiltInDriver("virtio-blk", DeviceClass.BLOCK,
                        "Paravirtual block device (virtio-blk): the baseline for disk I/O", DriverEffect.BASELINE),
                new BuiltInDriver("virtio-net", DeviceClass.NET,
                        "Paravirtual network device (virtio-net): the baseline for network I/O", DriverEffect.BASELINE),
                new BuiltInDriver("virtio-balloon", DeviceClass.BALLOON,
                        "Memory balloon (virtio-balloon): lets the host reclaim guest memory",
                        new DriverEffect(1.0, 1.0, Set.of(Capability.BALLOON))),
                new BuiltInDriver("guest-tools", DeviceClass.TOOLS,
                        "Guest agent (qemu-guest-agent / VMware Tools): freezes file systems for consistent snapshots",
                        new DriverEffect(1.0, 1.0, Set.of(Capability.QUIESCE))));
    }

    @Override
    public Demand load(GuestContext guest) {
        return Demand.NONE;
    }
}
