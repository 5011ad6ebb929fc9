package dev.hyperlab.core.engine;

import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.engine.image.ImageStore;
import dev.hyperlab.core.engine.machine.BootSearchMemo;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.MachineEnv;
import dev.hyperlab.core.engine.machine.PlannedStep;
import dev.hyperlab.core.engine.machine.VmDisk;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.sim.Simulation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The lab as its machines see it: the few operations they need, by delegation. */
final class LabEnv implements MachineEnv {
    private final LabModel lab;
    /** Boot searches over unwritten copies of base images, made once per lab (not saved: a load finds the same). */
    private final BootSearchMemo bootSearches = new BootSearchMemo();

    LabEnv(LabModel lab) {
        this.lab = lab;
    }

    @Override
    public Simulation sim() {
        return lab.sim();
    }

    @Override
    public long seed() {
        return lab.seed();
    }

    @Override
    public boolean logging() {
        return lab.logging();
    }

    @Override
    public void log(String machine, String... words) {
        lab.log(machine, words);
    }

    @Override
    public void log(String machine, String w1) {
        lab.log(machine, w1);
    }

    @Override
    public void log(String machine, String w1, String w2) {
        lab.log(machine, w1, w2);
    }

    @Override
    public void log(String machine, String w1, String w2, String w3) {
        lab.log(machine, w1, w2, w3);
    }

    @Override
    public void log(String machine, String w1, String w2, String w3, String w4) {
        lab.log(machine, w1, w2, w3, w4);
    }

    @Override
    public Extensions extensions() {
        return lab.extensions();
    }

    @Override
    public dev.hyperlab.core.calibration.Workload workload(String id) {
        return lab.workloads.get(id);
    }

    @Override
    public BootSearchMemo bootSearches() {
        return bootSearches;
    }

    @Override
    public void requireExtensions(String firmwareId, List<String> driverIds) {
        lab.requireExtensions(firmwareId, driverIds);
    }

    @Override
    public ImageStore images() {
        return lab.images();
    }

    @Override
    public long nextRequest() {
        return lab.nextRequest();
    }

    @Override
    public String diskOwner(String path) {
        for (VmMachine v : lab.vms.values()) {
            for (VmDisk d : v.disks) {
                if (d.path().equals(path)) {
                    return v.name;
                }
            }
        }
        return "";
    }

    @Override
    public List<String> linkedClonesOf(VmMachine vm) {
        Set<String> paths = new HashSet<>();
        vm.disks.forEach(d -> paths.add(d.path()));
        List<String> out = new ArrayList<>();
        for (VmMachine v : lab.vms.values()) { // sorted by name
            if (v.linkedDisks().stream().anyMatch(paths::contains)) {
                out.add(v.name);
            }
        }
        return out;
    }

    @Override
    public HostMachine hostMachine(String name) {
        return lab.hostMachine(name);
    }

    @Override
    public VmMachine vmMachine(String name) {
        return lab.vmMachine(name);
    }

    @Override
    public void guestStepDone(VmMachine vm, PlannedStep step) {
        lab.guestIo.stepDone(vm, step);
    }
}
