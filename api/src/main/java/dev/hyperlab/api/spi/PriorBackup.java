package dev.hyperlab.api.spi;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A complete backup already in the repository, as a strategy sees it.
 *
 * <pre>{@code
 * Optional<Long> size = context.latest().flatMap(prior -> prior.disk("vda")).map(PriorDisk::virtualSize);
 * }</pre>
 *
 * @param id the backup's id (64 hex digits)
 * @param source the machine it was taken of
 * @param strategy the id of the strategy that took it
 * @param labTime lab time of the backup in nanoseconds
 * @param disks the disks it holds, in the machine's order
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.1")
public record PriorBackup(String id, String source, String strategy, long labTime, List<PriorDisk> disks) {

    /** Copies {@code disks} so the record stays immutable. */
    public PriorBackup {
        disks = List.copyOf(disks);
    }

    /** The disk of that name, if the backup holds one. */
    public Optional<PriorDisk> disk(String name) {
        return disks.stream().filter(d -> d.name().equals(name)).findFirst();
    }
}
