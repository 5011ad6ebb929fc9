package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostMemory;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.Wait;
import java.time.Duration;
import java.util.List;

/** A {@link Host} handle: the name and the lab; every call goes to the lab's model. */
final class HostHandle implements Host {
    private final LocalLab lab;
    private final String name;

    HostHandle(LocalLab lab, String name) {
        this.lab = lab;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public HostState state() {
        return lab.read(m -> m.hostState(name));
    }

    @Override
    public HostInfo info() {
        return lab.read(m -> m.hostInfo(name));
    }

    @Override
    public void install(HypervisorType type) {
        install(type, null);
    }

    @Override
    public void install(HypervisorType type, HostOs hostOs) {
        lab.change(m -> m.installHost(name, type, hostOs));
    }

    @Override
    public void powerOn() {
        powerOn(Wait.NONE);
    }

    @Override
    public void powerOn(Wait wait) {
        lab.change(m -> m.requestHost(name, wait, lab.progress(), () -> m.powerOn(name)));
    }

    @Override
    public void powerOff() {
        powerOff(Wait.NONE);
    }

    @Override
    public void powerOff(Wait wait) {
        lab.change(m -> m.powerOff(name)); // the power is cut at once: nothing to wait for
    }

    @Override
    public void reset() {
        reset(Wait.NONE);
    }

    @Override
    public void reset(Wait wait) {
        lab.change(m -> m.requestHost(name, wait, lab.progress(), () -> m.reset(name)));
    }

    @Override
    public void delete() {
        lab.change(m -> m.deleteHost(name));
    }

    @Override
    public dev.hyperlab.api.lab.MaintenanceInfo maintenance(boolean on) {
        dev.hyperlab.api.lab.MaintenanceInfo[] out = new dev.hyperlab.api.lab.MaintenanceInfo[1];
        lab.change(m -> out[0] = m.maintenanceHost(name, on, lab.progress()));
        return out[0];
    }

    @Override
    public java.time.Duration preload(String os) {
        java.time.Duration[] took = new java.time.Duration[1];
        lab.change(m -> took[0] = m.preloadHost(name, os, lab.progress()));
        return took[0];
    }

    @Override
    public void waitFor(HostState state, Duration timeout) {
        lab.change(m -> m.waitHost(name, state, timeout, lab.progress()));
    }

    @Override
    public List<Vm> vms() {
        return lab.read(m -> m.vmsOn(name)).stream().map(n -> (Vm) new VmHandle(lab, n)).toList();
    }

    @Override
    public dev.hyperlab.api.lab.HostStat stat() {
        return lab.read(m -> m.hostStat(name));
    }

    @Override
    public HostMemory memory() {
        return lab.read(m -> m.hostMemory(name));
    }

    @Override
    public MemoryPolicy memoryPolicy() {
        return lab.read(m -> m.memoryPolicy(name));
    }

    @Override
    public void setMemoryPolicy(MemoryPolicy policy) {
        lab.change(m -> m.setMemoryPolicy(name, policy));
    }

    @Override
    public StartPolicy startPolicy() {
        return lab.read(m -> m.startPolicy(name));
    }

    @Override
    public void setStartPolicy(StartPolicy policy) {
        lab.change(m -> m.setStartPolicy(name, policy));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostHandle h && h.lab == lab && h.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return "host " + name;
    }

    @Override
    public SecureBootKey secureBootEnroll(String certificateFile) {
        return lab.enrollKey("host", name, certificateFile);
    }

    @Override
    public List<SecureBootKey> secureBootKeys() {
        return lab.read(m -> m.enrolledKeys("host", name));
    }

    @Override
    public dev.hyperlab.api.lab.HostCalibration calibrate(int maxAtOnce, String profileFile) {
        throw LabException.notAllowed("host " + name + " is simulated: host calibrate measures real boots",
                "run it in a lab made with {open.backend} qemu, then host create NAME {createHost.profileFile} here");
    }
}
