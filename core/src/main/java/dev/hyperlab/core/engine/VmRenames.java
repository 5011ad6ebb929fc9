package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Names;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.snapshot.SnapshotRecord;
import java.util.List;
import java.util.Map;

/**
 * {@code vm rename OLD NEW} of a stopped VM, as {@code virsh domrename} renames an inactive domain: the VM keeps its
 * host, definition, history and disks, whose files stay where they are (a new VM of the old name gets files of its
 * own beside them). A snapshot that holds the VM's running state names the VM inside that state (QEMU's VM-state area
 * on its first disk, checked on revert), so a VM with such snapshots is refused rather than left with snapshots it
 * could no longer revert to.
 */
final class VmRenames {
    private VmRenames() {}

    static VmMachine rename(LabModel lab, String name, String newName) {
        VmMachine vm = lab.vmMachine(name);
        Names.check("VM", newName);
        if (name.equals(newName)) {
            throw LabException.invalid("VM " + name + " is named " + newName + " already", "give another name");
        }
        lab.requireFreeName(newName);
        vm.lifecycle.check(VmLifecycle.Action.RENAME);
        List<String> withState = vm.snapshots().all().stream().filter(r -> !r.diskOnly()).map(SnapshotRecord::name)
                .toList();
        if (!withState.isEmpty()) {
            throw LabException.notAllowed("VM " + name + " has snapshots that hold its running state under its name: "
                    + String.join(", ", withState), "delete them first (snapshot delete " + name + " SNAPSHOT)");
        }
        VmMachine renamed = VmStateDoc.rebuilt(lab.env, vm, Map.of("name", newName));
        lab.removeVm(vm);
        lab.add(renamed);
        lab.log(name, "renamed to " + newName);
        lab.log(newName, "renamed from " + name);
        return renamed;
    }
}
