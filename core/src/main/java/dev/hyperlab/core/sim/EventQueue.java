package dev.hyperlab.core.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A min-heap of events ordered by (time, priority, sequence). The sequence number is the order of scheduling, so ties
 * are broken the same way every run: this is one of the pillars of determinism.
 *
 * <p>Laid out for a boot storm, where a few hundred thousand events are in flight: a 4-ary heap (half the levels of a
 * binary one) whose two keys per entry, the time and {@code priority << 56 | sequence}, sit side by side in one
 * {@code long[]}, so a comparison touches one cache line instead of three arrays.
 */
public final class EventQueue {
    private static final int ARITY = 4;
    private static final int SEQ_BITS = 56;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;

    /** keys[2i] = time, keys[2i+1] = priority << 56 | seq. */
    private long[] keys = new long[2 * 1024];
    private SimEvent[] events = new SimEvent[1024];
    private int size;

    /** A queued event with its ordering key, as persisted. */
    public record Entry(long time, int priority, long seq, SimEvent event) {}

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public void add(long time, int priority, long seq, SimEvent event) {
        if (priority < 0 || priority > 127 || seq < 0 || seq > SEQ_MASK) {
            throw new IllegalArgumentException("priority 0..127 and sequence below 2^56 expected");
        }
        if (size == events.length) {
            events = Arrays.copyOf(events, size * 2);
            keys = Arrays.copyOf(keys, size * 4);
        }
        long order = ((long) priority << SEQ_BITS) | seq;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            long pt = keys[2 * parent];
            if (time > pt || (time == pt && order > keys[2 * parent + 1])) {
                break;
            }
            keys[2 * i] = pt;
            keys[2 * i + 1] = keys[2 * parent + 1];
            events[i] = events[parent];
            i = parent;
        }
        keys[2 * i] = time;
        keys[2 * i + 1] = order;
        events[i] = event;
    }

    /** Time of the earliest event; only valid when not empty. */
    public long peekTime() {
        return keys[0];
    }

    /** Removes and returns the earliest event; its time is {@link #peekTime()} before the call. */
    public SimEvent poll() {
        SimEvent top = events[0];
        int last = --size;
        long t = keys[2 * last];
        long o = keys[2 * last + 1];
        SimEvent e = events[last];
        events[last] = null;
        if (last > 0) {
            int i = 0;
            while (true) {
                int first = ARITY * i + 1;
                if (first >= last) {
                    break;
                }
                int best = first;
                long bt = keys[2 * first];
                long bo = keys[2 * first + 1];
                int end = Math.min(first + ARITY, last);
                for (int c = first + 1; c < end; c++) {
                    long ct = keys[2 * c];
                    if (ct < bt || (ct == bt && keys[2 * c + 1] < bo)) {
                        best = c;
                        bt = ct;
                        bo = keys[2 * c + 1];
                    }
                }
                if (t < bt || (t == bt && o < bo)) {
                    break;
                }
                keys[2 * i] = bt;
                keys[2 * i + 1] = bo;
                events[i] = events[best];
                i = best;
            }
            keys[2 * i] = t;
            keys[2 * i + 1] = o;
            events[i] = e;
        }
        return top;
    }

    /** Every entry in queue order (for saving; the heap itself is not modified). */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            long o = keys[2 * i + 1];
            all.add(new Entry(keys[2 * i], (int) (o >>> SEQ_BITS), o & SEQ_MASK, events[i]));
        }
        all.sort((a, b) -> a.time != b.time ? Long.compare(a.time, b.time)
                : a.priority != b.priority ? Integer.compare(a.priority, b.priority) : Long.compare(a.seq, b.seq));
        return all;
    }
}
