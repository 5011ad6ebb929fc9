package dev.hyperlab.core.backup;

/**
 * One difference between two file backups, as {@code restic diff} prints it.
 *
 * @param kind what changed
 * @param path the entry's absolute path, names as {@code backup ls} shows them
 * @param type the entry's type in the newer backup ({@code file}, {@code directory}, ... as {@link FileListing}), the
 *     older one's when it was removed
 */
public record FileChange(Kind kind, String path, String type) {
    /** What changed about an entry (restic diff's letter for it in brackets). */
    public enum Kind {
        /** Only in the newer backup ({@code +}). */
        ADDED,
        /** Only in the older backup ({@code -}). */
        REMOVED,
        /** Its content, a link's target or a device's number differs ({@code M}). */
        MODIFIED,
        /** Only its metadata differs: permissions, owner, modification time, links, extended attributes ({@code U}). */
        METADATA,
        /** It is of another type: a file that became a directory ({@code T}). */
        TYPE
    }
}
