package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.ByteRange;
import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * Changed-block tracking for one disk image: which clusters were written since tracking last restarted. A qcow2
 * persistent dirty bitmap implements it (QEMU's incremental-backup model); so can any other tracker.
 *
 * <p>The contract the repository relies on: {@link #restart} is called only after a backup of the disk is durably
 * recorded, with that backup's id. Until then the bits accumulate, so if a backup fails or the process dies before
 * the restart, the tracker still covers everything since the backup named by {@link #since()}, and the next
 * incremental backup is based on that one instead. Nothing is ever lost by clearing too early.
 *
 * <p>Example, an in-memory tracker marking writes:
 *
 * <pre>{@code
 * tracker.changed();            // [] right after restart("b1")
 * image.write(65536, buf);      // the image layer marks cluster 1
 * tracker.changed();            // [ByteRange[offset=65536, length=65536]]
 * }</pre>
 */
public interface ChangedBlockTracker {

    /** Bytes one bit covers (64 KiB for a default qcow2 bitmap). */
    int granularity();

    /** The id of the backup at whose success tracking last restarted; empty if none has yet. */
    Optional<String> since();

    /**
     * False when writes may have gone unrecorded: a qcow2 bitmap still flagged {@code in-use} when the image was
     * opened (the VM was not shut down cleanly), or a tracker that was disabled for a while.
     */
    boolean consistent();

    /**
     * The ranges written since {@link #since()}, ascending, non-overlapping, merged where adjacent. Asked only when
     * {@link #consistent()}: an inconsistent tracker's bits prove nothing, and a qcow2 bitmap left in use refuses them.
     */
    List<ByteRange> changed() throws IOException;

    /**
     * Clears every bit, marks the tracker consistent and records {@code backupId} as {@link #since()}, durably. Called
     * by the repository after backup {@code backupId} is complete, never before.
     */
    void restart(String backupId) throws IOException;
}
