package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * How {@link Vm#createSnapshot(String, SnapshotOptions)} takes a snapshot.
 *
 * <pre>{@code
 * vm.createSnapshot("before-upgrade", SnapshotOptions.DEFAULT.withDescription("kernel 6.8"));
 * vm.createSnapshot("disks", SnapshotOptions.DEFAULT.withDiskOnly());
 * }</pre>
 *
 * @param diskOnly snapshot the disks only, without the memory state (a stopped VM's snapshot always is)
 * @param description free text shown by {@code snapshot list}
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SnapshotOptions(boolean diskOnly, String description) {
    /** Memory state when the VM runs, no description. */
    public static final SnapshotOptions DEFAULT = new SnapshotOptions(false, "");

    public SnapshotOptions {
        description = Objects.requireNonNullElse(description, "");
    }

    public SnapshotOptions withDiskOnly() {
        return new SnapshotOptions(true, description);
    }

    public SnapshotOptions withDescription(String text) {
        return new SnapshotOptions(diskOnly, text);
    }
}
