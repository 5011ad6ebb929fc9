package dev.hyperlab.core.engine.lifecycle;

import dev.hyperlab.api.lab.LabException;

/**
 * A machine's lifecycle state, changed only by its {@link TransitionTable}: every change goes through
 * {@link #transition}, and a request the table does not allow is refused with the error the lifecycle makes for it,
 * changing nothing. {@link VmLifecycle} and {@link HostLifecycle} define the two tables.
 *
 * @param <S> the states
 * @param <A> the actions
 */
public final class Lifecycle<S extends Enum<S>, A extends Enum<A> & Lifecycle.Action> {
    /** What changes a state: a user's request (refused with an error when not allowed) or an event of the simulation. */
    interface Action {
        /** Whether a user asks for it (a documented row); an event the table does not allow is a bug, not an error. */
        boolean requested();
    }

    /** The error for a request a table does not allow: made from the machine's name, its state and the request. */
    @FunctionalInterface
    interface Refusal<S, A> {
        LabException refuse(String machine, S state, A action);
    }

    private final String kind;
    private final String machine;
    private final TransitionTable<S, A> table;
    private final Refusal<S, A> refusal;
    private S state;

    /**
     * @param kind with {@code machine}, names the machine in a bug's message ({@code VM web}); joined only then, so a
     *     storm of 100,000 VMs makes no message strings
     * @param machine the machine's name
     * @param refusal the error for a request the table does not allow in a state (one shared function per table, not
     *     one per machine)
     */
    Lifecycle(String kind, String machine, S initial, TransitionTable<S, A> table, Refusal<S, A> refusal) {
        this.kind = kind;
        this.machine = machine;
        this.state = initial;
        this.table = table;
        this.refusal = refusal;
    }

    public S state() {
        return state;
    }

    /** Whether the table allows {@code action} now. */
    public boolean allows(A action) {
        return table.allows(state, action);
    }

    /** Refuses a request the table does not allow in the current state (changes nothing). */
    public void check(A action) {
        if (!allows(action)) {
            if (!action.requested()) {
                throw new IllegalStateException(kind + " " + machine + ": " + action + " in state " + state);
            }
            throw refusal.refuse(machine, state, action);
        }
    }

    /** Changes the state as the table says {@code action} does; a request it does not allow is refused. */
    public void transition(A action) {
        transition(action, null);
    }

    /** {@link #transition(Action)} for an action whose end the caller knows: {@code to}, one the table allows. */
    public void transition(A action, S to) {
        check(action);
        state = table.next(state, action, to);
    }

    /** Puts back a state the lab or a snapshot saved (a load is not a transition: the state was reached before). */
    public void restore(S saved) {
        state = saved;
    }
}
