package dev.hyperlab.core.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A capacity shared by max-min fairness among the activities on it: a host's cores, or one disk. Remaining work is
 * brought up to date lazily (only when the set of activities changes or one completes), and the resource keeps a
 * single pending completion event in the simulation, invalidated by an epoch counter when shares change. So a change
 * on one host recomputes that host's shares only.
 */
public final class SharedResource {
    /** Rates below this (work units per second) count as stalled rather than dividing by ~0. */
    private static final double MIN_RATE = 1e-12;

    private final String id;
    private final double capacity;
    /** How much each other activity on the resource slows every one of them (0: none; see the constructor). */
    private double corunnerSlowdown;
    /** Activities the resource runs side by side without time-slicing (a host's cores); beyond them, the slowdown below. */
    private final int slots;
    /** The slowdown each task switch per scheduling period on a slot adds to every activity (0: none; constructor). */
    private final double oversubscribedSlowdown;
    /** The most task switches per scheduling period a slot makes, however many activities queue on it. */
    private final double maxSwitches;
    private final List<Activity> active = new ArrayList<>();
    private long lastUpdate;
    private long epoch;
    private boolean dirty;
    /** Whether it is registered with its simulation (set by {@link Simulation#register}, cleared by unregister). */
    boolean registered;
    private double[] caps = new double[8];
    private double[] weights = new double[8];
    private double[] rates = new double[8];
    private double[] floors = new double[8];
    private int[] order = new int[8];

    /**
     * @param id unique id in the simulation, used by its completion events
     * @param capacity work units per second
     */
    public SharedResource(String id, double capacity) {
        this(id, capacity, 0);
    }

    /**
     * A resource whose activities also slow one another beyond sharing its capacity, as work on a host's cores does
     * through the memory bandwidth, caches and hypervisor threads they share: with {@code n} activities on it, none
     * runs faster than its cap divided by {@code 1 + corunnerSlowdown × (n − 1)}, however many cores are idle.
     *
     * @param id unique id in the simulation, used by its completion events
     * @param capacity work units per second
     * @param corunnerSlowdown the slowdown each other activity adds (0 for none)
     */
    public SharedResource(String id, double capacity, double corunnerSlowdown) {
        this(id, capacity, corunnerSlowdown, Integer.MAX_VALUE, 0, 1);
    }

    /**
     * As {@link #SharedResource(String, double, double)}, and besides, once the activities outnumber the {@code slots}
     * (a host's cores) they are time-sliced on them, and each task switch costs the slots: with {@code n} activities
     * on {@code slots} slots ({@code k = n / slots} per slot) a slot makes {@link #switchesPerPeriod} switches per
     * scheduling period, {@code min(2 (k − 1), k, maxSwitches)} (none at or under the slots; a slot with {@code j ≥ 2}
     * runnable switches {@code j} times a period until the slices reach the scheduler's minimum granularity, then no
     * more often). None runs faster than its cap divided by {@code 1 + corunnerSlowdown × (n − 1) +
     * oversubscribedSlowdown × switches}, and the capacity the fair shares divide is {@code capacity / (1 +
     * oversubscribedSlowdown × switches)}, so the slowdown holds where the shares bind as well as where the caps do,
     * and it stops growing once the slots switch as often as they can.
     *
     * @param slots activities that run side by side (a host's cores), at least 1
     * @param oversubscribedSlowdown the slowdown each switch per scheduling period on a slot adds (0 for none)
     * @param maxSwitches the most switches per scheduling period a slot makes (the scheduler's period over its
     *     minimum granularity), at least 1
     */
    public SharedResource(String id, double capacity, double corunnerSlowdown, int slots,
            double oversubscribedSlowdown, double maxSwitches) {
        if (slots < 1) {
            throw new IllegalArgumentException("slots must be >= 1: " + id);
        }
        if (!(oversubscribedSlowdown >= 0) || Double.isInfinite(oversubscribedSlowdown)) {
            throw new IllegalArgumentException("oversubscribed slowdown must be finite and >= 0: " + id);
        }
        if (!(maxSwitches >= 1) || Double.isInfinite(maxSwitches)) {
            throw new IllegalArgumentException("switches per period must be finite and >= 1: " + id);
        }
        this.maxSwitches = maxSwitches;
        this.slots = slots;
        this.oversubscribedSlowdown = oversubscribedSlowdown;
        if (!(capacity > 0)) {
            throw new IllegalArgumentException("capacity must be > 0: " + id);
        }
        if (!(corunnerSlowdown >= 0) || Double.isInfinite(corunnerSlowdown)) {
            throw new IllegalArgumentException("co-runner slowdown must be finite and >= 0: " + id);
        }
        this.id = id;
        this.capacity = capacity;
        this.corunnerSlowdown = corunnerSlowdown;
    }

    /**
     * Sets how much each other activity slows every one of them (a host made from a real machine's profile takes the
     * slowdown measured there), before any activity is added to it.
     */
    public void corunnerSlowdown(double slowdown) {
        if (!(slowdown >= 0) || Double.isInfinite(slowdown)) {
            throw new IllegalArgumentException("co-runner slowdown must be finite and >= 0: " + id);
        }
        if (!active.isEmpty()) {
            throw new IllegalStateException("co-runner slowdown set while activities run: " + id);
        }
        this.corunnerSlowdown = slowdown;
    }

    /** How much each other activity slows every one of them. */
    public double corunnerSlowdown() {
        return corunnerSlowdown;
    }

    public String id() {
        return id;
    }

    /**
     * Task switches per scheduling period each of {@code slots} slots makes, on average, with {@code n} activities
     * time-sliced on them: none while {@code n ≤ slots}; between {@code slots} and {@code 2 × slots}, {@code n − slots}
     * slots run 2 each and switch twice a period ({@code 2 (k − 1)} per slot, {@code k = n / slots}); beyond, every
     * slot runs {@code k} and switches {@code k} times, until the slices reach the minimum granularity at {@code k =
     * maxSwitches}, after which the period stretches instead (Linux CFS: {@code sched_latency / sched_min_granularity}
     * = 8).
     */
    public static double switchesPerPeriod(int n, int slots, double maxSwitches) {
        if (n <= slots) {
            return 0;
        }
        double k = (double) n / slots;
        return Math.min(Math.min(2 * (k - 1), k), maxSwitches);
    }

    public double capacity() {
        return capacity;
    }

    /** Activities in the order they were added (the order ties are broken in). */
    public List<Activity> activities() {
        return List.copyOf(active);
    }

    public int size() {
        return active.size();
    }

    /** Sum of the current rates divided by capacity. */
    public double utilisation() {
        double sum = 0;
        for (Activity a : active) {
            sum += a.rate;
        }
        return sum / capacity;
    }

    long epoch() {
        return epoch;
    }

    long lastUpdate() {
        return lastUpdate;
    }

    void restoreClock(long lastUpdate, long epoch) {
        this.lastUpdate = lastUpdate;
        this.epoch = epoch;
    }

    void restoreClean() {
        dirty = false;
    }

    boolean isDirty() {
        return dirty;
    }

    void markDirty() {
        dirty = true;
    }

    /** Brings every activity's remaining work up to {@code now}. */
    void advanceTo(long now) {
        if (now == lastUpdate) {
            return;
        }
        double dt = (now - lastUpdate) / 1e9;
        for (int i = 0; i < active.size(); i++) { // by index: no iterator object per tick
            Activity a = active.get(i);
            a.remaining -= a.rate * dt;
        }
        lastUpdate = now;
    }

    void add(Activity a, long now) {
        advanceTo(now);
        a.index = active.size();
        active.add(a);
        dirty = true;
    }

    void remove(Activity a, long now) {
        if (a.index < 0) {
            return;
        }
        advanceTo(now);
        active.remove(a.index);
        for (int i = a.index; i < active.size(); i++) {
            active.get(i).index = i;
        }
        a.index = -1;
        a.rate = 0;
        dirty = true;
    }

    /** Whether activity {@code a}'s work is done (within a nanosecond at its rate). */
    private static boolean finished(Activity a) {
        return a.remaining <= a.rate * 1e-9 || a.remaining <= 0;
    }

    /** Removes and returns the activities whose work is done at {@code now} (within a nanosecond), in order. */
    List<Activity> takeFinished(long now) {
        advanceTo(now);
        int finished = 0;
        for (int i = 0; i < active.size(); i++) {
            if (finished(active.get(i))) {
                finished++;
            }
        }
        if (finished == 0) {
            return List.of();
        }
        // sized once: a storm's VMs on a host finish their steps together (a list grown from two was 23 MB of garbage)
        List<Activity> done = new ArrayList<>(finished);
        int kept = 0;
        for (int i = 0; i < active.size(); i++) {
            Activity a = active.get(i);
            if (finished(a)) {
                done.add(a);
            } else {
                // the unfinished close up in place, in order (removeIf made a bit set and a lambda per tick)
                a.index = kept;
                active.set(kept++, a);
            }
        }
        active.subList(kept, active.size()).clear();
        for (int i = 0; i < done.size(); i++) {
            Activity a = done.get(i);
            a.index = -1;
            a.remaining = 0;
            a.rate = 0;
        }
        dirty = true;
        return done;
    }

    /**
     * Recomputes the shares and returns the lab time of the next completion, or {@code Long.MAX_VALUE} when nothing
     * runs. Bumps the epoch so that the previously scheduled completion event is recognised as stale.
     */
    long reshare(long now) {
        dirty = false;
        epoch++;
        int n = active.size();
        if (n == 0) {
            return Long.MAX_VALUE;
        }
        if (caps.length < n) {
            int m = Math.max(n, caps.length * 2);
            caps = Arrays.copyOf(caps, m);
            weights = Arrays.copyOf(weights, m);
            rates = Arrays.copyOf(rates, m);
            order = Arrays.copyOf(order, m);
            floors = Arrays.copyOf(floors, m);
        }
        // Beyond the slots the cores are time-sliced, and each switch costs the cores as much as it slows each
        // activity: the capacity shared out shrinks by it too, so the slowdown holds where the shares bind as well as
        // where the caps do (exact at or under the slots, where there are no switches)
        double slicing = oversubscribedSlowdown * switchesPerPeriod(n, slots, maxSwitches);
        double interference = 1 + corunnerSlowdown * (n - 1) + slicing;
        double shared = slicing > 0 ? capacity / (1 + slicing) : capacity;
        boolean reserved = false;
        for (int i = 0; i < n; i++) {
            Activity a = active.get(i);
            caps[i] = a.steady ? a.cap : a.cap / interference;
            weights[i] = a.weight;
            floors[i] = a.floor;
            reserved |= a.floor > 0;
        }
        if (reserved) {
            ReservedShare.solve(shared, n, caps, weights, floors, rates, order);
        } else {
            FairShare.solve(shared, n, caps, weights, rates, order); // no reservations: exactly as before them
        }
        long next = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            Activity a = active.get(i);
            a.rate = rates[i];
            if (a.rate > MIN_RATE) {
                double secs = Math.max(0, a.remaining) / a.rate;
                if (secs > 1e9) {
                    continue; // beyond ~30 years of lab time: effectively stalled
                }
                long t = now + (long) Math.ceil(secs * 1e9);
                if (t < next) {
                    next = t;
                }
            }
        }
        return next;
    }
}
