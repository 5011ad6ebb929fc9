package dev.hyperlab.core.sim;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The discrete-event kernel: a virtual clock in nanoseconds, an event queue ordered by (time, priority, sequence),
 * and the shared resources whose activities it completes. The model (machines) handles every other event through a
 * {@link Dispatcher}. The clock can be stepped from outside ({@link #runUntil}), which is what a REPL needs.
 */
public final class Simulation {
    /** Handles the model's events. */
    @FunctionalInterface
    public interface Dispatcher {
        void dispatch(SimEvent event);
    }

    /**
     * Told each time the clock moves forward, before it moves and before any event of the new time runs, so work spread
     * over lab time (a running guest's disk writes) sees the machines as they were throughout {@code (from, to]}. The
     * intervals it is given tile the timeline: each lab instant is in exactly one, however the runs are split.
     * It must not schedule events or change activities; it may throw to abort the run, the clock left at {@code from}.
     */
    @FunctionalInterface
    public interface ClockListener {
        /**
         * Does the work of {@code (from, to]} and returns the lab time it got to: {@code to}, or an earlier time in
         * {@code [from, to)} when the run is cancelled part-way, its work done exactly up to there (no event lies in
         * between, so the lab is then as a run to that time would leave it).
         */
        long advancing(long from, long to);
    }

    /** Asked at the run's safe points whether the caller cancelled it. */
    @FunctionalInterface
    public interface Cancel {
        /**
         * True to stop here. {@code betweenInstants} tells whether every event of the current lab instant has run (the
         * lab is then exactly as a run to this time leaves it) or some are still queued (a huge instant: a boot storm's
         * thousands of VMs finishing a phase together).
         */
        boolean stopHere(boolean betweenInstants);
    }

    /** How a run ended. */
    public enum RunEnd {
        /** The clock reached the run's end time (or, for a run that need not idle to its end, nothing was left). */
        REACHED,
        /** The caller's condition came true, checked after each event. */
        DONE,
        /** The caller cancelled it: between two lab instants, every event of the last one run. */
        CANCELLED
    }

    /** Priorities: lower runs first at equal times. Completions before new arrivals keeps shares tight. */
    public static final int PRIORITY_COMPLETION = 0;
    public static final int PRIORITY_TIMER = 1;
    public static final int PRIORITY_CONTROL = 2;

    private long now;
    private long nextSeq;
    private final EventQueue queue = new EventQueue();
    private final Map<String, SharedResource> resources = new HashMap<>();
    private final List<SharedResource> dirty = new ArrayList<>();
    private EventLog log = EventLog.NONE;
    private ClockListener clock;
    private long processed;
    private boolean running;

    public long now() {
        return now;
    }

    public long processedEvents() {
        return processed;
    }

    public int pendingEvents() {
        return queue.size();
    }

    public EventLog log() {
        return log;
    }

    public void setLog(EventLog log) {
        this.log = log;
    }

    /** Sets (or, with null, removes) the one listener told when the clock moves. */
    public void setClockListener(ClockListener listener) {
        this.clock = listener;
    }

    /** Registers a resource; ids are unique. */
    public SharedResource register(SharedResource r) {
        if (resources.putIfAbsent(r.id(), r) != null) {
            throw new IllegalStateException("resource registered twice: " + r.id());
        }
        r.registered = true;
        return r;
    }

    public void unregister(SharedResource r) {
        if (r.size() > 0) {
            throw new IllegalStateException("resource still busy: " + r.id());
        }
        resources.remove(r.id());
        r.registered = false;
    }

    public SharedResource resource(String id) {
        return resources.get(id);
    }

    /** Schedules {@code event} at absolute lab time {@code time} (not before now). */
    public void at(long time, int priority, SimEvent event) {
        if (time < now) {
            throw new IllegalArgumentException("cannot schedule in the past: " + time + " < " + now);
        }
        queue.add(time, priority, nextSeq++, event);
    }

    /** Schedules {@code event} {@code delay} ns from now. */
    public void after(long delay, int priority, SimEvent event) {
        at(Math.addExact(now, delay), priority, event);
    }

    /** Starts an activity on its resource now. */
    public void start(Activity a) {
        a.resource.add(a, now);
        markDirty(a.resource);
        settleOutsideRun();
    }

    /** Withdraws an activity before it completes (its machine was powered off, say). */
    public void cancel(Activity a) {
        if (a.active()) {
            a.resource.remove(a, now);
            markDirty(a.resource);
            settleOutsideRun();
        }
    }

    /**
     * A change made between runs (a command) settles at once, so the queue after a command is the same whether or not
     * the lab is saved and loaded before the next one.
     */
    private void settleOutsideRun() {
        if (!running) {
            settle();
        }
    }

    private void markDirty(SharedResource r) {
        if (!r.isDirty()) {
            r.markDirty();
        }
        if (!dirty.contains(r)) {
            dirty.add(r);
        }
    }

    /**
     * Processes events up to and including lab time {@code until}, then sets the clock to {@code until} (with
     * {@code idleToEnd} false, the clock stays at the last event when the queue runs dry before then: a wait that
     * nothing more can satisfy ends there). {@code done} is checked after each event. {@code cancel} is asked after
     * each event, saying whether the lab instant is complete; the clock listener asks it too (see
     * {@link ClockListener}). A run it stops between instants leaves the lab exactly as a run to the time reached would.
     */
    public RunEnd runUntil(long until, Dispatcher dispatcher, BooleanSupplier done, Cancel cancel,
            boolean idleToEnd) {
        running = true;
        try {
            return run(until, dispatcher, done, cancel, idleToEnd);
        } finally {
            running = false;
        }
    }

    private RunEnd run(long until, Dispatcher dispatcher, BooleanSupplier done, Cancel cancel, boolean idleToEnd) {
        settle();
        while (!queue.isEmpty() && queue.peekTime() <= until) {
            long next = queue.peekTime();
            if (cancel.stopHere(next > now) || (next > now && !moveClock(next))) {
                return RunEnd.CANCELLED;
            }
            SimEvent e = queue.poll();
            processed++;
            if (e instanceof ResourceTick tick) {
                onTick(tick);
            } else {
                if (log.enabled()) {
                    e.log(log, now);
                }
                dispatcher.dispatch(e);
            }
            settle();
            if (done.getAsBoolean()) {
                return RunEnd.DONE;
            }
        }
        if ((!queue.isEmpty() || idleToEnd) && until > now && (cancel.stopHere(true) || !moveClock(until))) {
            return RunEnd.CANCELLED;
        }
        return RunEnd.REACHED;
    }

    /** Moves the clock to {@code to}, the clock listener's work first; false when the listener stopped short. */
    private boolean moveClock(long to) {
        if (to > now && clock != null) {
            now = clock.advancing(now, to);
            return now == to;
        }
        now = to;
        return true;
    }

    /** Time of the next pending event, or {@code Long.MAX_VALUE}. */
    public long nextEventTime() {
        settle();
        return queue.isEmpty() ? Long.MAX_VALUE : queue.peekTime();
    }

    private void onTick(ResourceTick tick) {
        // the resource the tick was made for while it is registered (ids are unique among registered ones, so it is the
        // one its id finds); else, as for a saved tick, whatever its id finds now
        SharedResource r = tick.target() != null && tick.target().registered ? tick.target()
                : resources.get(tick.resource());
        if (r == null || r.epoch() != tick.epoch()) {
            return; // stale: shares changed since it was scheduled
        }
        List<Activity> done = r.takeFinished(now);
        markDirty(r);
        for (int i = 0; i < done.size(); i++) { // by index: no iterator object per tick
            Activity a = done.get(i);
            a.owner.activityDone(a, now);
        }
    }

    /** Recomputes the shares of every resource touched by the last event and schedules their next completions. */
    private void settle() {
        for (int i = 0; i < dirty.size(); i++) {
            SharedResource r = dirty.get(i);
            long next = r.reshare(now);
            if (next != Long.MAX_VALUE) {
                queue.add(next, PRIORITY_COMPLETION, nextSeq++, new ResourceTick(r.id(), r.epoch(), r));
            }
        }
        dirty.clear();
    }

    // ---- persistence support -------------------------------------------------------------------------------

    /** Every queued event in order, for saving. */
    public List<EventQueue.Entry> queuedEvents() {
        settle();
        return queue.entries();
    }

    public long nextSeq() {
        return nextSeq;
    }

    public Collection<SharedResource> resources() {
        return resources.values();
    }

    /** Restores the clock and queue of a saved lab; resources and their activities are restored by the model. */
    public void restore(long now, long nextSeq, long processed, List<EventQueue.Entry> events) {
        if (!queue.isEmpty()) {
            throw new IllegalStateException("restore into a fresh simulation only");
        }
        this.now = now;
        this.nextSeq = nextSeq;
        this.processed = processed;
        for (EventQueue.Entry e : events) {
            queue.add(e.time(), e.priority(), e.seq(), e.event());
        }
    }

    /** Restores a resource's activity (in saved order) without rescheduling: its tick is among the saved events. */
    public void restoreActivity(Activity a, double rate) {
        a.resource.add(a, a.resource.lastUpdate());
        a.rate = rate;
        a.resource.restoreClean();
    }

    /** Restores a resource's clock and epoch from a save. */
    public static void restoreResourceClock(SharedResource r, long lastUpdate, long epoch) {
        r.restoreClock(lastUpdate, epoch);
    }

    /** For saving: a resource's last update time and epoch. */
    public static long[] resourceClock(SharedResource r) {
        return new long[] {r.lastUpdate(), r.epoch()};
    }
}
