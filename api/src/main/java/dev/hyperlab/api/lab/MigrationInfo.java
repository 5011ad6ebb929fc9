package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * What a migration did ({@link Vm#migrate(String, MigrateOptions)}): for a live one, the block copy of its local disks,
 * each pre-copy round of memory, and the stop-and-copy that paused the guest.
 *
 * <pre>{@code
 * MigrationInfo m = lab.vm("db1").migrate("h2", MigrateOptions.LIVE);
 * System.out.println(m.rounds().size() + " rounds, paused " + m.downtime().toMillis() + " ms");
 * }</pre>
 *
 * @param vm the VM
 * @param from the host it left
 * @param to the host it runs on now
 * @param live whether it ran meanwhile (pre-copy) or was stopped (offline)
 * @param diskBytes its disks' data bytes copied
 * @param diskCopy how long the disk copy took (the bulk phase, before the memory rounds when live)
 * @param rounds the pre-copy rounds, first (all memory in use) to last (empty when offline)
 * @param downtime how long the guest was paused for the stop-and-copy (zero when offline)
 * @param total lab time from the start of the migration to its end: the VM running on {@code to} with all its
 *     memory (after the post-copy phase, if there was one)
 * @param dirtyBytesPerSecond memory and disk bytes the guest dirtied a second while it ran (its workload's)
 * @param bandwidthBytesPerSecond the link's bandwidth the migration used
 * @param postcopy after the switch to post-copy ({@link MigrateOptions#postcopy()}): the bytes still on the source,
 *     how long the background push took while the guest ran on {@code to}, and the share of its pace its work kept
 *     meanwhile; {@link Postcopy#NONE} when it finished in pre-copy
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record MigrationInfo(String vm, String from, String to, boolean live, long diskBytes, Duration diskCopy,
        List<Round> rounds, Duration downtime, Duration total, double dirtyBytesPerSecond,
        double bandwidthBytesPerSecond, Postcopy postcopy) {
    public MigrationInfo {
        rounds = List.copyOf(rounds);
        java.util.Objects.requireNonNull(postcopy, "postcopy");
    }

    /**
     * The post-copy phase of a live migration.
     *
     * <pre>{@code
     * if (m.postcopy().bytes() > 0) System.out.println("post-copy " + m.postcopy().took().toMillis() + " ms");
     * }</pre>
     *
     * @param bytes bytes the guest had dirtied and the destination fetched after the switch (0: none)
     * @param took how long they took on the link, the guest running on the destination meanwhile
     * @param pace share of its normal pace the guest's work kept meanwhile (1 when none)
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Postcopy(long bytes, Duration took, double pace) {
        /** No post-copy phase. */
        public static final Postcopy NONE = new Postcopy(0, Duration.ZERO, 1);
    }

    /**
     * One pre-copy round.
     *
     * <pre>{@code
     * for (MigrationInfo.Round r : m.rounds()) System.out.println(r.number() + ": " + r.bytes() + " bytes");
     * }</pre>
     *
     * @param number 1 for the first (all the memory in use)
     * @param bytes memory (and, after the first, disk blocks) bytes sent
     * @param took its length at the link's bandwidth
     * @param throttlePercent the guest's vCPU throttle during it (auto-converge), 0 when not throttled
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Round(int number, long bytes, Duration took, int throttlePercent) {}
}
