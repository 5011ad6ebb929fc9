package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#listing()} finds in a repository.
 *
 * <pre>{@code
 * BackupListing l = lab.backups("/srv/backups", "").listing();
 * l.unreadable().forEach(System.err::println); // e.g. "backup 1a2b3c4d is damaged: ..."
 * }</pre>
 *
 * @param backups the readable backups, oldest first (by lab time, then id)
 * @param unreadable one line for each backup whose manifest cannot be read; {@code backup check} says what is lost
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupListing(List<BackupInfo> backups, List<String> unreadable) {

    /** Copies the lists. */
    public BackupListing {
        backups = List.copyOf(backups);
        unreadable = List.copyOf(unreadable);
    }
}
