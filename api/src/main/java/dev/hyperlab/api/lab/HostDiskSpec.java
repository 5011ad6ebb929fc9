package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A physical disk of a host, written {@code KIND:SIZE} on the command line ({@code nvme:1TiB}).
 *
 * <pre>{@code
 * HostDiskSpec d = HostDiskSpec.parse("ssd:480GiB");
 * }</pre>
 *
 * @param kind the disk technology
 * @param sizeBytes capacity in bytes
 */
@API(status = STABLE, since = "0.1")
public record HostDiskSpec(DiskKind kind, long sizeBytes) {
    public HostDiskSpec {
        if (kind == null) {
            throw LabException.invalid("disk kind missing", "write KIND:SIZE, e.g. nvme:1TiB");
        }
        if (sizeBytes < Sizes.GiB || sizeBytes > 1024 * Sizes.TiB) {
            throw LabException.invalid("disk size " + Sizes.format(sizeBytes) + " is out of range",
                    "host disks are 1 GiB to 1 PiB");
        }
    }

    /** Parses {@code KIND:SIZE}. */
    public static HostDiskSpec parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon < 0) {
            throw LabException.invalid("'" + text + "' is not a host disk", "write KIND:SIZE, e.g. nvme:1TiB");
        }
        return new HostDiskSpec(DiskKind.of(text.substring(0, colon)), Sizes.parse(text.substring(colon + 1)));
    }

    @Override
    public String toString() {
        return kind.id() + ":" + Sizes.format(sizeBytes).replace(" ", "");
    }
}
