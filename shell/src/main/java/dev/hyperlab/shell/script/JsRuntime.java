package dev.hyperlab.shell.script;

import dev.hyperlab.shell.render.Output;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import org.graalvm.polyglot.Engine;

/**
 * The one GraalJS engine of this JVM, created by the first script (never at start-up): every script context shares
 * it, so code parsed and compiled for one run is reused by the next. Says once, quietly, when scripts run on the
 * interpreter rather than the Graal JIT, and why.
 */
final class JsRuntime {
    private static Engine engine;

    private JsRuntime() {}

    /** The engine; the first call creates it and tells {@code output} if it interprets. */
    static synchronized Engine engine(Output output) {
        if (engine == null) {
            engine = Engine.newBuilder("js")
                    // the shell says it once, in its own words, below
                    .option("engine.WarnInterpreterOnly", "false")
                    // engine messages on stderr as they are, without Truffle's note on how to redirect them
                    .logHandler(new FileOutputStream(FileDescriptor.err))
                    .build();
            boolean jit = !engine.getImplementationName().equalsIgnoreCase("Interpreted");
            String version = engine.getVersion();
            ScriptingStatus.loaded("GraalJS " + version + ", " + (jit
                    ? "Graal JIT (" + engine.getImplementationName() + " optimizing runtime)"
                    : "interpreter (" + ScriptingStatus.interpreterReason() + ")"));
            if (!jit) {
                output.note("note: JavaScript runs on the GraalJS interpreter ("
                        + ScriptingStatus.interpreterReason() + ")");
            }
        }
        return engine;
    }
}
