package dev.hyperlab.core.guard;

import dev.hyperlab.api.lab.Durations;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Java cannot stop a thread: a call cut off while it spins keeps its thread (a daemon) busy until the process
 * ends. The plugin gets a new thread when it is enabled again.
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
    private final Map<String, ExecutorService> threads = new HashMap<>();
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
        Future<T> f = thread(plugin).submit(call);
        long limitNanos = limit.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get(limitNanos, TimeUnit.NANOSECONDS);
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
                    throw fault(plugin, what + (lease == null ? " did not return within " : " made no progress for ")
                            + Durations.format(limit));
                } catch (ExecutionException e) {
                    throw fault(plugin, what + " threw " + describe(e.getCause()));
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

    /** Records that {@code plugin} failed as {@code what} says; the fault to throw. */
    public synchronized ExtensionFault fault(String plugin, String what) {
        String message = "plugin '" + plugin + "' failed: " + what;
        faults.putIfAbsent(plugin, message);
        return new ExtensionFault(plugin, message);
    }

    /** Fails at once when {@code plugin} is faulty. */
    public synchronized void requireHealthy(String plugin) {
        String fault = faults.get(plugin);
        if (fault != null) {
            throw new ExtensionFault(plugin, "plugin '" + plugin + "' is faulty (" + fault + ")");
        }
    }

    /** The first fault of {@code plugin} since it was last cleared. */
    public synchronized Optional<String> faultOf(String plugin) {
        return Optional.ofNullable(faults.get(plugin));
    }

    /** Every faulty plugin and its first fault, by plugin id. */
    public synchronized Map<String, String> faults() {
        return new TreeMap<>(faults);
    }

    /** Forgets {@code plugin}'s fault: calls go to it again (on a new thread if its old one was abandoned). */
    public synchronized void clear(String plugin) {
        faults.remove(plugin);
    }

    /** Ends {@code plugin}'s thread, for a plugin that is unloaded; a running call is interrupted. */
    public synchronized void release(String plugin) {
        abandon(plugin);
    }

    private synchronized ExecutorService thread(String plugin) {
        return threads.computeIfAbsent(plugin, p -> Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "plugin " + p);
            t.setDaemon(true); // a hung plugin never keeps the shell from exiting
            return t;
        }));
    }

    private synchronized void abandon(String plugin) {
        ExecutorService t = threads.remove(plugin);
        if (t != null) {
            t.shutdownNow();
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        String first = m == null ? "" : m.lines().findFirst().orElse("");
        return t.getClass().getName() + (first.isEmpty() ? "" : ": " + first);
    }
}
