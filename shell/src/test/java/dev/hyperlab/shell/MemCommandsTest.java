package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The mem commands, as an operator uses them to watch overcommit. */
class MemCommandsTest {
    private final ShellFixture shell = ShellFixture.inMemory();

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void statHostBalloonAndPolicyReadAndChangeMemory() {
        shell.small().ok("vm start web1 --wait");
        JsonNode stat = shell.run("mem stat web1 --json").json();
        assertThat(stat.get("configured").asLong()).isEqualTo(4L << 30);
        assertThat(stat.get("actual").asLong()).isEqualTo(4L << 30);
        assertThat(stat.get("resident").asLong()).isPositive();
        for (String field : new String[] {"target", "balloon", "swapped", "shared", "usable", "majorFaults"}) {
            assertThat(stat.has(field)).as(field).isTrue();
        }
        JsonNode host = shell.run("mem host esx1 --json").json();
        assertThat(host.get("total").asLong()).isEqualTo(64L << 30);
        assertThat(host.get("committed").asLong()).isGreaterThan(4L << 30);
        assertThat(host.get("overcommitRatio").asDouble()).isLessThan(1.0);
        assertThat(host.get("state").asText()).isEqualTo("high");

        assertThat(shell.ok("mem policy esx1 --auto-balloon off --swap 8GiB --page-sharing on"))
                .contains("auto-balloon off, swap 8 GiB, page sharing on");
        assertThat(shell.ok("mem balloon web1 3GiB; advance 5s; mem stat web1")).contains("3 GiB");
        assertThat(shell.run("mem history web1 --json").json().size()).isGreaterThan(1);

        assertThat(shell.run("mem balloon fc1 100MiB").err()).contains("no balloon driver");
        assertThat(shell.run("mem balloon web1 64GiB").err()).contains("out of range");
        assertThat(shell.run("mem policy esx1 --page-sharing maybe").err()).contains("neither on nor off");
        // swap is space on the host's disks, and no more than they hold; a refusal changes nothing
        JsonNode disks = shell.run("host info esx1 --json").json().get("disks");
        long total = 0;
        for (JsonNode d : disks) {
            total += d.get("size").asLong();
        }
        ShellFixture.Result tooMuch = shell.run("mem policy esx1 --swap " + (total + (1L << 30)));
        assertThat(tooMuch.err()).startsWith("error: host esx1 has ").contains("of disk, too little for ");
        assertThat(shell.ok("mem policy esx1")).contains("swap 8 GiB");
    }
}
