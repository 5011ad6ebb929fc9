package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Locale;
import org.apiguardian.api.API;

/**
 * The lifecycle state of a virtual machine.
 *
 * <pre>{@code
 * if (lab.vm("web1").state() == VmState.CRASHED) {
 *     System.out.println(lab.vm("web1").info().reason());
 * }
 * }</pre>
 */
@API(status = STABLE, since = "0.1")
public enum VmState {
    /** Created, never started. */
    DEFINED,

    /** The VMM, firmware, bootloader, kernel, init or drivers are coming up. */
    STARTING,

    /** Booted and running. */
    RUNNING,

    /** Stopped by the hypervisor (vCPUs not scheduled), memory kept. */
    PAUSED,

    /** Memory saved to disk, no resources held on the host. */
    SUSPENDED,

    /** Shut down or destroyed; configuration and disks kept. */
    SHUTOFF,

    /** Stopped by a failure; see the VM's reason. */
    CRASHED,
    ;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    /** The lower-case name used by commands and JSON ({@code DEFINED} becomes {@code defined}). */
    public String id() {
        return id;
    }

    /** Reads an id as commands and scripts write it; throws {@link LabException} listing the valid ones. */
    public static VmState of(String id) {
        for (var v : values()) {
            if (v.id().equalsIgnoreCase(id == null ? "" : id.trim())) {
                return v;
            }
        }
        throw LabException.invalid("'" + id + "' is not a VM state",
                "one of " + java.util.Arrays.stream(values()).map(VmState::id).toList());
    }
}
