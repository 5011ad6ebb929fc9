package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.shell.command.ShellContext;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.Value;

/**
 * Runs one source in a script context and says how it ended, watching its limits: the statement limit (counted by
 * the engine), the CPU-time limit (sampled here from the running thread's CPU time), the memory limit (sampled here
 * from the heap, {@link HeapWatch}) and Ctrl-C (the shell's cancel request). A stop interrupts the script at its next
 * safe point and, through the shell's cancel flag, a simulation it is running ({@code lab.advance}) at its next
 * consistent point; the lab keeps what the script did until then. A script stopped for memory, or that ran the heap
 * out, leaves its context closed, so what it held is freed at once (a {@code js} session then starts anew).
 */
final class ScriptExecution {
    /** How often the CPU-time and memory limits are checked. */
    private static final long SAMPLE_MILLIS = 50;
    /** How long an interrupt may wait for the script to reach a safe point before the context is cancelled. */
    private static final Duration INTERRUPT_GRACE = Duration.ofSeconds(5);

    private ScriptExecution() {}

    /**
     * @param result where the value of the source goes ({@code js} prints it), or null to drop it ({@code run})
     */
    static ScriptOutcome run(ScriptContext sc, Source source, ShellContext shell, Consumer<String> result) {
        AtomicReference<String> stopped = new AtomicReference<>();
        AtomicBoolean memoryStop = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        Runnable stop = () -> {
            stopped.compareAndSet(null, "cancelled (Ctrl-C)");
            interrupt(sc);
        };
        HeapWatch heap = new HeapWatch(sc.limits().memory()); // its baseline: the heap before the script runs
        Thread watchdog = Thread.ofPlatform().daemon().name("hyperlab-script-limits")
                .start(new Watch(sc.limits(), heap, done, reason -> {
                    stopped.compareAndSet(null, reason);
                    shell.requestCancel();
                }, memoryStop));
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
            if (e.isCancelled() || e.isResourceExhausted() || memoryStop.get()) {
                sc.markClosed();
            }
            return ScriptOutcome.failure(ScriptErrors.message(e, stopped.get(), sc), ScriptErrors.stack(e), e);
        } catch (OutOfMemoryError e) {
            // the heap ran out outside the script's own code (showing its value, a call into the lab)
            sc.markClosed();
            return ScriptOutcome.failure(stopped.get() != null ? stopped.get() : HeapWatch.outOfMemory(), e);
        } catch (Exception e) {
            throw new IllegalStateException(e); // closing the cancel hook: it cannot fail
        } finally {
            done.set(true);
            watchdog.interrupt();
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

    /**
     * Samples the process's CPU time and the heap until the run is done, and says once when a limit is
     * passed. It allocates next to nothing per sample, so that it keeps working when the heap is tight.
     */
    private record Watch(ScriptLimits limits, HeapWatch heap, AtomicBoolean done,
            Consumer<String> exceeded, AtomicBoolean memoryStop) implements Runnable {
        @Override
        public void run() {
            // the process's CPU time, not the runner thread's: the simulation a script asks for runs on the
            // simulation's own threads too, and lab.advance('100000d') ran past a 2 s limit for minutes
            com.sun.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean()
                    instanceof com.sun.management.OperatingSystemMXBean o ? o : null;
            Duration cpu = limits.cpu();
            boolean cpuWatched = !cpu.isZero() && os != null && os.getProcessCpuTime() >= 0;
            long cpuStart = cpuWatched ? os.getProcessCpuTime() : 0;
            while (!done.get()) {
                try {
                    Thread.sleep(SAMPLE_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                long now = cpuWatched ? os.getProcessCpuTime() : -1;
                if (now >= 0 && now - cpuStart > cpu.toNanos() && !done.get()) {
                    exceeded.accept("CPU time limit of " + Durations.format(cpu) + " reached (--cpu-limit raises it)");
                    return;
                }
                Optional<String> memory = heap.check();
                if (memory.isPresent() && !done.get()) {
                    memoryStop.set(true);
                    exceeded.accept(memory.get());
                    return;
                }
            }
        }
    }
}
