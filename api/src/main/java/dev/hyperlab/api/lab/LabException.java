package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A request the lab refused or could not carry out. The lab is unchanged when this is thrown (except for
 * {@link Kind#CANCELLED}, which leaves the lab consistent at the lab time reached).
 *
 * <p>The message is one line, {@code WHAT (HINT)}, meant for people: the shell prints it as
 * {@code error: WHAT (HINT)}.
 *
 * <pre>{@code
 * try { lab.vm("web9"); } catch (LabException e) { System.err.println("error: " + e.getMessage()); }
 * // error: no VM named 'web9' (vm list shows the VMs)
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public class LabException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** What kind of refusal this is; front ends map it to exit codes and colours. */
    @API(status = STABLE, since = "0.1")
    public enum Kind {
        /** A named entity does not exist. */
        NOT_FOUND,
        /** An argument is malformed or out of range. */
        INVALID,
        /** The name or resource is already taken. */
        CONFLICT,
        /** The entity's state does not allow the request (e.g. starting a running VM). */
        NOT_ALLOWED,
        /** Not enough of a resource (memory, cores, disk space). */
        INSUFFICIENT,
        /** A wait ended without the condition being met. */
        TIMEOUT,
        /** The caller cancelled a long operation (Ctrl-C). */
        CANCELLED,
        /** Reading or writing the lab's files failed. */
        IO,
        /** An extension (plugin) failed. */
        EXTENSION
    }

    private final Kind kind;
    private final String what;
    private final String hint;

    public LabException(Kind kind, String what, String hint) {
        super(hint == null || hint.isEmpty() ? what : what + " (" + hint + ")");
        this.kind = Objects.requireNonNull(kind);
        this.what = Objects.requireNonNull(what);
        this.hint = hint == null ? "" : hint;
    }

    public LabException(Kind kind, String what, String hint, Throwable cause) {
        this(kind, what, hint);
        initCause(cause);
    }

    public Kind kind() {
        return kind;
    }

    /** What went wrong, without the hint. */
    public String what() {
        return what;
    }

    /** How to get it right, or empty. */
    public String hint() {
        return hint;
    }

    public static LabException notFound(String what, String hint) {
        return new LabException(Kind.NOT_FOUND, what, hint);
    }

    public static LabException invalid(String what, String hint) {
        return new LabException(Kind.INVALID, what, hint);
    }

    public static LabException conflict(String what, String hint) {
        return new LabException(Kind.CONFLICT, what, hint);
    }

    public static LabException notAllowed(String what, String hint) {
        return new LabException(Kind.NOT_ALLOWED, what, hint);
    }

    public static LabException insufficient(String what, String hint) {
        return new LabException(Kind.INSUFFICIENT, what, hint);
    }
}
