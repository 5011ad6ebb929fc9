package dev.hyperlab.shell.error;

import java.util.List;

/**
 * A request the shell itself refuses (an unknown command, a file it cannot read): one line, {@code WHAT (HINT)},
 * printed like the facade's {@link dev.hyperlab.api.lab.LabException}.
 */
public final class ShellException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> details;

    public ShellException(String what, String hint) {
        super(hint == null || hint.isEmpty() ? what : what + " (" + hint + ")");
        this.details = List.of();
    }

    public ShellException(String what, String hint, Throwable cause) {
        this(what, hint, cause, List.of());
    }

    /** With {@code details}: lines printed indented below the error line (a script's stack). */
    public ShellException(String what, String hint, Throwable cause, List<String> details) {
        super(hint == null || hint.isEmpty() ? what : what + " (" + hint + ")");
        initCause(cause);
        this.details = List.copyOf(details);
    }

    /** Lines that go below the error line; usually none. */
    public List<String> details() {
        return details;
    }
}
