package dev.hyperlab.core.engine;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.MaintenanceInfo;
import dev.hyperlab.api.lab.MigrateOptions;
import dev.hyperlab.api.lab.MigrationInfo;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle;
import dev.hyperlab.core.engine.machine.HostMachine;
import dev.hyperlab.core.engine.machine.VmMachine;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code host maintenance HOST on|off}, as vSphere's maintenance mode with DRS moves a host's VMs away: every VM of the
 * host is placed first (a plan on the hosts' figures, so a drain that does not fit changes nothing), then moved one at a
 * time, running ones live ({@link LiveMigration}) and stopped ones offline ({@link VmMigrations}). Placement is
 * deterministic: VMs by start priority (lower boot-priority number first), then name; each to the running host with
 * the most memory it can still promise after the VMs already placed there, then by name.
 */
final class HostMaintenance {
    private HostMaintenance() {}

    static MaintenanceInfo set(LabModel lab, String name, boolean on, ProgressListener progress) {
        HostMachine h = lab.hostMachine(name);
        if (h.inMaintenance() == on) {
            throw LabException.invalid("host " + name + " is " + (on ? "in maintenance already" : "not in maintenance"),
                    on ? "host maintenance " + name + " off brings it back" : "host maintenance " + name + " on drains it");
        }
        if (!on) {
            h.setMaintenance(false);
            lab.log(name, "maintenance", "off");
            return new MaintenanceInfo(name, false, List.of());
        }
        Map<VmMachine, HostMachine> plan = plan(lab, h);
        h.setMaintenance(true); // from now nothing starts or lands on it
        lab.log(name, "maintenance", "on", LabModel.count(plan.size(), "VM") + " to move");
        List<MigrationInfo> moved = new ArrayList<>();
        for (Map.Entry<VmMachine, HostMachine> e : plan.entrySet()) {
            VmMachine vm = e.getKey();
            String to = e.getValue().name;
            try {
                moved.add(vm.state() == VmState.RUNNING
                        ? LiveMigration.migrate(lab, vm.name, to, MigrateOptions.LIVE, progress)
                        : VmMigrations.offline(lab, vm.name, to, progress));
            } catch (LabException ex) {
                throw new LabException(ex.kind(), "host " + name + " is in maintenance with " + (plan.size()
                        - moved.size()) + " of its VMs not moved: " + ex.getMessage(), "move them yourself (vm "
                        + "migrate), or host maintenance " + name + " off", ex);
            }
        }
        return new MaintenanceInfo(name, true, moved);
    }

    /** A host in maintenance takes no VM: refused with what to do. */
    static void checkPlaceable(HostMachine h, String what) {
        if (h.inMaintenance()) {
            throw LabException.notAllowed("host " + h.name + " is in maintenance", what + " on another host, or host "
                    + "maintenance " + h.name + " off first");
        }
    }

    /** Where each of {@code h}'s VMs goes, in the order they move; refused (nothing changed) when one has no place. */
    private static Map<VmMachine, HostMachine> plan(LabModel lab, HostMachine h) {
        List<VmMachine> vms = new ArrayList<>();
        for (String n : h.vms) {
            vms.add(lab.vmMachine(n));
        }
        vms.sort(Comparator.comparingInt((VmMachine v) -> v.bootPriority).thenComparing(v -> v.name));
        List<HostMachine> targets = new ArrayList<>();
        for (HostMachine t : lab.hosts.values()) {
            if (t != h && t.state() == HostState.RUNNING && t.hypervisor() != null && !t.inMaintenance()) {
                targets.add(t);
            }
        }
        if (targets.isEmpty() && !vms.isEmpty()) {
            throw LabException.insufficient("host " + h.name + " cannot enter maintenance: no other running host with "
                    + "a hypervisor to move its " + LabModel.count(vms.size(), "VM") + " to", "power on another host");
        }
        Map<HostMachine, Long> promised = new LinkedHashMap<>();
        Map<HostMachine, Double> reserved = new LinkedHashMap<>();
        for (HostMachine t : targets) {
            promised.put(t, 0L);
            reserved.put(t, 0.0);
        }
        Map<VmMachine, HostMachine> plan = new LinkedHashMap<>();
        for (VmMachine vm : vms) {
            boolean live = vm.state() == VmState.RUNNING;
            HostMachine best = null;
            long bestLeft = Long.MIN_VALUE;
            List<String> why = new ArrayList<>();
            for (HostMachine t : targets) {
                String no = refusal(lab, vm, t, live, promised.get(t), reserved.get(t));
                if (!no.isEmpty()) {
                    why.add(no);
                    continue;
                }
                long left = t.memory.headroom() - promised.get(t);
                if (left > bestLeft) { // targets are in name order: the first of equals wins
                    best = t;
                    bestLeft = left;
                }
            }
            if (best == null) {
                throw LabException.insufficient("host " + h.name + " cannot enter maintenance: VM " + vm.name
                        + " fits on no other host (" + String.join("; ", why) + ")", "power on or free another host, "
                        + "or move or stop VM " + vm.name + " first");
            }
            if (live) {
                promised.merge(best, best.memory.promiseOf(vm), Long::sum);
                reserved.merge(best, vm.cpuReservationGhz(), Double::sum);
            }
            plan.put(vm, best);
        }
        return plan;
    }

    /** Why {@code vm} cannot go to {@code t} next to what the plan already put there, or empty. */
    private static String refusal(LabModel lab, VmMachine vm, HostMachine t, boolean live, long promised,
            double reserved) {
        try {
            VmMigrations.checkMovable(vm, t, t.name, live ? VmLifecycle.Action.MIGRATE_LIVE : VmLifecycle.Action.MIGRATE);
        } catch (LabException e) {
            return e.getMessage();
        }
        if (!live) {
            return "";
        }
        if (vm.planKind() != null || vm.snapshotJob() != null) {
            return "VM " + vm.name + " is " + (vm.planKind() != null ? vm.planKind().doing() : "in a snapshot operation");
        }
        if (vm.memoryNeed() > t.usableMemory()) {
            return t.name + " has " + Sizes.format(t.usableMemory()) + " for VMs, it needs " + Sizes.format(vm.memoryNeed());
        }
        long need = t.memory.promiseOf(vm);
        long left = t.memory.headroom() - promised;
        if (need > left) {
            return t.name + " can promise " + Sizes.format(Math.max(0, left)) + " more, it needs " + Sizes.format(need);
        }
        double want = vm.cpuReservationGhz();
        if (want > 0 && t.reservedGhz(null) + reserved + want > t.reservableGhz() + 1e-9) {
            return t.name + " has " + Math.round((t.reservableGhz() - t.reservedGhz(null) - reserved) * 1000)
                    + " MHz left to reserve, it reserves " + Math.round(want * 1000) + " MHz";
        }
        try {
            LiveMigration.plan(lab, vm, t, MigrateOptions.LIVE);
        } catch (LabException e) {
            return e.getMessage();
        }
        return "";
    }
}
