package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What a firmware model's boot-device search sees: the machine and its boot devices in boot order.
 *
 * <pre>{@code
 * for (BootDevice d : search.devices()) {
 *     if (d.kind() == BootDevice.Kind.DISK && d.efiFile(LOADER).isPresent()) {
 *         return BootOutcome.found(d.name(), LOADER, steps); // LOADER: the EFI removable-media path
 *     }
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public interface BootSearch {
    /** The machine whose firmware searches: a VM or a physical host ({@link MachineContext#virtual()}). */
    MachineContext machine();

    /** Devices in boot order. */
    List<BootDevice> devices();
}
