package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.lab.Wait;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.PlanKind;
import dev.hyperlab.core.engine.machine.VmMachine;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Starting VMs in batches (a boot storm, a host's autostart) and waiting for the work a VM request started, or for a
 * VM to reach a state: the simulation runs until it does, at most a timeout.
 */
final class VmStarts {
    private final LabModel lab;

    VmStarts(LabModel lab) {
        this.lab = lab;
    }

    /**
     * Starts several VMs as one request, as a boot storm or a host's autostart does: every start is checked first
     * (one refusal refuses all, nothing changed), then all are queued, then each host's start policy admits them,
     * so priority groups order the whole batch. A VM its host then has no memory for is refused with a reason.
     */
    public void startVms(java.util.Collection<String> names) {
        List<VmMachine> batch = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String n : names) {
            if (seen.add(n)) {
                VmMachine vm = lab.vmMachine(n);
                vm.checkStartable();
                batch.add(vm);
            }
        }
        java.util.LinkedHashSet<HostMachine> hostsTouched = new java.util.LinkedHashSet<>();
        for (VmMachine vm : batch) {
            vm.request();
            hostsTouched.add(vm.hostMachine());
        }
        for (HostMachine h : hostsTouched) {
            h.starts.admit();
        }
    }

    public void waitVm(String name, VmState state, Duration timeout, ProgressListener progress) {
        VmMachine v = lab.vmMachine(name);
        long deadline = Math.addExact(lab.sim().now(), timeout.toNanos());
        // a VM with no work under way (not queued to start either) stays as it is until someone asks for something
        BooleanSupplier settled = () -> v.state() == state
                || (state != VmState.CRASHED && v.state() == VmState.CRASHED)
                || (state != VmState.CRASHED && v.state() != VmState.STARTING && !v.busy());
        boolean reached = lab.runUntil(deadline, settled, false, progress) && v.state() == state;
        if (reached) {
            return;
        }
        if (v.state() == VmState.CRASHED && state != VmState.CRASHED) {
            throw vmCrashed(v);
        }
        if (lab.sim().now() >= deadline) {
            throw SimulationRun.timedOut(timeout, "VM " + name + " is " + v.state().id()
                    + (v.busy() ? ", " + v.planKind().doing() : ""));
        }
        throw LabException.notAllowed("VM " + name + " is " + v.state().id() + " and will not become " + state.id()
                + (v.reason().isEmpty() ? "" : ": " + v.reason()), requestFor(v, state));
    }

    /** What to ask of {@code v} for it to reach {@code wanted}: the hint of a wait that nothing will end. */
    private static String requestFor(VmMachine v, VmState wanted) {
        return switch (wanted) {
            case RUNNING -> v.state() == VmState.SUSPENDED ? "resume it: vm resume " + v.name
                    // starting it again would be refused again: the way out is room on its host, or another host
                    : v.reason().startsWith("start refused") ? "free room on " + v.hostMachine().name
                            + " or start it on another host: vm migrate " + v.name + " {migrate.host}"
                    : "start it: vm start " + v.name;
            case SHUTOFF -> "nothing is stopping it: vm shutdown " + v.name + " asks the guest to";
            case SUSPENDED -> "nothing is suspending it: vm suspend " + v.name + " does";
            default -> "nothing scheduled will make it " + wanted.id();
        };
    }

    /**
     * Makes {@code request} of VM {@code name}, then, as {@code wait} says, runs the simulation until the lasting work
     * it started is over (a reboot, shutdown, suspend, resume, a snapshot's pause, a revert's load), at most the wait's
     * timeout; returns at once when it started none. Throws TIMEOUT when the work is not over in time (it goes on),
     * NOT_ALLOWED when the VM crashed on the way.
     */
    public void requestVm(String name, Wait wait, ProgressListener progress, Runnable request) {
        VmMachine before = lab.vmMachine(name);
        long runBefore = before.run();
        request.run();
        VmMachine v = lab.vms.get(name);
        // a new plan bumps the run; a revert puts a new machine in the VM's place
        if (!wait.waits() || v == null || (v == before && v.run() == runBefore) || v.planKind() == null) {
            return;
        }
        PlanKind kind = v.planKind();
        long run = v.run();
        Duration timeout = wait.timeout();
        long deadline = Math.addExact(lab.sim().now(), timeout.toNanos());
        // a revert puts a new machine in the VM's place; the work is over when this plan is no longer its plan
        BooleanSupplier over = () -> lab.vms.get(name) != v || v.run() != run || v.planKind() != kind;
        if (!lab.runUntil(deadline, over, false, progress)) {
            throw lab.sim().now() >= deadline
                    ? SimulationRun.timedOut(timeout, "VM " + name + " is still " + kind.doing())
                    : new IllegalStateException("VM " + name + " is " + kind.doing() + " with nothing scheduled");
        }
        VmMachine now = lab.vms.get(name);
        if (now != null && now.state() == VmState.CRASHED) {
            throw vmCrashed(now);
        }
    }

    private static LabException vmCrashed(VmMachine v) {
        return LabException.notAllowed("VM " + v.name + " crashed: " + v.reason(), "see vm info " + v.name);
    }
}
