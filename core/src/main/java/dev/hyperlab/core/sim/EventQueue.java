package dev.hyperlab.core.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A binary min-heap of events ordered by (time, priority, sequence). The sequence number is the order of scheduling,
 * so ties are broken the same way every run: this is one of the pillars of determinism.
 *
 * <p>Parallel primitive arrays rather than entry objects: a boot storm of 100,000 VMs keeps a few hundred thousand
 * events in flight, and this avoids an allocation and a pointer chase per comparison.
 */
public final class EventQueue {
    private long[] times = new long[1024];
    private int[] priorities = new int[1024];
    private long[] seqs = new long[1024];
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
        if (size == times.length) {
            int n = size * 2;
            times = Arrays.copyOf(times, n);
            priorities = Arrays.copyOf(priorities, n);
            seqs = Arrays.copyOf(seqs, n);
            events = Arrays.copyOf(events, n);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, priority, seq, times[parent], priorities[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, priority, seq, event);
    }

    /** Time of the earliest event; only valid when not empty. */
    public long peekTime() {
        return times[0];
    }

    /** Removes and returns the earliest entry. */
    public Entry poll() {
        Entry top = new Entry(times[0], priorities[0], seqs[0], events[0]);
        int last = --size;
        long t = times[last];
        int p = priorities[last];
        long s = seqs[last];
        SimEvent e = events[last];
        events[last] = null;
        if (last > 0) {
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= last) {
                    break;
                }
                if (child + 1 < last && before(times[child + 1], priorities[child + 1], seqs[child + 1],
                        times[child], priorities[child], seqs[child])) {
                    child++;
                }
                if (!before(times[child], priorities[child], seqs[child], t, p, s)) {
                    break;
                }
                move(child, i);
                i = child;
            }
            set(i, t, p, s, e);
        }
        return top;
    }

    /** Every entry in queue order (for saving; the heap itself is not modified). */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            all.add(new Entry(times[i], priorities[i], seqs[i], events[i]));
        }
        all.sort((a, b) -> a.time != b.time ? Long.compare(a.time, b.time)
                : a.priority != b.priority ? Integer.compare(a.priority, b.priority) : Long.compare(a.seq, b.seq));
        return all;
    }

    private static boolean before(long t, int p, long s, long t2, int p2, long s2) {
        return t != t2 ? t < t2 : p != p2 ? p < p2 : s < s2;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        priorities[to] = priorities[from];
        seqs[to] = seqs[from];
        events[to] = events[from];
    }

    private void set(int i, long t, int p, long s, SimEvent e) {
        times[i] = t;
        priorities[i] = p;
        seqs[i] = s;
        events[i] = e;
    }
}
