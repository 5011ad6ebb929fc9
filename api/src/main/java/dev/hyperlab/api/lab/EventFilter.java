package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which events {@link Lab#events} returns, as {@code events [--vm NAME] [--since T] [--last N]} selects them.
 *
 * <pre>{@code
 * lab.events({machine: 'web1', since: '1h'})                       // JavaScript
 * lab.events(EventFilter.ALL.withSince(Duration.ofHours(1)))      // Java
 * }</pre>
 *
 * @param machine only events of this host or VM; empty for all
 * @param since only events at this lab time or later; zero for all
 * @param last only the newest this many of those (0: all)
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record EventFilter(String machine, Duration since, int last) {
    /** Every event. */
    public static final EventFilter ALL = new EventFilter("", Duration.ZERO, 0);

    /** Missing parts (null, as a script may leave them) mean all; negative times and counts are refused. */
    public EventFilter {
        machine = Objects.requireNonNullElse(machine, "").strip();
        since = Objects.requireNonNullElse(since, Duration.ZERO);
        if (since.isNegative()) {
            throw LabException.invalid("since must not be negative, not " + Durations.format(since),
                    "a lab time such as 1h");
        }
        if (last < 0) {
            throw LabException.invalid("last must be 0 (all) or more, not " + last, "a number of events");
        }
    }

    /** This filter, for events of {@code machine}. */
    public EventFilter withMachine(String machine) {
        return new EventFilter(machine, since, last);
    }

    /** This filter, for events at lab time {@code since} or later. */
    public EventFilter withSince(Duration since) {
        return new EventFilter(machine, since, last);
    }

    /** This filter, for the newest {@code last} events only. */
    public EventFilter withLast(int last) {
        return new EventFilter(machine, since, last);
    }

    /** Whether {@code e} is one this filter selects (all but {@link #last}, which counts from the end). */
    public boolean matches(LabEvent e) {
        return (machine.isEmpty() || machine.equals(e.machine())) && e.time().compareTo(since) >= 0;
    }
}
