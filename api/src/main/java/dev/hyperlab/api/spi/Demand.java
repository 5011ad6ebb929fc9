package dev.hyperlab.api.spi;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * The work one step of a boot needs. Its parts run concurrently: the step ends when the fixed delay, the network
 * wait, the CPU work and the disk I/O are all done, and the timeline names the part that finished last. CPU work is
 * shared with the other activities on the machine's cores, disk I/O with the others on the same disk (max-min fair).
 *
 * <p>Build one with the named factories and the {@code plus} methods, which name each part, rather than the
 * canonical constructor's eight positional parameters:
 *
 * <pre>{@code
 * // load a 12 MiB kernel in 3 reads and decompress it (0.25 gigacycles, one thread)
 * Demand d = Demand.read(12 << 20, 3).plusCpu(0.25, 1);
 * // a PXE wait, then a 2 s fixed delay
 * Demand pxe = Demand.network(Duration.ofSeconds(4)).plusFixed(Duration.ofSeconds(2));
 * }</pre>
 *
 * @param fixed a delay no resource can shorten (a timeout, a device reset)
 * @param network time waiting on the network (PXE discovery, for instance)
 * @param cpuGigacycles CPU work in units of 10^9 cycles: at 2.5 GHz, 2.5 gigacycles take one core one second
 * @param threads cores the CPU work can use at once (at least 1): 4 gigacycles on 2 threads of a 2 GHz machine with
 *     idle cores take 1 s
 * @param readBytes bytes read from the machine's boot disk
 * @param readOps read requests those bytes take (an IOPS-limited disk is bound by them, a bandwidth-limited one by
 *     the bytes)
 * @param writeBytes bytes written to the machine's boot disk
 * @param writeOps write requests those bytes take
 */
@API(status = STABLE, since = "0.1")
public record Demand(
        Duration fixed, Duration network, double cpuGigacycles, int threads, long readBytes, long readOps,
        long writeBytes, long writeOps) {

    /** Nothing at all. */
    public static final Demand NONE = new Demand(Duration.ZERO, Duration.ZERO, 0, 1, 0, 0, 0, 0);

    /**
     * A demand of every part; prefer the named factories and {@code plus} methods.
     *
     * @throws IllegalArgumentException for a negative or non-finite part, or fewer than 1 thread
     */
    public Demand {
        if (fixed == null || network == null || fixed.isNegative() || network.isNegative()) {
            throw new IllegalArgumentException("fixed and network delays must be 0 or more");
        }
        if (!(cpuGigacycles >= 0) || Double.isInfinite(cpuGigacycles) || threads < 1
                || readBytes < 0 || readOps < 0 || writeBytes < 0 || writeOps < 0) {
            throw new IllegalArgumentException("demands must be finite and 0 or more, threads at least 1");
        }
    }

    /**
     * A fixed delay alone.
     *
     * @param d the delay, 0 or more
     * @return the demand
     */
    public static Demand fixed(Duration d) {
        return NONE.plusFixed(d);
    }

    /**
     * A network wait alone.
     *
     * @param d the time waiting on the network, 0 or more
     * @return the demand
     */
    public static Demand network(Duration d) {
        return NONE.plusNetwork(d);
    }

    /**
     * CPU work alone.
     *
     * @param gigacycles the work, in 10^9 cycles
     * @param threads the cores it can use at once, at least 1
     * @return the demand
     */
    public static Demand cpu(double gigacycles, int threads) {
        return NONE.plusCpu(gigacycles, threads);
    }

    /**
     * Reads from the boot disk alone.
     *
     * @param bytes the bytes read
     * @param ops the read requests they take
     * @return the demand
     */
    public static Demand read(long bytes, long ops) {
        return NONE.plusRead(bytes, ops);
    }

    /**
     * Writes to the boot disk alone.
     *
     * @param bytes the bytes written
     * @param ops the write requests they take
     * @return the demand
     */
    public static Demand write(long bytes, long ops) {
        return NONE.plusWrite(bytes, ops);
    }

    /**
     * This demand with a longer fixed delay.
     *
     * @param d the delay to add
     * @return the new demand
     */
    public Demand plusFixed(Duration d) {
        return new Demand(fixed.plus(d), network, cpuGigacycles, threads, readBytes, readOps, writeBytes, writeOps);
    }

    /**
     * This demand with a longer network wait.
     *
     * @param d the wait to add
     * @return the new demand
     */
    public Demand plusNetwork(Duration d) {
        return new Demand(fixed, network.plus(d), cpuGigacycles, threads, readBytes, readOps, writeBytes, writeOps);
    }

    /**
     * This demand with more CPU work.
     *
     * @param gigacycles the work to add, in 10^9 cycles
     * @param threads the cores the whole CPU work can use at once: it replaces the current number
     * @return the new demand
     */
    public Demand plusCpu(double gigacycles, int threads) {
        return new Demand(fixed, network, cpuGigacycles + gigacycles, threads, readBytes, readOps, writeBytes,
                writeOps);
    }

    /**
     * This demand with more reads from the boot disk.
     *
     * @param bytes the bytes to add
     * @param ops the read requests to add
     * @return the new demand
     */
    public Demand plusRead(long bytes, long ops) {
        return new Demand(fixed, network, cpuGigacycles, threads, readBytes + bytes, readOps + ops, writeBytes,
                writeOps);
    }

    /**
     * This demand with more writes to the boot disk.
     *
     * @param bytes the bytes to add
     * @param ops the write requests to add
     * @return the new demand
     */
    public Demand plusWrite(long bytes, long ops) {
        return new Demand(fixed, network, cpuGigacycles, threads, readBytes, readOps, writeBytes + bytes,
                writeOps + ops);
    }

    /**
     * Whether the demand asks for nothing.
     *
     * @return true when every part is zero
     */
    public boolean isEmpty() {
        return fixed.isZero() && network.isZero() && cpuGigacycles == 0 && readBytes == 0 && readOps == 0
                && writeBytes == 0 && writeOps == 0;
    }
}
