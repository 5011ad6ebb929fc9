package dev.hyperlab.core.calibration;

import static dev.hyperlab.core.calibration.Calibration.WIN_DESKTOP_STEADY_IOPS;
import static dev.hyperlab.core.calibration.Calibration.WIN_DESKTOP_STEADY_WRITE_BYTES;
import static dev.hyperlab.core.calibration.Calibration.WIN_DESKTOP_STEADY_WRITE_FRACTION;

/**
 * How fast a running guest writes to its disk once booted (its boot's writes are in the profile's init demand). Only
 * Windows has a public figure (docs/calibration.md, section 6): a desktop's steady IOPS, most of them 4 KiB writes,
 * which the Windows server profile uses as a labelled proxy, as it does for its boot. No public figure was found for
 * a running Linux guest (Gaps), so it writes nothing rather than an invented amount.
 */
public final class GuestIoRates {
    private GuestIoRates() {}

    /** Bytes a running guest of {@code profile} writes per second of lab time; 0 where nothing is published. */
    public static double steadyWriteBytesPerSecond(OsProfile profile) {
        if (profile.family().equals("windows")) {
            return WIN_DESKTOP_STEADY_IOPS * WIN_DESKTOP_STEADY_WRITE_FRACTION * WIN_DESKTOP_STEADY_WRITE_BYTES;
        }
        return 0;
    }
}
