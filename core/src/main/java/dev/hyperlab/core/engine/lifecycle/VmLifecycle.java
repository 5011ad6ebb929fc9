package dev.hyperlab.core.engine.lifecycle;

import static dev.hyperlab.api.lab.VmState.CRASHED;
import static dev.hyperlab.api.lab.VmState.DEFINED;
import static dev.hyperlab.api.lab.VmState.PAUSED;
import static dev.hyperlab.api.lab.VmState.RUNNING;
import static dev.hyperlab.api.lab.VmState.SHUTOFF;
import static dev.hyperlab.api.lab.VmState.STARTING;
import static dev.hyperlab.api.lab.VmState.SUSPENDED;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.VmState;
import java.util.EnumSet;

/**
 * The VM lifecycle: the table a VM's state changes by ({@link Lifecycle} holds the state: every change goes through
 * its transition, and a request the table does not allow is refused with the error made here, changing nothing).
 * The requests are the table documented on {@link dev.hyperlab.api.lab.Vm} (VmLifecycleTest holds the two together);
 * the events are what the simulation does to a VM (lasting work ends, a step fails, its host loses power).
 *
 * <p>Two cells the documentation and the code once disagreed on, decided: a paused VM (its state being saved for a
 * snapshot or loaded by a revert) can be destroyed, a power cut as for a running one, since a hung save must not
 * leave the VM unstoppable; it cannot be deleted, since it still holds its host's memory and its snapshot job is under
 * way: destroy it first, as for a running one.
 */
public final class VmLifecycle {
    /** What changes a VM's state: a user's request (the documented table) or an event of the simulation. */
    public enum Action implements Lifecycle.Action {
        START("start"),
        SHUTDOWN("shutdown"),
        DESTROY("destroy"),
        REBOOT("reboot"),
        SUSPEND("suspend"),
        RESUME("resume"),
        DELETE("delete"),
        SNAPSHOT("snapshot create"),
        REVERT("snapshot revert"),
        /** A change of the VM's definition ({@code vm set}). */
        SET("set"),
        /** A full copy of the VM under a new name ({@code vm clone}). */
        CLONE("clone"),
        /** A move to another host ({@code vm migrate}) of a stopped VM. */
        MIGRATE("migrate"),
        /** A move of a running VM to another host ({@code vm migrate --live}): pre-copy, then a short pause. */
        MIGRATE_LIVE("migrate --live"),
        /** A new name ({@code vm rename}). */
        RENAME("rename"),
        /** The host's start policy refused a queued start: back to the state the start was asked in. */
        START_REFUSED(null),
        /** A boot (a start's, a reboot's) is over. */
        BOOTED(null),
        /** A resume has loaded the saved memory. */
        RESUMED(null),
        /** A shutdown (clean or forced at the timeout) is over. */
        SHUT_OFF(null),
        /** A suspend has saved the memory. */
        SUSPENDED_TO_DISK(null),
        /** A hypervisor job pauses the VM: a snapshot saves its state, or a revert loads one. */
        PAUSE(null),
        /** The job a pause was for is over: the VM goes on in the state it was paused in. */
        UNPAUSE(null),
        /** A step of the VM's lasting work failed. */
        FAILED(null),
        /** Its host lost power or was reset under it. */
        HOST_LOST(null),
        /** A revert's disk work failed part way: the VM is stopped with its disks partly reverted. */
        REVERT_FAILED(null),
        /** A revert to a disk-only state stops a VM that ran, as a power cut at that moment would. */
        REVERTED_OFF(null);

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

    /** The table; the requests' rows are those of {@link dev.hyperlab.api.lab.Vm}'s documentation. */
    static final TransitionTable<VmState, Action> TABLE = TransitionTable.builder(VmState.class, Action.class)
            .row(Action.START, STARTING, DEFINED, SHUTOFF, CRASHED)
            .stays(Action.SHUTDOWN, "shutoff", RUNNING)
            .row(Action.DESTROY, SHUTOFF, STARTING, RUNNING, PAUSED)
            .row(Action.REBOOT, STARTING, RUNNING)
            .stays(Action.SUSPEND, "suspended", RUNNING)
            .stays(Action.RESUME, "running", SUSPENDED)
            .stays(Action.DELETE, "gone", DEFINED, SUSPENDED, SHUTOFF, CRASHED)
            .stays(Action.SNAPSHOT, "paused", STARTING, RUNNING) // the pause is an event: the save's job pauses it
            .stays(Action.SNAPSHOT, "as it was", DEFINED, SHUTOFF, CRASHED)
            .stays(Action.REVERT, "the snapshot's state", VmState.values())
            .stays(Action.SET, "as it was", DEFINED, SHUTOFF, CRASHED)
            .stays(Action.CLONE, "as it was", DEFINED, SHUTOFF, CRASHED)
            .stays(Action.MIGRATE, "as it was", DEFINED, SHUTOFF, CRASHED)
            .stays(Action.MIGRATE_LIVE, "running", RUNNING)
            .stays(Action.RENAME, "as it was", DEFINED, SHUTOFF, CRASHED)
            .row(Action.START_REFUSED, "the state before the start", EnumSet.of(DEFINED, SHUTOFF, CRASHED), STARTING)
            .row(Action.BOOTED, RUNNING, STARTING)
            .row(Action.RESUMED, RUNNING, SUSPENDED)
            .row(Action.SHUT_OFF, SHUTOFF, RUNNING)
            .row(Action.SUSPENDED_TO_DISK, SUSPENDED, RUNNING)
            .row(Action.PAUSE, PAUSED, STARTING, RUNNING)
            .row(Action.UNPAUSE, "the state it was paused in", EnumSet.of(STARTING, RUNNING), PAUSED)
            .row(Action.FAILED, CRASHED, STARTING, RUNNING, PAUSED, SUSPENDED)
            .row(Action.HOST_LOST, CRASHED, STARTING, RUNNING, PAUSED)
            .row(Action.REVERT_FAILED, CRASHED, VmState.values())
            .row(Action.REVERTED_OFF, SHUTOFF, STARTING, RUNNING, PAUSED)
            .build();

    private VmLifecycle() {}

    /** A new VM's lifecycle, in state {@code state}. */
    public static Lifecycle<VmState, Action> of(String vm, VmState state) {
        return new Lifecycle<>("VM", vm, state, TABLE, VmLifecycle::refusal);
    }

    /** The error for a request the table does not allow in {@code state}: what the VM is, and what to do instead. */
    static LabException refusal(String vm, VmState state, Action action) {
        java.util.Set<VmState> allowed = TABLE.allowedIn(action);
        String what = "VM " + vm + " is " + state.id();
        return switch (action) {
            case START -> LabException.notAllowed(what,
                    state == SUSPENDED ? "vm resume brings it back" : "it is already started");
            case DESTROY -> LabException.notAllowed(what, "only a started VM can be destroyed");
            case DELETE -> LabException.notAllowed(what, "shut it down or destroy it first");
            case MIGRATE -> LabException.notAllowed(what, state == SUSPENDED
                    ? "its memory is saved on its host: vm resume " + vm + ", then vm shutdown " + vm + " first"
                    : "a running VM moves live: vm migrate " + vm + " {migrate.host} {live} (or vm shutdown " + vm
                            + " first to move it offline)");
            case MIGRATE_LIVE -> LabException.notAllowed(what, state == PAUSED
                    ? "wait until it runs again (wait vm " + vm + "), then migrate it"
                    : "only a running VM migrates live; a stopped one moves without {live}");
            case RENAME -> LabException.notAllowed(what, "a VM is renamed while it is off, as virsh domrename asks: "
                    + "vm shutdown " + vm + " first");
            case CLONE -> LabException.notAllowed(what, "a VM is cloned while it is off, as virt-clone asks: vm shutdown "
                    + vm + " first");
            case SET -> LabException.notAllowed(what, "its definition changes while it is off: vm shutdown " + vm
                    + " first");
            case SNAPSHOT -> state == PAUSED
                    ? LabException.notAllowed(what + " while a snapshot saves or a revert loads its state",
                            "wait until it runs again (wait vm " + vm + "), then try again")
                    : LabException.notAllowed(what + ": its memory is in a save file, not in a snapshot",
                            "vm resume " + vm + " first, or shut it down");
            default -> state == STARTING && (action == Action.SHUTDOWN || action == Action.REBOOT)
                    // the guest answers the power button once it is up: what a person at a booting machine does
                    ? LabException.notAllowed(what, "it answers once it runs: wait vm " + vm + ", then try again"
                            + (action == Action.SHUTDOWN ? "; vm destroy " + vm + " stops it at once" : ""))
                    : LabException.notAllowed(what, "only a " + allowed.iterator().next().id() + " VM can "
                            + (action == Action.SHUTDOWN ? "shut down" : action.words));
        };
    }
}
