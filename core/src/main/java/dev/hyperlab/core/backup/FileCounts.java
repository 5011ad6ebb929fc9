package dev.hyperlab.core.backup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a file backup holds and how it compared with the backup it built on.
 *
 * @param files regular files
 * @param directories directories
 * @param others symbolic links, FIFOs, sockets and device files
 * @param bytes the regular files' lengths, summed
 * @param newFiles files the previous backup did not have
 * @param changedFiles files it had, read again because their size, times or inode changed
 * @param unchangedFiles files it had, not read again
 */
public record FileCounts(long files, long directories, long others, long bytes, long newFiles, long changedFiles,
        long unchangedFiles) {
    /** A disk backup's: nothing. */
    public static final FileCounts NONE = new FileCounts(0, 0, 0, 0, 0, 0, 0);

    boolean valid() {
        return files >= 0 && directories >= 0 && others >= 0 && bytes >= 0 && newFiles >= 0 && changedFiles >= 0
                && unchangedFiles >= 0;
    }

    Map<String, Object> toJson() {
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("files", files);
        j.put("directories", directories);
        j.put("others", others);
        j.put("bytes", bytes);
        j.put("new", newFiles);
        j.put("changed", changedFiles);
        j.put("unchanged", unchangedFiles);
        return j;
    }

    static FileCounts fromJson(Map<?, ?> j, String what) throws RepositoryException {
        return new FileCounts(DocumentFields.longField(j, "files", what), DocumentFields.longField(j, "directories", what),
                DocumentFields.longField(j, "others", what), DocumentFields.longField(j, "bytes", what), DocumentFields.longField(j, "new", what),
                DocumentFields.longField(j, "changed", what), DocumentFields.longField(j, "unchanged", what));
    }
}
