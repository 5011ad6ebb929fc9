package dev.hyperlab.core.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.core.engine.lifecycle.HostLifecycle.Action;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import dev.hyperlab.core.engine.LabModel;

/**
 * The host lifecycle table, pair by pair: it is the one {@code api/lab/Host.java} documents, and a host brought into
 * each state does what the table says for each request (refused ones change nothing and say so with the table's error).
 */
class HostLifecycleTest {
    static final Duration HOUR = Duration.ofHours(1);
    static final List<String> STATES = Arrays.stream(HostState.values()).map(HostState::id).toList();

    static Stream<Arguments> pairs() {
        return Arrays.stream(HostState.values()).flatMap(s -> Arrays.stream(Action.values())
                .filter(Action::requested).map(a -> Arguments.of(s, a)));
    }

    @ParameterizedTest(name = "{0} -- {1}")
    @MethodSource("pairs")
    void theTableIsTheOneHostJavaDocuments(HostState state, Action request) throws Exception {
        Map<List<String>, String> documented = DocumentedLifecycle.of("Host", STATES);
        assertThat(HostLifecycle.TABLE.cell(state, request).map(TransitionTable.Cell::leadsTo))
                .as("%s -- %s", state.id(), request.words)
                .isEqualTo(Optional.ofNullable(documented.get(List.of(state.id(), request.words))));
    }

    @Test
    void theDocumentedTableListsOnlyRequestsTheTableKnows() throws Exception {
        List<String> words = Arrays.stream(Action.values()).filter(Action::requested).map(a -> a.words).toList();
        assertThat(DocumentedLifecycle.of("Host", STATES).keySet())
                .allSatisfy(k -> assertThat(words).contains(k.get(1)));
    }

    @ParameterizedTest(name = "{0} -- {1}")
    @MethodSource("pairs")
    void aHostDoesWhatTheTableSays(HostState state, Action request) {
        LabModel lab = labWithHostIn(state);
        assertThat(lab.hostState("h")).isEqualTo(state);
        var cell = HostLifecycle.TABLE.cell(state, request);
        if (cell.isEmpty()) {
            LabException refused = catchThrowableOfType(LabException.class, () -> ask(lab, request));
            assertThat(refused).as("%s -- %s is refused", state.id(), request.words).isNotNull();
            assertThat(refused.kind()).isEqualTo(LabException.Kind.NOT_ALLOWED);
            assertThat(refused.getMessage()).isEqualTo(HostLifecycle.refusal("h", state, request).getMessage());
            assertThat(lab.hostState("h")).as("a refused request changes nothing").isEqualTo(state);
            return;
        }
        ask(lab, request);
        if (cell.get().leadsTo().equals("gone")) {
            assertThat(lab.hasHost("h")).isFalse();
            return;
        }
        assertThat(lab.hostState("h")).isEqualTo(HostState.of(cell.get().leadsTo()));
    }

    /** Host {@code h} (type 1 installed, except a failed one: nothing boots on it) brought into {@code state}. */
    static LabModel labWithHostIn(HostState state) {
        LabModel lab = LabModel.inMemory(5);
        if (state == HostState.FAILED) {
            lab.createHost(HostSpec.of("h", 8, Sizes.parse("64GiB")).withBootOrder(List.of("disk", "net")));
            lab.powerOn("h");
            lab.advance(HOUR, ProgressListener.NONE);
            return lab;
        }
        lab.createHost(HostSpec.of("h", 8, Sizes.parse("64GiB")));
        lab.installHost("h", HypervisorType.TYPE1, null);
        if (state == HostState.OFF) {
            return lab;
        }
        lab.powerOn("h");
        if (state == HostState.RUNNING) {
            lab.waitHost("h", HostState.RUNNING, HOUR, ProgressListener.NONE);
        }
        return lab;
    }

    static void ask(LabModel lab, Action request) {
        switch (request) {
            case INSTALL -> lab.installHost("h", HypervisorType.TYPE1, null);
            case POWER_ON -> lab.powerOn("h");
            case POWER_OFF -> lab.powerOff("h");
            case RESET -> lab.reset("h");
            case DELETE -> lab.deleteHost("h");
            default -> throw new IllegalArgumentException(request + " is not a request");
        }
    }
}
