package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * Physical disk technologies, each with its own bandwidth, IOPS and latency (see docs/calibration.md).
 *
 * <pre>{@code
 * HostDiskSpec ssd = new HostDiskSpec(DiskKind.SSD, Sizes.parse("960GiB")); // or DiskKind.of("ssd")
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum DiskKind {
    /** NVMe SSD. */
    NVME,

    /** SATA/SAS SSD. */
    SSD,

    /** Spinning disk. */
    HDD,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code NVME} becomes {@code nvme}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static DiskKind of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a disk kind",
                "one of " + java.util.Arrays.stream(values()).map(DiskKind::id).toList());
    }
}
