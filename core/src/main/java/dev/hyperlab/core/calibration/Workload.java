package dev.hyperlab.core.calibration;

import dev.hyperlab.api.spi.Demand;

/**
 * What a running guest does once booted, per second of lab time: CPU on its vCPUs, disk reads, and disk writes split
 * by locality (random in-place page updates; sequential appends such as a database's log). Every figure is in
 * docs/calibration.md, section 9 (an explicit assumption, listed in its Gaps, where no public figure was found).
 *
 * @param id name ({@code vm set NAME --workload ID})
 * @param description one line for listings
 * @param cpuPerVcpu share of each vCPU the guest keeps busy (0 to 1)
 * @param readOps reads per second
 * @param readBytesPerOp bytes per read
 * @param randomWriteOps random writes per second (pages updated in place)
 * @param randomWriteBytesPerOp bytes per random write
 * @param appendOps sequential writes per second (appended to a log)
 * @param appendBytesPerOp bytes per sequential write
 * @param netRxBytesPerSecond bytes a second its guest receives through its NIC
 * @param netTxBytesPerSecond bytes a second its guest sends through its NIC
 * @param charged whether its demand goes through the host's fair-share solver (CPU ready, disk contention); false only
 *     for {@code idle}, whose small Windows write stream was written before workloads existed and costs no lab time
 */
public record Workload(String id, String description, double cpuPerVcpu, double readOps, long readBytesPerOp,
        double randomWriteOps, long randomWriteBytesPerOp, double appendOps, long appendBytesPerOp,
        double netRxBytesPerSecond, double netTxBytesPerSecond, boolean charged) {

    /** Bytes a second through its NIC, both ways. */
    public double netBytesPerSecond() {
        return netRxBytesPerSecond + netTxBytesPerSecond;
    }

    /** Bytes read per second. */
    public double readBytesPerSecond() {
        return readOps * readBytesPerOp;
    }

    /** Bytes written per second, random and appended. */
    public double writeBytesPerSecond() {
        return randomWriteOps * randomWriteBytesPerOp + appendOps * appendBytesPerOp;
    }

    /** Whether it puts any demand on the host (a CPU share or disk I/O that is charged). */
    public boolean demands() {
        return charged && (cpuPerVcpu > 0 || readOps > 0 || randomWriteOps > 0 || appendOps > 0
                || netBytesPerSecond() > 0);
    }

    /** Seconds over which {@link #diskOver} is costed, so fractional rates (2.5 reads/s) keep their value. */
    public static final long COSTING_SECONDS = 1000;

    /** {@link #COSTING_SECONDS} of its disk I/O as one demand, for a disk model to cost in device-seconds. */
    public Demand diskOver() {
        long s = COSTING_SECONDS;
        return Demand.NONE
                .plusRead(Math.round(readBytesPerSecond() * s), Math.round(readOps * s))
                .plusWrite(Math.round(writeBytesPerSecond() * s), Math.round((randomWriteOps + appendOps) * s));
    }
}
