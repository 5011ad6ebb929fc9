package dev.hyperlab.core.storage.qcow2;

/**
 * One internal snapshot as the snapshot table stores it (qcow2.txt, "Snapshots"); what {@code qemu-img snapshot -l}
 * lists.
 *
 * @param id QEMU's unique id string ("1", "2", ...)
 * @param name the user's name
 * @param l1TableOffset where the snapshot's own L1 table is
 * @param l1Size entries in that L1 table
 * @param dateSec wall-clock seconds QEMU would record; hyperlab records lab time, given by the caller
 * @param dateNsec nanoseconds part of the date
 * @param vmClockNsec guest clock at the snapshot, in nanoseconds
 * @param vmStateSize bytes of saved VM state (0 for a disk-only snapshot)
 * @param diskSize virtual disk size when the snapshot was taken
 * @param icount instruction count for record/replay, -1 when absent
 * @param unknownExtraData extra-data bytes past the fields hyperlab knows, kept when the table is rewritten
 */
public record Qcow2Snapshot(String id, String name, long l1TableOffset, int l1Size, long dateSec, int dateNsec,
        long vmClockNsec, long vmStateSize, long diskSize, long icount, byte[] unknownExtraData) {

    /** Times recorded with a snapshot; hyperlab passes lab time so results never depend on the wall clock. */
    public record Times(long dateSec, int dateNsec, long vmClockNsec) {
        public static final Times ZERO = new Times(0, 0, 0);
    }
}
