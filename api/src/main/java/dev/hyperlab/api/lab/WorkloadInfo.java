package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A workload a running VM can have ({@code workload list}, {@code vm set NAME --workload ID}): what its guest asks of
 * the host each second of lab time once booted. The built-in ones carry the figures of docs/calibration.md section 9;
 * the lab's own ({@code workload create}) carry what the user gave, for instance to replace a value that section
 * labels as assumed.
 *
 * <pre>{@code
 * lab.workloads().forEach(w -> System.out.println(w.id() + ": " + w.cpuPerVcpu() + " of each vCPU"));
 * }</pre>
 *
 * @param id what {@code --workload} takes
 * @param description one line for people
 * @param source {@code built-in}, or {@code lab} for one the lab defines
 * @param cpuPerVcpu share of each vCPU the guest keeps busy (0 to 1)
 * @param readIops reads per second
 * @param readSize bytes per read
 * @param writeIops random writes per second (pages updated in place)
 * @param writeSize bytes per random write
 * @param appendIops sequential writes per second (appended to a log)
 * @param appendSize bytes per sequential write
 * @param netRx bytes a second the guest receives through its NIC
 * @param netTx bytes a second the guest sends through its NIC
 */
@API(status = EXPERIMENTAL, since = "0.4")
public record WorkloadInfo(String id, String description, String source, double cpuPerVcpu, double readIops,
        long readSize, double writeIops, long writeSize, double appendIops, long appendSize, long netRx, long netTx) {}
