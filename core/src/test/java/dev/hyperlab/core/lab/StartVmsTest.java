package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartVmsTest {
    @TempDir
    Path tmp;

    @Test
    void startsAllOrNoneAndBootsThemSideBySide() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 5)) {
            lab.apply("""
                    hosts: [{name: h1, cores: 8, ram: 64GiB, firmware: bios, hypervisor: type1}]
                    vms:
                      - {name: a, host: h1, vcpus: 1, memory: 1GiB, os: linux-server}
                      - {name: b, host: h1, vcpus: 1, memory: 1GiB, os: linux-server}
                      - {name: c, host: h1, vcpus: 1, memory: 1GiB, os: microvm}
                    """);
            lab.host("h1").powerOn();
            lab.host("h1").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            lab.vm("c").start();
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            assertThatThrownBy(() -> lab.startVms(List.of("a", "b", "c")))
                    .isInstanceOfSatisfying(LabException.class,
                            e -> assertThat(e.kind()).isEqualTo(LabException.Kind.NOT_ALLOWED));
            assertThatThrownBy(() -> lab.startVms(List.of("a", "nope"))).hasMessageContaining("nope");
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            assertThat(lab.vm("a").state()).isEqualTo(VmState.DEFINED);

            lab.startVms(List.of("a", "b", "a"));
            assertThat(lab.vms().stream().map(Vm::state)).allMatch(s -> s == VmState.STARTING || s == VmState.RUNNING);
            lab.advance("2m");
            assertThat(lab.vms().stream().map(Vm::state)).containsOnly(VmState.RUNNING);
        }
    }
}
