package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import org.apiguardian.api.API;

/**
 * What {@code vm info} shows: a snapshot of a VM at the lab time it was taken.
 *
 * <pre>{@code
 * VmInfo v = lab.vm("web1").info();
 * System.out.println(v.state().id() + " " + v.firmware() + " " + v.drivers());
 * }</pre>
 *
 * <p>EXPERIMENTAL, and so are the facade methods that return it: hyperlab makes these records and adds components
 * to them as features land, which changes their constructor. Read them by their accessors (every accessor stays); do
 * not construct them.
 *
 * @param name VM name
 * @param host the host it is defined on
 * @param state lifecycle state
 * @param vcpus virtual CPUs
 * @param memory configured memory in bytes
 * @param firmware firmware model id
 * @param os OS profile id, or empty
 * @param disks disks in boot order
 * @param drivers guest drivers present in the guest (inbox and installed), sorted
 * @param bootPriority start-policy group
 * @param reason why the VM is {@code crashed} or why its last start was refused, or that it was forced off, else empty
 * @param operation the lasting work under way, whose end changes its state or lets it go on: {@code queued} (waiting
 *     in its host's start queue), {@code boot}, {@code reboot}, {@code shutdown}, {@code suspend}, {@code resume},
 *     {@code snapshot} (paused while its state is saved), {@code revert} (paused while its state is loaded); empty
 *     when there is none
 * @param autostart whether the VM starts with its host: when the host's hypervisor is up after a power-on or a reset,
 *     by the host's start policy ({@code vm set --autostart}, as {@code virsh autostart})
 * @param workload what its guest does once running ({@code vm set --workload}): {@code idle}, {@code web},
 *     {@code database}, {@code desktop} or {@code build}
 * @param identity what tells this VM apart from the VM it was cloned from: its MAC address and machine id (empty for
 *     a VM that was never cloned), and the VM whose disks a linked clone reads through
 * @param resources its resource controls: CPU shares, reservation and limit, memory reservation and limit
 * @param maxVcpus the most vCPUs it can have while running (CPU hot-add up to it); {@code vcpus} when there is no room
 * @param maxMemory the most memory it can have while running (memory hot-add up to it); {@code memory} when there is
 *     no room
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record VmInfo(
        String name, String host, VmState state, int vcpus, long memory, String firmware, String os,
        List<VmDiskInfo> disks, List<String> drivers, int bootPriority, String reason, String operation,
        boolean autostart, String workload, Identity identity, VmResources resources, int maxVcpus, long maxMemory) {

    /**
     * A VM's identity on the network and in the guest: what {@code vm clone} gives every clone, as {@code virt-clone}
     * generates a new MAC address and {@code virt-sysprep}'s {@code machine-id} operation a new {@code /etc/machine-id}.
     *
     * @param mac its NIC's MAC address, {@code 52:54:00:xx:xx:xx} (QEMU's locally administered range), unique in the
     *     lab; empty when none was assigned (QEMU then gives its default, {@code 52:54:00:12:34:56}, to every VM)
     * @param machineId its machine id, 32 lower-case hex digits as {@code /etc/machine-id} holds it; empty when none
     *     was assigned
     * @param linkedTo the VM whose disks this VM's disks are qcow2 overlays of ({@code vm clone --linked}); empty for
     *     a VM with disks of its own
     */
    @API(status = EXPERIMENTAL, since = "0.2")
    public record Identity(String mac, String machineId, String linkedTo) {
        /** No identity assigned, no backing VM. */
        public static final Identity NONE = new Identity("", "", "");
    }

    /**
     * One disk of a VM.
     *
     * @param path the image file
     * @param format {@code qcow2} or {@code raw}
     * @param virtualSize size of the virtual disk in bytes
     */
    @API(status = EXPERIMENTAL, since = "0.1")
    public record VmDiskInfo(String path, String format, long virtualSize) {}
}
