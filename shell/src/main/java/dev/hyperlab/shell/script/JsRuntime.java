package dev.hyperlab.shell.script;

import dev.hyperlab.shell.render.Output;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.graalvm.polyglot.Engine;

/**
 * The one GraalJS engine of this JVM, created by the first script (never at start-up): every script context shares
 * it, so code parsed and compiled for one run is reused by the next. Says once, quietly, when the Graal JIT was asked
 * for (HYPERLAB_JS_JIT=on) and scripts run on the interpreter all the same, and why.
 */
final class JsRuntime {
    private static Engine engine;

    private JsRuntime() {}

    /** The engine; the first call creates it and tells {@code output} when the JIT was asked for but is missing. */
    static synchronized Engine engine(Output output) {
        if (engine == null) {
            engine = build(ScriptingStatus.jitExpected());
            boolean jit = !engine.getImplementationName().equalsIgnoreCase("Interpreted");
            String version = version(engine);
            ScriptingStatus.loaded("GraalJS " + version + ", " + (jit
                    ? "Graal JIT (" + engine.getImplementationName() + " optimizing runtime)"
                    : "interpreter (" + ScriptingStatus.interpreterReason() + ")"));
            if (!jit && ScriptingStatus.jitMissed()) { // the default interprets, and says so only in lab info
                output.note("note: JavaScript runs on the GraalJS interpreter ("
                        + ScriptingStatus.interpreterReason() + ")");
            }
        }
        return engine;
    }

    /**
     * The engine; with {@code compileLater}, compiling only what a script calls thousands of times. Truffle's
     * defaults compile after 400 calls, and lower that to a tenth while the compile queue is short, as it always is
     * when a script starts: a short script's few hundred calls of the prelude queued compiles that the Graal compiler,
     * cold in every new JVM, could not finish before the script ended (docs/performance.md, issue 15). Code that is
     * really hot (fib(30) makes 1.6 million calls) still reaches the last tier at Truffle's own 10,000 calls.
     * Those options exist on the optimizing runtime only; if it did not come up, the engine is built without them.
     */
    private static Engine build(boolean compileLater) {
        Engine.Builder builder = Engine.newBuilder("js")
                // the shell says it once, in its own words, below
                .option("engine.WarnInterpreterOnly", "false")
                // engine messages on stderr as they are, without Truffle's note on how to redirect them
                .logHandler(new FileOutputStream(FileDescriptor.err));
        if (compileLater) {
            try {
                // the threshold options are experimental in Truffle's terms: set here, never by a script
                return builder.allowExperimentalOptions(true)
                        .option("engine.DynamicCompilationThresholds", "false")
                        .option("engine.FirstTierCompilationThreshold", "2000")
                        .build();
            } catch (IllegalArgumentException unknownOption) {
                return build(false);
            }
        }
        return builder.build();
    }

    /**
     * The GraalJS release: the engine says "Development Build" when it runs from Maven jars rather than a GraalVM,
     * so the release the polyglot jar records is read instead.
     */
    private static String version(Engine engine) {
        String v = engine.getVersion();
        if (!v.startsWith("Development")) {
            return v;
        }
        try (InputStream in = Engine.class.getResourceAsStream("/META-INF/graalvm/org.graalvm.polyglot/version")) {
            return in == null ? v : new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return v;
        }
    }
}
