package dev.hyperlab.core.engine;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;

/** A plugin's guest driver for tests: loads in no time and has the given effect. */
record FixedDriver(String id, String description, DeviceClass deviceClass, DriverEffect effect)
        implements GuestDriver {

    @Override
    public Demand load(GuestContext guest) {
        return Demand.NONE;
    }
}
