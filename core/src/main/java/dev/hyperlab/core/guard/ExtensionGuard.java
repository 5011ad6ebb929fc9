package dev.hyperlab.core.guard;

import dev.hyperlab.api.lab.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way the engine calls a plugin's extension. Each call runs on a thread of that plugin's own while the
 * caller waits at most {@link #limit()}; a call that throws, does not return in time, or (as its adapter finds)
 * returns nonsense becomes an {@link ExtensionFault} naming the plugin, and the plugin is marked faulty: later calls
 * into it fail at once, without waiting, until {@link #clear} (the shell's {@code plugin enable}).
 *
 * <p>Determinism: on the success path the caller gets exactly what the extension returned, as if it had called it
 * itself; only whether a misbehaving call is cut off depends on time. Built-in extensions are not guarded: they are
 * the engine's own code, and a boot storm of 100,000 VMs should not pay two thread hand-offs per boot.
 *
 * <p>Java cannot stop a thread from outside. A call that is cut off is interrupted, and its plugin's code throws
 * {@link PluginStopped} at its next loop iteration or method call (the checkpoints {@link PluginCodeRewriter} put in
 * the plugin's classes); its thread is given up, and the plugin gets a new one when it is enabled again. A thread
 * blocked outside the plugin's code (in the JDK, in native code) cannot be reached even so: it is quarantined, never
 * called again, and {@link #quarantined} counts it until it ends. A plugin's attempt to end the process, refused in
 * its code, makes it faulty too.
 *
 * <pre>{@code
 * ExtensionGuard guard = new ExtensionGuard(Duration.ofSeconds(2));
 * List<BootStep> post = guard.call("secureboot", "firmware 'secureboot' post", () -> model.post(machine));
 * }</pre>
 */
public final class ExtensionGuard {
    /**
     * Two seconds: about ten times the slowest well-behaved call measured (a Secure Boot model's first boot-device
     * search on a cold JVM, which loads the JDK's RSA code and reads an EFI system partition: docs/plugins.md), yet
     * short enough that a hung plugin costs a user one short pause before it is marked faulty.
     */
    public static final Duration DEFAULT_LIMIT = Duration.ofSeconds(2);

    private final Duration limit;
    private final Map<String, PluginWorker> workers = new HashMap<>();
    /** Workers given up (cut off, or their plugin released) whose threads may still be alive, by plugin id. */
    private final Map<String, List<PluginWorker>> quarantine = new HashMap<>();
    private final Map<String, String> faults = new TreeMap<>();

    public ExtensionGuard(Duration limit) {
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("the time limit of a plugin call must be more than 0");
        }
        this.limit = limit;
    }

    /** How long a caller waits for one call. */
    public Duration limit() {
        return limit;
    }

    /**
     * Runs {@code call} on {@code plugin}'s thread and returns what it returned.
     *
     * @param what the call as people read it in an error, e.g. {@code firmware 'secureboot' post}
     * @throws ExtensionFault when it throws or takes longer than the limit, or the plugin is faulty already
     */
    public <T> T call(String plugin, String what, Callable<T> call) {
        return run(plugin, what, call, null);
    }

    /**
     * As {@link #call}, for long work that uses the engine through {@code lease} (a backup strategy): the limit applies
     * to the silence between uses, not to the whole call.
     */
    <T> T watch(String plugin, String what, Lease lease, Callable<T> call) {
        return run(plugin, what, call, lease);
    }

    private <T> T run(String plugin, String what, Callable<T> call, Lease lease) {
        requireHealthy(plugin);
        Future<T> f = worker(plugin).submit(call);
        long limitNanos = limit.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    T result = f.get(limitNanos, TimeUnit.NANOSECONDS);
                    Optional<String> misconduct = PluginHooks.misconduct(plugin); // refused, and caught by the plugin
                    if (misconduct.isPresent()) {
                        throw fault(plugin, what + " " + misconduct.get());
                    }
                    return result;
                } catch (InterruptedException e) {
                    // Ctrl-C: a call is bounded by the limit, so finish waiting for it and pass the interrupt on after
                    // (the simulation stops at its next event boundary, with a consistent lab)
                    interrupted = true;
                } catch (TimeoutException e) {
                    if (lease != null && lease.activeWithin(limitNanos)) {
                        continue;
                    }
                    f.cancel(true);
                    abandon(plugin);
                    throw fault(plugin, what + " " + PluginHooks.misconduct(plugin).orElse((lease == null
                            ? "did not return within " : "made no progress for ") + Durations.format(limit)));
                } catch (ExecutionException e) {
                    throw fault(plugin, what + " " + PluginHooks.misconduct(plugin)
                            .orElse("threw " + describe(e.getCause())));
                }
            }
        } finally {
            if (lease != null) {
                lease.expire();
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Records that {@code plugin} failed as {@code what} says, and stops its code wherever it runs; the fault to
     * throw.
     */
    public synchronized ExtensionFault fault(String plugin, String what) {
        String message = "plugin '" + plugin + "' failed: " + what;
        if (faults.putIfAbsent(plugin, message) == null) {
            onFault.accept(plugin, message);
        }
        PluginHooks.stop(plugin);
        return new ExtensionFault(plugin, message);
    }

    /** Told each plugin's first fault (the shell writes it down for the next session). */
    private volatile java.util.function.BiConsumer<String, String> onFault = (plugin, message) -> { };

    public void onFault(java.util.function.BiConsumer<String, String> listener) {
        this.onFault = listener;
    }

    /**
     * Records a fault of an earlier session (the shell keeps them): the plugin is faulty, its code stopped and its
     * extensions refused at once, until {@link #clear}, as after a fault in this session.
     */
    public synchronized void recordEarlier(String plugin, String message) {
        if (faults.putIfAbsent(plugin, message) == null) {
            PluginHooks.stop(plugin);
        }
    }

    /** Fails at once when {@code plugin} is faulty. */
    public synchronized void requireHealthy(String plugin) {
        faultOf(plugin).ifPresent(fault -> {
            throw new ExtensionFault(plugin, "plugin '" + plugin + "' is faulty (" + fault + ")");
        });
    }

    /**
     * The first fault of {@code plugin} since it was last cleared: a call that failed, or, between calls, an attempt
     * of its code (on a thread of its own) to end the process.
     */
    public synchronized Optional<String> faultOf(String plugin) {
        if (!faults.containsKey(plugin)) {
            PluginHooks.misconduct(plugin).ifPresent(m -> fault(plugin, "its code " + m));
        }
        return Optional.ofNullable(faults.get(plugin));
    }

    /** Every faulty plugin and its first fault, by plugin id. */
    public synchronized Map<String, String> faults() {
        return new TreeMap<>(faults);
    }

    /** Forgets {@code plugin}'s fault: its code may run again, and calls go to it (on a new thread if need be). */
    public synchronized void clear(String plugin) {
        faults.remove(plugin);
        PluginHooks.resume(plugin);
    }

    /** Gives up {@code plugin}'s thread, for a plugin that is disabled or unloaded: its threads are stopped. */
    public synchronized void release(String plugin) {
        abandon(plugin);
    }

    /**
     * How many of {@code plugin}'s threads are still alive though it was cut off, disabled or unloaded: blocked where
     * its code's checkpoints cannot reach them. They are never called again.
     */
    public synchronized int quarantined(String plugin) {
        List<PluginWorker> given = quarantine.get(plugin);
        if (given == null) {
            return 0;
        }
        given.removeIf(w -> w.liveThreads() == 0);
        return given.stream().mapToInt(PluginWorker::liveThreads).sum();
    }

    private synchronized PluginWorker worker(String plugin) {
        return workers.computeIfAbsent(plugin, PluginWorker::new);
    }

    private synchronized void abandon(String plugin) {
        PluginWorker w = workers.remove(plugin);
        if (w != null) {
            w.stop();
            quarantine.computeIfAbsent(plugin, p -> new ArrayList<>()).add(w);
        }
    }

    private static String describe(Throwable t) {
        // a constructor or static initialiser that threw is reported by what it threw, not by the reflection's wrapper
        while ((t instanceof java.lang.reflect.InvocationTargetException
                || t instanceof ExceptionInInitializerError
                || t instanceof java.lang.reflect.UndeclaredThrowableException) && t.getCause() != null) {
            t = t.getCause();
        }
        String m = t.getMessage();
        String first = m == null ? "" : m.lines().findFirst().orElse("");
        return t.getClass().getName() + (first.isEmpty() ? "" : ": " + first);
    }
}
