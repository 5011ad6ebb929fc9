package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * What limited a boot phase: the part of its demand that finished last.
 *
 * <pre>{@code
 * lab.timeline(List.of("web1")).stream()
 *         .filter(p -> p.boundBy() == BoundBy.DISK)
 *         .forEach(p -> System.out.println(p.phase() + " waited on the disk"));
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum BoundBy {
    /** Its CPU work (shared with the other activities on the host's cores). */
    CPU,

    /** Its disk I/O (shared with the other activities on the same disk). */
    DISK,

    /** Waiting for memory (allocation, reclaim or swap-in). */
    MEMORY,

    /** A fixed delay (timeouts, firmware waits, device resets). */
    FIXED,

    /** Its network transfer or timeout. */
    NETWORK,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code CPU} becomes {@code cpu}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static BoundBy of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a bound",
                "one of " + java.util.Arrays.stream(values()).map(BoundBy::id).toList());
    }
}
