package dev.hyperlab.api.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What an incremental backup of one disk can build on, by the one rule every strategy shares ({@link #of}): the
 * earlier backup the disk's changed blocks count from and the ranges written since it; or, when what changed is
 * unknown, why, and the disk needs a full backup. A bitmap left in use by a writer that never closed the image means
 * "changes unknown", never an error: the backup falls back, and the repository restarts tracking once it succeeds.
 *
 * <p>Example, the decision an incremental strategy makes for each disk:
 *
 * <pre>{@code
 * ChangesSince changes = ChangesSince.of(context, disk);
 * if (changes.base().isEmpty()) {
 *     context.note("disk " + disk.name() + ": " + changes.unknownBecause() + "; full backup of it instead");
 *     // ... store every allocated range
 * } else {
 *     // ... store changes.ranges(), keep the rest from changes.base().get()
 * }
 * }</pre>
 *
 * @param base the backup the changes count from; empty when they are unknown
 * @param ranges the ranges written since {@code base}: ascending, non-overlapping, within the disk; empty when the
 *     changes are unknown
 * @param unknownBecause why the changes are unknown, a few words for a note; empty when they are known
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record ChangesSince(Optional<PriorBackup> base, List<ByteRange> ranges, String unknownBecause) {

    /** Checks that exactly one of {@code base} and {@code unknownBecause} is given, and copies the ranges. */
    public ChangesSince {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(unknownBecause, "unknownBecause");
        ranges = List.copyOf(ranges);
        if (base.isPresent() != unknownBecause.isEmpty() || (base.isEmpty() && !ranges.isEmpty())) {
            throw new IllegalArgumentException("changes are either known (a base, no reason) or unknown (a reason, no"
                    + " base and no ranges)");
        }
    }

    /** Known changes: {@code ranges} written since {@code base}. */
    public static ChangesSince known(PriorBackup base, List<ByteRange> ranges) {
        return new ChangesSince(Optional.of(base), ranges, "");
    }

    /** Unknown changes, and why: the disk needs a full backup. */
    public static ChangesSince unknown(String because) {
        if (because == null || because.isBlank()) {
            throw new IllegalArgumentException("unknown changes need a reason");
        }
        return new ChangesSince(Optional.empty(), List.of(), because);
    }

    /**
     * The rule: the changes of {@code disk} are known when it has changed-block tracking that is consistent (no
     * writer left it in use), that a backup restarted, that backup is still in the repository and holds this disk at
     * its present size, and the ranges lie in order within the disk. Anything else means a full backup of the disk.
     */
    public static ChangesSince of(BackupContext context, SourceDisk disk) {
        Optional<ChangedBlocks> tracked = disk.changedBlocks();
        if (tracked.isEmpty()) {
            return unknown("no dirty bitmap");
        }
        ChangedBlocks blocks = tracked.get();
        if (!blocks.consistent()) {
            return unknown("dirty bitmap is inconsistent (image not closed cleanly)");
        }
        Optional<String> since = blocks.since();
        if (since.isEmpty()) {
            return unknown("dirty bitmap was never cleared by a backup");
        }
        String shortId = since.get().length() > 8 ? since.get().substring(0, 8) : since.get();
        Optional<PriorBackup> base = context.backup(since.get());
        if (base.isEmpty()) {
            return unknown("backup " + shortId + " (its base) is not in the repository");
        }
        Optional<PriorDisk> prior = base.get().disk(disk.name());
        if (prior.isEmpty()) {
            return unknown("backup " + shortId + " has no disk " + disk.name());
        }
        if (prior.get().virtualSize() != disk.virtualSize()) {
            return unknown("disk changed size since backup " + shortId);
        }
        long at = 0;
        for (ByteRange r : blocks.ranges()) {
            if (r.offset() < at || r.end() > disk.virtualSize()) {
                return unknown("dirty bitmap lists a range out of order or past the disk's end");
            }
            at = r.end();
        }
        return known(base.get(), blocks.ranges());
    }
}
