package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code host stat NAME} shows: its VMs' {@link VmStat}s summed.
 *
 * <pre>{@code
 * HostStat h = lab.host("esx1").stat();
 * System.out.printf("%.1f%% ready across %d VMs%n", 100 * h.cpuReady(), h.running());
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param name the host
 * @param running VMs running on it now
 * @param cpuReady share of the CPU time its VMs' workloads asked for that they spent waiting for a core
 * @param diskLatency seconds a disk request takes now, averaged over its running VMs by the I/O each asks for (the
 *     device's latency when none asks for any)
 * @param diskWritten bytes its VMs wrote since each last started
 * @param diskRead bytes its VMs read since each last started
 * @param memoryUsed bytes of memory its VMs' guests use now
 * @param netRx bytes its VMs' guests received through their NICs since each last started
 * @param netTx bytes its VMs' guests sent through their NICs since each last started
 */
@API(status = EXPERIMENTAL, since = "0.3")
public record HostStat(String name, int running, double cpuReady, double diskLatency, long diskWritten, long diskRead,
        long memoryUsed, long netRx, long netTx) {}
