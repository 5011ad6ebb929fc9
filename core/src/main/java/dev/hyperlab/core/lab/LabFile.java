package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.ApplyResult;
import dev.hyperlab.api.lab.Durations;
import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostInfo;
import dev.hyperlab.api.lab.HostOs;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.core.engine.LabModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * A lab file: the hosts and VMs {@code lab apply} creates. Keys are the JSON field names of {@code host info} and
 * {@code vm info}; sizes and durations are written as on the command line.
 *
 * <pre>
 * hosts:
 *   - name: esx1
 *     cores: 16
 *     ram: 128GiB
 *     firmware: bios             # optional, like cpuGhz, disks [nvme:1TiB], bootOrder [disk, net]
 *     hypervisor: type1          # optional; type2 takes hostOs: linux|windows
 *     startPolicy: {maxConcurrentBoots: 4, groupDelay: 10s}
 * vms:
 *   - name: web1
 *     host: esx1
 *     vcpus: 2
 *     memory: 4GiB
 *     os: linux-server           # optional, like firmware, disks [20GiB], drivers [virtio-blk], bootPriority 0
 * </pre>
 */
public final class LabFile {
    private static final Set<String> TOP = Set.of("hosts", "vms");
    private static final Set<String> HOST_KEYS =
            Set.of("name", "cores", "ram", "cpuGhz", "firmware", "disks", "bootOrder", "hypervisor", "hostOs",
                    "startPolicy");
    private static final Set<String> VM_KEYS =
            Set.of("name", "host", "vcpus", "memory", "firmware", "disks", "os", "drivers", "bootPriority");
    private static final Set<String> POLICY_KEYS = Set.of("maxConcurrentBoots", "groupDelay");

    /** A declared host: what {@code host create} takes, and optionally its hypervisor and start policy. */
    record HostDecl(HostSpec spec, HypervisorType hypervisor, HostOs hostOs, StartPolicy policy) {}

    private final List<HostDecl> hosts;
    private final List<VmSpec> vms;

    private LabFile(List<HostDecl> hosts, List<VmSpec> vms) {
        this.hosts = hosts;
        this.vms = vms;
    }

    /**
     * The VMs a lab file declares, as {@link dev.hyperlab.api.lab.Lab#apply} would create them: for a script's
     * sandbox, whose disks must not name files it may not use.
     */
    public static List<VmSpec> vms(String yaml) {
        return parse(yaml).vms;
    }

    /** Parses a lab file; throws {@link LabException} ({@code INVALID}) naming the entry and key that are wrong. */
    static LabFile parse(String yaml) {
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            String msg = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw LabException.invalid("the lab file is not valid YAML: " + msg, "see lab apply in docs/commands.md");
        }
        if (doc == null) {
            return new LabFile(List.of(), List.of());
        }
        Map<String, Object> top = map(doc, "the lab file");
        for (String key : top.keySet()) {
            if (key.equals("disks")) {
                throw LabException.invalid("the lab file declares disks", "disk images in lab files are not supported yet");
            }
            if (!TOP.contains(key)) {
                throw LabException.invalid("the lab file has an unknown section '" + key + "'", "use hosts and vms");
            }
        }
        List<HostDecl> hosts = new ArrayList<>();
        for (Map<String, Object> e : entries(top.get("hosts"), "hosts")) {
            hosts.add(host(e));
        }
        List<VmSpec> vms = new ArrayList<>();
        for (Map<String, Object> e : entries(top.get("vms"), "vms")) {
            vms.add(vm(e));
        }
        return new LabFile(hosts, vms);
    }

    private static HostDecl host(Map<String, Object> e) {
        String where = "host " + e.get("name");
        checkKeys(e, HOST_KEYS, where);
        HostSpec spec = new HostSpec(text(e, "name", where, null), whole(e, "cores", where, null),
                size(e, "ram", where), decimal(e, "cpuGhz", where), text(e, "firmware", where, ""),
                list(e, "disks", where).stream().map(HostDiskSpec::parse).toList(), list(e, "bootOrder", where));
        String hv = text(e, "hypervisor", where, "");
        String os = text(e, "hostOs", where, "");
        HypervisorType type = hv.isEmpty() ? null : HypervisorType.of(hv);
        if (!os.isEmpty() && type != HypervisorType.TYPE2) {
            throw LabException.invalid(where + ": hostOs goes with hypervisor: type2", "remove hostOs or add it");
        }
        StartPolicy policy = null;
        if (e.get("startPolicy") != null) {
            Map<String, Object> p = map(e.get("startPolicy"), where + ": startPolicy");
            checkKeys(p, POLICY_KEYS, where + ": startPolicy");
            policy = new StartPolicy(whole(p, "maxConcurrentBoots", where, 0), duration(p, "groupDelay", where));
        }
        return new HostDecl(spec, type, os.isEmpty() ? null : HostOs.of(os), policy);
    }

    private static VmSpec vm(Map<String, Object> e) {
        String where = "vm " + e.get("name");
        checkKeys(e, VM_KEYS, where);
        return new VmSpec(text(e, "name", where, null), text(e, "host", where, null), whole(e, "vcpus", where, null),
                size(e, "memory", where), text(e, "firmware", where, ""), list(e, "disks", where),
                text(e, "os", where, ""), list(e, "drivers", where), whole(e, "bootPriority", where, 0));
    }

    /** Applies the file to a model: creates what is missing, checks what exists. */
    ApplyResult applyTo(LabModel m) {
        List<String> changes = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (HostDecl d : hosts) {
            String name = d.spec().name();
            boolean created = !m.hasHost(name);
            if (created) {
                m.createHost(d.spec());
                changes.add("created host " + name);
            } else {
                sameHost(d.spec(), m.hostInfo(name));
            }
            HostInfo info = m.hostInfo(name);
            if (d.hypervisor() != null) {
                if (info.hypervisor().isEmpty()) {
                    m.installHost(name, d.hypervisor(), d.hostOs());
                    changes.add("installed " + d.hypervisor().id() + " on " + name);
                } else {
                    differs(name, "host", "hypervisor", info.hypervisor(), d.hypervisor().id());
                    if (d.hostOs() != null) {
                        differs(name, "host", "hostOs", info.hostOs(), d.hostOs().id());
                    }
                }
            }
            if (d.policy() != null && !d.policy().equals(m.startPolicy(name))) {
                m.setStartPolicy(name, d.policy());
                changes.add("set start policy of " + name);
            }
            if (!created && changes.stream().noneMatch(c -> c.endsWith(" " + name))) {
                unchanged.add("host " + name);
            }
        }
        for (VmSpec spec : vms) {
            if (m.hasVm(spec.name())) {
                sameVm(spec, m.vmInfo(spec.name()));
                unchanged.add("vm " + spec.name());
            } else {
                m.createVm(spec);
                changes.add("created vm " + spec.name());
            }
        }
        return new ApplyResult(changes, unchanged);
    }

    private static void sameHost(HostSpec s, HostInfo i) {
        differs(s.name(), "host", "cores", i.cores(), s.cores());
        differs(s.name(), "host", "ram", Sizes.format(i.ram()), Sizes.format(s.ramBytes()));
        if (s.cpuGhz() != 0) {
            differs(s.name(), "host", "cpuGhz", i.cpuGhz(), s.cpuGhz());
        }
        if (!s.firmware().isEmpty()) {
            differs(s.name(), "host", "firmware", i.firmware(), s.firmware());
        }
        if (!s.disks().isEmpty()) {
            differs(s.name(), "host", "disks", i.disks().stream()
                    .map(d -> new HostDiskSpec(d.kind(), d.size()).toString()).toList(),
                    s.disks().stream().map(HostDiskSpec::toString).toList());
        }
        if (!s.bootOrder().isEmpty()) {
            differs(s.name(), "host", "bootOrder", i.bootOrder(), s.bootOrder());
        }
    }

    private static void sameVm(VmSpec s, VmInfo i) {
        differs(s.name(), "vm", "host", i.host(), s.host());
        differs(s.name(), "vm", "vcpus", i.vcpus(), s.vcpus());
        differs(s.name(), "vm", "memory", Sizes.format(i.memory()), Sizes.format(s.memoryBytes()));
        differs(s.name(), "vm", "os", i.os(), s.os());
        differs(s.name(), "vm", "bootPriority", i.bootPriority(), s.bootPriority());
        if (!s.firmware().isEmpty()) {
            differs(s.name(), "vm", "firmware", i.firmware(), s.firmware());
        }
        int disks = s.disks().size() + (s.os().isEmpty() ? 0 : 1);
        differs(s.name(), "vm", "number of disks", i.disks().size(), disks);
        for (String driver : s.drivers()) {
            if (!i.drivers().contains(driver)) {
                differs(s.name(), "vm", "drivers", i.drivers(), s.drivers());
            }
        }
    }

    private static void differs(String name, String kind, String key, Object actual, Object declared) {
        if (!Objects.equals(actual, declared)) {
            throw LabException.conflict(kind + " " + name + " exists with " + key + " " + actual + ", the file says "
                    + declared, "lab apply creates what is missing and changes nothing that exists");
        }
    }

    // ---- reading YAML values -------------------------------------------------------------------------------------

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o, String where) {
        if (!(o instanceof Map<?, ?> m)) {
            throw LabException.invalid(where + " must be a mapping of keys to values", "see lab apply in docs/commands.md");
        }
        for (Object k : m.keySet()) {
            if (!(k instanceof String)) {
                throw LabException.invalid(where + " has a key that is not text: " + k, "keys are names like cores");
            }
        }
        return (Map<String, Object>) m;
    }

    private static List<Map<String, Object>> entries(Object o, String section) {
        if (o == null) {
            return List.of();
        }
        if (!(o instanceof List<?> l)) {
            throw LabException.invalid("'" + section + "' must be a list", "write each entry as '- name: ...'");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = 0; i < l.size(); i++) {
            out.add(map(l.get(i), section + "[" + i + "]"));
        }
        return out;
    }

    private static void checkKeys(Map<String, Object> e, Set<String> allowed, String where) {
        for (String k : e.keySet()) {
            if (!allowed.contains(k)) {
                throw LabException.invalid(where + ": unknown key '" + k + "'",
                        "one of " + String.join(", ", allowed.stream().sorted().toList()));
            }
        }
    }

    private static String text(Map<String, Object> e, String key, String where, String dflt) {
        Object v = e.get(key);
        if (v == null) {
            if (dflt == null) {
                throw LabException.invalid(where + ": '" + key + "' is missing", "every entry needs it");
            }
            return dflt;
        }
        if (v instanceof Map || v instanceof List) {
            throw LabException.invalid(where + ": '" + key + "' must be a single value", "e.g. " + key + ": x");
        }
        return v.toString();
    }

    private static int whole(Map<String, Object> e, String key, String where, Integer dflt) {
        Object v = e.get(key);
        if (v == null && dflt != null) {
            return dflt;
        }
        if (v instanceof Integer i) {
            return i;
        }
        throw LabException.invalid(where + ": '" + key + "' " + (v == null ? "is missing" : "must be a whole number"),
                "e.g. " + key + ": 4");
    }

    private static double decimal(Map<String, Object> e, String key, String where) {
        Object v = e.get(key);
        if (v == null) {
            return 0;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw LabException.invalid(where + ": '" + key + "' must be a number", "e.g. " + key + ": 2.4");
    }

    private static long size(Map<String, Object> e, String key, String where) {
        Object v = e.get(key);
        if (v == null) {
            throw LabException.invalid(where + ": '" + key + "' is missing", "e.g. " + key + ": 4GiB");
        }
        if (v instanceof Integer || v instanceof Long) {
            return ((Number) v).longValue();
        }
        return Sizes.parse(v.toString());
    }

    private static Duration duration(Map<String, Object> e, String key, String where) {
        Object v = e.get(key);
        if (v == null) {
            return Duration.ZERO;
        }
        if (v instanceof Map || v instanceof List) {
            throw LabException.invalid(where + ": '" + key + "' must be a duration", "e.g. " + key + ": 10s");
        }
        return Durations.parse(v.toString());
    }

    private static List<String> list(Map<String, Object> e, String key, String where) {
        Object v = e.get(key);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> l) {
            return l.stream().map(String::valueOf).toList();
        }
        if (v instanceof Map) {
            throw LabException.invalid(where + ": '" + key + "' must be a list", "e.g. " + key + ": [a, b]");
        }
        return Arrays.stream(v.toString().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
