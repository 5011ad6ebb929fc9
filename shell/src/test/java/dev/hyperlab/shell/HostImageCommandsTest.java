package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A physical host imaged offline and restored bare metal onto a spare that was never installed, through the shell, a
 * JavaScript snippet and a Java snippet; and the refusals.
 */
class HostImageCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void imageAHostRestoreItOntoASpareAndItBoots() throws Exception {
        String repo = " --repo " + tmp.resolve("repo");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create pm1 --cores 4 --ram 8GiB --firmware bios --disk ssd:8GiB;"
                    + "host create spare --cores 4 --ram 8GiB --firmware bios --disk ssd:16GiB;"
                    + "host create small --cores 4 --ram 8GiB --firmware bios --disk ssd:4GiB;"
                    + "host install pm1 --hypervisor type1; host power-on pm1; wait host pm1;"
                    + "backup init " + tmp.resolve("repo"));

            String image = shell.ok("backup run pm1 --image" + repo);
            assertThat(image).startsWith("pm1: host image ").contains("(full, offline): 1 disk, ", " data, read ",
                    "host off ", ": imaging environment boot ", " + read ",
                    "; powered on again, its own boot follows (timeline pm1)");
            assertThat(shell.ok("timeline pm1")).contains("imaging-boot", "imaging");
            JsonNode list = shell.run("backup list --json" + repo).json();
            assertThat(list.get(0).get("kind").asText()).isEqualTo("host-image");
            String id = list.get(0).get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup list" + repo)).contains(id, "pm1", "HOST IMAGE");

            assertThat(shell.run("backup restore " + id + " --to-host small" + repo).err()).isEqualTo(
                    "error: host small disk disk0 is 4 GiB, smaller than the image's disk disk0 (8 GiB) (restore onto a "
                            + "host whose disks are the same size or larger)\n");
            assertThat(shell.run("backup restore " + id + " --as-vm copy" + repo).err())
                    .startsWith("error: backup " + id + " is a physical host's image");

            String restore = shell.ok("backup restore " + id + " --to-host spare" + repo);
            assertThat(restore).contains("restored " + id + " disk0 onto host spare ", "recovery time ", ": restore ",
                    " + POST and boot ");
            assertThat(shell.run("host info spare --json").json().get("state").asText()).isEqualTo("running");
            assertThat(shell.ok("timeline spare")).contains("restore", "bootloader", "kernel");
            JsonNode restoreJson = shell.run("backup restore " + id + " --to-host spare --json" + repo).json();
            assertThat(restoreJson.get("host").asText()).isEqualTo("spare");
            assertThat(restoreJson.get("bootTime").asDouble()).as("POST and boot, seconds").isGreaterThan(10);
            assertThat(shell.run("backup run pm1 --image --json" + repo).json().get("environmentBoot").asDouble())
                    .isGreaterThan(10);
            assertThat(shell.run("backup run pm1 --image --dry-run --json" + repo).err())
                    .startsWith("error: --json and --dry-run exclude each other");

            // the facade from JavaScript and from Java
            assertThat(shell.ok("js lab.backups('" + tmp.resolve("repo") + "', '').image('pm1', 'dedup').environmentBoot"
                    + " > 10")).contains("true");
            assertThat(shell.ok("java lab.backups(\"" + tmp.resolve("repo") + "\", \"\").restoreToHost(\"" + id
                    + "\", \"spare\", dev.hyperlab.api.lab.Wait.DONE).recoveryTime().toSeconds() > 10"))
                    .contains("true");
            assertThat(shell.run("host info spare --json").json().get("state").asText()).isEqualTo("running");

            // an image of a host nothing was ever installed on restores, and the spare then finds nothing to boot
            shell.ok("host create blank --cores 4 --ram 8GiB --firmware bios --disk ssd:8GiB;"
                    + "backup run blank --image" + repo);
            JsonNode all = shell.run("backup list --json" + repo).json();
            String blank = all.get(all.size() - 1).get("id").asText().substring(0, 8); // the newest
            assertThat(all.get(all.size() - 1).get("vm").asText()).isEqualTo("blank");
            ShellFixture.Result failed = shell.run("backup restore " + blank + " --to-host spare" + repo);
            assertThat(failed.out()).contains("warning: host spare failed to boot from the restored image: "
                    + "No bootable device.");
            assertThat(failed.err()).startsWith("error: host spare did not come up from backup " + blank);
            assertThat(shell.run("host info spare --json").json().get("state").asText()).isEqualTo("failed");
        }
    }
}
