package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.StartPolicy;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabPersistenceTest {
    @TempDir
    Path tmp;

    /** Hosts and VMs mid-boot, with a start policy queue and a group delay pending. */
    static void setUp(Lab lab) {
        lab.createHost(HostSpec.of("h1", 8, Sizes.parse("64GiB")).withFirmware("bios")
                .withDisks(List.of(HostDiskSpec.parse("hdd:2TiB"))));
        lab.createHost(HostSpec.of("h2", 8, Sizes.parse("64GiB")).withFirmware("bios"));
        lab.host("h1").install(HypervisorType.TYPE1);
        lab.host("h2").install(HypervisorType.TYPE2);
        lab.host("h1").powerOn();
        lab.host("h2").powerOn();
        lab.host("h1").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
        lab.host("h2").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
        lab.host("h1").setStartPolicy(new StartPolicy(2, Duration.ofSeconds(5)));
        for (int i = 0; i < 6; i++) {
            lab.createVm(VmSpec.of("a" + i, "h1", 2, Sizes.parse("2GiB")).withOs("linux-server").withBootPriority(i % 2));
            lab.createVm(VmSpec.of("b" + i, "h2", 2, Sizes.parse("2GiB")).withOs("linux-server"));
        }
        for (int i = 0; i < 6; i++) {
            lab.vm("a" + i).start();
            lab.vm("b" + i).start();
        }
    }

    static void finish(Lab lab) {
        lab.advance(Duration.ofMinutes(30));
        for (var vm : lab.vms()) {
            assertThat(vm.state()).as(vm.name()).isEqualTo(VmState.RUNNING);
        }
    }

    @Test
    void aLabSavedMidBootContinuesExactlyAsOneThatNeverStopped() throws Exception {
        Path straight = tmp.resolve("straight");
        try (LocalLab lab = Labs.open(straight, 9)) {
            setUp(lab);
            lab.advance("3s");
            finish(lab);
        }
        Path stopped = tmp.resolve("stopped");
        try (LocalLab lab = Labs.open(stopped, 9)) {
            setUp(lab);
            lab.advance("3s");
            assertThat(lab.info().pendingEvents()).isPositive();
        }
        try (LocalLab lab = Labs.open(stopped, 1234)) { // the stored seed wins over the one for new labs
            assertThat(lab.info().seed()).isEqualTo(9);
            finish(lab);
        }
        assertThat(Files.readString(stopped.resolve("events.log")))
                .isEqualTo(Files.readString(straight.resolve("events.log")));
        assertThat(Files.readString(stopped.resolve("lab.json")))
                .isEqualTo(Files.readString(straight.resolve("lab.json")));
    }

    @Test
    void badRequestsChangeNothing() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 1)) {
            setUp(lab);
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            List<Consumer<Lab>> bad = List.of(
                    l -> l.createHost(HostSpec.of("h1", 4, Sizes.parse("8GiB"))),
                    l -> l.createHost(HostSpec.of("a0", 4, Sizes.parse("8GiB"))),
                    l -> l.createHost(HostSpec.of("h3", -4, Sizes.parse("8GiB"))),
                    l -> l.createHost(HostSpec.of("h3", 4, Sizes.parse("0"))),
                    l -> l.createHost(HostSpec.of("h3", 4, Sizes.parse("8GiB")).withFirmware("nope")),
                    l -> l.createHost(HostSpec.of("h3", 4, Sizes.parse("8GiB")).withBootOrder(List.of("cdrom"))),
                    l -> l.createVm(VmSpec.of("x", "nohost", 1, Sizes.parse("1GiB")).withOs("linux-server")),
                    l -> l.createVm(VmSpec.of("x", "h1", 1, Sizes.parse("1TiB")).withOs("linux-server")),
                    l -> l.createVm(VmSpec.of("x", "h1", 64, Sizes.parse("1GiB")).withOs("linux-server")),
                    l -> l.createVm(VmSpec.of("x", "h1", 1, Sizes.parse("1GiB")).withOs("beos")),
                    l -> l.createVm(VmSpec.of("x", "h1", 1, Sizes.parse("1GiB")).withOs("linux-server")
                            .withDisks(List.of("20GiB", "-5GiB"))),
                    l -> l.createVm(VmSpec.of("x", "h1", 1, Sizes.parse("1GiB")).withDrivers(List.of("nope"))
                            .withOs("linux-server")),
                    l -> l.vm("nope").start(),
                    l -> l.vm("a0").start(),
                    l -> l.vm("a0").delete(),
                    l -> l.vm("a0").resume(),
                    l -> l.host("h1").powerOn(),
                    l -> l.host("h1").install(HypervisorType.TYPE1));
            for (Consumer<Lab> request : bad) {
                assertThatThrownBy(() -> request.accept(lab)).isInstanceOf(LabException.class)
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n").isNotBlank());
                assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            }
            assertThat(lab.vms()).hasSize(12);
        }
    }

    @Test
    void twoProcessesCannotOpenTheSameLab() {
        Path dir = tmp.resolve("locked");
        try (LocalLab lab = Labs.open(dir, 1)) {
            assertThat(lab.hosts()).isEmpty();
            // a second open in this JVM is refused the same way another process is (the lock is per file)
            assertThatThrownBy(() -> Labs.open(dir, 1)).isInstanceOf(RuntimeException.class);
        }
    }
}
