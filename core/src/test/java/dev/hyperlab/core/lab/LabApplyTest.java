package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.ApplyResult;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabApplyTest {
    static final String FILE = """
            hosts:
              - name: esx1
                cores: 16
                ram: 128GiB
                firmware: bios
                disks: [nvme:2TiB]
                hypervisor: type1
                startPolicy: {maxConcurrentBoots: 4, groupDelay: 10s}
              - name: ws1
                cores: 8
                ram: 32GiB
                firmware: bios
                hypervisor: type2
                hostOs: linux
            vms:
              - name: web1
                host: esx1
                vcpus: 2
                memory: 4GiB
                os: linux-server
              - name: data1
                host: ws1
                vcpus: 1
                memory: 1GiB
                disks: [20GiB]
                bootPriority: 2
            """;

    @TempDir
    Path tmp;

    @Test
    void createsWhatIsDeclaredAndChangesNothingTheSecondTime() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 1)) {
            ApplyResult first = lab.apply(FILE);
            assertThat(first.changes()).containsExactly("created host esx1", "installed type1 on esx1",
                    "set start policy of esx1", "created host ws1", "installed type2 on ws1", "created vm web1",
                    "created vm data1");
            assertThat(lab.host("esx1").info().ram()).isEqualTo(Sizes.parse("128GiB"));
            assertThat(lab.host("esx1").startPolicy().groupDelay()).isEqualTo(Duration.ofSeconds(10));
            assertThat(lab.host("ws1").info().hostOs()).isEqualTo("linux");
            assertThat(lab.vm("data1").info().bootPriority()).isEqualTo(2);

            ApplyResult second = lab.apply(FILE);
            assertThat(second.changes()).isEmpty();
            assertThat(second.unchanged()).containsExactly("host esx1", "host ws1", "vm web1", "vm data1");
        }
    }

    @Test
    void aConflictOrABadEntryRefusesTheWholeFile() throws Exception {
        Path dir = tmp.resolve("lab");
        try (LocalLab lab = Labs.open(dir, 1)) {
            lab.apply("hosts: [{name: esx1, cores: 8, ram: 64GiB, firmware: bios}]");
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            assertThatThrownBy(() -> lab.apply(FILE)).isInstanceOfSatisfying(LabException.class, e -> {
                assertThat(e.kind()).isEqualTo(LabException.Kind.CONFLICT);
                assertThat(e.getMessage()).startsWith("host esx1 exists with cores 8, the file says 16");
            });
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            assertThatThrownBy(() -> lab.apply(FILE.replace("esx1", "esx2").replace("bootPriority", "bootPriorty")))
                    .hasMessageStartingWith("vm data1: unknown key 'bootPriorty'");
            assertThatThrownBy(() -> lab.apply(FILE.replace("esx1", "esx2").replace("host: ws1", "host: nope")))
                    .hasMessageContaining("nope");
            assertThatThrownBy(() -> lab.apply("hosts: [oops")).hasMessageStartingWith("the lab file is not valid YAML");
            assertThatThrownBy(() -> lab.apply("machines: []")).hasMessageContaining("unknown section 'machines'");
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            assertThat(lab.hosts()).hasSize(1);
        }
    }
}
