package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The general-purpose OS under a type 2 hypervisor.
 *
 * <pre>{@code
 * lab.host("ws1").install(HypervisorType.TYPE2, HostOs.WINDOWS); // host install ws1 --hypervisor type2 --host-os windows
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum HostOs {
    /** A Linux distribution with systemd. */
    LINUX,

    /** Windows (desktop or server). */
    WINDOWS,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code LINUX} becomes {@code linux}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static HostOs of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a host OS",
                "one of " + java.util.Arrays.stream(values()).map(HostOs::id).toList());
    }
}
