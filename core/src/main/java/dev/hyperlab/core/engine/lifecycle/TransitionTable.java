package dev.hyperlab.core.engine.lifecycle;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A state machine's transition table: for each action, the states it is allowed in, the states it may set from each
 * (one for most, the caller's pick among several for an action whose end depends on what came before), and where it
 * leads in the words the user documentation uses. {@link VmLifecycle} and {@link HostLifecycle} are made of one.
 *
 * @param <S> the states
 * @param <A> the actions (requests of users and events of the simulation)
 */
final class TransitionTable<S extends Enum<S>, A extends Enum<A>> {
    /**
     * One allowed (state, action) pair.
     *
     * @param next the states the action may set at once (the state itself when its change waits on lasting work)
     * @param leadsTo where the action leads once its work is over, as the lifecycle's documentation says it
     */
    record Cell<S>(Set<S> next, String leadsTo, S only) {
        /** {@code only}: the one state of {@code next} when it has one (found without an iterator), else null. */
        Cell(Set<S> next, String leadsTo) {
            this(next, leadsTo, next.size() == 1 ? next.iterator().next() : null);
        }
    }

    private final Class<S> states;
    private final Map<A, Map<S, Cell<S>>> cells;

    private TransitionTable(Class<S> states, Map<A, Map<S, Cell<S>>> cells) {
        this.states = states;
        this.cells = cells;
    }

    static <S extends Enum<S>, A extends Enum<A>> Builder<S, A> builder(Class<S> states, Class<A> actions) {
        return new Builder<>(states, actions);
    }

    /** The cell of {@code action} in state {@code from}, or empty where the table does not allow it. */
    Optional<Cell<S>> cell(S from, A action) {
        return Optional.ofNullable(cellOrNull(from, action));
    }

    /** {@link #cell} without the Optional: every start, step and boot of a storm's VMs asks the table. */
    private Cell<S> cellOrNull(S from, A action) {
        Map<S, Cell<S>> row = cells.get(action);
        return row == null ? null : row.get(from);
    }

    boolean allows(S from, A action) {
        return cellOrNull(from, action) != null;
    }

    /** The states {@code action} is allowed in. */
    Set<S> allowedIn(A action) {
        Set<S> out = EnumSet.noneOf(states);
        out.addAll(cells.getOrDefault(action, Map.of()).keySet());
        return Collections.unmodifiableSet(out);
    }

    /**
     * The state {@code action} sets from {@code from}: {@code pick} where the table allows several, else its one.
     * Throws {@link IllegalStateException} for a pair the table does not have (callers check requests first).
     */
    S next(S from, A action, S pick) {
        Cell<S> c = cellOrNull(from, action);
        if (c == null) {
            throw new IllegalStateException(action + " is not allowed in state " + from);
        }
        if (c.only() != null && pick == null) {
            return c.only(); // not next().iterator(): one iterator per VM state change in a storm (9 MB)
        }
        if (pick == null || !c.next().contains(pick)) {
            throw new IllegalStateException(action + " from " + from + " cannot lead to " + pick + " (only " + c.next()
                    + ")");
        }
        return pick;
    }

    static final class Builder<S extends Enum<S>, A extends Enum<A>> {
        private final Class<S> states;
        private final Map<A, Map<S, Cell<S>>> cells;

        private Builder(Class<S> states, Class<A> actions) {
            this.states = states;
            this.cells = new EnumMap<>(actions);
        }

        /** {@code action} is allowed in each of {@code from} and sets {@code to} at once. */
        @SafeVarargs
        final Builder<S, A> row(A action, S to, S... from) {
            return row(action, to.name().toLowerCase(java.util.Locale.ROOT), EnumSet.of(to), from);
        }

        /** {@code action} is allowed in each of {@code from}, sets one of {@code to}, and leads where {@code leadsTo} says. */
        @SafeVarargs
        final Builder<S, A> row(A action, String leadsTo, Set<S> to, S... from) {
            for (S s : from) {
                put(action, s, new Cell<>(Set.copyOf(to), leadsTo));
            }
            return this;
        }

        /** {@code action} is allowed in each of {@code from} and changes no state at once (lasting work does later). */
        @SafeVarargs
        final Builder<S, A> stays(A action, String leadsTo, S... from) {
            for (S s : from) {
                put(action, s, new Cell<>(Set.of(s), leadsTo));
            }
            return this;
        }

        private void put(A action, S from, Cell<S> cell) {
            if (cells.computeIfAbsent(action, a -> new EnumMap<>(states)).putIfAbsent(from, cell) != null) {
                throw new IllegalArgumentException(action + " from " + from + " is in the table twice");
            }
        }

        TransitionTable<S, A> build() {
            Map<A, Map<S, Cell<S>>> copy = new EnumMap<>(cells);
            copy.replaceAll((a, m) -> Collections.unmodifiableMap(new EnumMap<>(m)));
            return new TransitionTable<>(states, Collections.unmodifiableMap(copy));
        }
    }
}
