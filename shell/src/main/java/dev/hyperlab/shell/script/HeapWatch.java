package dev.hyperlab.shell.script;

import dev.hyperlab.api.lab.Sizes;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Optional;

/**
 * Watches what a running script (or snippet) keeps on the JVM's heap: how much more survives a garbage collection
 * than when it started. That, not what it allocates, is what makes the heap, and with it the process's resident
 * memory, grow: a script may churn through gigabytes of short-lived objects in a small heap, while one that keeps
 * 200 typed arrays needs a heap that holds them all. The growth counts what the script holds, the labs it forks and
 * what it makes the lab keep; it is the JVM's, since one script runs at a time.
 *
 * <p>GraalJS's own heap limit ({@code sandbox.MaxHeapMemory}) needs Truffle's enterprise extensions, which run on
 * Oracle GraalVM or the Oracle JDK only; the community js-language on a stock JDK refuses the option. So the watch is
 * done here, sampled: the heap's old generation (the young generation's eden holds mostly garbage, and is left out)
 * is read at each sample; when it has grown past the budget, a full collection tells what really survives, and only
 * that stops the script. A full collection runs at most once per quarter of the budget that the old generation
 * gains, so a script that makes much garbage and keeps little does not pay for it.
 *
 * <p>Besides the script's own budget, the heap as a whole must keep room: a script that would fill it past
 * {@link #CEILING_FRACTION} of what it can hold ({@link #capacity()}) is stopped too, whatever its budget, as what earlier {@code js} lines
 * hold adds up there (and stopping before the JVM runs out is what keeps the rest of the shell working).
 */
public final class HeapWatch {
    /** How full the heap may get, of its maximum, while a script runs. */
    static final double CEILING_FRACTION = 0.85;

    private static final String LARGER_HEAP = "HYPERLAB_JAVA_OPTS=-XmxSIZE gives the shell a larger heap";
    private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

    private final long budget;
    private final long ceiling;
    private final List<MemoryPoolMXBean> eden;
    private final long baseline;
    private long lastLive;
    private final String outOfMemory;

    /** Starts watching; {@code budget} in bytes (0: only the heap's own ceiling). */
    HeapWatch(long budget) {
        this.budget = budget;
        this.ceiling = ceiling();
        this.eden = edenPools();
        this.baseline = held();
        this.lastLive = baseline;
        this.outOfMemory = outOfMemory(); // made now: when it is needed, the heap may have no room left for it
    }

    /**
     * Why the script must stop, when the heap has grown past its budget or the heap's ceiling, as a full collection
     * confirms; empty while it has not.
     */
    Optional<String> check() {
        long held = held();
        if (!over(held) || held - lastLive < step()) {
            return Optional.empty();
        }
        System.gc();
        lastLive = MEMORY.getHeapMemoryUsage().getUsed(); // after a full collection: what lives
        if (budget > 0 && lastLive - baseline > budget) {
            return Optional.of(overBudget(budget));
        }
        if (lastLive > ceiling) {
            return Optional.of(heapFull(lastLive));
        }
        return Optional.empty();
    }

    /** The error to give when the heap ran out under the watch itself. */
    String outOfMemoryMessage() {
        return outOfMemory;
    }

    /**
     * What the heap can hold of what survives collections: the capacity of its pools but eden (the old generation's,
     * with the serial collector about two thirds of the maximum heap), at most the maximum heap.
     */
    static long capacity() {
        long max = Runtime.getRuntime().maxMemory();
        long sum = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP && !p.getName().contains("Eden")) {
                long m = p.getUsage().getMax();
                if (m < 0) {
                    return max; // a pool with no bound of its own (G1's, ZGC's): the heap's is the one
                }
                sum += m;
            }
        }
        return sum == 0 ? max : Math.min(sum, max);
    }

    /** How full the heap's capacity may get while a script runs. */
    static long ceiling() {
        return (long) (capacity() * CEILING_FRACTION);
    }

    private static List<MemoryPoolMXBean> edenPools() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP && p.isValid() && p.getName().contains("Eden"))
                .toList();
    }

    private boolean over(long held) {
        return budget > 0 && held - baseline > budget || held > ceiling;
    }

    /** How much the old generation must gain after a collection before the next one is worth it. */
    private long step() {
        return Math.max(1, (budget > 0 ? Math.min(budget, ceiling) : ceiling) / 4);
    }

    /** The heap in use but for eden: what has survived at least one collection, and garbage not collected yet. */
    private long held() {
        long used = MEMORY.getHeapMemoryUsage().getUsed();
        for (MemoryPoolMXBean p : eden) {
            used -= p.getUsage().getUsed();
        }
        return used;
    }

    /** The error when the script kept more than its budget. */
    static String overBudget(long budget) {
        return "memory limit of " + Sizes.format(budget) + " reached (--memory-limit raises it)";
    }

    /** The error when the heap as a whole is (nearly) full: {@code live} bytes of it in use. */
    private static String heapFull(long live) {
        return "memory limit reached: the shell's heap holds " + Sizes.format(live) + " of the "
                + Sizes.format(capacity()) + " it can keep (" + LARGER_HEAP + ")";
    }

    /** The error when the heap could not hold what the script allocated ({@link OutOfMemoryError}). */
    public static String outOfMemory() {
        return "memory limit reached: the shell's heap of " + Sizes.format(Runtime.getRuntime().maxMemory())
                + " cannot hold what it allocated (" + LARGER_HEAP + ")";
    }
}
