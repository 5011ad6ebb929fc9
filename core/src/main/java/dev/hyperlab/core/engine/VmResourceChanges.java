package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmResources;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.machine.VmMemoryRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code vm set --cpu-shares --cpu-reservation --cpu-limit --mem-reservation --mem-limit --disk-shares
 * --disk-iops-limit --disk-iops-reservation}: a VM's resource controls,
 * changed in any state as vSphere's "Edit Resource Settings" and cgroup v2's interface files change them on a running
 * VM. Everything is checked first: the ranges (shares a positive count, as vSphere's custom shares are), a limit below its reservation, a reservation beyond the VM's size, and, for a VM that holds host
 * resources now, a reservation its host cannot cover beside its other running VMs'.
 */
final class VmResourceChanges {
    /** The most CPU shares a VM may have: an input bound of hyperlab's own (docs/calibration.md, Gaps 33). */
    static final int MAX_SHARES = 1_000_000;

    private VmResourceChanges() {}

    static VmMachine apply(LabModel lab, String name, VmResources r) {
        VmMachine vm = lab.vmMachine(name);
        HostMachine h = vm.hostMachine();
        if (r.cpuShares() < 0 || r.cpuShares() > MAX_SHARES) {
            throw LabException.invalid("VM " + name + ": " + r.cpuShares() + " CPU shares is out of range",
                    "1 to " + MAX_SHARES + " (" + VmMachine.SHARES_PER_VCPU + " a vCPU is normal), or 0 for normal");
        }
        if (r.cpuReservationMhz() < 0 || r.cpuLimitMhz() < 0 || r.memReservation() < 0 || r.memLimit() < 0) {
            throw LabException.invalid("VM " + name + ": a reservation or limit is negative", "0 (none) or more");
        }
        if (r.diskShares() < 0 || r.diskShares() > MAX_SHARES) {
            throw LabException.invalid("VM " + name + ": " + r.diskShares() + " disk shares is out of range",
                    "1 to " + MAX_SHARES + " (low 500, normal 1000, high 2000), or 0 for the default");
        }
        if (r.diskIopsLimit() < 0 || r.diskIopsReservation() < 0) {
            throw LabException.invalid("VM " + name + ": a disk IOPS limit or reservation is negative", "0 (none) or more");
        }
        if (r.diskIopsLimit() > 0 && r.diskIopsLimit() < r.diskIopsReservation()) {
            throw LabException.invalid("VM " + name + ": its disk IOPS limit (" + r.diskIopsLimit() + ") is below its "
                    + "reservation (" + r.diskIopsReservation() + ")", "a limit at least the reservation, or 0 for none");
        }
        long vmMhz = Math.round(Math.min(vm.vcpus, h.cores) * h.cpuGhz() * 1000);
        if (r.cpuReservationMhz() > vmMhz) {
            throw LabException.invalid("VM " + name + ": a CPU reservation of " + r.cpuReservationMhz() + " MHz is more "
                    + "than its " + LabModel.count(vm.vcpus, "vCPU") + " can use on host " + h.name, "at most " + vmMhz
                    + " MHz (" + Math.min(vm.vcpus, h.cores) + " × " + Math.round(h.cpuGhz() * 1000) + " MHz)");
        }
        if (r.cpuLimitMhz() > 0 && r.cpuLimitMhz() < r.cpuReservationMhz()) {
            throw LabException.invalid("VM " + name + ": its CPU limit (" + r.cpuLimitMhz() + " MHz) is below its "
                    + "reservation (" + r.cpuReservationMhz() + " MHz)", "a limit at least the reservation, or 0 for none");
        }
        if (r.memReservation() > vm.memory) {
            throw LabException.invalid("VM " + name + ": a memory reservation of " + Sizes.format(r.memReservation())
                    + " is more than its " + Sizes.format(vm.memory), "at most its memory");
        }
        if (r.memLimit() > 0 && r.memLimit() < Math.max(r.memReservation(), VmMemoryRule.MIN)) {
            throw LabException.invalid("VM " + name + ": its memory limit (" + Sizes.format(r.memLimit()) + ") is below "
                    + (r.memLimit() < r.memReservation() ? "its reservation (" + Sizes.format(r.memReservation()) + ")"
                            : "the least a guest runs in (" + Sizes.format(VmMemoryRule.MIN) + ")"),
                    "a larger limit, or 0 for none");
        }
        String words = describe(vm.resources(), r);
        if (vm.holdsMemory()) {
            VmResources before = vm.resources();
            vm.setResources(r);
            String cpu = h.cpuReservationRefusal(vm);
            String mem = h.memory.refusal(vm);
            if (!cpu.isEmpty() || !mem.isEmpty()) {
                vm.setResources(before);
                throw LabException.insufficient("VM " + name + " runs and " + (cpu.isEmpty() ? mem : cpu),
                        "a smaller reservation, or stop another VM on " + h.name + " first");
            }
        }
        vm.setResources(r);
        lab.log(name, "resources", words);
        return vm;
    }

    /** The changes as words for the event log: {@code cpu-shares 0->4000 cpu-reservation 0->2100MHz}. */
    private static String describe(VmResources a, VmResources b) {
        List<String> w = new ArrayList<>();
        if (a.cpuShares() != b.cpuShares()) {
            w.add("cpu-shares " + a.cpuShares() + "->" + b.cpuShares());
        }
        if (a.cpuReservationMhz() != b.cpuReservationMhz()) {
            w.add(String.format(Locale.ROOT, "cpu-reservation %dMHz->%dMHz", a.cpuReservationMhz(), b.cpuReservationMhz()));
        }
        if (a.cpuLimitMhz() != b.cpuLimitMhz()) {
            w.add(String.format(Locale.ROOT, "cpu-limit %dMHz->%dMHz", a.cpuLimitMhz(), b.cpuLimitMhz()));
        }
        if (a.memReservation() != b.memReservation()) {
            w.add("mem-reservation " + Sizes.format(a.memReservation()) + "->" + Sizes.format(b.memReservation()));
        }
        if (a.memLimit() != b.memLimit()) {
            w.add("mem-limit " + Sizes.format(a.memLimit()) + "->" + Sizes.format(b.memLimit()));
        }
        if (a.diskShares() != b.diskShares()) {
            w.add("disk-shares " + a.diskShares() + "->" + b.diskShares());
        }
        if (a.diskIopsLimit() != b.diskIopsLimit()) {
            w.add("disk-iops-limit " + a.diskIopsLimit() + "->" + b.diskIopsLimit());
        }
        if (a.diskIopsReservation() != b.diskIopsReservation()) {
            w.add("disk-iops-reservation " + a.diskIopsReservation() + "->" + b.diskIopsReservation());
        }
        return w.isEmpty() ? "nothing" : String.join(" ", w);
    }
}
