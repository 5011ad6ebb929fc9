package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.machine.VmMemoryRule;
import dev.hyperlab.core.calibration.OsProfiles;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code vm set}: more vCPUs or memory for a running VM within its hot-add room ({@link VmHotPlug}), or a change to a
 * stopped VM's definition, as {@code virsh setvcpus/setmaxmem/attach-device --config}
 * make one. A VM's configuration never changes under a machine object (its derived values are resolved once), so the
 * change builds the VM again from its saved form with the new values, history and snapshots kept, and puts it in the
 * old one's place. Everything is checked before anything changes.
 */
final class VmChanges {
    private VmChanges() {}

    static VmMachine apply(LabModel lab, String name, VmChange change) {
        VmMachine vm = lab.vmMachine(name);
        if (change.isEmpty()) {
            return vm;
        }
        change.workload().ifPresent(lab.workloads::get); // an unknown one changes nothing
        if (change.onlyLive()) { // like virsh autostart, in any state: neither is part of the machine it boots
            change.autostart().ifPresent(vm::setAutostart);
            change.workload().ifPresent(vm::setWorkload);
            return vm;
        }
        if (vm.state() == dev.hyperlab.api.lab.VmState.RUNNING && change.onlyHotPlug()) {
            VmHotPlug.hotAdd(vm, change);
            change.autostart().ifPresent(vm::setAutostart);
            change.workload().ifPresent(vm::setWorkload);
            return vm;
        }
        vm.lifecycle.check(VmLifecycle.Action.SET);
        HostMachine h = vm.hostMachine();
        int vcpus = change.vcpus().orElse(vm.vcpus);
        if (vcpus < 1) {
            throw LabException.invalid("VM " + name + ": " + vcpus + " vCPUs is out of range", "1 or more");
        }
        if (vcpus > h.cores) {
            throw LabException.insufficient("VM " + name + " would have " + LabModel.count(vcpus, "vCPU") + " but host "
                    + h.name + " has " + LabModel.count(h.cores, "core"), "give it at most "
                    + LabModel.count(h.cores, "vCPU"));
        }
        long memory = change.memoryBytes().orElse(vm.memory);
        VmMemoryRule.requireConfigured(name, memory);
        if (memory > h.ram) {
            throw LabException.insufficient("VM " + name + " would need " + Sizes.format(memory) + " of memory but host "
                    + h.name + " has " + Sizes.format(h.ram), "give it less memory");
        }
        int maxVcpus = change.maxVcpus().orElse(vm.vcpusCeiling() > vm.vcpus ? vm.vcpusCeiling() : 0);
        long maxMemory = change.maxMemoryBytes().orElse(vm.memoryCeiling() > vm.memory ? vm.memoryCeiling() : 0L);
        if (change.vcpus().isPresent() && change.maxVcpus().isEmpty() && maxVcpus < vcpus) {
            maxVcpus = 0; // more vCPUs than its old room: no room left, as after vm create --vcpus N alone
        }
        if (change.memoryBytes().isPresent() && change.maxMemoryBytes().isEmpty() && maxMemory < memory) {
            maxMemory = 0;
        }
        VmHotPlug.checkRoom(name, h, vcpus, memory, maxVcpus, maxMemory);
        String firmware = change.firmware().orElse(vm.firmware);
        List<String> drivers = drivers(vm, change);
        lab.requireExtensions(firmware, change.addDrivers());

        Map<String, Object> changed = new LinkedHashMap<>();
        changed.put("vcpus", (long) vcpus);
        changed.put("memory", memory);
        changed.put("firmware", firmware);
        changed.put("drivers", drivers);
        changed.put("bootPriority", (long) change.bootPriority().orElse(vm.bootPriority));
        changed.put("maxVcpus", (long) maxVcpus);
        changed.put("maxMemory", maxMemory);
        changed.put("autostart", change.autostart().orElse(vm.autostart()));
        change.workload().ifPresent(w -> changed.put("workload", w));
        VmMachine next = VmStateDoc.rebuilt(lab.env, vm, changed);
        lab.replaceVm(next);
        lab.recordOrigins(firmware, change.addDrivers());
        lab.log(name, "changed", describe(vm, next));
        return next;
    }

    /** The VM's installed drivers after the change; a driver added twice or removed when absent is refused. */
    private static List<String> drivers(VmMachine vm, VmChange change) {
        List<String> inbox = vm.os.isEmpty() ? List.of() : OsProfiles.get(vm.os).inboxDrivers();
        List<String> out = new ArrayList<>(vm.drivers);
        for (String d : change.removeDrivers()) {
            if (inbox.contains(d)) {
                throw LabException.invalid("driver " + d + " is VM " + vm.name + "'s OS's own: " + vm.os,
                        "an OS's inbox drivers stay; remove only drivers added to it: "
                                + (vm.drivers.isEmpty() ? "it has none" : String.join(", ", vm.drivers)));
            }
            if (!out.remove(d)) {
                throw LabException.notFound("VM " + vm.name + " has no driver " + d + " installed",
                        vm.drivers.isEmpty() ? "it has none added" : "it has " + String.join(", ", vm.drivers));
            }
        }
        for (String d : change.addDrivers()) {
            if (out.contains(d) || inbox.contains(d)) {
                throw LabException.invalid("VM " + vm.name + " already has driver " + d,
                        inbox.contains(d) ? "its OS (" + vm.os + ") has it inbox" : "it was installed before");
            }
            out.add(d);
        }
        return out;
    }

    /** The changes as words for the event log: {@code vcpus 2->4 memory 2 GiB->4 GiB drivers +virtio-blk}. */
    private static String describe(VmMachine before, VmMachine after) {
        List<String> words = new ArrayList<>();
        if (before.vcpus != after.vcpus) {
            words.add("vcpus " + before.vcpus + "->" + after.vcpus);
        }
        if (before.memory != after.memory) {
            words.add("memory " + Sizes.format(before.memory) + "->" + Sizes.format(after.memory));
        }
        if (!before.firmware.equals(after.firmware)) {
            words.add("firmware " + before.firmware + "->" + after.firmware);
        }
        if (!before.drivers.equals(after.drivers)) {
            words.add("drivers [" + String.join(",", before.drivers) + "]->[" + String.join(",", after.drivers) + "]");
        }
        if (before.vcpusCeiling() != after.vcpusCeiling() && after.vcpusCeiling() > after.vcpus) {
            words.add("max-vcpus " + after.vcpusCeiling());
        }
        if (before.memoryCeiling() != after.memoryCeiling() && after.memoryCeiling() > after.memory) {
            words.add("max-memory " + Sizes.format(after.memoryCeiling()));
        }
        if (before.bootPriority != after.bootPriority) {
            words.add("boot-priority " + before.bootPriority + "->" + after.bootPriority);
        }
        if (before.autostart() != after.autostart()) {
            words.add("autostart " + (after.autostart() ? "on" : "off"));
        }
        if (!before.workload().id().equals(after.workload().id())) {
            words.add("workload " + before.workload().id() + "->" + after.workload().id());
        }
        return words.isEmpty() ? "nothing" : String.join(" ", words);
    }
}
