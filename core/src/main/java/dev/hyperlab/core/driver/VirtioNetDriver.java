package dev.hyperlab.core.driver;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.Set;

/** Paravirtual network device (virtio-net): the baseline for network I/O */
public final class VirtioNetDriver implements GuestDriver {
    private static final DriverEffect EFFECT = new DriverEffect(1.0, 1.0, Set.of());

    @Override
    public String id() {
        return "virtio-net";
    }

    @Override
    public String description() {
        return "Paravirtual network device (virtio-net): the baseline for network I/O";
    }

    @Override
    public DeviceClass deviceClass() {
        return DeviceClass.NET;
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
