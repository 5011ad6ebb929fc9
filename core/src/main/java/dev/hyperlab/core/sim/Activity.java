package dev.hyperlab.core.sim;

/**
 * Work in progress on a {@link SharedResource}: a remaining amount (gigacycles for CPU, device-seconds for a disk),
 * a cap on the rate it can use (a single-threaded step cannot use two cores) and a weight for fair sharing.
 */
public final class Activity {
    final SharedResource resource;
    final ActivityOwner owner;
    final int tag;
    double remaining;
    double cap;
    double weight;
    /** The rate it gets whenever it runs, however contended the resource (a reservation); 0 for none. */
    double floor;
    double rate;
    int index = -1;
    /**
     * A steady demand (a running guest's workload) rather than a piece of work: the co-runner slowdown of its resource
     * does not cap it, so what it is not given is time it waited for the resource (CPU ready), not a slower run.
     */
    boolean steady;

    /**
     * @param resource where it runs
     * @param owner told when done
     * @param tag the owner's label for this activity (which part of a step)
     * @param work amount of work, greater than 0
     * @param cap highest rate it can use, greater than 0
     * @param weight share weight, greater than 0
     */
    public Activity(SharedResource resource, ActivityOwner owner, int tag, double work, double cap, double weight) {
        this(resource, owner, tag, work, cap, weight, 0);
    }

    /**
     * As {@link #Activity(SharedResource, ActivityOwner, int, double, double, double)}, with a reserved rate: the
     * resource gives it {@code min(floor, cap)} before it shares the rest by weight ({@link ReservedShare}).
     *
     * @param floor reserved rate, 0 or more
     */
    public Activity(SharedResource resource, ActivityOwner owner, int tag, double work, double cap, double weight,
            double floor) {
        check(work, cap, weight, floor);
        this.floor = floor;
        this.resource = resource;
        this.owner = owner;
        this.tag = tag;
        this.remaining = work;
        this.cap = cap;
        this.weight = weight;
    }

    private static void check(double work, double cap, double weight, double floor) {
        if (!(work > 0) || !(cap > 0) || !(weight > 0)) {
            throw new IllegalArgumentException("activity needs work, cap and weight > 0");
        }
        if (!(floor >= 0) || Double.isInfinite(floor)) {
            throw new IllegalArgumentException("an activity's reserved rate must be finite and >= 0");
        }
    }

    /**
     * This activity, done (off its resource), as a new one on the same resource, for the same owner and tag, with
     * {@code work}, {@code cap}, {@code weight} and {@code floor} checked as the constructor checks them. A storm's
     * boot steps started a million activities, each garbage once its part was done.
     */
    public Activity reuse(double work, double cap, double weight, double floor) {
        check(work, cap, weight, floor);
        if (index >= 0) {
            throw new IllegalStateException("activity still running");
        }
        this.remaining = work;
        this.cap = cap;
        this.weight = weight;
        this.floor = floor;
        this.rate = 0;
        this.steady = false;
        return this;
    }

    public SharedResource resource() {
        return resource;
    }

    public ActivityOwner owner() {
        return owner;
    }

    public int tag() {
        return tag;
    }

    /** Work left as of the resource's last update. */
    public double remaining() {
        return remaining;
    }

    public double cap() {
        return cap;
    }

    public double weight() {
        return weight;
    }

    /** Its reserved rate, 0 for none. */
    public double floor() {
        return floor;
    }

    /** Current rate (work units per second). */
    public double rate() {
        return rate;
    }

    public boolean active() {
        return index >= 0;
    }

    /** Marks this activity a steady demand (see {@link #steady}); before it starts. */
    public Activity asSteady() {
        steady = true;
        return this;
    }

    public boolean isSteady() {
        return steady;
    }

    /** Restores the remaining work of a loaded lab; only before it is added to its resource. */
    public void restoreRemaining(double work) {
        if (index >= 0) {
            throw new IllegalStateException("activity already running");
        }
        this.remaining = work;
    }
}
