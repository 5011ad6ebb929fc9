package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which VMs {@link Lab#vms(VmFilter)} returns, as {@code vm list --host H --state S --os P [NAME-GLOB]} selects them:
 * every part that is not empty must match. From JavaScript, an object with the parts wanted:
 *
 * <pre>{@code
 * lab.vms({host: 'esx1', state: 'running'})          // JavaScript
 * lab.vms(VmFilter.ALL.withName("web*"))              // Java
 * }</pre>
 *
 * @param host the host the VM is defined on; empty for any
 * @param state a VM state id ({@code running}, {@code shutoff}, ...); empty for any
 * @param os an OS profile id; empty for any
 * @param name a glob over the VM's name: {@code *} any run of characters, {@code ?} one; empty for any
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record VmFilter(String host, String state, String os, String name) {
    /** Every VM. */
    public static final VmFilter ALL = new VmFilter("", "", "", "");

    /** Missing parts (null, as a script may leave them) mean any; a state must be one of the VM states. */
    public VmFilter {
        host = Objects.requireNonNullElse(host, "").strip();
        state = Objects.requireNonNullElse(state, "").strip();
        os = Objects.requireNonNullElse(os, "").strip();
        name = Objects.requireNonNullElse(name, "").strip();
        if (!state.isEmpty()) {
            VmState.of(state); // a typo is an error, not an empty list
        }
    }

    /** This filter, for VMs on {@code host}. */
    public VmFilter withHost(String host) {
        return new VmFilter(host, state, os, name);
    }

    /** This filter, for VMs in state {@code state}. */
    public VmFilter withState(String state) {
        return new VmFilter(host, state, os, name);
    }

    /** This filter, for VMs of OS profile {@code os}. */
    public VmFilter withOs(String os) {
        return new VmFilter(host, state, os, name);
    }

    /** This filter, for VMs whose name matches {@code glob}. */
    public VmFilter withName(String glob) {
        return new VmFilter(host, state, os, glob);
    }

    /** Whether {@code vm} is one this filter selects. */
    public boolean matches(VmInfo vm) {
        return (host.isEmpty() || host.equals(vm.host())) && (state.isEmpty() || VmState.of(state) == vm.state())
                && (os.isEmpty() || os.equals(vm.os())) && NameGlob.matches(name, vm.name());
    }
}
