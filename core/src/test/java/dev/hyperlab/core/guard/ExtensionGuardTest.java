package dev.hyperlab.core.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's record of a plugin's faults: what it says, and who is told. */
class ExtensionGuardTest {
    /** A plugin's constructor that throws is named by what it threw, not by reflection's wrapper. */
    static final class Boom {
        Boom() {
            throw new IllegalStateException("ctor boom");
        }
    }

    @Test
    void aConstructorThatThrowsIsReportedByWhatItThrewAndTheFirstFaultIsTold() {
        ExtensionGuard guard = new ExtensionGuard(Duration.ofSeconds(2));
        List<String> told = new ArrayList<>();
        guard.onFault((plugin, message) -> told.add(plugin + ": " + message));
        assertThatThrownBy(() -> guard.call("p", "creating Boom", () -> Boom.class.getDeclaredConstructor()
                .newInstance()))
                .isInstanceOf(ExtensionFault.class)
                .hasMessageStartingWith("plugin 'p' failed: creating Boom threw java.lang.IllegalStateException: ctor boom");
        guard.fault("p", "again");
        assertThat(told).containsExactly("p: plugin 'p' failed: creating Boom threw java.lang.IllegalStateException:"
                + " ctor boom");
        guard.clear("p");
        guard.recordEarlier("p", "plugin 'p' failed: earlier");
        assertThat(guard.faultOf("p")).contains("plugin 'p' failed: earlier");
        assertThat(told).hasSize(1); // an earlier session's fault is on file already
        guard.clear("p");
    }
}
