package dev.hyperlab.shell.snippet;

import dev.hyperlab.api.lab.Lab;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * How a Java snippet reaches the shell's lab: JShell runs snippets in this JVM (execution engine "local"), so the
 * snippet {@code Lab lab = SnippetLabs.lab(ID);} that each session starts with gets a {@link Lab} that calls the very
 * lab the session's commands use, the same object, live: what a snippet changes, the next command sees. The
 * {@code lab} is a view that asks the session which lab to call each time, so {@code java --dry-run} can point it at
 * a throw-away copy for one snippet. Public because snippet code calls it; not for anyone else.
 */
public final class SnippetLabs {
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Map<Integer, Supplier<Lab>> SESSIONS = new ConcurrentHashMap<>();

    private SnippetLabs() {}

    /** Registers a session's lab (as a supplier: the current one); the id its {@code lab} snippet names. */
    static int register(Supplier<Lab> lab) {
        int id = IDS.incrementAndGet();
        SESSIONS.put(id, lab);
        return id;
    }

    static void unregister(int id) {
        SESSIONS.remove(id);
    }

    /** The live lab of session {@code id}, for the snippet that defines {@code lab}. */
    public static Lab lab(int id) {
        Supplier<Lab> current = SESSIONS.get(id);
        if (current == null) {
            throw new IllegalStateException("no shell session " + id);
        }
        return (Lab) Proxy.newProxyInstance(Lab.class.getClassLoader(), new Class<?>[] {Lab.class},
                (proxy, method, args) -> {
                    try {
                        return method.invoke(current.get(), args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause(); // the facade's LabException, as the snippet would see it called direct
                    }
                });
    }
}
