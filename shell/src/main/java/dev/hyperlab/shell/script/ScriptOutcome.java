package dev.hyperlab.shell.script;

import java.util.Optional;

/**
 * How a script run (or a Java snippet) ended.
 *
 * @param status the exit status: 0 when it ran to its end, the code it gave {@code exit(code)}, 1 after an error
 * @param error the one-line error ({@code SCRIPT:LINE:COLUMN: MESSAGE}) when it failed
 * @param cause what failed, for {@code --debug}; null when nothing did
 */
public record ScriptOutcome(int status, Optional<String> error, Throwable cause) {
    public static ScriptOutcome success() {
        return new ScriptOutcome(0, Optional.empty(), null);
    }

    public static ScriptOutcome exit(int status) {
        return new ScriptOutcome(status, Optional.empty(), null);
    }

    public static ScriptOutcome failure(String error, Throwable cause) {
        return new ScriptOutcome(1, Optional.of(error), cause);
    }
}
