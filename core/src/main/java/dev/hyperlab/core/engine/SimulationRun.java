package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.RunProgress;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.sim.Simulation;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * One run of the simulation toward a lab time, on behalf of a caller: every advance and every wait (the {@code wait}
 * command, each {@code --wait}, a script's {@code waitFor}, a backup's or restore's lab time) goes through here, so
 * each of them reports progress and can be cancelled the same way.
 *
 * <ul>
 *   <li>The run executes on a thread of its own while the caller waits. An interrupt of the caller (Ctrl-C in a front
 *       end, JShell's stop, {@code Thread.interrupt}) then only asks the run to stop: it never lands inside the run's
 *       file I/O, where it would close the image's FileChannel under it.</li>
 *   <li>At every safe point (between two lab instants, and between two guest writes: see {@link GuestIo}) the run
 *       checks whether it must stop, and about every {@link #REPORT_NANOS} tells the progress listener how far it got.
 *       The listener may interrupt the run's thread to cancel it there.</li>
 *   <li>A cancelled run ends with {@code CANCELLED}, the clock where it stopped and the lab exactly as a run to that
 *       time would leave it: wall-clock time decides only where a cancelled run stops, never what the lab does. (Only
 *       when the events of one lab instant take longer than {@link #INSTANT_GRACE_NANOS} does it stop between two of
 *       them: the lab is then as a wait ending there leaves it, and goes on from there as if never stopped.)</li>
 * </ul>
 */
final class SimulationRun {
    /** How often progress is reported, in wall-clock nanoseconds: often enough that Ctrl-C answers at once. */
    static final long REPORT_NANOS = 100_000_000L;
    /**
     * How long a cancel waits for the lab instant under way to finish (so that the lab is then as a run to that time
     * leaves it) before it stops between two of its events: the events of one instant take milliseconds, but a boot
     * storm of thousands of VMs on one host finishing a phase together may take seconds of wall time.
     */
    static final long INSTANT_GRACE_NANOS = 250_000_000L;

    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hyperlab-simulation");
        t.setDaemon(true);
        return t;
    });
    private static final ThreadLocal<Boolean> ON_RUN_THREAD = ThreadLocal.withInitial(() -> false);

    private final LabModel lab;
    private final ProgressListener listener;
    private final long start;
    private final long target;
    private final boolean untilTarget;
    private final long wallStart = System.nanoTime();
    private long nextReport = wallStart + REPORT_NANOS;
    private long guestBytes;
    /** Lab time the clock listener's work got to, ahead of the clock while it moves the clock (see {@link GuestIo}). */
    private long reached;
    /** Set by the caller's thread when it is interrupted. */
    private volatile boolean stopRequested;
    /** When the run learnt it must stop (wall clock), once {@link #stopNoticed}. */
    private long stopSeen;
    private boolean stopNoticed;
    private boolean cancelled;

    private SimulationRun(LabModel lab, ProgressListener listener, long target, boolean untilTarget) {
        this.lab = lab;
        this.listener = listener;
        this.start = lab.sim().now();
        this.reached = start;
        this.target = target;
        this.untilTarget = untilTarget;
    }

    /**
     * Runs {@code lab} until {@code done} holds or lab time {@code target}; with {@code idleToEnd} false it also stops
     * when nothing more is scheduled. True when {@code done} holds at the end. Throws {@code CANCELLED} when cancelled.
     */
    static boolean run(LabModel lab, long target, BooleanSupplier done, boolean idleToEnd,
            ProgressListener listener) {
        SimulationRun run = new SimulationRun(lab, listener, target, idleToEnd);
        Simulation.RunEnd end;
        if (run.cancelledBeforeStart()) {
            end = Simulation.RunEnd.CANCELLED;
        } else if (done.getAsBoolean()) {
            return true;
        } else {
            end = run.execute(() -> lab.sim().runUntil(target, lab::dispatch, done, run::shouldStop, idleToEnd));
        }
        if (end == Simulation.RunEnd.CANCELLED) {
            // said at once: the save that follows may wait for the disk to take the guests' last writes
            listener.progress(run.progress(System.nanoTime(), true));
            Thread.interrupted(); // a listener's cancel that came too late to matter
            throw new LabException(LabException.Kind.CANCELLED, "cancelled at lab time "
                    + Durations.format(Duration.ofNanos(lab.sim().now())), "the lab is consistent there");
        }
        return end == Simulation.RunEnd.DONE || done.getAsBoolean();
    }

    /**
     * Whether the caller cancelled before the run began: its thread is interrupted, or the listener, told once at the
     * start (nothing is drawn that early), cancels. A command that waits for many things in turn (each VM of a
     * {@code vm start --all --wait}) so stops at the next of them, even one that needs no lab time.
     */
    private boolean cancelledBeforeStart() {
        if (Thread.interrupted()) {
            return true;
        }
        if (listener != ProgressListener.NONE) {
            listener.progress(progress(wallStart));
        }
        return Thread.interrupted();
    }

    private Simulation.RunEnd execute(java.util.function.Supplier<Simulation.RunEnd> body) {
        GuestIo io = lab.guestIo;
        if (ON_RUN_THREAD.get()) {
            return during(io, body); // a run started by a run (nothing does so today): on this thread
        }
        boolean callerInterrupted = false;
        Future<Simulation.RunEnd> f = THREADS.submit(() -> {
            ON_RUN_THREAD.set(true);
            try {
                return during(io, body);
            } finally {
                ON_RUN_THREAD.set(false);
                Thread.interrupted(); // a listener's cancel nobody took must not reach the next run on this thread
            }
        });
        Simulation.RunEnd end = null;
        while (end == null) {
            try {
                end = f.get();
            } catch (InterruptedException e) {
                callerInterrupted = true;
                stopRequested = true; // the run stops at its next safe point; wait for it
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                if (e.getCause() instanceof Error r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
        if (callerInterrupted && end != Simulation.RunEnd.CANCELLED) {
            Thread.currentThread().interrupt(); // it ended before it saw the request: the caller keeps its interrupt
        }
        return end;
    }

    private Simulation.RunEnd during(GuestIo io, java.util.function.Supplier<Simulation.RunEnd> body) {
        io.watchedBy(this);
        try {
            return body.get();
        } finally {
            io.watchedBy(null);
        }
    }

    /**
     * Called at each safe point on the run's thread: reports progress when it is due and says whether the run must
     * stop here, which is between two lab instants ({@code betweenInstants}) or, once {@link #INSTANT_GRACE_NANOS} have
     * passed since the cancel, between any two events. Cheap when nothing is due (a volatile read and a clock read).
     */
    boolean shouldStop(boolean betweenInstants) {
        if (cancelled) {
            return true;
        }
        long t = System.nanoTime();
        if (t - nextReport >= 0) {
            nextReport = t + REPORT_NANOS;
            if (listener != ProgressListener.NONE) {
                // counting a storm's 100,000 VMs by state ten times a second is work nobody reads without a listener
                listener.progress(progress(t));
            }
            // after the listener, which may interrupt this thread to cancel here (before any more I/O)
            if (Thread.interrupted()) {
                stopRequested = true;
            }
        }
        if (!stopRequested) {
            return false;
        }
        if (!stopNoticed) {
            stopNoticed = true;
            stopSeen = t;
        }
        cancelled = betweenInstants || t - stopSeen >= INSTANT_GRACE_NANOS;
        return cancelled;
    }

    /** Guest writes made during this run, for the progress line. */
    void wrote(long bytes) {
        guestBytes += bytes;
    }

    /** The clock listener's work is done up to lab time {@code time}, while the clock still shows where it started. */
    void reached(long time) {
        reached = time;
    }

    private RunProgress progress(long wallNow) {
        return progress(wallNow, false);
    }

    private RunProgress progress(long wallNow, boolean stopping) {
        return new RunProgress(Duration.ofNanos(start), Duration.ofNanos(Math.max(reached, lab.sim().now())),
                Duration.ofNanos(target),
                untilTarget, lab.hostsIn(HostState.BOOTING), lab.vmsIn(VmState.STARTING), lab.vmsIn(VmState.RUNNING),
                lab.vmCount(), guestBytes, Duration.ofNanos(wallNow - wallStart), stopping);
    }

    /** A wait that ended at its deadline before what it waited for: {@code where} says how things stand. */
    static LabException timedOut(Duration timeout, String where) {
        return new LabException(LabException.Kind.TIMEOUT, "timed out after "
                + Durations.format(timeout) + ": " + where,
                "it goes on; a longer {timeout} waits for it");
    }
}
