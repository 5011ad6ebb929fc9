package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.BoundBy;

/** One row of a machine's timeline; {@code end} is -1 while the step runs. Only its machine ends it. */
public final class PhaseRecord {
    public final String phase;
    public final String step;
    public final long start;
    private long end = -1;
    private BoundBy boundBy = BoundBy.FIXED;

    public PhaseRecord(String phase, String step, long start) {
        this.phase = phase;
        this.step = step;
        this.start = start;
    }

    public PhaseRecord(String phase, String step, long start, long end, BoundBy boundBy) {
        this(phase, step, start);
        this.end = end;
        this.boundBy = boundBy;
    }

    /** Ends the row at lab time {@code at}, bound by {@code bound}. */
    void end(long at, BoundBy bound) {
        end = at;
        boundBy = bound;
    }

    /** Ends the row at lab time {@code at}, bound by what bound it so far. */
    void end(long at) {
        end = at;
    }

    public String phase() {
        return phase;
    }

    public String step() {
        return step;
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    public BoundBy boundBy() {
        return boundBy;
    }
}
