package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which plugin provided each plugin extension this lab's machines were created with, kept with the lab: when the
 * plugin is gone, a start names the plugin it needs instead of saying the firmware or driver does not exist.
 */
final class PluginOrigins {
    private final LabModel lab;
    /** {@code firmware/ID} or {@code driver/ID} to the plugin's id (saved with the lab). */
    final TreeMap<String, String> origins = new TreeMap<>();

    PluginOrigins(LabModel lab) {
        this.lab = lab;
    }

    /**
     * Refuses, changing nothing, when firmware {@code firmwareId} or one of {@code driverIds} is not available now: its
     * plugin is not loaded (disabled, removed) or is faulty. The message names the plugin.
     */
    void require(String firmwareId, List<String> driverIds) {
        Extensions ext = lab.extensions();
        requireExtension("firmware", firmwareId, ext.firmwareSourceLoading(firmwareId));
        for (int i = 0; i < driverIds.size(); i++) { // by index: an iterator per VM start was 11 MB of a storm
            String d = driverIds.get(i);
            requireExtension("driver", d, ext.driverSourceLoading(d));
        }
    }

    /** {@code source}: where extension {@code id} comes from now, null when it is not available. */
    private void requireExtension(String kind, String id, String source) {
        if (source == null) {
            String plugin = origins.get(kind + "/" + id);
            if (plugin != null) {
                throw LabException.notAllowed(kind + " '" + id + "' comes from plugin '" + plugin
                        + "', which is not loaded", "plugin list shows the plugins: plugin enable " + plugin
                        + ", or plugin install it");
            }
            throw LabException.notFound("no " + kind + " '" + id + "'", "profiles lists the " + kind
                    + (kind.equals("firmware") ? " models" : "s") + " there are");
        }
        if (!source.equals(Extensions.BUILT_IN)) {
            lab.extensions().guard().requireHealthy(source);
        }
    }

    /** Notes which plugin provides the extensions a new machine uses. */
    void record(String firmwareId, List<String> driverIds) {
        Extensions ext = lab.extensions();
        if (!ext.builtInFirmware(firmwareId)) {
            ext.firmwareSource(firmwareId).ifPresent(p -> origins.put("firmware/" + firmwareId, p));
        }
        for (String d : driverIds) {
            if (!ext.builtInDriver(d)) {
                ext.driverSource(d).ifPresent(p -> origins.put("driver/" + d, p));
            }
        }
    }

    /** The plugins whose extensions this lab's hosts and VMs use, sorted. */
    List<String> used() {
        TreeSet<String> out = new TreeSet<>();
        for (HostMachine h : lab.hosts.values()) {
            Optional.ofNullable(origins.get("firmware/" + h.firmware)).ifPresent(out::add);
        }
        for (VmMachine v : lab.vms.values()) {
            Optional.ofNullable(origins.get("firmware/" + v.firmware)).ifPresent(out::add);
            for (String d : v.drivers) {
                Optional.ofNullable(origins.get("driver/" + d)).ifPresent(out::add);
            }
        }
        return List.copyOf(out);
    }
}
