package dev.hyperlab.core.calibration;

import dev.hyperlab.api.lab.DiskKind;
import dev.hyperlab.api.spi.Demand;

/**
 * Performance of a physical disk technology, from vendor datasheets (docs/calibration.md, section Disks). A disk is a
 * shared resource whose unit of work is one second of exclusive device time: an I/O demand costs the longer of its
 * bandwidth time and its IOPS time, for reads and writes separately.
 *
 * @param kind technology
 * @param readBytesPerSec sequential read bandwidth
 * @param writeBytesPerSec sequential write bandwidth
 * @param readIops random read operations per second (4 KiB)
 * @param writeIops random write operations per second (4 KiB)
 * @param latencyNanos time of a single small read at queue depth 1
 */
public record DiskModel(
        DiskKind kind, double readBytesPerSec, double writeBytesPerSec, double readIops, double writeIops,
        long latencyNanos) {

    /** The model of each kind, made once: every host asks for its datastore's (a storm creates 10,000). */
    private static final DiskModel[] OF_KIND = new DiskModel[DiskKind.values().length];

    static {
        for (DiskKind k : DiskKind.values()) {
            OF_KIND[k.ordinal()] = make(k);
        }
    }

    public static DiskModel of(DiskKind kind) {
        return OF_KIND[kind.ordinal()];
    }

    private static DiskModel make(DiskKind kind) {
        return switch (kind) {
            case NVME -> new DiskModel(kind, Calibration.NVME_READ_BW, Calibration.NVME_WRITE_BW,
                    Calibration.NVME_READ_IOPS, Calibration.NVME_WRITE_IOPS, Calibration.NVME_LATENCY_NS);
            case SSD -> new DiskModel(kind, Calibration.SSD_READ_BW, Calibration.SSD_WRITE_BW,
                    Calibration.SSD_READ_IOPS, Calibration.SSD_WRITE_IOPS, Calibration.SSD_LATENCY_NS);
            case HDD -> new DiskModel(kind, Calibration.HDD_BW, Calibration.HDD_BW, Calibration.HDD_IOPS,
                    Calibration.HDD_IOPS, Calibration.HDD_LATENCY_NS);
        };
    }

    /**
     * Device-seconds the I/O part of {@code d} needs when the path to the device delivers {@code readEfficiency} and
     * {@code writeEfficiency} of its native throughput (1.0 = the host itself), with only {@code readShare} of the
     * reads reaching the device (the rest served by a cache).
     */
    public double deviceSeconds(Demand d, double readEfficiency, double writeEfficiency, double readShare) {
        double reads = Math.max(d.readBytes() / readBytesPerSec, d.readOps() / readIops) * readShare;
        double writes = Math.max(d.writeBytes() / writeBytesPerSec, d.writeOps() / writeIops);
        return reads / readEfficiency + writes / writeEfficiency;
    }
}
