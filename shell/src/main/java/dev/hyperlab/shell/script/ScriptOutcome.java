package dev.hyperlab.shell.script;

import java.util.List;
import java.util.Optional;

/**
 * How a script run (or a Java snippet) ended.
 *
 * @param status the exit status: 0 when it ran to its end, the code it gave {@code exit(code)}, 1 after an error
 * @param error the one-line error ({@code SCRIPT:LINE:COLUMN: MESSAGE}) when it failed
 * @param stack the script's frames at the error, innermost first ({@code at f (x.js:2:3)}), when it failed inside a
 *     function; empty otherwise
 * @param cause what failed, for {@code --debug}; null when nothing did
 */
public record ScriptOutcome(int status, Optional<String> error, List<String> stack, Throwable cause) {
    public static ScriptOutcome success() {
        return new ScriptOutcome(0, Optional.empty(), List.of(), null);
    }

    public static ScriptOutcome exit(int status) {
        return new ScriptOutcome(status, Optional.empty(), List.of(), null);
    }

    public static ScriptOutcome failure(String error, Throwable cause) {
        return failure(error, List.of(), cause);
    }

    public static ScriptOutcome failure(String error, List<String> stack, Throwable cause) {
        return new ScriptOutcome(1, Optional.of(error), List.copyOf(stack), cause);
    }
}
