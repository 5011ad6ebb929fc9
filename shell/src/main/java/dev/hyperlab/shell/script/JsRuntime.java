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
            String version = version(engine);
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
