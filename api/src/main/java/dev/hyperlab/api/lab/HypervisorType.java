package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * How a hypervisor runs on a host.
 *
 * <pre>{@code
 * lab.host("esx1").install(HypervisorType.TYPE1); // or HypervisorType.of("type1")
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum HypervisorType {
    /** Bare metal: the firmware hands off to the hypervisor, which is the host's OS (ESXi, Proxmox/KVM, Hyper-V). */
    TYPE1,

    /** Hosted: a general-purpose host OS boots first; the hypervisor runs on it as an application (VirtualBox, VMware Workstation). */
    TYPE2,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code TYPE1} becomes {@code type1}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static HypervisorType of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a hypervisor type",
                "one of " + String.join(", ", java.util.Arrays.stream(values()).map(HypervisorType::id).toList()));
    }
}
