package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import java.util.Optional;

/**
 * A plugin's guest driver as the engine calls it: through the {@link ExtensionGuard}, answers checked. The device
 * class and effect are read once and kept (the engine asks for the effect at every memory step of a running VM;
 * the spi says both are constant).
 */
public final class GuardedDriver extends GuardedExtension implements GuestDriver {
    private final GuestDriver driver;
    private volatile DeviceClass deviceClass;
    private volatile DriverEffect effect;

    private GuardedDriver(GuestDriver driver, String plugin, ExtensionGuard guard) {
        super(driver, "driver", plugin, guard);
        this.driver = driver;
    }

    /**
     * Wraps {@code driver} of {@code plugin}, reading its id and description once.
     *
     * @throws ExtensionFault when they cannot be read or the id is malformed
     */
    public static GuardedDriver of(GuestDriver driver, String plugin, ExtensionGuard guard) {
        return new GuardedDriver(driver, plugin, guard);
    }

    @Override
    public DeviceClass deviceClass() {
        DeviceClass c = deviceClass;
        if (c == null) {
            String what = "driver '" + id() + "' device class";
            c = guard.call(plugin, what, driver::deviceClass);
            if (c == null) {
                throw guard.fault(plugin, what + " returned null");
            }
            deviceClass = c;
        }
        return c;
    }

    @Override
    public Demand load(GuestContext guest) {
        String what = "driver '" + id() + "' load";
        Demand d = guard.call(plugin, what, () -> driver.load(guest));
        Optional<String> bad = Sanity.demand(d);
        if (bad.isPresent()) {
            throw guard.fault(plugin, what + " returned " + bad.get());
        }
        return d;
    }

    @Override
    public DriverEffect effect() {
        DriverEffect e = effect;
        if (e == null) {
            String what = "driver '" + id() + "' effect";
            e = guard.call(plugin, what, driver::effect);
            Optional<String> bad = Sanity.effect(e);
            if (bad.isPresent()) {
                throw guard.fault(plugin, what + " returned " + bad.get());
            }
            effect = e;
        }
        return e;
    }
}
