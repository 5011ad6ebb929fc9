package dev.hyperlab.core.engine.snapshot;

import java.util.List;

/**
 * A snapshot operation under way, saved with the lab before its first image is touched and cleared by the save that
 * ends it: a lab loaded with one still set was killed in the middle, and finishes or undoes it (see
 * {@link Snapshots#recover}). A create is undone (the images lose the new snapshot); a delete and a revert are
 * finished, since their first image has changed in a way that cannot be taken back.
 *
 * @param op {@code create}, {@code delete} or {@code revert}
 * @param names the snapshots it is about (a delete with {@code --children} names every one)
 */
public record SnapshotJob(String op, List<String> names) {
    public static final String CREATE = "create";
    public static final String DELETE = "delete";
    public static final String REVERT = "revert";

    public SnapshotJob {
        names = List.copyOf(names);
    }
}
