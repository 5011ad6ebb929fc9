package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.MemoryPolicy;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.firmware.LabCa;
import dev.hyperlab.core.firmware.SigningKeys;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Persistence that cannot forget a field: a lab in which every field of the engine's model holds something is saved
 * and loaded, and the loaded model is compared with the saved one field by field (reflection). A field a class adds
 * without saving and restoring it fails the comparison; a field the scenario below never sets fails the coverage check,
 * so that a new field cannot slip through by staying at its default here.
 */
class LabRoundTripTest {
    static final long GIB = Sizes.GiB;
    static final Duration HOUR = Duration.ofHours(1);

    /**
     * Fields that are not the model's state, each with why: back-pointers and services (the lab rebuilds them), caches
     * of what the configuration determines (computed again on first use).
     */
    static final Map<String, String> NOT_STATE = new TreeMap<>(Map.ofEntries(
            Map.entry("Machine.env", "the lab as the machine sees it, given by the lab it is loaded into"),
            Map.entry("VmMachine.hostRef", "a cache of the host looked up by name"),
            Map.entry("VmMachine.profile", "a cache of the OS profile the configuration names"),
            Map.entry("VmMachine.driversPresent", "a cache of the drivers the configuration and OS name"),
            Map.entry("HostMachine.datastore", "the disk model the host's first disk's kind determines"),
            Map.entry("HostMachine.cpu", "the host's CPU resource, registered on the simulation by name"),
            Map.entry("HostMachine.diskResources", "the host's disk resources, registered on the simulation by name"),
            Map.entry("MemoryManager.host", "the back-pointer to its host"),
            Map.entry("PhaseRecord.owner", "the timeline a row's view reads, compared as its machine's timeline"),
            Map.entry("StartScheduler.host", "the back-pointer to its host"),
            Map.entry("StepRun.machine", "the back-pointer to its machine"),
            Map.entry("StepRun.cpu", "its activity on the CPU resource, compared with the simulation's resources"),
            Map.entry("StepRun.disk", "its activity on the disk resource, compared with the simulation's resources"),
            Map.entry("StepRun.memoryIo", "its activity on the disk for swap, compared with the simulation's resources"),
            Map.entry("StepRun.doneCpu", "a done CPU activity kept for the plan's next step to reuse, not state"),
            Map.entry("StepRun.doneDisk", "a done disk activity kept for the plan's next step to reuse, not state"),
            Map.entry("StepRun.doneMemoryIo", "a done swap activity kept for the plan's next step to reuse, not state"),
            Map.entry("WorkloadRun.cpu", "its steady activity on the CPU resource, compared with the simulation's "
                    + "resources"),
            Map.entry("WorkloadRun.disk", "its steady activity on the disk resource, compared with the simulation's "
                    + "resources")));

    @Test
    void everyFieldOfEveryHostAndVmSurvivesASaveAndALoad() {
        Map<String, Boolean> held = new TreeMap<>();
        LabModel lab = busyLab(held);
        assertRoundTrip(lab).forEach((k, v) -> held.merge(k, v, Boolean::logicalOr));
        List<String> never = held.entrySet().stream().filter(e -> !e.getValue() && !NOT_STATE.containsKey(e.getKey()))
                .map(Map.Entry::getKey).toList();
        assertThat(never).as("fields the scenario never sets (set them in busyLab, or list why they are not state)")
                .isEmpty();
    }

    /**
     * Saves and loads {@code lab} and compares the two field by field; returns, for each field of the engine's classes
     * reached from the hosts, the VMs and the lab's own state (its workloads, disk budget, request count and plugin
     * origins), whether it held a value other than its type's default anywhere.
     */
    static Map<String, Boolean> assertRoundTrip(LabModel lab) {
        LabModel copy = lab.fork();
        Comparison c = new Comparison();
        c.compare("hosts", lab.hosts, copy.hosts);
        c.compare("vms", lab.vms, copy.vms);
        // the lab's own state beside its machines: what it defines and its settings
        c.compare("workloads", lab.workloads, copy.workloads);
        c.compare("diskBudget", lab.diskBudget, copy.diskBudget);
        c.compare("requests", lab.requests, copy.requests);
        c.compare("pluginOrigins", lab.plugins.origins, copy.plugins.origins);
        assertThat(c.differences).as("fields that did not survive a save and a load").isEmpty();
        return c.held;
    }

    /** Two object graphs compared field by field (the engine's classes) or by value (everything else). */
    private static final class Comparison {
        final Map<String, Boolean> held = new TreeMap<>();
        final List<String> differences = new ArrayList<>();
        private final Set<Object> seen = java.util.Collections.newSetFromMap(new IdentityHashMap<>());

        void compare(String path, Object saved, Object loaded) {
            if (saved == null || loaded == null) {
                if (saved != loaded) {
                    differences.add(path + ": " + saved + " became " + loaded);
                }
                return;
            }
            boolean sameKind = saved instanceof Collection<?> ? loaded instanceof Collection<?>
                    : saved instanceof Map<?, ?> ? loaded instanceof Map<?, ?> : saved.getClass() == loaded.getClass();
            if (!sameKind) { // which collection class holds the elements is not state
                differences.add(path + ": a " + saved.getClass().getSimpleName() + " became a "
                        + loaded.getClass().getSimpleName());
                return;
            }
            switch (saved) {
                case long[] a -> {
                    if (!java.util.Arrays.equals(a, (long[]) loaded)) {
                        differences.add(path + ": " + java.util.Arrays.toString(a) + " became "
                                + java.util.Arrays.toString((long[]) loaded));
                    }
                }
                case Map<?, ?> m -> {
                    Map<?, ?> n = (Map<?, ?>) loaded;
                    if (!m.keySet().equals(n.keySet())) {
                        differences.add(path + ": keys " + m.keySet() + " became " + n.keySet());
                        return;
                    }
                    for (Map.Entry<?, ?> e : m.entrySet()) {
                        compare(path + "[" + e.getKey() + "]", e.getValue(), n.get(e.getKey()));
                    }
                }
                case Collection<?> l -> {
                    List<?> a = List.copyOf(l);
                    List<?> b = List.copyOf((Collection<?>) loaded);
                    if (a.size() != b.size()) {
                        differences.add(path + ": " + a.size() + " elements became " + b.size());
                        return;
                    }
                    for (int i = 0; i < a.size(); i++) {
                        compare(path + "[" + i + "]", a.get(i), b.get(i));
                    }
                }
                default -> {
                    if (saved.getClass().getPackageName().startsWith(LabModel.class.getPackageName())
                            && !saved.getClass().isEnum()) { // the engine's classes, in its sub-packages too
                        compareFields(path, saved, loaded);
                    } else if (!saved.equals(loaded)) {
                        differences.add(path + ": " + saved + " became " + loaded);
                    }
                }
            }
        }

        private void compareFields(String path, Object saved, Object loaded) {
            if (!seen.add(saved)) {
                return;
            }
            for (Class<?> c = saved.getClass(); c != Object.class && c != Record.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) {
                        continue;
                    }
                    String key = c.getSimpleName() + "." + f.getName();
                    Object a = value(f, saved);
                    held.merge(key, !isDefault(a), Boolean::logicalOr);
                    if (!NOT_STATE.containsKey(key)) {
                        compare(path + "." + f.getName(), a, value(f, loaded));
                    }
                }
            }
        }
    }

    private static Object value(Field f, Object o) {
        try {
            f.setAccessible(true);
            return f.get(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean isDefault(Object v) {
        return switch (v) {
            case null -> true;
            case Number n -> n.doubleValue() == 0;
            case Boolean b -> !b;
            case String s -> s.isEmpty();
            case Collection<?> c -> c.isEmpty();
            case Map<?, ?> m -> m.isEmpty();
            case long[] a -> a.length == 0;
            default -> false;
        };
    }

    /**
     * Hosts and VMs in every way the model tracks: a host that failed to boot and one booting towards that; a type 2
     * host that lost power under a VM; a boot storm on an overcommitted host with swap, page sharing, balloons and a
     * start policy that queues; Secure Boot keys enrolled on a VM and a host; a VM restarted; a tree of snapshots, the last ones saving (the VMs paused, one mid-boot). The lab is
     * also saved and loaded in the middle of that snapshot (its job under way), merging what that saw into
     * {@code held}.
     */
    static LabModel busyLab(Map<String, Boolean> held) {
        LabModel lab = LabModel.inMemory(7);
        lab.createHost(HostSpec.of("bare", 4, 16 * GIB).withBootOrder(List.of("disk", "net")));
        lab.createHost(HostSpec.of("bare2", 4, 16 * GIB).withBootOrder(List.of("disk", "net")));
        lab.createHost("measured", dev.hyperlab.core.calibration.HostProfileTest.sample()); // host create --profile
        lab.maintenanceHost("measured", true, ProgressListener.NONE); // host maintenance measured on (nothing to move)
        lab.powerOn("bare");
        lab.createHost(HostSpec.of("desk", 8, 32 * GIB));
        lab.installHost("desk", HypervisorType.TYPE2, HostOs.LINUX);
        lab.powerOn("desk");
        lab.waitHost("desk", HostState.RUNNING, HOUR, ProgressListener.NONE);
        lab.createVm(VmSpec.of("t", "desk", 1, GIB).withOs("linux-server"));
        lab.linkedCloneVm("t", "t2", ProgressListener.NONE); // t2: a MAC, a machine id, linked disks; t: their base
        lab.setVmResources("t2", new dev.hyperlab.api.lab.VmResources(3000, 1000, 2000, GIB / 2, GIB, 2000, 5000, 1000));
        lab.createVm(VmSpec.of("c", "desk", 1, GIB).withOs("linux-server"));
        lab.startVm("c");
        lab.advance(Duration.ofSeconds(5), ProgressListener.NONE);
        lab.powerOff("desk");
        lab.createHost(HostSpec.of("h", 32, 64 * GIB).withDisks(List.of(HostDiskSpec.parse("ssd:960GiB"))));
        lab.installHost("h", HypervisorType.TYPE1, null);
        lab.setMemoryPolicy("h", new MemoryPolicy(true, 64 * GIB, true));
        lab.setStartPolicy("h", new StartPolicy(2, Duration.ofSeconds(20)));
        lab.powerOn("h");
        lab.waitHost("h", HostState.RUNNING, HOUR, ProgressListener.NONE);
        for (String l : List.of("l1", "l2")) {
            lab.createVm(VmSpec.of(l, "h", 2, 2 * GIB).withOs("linux-server").withDrivers(List.of("virtio-balloon"))
                    .withHotPlug(4, 4 * GIB)); // room to hot-add: QEMU's maxcpus and maxmem
            lab.startVm(l);
            lab.waitVm(l, VmState.RUNNING, HOUR, ProgressListener.NONE);
        }
        lab.destroyVm("l2");
        lab.startVm("l2");
        lab.waitVm("l2", VmState.RUNNING, HOUR, ProgressListener.NONE);
        // Secure Boot keys enrolled on a VM and a host: what their NVRAM / MOK list holds
        lab.enrollKey("vm", "l1", new SigningKeys.PublicHalf(LabCa.publicKey(), "CN=hyperlab lab CA,O=hyperlab"));
        lab.enrollKey("host", "h", new SigningKeys.PublicHalf(LabCa.publicKey(), ""));
        lab.setVm("l1", dev.hyperlab.api.lab.VmChange.NONE.withAutostart(true)); // starts with its host
        // a workload on the cores and the datastore: its steady activities and its totals are saved mid-run
        lab.setVm("l1", dev.hyperlab.api.lab.VmChange.NONE.withWorkload("database"));
        // a workload the lab defines and a disk budget of its own: the lab's state beside its machines
        lab.createWorkload(dev.hyperlab.api.lab.WorkloadSpec.like("half-build", "build").withCpuPerVcpu(0.5)
                .withNetwork(1000, 2000));
        lab.setDiskBudget("20GiB");
        lab.setVm("l1", dev.hyperlab.api.lab.VmChange.NONE.withVcpus(3).withMemory(3 * GIB)); // hot-added, running
        lab.createSnapshot("l1", "s1", SnapshotOptions.DEFAULT.withDiskOnly().withDescription("disks first"), () -> {});
        List<String> storm = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<String> drivers = i % 3 == 0 ? List.of("virtio-blk", "virtio-balloon") : List.of("virtio-blk");
            lab.createVm(VmSpec.of("w" + i, "h", 2, 16 * GIB).withOs("windows-server").withDrivers(drivers)
                    .withBootPriority(i / 2));
            storm.add("w" + i);
        }
        lab.startVms(storm);
        for (String w : storm) {
            lab.waitVm(w, VmState.RUNNING, HOUR, ProgressListener.NONE);
        }
        lab.advance(Duration.ofMinutes(10), ProgressListener.NONE);
        List<String> late = List.of("x0", "x1", "x2", "x3");
        for (String x : late) {
            lab.createVm(VmSpec.of(x, "h", 1, 2 * GIB).withOs("linux-server"));
        }
        lab.startVms(late);
        lab.rebootVm("l2");
        lab.advance(Duration.ofMillis(50), ProgressListener.NONE); // in its firmware's fixed time, memory in use
        lab.createSnapshot("l2", "rebooting", SnapshotOptions.DEFAULT, () -> {}); // paused: the timer part frozen
        assertRoundTrip(lab).forEach((k, v) -> held.merge(k, v, Boolean::logicalOr));
        lab.powerOn("bare2");
        lab.advance(Duration.ofSeconds(3), ProgressListener.NONE);
        lab.createSnapshot("x0", "mid-boot", SnapshotOptions.DEFAULT, () -> {}); // paused with its boot frozen
        lab.createSnapshot("l1", "s2", SnapshotOptions.DEFAULT, () -> assertRoundTrip(lab)
                .forEach((k, v) -> held.merge(k, v, Boolean::logicalOr)));
        return lab;
    }
}
