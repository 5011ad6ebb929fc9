package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.BoundBy;

/** One row of a machine's timeline; {@code end} is -1 while the step runs. Mutable only by the engine. */
public final class PhaseRecord {
    final String phase;
    final String step;
    final long start;
    long end = -1;
    BoundBy boundBy = BoundBy.FIXED;

    PhaseRecord(String phase, String step, long start) {
        this.phase = phase;
        this.step = step;
        this.start = start;
    }

    PhaseRecord(String phase, String step, long start, long end, BoundBy boundBy) {
        this(phase, step, start);
        this.end = end;
        this.boundBy = boundBy;
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
