package dev.hyperlab.core.extension;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.DriverEffect.Capability;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.Demands;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.calibration.OsProfiles;
import java.util.List;
import java.util.Set;

/**
 * The built-in guest drivers: the virtio set (the paravirtual baseline every factor is relative to) and the guest
 * agent (whose channel is a virtio-serial device). Loading one is its guest kernel probing a virtio PCI device, at the
 * measured probe time; a guest booted directly by a microVM's VMM has virtio-mmio devices, whose probing is inside its
 * measured kernel-to-init time already.
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
        boolean virtioMmio = OsProfiles.find(guest.osProfile()).map(OsProfile::directKernelBoot).orElse(false);
        return virtioMmio ? Demand.NONE : Demands.referenceCpu(Calibration.PCI_DRIVER_PROBE_S);
    }
}
