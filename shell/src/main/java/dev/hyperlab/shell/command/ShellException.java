package dev.hyperlab.shell.command;

/**
 * A request the shell itself refuses (an unknown command, a file it cannot read): one line, {@code WHAT (HINT)},
 * printed like the facade's {@link dev.hyperlab.api.lab.LabException}.
 */
public final class ShellException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ShellException(String what, String hint) {
        super(hint == null || hint.isEmpty() ? what : what + " (" + hint + ")");
    }

    public ShellException(String what, String hint, Throwable cause) {
        this(what, hint);
        initCause(cause);
    }
}
