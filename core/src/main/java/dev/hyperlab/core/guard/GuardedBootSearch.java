package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.MachineContext;
import java.util.ArrayList;
import java.util.List;

/** A boot-device search as a plugin's firmware model sees it: the same machine, its devices behind a {@link Lease}. */
final class GuardedBootSearch implements BootSearch {
    private final MachineContext machine;
    private final List<BootDevice> devices;

    GuardedBootSearch(BootSearch search, Lease lease) {
        this.machine = search.machine();
        List<BootDevice> out = new ArrayList<>();
        for (BootDevice d : search.devices()) {
            out.add(new GuardedBootDevice(d, lease));
        }
        this.devices = List.copyOf(out);
    }

    @Override
    public MachineContext machine() {
        return machine;
    }

    @Override
    public List<BootDevice> devices() {
        return devices;
    }
}
