package dev.hyperlab.core.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Events ordered by (time, priority, sequence). The sequence number is the order of scheduling, so ties are broken the
 * same way every run: this is one of the pillars of determinism.
 *
 * <p>Laid out for a boot storm, where a few hundred thousand events are in flight and nearly all of them tie: VMs that
 * boot in step set their timers for the same instants (240,000 timers of the 10,000-host storm fall on 6 instants). Events
 * are kept in runs: a run holds events of one time and priority in rising sequence, first in first out, and a 4-ary
 * min-heap orders the runs by (time, priority, sequence of their first event). An event scheduled at the time and
 * priority of a run it follows in sequence joins that run (found in a small table by its time and priority, which holds
 * the run last started for that key; a collision only starts another run); any other starts a run of its own. Two runs of the same time and priority are merged by the heap, which orders them by their first
 * events. So a tied event costs an append and a take at the front (the run at the top stays there until a run of the
 * same instant and an earlier sequence is due), where one entry per event sifted through about nine levels of ties.
 * Empty runs are kept for reuse: adding and taking events allocates nothing once the runs have grown.
 */
public final class EventQueue {
    private static final int ARITY = 4;
    private static final int SEQ_BITS = 56;
    private static final long SEQ_MASK = (1L << SEQ_BITS) - 1;
    /** Slots of the table of runs by (time, priority): a power of two. */
    private static final int SLOTS = 256;

    /** Events of one time and priority in rising sequence: {@code seqs[head..tail)}, {@code events[head..tail)}. */
    private static final class Run {
        long time;
        int priority;
        /** priority << 56 | the sequence of its first event: the heap's second key. */
        long order;
        long[] seqs = new long[8];
        /** Object[]: a store into an array of an interface type checks the stored class each time. */
        Object[] events = new Object[8];
        int head;
        int tail;
        /** Whether it is in the heap (holds events). */
        boolean queued;

        void append(long seq, Object event) {
            if (tail == seqs.length) {
                int live = tail - head;
                if (head > 0 && live <= seqs.length / 2) {
                    System.arraycopy(seqs, head, seqs, 0, live);
                    System.arraycopy(events, head, events, 0, live);
                    Arrays.fill(events, live, tail, null);
                } else {
                    seqs = Arrays.copyOfRange(seqs, head, head + 2 * seqs.length);
                    events = Arrays.copyOfRange(events, head, head + 2 * events.length);
                }
                head = 0;
                tail = live;
            }
            seqs[tail] = seq;
            events[tail] = event;
            tail++;
        }
    }

    private Run[] heap = new Run[64];
    private int runs;
    private int size;
    /** The run last started for a (time, priority) hashed to each slot; a slot may hold a run no longer queued. */
    private final Run[] byKey = new Run[SLOTS];
    private final ArrayDeque<Run> spare = new ArrayDeque<>();

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
        int slot = (int) ((time * 0x9E3779B97F4A7C15L + priority) >>> 56) & (SLOTS - 1);
        Run r = byKey[slot];
        if (r != null && r.queued && r.time == time && r.priority == priority && r.seqs[r.tail - 1] < seq) {
            r.append(seq, event); // its first event is unchanged: so is its place in the heap
            size++;
            return;
        }
        r = spare.isEmpty() ? new Run() : spare.pop();
        r.time = time;
        r.priority = priority;
        r.head = 0;
        r.tail = 0;
        r.append(seq, event);
        r.order = ((long) priority << SEQ_BITS) | seq;
        r.queued = true;
        byKey[slot] = r;
        if (runs == heap.length) {
            heap = Arrays.copyOf(heap, runs * 2);
        }
        siftUp(runs++, r);
        size++;
    }

    /** Time of the earliest event; only valid when not empty. */
    public long peekTime() {
        return heap[0].time;
    }

    /** Removes and returns the earliest event; its time is {@link #peekTime()} before the call. */
    public SimEvent poll() {
        Run top = heap[0];
        Object e = top.events[top.head];
        top.events[top.head] = null;
        top.head++;
        size--;
        if (top.head < top.tail) {
            // the run's next event is later in sequence: it sinks below a run of the same instant that comes first
            top.order = ((long) top.priority << SEQ_BITS) | top.seqs[top.head];
            siftDown(0, top);
        } else {
            top.queued = false;
            spare.push(top);
            Run last = heap[--runs];
            heap[runs] = null;
            if (runs > 0) {
                siftDown(0, last);
            }
        }
        return (SimEvent) e;
    }

    private static boolean before(Run a, Run b) {
        return a.time < b.time || (a.time == b.time && a.order < b.order);
    }

    private void siftUp(int i, Run r) {
        while (i > 0) {
            int parent = (i - 1) / ARITY;
            Run p = heap[parent];
            if (!before(r, p)) {
                break;
            }
            heap[i] = p;
            i = parent;
        }
        heap[i] = r;
    }

    private void siftDown(int i, Run r) {
        while (true) {
            int first = ARITY * i + 1;
            if (first >= runs) {
                break;
            }
            int best = first;
            int end = Math.min(first + ARITY, runs);
            for (int c = first + 1; c < end; c++) {
                if (before(heap[c], heap[best])) {
                    best = c;
                }
            }
            if (!before(heap[best], r)) {
                break;
            }
            heap[i] = heap[best];
            i = best;
        }
        heap[i] = r;
    }

    /** Every entry in queue order (for saving; the queue itself is not modified). */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>(size);
        for (int i = 0; i < runs; i++) {
            Run r = heap[i];
            for (int j = r.head; j < r.tail; j++) {
                all.add(new Entry(r.time, r.priority, r.seqs[j], (SimEvent) r.events[j]));
            }
        }
        all.sort((a, b) -> a.time != b.time ? Long.compare(a.time, b.time)
                : a.priority != b.priority ? Integer.compare(a.priority, b.priority) : Long.compare(a.seq, b.seq));
        return all;
    }
}
