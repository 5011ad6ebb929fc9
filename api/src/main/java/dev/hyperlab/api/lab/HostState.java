package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The power and boot state of a physical host.
 *
 * <pre>{@code
 * Host esx = lab.host("esx1");
 * esx.powerOn();
 * esx.waitFor(HostState.RUNNING, Duration.ofMinutes(10));
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum HostState {
    /** Powered off. */
    OFF,

    /** Powered on: firmware, bootloader, OS or hypervisor are coming up. */
    BOOTING,

    /** Booted: the OS (and hypervisor, if installed) runs. */
    RUNNING,

    /** The boot stopped with an error; see the host's reason. */
    FAILED,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code OFF} becomes {@code off}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static HostState of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a host state",
                "one of " + java.util.Arrays.stream(values()).map(HostState::id).toList());
    }
}
