package dev.hyperlab.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Shares between floors and caps: reservations first, the rest by weight, never over a cap or the capacity. */
class ReservedShareTest {
    private static double[] solve(double capacity, double[] caps, double[] weights, double[] floors) {
        int n = caps.length;
        double[] rates = new double[n];
        ReservedShare.solve(capacity, n, caps, weights, floors, rates, new int[n]);
        return rates;
    }

    @Test
    void withoutFloorsItIsTheFairShare() {
        double[] caps = {4, 1, 4, 2};
        double[] weights = {1, 1, 2, 1};
        double[] fair = new double[4];
        FairShare.solve(6, 4, caps, weights, fair, new int[4]);
        assertThat(solve(6, caps, weights, new double[4])).containsExactly(fair, within(1e-9));
    }

    @Test
    void aFloorLiftsItsActivityAndTheOthersShareTheRestByWeight() {
        // 4 GHz among five activities of 2.1 GHz cap; the first reserves 2.1 GHz (a whole core)
        double[] rates = solve(4, new double[] {2.1, 2.1, 2.1, 2.1, 2.1}, new double[] {1, 1, 1, 2, 2},
                new double[] {2.1, 0, 0, 0, 0});
        assertThat(rates[0]).isCloseTo(2.1, within(1e-9));
        assertThat(rates[1]).isCloseTo(1.9 / 6, within(1e-9));
        assertThat(rates[3]).isCloseTo(2 * 1.9 / 6, within(1e-9));
        assertThat(rates[0] + rates[1] + rates[2] + rates[3] + rates[4]).isCloseTo(4, within(1e-9));
    }

    @Test
    void aFloorAboveTheCapGivesTheCapAndFloorsBeyondTheCapacityAreScaledDown() {
        double[] rates = solve(3, new double[] {1, 3, 3}, new double[] {1, 1, 1}, new double[] {5, 0, 0});
        assertThat(rates[0]).isCloseTo(1, within(1e-9));
        assertThat(rates[1]).isCloseTo(1, within(1e-9));
        double[] over = solve(2, new double[] {2, 2}, new double[] {1, 1}, new double[] {2, 2});
        assertThat(over).containsExactly(new double[] {1, 1}, within(1e-9));
    }
}
