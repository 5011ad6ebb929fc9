package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup commands on a QEMU lab, from the shell, a JavaScript call and a Java snippet, without booting: a real VM
 * that is off is read from its qcow2 by hyperlab's own code, full then incremental (its persistent bitmap); a restore
 * to a file is the disk byte for byte; a restore as a VM defines a real VM on its own qcow2 (started without waiting,
 * then destroyed); what a QEMU lab cannot do is refused in one line, nothing changed. Live backups of a running guest
 * are core's QemuBackupTest.
 */
class QemuBackupCommandsTest {
    @TempDir
    Path home;

    @AfterEach
    void stopEverything() throws Exception {
        RealVms.kill(home.resolve("lab"), "g2");
    }

    private ShellFixture open() {
        return new ShellFixture(() -> Labs.open(home.resolve("lab"), 1, Extensions.builtIn(), Optional.of("qemu")));
    }

    @Test
    void anOffRealVmIsBackedUpFullThenIncrementalAndRestored() throws Exception {
        String repo = home.resolve("repo").toString();
        try (ShellFixture sh = open()) {
            sh.ok("vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux; backup init " + repo);
            Path disk = Path.of(sh.run("vm info g1 --json").json().get("disks").get(0).get("path").asText());

            assertThat(sh.ok("backup run g1 --repo " + repo)).contains("fell back to a full backup");
            assertThat(sh.ok("backup run g1 --repo " + repo)).doesNotContain("fell back");
            JsonNode list = sh.run("backup list --repo " + repo + " --json").json();
            assertThat(list).hasSize(2);
            JsonNode inc = list.get(1);
            assertThat(inc.get("fullFallback").asBoolean()).isFalse();
            assertThat(inc.get("bytesRead").asLong()).as("nothing changed while it was off").isZero();
            assertThat(inc.get("disks").get(0).get("name").asText()).isEqualTo("disk0");
            assertThat(sh.ok("backup check --read-data --repo " + repo)).contains("no errors");

            // each backup is a row of the VM's timeline, as a simulated VM's: text, --json, --html and --svg
            assertThat(sh.ok("timeline g1")).contains("backup", "offline");
            JsonNode rows = sh.run("timeline g1 --json").json();
            assertThat(rows).hasSize(2);
            for (JsonNode row : rows) {
                assertThat(row.get("phase").asText()).isEqualTo("backup");
                assertThat(row.get("step").asText()).isEqualTo("offline");
                assertThat(row.get("boundBy").asText()).isEqualTo("disk");
            }
            Path svg = home.resolve("t.svg");
            Path html = home.resolve("t.html");
            assertThat(sh.ok("timeline g1 --svg " + svg + " --html " + html)).contains("wrote " + svg);
            assertThat(Files.readString(svg)).contains("<svg", "backup");
            assertThat(Files.readString(html)).startsWith("<!DOCTYPE html>").contains("backup");

            String id = inc.get("id").asText();
            Path raw = home.resolve("g1.raw");
            sh.ok("backup restore " + id + " --to " + raw + " --repo " + repo);
            assertThat(Files.mismatch(raw, convert(disk))).isEqualTo(-1);

            assertThat(sh.ok("js lab.backups('" + repo + "', '').list().length")).isEqualTo("2\n");
            assertThat(sh.ok("java lab.backups(\"" + repo + "\", \"\").list().get(0).vm()")).contains("g1");

            // bad input: one line, nothing changed
            assertThat(sh.run("backup run g1 --strategy forever --repo " + repo).err())
                    .startsWith("error: no backup strategy 'forever' for real VMs");
            assertThat(sh.run("backup restore " + id + " --as-vm g3 --host esx1 --repo " + repo).err())
                    .startsWith("error: no host 'esx1'");
            assertThat(sh.run("backup restore " + id + " --as-vm g1 --repo " + repo).err())
                    .startsWith("error: VM 'g1' exists");
            assertThat(sh.run("backup run local --image --repo " + repo).ok()).isFalse();
            assertThat(Files.exists(home.resolve("lab/vms/g3"))).isFalse();
            assertThat(sh.run("backup list --repo " + repo + " --json").json()).hasSize(2);

            // the drill, not waited for: a real VM defined on its own restored qcow2
            String out = sh.ok("backup restore " + id + " --as-vm g2 --no-wait --repo " + repo);
            assertThat(out).contains("restored", "g2");
            JsonNode g2 = sh.run("vm info g2 --json").json();
            assertThat(g2.get("disks").get(0).get("path").asText()).endsWith("vms/g2/disk0.qcow2");
            sh.ok("vm destroy g2");
        }
    }

    private Path convert(Path disk) throws Exception {
        Path out = Files.createTempFile(home, "convert", ".raw");
        Process p = new ProcessBuilder("qemu-img", "convert", "-U", "-O", "raw", disk.toString(), out.toString())
                .redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new AssertionError(said);
        }
        return out;
    }
}
