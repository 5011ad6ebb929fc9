package dev.hyperlab.core.guard;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What plugin code calls where {@link PluginCodeRewriter} changed it: a checkpoint at every method entry and loop
 * back-edge, and refusals in place of the calls that would end the process. Public because plugin classes call it;
 * a plugin's class loader always takes this package from the shell, so a plugin cannot bring its own.
 *
 * <p>The state is static because the rewritten code is: a call site knows its plugin's id (a constant the rewriter
 * put there) and nothing else. One process has one set of plugins, so one set of stopped plugins.
 */
public final class PluginHooks {
    private static final StackWalker WALKER = StackWalker.getInstance(Set.of(
            StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
    private static final MethodType EXIT = MethodType.methodType(void.class, int.class);

    /** False until something is stopped: until then a checkpoint costs one volatile read. */
    private static volatile boolean anyStopped;
    /** Plugins whose code stops wherever it runs (faulty: until enabled again). */
    private static final Set<String> STOPPED = ConcurrentHashMap.newKeySet();
    /** What a plugin did that no plugin may do, by plugin id: the first time. */
    private static final Map<String, String> MISCONDUCT = new ConcurrentHashMap<>();

    private PluginHooks() {}

    // ---- called by rewritten plugin code ----------------------------------------------------------------------------

    /** At every method entry and loop back-edge of {@code plugin}'s code: throws when that code has to stop. */
    public static void checkpoint(String plugin) {
        if (anyStopped) {
            checkStopped(plugin);
        }
    }

    private static void checkStopped(String plugin) {
        if (STOPPED.contains(plugin)) {
            throw new PluginStopped("plugin '" + plugin + "' is stopped");
        }
        if (Thread.currentThread().getThreadGroup() instanceof PluginWorker.Threads t && t.stopped) {
            throw new PluginStopped("plugin '" + plugin + "' was cut off on this thread");
        }
    }

    /** In place of {@code System.exit(status)}. */
    public static void exit(int status) {
        throw refuse("System.exit(" + status + ")");
    }

    /** In place of {@code runtime.exit(status)}. */
    public static void exit(Runtime runtime, int status) {
        throw refuse("Runtime.exit(" + status + ")");
    }

    /** In place of {@code runtime.halt(status)}. */
    public static void halt(Runtime runtime, int status) {
        throw refuse("Runtime.halt(" + status + ")");
    }

    /** Before {@code method.invoke(...)}: refuses to call one of the exit methods by reflection. */
    public static void checkInvoke(Method method) {
        if (method != null && endsProcess(method.getDeclaringClass(), method.getName(),
                MethodType.methodType(method.getReturnType(), method.getParameterTypes()))) {
            throw refuse(method.getDeclaringClass().getSimpleName() + "." + method.getName() + " by reflection");
        }
    }

    /** After a {@code Lookup.find...} or {@code unreflect...}: refuses a method handle to one of the exit methods. */
    public static void checkHandle(MethodHandle handle) {
        MethodHandleInfo info;
        try {
            info = MethodHandles.lookup().revealDirect(handle);
        } catch (IllegalArgumentException | NullPointerException e) {
            return; // not a direct handle: it was not made from a method
        }
        if (endsProcess(info.getDeclaringClass(), info.getName(), info.getMethodType())) {
            throw refuse(info.getDeclaringClass().getSimpleName() + "." + info.getName() + " through a method handle");
        }
    }

    private static boolean endsProcess(Class<?> owner, String name, MethodType type) {
        return type.equals(EXIT) && ((owner == System.class && name.equals("exit"))
                || (owner == Runtime.class && (name.equals("exit") || name.equals("halt"))));
    }

    /** Records the attempt against the calling plugin, stops the plugin, and gives what to throw instead. */
    private static PluginStopped refuse(String call) {
        Optional<String> plugin = callingPlugin();
        plugin.ifPresent(p -> {
            MISCONDUCT.putIfAbsent(p, "called " + call + " (refused: a plugin may not end hyperlab)");
            stop(p);
        });
        return new PluginStopped(plugin.map(p -> "plugin '" + p + "'").orElse("a plugin") + " called " + call
                + ": a plugin may not end hyperlab");
    }

    /** The plugin whose class is nearest the top of the stack. */
    private static Optional<String> callingPlugin() {
        return WALKER.walk(frames -> frames.map(f -> f.getDeclaringClass().getClassLoader())
                .filter(PluginCodeLoader.class::isInstance).map(l -> ((PluginCodeLoader) l).plugin()).findFirst());
    }

    // ---- called by the guard ----------------------------------------------------------------------------------------

    /** Stops {@code plugin}'s code on every thread, until {@link #resume}. */
    static void stop(String plugin) {
        STOPPED.add(plugin);
        stopping();
    }

    /** Something is about to be stopped: checkpoints must look from now on. */
    static void stopping() {
        anyStopped = true;
    }

    /** Lets {@code plugin}'s code run again and forgets what it did (the shell's {@code plugin enable}). */
    static void resume(String plugin) {
        STOPPED.remove(plugin);
        MISCONDUCT.remove(plugin);
    }

    /** What {@code plugin} did that no plugin may do, e.g. {@code called System.exit(42)}; empty if nothing. */
    static Optional<String> misconduct(String plugin) {
        return Optional.ofNullable(MISCONDUCT.get(plugin));
    }
}
