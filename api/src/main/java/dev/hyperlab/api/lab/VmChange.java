package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What {@link Vm#set(VmChange)} changes in a VM's definition ({@code vm set}); an empty field keeps what the VM has.
 * As {@code virsh setvcpus --config}, {@code setmaxmem --config} and {@code attach-device --config} do, a change to a
 * stopped VM is to the definition and applies from its next boot; the guest's reaction (a missing boot driver, a
 * firmware its disk was not laid out for) shows then. A running VM takes more vCPUs or memory at once, up to its
 * maximums, where its guest OS can hot-add them (as {@code virsh setvcpus --live --config} and {@code setmem}: the
 * change is also kept for its next boot); less of either, and every other change but autostart and workload, needs
 * it stopped.
 *
 * <pre>{@code
 * lab.vm("win1").set(VmChange.NONE.withDriver("virtio-blk").withMemory(Sizes.parse("8GiB")));
 * }</pre>
 *
 * @param vcpus virtual CPUs
 * @param memoryBytes configured memory
 * @param firmware firmware model id
 * @param addDrivers guest drivers to install
 * @param removeDrivers guest drivers to remove (only those added to the VM: an OS's inbox drivers stay)
 * @param bootPriority start-policy group: lower starts first
 * @param autostart whether the VM starts with its host ({@code virsh autostart}); a change a VM takes in any state
 * @param workload what its guest does once running ({@code idle}, {@code web}, {@code database}, {@code desktop},
 *     {@code build}); a change a VM takes in any state, a running guest at once
 * @param maxVcpus the most vCPUs it may have while running (room for CPU hot-add)
 * @param maxMemoryBytes the most memory it may have while running (room for memory hot-add)
 */
@API(status = EXPERIMENTAL, since = "0.2")
public record VmChange(Optional<Integer> vcpus, Optional<Long> memoryBytes, Optional<String> firmware,
        List<String> addDrivers, List<String> removeDrivers, Optional<Integer> bootPriority,
        Optional<Boolean> autostart, Optional<String> workload, Optional<Integer> maxVcpus,
        Optional<Long> maxMemoryBytes) {
    /** Changes nothing. */
    public static final VmChange NONE = new VmChange(Optional.empty(), Optional.empty(), Optional.empty(), List.of(),
            List.of(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** A change without hot-plug maximums: the components of version 0.3. */
    public VmChange(Optional<Integer> vcpus, Optional<Long> memoryBytes, Optional<String> firmware,
            List<String> addDrivers, List<String> removeDrivers, Optional<Integer> bootPriority,
            Optional<Boolean> autostart, Optional<String> workload) {
        this(vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, workload,
                Optional.empty(), Optional.empty());
    }

    public VmChange {
        vcpus = vcpus == null ? Optional.empty() : vcpus;
        memoryBytes = memoryBytes == null ? Optional.empty() : memoryBytes;
        firmware = firmware == null ? Optional.empty() : firmware;
        addDrivers = addDrivers == null ? List.of() : List.copyOf(addDrivers);
        removeDrivers = removeDrivers == null ? List.of() : List.copyOf(removeDrivers);
        bootPriority = bootPriority == null ? Optional.empty() : bootPriority;
        autostart = autostart == null ? Optional.empty() : autostart;
        workload = workload == null ? Optional.empty() : workload;
        maxVcpus = maxVcpus == null ? Optional.empty() : maxVcpus;
        maxMemoryBytes = maxMemoryBytes == null ? Optional.empty() : maxMemoryBytes;
    }

    public VmChange withVcpus(int n) {
        return new VmChange(
                Optional.of(n), memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmChange withMemory(long bytes) {
        return new VmChange(
                vcpus, Optional.of(bytes), firmware, addDrivers, removeDrivers, bootPriority, autostart, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmChange withFirmware(String id) {
        return new VmChange(
                vcpus, memoryBytes, Optional.of(id), addDrivers, removeDrivers, bootPriority, autostart, workload,
                maxVcpus, maxMemoryBytes);
    }

    /** Also installs driver {@code id}. */
    public VmChange withDriver(String id) {
        return new VmChange(
                vcpus, memoryBytes, firmware, append(addDrivers, id), removeDrivers, bootPriority, autostart,
                workload, maxVcpus, maxMemoryBytes);
    }

    /** Also removes driver {@code id}. */
    public VmChange withoutDriver(String id) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, append(removeDrivers, id), bootPriority, autostart,
                workload, maxVcpus, maxMemoryBytes);
    }

    public VmChange withBootPriority(int priority) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, removeDrivers, Optional.of(priority), autostart, workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmChange withAutostart(boolean on) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, Optional.of(on), workload,
                maxVcpus, maxMemoryBytes);
    }

    public VmChange withWorkload(String id) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, Optional.of(id),
                maxVcpus, maxMemoryBytes);
    }

    @API(status = EXPERIMENTAL, since = "0.4")
    public VmChange withMaxVcpus(int n) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, workload,
                Optional.of(n), maxMemoryBytes);
    }

    @API(status = EXPERIMENTAL, since = "0.4")
    public VmChange withMaxMemory(long bytes) {
        return new VmChange(
                vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, workload, maxVcpus,
                Optional.of(bytes));
    }

    /** Whether it changes nothing. */
    public boolean isEmpty() {
        return equals(NONE);
    }

    /** Whether it changes only autostart, which a VM takes in any state (it is not part of the machine it boots). */
    public boolean onlyAutostart() {
        return equals(NONE.withAutostartOf(autostart)) && autostart.isPresent();
    }

    /**
     * Whether it changes only what a VM takes in any state: autostart and the workload (neither is part of the machine
     * it boots).
     */
    public boolean onlyLive() {
        return equals(NONE.withAutostartOf(autostart).withWorkloadOf(workload))
                && (autostart.isPresent() || workload.isPresent());
    }

    /**
     * Whether a running VM can take it: more vCPUs or memory (hot-add), with or without autostart and workload, and
     * nothing else.
     */
    @API(status = EXPERIMENTAL, since = "0.4")
    public boolean onlyHotPlug() {
        return (vcpus.isPresent() || memoryBytes.isPresent()) && equals(new VmChange(vcpus, memoryBytes,
                Optional.empty(),
                List.of(), List.of(), Optional.empty(), autostart, workload, Optional.empty(), Optional.empty()));
    }

    /** This change without its live parts (autostart, workload): what needs the VM stopped. */
    public VmChange definitionOnly() {
        return new VmChange(vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, Optional.empty(),
                Optional.empty(), maxVcpus, maxMemoryBytes);
    }

    private VmChange withAutostartOf(Optional<Boolean> value) {
        return new VmChange(vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, value, workload,
                maxVcpus, maxMemoryBytes);
    }

    private VmChange withWorkloadOf(Optional<String> value) {
        return new VmChange(vcpus, memoryBytes, firmware, addDrivers, removeDrivers, bootPriority, autostart, value,
                maxVcpus, maxMemoryBytes);
    }

    private static List<String> append(List<String> list, String id) {
        return java.util.stream.Stream.concat(list.stream(), java.util.stream.Stream.of(id)).toList();
    }
}
