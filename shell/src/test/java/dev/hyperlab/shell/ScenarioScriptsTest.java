package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The automation scripts of scripts/, each run as a user runs it ({@code run scripts/NAME.js}) with assertions on
 * what it finds; each must say at its top what it does and how to call it, and leave the lab as it was.
 */
class ScenarioScriptsTest {
    static final Path SCRIPTS = Path.of("..", "scripts");

    private static JsonNode json(ShellFixture shell, String script, String args) {
        ShellFixture.Result r = shell.run("run " + SCRIPTS.resolve(script) + " " + args + " --json");
        assertThat(r.ok()).as(script + ": " + r.err()).isTrue();
        return r.json();
    }

    @Test
    void everyScriptIsDocumentedAtItsTop() throws Exception {
        List<Path> scripts = new ArrayList<>();
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            files.filter(f -> f.toString().endsWith(".js")).sorted().forEach(scripts::add);
        }
        assertThat(scripts).extracting(p -> p.getFileName().toString())
                .contains("boot-storm.js", "overcommit.js", "capacity-what-if.js");
        for (Path s : scripts) {
            List<String> lines = Files.readAllLines(s);
            assertThat(lines.getFirst()).as(s + " says what it is on its first line")
                    .startsWith("// " + s.getFileName() + ": ");
            assertThat(lines.stream().takeWhile(l -> l.startsWith("//")).toList())
                    .as(s + " shows its usage in the comment at its top")
                    .anyMatch(l -> l.contains("Usage:  hyperlab run scripts/" + s.getFileName()));
        }
    }

    @Test
    void bootStormFindsThatACapWinsOnASpinningDiskAndAllAtOnceOnNvme() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode hdd = json(shell, "boot-storm.js", "");
            assertThat(hdd.get("vms").asInt()).isEqualTo(32);
            JsonNode results = hdd.get("results");
            assertThat(results).hasSize(6);
            double unlimited = results.get(0).get("seconds").asDouble();
            double four = results.get(2).get("seconds").asDouble();
            // on one disk's heads, 32 concurrent boots take more than twice as long as 4 at a time
            assertThat(unlimited).isGreaterThan(2 * four);
            assertThat(hdd.get("best").asText()).isEqualTo("at most 4 booting");
            JsonNode prio = results.get(5);
            // the databases (a quarter of the VMs, priority 1) run well before the rest
            assertThat(prio.get("firstGroupSeconds").asDouble()).isPositive()
                    .isLessThan(prio.get("seconds").asDouble() * 2 / 3);
            for (JsonNode r : results) {
                assertThat(r.get("seconds").asDouble()).as(r.toString()).isPositive();
            }
            JsonNode nvme = json(shell, "boot-storm.js", "16 nvme:1TiB");
            assertThat(nvme.get("best").asText()).isEqualTo("no policy (all at once)");
            // the storms ran on forks: the lab has nothing, and the same lab gives the same figures
            assertThat(shell.ok("vm list --json").strip()).isEqualTo("[ ]");
            assertThat(json(shell, "boot-storm.js", "")).isEqualTo(hdd);
            assertThat(shell.run("run " + SCRIPTS.resolve("boot-storm.js") + " many").err())
                    .contains("N must be a whole number");
            assertThat(shell.ctx.status()).isEqualTo(2);
        }
    }

    @Test
    void overcommitGoesThroughBallooningThenSwappingThenRefusal() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode r = json(shell, "overcommit.js", "");
            JsonNode first = r.get("firstAt");
            int ballooning = first.get("ballooning").asInt();
            int swapping = first.get("swapping").asInt();
            int refused = first.get("refused").asInt();
            // 16 GiB VMs on 63 GiB usable: the fourth needs the balloons
            assertThat(ballooning).isEqualTo(4);
            assertThat(swapping).isGreaterThan(ballooning);
            assertThat(refused).isGreaterThan(swapping);
            JsonNode steps = r.get("steps");
            assertThat(steps).hasSize(refused);
            List<String> order = List.of("fits", "ballooning", "swapping", "refused");
            for (int i = 1; i < steps.size(); i++) {
                assertThat(order.indexOf(steps.get(i).get("stage").asText()))
                        .isGreaterThanOrEqualTo(order.indexOf(steps.get(i - 1).get("stage").asText()));
            }
            JsonNode last = steps.get(steps.size() - 1);
            assertThat(last.get("reason").asText()).contains("cannot promise");
            assertThat(steps.get(swapping - 2).get("swapped").asLong()).isZero();
            assertThat(steps.get(swapping - 1).get("swapped").asLong()).isPositive();
            // without swap the host goes from ballooning straight to refusal
            JsonNode noSwap = json(shell, "overcommit.js", "0");
            assertThat(noSwap.at("/firstAt/swapping").isNull()).isTrue();
            assertThat(noSwap.at("/firstAt/refused").asInt()).isGreaterThan(ballooning).isLessThan(refused);
            assertThat(shell.ok("host list --json").strip()).isEqualTo("[ ]");
        }
    }

    @Test
    void capacityWhatIfFindsTheFewestHostsThatMakeTheTarget() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode r = json(shell, "capacity-what-if.js", "");
            assertThat(r.get("vms").asInt()).isEqualTo(88);
            assertThat(r.get("hosts").asInt()).isEqualTo(3);
            JsonNode tries = r.get("tries");
            assertThat(tries).hasSize(3);
            assertThat(tries.get(0).get("problem").asText()).contains("cannot promise"); // one host: not the memory
            assertThat(tries.get(1).get("ok").asBoolean()).isFalse(); // two: enough memory, not in time
            assertThat(tries.get(2).get("seconds").asDouble()).isLessThanOrEqualTo(r.get("target").asDouble());
            // a looser target needs fewer hosts; a small set one
            assertThat(json(shell, "capacity-what-if.js", "5m").get("hosts").asInt()).isEqualTo(2);
            assertThat(json(shell, "capacity-what-if.js", "45s 20xlinux-server:8GiB").get("hosts").asInt())
                    .isEqualTo(1);
            // no answer within --max-hosts: exit status 1
            ShellFixture.Result none = shell.run("run " + SCRIPTS.resolve("capacity-what-if.js") + " --max-hosts 1");
            assertThat(none.ok()).isFalse();
            assertThat(none.out()).contains("no answer: 1 host is not enough");
            assertThat(shell.ctx.status()).isEqualTo(1);
            assertThat(shell.ok("host list --json").strip()).isEqualTo("[ ]");
        }
    }
}
