package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.LabException;
import java.util.ArrayList;
import java.util.List;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.SourceSection;

/**
 * A failed script as one line for people, {@code SCRIPT:LINE:COLUMN: MESSAGE}: the location is the script's own line
 * that failed (the prelude's frames never show), the message the error's, a facade refusal's exactly as the command
 * would print it; below it, when the error is inside the script's functions, the script's stack. Never a Java stack
 * trace (the shell prints that with {@code --debug} only).
 */
final class ScriptErrors {
    private static final String LAB_ERROR = "LabError: ";
    private static final String SYNTAX_ERROR = "SyntaxError: ";

    private ScriptErrors() {}

    /**
     * @param stopped why the run was stopped from outside (Ctrl-C, the CPU or memory limit), or null
     * @param sc the context it ran in
     */
    static String message(PolyglotException e, String stopped, ScriptContext sc) {
        String where = location(e);
        String prefix = where.isEmpty() ? "" : where + ": ";
        if (stopped != null && (e.isInterrupted() || e.isCancelled() || cancelledLab(e))) {
            return prefix + stopped;
        }
        if (e.isResourceExhausted() && sc.statementsExhausted()) {
            return prefix + "statement limit of " + sc.limits().statements() + " reached (--statement-limit raises it)";
        }
        if (e.isResourceExhausted()) {
            return prefix + HeapWatch.outOfMemory(); // the engine's word for an OutOfMemoryError in the script
        }
        if (e.isInterrupted() || e.isCancelled()) {
            return prefix + "cancelled";
        }
        if (e.isHostException()) {
            Throwable t = e.asHostException();
            return t instanceof LabException le ? prefix + le.getMessage() : prefix + "internal error: " + t
                    + " (run with --debug for the stack trace, and please report it)";
        }
        String msg = firstLine(e.getMessage());
        if (e.isSyntaxError()) {
            // GraalJS writes "SyntaxError: x.js:3:7 Expected ...", its column counted from 0: the prefix has it right
            msg = msg.startsWith(SYNTAX_ERROR) ? msg.substring(SYNTAX_ERROR.length()) : msg;
            int space = msg.indexOf(' ');
            if (space > 0 && msg.substring(0, space).matches(".*:\\d+:\\d+")) {
                msg = msg.substring(space + 1);
            }
            return prefix + SYNTAX_ERROR + msg;
        }
        return prefix + (msg.startsWith(LAB_ERROR) ? msg.substring(LAB_ERROR.length()) : msg);
    }

    /** A lab operation the stop request ended ({@code lab.advance} answers a cancel with CANCELLED). */
    private static boolean cancelledLab(PolyglotException e) {
        return e.getMessage() != null && e.getMessage().startsWith(LAB_ERROR)
                && e.getGuestObject() != null && e.getGuestObject().hasMember("kind")
                && "cancelled".equals(String.valueOf(e.getGuestObject().getMember("kind").asString()));
    }

    /** {@code SCRIPT:LINE:COLUMN} of the innermost frame of the script itself, or empty. */
    static String location(PolyglotException e) {
        if (e.isSyntaxError() && e.getSourceLocation() != null) {
            return format(e.getSourceLocation());
        }
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            SourceSection s = f.getSourceLocation();
            if (f.isGuestFrame() && s != null && !s.getSource().isInternal()) {
                return format(s);
            }
        }
        SourceSection s = e.getSourceLocation();
        return s != null && !s.getSource().isInternal() ? format(s) : "";
    }

    /**
     * The script's own frames, innermost first, as {@code at NAME (SCRIPT:LINE:COLUMN)} (a top-level line as
     * {@code at SCRIPT:LINE:COLUMN}), as node prints a stack; empty when the error is not inside a function of the
     * script (the error line's location says it all then) or is a syntax error.
     */
    static List<String> stack(PolyglotException e) {
        if (e.isSyntaxError()) {
            return List.of();
        }
        List<String> frames = new ArrayList<>();
        for (PolyglotException.StackFrame f : e.getPolyglotStackTrace()) {
            SourceSection s = f.getSourceLocation();
            if (f.isGuestFrame() && s != null && !s.getSource().isInternal()) {
                String name = f.getRootName();
                boolean top = name == null || name.isEmpty() || name.startsWith(":");
                frames.add("at " + (top ? format(s) : name + " (" + format(s) + ")"));
            }
        }
        return frames.size() < 2 ? List.of() : frames;
    }

    private static String format(SourceSection s) {
        return s.getSource().getName() + ":" + s.getStartLine() + ":" + s.getStartColumn();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
