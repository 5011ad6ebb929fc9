package dev.hyperlab.shell.script;

import java.net.URI;
import java.util.Optional;

/**
 * Which JavaScript runtime this JVM runs, as {@code lab info} shows it, and whether it can be the optimizing one,
 * answered without loading GraalJS (which only the first script pays for): before the first script, a cheap look at
 * the boot module layer for the Graal compiler jar the launcher puts on the upgrade module path.
 *
 * <p>Free of polyglot types on purpose: {@code lab info} loads this class, never the engine.
 */
public final class ScriptingStatus {
    /** The system property the launcher sets: {@code on} with the JIT flags, or why it could not add them. */
    public static final String JIT_PROPERTY = "hyperlab.js.jit";

    private static volatile String loaded;

    private ScriptingStatus() {}

    /** What {@code lab info} says about JavaScript. */
    public static String javascript() {
        String l = loaded;
        if (l != null) {
            return l;
        }
        return "not loaded yet (the first script loads GraalJS; " + (jitExpected() ? "Graal JIT on"
                : "interpreter: " + interpreterReason()) + ")";
    }

    /** Set once the engine is up: which runtime it is. */
    static void loaded(String description) {
        loaded = description;
    }

    /**
     * Whether this JVM was started so that GraalJS can compile: JVMCI on and the Graal compiler (the jar, not the
     * JDK's own stub module of the same name) in the boot layer.
     */
    static boolean jitExpected() {
        if (!"on".equals(System.getProperty(JIT_PROPERTY))) {
            return false;
        }
        Optional<URI> location = ModuleLayer.boot().configuration().findModule("jdk.graal.compiler")
                .flatMap(m -> m.reference().location());
        return location.isPresent() && !"jrt".equals(location.get().getScheme())
                && ModuleLayer.boot().findModule("jdk.internal.vm.ci").isPresent();
    }

    /**
     * Whether the JIT was asked for ({@code HYPERLAB_JS_JIT=on}) and this JVM has it not: the launcher's reason, or a
     * missing compiler. Interpreting by default, or by {@code HYPERLAB_JS_JIT=off}, is what was asked for.
     */
    static boolean jitMissed() {
        String why = System.getProperty(JIT_PROPERTY);
        return why != null && !why.isBlank() && !why.equals("off");
    }

    /** Why scripts would run on the interpreter in this JVM. */
    static String interpreterReason() {
        String why = System.getProperty(JIT_PROPERTY);
        if (why == null || why.isBlank()) {
            return "the default; HYPERLAB_JS_JIT=on starts the shell with the Graal JIT";
        }
        if (why.equals("off")) {
            return "HYPERLAB_JS_JIT=off";
        }
        if (why.equals("on")) {
            return "the Graal compiler is not in this JVM's boot layer";
        }
        return why;
    }
}
