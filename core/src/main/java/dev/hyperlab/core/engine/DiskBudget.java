package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * How much new disk space one advance may take in the lab's images before it is refused up front ({@code lab set
 * --disk-budget}): a size the user set, or by default ({@code auto}) half the space free on the lab's file system,
 * so that an advance never fills the disk and the rest of the machine keeps room. Saved with the lab.
 *
 * @param bytes the size set, or empty for {@code auto}
 */
record DiskBudget(OptionalLong bytes) {
    /** The default: half the free space. */
    static final DiskBudget AUTO = new DiskBudget(OptionalLong.empty());

    DiskBudget {
        if (bytes.isPresent() && bytes.getAsLong() < 0) {
            throw LabException.invalid("a disk budget cannot be negative", "give a size such as 20GiB, or auto");
        }
    }

    /** {@code auto}, or a size as people write it ({@code 20GiB}). */
    static DiskBudget parse(String text) {
        if (text == null || text.isBlank()) {
            throw LabException.invalid("no disk budget given", "give a size such as 20GiB, or auto");
        }
        if (text.strip().toLowerCase(Locale.ROOT).equals("auto")) {
            return AUTO;
        }
        return new DiskBudget(OptionalLong.of(Sizes.parse(text.strip())));
    }

    boolean auto() {
        return bytes.isEmpty();
    }

    /** The budget in bytes given the free space of the lab's file system. */
    long limit(long freeBytes) {
        return bytes.orElse(freeBytes / 2);
    }

    /** As the user sets it: {@code auto} or a size. */
    String setting() {
        return bytes.isEmpty() ? "auto" : Sizes.format(bytes.getAsLong()).replace(" ", "");
    }

    /**
     * Refuses an advance of {@code duration} whose guest writes could take more new disk space than this budget
     * allows with {@code freeBytes} free; the message says how much it would write and how to allow it.
     */
    void check(Duration duration, GuestIo.Estimate writes, long freeBytes) {
        long limit = limit(freeBytes);
        long needed = writes.space();
        if (needed <= limit) {
            return;
        }
        String budget = Sizes.format(limit) + (auto() ? " (half the " + Sizes.format(freeBytes) + " free)" : "");
        String hint = needed > freeBytes
                ? "the disk has " + Sizes.format(freeBytes) + " free: free some space, or advance less at a time"
                : "{setDiskBudget.budget} " + roundUp(needed) + " allows it, or advance less at a time";
        throw new LabException(LabException.Kind.INSUFFICIENT, "advance " + Durations.format(duration)
                + ": the guests would write " + Sizes.format(writes.written()) + ", taking up to "
                + Sizes.format(needed) + " more disk, over the lab's disk budget of " + budget, hint);
    }

    /** A budget size a little above {@code bytes}, as people write it: whole GiB (MiB below a GiB). */
    static String roundUp(long bytes) {
        if (bytes < Sizes.GiB) {
            return (bytes + Sizes.MiB - 1) / Sizes.MiB + "MiB";
        }
        return (bytes + Sizes.GiB - 1) / Sizes.GiB + "GiB";
    }
}
