package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A workload for the lab to define ({@code workload create NAME [--like ID] [--cpu SHARE] ...}): the figures of
 * workload {@code like} (none: all zero), with those given here in their place. A null figure is taken from
 * {@code like}.
 *
 * <pre>{@code
 * // the build workload's CPU share is an assumption (docs/calibration.md, Gaps): rehearse with half of it
 * lab.createWorkload(WorkloadSpec.like("half-build", "build").withCpuPerVcpu(0.5));
 * lab.vm("ci1").set(VmChange.NONE.withWorkload("half-build"));
 * }</pre>
 *
 * @param id its name, as {@code --workload} will take it
 * @param like the workload whose figures it starts from, or null for none
 * @param description one line for people, or null for one made from the figures
 * @param cpuPerVcpu share of each vCPU kept busy, 0 to 1
 * @param readIops reads per second
 * @param readSize bytes per read
 * @param writeIops random writes per second
 * @param writeSize bytes per random write
 * @param appendIops sequential writes per second
 * @param appendSize bytes per sequential write
 * @param netRx bytes a second the guest receives through its NIC
 * @param netTx bytes a second the guest sends through its NIC
 */
@API(status = EXPERIMENTAL, since = "0.4")
public record WorkloadSpec(String id, String like, String description, Double cpuPerVcpu, Double readIops,
        Long readSize, Double writeIops, Long writeSize, Double appendIops, Long appendSize, Long netRx, Long netTx) {

    /** A workload with no figures yet. */
    public static WorkloadSpec of(String id) {
        return new WorkloadSpec(id, null, null, null, null, null, null, null, null, null, null, null);
    }

    /** A workload starting from the figures of {@code like}. */
    public static WorkloadSpec like(String id, String like) {
        return new WorkloadSpec(id, like, null, null, null, null, null, null, null, null, null, null);
    }

    public WorkloadSpec withDescription(String text) {
        return new WorkloadSpec(id, like, text, cpuPerVcpu, readIops, readSize, writeIops, writeSize, appendIops,
                appendSize, netRx, netTx);
    }

    public WorkloadSpec withCpuPerVcpu(double share) {
        return new WorkloadSpec(id, like, description, share, readIops, readSize, writeIops, writeSize, appendIops,
                appendSize, netRx, netTx);
    }

    public WorkloadSpec withReads(double iops, long size) {
        return new WorkloadSpec(id, like, description, cpuPerVcpu, iops, size, writeIops, writeSize, appendIops,
                appendSize, netRx, netTx);
    }

    public WorkloadSpec withWrites(double iops, long size) {
        return new WorkloadSpec(id, like, description, cpuPerVcpu, readIops, readSize, iops, size, appendIops,
                appendSize, netRx, netTx);
    }

    public WorkloadSpec withAppends(double iops, long size) {
        return new WorkloadSpec(id, like, description, cpuPerVcpu, readIops, readSize, writeIops, writeSize, iops,
                size, netRx, netTx);
    }

    /**
     * Its network traffic: bytes a second its guest receives and sends. Each byte costs host CPU through the guest's
     * NIC (twenty times as much through an emulated e1000 as through virtio-net, docs/calibration.md section 5).
     */
    public WorkloadSpec withNetwork(long rxBytesPerSecond, long txBytesPerSecond) {
        return new WorkloadSpec(id, like, description, cpuPerVcpu, readIops, readSize, writeIops, writeSize, appendIops,
                appendSize, rxBytesPerSecond, txBytesPerSecond);
    }
}
