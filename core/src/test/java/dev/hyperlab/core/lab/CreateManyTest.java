package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Lab.createHosts} and {@code Lab.createVms}: several machines in one request, all checked before the first
 * exists, so one refusal (or an image that cannot be made part way) leaves the lab and its directory as they were; and
 * what they make is what the same machines made one by one make, byte for byte.
 */
class CreateManyTest {
    @TempDir
    Path tmp;

    private static VmSpec vm(String name, int vcpus) {
        return VmSpec.of(name, "h1", vcpus, Sizes.GiB).withOs("linux-server");
    }

    private static LocalLab labWithHost(Path dir) {
        LocalLab lab = Labs.open(dir, 7);
        lab.createHost(HostSpec.of("h1", 8, 64 * Sizes.GiB).withFirmware("bios"));
        return lab;
    }

    @Test
    void oneRefusedVmRefusesThemAllAndChangesNothing() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = labWithHost(dir)) {
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            List<String> filesBefore = files(dir);
            assertThatThrownBy(() -> lab.createVms(List.of(vm("a", 1), vm("b", 2), vm("c", 16))))
                    .isInstanceOfSatisfying(LabException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LabException.Kind.INSUFFICIENT);
                        assertThat(e.getMessage()).startsWith("VM c has 16 vCPUs but host h1 has 8 cores");
                    });
            assertThatThrownBy(() -> lab.createVms(List.of(vm("a", 1), vm("b", 1), vm("a", 2))))
                    .isInstanceOfSatisfying(LabException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LabException.Kind.INVALID);
                        assertThat(e.getMessage()).startsWith("VM a is named twice");
                    });
            assertThatThrownBy(() -> lab.createVms(List.of(vm("a", 1), VmSpec.of("b", "nope", 1, Sizes.GiB)
                    .withOs("linux-server")))).hasMessageContaining("nope");
            assertThat(lab.vms()).isEmpty();
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            assertThat(files(dir)).isEqualTo(filesBefore);
        }
    }

    @Test
    void anImageThatCannotBeMadePartWayTakesTheOthersBackWithIt() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = labWithHost(dir)) {
            lab.createVm(vm("first", 1)); // the base image exists, so only the overlays are this request's
            Files.writeString(dir.resolve("vms/c"), "a file where VM c's directory would go");
            List<String> filesBefore = files(dir);
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            assertThatThrownBy(() -> lab.createVms(List.of(vm("a", 1), vm("b", 1), vm("c", 1))))
                    .isInstanceOfSatisfying(LabException.class,
                            e -> assertThat(e.kind()).isEqualTo(LabException.Kind.IO));
            assertThat(lab.vms()).extracting(Vm::name).containsExactly("first");
            assertThat(files(dir)).isEqualTo(filesBefore);
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
        }
    }

    @Test
    void manyAtOnceMakeWhatOneByOneMakes() throws Exception {
        Path one = tmp.resolve("one");
        Path many = tmp.resolve("many");
        List<VmSpec> specs = List.of(vm("a", 1), vm("b", 2), vm("c", 4));
        try (LocalLab lab = Labs.open(one, 7)) {
            lab.createHost(HostSpec.of("h1", 8, 64 * Sizes.GiB).withFirmware("bios"));
            lab.createHost(HostSpec.of("h2", 8, 64 * Sizes.GiB).withFirmware("bios"));
            specs.forEach(lab::createVm);
        }
        try (LocalLab lab = Labs.open(many, 7)) {
            List<Host> hosts = lab.createHosts(List.of(HostSpec.of("h1", 8, 64 * Sizes.GiB).withFirmware("bios"),
                    HostSpec.of("h2", 8, 64 * Sizes.GiB).withFirmware("bios")));
            assertThat(hosts).extracting(Host::name).containsExactly("h1", "h2");
            List<Vm> vms = lab.createVms(specs);
            assertThat(vms).extracting(Vm::name).containsExactly("a", "b", "c");
            assertThat(vms.get(2).info().vcpus()).isEqualTo(4);
        }
        assertThat(Files.readString(many.resolve("lab.json"))).isEqualTo(Files.readString(one.resolve("lab.json")));
        assertThat(Files.readString(many.resolve("events.log"))).isEqualTo(Files.readString(one.resolve("events.log")));
        assertThat(files(many)).isEqualTo(files(one));
    }

    @Test
    void oneRefusedHostRefusesThemAll() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = labWithHost(dir)) {
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            assertThatThrownBy(() -> lab.createHosts(List.of(HostSpec.of("h2", 8, 64 * Sizes.GiB),
                    HostSpec.of("h3", 0, 64 * Sizes.GiB)))).hasMessageStartingWith("host h3: 0 cores is out of range");
            assertThatThrownBy(() -> lab.createHosts(List.of(HostSpec.of("h2", 8, 64 * Sizes.GiB),
                    HostSpec.of("h2", 8, 64 * Sizes.GiB)))).hasMessageStartingWith("host h2 is named twice");
            assertThatThrownBy(() -> lab.createHosts(List.of(HostSpec.of("h2", 8, 64 * Sizes.GiB),
                    HostSpec.of("h1", 8, 64 * Sizes.GiB)))).hasMessageStartingWith("a host named 'h1' already exists");
            assertThat(lab.hosts()).extracting(Host::name).containsExactly("h1");
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
        }
    }

    /** Every file and directory under {@code dir} but the lock, as paths relative to it, sorted. */
    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> dir.relativize(p).toString()).filter(p -> !p.equals("lab.lock")).sorted().toList();
        }
    }
}
