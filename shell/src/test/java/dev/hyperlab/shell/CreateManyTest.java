package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several hosts or VMs in one request, the same through each front end: {@code host create NAME...} and
 * {@code vm create NAME...} in the shell, {@code lab.createHosts}/{@code lab.createVms} in JavaScript and Java
 * snippets. One refused refuses them all, with one line, and the lab file is not touched.
 */
class CreateManyTest {
    @TempDir
    Path tmp;

    @Test
    void theShellMakesSeveralAlikeOrNone() throws Exception {
        Path dir = tmp.resolve("lab");
        try (ShellFixture shell = ShellFixture.in(dir)) {
            assertThat(shell.ok("host create h1 h2 --cores 8 --ram 64GiB --firmware bios")).isEqualTo("""
                    created host h1: 8 cores, 64 GiB, bios, disk0 nvme 1 TiB (next: host install h1 --hypervisor type1)
                    created host h2: 8 cores, 64 GiB, bios, disk0 nvme 1 TiB (next: host install h2 --hypervisor type1)
                    """);
            assertThat(shell.ok("vm create a b --host h1 --vcpus 2 --memory 4GiB --os linux-server"))
                    .startsWith("created vm a on h1: 2 vCPUs, 4 GiB, linux-server")
                    .contains("\ncreated vm b on h1: 2 vCPUs, 4 GiB, linux-server");
            byte[] before = Files.readAllBytes(dir.resolve("lab.json"));
            ShellFixture.Result refused = shell.run("vm create c d a --host h1 --vcpus 2 --memory 4GiB --os linux-server");
            assertThat(refused.ok()).isFalse();
            assertThat(refused.err()).isEqualTo("error: a VM named 'a' already exists (choose another name)\n");
            assertThat(shell.run("vm create c c --host h1 --vcpus 1 --memory 1GiB --os linux-server").err())
                    .isEqualTo("error: VM c is named twice (give each VM its own name)\n");
            assertThat(shell.run("host create h3 h4 --profile x.json").err())
                    .isEqualTo("error: host create: --profile makes one host, not 2 (give one NAME with --profile)\n");
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
            assertThat(shell.ok("vm list")).doesNotContain("\nc ").doesNotContain("\nd ").contains("\nb ");
            assertThat(shell.ok("vm create --dry-run e f --host h2 --vcpus 1 --memory 1GiB --os microvm"))
                    .contains("would create vm e on h2").contains("would create vm f on h2");
            assertThat(Files.readAllBytes(dir.resolve("lab.json"))).isEqualTo(before);
        }
    }

    @Test
    void aQemuLabTakesTheFacadesOwnAllOrNone() {
        // QemuLab has no createVms of its own: the facade's default makes them one by one, and deletes the ones made
        // before a refusal
        try (ShellFixture real = new ShellFixture(() -> Labs.open(tmp.resolve("real"), 1, Extensions.builtIn(),
                Optional.of("qemu")))) {
            assertThat(real.ok("vm create g1 g2 --vcpus 1 --memory 256MiB --os tiny-linux"))
                    .contains("created vm g1 on local").contains("created vm g2 on local");
            assertThat(real.run("vm create g3 g1 --vcpus 1 --memory 256MiB --os tiny-linux").err())
                    .startsWith("error: ").contains("g1");
            assertThat(real.ok("vm list")).doesNotContain("g3").contains("g2");
        }
    }

    @Test
    void scriptsAndSnippetsReachTheSameCalls() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            assertThat(shell.ok("js lab.createHosts([{name: 'h1', cores: 8, ram: '64GiB', firmware: 'bios'},"
                    + " {name: 'h2', cores: 4, ram: '16GiB'}]).map(h => h.name()).join()")).isEqualTo("h1,h2\n");
            assertThat(shell.ok("js lab.createVms([1, 2, 3].map(i => ({name: 'v' + i, host: 'h1', vcpus: i,"
                    + " memory: '1GiB', os: 'linux-server'}))).map(v => v.info().vcpus).join()"))
                    .isEqualTo("1,2,3\n");
            assertThat(shell.ok("js try { lab.createVms([{name: 'v4', host: 'h2', vcpus: 1, memory: '1GiB', os:"
                    + " 'microvm'}, {name: 'v5', host: 'h2', vcpus: 8, memory: '1GiB', os: 'microvm'}]) } catch (e)"
                    + " { e.kind + ': ' + e.message }"))
                    .isEqualTo("insufficient: VM v5 has 8 vCPUs but host h2 has 4 cores (give it at most 4 vCPUs)\n");
            assertThat(shell.ok("java lab.createVms(List.of(VmSpec.of(\"w1\", \"h2\", 1, Sizes.parse(\"1GiB\"))"
                    + ".withOs(\"microvm\"), VmSpec.of(\"w2\", \"h2\", 2, Sizes.parse(\"1GiB\")).withOs(\"microvm\")))"
                    + ".size()")).endsWith("==> 2\n");
            assertThat(shell.ok("vm list")).contains("v3").contains("w2").doesNotContain("v4");
        }
    }
}
