package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import dev.hyperlab.api.lab.MigrationInfo;

/**
 * {@code vm migrate NAME --to HOST} of a stopped VM: an offline migration with its disks, as Proxmox's {@code qm
 * migrate} of a stopped VM on local storage makes one ({@code virsh migrate --copy-storage-all} copies the images for a
 * live one; {@code --offline} alone moves only the definition). Each host keeps its VMs' disks on its own datastore (the lab has no shared storage),
 * so the disks' data moves: the source host's datastore reads it while the destination's writes it, the slower of the
 * two setting the pace ({@code vm.migrate.offline_copy_s}); the lab runs on meanwhile. The VM keeps its name, disks
 * (the lab's files), history and snapshots; only its host changes. A running VM is refused: it moves live ({@link
 * LiveMigration}).
 */
final class VmMigrations {
    private VmMigrations() {}

    static VmMachine migrate(LabModel lab, String name, String to, ProgressListener progress) {
        VmMachine vm = lab.vmMachine(name);
        HostMachine target = lab.hostMachine(to);
        HostMachine source = vm.hostMachine();
        checkMovable(vm, target, to, VmLifecycle.Action.MIGRATE);
        long bytes = VmClones.dataBytes(lab, vm);
        VmMachine moved = VmStateDoc.rebuilt(lab.env, vm, Map.of("host", to));
        lab.replaceVm(moved);
        source.vms.remove(name);
        target.vms.add(name);
        Duration took = copyTime(source, target, bytes);
        lab.log(name, "migrated", source.name + "->" + to, Sizes.format(bytes), "in " + took.toMillis() + "ms");
        lab.advance(took, progress);
        return moved;
    }

    /** {@link #migrate} as the facade reports it. */
    static MigrationInfo offline(LabModel lab, String name, String to, ProgressListener progress) {
        long start = lab.sim().now();
        String from = lab.vmMachine(name).hostMachine().name;
        long bytes = VmClones.dataBytes(lab, lab.vmMachine(name));
        migrate(lab, name, to, progress);
        Duration took = Duration.ofNanos(lab.sim().now() - start);
        return new MigrationInfo(name, from, to, false, bytes, took, List.of(), Duration.ZERO, took, 0, 0,
                MigrationInfo.Postcopy.NONE);
    }

    /** What any move needs: another host that runs a hypervisor and has the VM's cores and memory; no linked clones. */
    static void checkMovable(VmMachine vm, HostMachine target, String to, VmLifecycle.Action action) {
        String name = vm.name;
        HostMachine source = vm.hostMachine();
        if (target == source) {
            throw LabException.invalid("VM " + name + " is on host " + to + " already", "name another host");
        }
        vm.lifecycle.check(action);
        vm.requireNoLinkedClones("moving it");
        if (!vm.linkedDisks().isEmpty()) {
            throw LabException.notAllowed("VM " + name + " is a linked clone of " + vm.info().identity().linkedTo()
                    + ": its disks read through its base's on host " + source.name, "a linked clone stays with its "
                    + "base; clone it in full (vm clone " + name + " NEW) and move the copy");
        }
        HostMaintenance.checkPlaceable(target, "move VM " + name);
        if (target.state() != HostState.RUNNING || target.hypervisor() == null) {
            throw LabException.notAllowed("host " + to + " is " + target.state().id()
                    + (target.hypervisor() == null ? " with no hypervisor" : ""), "a VM moves to a host whose "
                    + "hypervisor runs: " + (target.hypervisor() == null ? "host install " + to + ", then " : "")
                    + "host power-on " + to);
        }
        if (vm.vcpus > target.cores) {
            throw LabException.insufficient("VM " + name + " has " + LabModel.count(vm.vcpus, "vCPU") + " but host "
                    + to + " has " + LabModel.count(target.cores, "core"), "vm set " + name + " {VmChange.vcpus} fewer first");
        }
        if (vm.memory > target.ram) {
            throw LabException.insufficient("VM " + name + " needs " + Sizes.format(vm.memory) + " of memory but host "
                    + to + " has " + Sizes.format(target.ram), "vm set " + name + " {VmChange.memoryBytes} less first");
        }
    }

    /** The source datastore reads while the destination's writes: the slower of the two sets the pace. */
    static Duration copyTime(HostMachine source, HostMachine target, long bytes) {
        Duration read = VmClones.readTime(source.datastoreModel(), bytes);
        Duration write = VmClones.writeTime(target.datastoreModel(), bytes);
        return read.compareTo(write) >= 0 ? read : write;
    }
}
