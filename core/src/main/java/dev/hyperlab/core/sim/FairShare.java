package dev.hyperlab.core.sim;

/**
 * Weighted max-min fairness on one resource (water-filling): every activity gets the same rate per unit of weight,
 * except that none gets more than its cap; what a capped activity leaves is shared among the others. This single
 * solver is how cores and disk bandwidth are shared, so boot storms, type 2 overhead and swapping slow things down
 * without special cases.
 */
public final class FairShare {
    private FairShare() {}

    /**
     * Computes rates. Arrays are indexed by activity; {@code order} is scratch space of the same length.
     *
     * @param capacity total rate the resource delivers
     * @param n number of activities
     * @param caps the most each activity can use (positive)
     * @param weights each activity's share weight (positive)
     * @param rates output
     * @param order scratch
     */
    public static void solve(double capacity, int n, double[] caps, double[] weights, double[] rates, int[] order) {
        double sumCaps = 0;
        double sumWeights = 0;
        for (int i = 0; i < n; i++) {
            sumCaps += caps[i];
            sumWeights += weights[i];
        }
        if (sumCaps <= capacity) {
            // under-subscribed: everyone runs at full speed (the common case outside storms)
            System.arraycopy(caps, 0, rates, 0, n);
            return;
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        // insertion sort by cap/weight, ties by index: n is small (activities on one host) and the result must not
        // depend on anything but the inputs
        for (int i = 1; i < n; i++) {
            int x = order[i];
            double key = caps[x] / weights[x];
            int j = i - 1;
            while (j >= 0 && (caps[order[j]] / weights[order[j]] > key
                    || (caps[order[j]] / weights[order[j]] == key && order[j] > x))) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = x;
        }
        double left = capacity;
        double wLeft = sumWeights;
        for (int k = 0; k < n; k++) {
            int i = order[k];
            double fair = left * weights[i] / wLeft;
            double r = Math.min(caps[i], fair);
            rates[i] = r;
            left -= r;
            wLeft -= weights[i];
        }
    }
}
