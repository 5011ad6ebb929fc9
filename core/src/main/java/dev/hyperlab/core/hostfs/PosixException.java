package dev.hyperlab.core.hostfs;

import java.io.IOException;

/**
 * A failed C library call: what was being done, and the {@code errno} the call set (its description ends the
 * message, as in {@code /srv/x: permission denied}).
 */
public final class PosixException extends IOException {
    private final int errno;
    private final String reason;

    PosixException(String what, int errno) {
        this(what, errno, Posix.describe(errno));
    }

    private PosixException(String what, int errno, String reason) {
        super(what + ": " + reason);
        this.errno = errno;
        this.reason = reason;
    }

    /** What a source other than the C library ({@link FileSource}) answers for a name that is not there. */
    public static PosixException notFound(String what) {
        return new PosixException(what, Posix.ENOENT);
    }

    /** A name below something that is not a directory, or a directory where a file was wanted ({@code ENOTDIR}). */
    public static PosixException notDirectory(String what) {
        return new PosixException(what, Posix.ENOTDIR);
    }

    /** A symbolic link where a file or directory was opened without following links ({@code ELOOP}). */
    public static PosixException symbolicLink(String what) {
        return new PosixException(what, Posix.ELOOP);
    }

    /** An open of a directory for reading, or of a file for listing ({@code EISDIR}). */
    public static PosixException isDirectory(String what) {
        return new PosixException(what, Posix.EISDIR);
    }

    /** An operation that does not apply to the thing named, such as reading the target of what is no link. */
    public static PosixException invalid(String what) {
        return new PosixException(what, Posix.EINVAL);
    }

    /** The system's reason alone ({@code permission denied}), for callers that name the file themselves. */
    public String reason() {
        return reason;
    }

    /** The error number ({@code EACCES}, {@code ENOENT}, ...). */
    public int errno() {
        return errno;
    }

    /** The thing does not exist (any more): {@code ENOENT}. */
    public boolean notFound() {
        return errno == Posix.ENOENT;
    }

    /** Access was refused: {@code EACCES} or {@code EPERM}. */
    public boolean denied() {
        return errno == Posix.EACCES || errno == Posix.EPERM;
    }

    /** It exists already: {@code EEXIST}. */
    public boolean exists() {
        return errno == Posix.EEXIST;
    }
}
