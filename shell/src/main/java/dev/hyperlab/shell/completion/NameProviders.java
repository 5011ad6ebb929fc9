package dev.hyperlab.shell.completion;

import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.lab.SnapshotInfo;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry of {@link NameProvider}s by kind: the common kinds below, plus those a command group brings
 * ({@link dev.hyperlab.shell.command.CommandGroup#names()}: a feature registers its kinds next to its command group).
 */
public final class NameProviders {
    private final Map<String, NameProvider> providers = new ConcurrentHashMap<>();

    /** Hosts, VMs, machines (both), disks, OS profiles, firmware models, guest drivers, and the state ids. */
    public static NameProviders builtIn() {
        NameProviders p = new NameProviders();
        p.register(LiveNames.Hosts.KIND, (lab, words) -> lab.hosts().stream().map(Host::name).toList());
        p.register(LiveNames.Vms.KIND, (lab, words) -> lab.vms().stream().map(Vm::name).toList());
        p.register(LiveNames.Machines.KIND, (lab, words) -> {
            List<String> all = new ArrayList<>(lab.hosts().stream().map(Host::name).toList());
            all.addAll(lab.vms().stream().map(Vm::name).toList());
            return all;
        });
        p.register(LiveNames.Disks.KIND, (lab, words) -> lab.disks().stream().map(Disk::path).toList());
        p.register(LiveNames.OsProfiles.KIND,
                (lab, words) -> lab.profiles().os().stream().map(Profiles.OsProfileInfo::id).toList());
        p.register(LiveNames.Firmware.KIND,
                (lab, words) -> lab.profiles().firmware().stream().map(Profiles.ExtensionInfo::id).toList());
        p.register(LiveNames.Drivers.KIND,
                (lab, words) -> lab.profiles().drivers().stream().map(Profiles.ExtensionInfo::id).toList());
        p.register(LiveNames.Workloads.KIND,
                (lab, words) -> lab.workloads().stream().map(dev.hyperlab.api.lab.WorkloadInfo::id).toList());
        p.register(LiveNames.States.KIND, (lab, words) -> words.contains("host")
                ? Arrays.stream(HostState.values()).map(HostState::id).toList()
                : Arrays.stream(VmState.values()).map(VmState::id).toList());
        p.register(LiveNames.WaitTargets.KIND, (lab, words) -> {
            // `wait host NAME` / `wait vm NAME`: the kind is the word before
            String kind = words.isEmpty() ? "" : words.getLast();
            return kind.equals("host") ? lab.hosts().stream().map(Host::name).toList()
                    : kind.equals("vm") ? lab.vms().stream().map(Vm::name).toList() : List.of("host", "vm");
        });
        p.register(LiveNames.Snapshots.KIND, (lab, words) -> {
            // `snapshot revert VM NAME`: the VM is the first word after the verb that is not an option
            for (int i = 2; i < words.size(); i++) {
                if (!words.get(i).startsWith("-")) {
                    return lab.findVm(words.get(i)).map(v -> v.snapshots().stream().map(SnapshotInfo::name).toList())
                            .orElse(List.of());
                }
            }
            return List.of();
        });
        p.register(LiveNames.Hypervisors.KIND,
                (lab, words) -> Arrays.stream(HypervisorType.values()).map(HypervisorType::id).toList());
        p.register(LiveNames.HostOses.KIND, (lab, words) -> Arrays.stream(HostOs.values()).map(HostOs::id).toList());
        return p;
    }

    /** Registers (or replaces) the provider of a kind. */
    public void register(String kind, NameProvider provider) {
        providers.put(kind, provider);
    }

    public Optional<NameProvider> find(String kind) {
        return Optional.ofNullable(providers.get(kind));
    }
}
