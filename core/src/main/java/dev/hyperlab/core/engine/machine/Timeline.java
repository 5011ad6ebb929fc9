package dev.hyperlab.core.engine.machine;

import dev.hyperlab.api.lab.BoundBy;
import java.util.AbstractList;
import java.util.Arrays;

/**
 * A machine's timeline, stored compactly: a storm keeps about ten rows for each of 100,000 VMs, which as one object
 * each (and a list of them) were the largest share of the objects every garbage collection copied. A row is a phase and
 * a step (shared strings), its start and end (-1 while it runs) and what bound it, in parallel arrays; {@link #get}
 * makes a {@link PhaseRecord} view of a row, whose {@code end} writes through. Rows are only ever added.
 */
public final class Timeline extends AbstractList<PhaseRecord> {
    private static final BoundBy[] BOUNDS = BoundBy.values();

    /** Phase and step of row i at 2i and 2i+1. */
    private String[] names;
    /** Start and end of row i at 2i and 2i+1. */
    private long[] times;
    private byte[] bounds;
    private int size;

    Timeline() {
        names = new String[20];
        times = new long[20];
        bounds = new byte[10];
    }

    @Override
    public int size() {
        return size;
    }

    /** A view of row {@code i}. */
    @Override
    public PhaseRecord get(int i) {
        java.util.Objects.checkIndex(i, size);
        return new PhaseRecord(this, i, names[2 * i], names[2 * i + 1], times[2 * i]);
    }

    /**
     * Adds a row with the values of {@code r}; a record made on its own (not a view of a timeline) becomes a view of
     * the new row, so that ending it later ends the row.
     */
    @Override
    public boolean add(PhaseRecord r) {
        int i = append(r.phase, r.step, r.start, r.end(), r.boundBy());
        r.bind(this, i);
        return true;
    }

    /** Appends a row and returns its index. */
    int append(String phase, String step, long start, long end, BoundBy boundBy) {
        if (size == bounds.length) {
            int capacity = size + (size >> 1) + 1;
            names = Arrays.copyOf(names, 2 * capacity);
            times = Arrays.copyOf(times, 2 * capacity);
            bounds = Arrays.copyOf(bounds, capacity);
        }
        int i = size++;
        names[2 * i] = phase;
        names[2 * i + 1] = step;
        times[2 * i] = start;
        times[2 * i + 1] = end;
        bounds[i] = (byte) boundBy.ordinal();
        modCount++;
        return i;
    }

    /** The index of {@code o} when it is a view of a row of this timeline, else -1. */
    @Override
    public int indexOf(Object o) {
        return o instanceof PhaseRecord r ? r.rowIn(this) : -1;
    }

    @Override
    public int lastIndexOf(Object o) {
        return indexOf(o);
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    long end(int i) {
        return times[2 * i + 1];
    }

    BoundBy boundBy(int i) {
        return BOUNDS[bounds[i]];
    }

    /** Ends row {@code i} at lab time {@code at}, bound by {@code bound}. */
    void end(int i, long at, BoundBy bound) {
        times[2 * i + 1] = at;
        bounds[i] = (byte) bound.ordinal();
    }

    /** Ends row {@code i} at lab time {@code at}, bound by what bound it so far. */
    void end(int i, long at) {
        times[2 * i + 1] = at;
    }
}
