package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Lab;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.io.IOAccess;

/**
 * A script context that reaches the lab and nothing else. No host access at all ({@link HostAccess#NONE}: no Java
 * object is visible; no class lookup, so no {@code Java.type}); the facade is reached only through the {@link Bridge}'s
 * proxies, whose allow-list is the facade's methods ({@link FacadeTypes}). No file system (not even {@code load}),
 * no network, no processes, no threads, no native code, no environment variables, no other languages, no Intl
 * (whose formatters read the wall clock). Then the prelude runs: lab, args, LabError, exit, Sizes, Durations, the
 * seeded {@code Math.random} and the lab's clock.
 */
final class Sandbox {
    /**
     * Which sources the statement limit counts: the script's, not the prelude's. One instance for all contexts, as
     * contexts sharing an engine must share it.
     */
    static final Predicate<Source> COUNTED = source -> !source.isInternal();

    /** GraalJS's own bounds on one typed array or buffer (bytes) and one string (characters). */
    private static final long MAX_BUFFER_BYTES = 2_147_483_639L;
    private static final long MAX_STRING_CHARS = 1_073_741_799L;

    private static Source prelude;

    private Sandbox() {}

    /** A new context on {@code engine} for a script working on {@code lab}, its output on {@code out} and {@code err}. */
    static ScriptContext open(Engine engine, OutputStream out, OutputStream err, ScriptLimits limits, Lab lab) {
        Context.Builder b = Context.newBuilder("js")
                .engine(engine)
                .allowHostAccess(HostAccess.NONE)
                .allowHostClassLoading(false)
                .allowIO(IOAccess.NONE)
                .allowCreateThread(false)
                .allowCreateProcess(false)
                .allowNativeAccess(false)
                .allowEnvironmentAccess(EnvironmentAccess.NONE)
                .allowPolyglotAccess(PolyglotAccess.NONE)
                .allowInnerContextOptions(false)
                // for the two size bounds below, which GraalJS marks experimental; the script itself sets no option
                .allowExperimentalOptions(limits.memory() > 0)
                .timeZone(ZoneOffset.UTC)
                .in(InputStream.nullInputStream())
                .out(out)
                .err(err)
                .option("js.load", "false")
                .option("js.intl-402", "false")
                .option("js.graal-builtin", "false")
                // an unhandled promise rejection is an uncaught error, as node's default (it was silently dropped)
                .option("js.unhandled-rejections", "throw");
        if (limits.memory() > 0) {
            // no single typed array, buffer or string larger than the memory limit: the heap watch sees memory only
            // once it is allocated, and one allocation could otherwise take gigabytes at once
            b.option("js.max-typed-array-length", String.valueOf(Math.min(limits.memory(), MAX_BUFFER_BYTES)))
                    .option("js.string-length-limit", String.valueOf(Math.min(limits.memory() / 2, MAX_STRING_CHARS)));
        }
        AtomicBoolean statementsExhausted = new AtomicBoolean();
        if (limits.statements() > 0) {
            b.resourceLimits(ResourceLimits.newBuilder().statementLimit(limits.statements(), COUNTED)
                    .onLimit(event -> statementsExhausted.set(true)).build());
        }
        Context context = b.build();
        try {
            ScriptContext sc = new ScriptContext(context, lab, limits, statementsExhausted);
            sc.start(context.eval(prelude()));
            return sc;
        } catch (RuntimeException e) {
            context.close(true);
            throw e;
        }
    }

    private static synchronized Source prelude() {
        if (prelude == null) {
            try (Reader r = new InputStreamReader(Sandbox.class.getResourceAsStream("prelude.js"),
                    StandardCharsets.UTF_8)) {
                prelude = Source.newBuilder("js", r, "hyperlab-prelude.js").internal(true).build();
            } catch (IOException e) {
                throw new UncheckedIOException("the script prelude is missing from the shell's jar", e);
            }
        }
        return prelude;
    }
}
