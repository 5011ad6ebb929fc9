package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code host info} shows: a snapshot of a host at the lab time it was taken.
 *
 * <pre>{@code
 * HostInfo h = lab.host("esx1").info();
 * System.out.println(h.name() + " " + h.state().id() + " " + h.vms());
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param name host name
 * @param state power and boot state
 * @param cores physical cores
 * @param ram installed memory in bytes
 * @param cpuGhz core clock
 * @param firmware firmware model id
 * @param disks physical disks
 * @param bootOrder boot devices in order
 * @param hypervisor {@code type1}, {@code type2}, or empty when none is installed
 * @param hostOs the host OS under a type 2 hypervisor ({@code linux}, {@code windows}), else empty
 * @param startPolicy how the hypervisor starts many VMs
 * @param vms names of the VMs defined on this host, sorted
 * @param reason why the host is {@code failed}, else empty
 * @param maintenance whether it is in maintenance ({@code host maintenance HOST on}): drained of its VMs, and no VM
 *     is placed, started or migrated on it until it is off
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HostInfo(
        String name, HostState state, int cores, long ram, double cpuGhz, String firmware, List<HostDiskInfo> disks,
        List<String> bootOrder, String hypervisor, String hostOs, StartPolicy startPolicy, List<String> vms,
        String reason, boolean maintenance) {

    /**
     * One physical disk of a host.
     *
     * @param device device name ({@code disk0}, ...)
     * @param kind technology
     * @param size capacity in bytes
     * @param contents what is installed on it ({@code type1 hypervisor}, {@code linux}, ...) or empty when blank
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record HostDiskInfo(String device, DiskKind kind, long size, String contents) {}
}
