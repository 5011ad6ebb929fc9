package dev.hyperlab.core.backup;

import java.util.List;

/**
 * What {@link BackupRepository#repairIndex} did (or, in a dry run, would do).
 *
 * @param packs packs the new index lists
 * @param blobs blobs the new index lists
 * @param packsAdded packs no readable index file listed, now listed from their headers
 * @param packsCorrected packs an index file listed otherwise than their headers say, now listed as they say
 * @param packsDropped packs an index file listed that no longer exist, no longer listed
 * @param indexFilesReplaced index files replaced by the new one (damaged ones too)
 * @param notes packs whose headers could not be read, and what was done with each
 */
public record IndexRepairResult(
        int packs, long blobs, int packsAdded, int packsCorrected, int packsDropped, int indexFilesReplaced,
        List<String> notes) {

    /** Copies the list. */
    public IndexRepairResult {
        notes = List.copyOf(notes);
    }
}
