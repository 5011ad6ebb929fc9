package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * The work one step of a boot needs. Its parts run concurrently: the step ends when the fixed delay, the network
 * wait, the CPU work and the disk I/O are all done, and the timeline names the part that finished last. CPU work is
 * shared with the other activities on the machine's cores, disk I/O with the others on the same disk (max-min fair).
 *
 * <pre>{@code
 * // load a 12 MiB kernel in 3 reads and decompress it (0.25 gigacycles, one thread)
 * Demand d = Demand.NONE.plusRead(12 << 20, 3).plusCpu(0.25, 1);
 * }</pre>
 *
 * @param fixed a delay no resource can shorten (a timeout, a device reset)
 * @param network time waiting on the network (PXE discovery, for instance)
 * @param cpuGigacycles CPU work in units of 10^9 cycles
 * @param threads cores the CPU work can use at once (at least 1)
 * @param readBytes bytes read from the machine's boot disk
 * @param readOps read requests (a bound for IOPS-limited disks)
 * @param writeBytes bytes written to the machine's boot disk
 * @param writeOps write requests
 */
@API(status = STABLE, since = "0.1")
public record Demand(
        Duration fixed, Duration network, double cpuGigacycles, int threads, long readBytes, long readOps,
        long writeBytes, long writeOps) {

    /** Nothing at all. */
    public static final Demand NONE = new Demand(Duration.ZERO, Duration.ZERO, 0, 1, 0, 0, 0, 0);

    public Demand {
        if (fixed == null || network == null || fixed.isNegative() || network.isNegative()) {
            throw new IllegalArgumentException("fixed and network delays must be 0 or more");
        }
        if (!(cpuGigacycles >= 0) || Double.isInfinite(cpuGigacycles) || threads < 1
                || readBytes < 0 || readOps < 0 || writeBytes < 0 || writeOps < 0) {
            throw new IllegalArgumentException("demands must be finite and 0 or more, threads at least 1");
        }
    }

    /** A fixed delay. */
    public static Demand fixed(Duration d) {
        return NONE.plusFixed(d);
    }

    public Demand plusFixed(Duration d) {
        return new Demand(fixed.plus(d), network, cpuGigacycles, threads, readBytes, readOps, writeBytes, writeOps);
    }

    public Demand plusNetwork(Duration d) {
        return new Demand(fixed, network.plus(d), cpuGigacycles, threads, readBytes, readOps, writeBytes, writeOps);
    }

    /** Adds CPU work; {@code threads} replaces the current parallelism. */
    public Demand plusCpu(double gigacycles, int threads) {
        return new Demand(fixed, network, cpuGigacycles + gigacycles, threads, readBytes, readOps, writeBytes,
                writeOps);
    }

    public Demand plusRead(long bytes, long ops) {
        return new Demand(fixed, network, cpuGigacycles, threads, readBytes + bytes, readOps + ops, writeBytes,
                writeOps);
    }

    public Demand plusWrite(long bytes, long ops) {
        return new Demand(fixed, network, cpuGigacycles, threads, readBytes, readOps, writeBytes + bytes,
                writeOps + ops);
    }

    /** True when every part is zero. */
    public boolean isEmpty() {
        return fixed.isZero() && network.isZero() && cpuGigacycles == 0 && readBytes == 0 && readOps == 0
                && writeBytes == 0 && writeOps == 0;
    }
}
