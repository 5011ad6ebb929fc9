package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.shell.command.ShellContext;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Runs one source in a script context and says how it ended, watching its limits: the statement limit (counted by
 * the engine), the CPU-time limit (sampled here from the running thread's CPU time) and Ctrl-C (the shell's cancel
 * request). A stop interrupts the script at its next safe point and, through the shell's cancel flag, a simulation it
 * is running ({@code lab.advance}) at its next consistent point; the lab keeps what the script did until then.
 */
final class ScriptExecution {
    /** How often the CPU-time limit is checked. */
    private static final long CPU_SAMPLE_MILLIS = 50;
    /** How long an interrupt may wait for the script to reach a safe point before the context is cancelled. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

    private ScriptExecution() {}

    /**
     * @param result where the value of the source goes ({@code js} prints it), or null to drop it ({@code run})
     */
    static ScriptOutcome run(ScriptContext sc, Source source, ShellContext shell, Consumer<String> result) {
        AtomicReference<String> stopped = new AtomicReference<>();
        AtomicBoolean done = new AtomicBoolean();
        Thread runner = Thread.currentThread();
        Runnable stop = () -> {
            stopped.compareAndSet(null, "cancelled (Ctrl-C)");
            interrupt(sc);
        };
        Duration cpuLimit = sc.limits().cpu();
        Thread watchdog = cpuLimit.isZero() ? null : Thread.ofPlatform().daemon().name("hyperlab-script-cpu")
                .start(() -> watch(runner, cpuLimit, done, () -> {
                    stopped.compareAndSet(null, "CPU time limit of " + Durations.format(cpuLimit)
                            + " reached (--cpu-limit raises it)");
                    shell.requestCancel();
                }));
        try (AutoCloseable hook = shell.onCancel(stop)) {
            sc.context().resetLimits();
            Value v = sc.context().eval(source);
            if (result != null) {
                String shown = sc.show(v);
                if (shown != null) {
                    result.accept(shown);
                }
            }
            return ScriptOutcome.success();
        } catch (PolyglotException e) {
            if (sc.exitStatus() >= 0) {
                sc.markClosed();
                return ScriptOutcome.exit(sc.exitStatus());
            }
            if (e.isCancelled() || e.isResourceExhausted()) {
                sc.markClosed();
            }
            return ScriptOutcome.failure(ScriptErrors.message(e, stopped.get(), sc.limits()), e);
        } catch (Exception e) {
            throw new IllegalStateException(e); // closing the cancel hook: it cannot fail
        } finally {
            done.set(true);
            if (watchdog != null) {
                watchdog.interrupt();
            }
        }
    }

    /** Interrupts the script without blocking the caller (a signal handler); cancels it if it does not yield. */
    private static void interrupt(ScriptContext sc) {
        Thread.ofPlatform().daemon().name("hyperlab-script-interrupt").start(() -> {
            try {
                sc.context().interrupt(INTERRUPT_GRACE);
            } catch (TimeoutException e) {
                sc.close(true);
            } catch (RuntimeException e) {
                // the script ended (or closed) first: nothing left to interrupt
            }
        });
    }

    private static void watch(Thread runner, Duration limit, AtomicBoolean done, Runnable exceeded) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        if (!threads.isThreadCpuTimeSupported()) {
            return;
        }
        long start = threads.getThreadCpuTime(runner.threadId());
        while (!done.get()) {
            try {
                Thread.sleep(CPU_SAMPLE_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = threads.getThreadCpuTime(runner.threadId());
            if (now >= 0 && now - start > limit.toNanos() && !done.get()) {
                exceeded.run();
                return;
            }
        }
    }
}
