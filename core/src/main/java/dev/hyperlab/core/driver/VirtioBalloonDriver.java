package dev.hyperlab.core.driver;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.Set;

/** Memory balloon (virtio-balloon): lets the host reclaim guest memory */
public final class VirtioBalloonDriver implements GuestDriver {
    private static final DriverEffect EFFECT = new DriverEffect(1.0, 1.0, Set.of(DriverEffect.Capability.BALLOON));

    @Override
    public String id() {
        return "virtio-balloon";
    }

    @Override
    public String description() {
        return "Memory balloon (virtio-balloon): lets the host reclaim guest memory";
    }

    @Override
    public DeviceClass deviceClass() {
        return DeviceClass.BALLOON;
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
