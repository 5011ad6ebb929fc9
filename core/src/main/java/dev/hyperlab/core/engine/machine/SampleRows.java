package dev.hyperlab.core.engine.machine;

import dev.hyperlab.core.engine.persist.SavedDoc;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A machine's memory samples: rows of five numbers (the time, then four figures), one per change, laid end to end in
 * one array. A boot storm keeps about four rows for each of its 100,000 VMs and twenty for each host: one array per
 * machine, where a list of {@code long[5]} rows was a list, its array and an object per row for the collector to copy.
 */
final class SampleRows {
    static final int WIDTH = 5;

    private long[] rows;
    private int count;

    /** Adds a row. */
    void add(long time, long a, long b, long c, long d) {
        if (rows == null) {
            rows = new long[2 * WIDTH]; // a storm's VMs keep two rows each
        } else if ((count + 1) * WIDTH > rows.length) {
            rows = Arrays.copyOf(rows, rows.length * 2);
        }
        int at = count++ * WIDTH;
        rows[at] = time;
        rows[at + 1] = a;
        rows[at + 2] = b;
        rows[at + 3] = c;
        rows[at + 4] = d;
    }

    /** Whether the last row holds these four figures (its time aside); false when there is none. */
    boolean lastIs(long a, long b, long c, long d) {
        if (count == 0) {
            return false;
        }
        int at = (count - 1) * WIDTH;
        return rows[at + 1] == a && rows[at + 2] == b && rows[at + 3] == c && rows[at + 4] == d;
    }

    /** Adds the rows of {@code other}, in their order. */
    void addAll(SampleRows other) {
        for (int i = 0; i < other.count; i++) {
            int at = i * WIDTH;
            long[] r = other.rows;
            add(r[at], r[at + 1], r[at + 2], r[at + 3], r[at + 4]);
        }
    }

    /** The rows as arrays (copies), oldest first. */
    List<long[]> list() {
        List<long[]> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(Arrays.copyOfRange(rows, i * WIDTH, i * WIDTH + WIDTH));
        }
        return out;
    }

    /** Writes the rows as the array of arrays {@code field}. */
    void save(com.fasterxml.jackson.core.JsonGenerator g, String field) throws IOException {
        SavedDoc.writeRows(g, field, list());
    }

    /** Adds the rows saved as {@code field} of {@code m}; a row of another width is refused. */
    void restore(Map<String, Object> m, String field) throws IOException {
        for (long[] r : SavedDoc.rows(m, field)) {
            if (r.length != WIDTH) {
                throw new IOException("saved lab: a memory sample has " + r.length + " numbers, not " + WIDTH);
            }
            add(r[0], r[1], r[2], r[3], r[4]);
        }
    }
}
