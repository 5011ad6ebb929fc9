package dev.hyperlab.core.storage.fs;

import dev.hyperlab.core.storage.ImageException;

/**
 * A file system inside an image that cannot answer: a path that is not there, a partition or file system that is not,
 * or damage (a hostile image: a count, offset or block number out of range, a loop). One line, fit for
 * {@code error: WHAT (HINT)}; {@link #reason()} tells the caller which kind of refusal it is.
 */
public final class FsException extends ImageException {
    /** Why the file system could not answer. */
    public enum Reason {
        /** No entry of that name (or an empty image of no file system). */
        NO_SUCH_PATH,
        /** A name below an entry that is not a directory. */
        NOT_A_DIRECTORY,
        /** A directory or device where a file's bytes were asked for. */
        NOT_A_FILE,
        /** Nothing hyperlab reads: neither ext2/3/4 nor FAT, or a feature it does not implement. */
        UNKNOWN_FILE_SYSTEM,
        /** No partition of that number. */
        NO_PARTITION,
        /** Structures that contradict themselves or point outside the file system. */
        DAMAGED
    }

    private final Reason reason;

    public FsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static FsException damaged(String message) {
        return new FsException(Reason.DAMAGED, message);
    }
}
