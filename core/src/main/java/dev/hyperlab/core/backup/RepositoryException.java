package dev.hyperlab.core.backup;

import java.io.IOException;

/**
 * A repository operation refused or failed for a reason the user can act on. The message is one line that says what
 * and, after a colon or in parentheses, why or what to do; the shell prints it as {@code error: MESSAGE}.
 */
public class RepositoryException extends IOException {
    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message} alone. */
    public RepositoryException(String message) {
        super(message);
    }

    /** A failure described by {@code message}, caused by {@code cause}. */
    public RepositoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
