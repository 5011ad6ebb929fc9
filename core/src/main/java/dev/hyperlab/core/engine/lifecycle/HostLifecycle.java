package dev.hyperlab.core.engine.lifecycle;

import static dev.hyperlab.api.lab.HostState.BOOTING;
import static dev.hyperlab.api.lab.HostState.FAILED;
import static dev.hyperlab.api.lab.HostState.OFF;
import static dev.hyperlab.api.lab.HostState.RUNNING;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;

/**
 * The host lifecycle, as {@link VmLifecycle} is a VM's: the table a host's state changes by ({@link Lifecycle} holds
 * the state), and the error for a request the table does not allow. The
 * requests are the table documented on {@link dev.hyperlab.api.lab.Host} (HostLifecycleTest holds the two together).
 */
public final class HostLifecycle {
    /** What changes a host's state: a user's request (the documented table) or an event of the simulation. */
    public enum Action implements Lifecycle.Action {
        INSTALL("install"),
        POWER_ON("power-on"),
        POWER_OFF("power-off"),
        RESET("reset"),
        DELETE("delete"),
        /** The boot plan is over: the hypervisor runs. */
        BOOTED(null),
        /** A step of the boot failed (no bootable device, say). */
        BOOT_FAILED(null);

        /** The words of the request in the documented table; null for events. */
        final String words;

        Action(String words) {
            this.words = words;
        }

        @Override
        public boolean requested() {
            return words != null;
        }
    }

    /** The table; the requests' rows are those of {@link dev.hyperlab.api.lab.Host}'s documentation. */
    static final TransitionTable<HostState, Action> TABLE = TransitionTable.builder(HostState.class, Action.class)
            .stays(Action.INSTALL, "off", OFF)
            .row(Action.POWER_ON, BOOTING, OFF, FAILED)
            .row(Action.POWER_OFF, OFF, BOOTING, RUNNING, FAILED)
            // a reset cuts the power and powers on again: power-off, then power-on, each a transition of its own
            .stays(Action.RESET, "booting", BOOTING, RUNNING, FAILED)
            .stays(Action.DELETE, "gone", OFF)
            .row(Action.BOOTED, RUNNING, BOOTING)
            .row(Action.BOOT_FAILED, FAILED, BOOTING)
            .build();

    private HostLifecycle() {}

    /** A new host's lifecycle: off. */
    public static Lifecycle<HostState, Action> of(String host) {
        return new Lifecycle<>("host", host, OFF, TABLE, HostLifecycle::refusal);
    }

    /** The error for a request the table does not allow in {@code state}: what the host is, and what to do instead. */
    static LabException refusal(String host, HostState state, Action action) {
        return switch (action) {
            case INSTALL -> LabException.notAllowed("host " + host + " is " + state.id(), "power it off before installing");
            case POWER_ON -> LabException.notAllowed("host " + host + " is already " + state.id(),
                    "use host reset to restart it, or host power-off");
            case POWER_OFF -> LabException.notAllowed("host " + host + " is already off", "host power-on starts it");
            case DELETE -> LabException.notAllowed("host " + host + " is " + state.id(),
                    "power it off first: host power-off " + host);
            default -> LabException.notAllowed("host " + host + " is " + state.id(), "host power-on starts it");
        };
    }
}
