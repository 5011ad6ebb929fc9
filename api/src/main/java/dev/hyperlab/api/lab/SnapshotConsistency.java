package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * What the disks of a snapshot hold, for someone who uses them alone (a backup, a clone, a revert of a disk-only
 * snapshot). A snapshot with memory state reverts the whole machine exactly whatever this says.
 *
 * <pre>{@code
 * SnapshotInfo s = lab.vm("web1").createSnapshot("before-upgrade", new SnapshotOptions(true, ""));
 * boolean appConsistent = s.consistency() == SnapshotConsistency.APPLICATION;
 * }</pre>
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum SnapshotConsistency {
    /** The guest was running and its guest tools froze its file systems first: applications' data is whole. */
    APPLICATION,

    /** The guest was running without guest tools: the disks are as a power cut would leave them. */
    CRASH,

    /** The VM was not running: nothing was in flight. */
    OFFLINE,

    /** Made outside hyperlab ({@code qemu-img snapshot -c}): hyperlab cannot tell. */
    UNKNOWN,
    ;

    private final String id = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used by commands and JSON ({@code APPLICATION} becomes {@code application}). */
    public String id() {
        return id;
    }

    /** Reads an id; throws {@link LabException} listing the valid ones. */
    public static SnapshotConsistency of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a snapshot consistency",
                "one of " + java.util.Arrays.stream(values()).map(SnapshotConsistency::id).toList());
    }
}
