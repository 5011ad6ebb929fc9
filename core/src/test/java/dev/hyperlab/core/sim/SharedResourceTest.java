package dev.hyperlab.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slowdowns of work on a host's cores (docs/calibration.md section 6.1): the co-runner and oversubscribed terms
 * divide each activity's cap, and beyond the slots the oversubscribed term also shrinks the capacity the fair shares
 * divide, so that it holds whether the caps or the shares bind.
 */
class SharedResourceTest {
    static final double O = 0.0375;

    /** The rates of {@code n} activities of cap 1 on a resource of {@code slots} slots of capacity 1 each. */
    static List<Double> rates(int slots, double corunner, int n) {
        SharedResource r = new SharedResource("cpu", slots, corunner, slots, O);
        List<Activity> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Activity a = new Activity(r, (activity, now) -> { }, i, 10, 1, 1);
            r.add(a, 0);
            all.add(a);
        }
        r.reshare(0);
        return all.stream().map(Activity::rate).toList();
    }

    @Test
    void withinTheSlotsEachActivityRunsAtItsCapOverTheCorunnerSlowdown() {
        assertThat(rates(2, 0.05, 2)).allSatisfy(rate -> assertThat(rate).isCloseTo(1 / 1.05, within(1e-12)));
    }

    @Test
    void beyondTheSlotsTheTimeSlicedCapacityShrinksWhereTheSharesBind() {
        // 4 on 2 slots (TCG guests on a 2-core machine): the caps, 1 / (1 + 0.05 × 3 + O × 2) = 0.82, are above the
        // fair share, which is of the capacity less what time-slicing costs: 2 / (1 + O × 2) / 4
        assertThat(rates(2, 0.05, 4)).allSatisfy(rate -> assertThat(rate).isCloseTo(2 / (1 + O * 2) / 4, within(1e-12)));
    }

    @Test
    void beyondTheSlotsWhereTheCapsBindTheyAloneSetTheRate() {
        // 6 on 4 slots with the NCU hosts' co-runner slowdown (0.485 over 3 cores): the caps, 1 / 1.88, sum to 3.19,
        // under the time-sliced capacity 4 / (1 + O × 2) = 3.72, so the rates are the caps as before the capacity term
        double interference = 1 + 0.485 / 3 * 5 + O * 2;
        assertThat(rates(4, 0.485 / 3, 6)).allSatisfy(rate -> assertThat(rate).isCloseTo(1 / interference,
                within(1e-12)));
    }
}
