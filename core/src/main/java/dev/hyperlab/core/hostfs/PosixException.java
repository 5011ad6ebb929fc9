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
