package dev.hyperlab.core.engine;

import static dev.hyperlab.api.lab.HostState.BOOTING;
import static dev.hyperlab.api.lab.HostState.FAILED;
import static dev.hyperlab.api.lab.HostState.OFF;
import static dev.hyperlab.api.lab.HostState.RUNNING;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;

/**
 * A host's lifecycle state and the table it changes by, as {@link VmLifecycle} is a VM's: every change goes through
 * {@link #transition}, and a request the table does not allow is refused with an error made from the table. The
 * requests are the table documented on {@link dev.hyperlab.api.lab.Host} (HostLifecycleTest holds the two together).
 */
final class HostLifecycle {
    /** What changes a host's state: a user's request (the documented table) or an event of the simulation. */
    enum Action {
        INSTALL("install"),
        POWER_ON("power-on"),
        POWER_OFF("power-off"),
        RESET("reset"),
        /** The boot plan is over: the hypervisor runs. */
        BOOTED(null),
        /** A step of the boot failed (no bootable device, say). */
        BOOT_FAILED(null);

        /** The words of the request in the documented table; null for events. */
        final String words;

        Action(String words) {
            this.words = words;
        }

        boolean requested() {
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
            .row(Action.BOOTED, RUNNING, BOOTING)
            .row(Action.BOOT_FAILED, FAILED, BOOTING)
            .build();

    private final String host;
    private HostState state = OFF;

    HostLifecycle(String host) {
        this.host = host;
    }

    HostState state() {
        return state;
    }

    boolean allows(Action action) {
        return TABLE.allows(state, action);
    }

    /** Refuses a request the table does not allow in the current state (changes nothing). */
    void check(Action action) {
        if (!allows(action)) {
            if (!action.requested()) {
                throw new IllegalStateException("host " + host + ": " + action + " in state " + state);
            }
            throw refusal(host, state, action);
        }
    }

    /** Changes the state as the table says {@code action} does; a request it does not allow is refused. */
    void transition(Action action) {
        check(action);
        state = TABLE.next(state, action, null);
    }

    /** Puts back a state the lab saved (a load is not a transition: the state was reached before). */
    void restore(HostState saved) {
        state = saved;
    }

    /** The error for a request the table does not allow in {@code state}: what the host is, and what to do instead. */
    static LabException refusal(String host, HostState state, Action action) {
        return switch (action) {
            case INSTALL -> LabException.notAllowed("host " + host + " is " + state.id(), "power it off before installing");
            case POWER_ON -> LabException.notAllowed("host " + host + " is already " + state.id(),
                    "use host reset to restart it, or host power-off");
            case POWER_OFF -> LabException.notAllowed("host " + host + " is already off", "host power-on starts it");
            default -> LabException.notAllowed("host " + host + " is " + state.id(), "host power-on starts it");
        };
    }
}
