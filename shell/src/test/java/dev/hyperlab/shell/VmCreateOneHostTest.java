package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vm create} without {@code --host}: in a lab of one host (a QEMU lab's {@code local}, or a simulated lab with
 * one host) the VM goes there, as virsh defines a domain on the one host it talks to; otherwise one line says which
 * hosts there are, and nothing is created.
 */
class VmCreateOneHostTest {
    @TempDir
    Path tmp;

    @Test
    void aLabOfOneHostNeedsNoHostName() {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("sim"))) {
            assertThat(shell.run("vm create a --vcpus 1 --memory 1GiB").err()).isEqualTo("error: VM a needs a host (the "
                    + "lab has none yet: host create NAME --cores N --ram SIZE)\n");
            shell.ok("host create h1 --cores 4 --ram 16GiB");
            assertThat(shell.ok("vm create a --vcpus 1 --memory 1GiB --disk 1GiB")).startsWith("created vm a on h1: ");
            assertThat(shell.ok("java lab.createVm(VmSpec.of(\"b\", \"\", 1, Sizes.parse(\"1GiB\"))"
                    + ".withOs(\"linux-server\")).info().host()"))
                    .endsWith("==> \"h1\"\n");
            shell.ok("host create h2 --cores 4 --ram 16GiB");
            assertThat(shell.run("vm create c --vcpus 1 --memory 1GiB").err())
                    .isEqualTo("error: VM c needs a host (name the one it runs on (--host): h1, h2)\n");
            assertThat(shell.ok("vm list")).doesNotContain("c ");
        }
        try (ShellFixture real = new ShellFixture(() -> Labs.open(tmp.resolve("real"), 1, Extensions.builtIn(),
                Optional.of("qemu")))) {
            assertThat(real.ok("vm create g --vcpus 1 --memory 256MiB --os tiny-linux"))
                    .startsWith("created vm g on local: ");
        }
    }
}
