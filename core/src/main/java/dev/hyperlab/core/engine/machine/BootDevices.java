package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.MachineContext;
import java.util.List;

/** The {@link BootSearch} the engine hands to firmware models. */
record BootDevices(MachineContext machine, List<BootDevice> devices) implements BootSearch {}
