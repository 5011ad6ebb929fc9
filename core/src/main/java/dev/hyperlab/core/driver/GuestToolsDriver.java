package dev.hyperlab.core.driver;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.Set;

/** Guest agent (qemu-guest-agent / VMware Tools): freezes file systems for consistent snapshots */
public final class GuestToolsDriver implements GuestDriver {
    private static final DriverEffect EFFECT = new DriverEffect(1.0, 1.0, Set.of(DriverEffect.Capability.QUIESCE));

    @Override
    public String id() {
        return "guest-tools";
    }

    @Override
    public String description() {
        return "Guest agent (qemu-guest-agent / VMware Tools): freezes file systems for consistent snapshots";
    }

    @Override
    public DeviceClass deviceClass() {
        return DeviceClass.TOOLS;
    }

    /** No public figure for driver load times exists (docs/calibration.md, gaps): loading costs nothing. */
    @Override
    public Demand load(GuestContext guest) {
        return Demand.NONE;
    }

    @Override
    public DriverEffect effect() {
        return EFFECT;
    }
}
