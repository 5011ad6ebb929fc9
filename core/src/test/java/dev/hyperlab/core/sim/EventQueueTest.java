package dev.hyperlab.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The queue hands events out in (time, priority, sequence) order however they tie and interleave: events of one instant
 * scheduled in step (a storm's timers), instants and priorities mixed, sequences that arrive out of order (a saved
 * lab's), and adds between takes.
 */
class EventQueueTest {
    record Ev(long time, int priority, long seq) implements SimEvent {
        @Override
        public String describe() {
            return "ev " + time + " " + priority + " " + seq;
        }
    }

    static final Comparator<Ev> ORDER = Comparator.comparingLong(Ev::time).thenComparingInt(Ev::priority)
            .thenComparingLong(Ev::seq);

    /** Adds and takes at random (seeded), checking each take against the smallest of what is left. */
    static void check(long seed, int times, int ops, boolean risingSeq) {
        Random rnd = new Random(seed);
        EventQueue q = new EventQueue();
        PriorityQueue<Ev> left = new PriorityQueue<>(ORDER);
        long nextSeq = 0;
        long now = 0;
        for (int op = 0; op < ops; op++) {
            if (left.isEmpty() || rnd.nextInt(3) > 0) {
                long seq = risingSeq ? nextSeq++ : rnd.nextLong(1L << 40);
                Ev e = new Ev(now + rnd.nextInt(times), rnd.nextInt(3), seq);
                q.add(e.time(), e.priority(), e.seq(), e);
                left.add(e);
            } else {
                Ev want = left.poll();
                assertThat(q.peekTime()).isEqualTo(want.time());
                assertThat(q.poll()).isSameAs(want);
                now = want.time();
            }
            assertThat(q.size()).isEqualTo(left.size());
            if (op % 500 == 0) {
                List<Ev> sorted = new ArrayList<>(left);
                sorted.sort(ORDER);
                assertThat(q.entries()).extracting(EventQueue.Entry::event).containsExactlyElementsOf(sorted);
            }
        }
        while (!left.isEmpty()) {
            assertThat(q.poll()).isSameAs(left.poll());
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void manyTiesInRisingSequenceComeOutInOrder() {
        check(1, 3, 20_000, true);
    }

    @Test
    void spreadTimesComeOutInOrder() {
        check(2, 1_000_000, 20_000, true);
    }

    @Test
    void sequencesOutOfOrderComeOutInOrder() {
        check(3, 2, 20_000, false);
        check(4, 50, 20_000, false);
    }

    @Test
    void aStormOfOneInstantIsFirstInFirstOut() {
        EventQueue q = new EventQueue();
        List<Ev> all = new ArrayList<>();
        for (int i = 0; i < 100_000; i++) {
            Ev e = new Ev(i % 2 == 0 ? 5 : 7, i % 3 == 0 ? 1 : 0, i);
            q.add(e.time(), e.priority(), e.seq(), e);
            all.add(e);
        }
        all.sort(ORDER);
        for (Ev want : all) {
            assertThat(q.poll()).isSameAs(want);
        }
        assertThat(q.isEmpty()).isTrue();
    }

    @Test
    void refusesBadKeys() {
        EventQueue q = new EventQueue();
        Ev e = new Ev(0, 0, 0);
        assertThatThrownBy(() -> q.add(0, 128, 0, e)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> q.add(0, 0, -1, e)).isInstanceOf(IllegalArgumentException.class);
        assertThat(q.isEmpty()).isTrue();
    }
}
