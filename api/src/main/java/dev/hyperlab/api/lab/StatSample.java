package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * One point of a running workload's figures over time ({@code vm stat --history}), sampled every 10 minutes of lab
 * time while it runs: for a VM its own, for a host its running VMs' together (as {@link HostStat} sums them).
 *
 * <pre>{@code
 * lab.statHistory(List.of("db1")).forEach(s -> System.out.println(s.time() + " " + s.cpuReady()));
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param machine host or VM name
 * @param time lab time of the sample
 * @param cpuReady share of the CPU time asked for since the previous sample that was spent waiting for a core (0 for
 *     the first sample after a start)
 * @param diskLatency seconds a disk request takes at the sample (a host: the mean of its sampled VMs)
 * @param diskWritten bytes written since the VM last started (a host: its VMs' sum)
 * @param memoryUsed bytes its guest uses (a host: its VMs' sum)
 * @param netRx bytes its guest received through its NIC since the VM last started (a host: its VMs' sum)
 * @param netTx bytes its guest sent through its NIC since the VM last started (a host: its VMs' sum)
 */
@API(status = EXPERIMENTAL, since = "0.4")
public record StatSample(String machine, Duration time, double cpuReady, double diskLatency, long diskWritten,
        long memoryUsed, long netRx, long netTx) {}
