package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * What {@link Host#calibrate} measured on a real host ({@code host calibrate}): the test guest booted alone, then 2, 3
 * ... at once, each boot's phases timed from the real machine's events. The same figures are written to a host profile
 * that {@link Lab#createHost(String, String)} turns into a simulated host, so that a lab can rehearse at a scale this
 * machine could never run for real, and docs/validation.md can compare real boots with simulated ones.
 *
 * <pre>{@code
 * HostCalibration c = lab.host("local").calibrate(3, "local.profile.json");
 * c.rows().forEach(r -> System.out.println(r.atOnce() + " at once: " + r.meanBootSeconds() + " s"));
 * }</pre>
 *
 * @param host the host measured
 * @param hypervisor what ran the guests: QEMU's version and its accelerator (tcg or kvm)
 * @param guest the guest's OS profile ({@code tiny-linux})
 * @param firmware the guests' firmware
 * @param cores the host's cores
 * @param memoryBytes the host's memory
 * @param rows one per number of guests booted at once, from 1
 * @param profile the host profile file written
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record HostCalibration(String host, String hypervisor, String guest, String firmware, int cores,
        long memoryBytes, List<Row> rows, String profile) {

    public HostCalibration {
        rows = List.copyOf(rows);
    }

    /**
     * The boots of one round.
     *
     * @param atOnce guests booted at once
     * @param meanBootSeconds their mean boot time, start to ready
     * @param slowdown that mean over the mean of one guest booted alone
     * @param phaseSeconds each phase's mean length over the guests, in boot order
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Row(int atOnce, double meanBootSeconds, double slowdown, Map<String, Double> phaseSeconds) {
        public Row {
            phaseSeconds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(phaseSeconds));
        }
    }
}
