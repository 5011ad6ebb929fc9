package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Lab;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.proxy.ProxyArray;

/**
 * One sandboxed script context (see {@link Sandbox}) with its {@link Bridge}, and the prelude's two entry points:
 * {@code bind} (the script's lab and arguments) and {@code show} (a value as the REPL prints it).
 */
final class ScriptContext {
    private final Context context;
    private final Bridge bridge;
    private final ScriptLimits limits;
    private final AtomicBoolean statementsExhausted;
    private Value api;
    private volatile int exitStatus = -1;
    private boolean closed;

    /**
     * @param statementsExhausted set when the statement limit is reached (the engine says "resource exhausted" for
     *     that and for a heap that ran out alike)
     */
    ScriptContext(Context context, Lab lab, ScriptLimits limits, AtomicBoolean statementsExhausted) {
        this.context = context;
        this.limits = limits;
        this.statementsExhausted = statementsExhausted;
        this.bridge = new Bridge(lab, this::exit);
    }

    /** Runs the prelude (its value is the function that sets the globals up). */
    void start(Value prelude) {
        api = prelude.execute(bridge.proxy());
    }

    Context context() {
        return context;
    }

    ScriptLimits limits() {
        return limits;
    }

    /** Whether the statement limit stopped the script. */
    boolean statementsExhausted() {
        return statementsExhausted.get();
    }

    /** Binds {@code lab} to {@code labToUse} and {@code args}; its calls may name what {@code access} allows. */
    void bind(Lab labToUse, List<String> args, ScriptAccess access) {
        bridge.use(labToUse, access);
        api.getMember("bind").execute(bridge.labHandle(), ProxyArray.fromList(new ArrayList<>(args)));
    }

    /** {@code value} as the REPL prints it, or null when there is nothing to print ({@code undefined}). */
    String show(Value value) {
        Value s = api.getMember("show").execute(value);
        return s.isNull() ? null : s.asString();
    }

    /**
     * {@code exit(code)}: ends the script at once. Cancelling the context is what a script cannot catch (a thrown
     * exception it could); the runner then reads the status back.
     */
    private void exit(int status) {
        exitStatus = status;
        context.close(true);
    }

    /** The status the script gave {@code exit()}, or -1 if it did not call it. */
    int exitStatus() {
        return exitStatus;
    }

    /** Marks the context unusable: {@code exit()}, a cancel or an exhausted limit closed it. */
    void markClosed() {
        closed = true;
    }

    /** Whether the context can run no more (a session then opens a new one). */
    boolean closed() {
        return closed;
    }

    /** Closes the context and the labs the script forked. */
    void close(boolean cancel) {
        bridge.closeForks();
        try {
            context.close(cancel);
        } catch (IllegalStateException e) {
            // closed already (exit, cancel)
        }
    }
}
