package dev.hyperlab.core.sim;

/**
 * Fair sharing with reservations, as vSphere's CPU scheduler divides a host among VMs with shares, reservations and
 * limits ("Reservation ... guaranteed minimum allocation", "Limit ... upper bound", shares for what lies between): each
 * activity gets {@code clamp(λ × weight, min(floor, cap), cap)} for the one λ at which the rates add up to the
 * capacity. Without floors this is {@link FairShare}'s water-filling; an activity's floor lifts it above its weighted
 * share when the share is smaller, and the others share what is left by weight. If the floors alone exceed the capacity
 * (admission control is to prevent it) they are scaled down in proportion, so the resource is never over-committed.
 */
public final class ReservedShare {
    private ReservedShare() {}

    /**
     * Computes rates. Arrays are indexed by activity; λ is found by bisection over a fixed number of rounds, so the
     * result depends on the inputs alone.
     *
     * @param capacity total rate the resource delivers
     * @param n number of activities
     * @param caps the most each activity can use (positive)
     * @param weights each activity's share weight (positive)
     * @param floors each activity's reserved rate (0 or more)
     * @param rates output
     * @param order scratch, unused (kept for the same shape as {@link FairShare#solve})
     */
    public static void solve(double capacity, int n, double[] caps, double[] weights, double[] floors, double[] rates,
            int[] order) {
        double sumCaps = 0;
        double sumFloors = 0;
        for (int i = 0; i < n; i++) {
            sumCaps += caps[i];
            sumFloors += Math.min(floors[i], caps[i]);
        }
        if (sumCaps <= capacity) {
            System.arraycopy(caps, 0, rates, 0, n);
            return;
        }
        if (sumFloors >= capacity) {
            for (int i = 0; i < n; i++) {
                rates[i] = Math.min(floors[i], caps[i]) * capacity / sumFloors;
            }
            return;
        }
        // f(λ) = Σ clamp(λ w, lo, cap) grows with λ; find f(λ) = capacity between the breakpoints lo/w and cap/w
        double lo = 0;
        double hi = 0;
        for (int i = 0; i < n; i++) {
            hi = Math.max(hi, caps[i] / weights[i]);
        }
        // bisection over a fixed number of rounds: deterministic, and far below a nanosecond of lab time in error
        for (int round = 0; round < 200 && lo < hi; round++) {
            double mid = (lo + hi) / 2;
            if (mid == lo || mid == hi) {
                break;
            }
            if (total(mid, n, caps, weights, floors) < capacity) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            rates[i] = rate(lo, caps[i], weights[i], floors[i]);
            sum += rates[i];
        }
        // what λ's last bit leaves goes to the activities still between their floor and cap, by weight
        double left = capacity - sum;
        double w = 0;
        for (int i = 0; i < n; i++) {
            if (rates[i] < caps[i] && lo * weights[i] > Math.min(floors[i], caps[i])) {
                w += weights[i];
            }
        }
        if (left > 0 && w > 0) {
            for (int i = 0; i < n; i++) {
                if (rates[i] < caps[i] && lo * weights[i] > Math.min(floors[i], caps[i])) {
                    rates[i] = Math.min(caps[i], rates[i] + left * weights[i] / w);
                }
            }
        }
    }

    private static double total(double lambda, int n, double[] caps, double[] weights, double[] floors) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += rate(lambda, caps[i], weights[i], floors[i]);
        }
        return sum;
    }

    private static double rate(double lambda, double cap, double weight, double floor) {
        return Math.min(cap, Math.max(Math.min(floor, cap), lambda * weight));
    }
}
