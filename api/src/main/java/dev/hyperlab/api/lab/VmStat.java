package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What {@code vm stat NAME} shows: what a VM's workload asked of its host since the VM last started, and what it got,
 * in the spirit of {@code esxtop}'s %RDY and {@code virsh domstats}.
 *
 * <pre>{@code
 * VmStat s = lab.vm("db1").stat();
 * System.out.printf("%.1f%% ready, %s written%n", 100 * s.cpuReady(), Sizes.format(s.diskWritten()));
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param name the VM
 * @param workload its workload's id ({@code vm set --workload})
 * @param state its lifecycle state
 * @param cpuReady share of the CPU time its workload asked for that it spent waiting for a core (runnable but not
 *     running), since it last started: 0 when it never waited
 * @param diskLatency seconds one of its disk requests takes now: the device's latency, stretched as far as the disk
 *     gives its workload less than it asks (0 when it does not run)
 * @param diskWritten bytes its guest wrote since it last started
 * @param diskRead bytes its guest read since it last started
 * @param memoryUsed bytes of memory its guest uses now (its working set and page cache)
 * @param runningSeconds lab seconds its workload ran since it last started
 * @param netRx bytes its guest received through its NIC since it last started
 * @param netTx bytes its guest sent through its NIC since it last started
 */
@API(status = EXPERIMENTAL, since = "0.3")
public record VmStat(String name, String workload, VmState state, double cpuReady, double diskLatency,
        long diskWritten, long diskRead, long memoryUsed, double runningSeconds, long netRx, long netTx) {}
