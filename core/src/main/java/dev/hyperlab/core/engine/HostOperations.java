package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.DiskKind;
import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.engine.machine.HostDisk;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.MemoryManager;
import dev.hyperlab.core.engine.machine.VmMachine;
import dev.hyperlab.core.engine.machine.WorkloadRun;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.calibration.HostProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The lab's operations on its physical hosts ({@code host create/delete/stat/preload}, their memory and start policies)
 * and the waits on them: each validates before it changes anything, then changes the host through its own methods.
 */
final class HostOperations {
    private final LabModel lab;
    /** A host given no disks has one NVMe disk of the default size, and boots from disk, then network. */
    private static final List<HostDiskSpec> DEFAULT_DISKS = List.of(new HostDiskSpec(DiskKind.NVME,
            LabModel.DEFAULT_HOST_DISK));
    private static final List<String> DEFAULT_BOOT_ORDER = List.of("disk", "net");

    HostOperations(LabModel lab) {
        this.lab = lab;
    }

    public void createHost(HostSpec spec) {
        add(check(spec));
    }

    /** A host spec every setting of which was checked: its machine is made only when it is added. */
    private record Checked(HostSpec spec, double ghz, String firmware, List<HostDisk> disks, List<String> bootOrder) {}

    /**
     * Defines several hosts as one request ({@code host create NAME...}, {@code Lab.createHosts}): every spec is
     * checked before the first host exists, a name given twice included, so one refusal refuses them all.
     */
    public void createHosts(List<HostSpec> specs) {
        Set<String> names = new HashSet<>();
        List<Checked> checked = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            HostSpec spec = specs.get(i);
            if (!names.add(spec.name())) {
                throw LabException.invalid("host " + spec.name() + " is named twice", "give each host its own name");
            }
            checked.add(check(spec));
        }
        for (int i = 0; i < checked.size(); i++) {
            add(checked.get(i));
        }
    }

    private void add(Checked c) {
        // made here, not when checked: a machine registers its resources with the simulation as it is made
        HostMachine h = new HostMachine(lab.env, c.spec().name(), c.spec().cores(), c.spec().ramBytes(), c.ghz(),
                c.firmware(), c.disks(), c.bootOrder());
        lab.recordOrigins(h.firmware, List.of());
        lab.add(h);
        lab.log(h.name, "created");
    }

    /** Every setting of {@code spec} checked against the lab, in the order the messages come; nothing made. */
    private Checked check(HostSpec spec) {
        String name = spec.name();
        lab.requireFreeName(name);
        if (spec.cores() < 1 || spec.cores() > 1024) {
            throw LabException.invalid("host " + name + ": " + spec.cores() + " cores is out of range", "1 to 1024");
        }
        if (spec.ramBytes() < Sizes.GiB || spec.ramBytes() > 64 * Sizes.TiB) {
            throw LabException.invalid("host " + name + ": " + Sizes.format(spec.ramBytes()) + " of RAM is out of range",
                    "1 GiB to 64 TiB");
        }
        double ghz = spec.cpuGhz() == 0 ? Calibration.REFERENCE_CORE_GHZ : spec.cpuGhz();
        if (!(ghz >= 0.5 && ghz <= 10)) {
            throw LabException.invalid("host " + name + ": " + spec.cpuGhz() + " GHz is out of range", "0.5 to 10");
        }
        String fw = spec.firmware().isEmpty() ? "uefi" : spec.firmware();
        lab.requireExtensions(fw, List.of());
        if (lab.extensions().layoutName(fw).equals("direct")) {
            throw LabException.invalid("firmware '" + fw + "' is for microVMs", "hosts use bios, uefi or a plugin's");
        }
        List<HostDiskSpec> diskSpecs = spec.disks().isEmpty() ? DEFAULT_DISKS : spec.disks();
        List<HostDisk> disks = new ArrayList<>();
        for (int i = 0; i < diskSpecs.size(); i++) {
            disks.add(new HostDisk("disk" + i, diskSpecs.get(i).kind(), diskSpecs.get(i).sizeBytes()));
        }
        List<String> order = spec.bootOrder().isEmpty() ? DEFAULT_BOOT_ORDER : spec.bootOrder();
        for (String entry : order) {
            boolean ok = entry.equals("disk") || entry.equals("net") || entry.equals("net0")
                    || disks.stream().anyMatch(d -> d.device().equals(entry));
            if (!ok) {
                throw LabException.invalid("host " + name + ": unknown boot device '" + entry + "'",
                        "use disk, net, or disk0..disk" + (disks.size() - 1));
            }
        }
        return new Checked(spec, ghz, fw, disks, order);
    }

    /**
     * Defines host {@code name} from a real machine's profile ({@code host create --profile}): its cores, memory and
     * clock, the default disk and firmware, and VMs of the profile's guest and firmware booting through the measured
     * phases (VmBootPlans).
     */
    public void createHost(String name, HostProfile profile) {
        double ghz = profile.cpuGhz() >= 0.5 && profile.cpuGhz() <= 10 ? profile.cpuGhz() : 0;
        createHost(new HostSpec(name, profile.cores(), Math.max(Sizes.GiB, profile.memoryBytes()), ghz, "", List.of(),
                List.of()));
        lab.hostMachine(name).measuredBy(profile);
    }

    /**
     * Removes host {@code name} and its disks' images ({@code host delete}): it must be off, with no VM defined on it
     * (their disks and snapshots are the user's to delete, one by one).
     */
    public void deleteHost(String name) {
        HostMachine h = lab.hostMachine(name);
        h.checkDeletable();
        if (!h.vms.isEmpty()) {
            throw LabException.conflict("host " + name + " has " + LabModel.count(h.vms.size(), "VM") + ": "
                    + String.join(", ", h.vms), "delete them first: vm delete NAME");
        }
        lab.removeHost(name);
        for (String device : h.remove()) {
            lab.images().deleteHostDisk(name, device);
        }
        lab.log(name, "deleted");
    }

    /** Its VMs' stats summed: ready as a share of all CPU asked, latency weighted by the disk time each asks. */
    public dev.hyperlab.api.lab.HostStat hostStat(String host) {
        HostMachine h = lab.hostMachine(host);
        h.memory.update();
        int running = 0;
        double wanted = 0;
        double got = 0;
        double written = 0;
        double read = 0;
        double netRx = 0;
        double netTx = 0;
        long used = 0;
        double latencyWeight = 0;
        double latencySum = 0;
        double latencyPlain = 0;
        for (String name : h.vms) {
            VmMachine v = lab.vmMachine(name);
            WorkloadRun.Totals t = v.totals();
            dev.hyperlab.api.lab.VmStat s = v.stat();
            wanted += t.cpuWanted();
            got += t.cpuGot();
            written += t.written();
            read += t.read();
            netRx += t.netRx();
            netTx += t.netTx();
            used += s.memoryUsed();
            if (v.work.running()) {
                running++;
                latencyPlain += s.diskLatency();
                double w = v.diskDemandNow();
                latencyWeight += w;
                latencySum += w * s.diskLatency();
            }
        }
        double latency = latencyWeight > 0 ? latencySum / latencyWeight : running > 0 ? latencyPlain / running : 0;
        double ready = wanted > 0 ? Math.max(0, Math.min(1, 1 - got / wanted)) : 0;
        return new dev.hyperlab.api.lab.HostStat(host, running, ready, latency, Math.round(written), Math.round(read),
                used, Math.round(netRx), Math.round(netTx));
    }

    public void setMemoryPolicy(String host, dev.hyperlab.api.lab.MemoryPolicy policy) {
        lab.hostMachine(host).memory.changePolicy(policy);
    }

    public void setStartPolicy(String host, StartPolicy policy) {
        lab.hostMachine(host).changeStartPolicy(policy);
    }

    /**
     * {@code host preload HOST --os PROFILE}: the host's datastore reads the profile's boot blocks once, sequentially
     * (as a clone's copy reads: calibration host.preload_s), and its read cache holds them from then on.
     */
    public Duration preloadHost(String name, String os, ProgressListener progress) {
        HostMachine h = lab.hostMachine(name);
        if (h.state() != dev.hyperlab.api.lab.HostState.RUNNING || !h.hasHypervisor()) {
            throw LabException.notAllowed("host " + name + " is " + h.state().id()
                    + (h.hasHypervisor() ? "" : " with no hypervisor"), "its cache is its hypervisor's RAM: "
                    + (h.hasHypervisor() ? "" : "host install " + name + ", then ") + "host power-on " + name);
        }
        dev.hyperlab.core.calibration.OsProfile profile = dev.hyperlab.core.calibration.OsProfiles.get(os);
        long bytes = h.coldBootBytes(profile);
        Duration took = VmClones.readTime(h.datastoreModel(), bytes);
        h.warmBootBlocks(profile);
        lab.log(name, "preload", os, dev.hyperlab.api.lab.Sizes.format(bytes), "in " + took.toMillis() + "ms");
        lab.advance(took, progress);
        return took;
    }

    public void waitHost(String name, HostState state, Duration timeout, ProgressListener progress) {
        HostMachine h = lab.hostMachine(name);
        long deadline = Math.addExact(lab.sim().now(), timeout.toNanos());
        // a host with no boot under way stays as it is until someone asks for something
        BooleanSupplier settled = () -> h.state() == state || !h.busy()
                || (state != HostState.FAILED && h.state() == HostState.FAILED);
        boolean reached = lab.runUntil(deadline, settled, false, progress) && h.state() == state;
        if (reached) {
            return;
        }
        if (h.state() == HostState.FAILED) {
            throw hostFailed(h);
        }
        if (lab.sim().now() >= deadline) {
            throw SimulationRun.timedOut(timeout, "host " + name + " is " + h.state().id());
        }
        throw LabException.notAllowed("host " + name + " is " + h.state().id() + " and will not become " + state.id(),
                h.state() == HostState.OFF && state != HostState.OFF ? "power it on: host power-on " + name
                        : state == HostState.OFF ? "nothing is powering it off: host power-off " + name + " does"
                        : "nothing scheduled will make it " + state.id());
    }

    /**
     * {@link VmStarts#requestVm} for a host: the work a power-on or a reset starts is its boot; it failed if the host does not
     * run when it is over.
     */
    public void requestHost(String name, Wait wait, ProgressListener progress, Runnable request) {
        HostMachine h = lab.hostMachine(name);
        request.run();
        if (!wait.waits() || h.planKind() == null) {
            return;
        }
        long run = h.run();
        Duration timeout = wait.timeout();
        long deadline = Math.addExact(lab.sim().now(), timeout.toNanos());
        if (!lab.runUntil(deadline, () -> h.run() != run || h.planKind() == null, false, progress)) {
            throw lab.sim().now() >= deadline ? SimulationRun.timedOut(timeout, "host " + name + " is still booting")
                    : new IllegalStateException("host " + name + " boots with nothing scheduled");
        }
        if (h.state() == HostState.FAILED) {
            throw hostFailed(h);
        }
    }

    private static LabException hostFailed(HostMachine h) {
        return LabException.notAllowed("host " + h.name + " failed: " + h.reason(), "see timeline " + h.name);
    }
}
