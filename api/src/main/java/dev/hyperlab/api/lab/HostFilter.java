package dev.hyperlab.api.lab;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Which hosts {@link Lab#hosts(HostFilter)} returns, as {@code host list --state S [NAME-GLOB]} selects them: every
 * part that is not empty must match.
 *
 * <pre>{@code
 * lab.hosts({state: 'running'})                      // JavaScript
 * lab.hosts(HostFilter.ALL.withName("esx*"))          // Java
 * }</pre>
 *
 * @param state a host state id ({@code running}, {@code off}, ...); empty for any
 * @param name a glob over the host's name: {@code *} any run of characters, {@code ?} one; empty for any
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record HostFilter(String state, String name) {
    /** Every host. */
    public static final HostFilter ALL = new HostFilter("", "");

    /** Missing parts (null, as a script may leave them) mean any; a state must be one of the host states. */
    public HostFilter {
        state = Objects.requireNonNullElse(state, "").strip();
        name = Objects.requireNonNullElse(name, "").strip();
        if (!state.isEmpty()) {
            HostState.of(state); // a typo is an error, not an empty list
        }
    }

    /** This filter, for hosts in state {@code state}. */
    public HostFilter withState(String state) {
        return new HostFilter(state, name);
    }

    /** This filter, for hosts whose name matches {@code glob}. */
    public HostFilter withName(String glob) {
        return new HostFilter(state, glob);
    }

    /** Whether {@code host} is one this filter selects. */
    public boolean matches(HostInfo host) {
        return (state.isEmpty() || HostState.of(state) == host.state()) && NameGlob.matches(name, host.name());
    }
}
