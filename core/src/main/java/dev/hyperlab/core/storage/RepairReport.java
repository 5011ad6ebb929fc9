package dev.hyperlab.core.storage;

/**
 * What a repair found and left, as {@code qemu-img check -r all} reports it: the check before, the check after (the
 * "double check" of the fixed image), and whether the refcount structure had to be rebuilt from scratch because the
 * table or its blocks could not be trusted at all.
 *
 * @param before the image as it was
 * @param after the image as the repair left it: clean unless something was beyond repair
 * @param rebuiltRefcounts true when a new refcount table and blocks replaced the old ones
 */
public record RepairReport(CheckReport before, CheckReport after, boolean rebuiltRefcounts) {

    /** Corruptions the repair removed. */
    public long corruptionsFixed() {
        return Math.max(0, before.corruptions() - after.corruptions());
    }

    /** Leaked clusters the repair gave back. */
    public long leaksFixed() {
        return Math.max(0, before.leaks() - after.leaks());
    }
}
