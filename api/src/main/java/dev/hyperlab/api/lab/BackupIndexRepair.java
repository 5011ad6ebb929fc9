package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@link Backups#repairIndex} did: the repository's index rebuilt from the headers of its packs.
 *
 * <pre>{@code
 * BackupCheck c = lab.backups("/srv/backups", "").check(false);
 * if (c.indexNeedsRepair()) lab.backups("/srv/backups", "").repairIndex();   // an index file was lost or damaged
 * }</pre>
 *
 * @param repository the repository's directory
 * @param packs packs the new index lists
 * @param blobs blobs the new index lists
 * @param packsAdded packs no readable index file listed, now listed from their headers
 * @param packsCorrected packs an index file listed otherwise than their headers say, now listed as they say
 * @param packsDropped packs an index file listed that no longer exist, no longer listed
 * @param indexFilesReplaced index files the new one replaced, damaged ones too
 * @param notes packs whose headers could not be read and what was done with each; stale locks removed
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record BackupIndexRepair(
        String repository, int packs, long blobs, int packsAdded, int packsCorrected, int packsDropped,
        int indexFilesReplaced, List<String> notes) {

    /** Copies the list. */
    public BackupIndexRepair {
        notes = List.copyOf(notes);
    }
}
