package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * A request the lab refused or could not carry out. The lab is unchanged when this is thrown (except for
 * {@link Kind#CANCELLED}, which leaves the lab consistent at the lab time reached).
 *
 * <p>The message is one line, {@code WHAT (HINT)}, meant for people: the shell prints it as
 * {@code error: WHAT (HINT)}.
 *
 * <p>Where it names a parameter of the request, it names it as the facade does, in braces when the exception is made
 * ({@code "give it an OS profile with {os} or a disk with {disks}"}): {@link #getMessage()} shows the plain name
 * ({@code os}), and a front end renders each in its own words with {@link #message(UnaryOperator)} (the shell as its
 * option, {@code --os}). A parameter of another facade call than the one refused is named with its call,
 * {@code {restoreAsVm.name}}: {@link #getMessage()} shows it as {@code restoreAsVm(name)}, the shell as the command
 * line that does it ({@code --as-vm NAME}). So no message of the lab names a command-line flag where a script would
 * read it.
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

    /** A parameter named in a message: {@code {os}}, {@code {keepLast}}, or of another call {@code {restore.path}}. */
    private static final Pattern PARAMETER = Pattern.compile("\\{([A-Za-z][A-Za-z0-9]*(?:\\.[A-Za-z][A-Za-z0-9]*)?)}");

    private final Kind kind;
    private final String what;
    private final String hint;

    /**
     * @param what what went wrong; a request parameter it names is written {@code {name}}
     * @param hint how to get it right, or empty; parameters as in {@code what}
     */
    public LabException(Kind kind, String what, String hint) {
        super(join(render(Objects.requireNonNull(what), LabException::facadeWords),
                render(hint == null ? "" : hint, LabException::facadeWords)));
        this.kind = Objects.requireNonNull(kind);
        this.what = what;
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
        return render(what, LabException::facadeWords);
    }

    /** How to get it right, or empty. */
    public String hint() {
        return render(hint, LabException::facadeWords);
    }

    /**
     * The request parameters the message names, by their facade names ({@code os}, {@code timeout},
     * {@code restoreAsVm.name}), in order: what a front end may say in its own words.
     */
    public List<String> parameters() {
        List<String> out = new ArrayList<>();
        for (String text : List.of(what, hint)) {
            Matcher m = PARAMETER.matcher(text);
            while (m.find()) {
                if (!out.contains(m.group(1))) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    /**
     * The message, {@code WHAT (HINT)}, with each parameter it names as {@code name} gives it: the shell passes its
     * option names ({@code os -> --os}); {@link #getMessage()} is this with {@link #facadeWords}.
     */
    public String message(UnaryOperator<String> name) {
        return join(render(what, name), render(hint, name));
    }

    /**
     * A parameter as the facade says it, which {@link #getMessage()} shows: {@code os} as is, a parameter of another
     * call as the call, {@code restoreAsVm.name -> restoreAsVm(name)}.
     */
    public static String facadeWords(String parameter) {
        int dot = parameter.indexOf('.');
        return dot < 0 ? parameter : parameter.substring(0, dot) + "(" + parameter.substring(dot + 1) + ")";
    }

    private static String render(String text, UnaryOperator<String> name) {
        return PARAMETER.matcher(text).replaceAll(m -> Matcher.quoteReplacement(name.apply(m.group(1))));
    }

    private static String join(String what, String hint) {
        return hint.isEmpty() ? what : what + " (" + hint + ")";
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
