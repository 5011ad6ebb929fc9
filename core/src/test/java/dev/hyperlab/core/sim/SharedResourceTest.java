package dev.hyperlab.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The slowdowns of work on a host's cores (docs/calibration.md section 6.1): the co-runner and time-slicing terms
 * divide each activity's cap, and beyond the slots the time-slicing term also shrinks the capacity the fair shares
 * divide, so that it holds whether the caps or the shares bind; it counts task switches per slot, which stop growing
 * at the scheduler's most switches per period.
 */
class SharedResourceTest {
    static final double O = 0.075;
    static final double MAX = 8;

    /** The rates of {@code n} activities of cap 1 on a resource of {@code slots} slots of capacity 1 each. */
    static List<Double> rates(int slots, double corunner, int n) {
        SharedResource r = new SharedResource("cpu", slots, corunner, slots, O, MAX);
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
    void aDoneActivityReusedRunsAsANewOneWouldAndIsCheckedAsOne() {
        SharedResource r = new SharedResource("cpu", 2, 0.05, 2, O, MAX);
        Activity a = new Activity(r, (activity, now) -> { }, 3, 10, 1, 1);
        r.add(a, 0);
        r.reshare(0);
        assertThatThrownBy(() -> a.reuse(5, 1, 1, 0)).isInstanceOf(IllegalStateException.class); // still running
        r.takeFinished(20_000_000_000L); // 10 units at 1 / 1.05 a second: done by 20 s
        assertThat(a.active()).isFalse();
        assertThatThrownBy(() -> a.reuse(0, 1, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> a.reuse(5, 1, 1, -1)).isInstanceOf(IllegalArgumentException.class);
        SharedResource twin = new SharedResource("cpu", 2, 0.05, 2, O, MAX);
        Activity fresh = new Activity(twin, (activity, now) -> { }, 3, 5, 0.5, 2, 0.25);
        assertThat(a.reuse(5, 0.5, 2, 0.25)).isSameAs(a);
        r.add(a, 20_000_000_000L);
        r.reshare(20_000_000_000L);
        twin.add(fresh, 20_000_000_000L);
        twin.reshare(20_000_000_000L);
        assertThat(List.of(a.remaining(), a.cap(), a.weight(), a.floor(), a.rate(), (double) a.tag()))
                .isEqualTo(List.of(fresh.remaining(), fresh.cap(), fresh.weight(), fresh.floor(), fresh.rate(),
                        (double) fresh.tag()));
        assertThat(a.isSteady()).isFalse();
    }

    @Test
    void switchesPerPeriodCountEachSlotsRunnableActivitiesAndSaturate() {
        assertThat(SharedResource.switchesPerPeriod(4, 4, MAX)).isZero();
        assertThat(SharedResource.switchesPerPeriod(5, 4, MAX)).isEqualTo(0.5); // one core of 4 runs 2: 2 switches
        assertThat(SharedResource.switchesPerPeriod(6, 4, MAX)).isEqualTo(1.0);
        assertThat(SharedResource.switchesPerPeriod(8, 4, MAX)).isEqualTo(2.0); // every core runs 2
        assertThat(SharedResource.switchesPerPeriod(10, 4, MAX)).isEqualTo(2.5); // 2 cores run 3, 2 run 2: 10 / 4
        assertThat(SharedResource.switchesPerPeriod(32, 4, MAX)).isEqualTo(8.0);
        assertThat(SharedResource.switchesPerPeriod(2500, 256, MAX)).isEqualTo(8.0); // saturated: 9.8 per core
        assertThat(SharedResource.switchesPerPeriod(1_000_000, 1, MAX)).isEqualTo(8.0);
        // the same per core whatever the host's size: 2,244 VMs beyond 256 cores switch no more than 9 beyond 1
        assertThat(SharedResource.switchesPerPeriod(2500, 256, MAX)).isEqualTo(SharedResource.switchesPerPeriod(10, 1,
                MAX));
    }

    @Test
    void withinTheSlotsEachActivityRunsAtItsCapOverTheCorunnerSlowdown() {
        assertThat(rates(2, 0.05, 2)).allSatisfy(rate -> assertThat(rate).isCloseTo(1 / 1.05, within(1e-12)));
    }

    @Test
    void beyondTheSlotsTheTimeSlicedCapacityShrinksWhereTheSharesBind() {
        // 4 on 2 slots (TCG guests on a 2-core machine): 2 switches per period on each slot; the caps, 1 / (1 + 0.05 ×
        // 3 + O × 2) = 0.77, are above the fair share, which is of the capacity less what time-slicing costs
        assertThat(rates(2, 0.05, 4)).allSatisfy(rate -> assertThat(rate).isCloseTo(2 / (1 + O * 2) / 4, within(1e-12)));
    }

    @Test
    void beyondTheSlotsWhereTheCapsBindTheyAloneSetTheRate() {
        // 6 on 4 slots with the NCU hosts' co-runner slowdown (0.485 over 3 cores): 1 switch per period on each
        // slot; the caps, 1 / 1.88, sum to 3.19, under the time-sliced capacity 4 / (1 + O) = 3.72, so the rates are
        // the caps
        double interference = 1 + 0.485 / 3 * 5 + O * 1;
        assertThat(rates(4, 0.485 / 3, 6)).allSatisfy(rate -> assertThat(rate).isCloseTo(1 / interference,
                within(1e-12)));
    }

    @Test
    void farBeyondTheSlotsTheCapacityLosesAtMostTheSaturatedSlowdown() {
        // 2,500 on 256 slots: the fair share of the capacity less at most 1 + O × 8, not 1 + O × 2,244
        assertThat(rates(256, 0, 2500)).allSatisfy(rate -> assertThat(rate).isCloseTo(256 / (1 + O * MAX) / 2500,
                within(1e-12)));
    }
}
