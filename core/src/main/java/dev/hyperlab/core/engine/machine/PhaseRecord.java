package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.BoundBy;

/**
 * One row of a machine's timeline; {@code end} is -1 while the step runs. Only its machine ends it. A record made on
 * its own holds its values until it is added to a {@link Timeline}; from then on (and for every record a timeline
 * hands out) it is a view of its row there.
 */
public final class PhaseRecord {
    public final String phase;
    public final String step;
    public final long start;
    private long end = -1;
    private BoundBy boundBy = BoundBy.FIXED;
    /** The timeline this is a view of, and its row there; null while on its own. */
    private Timeline owner;
    private int row;

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

    /** A view of row {@code row} of {@code owner}. */
    PhaseRecord(Timeline owner, int row, String phase, String step, long start) {
        this(phase, step, start);
        this.owner = owner;
        this.row = row;
    }

    /** A record on its own becomes a view of row {@code row} of {@code timeline}; a view stays what it is. */
    void bind(Timeline timeline, int at) {
        if (owner == null) {
            owner = timeline;
            row = at;
        }
    }

    /** Its row in {@code timeline}, or -1 when it is not a view of that timeline. */
    int rowIn(Timeline timeline) {
        return owner == timeline ? row : -1;
    }

    /** Ends the row at lab time {@code at}, bound by {@code bound}. */
    void end(long at, BoundBy bound) {
        if (owner != null) {
            owner.end(row, at, bound);
        } else {
            end = at;
            boundBy = bound;
        }
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
        return owner != null ? owner.end(row) : end;
    }

    public BoundBy boundBy() {
        return owner != null ? owner.boundBy(row) : boundBy;
    }
}
