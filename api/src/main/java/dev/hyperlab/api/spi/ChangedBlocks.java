package dev.hyperlab.api.spi;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Which parts of a disk were written since tracking last restarted, as QEMU's persistent dirty bitmaps record it.
 * The repository restarts tracking after every successful backup of the disk, and only then, so the changes since
 * backup {@link #since()} are exactly {@link #ranges()} when {@link #consistent()} holds. Whether a strategy may
 * trust them is one rule for all strategies: {@link ChangesSince#of}.
 *
 * <p>Example, the check an incremental strategy makes before trusting the bitmap:
 *
 * <pre>{@code
 * Optional<PriorBackup> base = ChangesSince.of(context, disk).base(); // empty: back the disk up in full
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface ChangedBlocks {

    /** Bytes covered by one bit of the bitmap (the qcow2 default is 64 KiB); ranges are multiples of it. */
    int granularity();

    /** The id of the backup at whose success tracking last restarted; empty when no backup has reset it yet. */
    Optional<String> since();

    /**
     * False when writes may have gone unrecorded, for instance after the VM was not shut down cleanly (QEMU's
     * {@code in-use} flag was still set): then the bitmap proves nothing and a full backup is needed.
     */
    boolean consistent();

    /**
     * The changed ranges, ascending, non-overlapping, aligned to {@link #granularity()} except at the disk's end;
     * empty when the tracking is not {@link #consistent()} (its bits prove nothing then).
     */
    List<ByteRange> ranges();
}
