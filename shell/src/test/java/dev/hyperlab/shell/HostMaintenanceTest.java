package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code host maintenance HOST on|off} (issue 19, "Move and drain"). */
class HostMaintenanceTest {
    @TempDir
    Path tmp;

    @Test
    void aDrainMovesRunningVmsLiveAndStoppedOnesOfflineAndKeepsTheHostOutOfPlacement() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok(LiveMigrationTest.TWO_HOSTS + "host create c --cores 8 --ram 16GiB; host install c --hypervisor "
                    + "type1; host power-on c --wait;"
                    + "vm create db --host a --vcpus 4 --memory 8GiB --os linux-server --workload database "
                    + "--boot-priority 2; vm create web --host a --vcpus 2 --memory 4GiB --os linux-server --workload "
                    + "web --boot-priority 1; vm create off --host a --vcpus 1 --memory 1GiB --os linux-server;"
                    + "vm start db web --wait; advance 10s");
            String out = shell.ok("host maintenance a on");
            assertThat(out).startsWith("put host a in maintenance, moving 3 VMs:");
            // highest start priority (lowest boot-priority number) first, each to the host with the most memory left
            assertThat(out).containsPattern("(?s)  off -> .* offline in .*  web -> b live in .*  db -> [bc] live in ");
            assertThat(shell.ok("host info a")).containsPattern("maintenance +on");
            assertThat(shell.ok("host info a --json")).contains("\"maintenance\" : true").contains("\"vms\" : [ ]");
            assertThat(shell.ok("vm info db")).contains("running").doesNotContain("host           a");
            assertThat(shell.ok("vm info web")).contains("running").contains("host           b");
            assertThat(shell.ok("events")).contains("maintenance").contains("migrated");
            // nothing starts on it, moves onto it, nor lands on it
            shell.ok("vm create late --host a --vcpus 1 --memory 1GiB --os linux-server");
            assertThat(shell.run("vm start late").err().strip()).isEqualTo("error: host a is in maintenance (start VM "
                    + "late on another host (vm migrate late --to HOST), or host maintenance a off first)");
            assertThat(shell.run("vm migrate off --to a").err().strip()).isEqualTo("error: host a is in maintenance "
                    + "(move VM off on another host, or host maintenance a off first)");
            assertThat(shell.run("host maintenance a on").err().strip()).isEqualTo("error: host a is in maintenance "
                    + "already (host maintenance a off brings it back)");
        }
        try (ShellFixture again = ShellFixture.in(tmp.resolve("lab"))) {
            assertThat(again.ok("host info a")).as("saved with the lab").containsPattern("maintenance +on");
            assertThat(again.ok("host maintenance a off")).isEqualTo("took host a out of maintenance\n");
            assertThat(again.ok("host info a")).doesNotContain("maintenance");
            assertThat(again.ok("vm start late --wait")).contains("running");
        }
    }

    @Test
    void aDrainThatDoesNotFitIsRefusedWithTheReasonAndChangesNothing() throws IOException {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("host create a --cores 8 --ram 32GiB; host install a --hypervisor type1; host power-on a --wait;"
                    + "host create small --cores 8 --ram 8GiB; host install small --hypervisor type1;"
                    + "host power-on small --wait;"
                    + "vm create big --host a --vcpus 2 --memory 12GiB --os linux-server; vm start big --wait");
            Path lab = tmp.resolve("lab/lab.json");
            String before = Files.readString(lab);
            String err = shell.run("host maintenance a on").err().strip();
            assertThat(err).startsWith("error: host a cannot enter maintenance: VM big fits on no other host (");
            assertThat(err.lines().count()).isEqualTo(1);
            assertThat(Files.readString(lab)).isEqualTo(before);
            assertThat(shell.run("host maintenance a sideways").err().strip()).isEqualTo("error: host maintenance a "
                    + "sideways (say on or off)");
            assertThat(shell.run("host maintenance a off").err().strip()).isEqualTo("error: host a is not in "
                    + "maintenance (host maintenance a on drains it)");
            assertThat(shell.run("host maintenance nope on").err().strip()).startsWith("error: no host named 'nope'");
            assertThat(Files.readString(lab)).isEqualTo(before);
            // a lab of one host: vm create without --host would land on the host in maintenance
            shell.ok("vm destroy big; vm delete big; host power-off small; host delete small; host maintenance a on");
            assertThat(shell.run("vm create v --vcpus 1 --memory 1GiB --os linux-server").err().strip())
                    .isEqualTo("error: host a is in maintenance (create VM v on another host, or host maintenance a "
                            + "off first)");
            assertThat(shell.ok("js lab.host('a').maintenance(false).on")).isEqualTo("false\n");
            assertThat(shell.ok("java lab.host(\"a\").maintenance(true).moved().size()")).contains("0");
        }
    }
}
