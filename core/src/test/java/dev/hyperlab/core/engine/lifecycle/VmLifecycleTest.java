package dev.hyperlab.core.engine.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.SnapshotOptions;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.lifecycle.VmLifecycle.Action;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import dev.hyperlab.core.engine.LabModel;

/**
 * The VM lifecycle table, pair by pair: it is the one {@code api/lab/Vm.java} documents, and a VM brought into each
 * state does what the table says for each request (refused ones change nothing and say so with the table's error).
 */
class VmLifecycleTest {
    static final Duration HOUR = Duration.ofHours(1);
    static final List<String> STATES = Arrays.stream(VmState.values()).map(VmState::id).toList();

    static Stream<Arguments> pairs() {
        return Arrays.stream(VmState.values()).flatMap(s -> Arrays.stream(Action.values())
                .filter(Action::requested).map(a -> Arguments.of(s, a)));
    }

    @ParameterizedTest(name = "{0} -- {1}")
    @MethodSource("pairs")
    void theTableIsTheOneVmJavaDocuments(VmState state, Action request) throws Exception {
        Map<List<String>, String> documented = DocumentedLifecycle.of("Vm", STATES);
        assertThat(VmLifecycle.TABLE.cell(state, request).map(TransitionTable.Cell::leadsTo))
                .as("%s -- %s", state.id(), request.words)
                .isEqualTo(java.util.Optional.ofNullable(documented.get(List.of(state.id(), request.words))));
    }

    @Test
    void theDocumentedTableListsOnlyRequestsTheTableKnows() throws Exception {
        List<String> words = Arrays.stream(Action.values()).filter(Action::requested).map(a -> a.words).toList();
        assertThat(DocumentedLifecycle.of("Vm", STATES).keySet()).allSatisfy(k -> assertThat(words).contains(k.get(1)));
    }

    @ParameterizedTest(name = "{0} -- {1}")
    @MethodSource("pairs")
    void aVmDoesWhatTheTableSays(VmState state, Action request) {
        LabModel lab = labWithVmIn(state);
        assertThat(lab.vmState("v")).isEqualTo(state);
        var cell = VmLifecycle.TABLE.cell(state, request);
        if (cell.isEmpty()) {
            LabException refused = catchThrowableOfType(LabException.class, () -> ask(lab, request));
            assertThat(refused).as("%s -- %s is refused", state.id(), request.words).isNotNull();
            assertThat(refused.kind()).isEqualTo(LabException.Kind.NOT_ALLOWED);
            assertThat(refused.getMessage()).isEqualTo(VmLifecycle.refusal("v", state, request).getMessage());
            assertThat(lab.vmState("v")).as("a refused request changes nothing").isEqualTo(state);
            return;
        }
        ask(lab, request);
        String leadsTo = cell.get().leadsTo();
        switch (leadsTo) {
            case "gone" -> assertThat(lab.hasVm("v")).isFalse();
            case "as it was" -> assertThat(lab.vmState(request == Action.RENAME ? "v3" : "v")).isEqualTo(state);
            case "the snapshot's state" -> assertThat(lab.vmState("v")).isEqualTo(VmState.DEFINED); // s0's
            default -> {
                VmState target = VmState.of(leadsTo);
                assertThat(lab.vmState("v")).as("at once: where it leads, or as it was while its work lasts")
                        .isIn(target, state);
                if (lab.vmState("v") != target) {
                    lab.waitVm("v", target, HOUR, ProgressListener.NONE); // throws if the VM settles elsewhere
                }
            }
        }
    }

    @Test
    void aRefusalNamesTheStateAndWhatToDo() {
        assertThat(VmLifecycle.refusal("web", VmState.DEFINED, Action.SHUTDOWN).getMessage())
                .isEqualTo("VM web is defined (only a running VM can shut down)");
        assertThat(VmLifecycle.refusal("web", VmState.RUNNING, Action.RESUME).getMessage())
                .isEqualTo("VM web is running (only a suspended VM can resume)");
        assertThat(VmLifecycle.refusal("web", VmState.STARTING, Action.SHUTDOWN).getMessage())
                .isEqualTo("VM web is starting (it answers once it runs: wait vm web, then try again; vm destroy "
                        + "web stops it at once)");
    }

    @Test
    void anEventTheTableDoesNotAllowIsABugNotAUserError() {
        var life = VmLifecycle.of("web", VmState.SHUTOFF);
        assertThatThrownBy(() -> life.transition(Action.BOOTED)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> VmLifecycle.of("web", VmState.PAUSED).transition(Action.UNPAUSE, VmState.SHUTOFF))
                .isInstanceOf(IllegalStateException.class);
        assertThat(life.state()).isEqualTo(VmState.SHUTOFF);
    }

    /** A running host and VM {@code v} with snapshot {@code s0} taken while it was defined, brought into {@code state}. */
    static LabModel labWithVmIn(VmState state) {
        LabModel lab = LabModel.inMemory(5);
        lab.createHost(HostSpec.of("h", 8, Sizes.parse("64GiB")));
        lab.installHost("h", HypervisorType.TYPE1, null);
        lab.createHost(HostSpec.of("h2", 8, Sizes.parse("64GiB"))); // where vm migrate moves it
        lab.installHost("h2", HypervisorType.TYPE1, null);
        lab.powerOn("h2");
        lab.powerOn("h");
        lab.waitHost("h", HostState.RUNNING, HOUR, ProgressListener.NONE);
        lab.waitHost("h2", HostState.RUNNING, HOUR, ProgressListener.NONE);
        lab.createVm(VmSpec.of("v", "h", 2, Sizes.parse("2GiB")).withOs("linux-server"));
        lab.createSnapshot("v", "s0", SnapshotOptions.DEFAULT, () -> {});
        if (state == VmState.DEFINED) {
            return lab;
        }
        lab.startVm("v");
        if (state == VmState.STARTING) {
            lab.advance(Duration.ofSeconds(4), ProgressListener.NONE); // in init: its memory touched, a pause takes time
            return lab;
        }
        lab.waitVm("v", VmState.RUNNING, HOUR, ProgressListener.NONE);
        switch (state) {
            case RUNNING -> {}
            case PAUSED -> lab.createSnapshot("v", "live", SnapshotOptions.DEFAULT, () -> {});
            case SUSPENDED -> {
                lab.suspendVm("v");
                lab.waitVm("v", VmState.SUSPENDED, HOUR, ProgressListener.NONE);
            }
            case SHUTOFF -> lab.destroyVm("v");
            case CRASHED -> {
                lab.powerOff("h");
                lab.powerOn("h");
                lab.waitHost("h", HostState.RUNNING, HOUR, ProgressListener.NONE);
            }
            default -> throw new IllegalArgumentException(state.id());
        }
        return lab;
    }

    static void ask(LabModel lab, Action request) {
        switch (request) {
            case START -> lab.startVm("v");
            case SHUTDOWN -> lab.shutdownVm("v");
            case DESTROY -> lab.destroyVm("v");
            case REBOOT -> lab.rebootVm("v");
            case SUSPEND -> lab.suspendVm("v");
            case RESUME -> lab.resumeVm("v");
            case DELETE -> lab.deleteVm("v");
            case SNAPSHOT -> lab.createSnapshot("v", "asked", SnapshotOptions.DEFAULT, () -> {});
            case REVERT -> lab.revertSnapshot("v", "s0", () -> {});
            case RENAME -> lab.renameVm("v", "v3");
            case MIGRATE -> lab.migrateVm("v", "h2", ProgressListener.NONE);
            case MIGRATE_LIVE -> lab.migrateVm("v", "h2", dev.hyperlab.api.lab.MigrateOptions.LIVE, ProgressListener.NONE);
            case CLONE -> lab.cloneVm("v", "v2", ProgressListener.NONE);
            // a change that needs the VM off (a running VM takes more vCPUs or memory by hot-add: VmHotPlugTest)
            case SET -> lab.setVm("v", dev.hyperlab.api.lab.VmChange.NONE.withBootPriority(1));
            default -> throw new IllegalArgumentException(request + " is not a request");
        }
    }
}
