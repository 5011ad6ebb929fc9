package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A VM's resource controls ({@code vm set --cpu-shares --cpu-reservation --cpu-limit --mem-reservation --mem-limit
 * --disk-shares --disk-iops-limit --disk-iops-reservation}), with vSphere's meaning of shares, reservations and limits
 * and cgroup v2's of {@code cpu.weight}, {@code memory.min}, {@code memory.max} and {@code io.weight}:
 * <ul>
 *   <li>CPU shares weigh the VM's claim on its host's cores when they are contended (vSphere's "normal" is 1,000 per
 *       vCPU, the default here);
 *   <li>a CPU reservation is a rate the VM gets whenever it has work for it, however contended the cores; a start whose
 *       reservation the host's unreserved capacity cannot cover is refused;
 *   <li>a CPU limit is a rate it never exceeds, even on idle cores;
 *   <li>memory below the reservation is never ballooned or swapped, and the host promises it at start (admission);
 *   <li>memory the guest touches beyond the limit is taken back from the VM itself (its host swaps it out);
 *   <li>disk shares weigh its claim on its host's datastore when it is contended (vSphere Storage I/O Control's low
 *       500, normal 1,000, high 2,000; cgroup v2's {@code io.weight}, libvirt's {@code <blkiotune><weight>});
 *   <li>a disk IOPS limit is a rate of I/O operations it never exceeds (libvirt's {@code total_iops_sec} in
 *       {@code <iotune>}, cgroup v2's {@code io.max riops/wiops}, vSphere's per-disk IOPS limit);
 *   <li>a disk IOPS reservation is a rate of I/O operations it gets whenever it has I/O to do, however contended the
 *       datastore (mClock's reservation, vSphere's per-disk IOPS reservation).
 * </ul>
 * A zero means unset: default shares, no reservation, no limit.
 *
 * <pre>{@code
 * lab.vm("db1").setResources(lab.vm("db1").info().resources().withCpuReservationMhz(4200).withCpuShares(4000)
 *         .withDiskShares(2000).withDiskIopsReservation(5000));
 * }</pre>
 *
 * @param cpuShares CPU shares, or 0 for the default (1,000 per vCPU)
 * @param cpuReservationMhz guaranteed CPU rate in MHz, or 0
 * @param cpuLimitMhz CPU rate cap in MHz, or 0 for none
 * @param memReservation memory in bytes never reclaimed from the VM, or 0
 * @param memLimit memory in bytes the VM keeps resident at most, or 0 for none
 * @param diskShares disk shares, or 0 for the default (the engine's 1,000 per vCPU, as its CPU shares)
 * @param diskIopsLimit I/O operations per second it never exceeds, or 0 for none
 * @param diskIopsReservation I/O operations per second it always gets when it has I/O, or 0 for none
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record VmResources(int cpuShares, long cpuReservationMhz, long cpuLimitMhz, long memReservation, long memLimit,
        int diskShares, long diskIopsLimit, long diskIopsReservation) {
    /** Nothing set: default shares, no reservation, no limit. */
    public static final VmResources DEFAULT = new VmResources(0, 0, 0, 0, 0, 0, 0, 0);

    /** The CPU and memory controls alone, the disk ones unset (as before disk controls existed). */
    public VmResources(int cpuShares, long cpuReservationMhz, long cpuLimitMhz, long memReservation, long memLimit) {
        this(cpuShares, cpuReservationMhz, cpuLimitMhz, memReservation, memLimit, 0, 0, 0);
    }

    public VmResources withCpuShares(int shares) {
        return new VmResources(shares, cpuReservationMhz, cpuLimitMhz, memReservation, memLimit, diskShares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withCpuReservationMhz(long mhz) {
        return new VmResources(cpuShares, mhz, cpuLimitMhz, memReservation, memLimit, diskShares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withCpuLimitMhz(long mhz) {
        return new VmResources(cpuShares, cpuReservationMhz, mhz, memReservation, memLimit, diskShares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withMemReservation(long bytes) {
        return new VmResources(cpuShares, cpuReservationMhz, cpuLimitMhz, bytes, memLimit, diskShares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withMemLimit(long bytes) {
        return new VmResources(cpuShares, cpuReservationMhz, cpuLimitMhz, memReservation, bytes, diskShares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withDiskShares(int shares) {
        return new VmResources(cpuShares, cpuReservationMhz, cpuLimitMhz, memReservation, memLimit, shares, diskIopsLimit,
                diskIopsReservation);
    }

    public VmResources withDiskIopsLimit(long iops) {
        return new VmResources(cpuShares, cpuReservationMhz, cpuLimitMhz, memReservation, memLimit, diskShares, iops,
                diskIopsReservation);
    }

    public VmResources withDiskIopsReservation(long iops) {
        return new VmResources(cpuShares, cpuReservationMhz, cpuLimitMhz, memReservation, memLimit, diskShares,
                diskIopsLimit, iops);
    }

    /** Whether nothing is set. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
