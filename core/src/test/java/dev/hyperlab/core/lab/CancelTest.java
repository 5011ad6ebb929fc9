package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ctrl-C in a front end interrupts the thread running an advance or a wait: the lab must stay usable and saved. */
class CancelTest {
    @TempDir
    Path tmp;

    @Test
    void anInterruptedAdvanceIsSavedAtTheTimeReachedAndTheLabStaysUsable() {
        Path dir = tmp.resolve("lab");
        Duration reached;
        try (LocalLab lab = Labs.open(dir, 3)) {
            lab.createHost(HostSpec.of("h1", 8, Sizes.parse("64GiB")).withFirmware("bios"));
            lab.host("h1").install(HypervisorType.TYPE1);
            lab.host("h1").powerOn();
            lab.host("h1").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            for (int i = 0; i < 4; i++) {
                lab.createVm(VmSpec.of("v" + i, "h1", 1, Sizes.parse("256MiB")).withOs("linux-server"));
                lab.vm("v" + i).start();
            }
            Duration before = lab.now();
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> lab.advance(Duration.ofHours(1)))
                    .isInstanceOfSatisfying(LabException.class,
                            e -> assertThat(e.kind()).isEqualTo(LabException.Kind.CANCELLED));
            assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is answered by CANCELLED").isFalse();
            reached = lab.now();
            assertThat(reached).isGreaterThanOrEqualTo(before).isLessThan(before.plusHours(1));
            lab.advance("1s"); // still usable: the save after the cancel did not close the lab's files
            reached = lab.now();
        }
        try (LocalLab lab = Labs.open(dir, 3)) {
            assertThat(lab.now()).isEqualTo(reached);
        }
    }
}
