package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.driver.BuiltInDriver;
import dev.hyperlab.core.firmware.BiosFirmware;
import dev.hyperlab.core.firmware.DirectKernelBoot;
import dev.hyperlab.core.firmware.UefiFirmware;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The firmware models and guest drivers a lab can use, by id: the built-ins, then those plugins contribute. Sorted
 * maps, so listings and lookups never depend on registration order.
 */
public final class Extensions {
    private record Entry<T>(T extension, String source) {}

    private final Map<String, Entry<FirmwareModel>> firmware = new TreeMap<>();
    private final Map<String, Entry<GuestDriver>> drivers = new TreeMap<>();

    /** The built-in extensions only. */
    public static Extensions builtIn() {
        Extensions e = new Extensions();
        for (FirmwareModel f : List.of(new BiosFirmware(), new UefiFirmware(), new DirectKernelBoot())) {
            e.addFirmware(f, "built-in");
        }
        for (GuestDriver d : BuiltInDriver.all()) {
            e.addDriver(d, "built-in");
        }
        return e;
    }

    /** Adds a firmware model; an id already taken is refused. */
    public void addFirmware(FirmwareModel f, String source) {
        if (firmware.putIfAbsent(f.id(), new Entry<>(f, source)) != null) {
            throw LabException.conflict("firmware '" + f.id() + "' is already provided by "
                    + firmware.get(f.id()).source(), "plugins must use ids of their own");
        }
    }

    /** Adds a guest driver; an id already taken is refused. */
    public void addDriver(GuestDriver d, String source) {
        if (drivers.putIfAbsent(d.id(), new Entry<>(d, source)) != null) {
            throw LabException.conflict("driver '" + d.id() + "' is already provided by "
                    + drivers.get(d.id()).source(), "plugins must use ids of their own");
        }
    }

    public FirmwareModel firmware(String id) {
        Entry<FirmwareModel> e = firmware.get(id);
        if (e == null) {
            throw LabException.notFound("no firmware '" + id + "'", "one of " + firmware.keySet());
        }
        return e.extension();
    }

    public GuestDriver driver(String id) {
        Entry<GuestDriver> e = drivers.get(id);
        if (e == null) {
            throw LabException.notFound("no guest driver '" + id + "'", "one of " + drivers.keySet());
        }
        return e.extension();
    }

    public List<Profiles.ExtensionInfo> firmwareInfo() {
        List<Profiles.ExtensionInfo> out = new ArrayList<>();
        firmware.forEach((id, e) -> out.add(new Profiles.ExtensionInfo(id, e.extension().description(), e.source())));
        return out;
    }

    public List<Profiles.ExtensionInfo> driverInfo() {
        List<Profiles.ExtensionInfo> out = new ArrayList<>();
        drivers.forEach((id, e) -> out.add(new Profiles.ExtensionInfo(id, e.extension().description(), e.source())));
        return out;
    }
}
