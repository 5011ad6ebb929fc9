package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.calibration.HotAdd;
import dev.hyperlab.core.calibration.OsProfile;

/**
 * CPU and memory hot-add: a VM defined with room ({@code --max-vcpus}, {@code --max-memory}, as QEMU's
 * {@code -smp N,maxcpus=M} and {@code -m SIZE,slots=n,maxmem=MAX}) takes more vCPUs or memory while it runs, when its
 * guest OS onlines them ({@link HotAdd}). Less of either needs it stopped: QEMU's memory hot-unplug needs the guest to
 * give the DIMM back, and the balloon ({@code mem balloon}) is how a running guest gives memory back here.
 */
final class VmHotPlug {
    private VmHotPlug() {}

    /** Checks a VM's hot-add room against its configuration and its host (0 means no room). */
    static void checkRoom(String name, HostMachine h, int vcpus, long memory, int maxVcpus, long maxMemory) {
        if (maxVcpus < 0 || (maxVcpus > 0 && maxVcpus < vcpus)) {
            throw LabException.invalid("VM " + name + ": at most " + LabModel.count(maxVcpus, "vCPU")
                    + " while running is fewer than its " + vcpus, "{maxVcpus} at least its vCPUs (" + vcpus + ")");
        }
        if (maxVcpus > h.cores) {
            throw LabException.insufficient("VM " + name + " could grow to " + LabModel.count(maxVcpus, "vCPU")
                    + " but host " + h.name + " has " + LabModel.count(h.cores, "core"), "{maxVcpus} at most "
                    + h.cores);
        }
        if (maxMemory < 0 || (maxMemory > 0 && maxMemory < memory)) {
            throw LabException.invalid("VM " + name + ": at most " + Sizes.format(Math.max(0, maxMemory))
                    + " while running is less than its " + Sizes.format(memory), "{maxMemoryBytes} at least its memory ("
                    + Sizes.format(memory) + ")");
        }
        if (maxMemory > h.ram) {
            throw LabException.insufficient("VM " + name + " could grow to " + Sizes.format(maxMemory)
                    + " of memory but host " + h.name + " has " + Sizes.format(h.ram), "{maxMemoryBytes} at most "
                    + Sizes.format(h.ram));
        }
    }

    /** Adds the vCPUs and memory {@code change} asks for to running {@code vm}; everything is checked first. */
    static void hotAdd(VmMachine vm, VmChange change) {
        int vcpus = change.vcpus().orElse(vm.vcpus);
        long memory = change.memoryBytes().orElse(vm.memory);
        String name = vm.name;
        if (vcpus < vm.vcpus) {
            throw LabException.notAllowed("VM " + name + " runs: its vCPUs cannot go from " + vm.vcpus + " to " + vcpus
                    + " while it runs (vCPU hot-unplug is not modelled)", "vm shutdown " + name + " first");
        }
        if (memory < vm.memory) {
            throw LabException.notAllowed("VM " + name + " runs: its memory cannot shrink from "
                    + Sizes.format(vm.memory) + " to " + Sizes.format(memory) + " while it runs", "mem balloon " + name
                    + " " + Sizes.format(memory) + " lends it back while it runs; or shut it down first");
        }
        if (vcpus > vm.vcpusCeiling()) {
            throw LabException.insufficient("VM " + name + " can have at most " + LabModel.count(vm.vcpusCeiling(),
                    "vCPU") + " while it runs: its hot-add room", "shut it down, then vm set " + name
                    + " {maxVcpus} " + vcpus + " gives it room from its next boot");
        }
        if (memory > vm.memoryCeiling()) {
            throw LabException.insufficient("VM " + name + " can have at most " + Sizes.format(vm.memoryCeiling())
                    + " of memory while it runs: its hot-add room", "shut it down, then vm set " + name
                    + " {maxMemoryBytes} " + Sizes.format(memory) + " gives it room from its next boot");
        }
        OsProfile os = vm.profileOrDefault();
        String cpu = vcpus > vm.vcpus ? HotAdd.cpuRefusal(os) : "";
        if (!cpu.isEmpty()) {
            throw LabException.notAllowed("VM " + name + "'s guest (" + os.id() + ") cannot take vCPUs while it runs: "
                    + cpu, "shut it down, then vm set " + name + " {vcpus} " + vcpus);
        }
        String mem = memory > vm.memory ? HotAdd.memoryRefusal(os) : "";
        if (!mem.isEmpty()) {
            throw LabException.notAllowed("VM " + name + "'s guest (" + os.id() + ") cannot take memory while it runs: "
                    + mem, "shut it down, then vm set " + name + " {memoryBytes} " + Sizes.format(memory));
        }
        String room = memory > vm.memory ? vm.hostMachine().memory.hotAddRefusal(vm, memory - vm.memory) : "";
        if (!room.isEmpty()) {
            throw LabException.insufficient(room, "free memory on the host first (mem stat " + vm.host + ")");
        }
        if (vcpus != vm.vcpus || memory != vm.memory) {
            vm.hotAdd(vcpus, memory);
        }
    }
}
