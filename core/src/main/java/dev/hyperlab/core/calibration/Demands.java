package dev.hyperlab.core.calibration;

import dev.hyperlab.api.spi.Demand;
import java.time.Duration;

/** Turning published figures into demands, the same way everywhere. */
public final class Demands {
    private Demands() {}

    /** CPU work measured as seconds on the reference core ({@link Calibration#REFERENCE_CORE_GHZ}), one thread. */
    public static Demand referenceCpu(double seconds) {
        return Demand.NONE.plusCpu(seconds * Calibration.REFERENCE_CORE_GHZ, 1);
    }

    /** Requests a sequential read of {@code bytes} is split into (readahead-sized). */
    public static long sequentialOps(long bytes) {
        return (bytes + Calibration.SEQUENTIAL_REQUEST_BYTES - 1) / Calibration.SEQUENTIAL_REQUEST_BYTES;
    }

    /** Seconds as a duration, rounded to the nanosecond. */
    public static Duration seconds(double s) {
        return Duration.ofNanos(Math.round(s * 1e9));
    }
}
