package dev.hyperlab.core.driver;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.Set;

/** Paravirtual block device (virtio-blk): the baseline for disk I/O */
public final class VirtioBlkDriver implements GuestDriver {
    private static final DriverEffect EFFECT = new DriverEffect(1.0, 1.0, Set.of());

    @Override
    public String id() {
        return "virtio-blk";
    }

    @Override
    public String description() {
        return "Paravirtual block device (virtio-blk): the baseline for disk I/O";
    }

    @Override
    public DeviceClass deviceClass() {
        return DeviceClass.BLOCK;
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
