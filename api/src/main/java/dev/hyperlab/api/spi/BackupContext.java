package dev.hyperlab.api.spi;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What a {@link BackupStrategy} is given for one backup run: the disks to read, the earlier backups of the same
 * machine, a sink per disk, and a place for notes the user should see.
 *
 * <p>Example, basing a backup on the newest earlier one:
 *
 * <pre>{@code
 * Optional<PriorBackup> base = context.latest();
 * if (base.isEmpty()) {
 *     context.note("no earlier backup of " + context.source() + ": full backup");
 * }
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public interface BackupContext {

    /** The name of the machine (or other source) being backed up, as {@code backup list} shows it. */
    String source();

    /** The disks to back up, in the machine's order (the boot disk first). */
    List<SourceDisk> disks();

    /** The newest complete backup of the same source in the repository, if there is one. */
    Optional<PriorBackup> latest();

    /**
     * Every complete backup of the same source in the repository, oldest first (by lab time, then id), so the last
     * is {@link #latest()}. A strategy with a schedule of its own counts here, for instance its every seventh backup:
     *
     * <pre>{@code
     * long mine = context.history().stream().filter(b -> b.strategy().equals(id())).count();
     * boolean periodicFull = mine % 7 == 0;
     * }</pre>
     *
     * <p>The default answers with {@link #latest()} alone, for contexts that know no more.
     */
    @API(status = API.Status.EXPERIMENTAL, since = "0.1")
    default List<PriorBackup> history() {
        return latest().map(List::of).orElse(List.of());
    }

    /**
     * The backup with this id, if the repository holds it; used for instance to find the backup a dirty bitmap was
     * last reset at ({@link ChangedBlocks#since()}).
     */
    Optional<PriorBackup> backup(String id);

    /** The sink that records what {@code disk} holds; one per disk, the same instance on every call. */
    DiskSink sink(SourceDisk disk);

    /**
     * Records a message for the user, kept in the backup's manifest: for instance why an incremental backup fell back
     * to a full one. One line, no trailing period needed.
     */
    void note(String message);
}
