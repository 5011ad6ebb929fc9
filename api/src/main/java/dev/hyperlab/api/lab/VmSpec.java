package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code vm create} asks for.
 *
 * <pre>{@code
 * Vm web = lab.createVm(VmSpec.of("web1", "esx1", 2, Sizes.parse("4GiB")).withOs("linux-server"));
 * }</pre>
 *
 * @param name unique VM name (see {@link Names})
 * @param host the host it runs on
 * @param vcpus virtual CPUs
 * @param memoryBytes configured memory
 * @param firmware firmware model id, or empty for the OS profile's default
 * @param disks disks in order, each a size (a blank qcow2 disk) or the path of an image to attach; the first disk is
 *     the boot disk. With an OS profile, the profile's boot disk comes first.
 * @param os OS profile id ({@code linux-server}, ...) or empty for none (then the VM has no bootable disk unless one
 *     is attached)
 * @param drivers guest drivers installed in the guest in addition to the OS's inbox drivers
 * @param bootPriority start order under the host's start policy: lower starts first; 0 is the default group
 * @param workload what its guest does once running ({@code idle}, {@code web}, {@code database}, {@code desktop},
 *     {@code build}), or empty for its OS profile's default ({@code idle})
 * @param maxVcpus the most vCPUs it can have while it runs (CPU hot-add, as QEMU's {@code -smp N,maxcpus=M} and
 *     libvirt's {@code <vcpu current='N'>M</vcpu>}); 0 for {@code vcpus}: no room to add any
 * @param maxMemoryBytes the most memory it can have while it runs (memory hot-add, as QEMU's
 *     {@code -m SIZE,slots=n,maxmem=MAX} and libvirt's {@code <maxMemory>}); 0 for {@code memoryBytes}: no room
 */
@API(status = STABLE, since = "0.1")
public record VmSpec(
        String name, String host, int vcpus, long memoryBytes, String firmware, @HostPath(orSize = true) List<String> disks,
        String os, List<String> drivers, int bootPriority, String workload, int maxVcpus, long maxMemoryBytes) {

    /** A spec without hot-plug room: the components of version 0.3. */
    public VmSpec(String name, String host, int vcpus, long memoryBytes, String firmware, List<String> disks, String os,
            List<String> drivers, int bootPriority, String workload) {
        this(name, host, vcpus, memoryBytes, firmware, disks, os, drivers, bootPriority, workload, 0, 0);
    }

    /** A spec without a workload (its OS profile's default): the components of version 0.1. */
    public VmSpec(String name, String host, int vcpus, long memoryBytes, String firmware, List<String> disks, String os,
            List<String> drivers, int bootPriority) {
        this(name, host, vcpus, memoryBytes, firmware, disks, os, drivers, bootPriority, "");
    }

    public VmSpec {
        Names.check("VM", name);
        host = host == null ? "" : host;
        firmware = firmware == null ? "" : firmware;
        disks = disks == null ? List.of() : List.copyOf(disks);
        os = os == null ? "" : os;
        drivers = drivers == null ? List.of() : List.copyOf(drivers);
        workload = workload == null ? "" : workload;
    }

    /** The most vCPUs it can have while running: {@code maxVcpus}, or {@code vcpus} when that is 0. */
    @API(status = EXPERIMENTAL, since = "0.4")
    public int vcpusCeiling() {
        return Math.max(vcpus, maxVcpus);
    }

    /** The most memory it can have while running: {@code maxMemoryBytes}, or {@code memoryBytes} when that is 0. */
    @API(status = EXPERIMENTAL, since = "0.4")
    public long memoryCeiling() {
        return Math.max(memoryBytes, maxMemoryBytes);
    }

    public static VmSpec of(String name, String host, int vcpus, long memoryBytes) {
        return new VmSpec(name, host, vcpus, memoryBytes, "", List.of(), "", List.of(), 0);
    }

    /** This spec on host {@code name} (an empty spec host means the lab's one host, where it has one). */
    public VmSpec withHost(String name) {
        return new VmSpec(this.name, name, vcpus, memoryBytes, firmware, disks, os, drivers, bootPriority, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmSpec withOs(String profile) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, disks, profile, drivers, bootPriority, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmSpec withFirmware(String id) {
        return new VmSpec(name, host, vcpus, memoryBytes, id, disks, os, drivers, bootPriority, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmSpec withDisks(List<String> list) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, list, os, drivers, bootPriority, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmSpec withDrivers(List<String> list) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, disks, os, list, bootPriority, workload,
                maxVcpus, maxMemoryBytes);
    }

    @API(status = EXPERIMENTAL, since = "0.3")
    public VmSpec withWorkload(String id) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, disks, os, drivers, bootPriority, id,
                maxVcpus, maxMemoryBytes);
    }

    /** Room to hot-add vCPUs up to {@code n} and memory up to {@code bytes} while it runs (0 keeps none). */
    @API(status = EXPERIMENTAL, since = "0.4")
    public VmSpec withHotPlug(int n, long bytes) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, disks, os, drivers, bootPriority, workload, n,
                bytes);
    }

    public VmSpec withBootPriority(int priority) {
        return new VmSpec(name, host, vcpus, memoryBytes, firmware, disks, os, drivers, priority, workload,
                maxVcpus, maxMemoryBytes);
    }
}
