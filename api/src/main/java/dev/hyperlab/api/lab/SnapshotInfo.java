package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;

/**
 * One snapshot of a VM, as {@code snapshot list} shows it.
 *
 * <pre>{@code
 * lab.vm("web1").snapshots().forEach(s -> System.out.println(s.name() + (s.current() ? " *" : "") + " " + s.state()));
 * }</pre>
 *
 * @param name its name, unique among the VM's snapshots
 * @param vm the VM it belongs to
 * @param parent the snapshot it was taken after (the VM's current snapshot then), or empty for a root
 * @param children the snapshots taken after it, oldest first
 * @param current whether the VM's disks descend from it: the last one taken or reverted to
 * @param created lab time it was taken (never the wall clock); zero for one made outside hyperlab
 * @param state the VM's state when it was taken: a revert brings this state back
 * @param diskOnly true when it holds no memory state (taken with {@code --disk-only}, of a stopped VM, or outside
 *     hyperlab): reverting to it leaves the VM shut off if it was running
 * @param vmStateSize bytes in the VM-state area of the first disk's qcow2 snapshot, as {@code qemu-img snapshot -l}
 *     lists them (0 for a disk-only snapshot)
 * @param memory guest memory in use the snapshot saved (the pages the host backed; 0 for a disk-only snapshot)
 * @param consistency what its disks hold for someone who uses them alone
 * @param description free text given when it was taken
 * @param external made outside hyperlab ({@code qemu-img snapshot -c}): it has disks only and no place in the tree
 * @param disks the VM's disks that hold it ({@code disk0}, ...)
 * @param stateDigest SHA-256 of the VM's runtime state when it was taken (see {@link Vm#stateDigest()}); empty when
 *     external
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record SnapshotInfo(
        String name, String vm, String parent, List<String> children, boolean current, Duration created,
        VmState state, boolean diskOnly, long vmStateSize, long memory, SnapshotConsistency consistency,
        String description, boolean external, List<String> disks, String stateDigest) {

    public SnapshotInfo {
        children = List.copyOf(children);
        disks = List.copyOf(disks);
    }
}
