package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automation scripts of scripts/, each run as a user runs it ({@code run scripts/NAME.js}) with assertions on
 * what it finds; each must say at its top what it does and how to call it, and leave the lab as it was.
 */
class ScenarioScriptsTest {
    static final Path SCRIPTS = Path.of("..", "scripts");

    private static JsonNode json(ShellFixture shell, String script, String args) {
        return json(shell, "", script, args);
    }

    /** {@code run --allow-path REPO SCRIPT ARGS --json}: a script given a repository outside its lab. */
    private static JsonNode json(ShellFixture shell, String repo, String script, String args) {
        ShellFixture.Result r = shell.run("run " + (repo.isEmpty() ? "" : "--allow-path " + repo + " ")
                + SCRIPTS.resolve(script) + " " + args + " --json");
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
                .contains("boot-storm.js", "overcommit.js", "capacity-what-if.js", "nightly-backup.js", "dr-drill.js");
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
    void stormScaleBootsEveryHostAndEveryVmOnAForkAndRefusesABadCount() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode storm = json(shell, "storm-scale.js", "3 4");
            assertThat(storm.get("hosts").asInt()).isEqualTo(3);
            assertThat(storm.get("vms").asInt()).isEqualTo(12);
            assertThat(storm.get("hostsRunning").asInt()).isEqualTo(3);
            assertThat(storm.get("vmsRunning").asInt()).isEqualTo(12);
            // the storm ran on a fork: the lab has nothing
            assertThat(shell.ok("host list --json").strip()).isEqualTo("[ ]");
            assertThat(shell.run("run " + SCRIPTS.resolve("storm-scale.js") + " 3 x").err())
                    .contains("HOSTS and PER_HOST must be whole numbers");
            assertThat(shell.ctx.status()).isEqualTo(2);
        }
    }

    @Test
    void noisyNeighbourShowsTheCriticalVmWaitingOnceTheCoresAreOversubscribed() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode steps = json(shell, "noisy-neighbour.js", "4 2").get("steps");
            assertThat(steps).hasSize(3);
            assertThat(steps.get(0).get("criticalReady").asDouble()).isLessThan(1e-9); // 2.3 of 4 cores asked
            assertThat(steps.get(1).get("criticalReady").asDouble()).isCloseTo(1 - 1.85 / 2, within(1e-3));
            assertThat(steps.get(2).get("criticalReady").asDouble()).isCloseTo(1 - 3.7 / 6, within(1e-3));
            assertThat(steps.get(2).get("webReady").asDouble()).isLessThan(1e-9);
            assertThat(shell.run("run " + SCRIPTS.resolve("noisy-neighbour.js") + " 0").err())
                    .contains("CORES must be a whole number");
            assertThat(shell.ctx.status()).isEqualTo(2);
        }
    }

    @Test
    void validateContentionPrintsThePredictedColumnOfTheValidationPage() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            JsonNode cases = json(shell, "validate-contention.js", "4 8").get("cases");
            assertThat(cases).hasSize(12);
            // docs/validation.md: ncu-c4-2 and ncu-c3-6 (ContentionValidationTest keeps that page in step)
            assertThat(String.format(java.util.Locale.ROOT, "%.3f", cases.get(1).get("ratio").asDouble()))
                    .isEqualTo("1.161");
            assertThat(String.format(java.util.Locale.ROOT, "%.3f", cases.get(11).get("ratio").asDouble()))
                    .isEqualTo("1.351");
            assertThat(cases.get(0).get("ratio").asDouble()).isEqualTo(1.0);
            assertThat(shell.run("run " + SCRIPTS.resolve("validate-contention.js") + " 0").err())
                    .contains("CORES must be whole numbers");
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
            // concurrent boots slow each other (contention.cpu.corunner_slowdown): the Windows servers need the storm
            // spread over six hosts to run within 3 minutes
            assertThat(r.get("hosts").asInt()).isEqualTo(6);
            JsonNode tries = r.get("tries");
            assertThat(tries).hasSize(6);
            assertThat(tries.get(4).get("ok").asBoolean()).isFalse(); // five: enough memory, not in time
            assertThat(tries.get(5).get("seconds").asDouble()).isLessThanOrEqualTo(r.get("target").asDouble());
            // a looser target needs fewer hosts, one host lacking the memory; a small set one
            JsonNode loose = json(shell, "capacity-what-if.js", "5m");
            assertThat(loose.get("hosts").asInt()).isEqualTo(2);
            assertThat(loose.get("tries").get(0).get("problem").asText()).contains("cannot promise");
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

    /**
     * Two running hosts, three running VMs (web1 and fc1 on esx1, dev1 on ws1), in a lab directory: real qcow2 images
     * with their dirty bitmaps, as a user's lab has them.
     */
    private static ShellFixture runningLab(Path dir) {
        ShellFixture shell = ShellFixture.in(dir).small();
        shell.ok("vm start web1 fc1 dev1; advance 5m");
        return shell;
    }

    @Test
    void nightlyBackupKeepsSevenPerVmAndTheLaterOnesAreIncremental(@TempDir Path tmp) {
        try (ShellFixture shell = runningLab(tmp.resolve("lab"))) {
            String repo = tmp.resolve("repo").toString();
            JsonNode r = json(shell, repo, "nightly-backup.js", repo + " --nights 9");
            JsonNode nights = r.get("nights");
            assertThat(nights).hasSize(9);
            Map<String, Long> firstRead = new HashMap<>();
            for (JsonNode b : nights.get(0).get("backups")) {
                // the first backup of a VM has nothing to build on: a full one, and it says why
                assertThat(b.get("fullFallback").asBoolean()).as(b.toString()).isTrue();
                assertThat(b.get("bytesRead").asLong()).isPositive();
                firstRead.put(b.get("vm").asText(), b.get("bytesRead").asLong());
            }
            assertThat(firstRead).containsOnlyKeys("web1", "fc1", "dev1");
            for (int n = 1; n < 9; n++) {
                JsonNode night = nights.get(n);
                // a lab day apart
                assertThat(night.get("time").asDouble() - nights.get(n - 1).get("time").asDouble())
                        .isCloseTo(86400, org.assertj.core.data.Offset.offset(1.0));
                assertThat(night.get("backups")).hasSize(3);
                for (JsonNode b : night.get("backups")) {
                    assertThat(b.get("strategy").asText()).isEqualTo("incremental");
                    assertThat(b.get("fullFallback").asBoolean()).as(b.toString()).isFalse();
                    assertThat(b.get("live").asBoolean()).isTrue();
                    assertThat(b.get("bytesRead").asLong()).as(b.toString())
                            .isLessThan(firstRead.get(b.get("vm").asText()) / 10);
                }
                // nights 8 and 9 forget each VM's oldest backup
                assertThat(night.at("/pruned/removed")).hasSize(n >= 7 ? 3 : 0);
                assertThat(night.at("/pruned/kept").asInt()).isEqualTo(3 * Math.min(n + 1, 7));
            }
            assertThat(r.get("keptPerVm").toString()).isEqualTo("{\"dev1\":7,\"fc1\":7,\"web1\":7}");
            // the repository agrees: 21 backups, the newest 7 of each VM, and it checks clean
            JsonNode list = shell.run("backup list --json --repo " + repo).json();
            assertThat(list).hasSize(21);
            JsonNode lastNight = nights.get(8).get("backups");
            assertThat(list.findValuesAsText("id")).containsAll(lastNight.findValuesAsText("id"))
                    .doesNotContainAnyElementsOf(nights.get(0).get("backups").findValuesAsText("id"));
            assertThat(shell.run("backup check --read-data --repo " + repo).ok()).isTrue();
            // the VMs run on after the job (no snapshot pause left over)
            for (JsonNode vm : shell.run("vm list --json").json()) {
                assertThat(vm.get("state").asText()).as(vm.toString()).isEqualTo("running");
            }
            // one more night on the same repository: every backup incremental, still 7 per VM
            JsonNode again = json(shell, repo, "nightly-backup.js", repo);
            assertThat(again.at("/nights/0/backups").findValuesAsText("strategy")).containsOnly("incremental");
            assertThat(again.get("keptPerVm").toString()).isEqualTo("{\"dev1\":7,\"fc1\":7,\"web1\":7}");
            // a stopped VM is skipped and named; a bad --keep is refused
            shell.ok("vm shutdown dev1; wait vm dev1 --state shutoff");
            JsonNode skip = json(shell, repo, "nightly-backup.js", repo + " --keep 2");
            assertThat(skip.at("/nights/0/skipped/0/vm").asText()).isEqualTo("dev1");
            assertThat(skip.get("keptPerVm").toString()).isEqualTo("{\"dev1\":2,\"fc1\":2,\"web1\":2}");
            assertThat(shell.run("run --allow-path " + repo + " " + SCRIPTS.resolve("nightly-backup.js") + " " + repo + " --keep 0").err())
                    .contains("--keep takes a whole number");
            assertThat(shell.ctx.status()).isEqualTo(2);
        }
    }

    @Test
    void recoveryDrillRestoresAServiceFromAVmBackupAndFromAHostImageSideBySide(@TempDir Path tmp) {
        try (ShellFixture shell = runningLab(tmp.resolve("lab"))) {
            String repo = tmp.resolve("repo").toString();
            shell.ok("host create pm1 --cores 8 --ram 32GiB --disk nvme:64GiB; host create spare --cores 8 --ram 32GiB"
                    + " --disk nvme:128GiB; host install pm1 --hypervisor type1; host power-on pm1; wait host pm1;"
                    + "backup init " + repo + "; backup run web1 --strategy full --repo " + repo
                    + "; backup run pm1 --image --repo " + repo);
            String before = shell.ok("host info spare --json") + shell.ok("vm list --json");
            JsonNode r = json(shell, repo, "recovery-drill.js", repo + " web1 pm1 --spare spare");
            JsonNode vm = r.get("vm");
            JsonNode physical = r.get("physical");
            assertThat(vm.get("running").asBoolean()).as(vm.toString()).isTrue();
            assertThat(physical.get("running").asBoolean()).as(physical.toString()).isTrue();
            assertThat(physical.get("host").asText()).isEqualTo("spare");
            for (JsonNode x : List.of(vm, physical)) {
                assertThat(x.get("restoreSeconds").asDouble()).isPositive();
                assertThat(x.get("recoverySeconds").asDouble()).isCloseTo(x.get("restoreSeconds").asDouble()
                        + x.get("bootSeconds").asDouble(), org.assertj.core.data.Offset.offset(1e-9));
            }
            // a bare-metal recovery pays the server's POST and a whole host boot: slower than the VM's
            assertThat(physical.get("recoverySeconds").asDouble()).isGreaterThan(vm.get("recoverySeconds").asDouble());
            assertThat(r.get("ratio").asDouble()).isGreaterThan(1);
            // a drill: the lab is as it was
            assertThat(shell.ok("host info spare --json") + shell.ok("vm list --json")).isEqualTo(before);
            String table = shell.ok("run --allow-path " + repo + " " + SCRIPTS.resolve("recovery-drill.js") + " " + repo + " web1 pm1 --spare spare");
            assertThat(table).contains("VM backup of web1", "host image of pm1", "the physical recovery takes ");
            assertThat(shell.run("run --allow-path " + repo + " " + SCRIPTS.resolve("recovery-drill.js") + " " + repo + " web1 esx1 --spare spare")
                    .err()).contains("no host-image backup of esx1");
        }
    }

    @Test
    void drDrillBringsTheLostHostsVmsBackOnAnotherHost(@TempDir Path tmp) {
        try (ShellFixture shell = runningLab(tmp.resolve("lab"))) {
            String repo = tmp.resolve("repo").toString();
            json(shell, repo, "nightly-backup.js", repo + " --nights 2");
            String before = shell.ok("vm list --json");
            JsonNode r = json(shell, repo, "dr-drill.js", repo + " esx1");
            assertThat(r.get("host").asText()).isEqualTo("esx1");
            JsonNode vms = r.get("vms");
            assertThat(vms.findValuesAsText("vm")).containsExactlyInAnyOrder("web1", "fc1");
            double max = 0;
            for (JsonNode v : vms) {
                assertThat(v.get("problem").isNull()).as(v.toString()).isTrue();
                assertThat(v.get("state").asText()).isEqualTo("running");
                assertThat(v.get("host").asText()).isEqualTo("ws1");
                double restore = v.get("restoreSeconds").asDouble();
                double boot = v.get("bootSeconds").asDouble();
                double recovery = v.get("recoverySeconds").asDouble();
                assertThat(restore).isPositive();
                assertThat(boot).isPositive();
                assertThat(recovery).isPositive().isCloseTo(restore + boot, org.assertj.core.data.Offset.offset(1e-9));
                // the data came back whole: every byte the backup holds, hashes checked
                assertThat(v.get("verified").asBoolean()).isTrue();
                assertThat(v.get("bytesWritten").asLong()).isPositive().isEqualTo(v.get("dataBytes").asLong());
                // from the second night's backup, the latest
                assertThat(v.get("backupTime").asDouble()).isGreaterThan(86400);
                max = Math.max(max, recovery);
            }
            assertThat(r.get("totalSeconds").asDouble()).isGreaterThanOrEqualTo(max);
            assertThat(r.get("recovered").asInt()).isEqualTo(2);
            // a drill: the lab is as it was
            assertThat(shell.ok("vm list --json")).isEqualTo(before);
            assertThat(shell.ok("host info esx1 --json")).contains("\"state\" : \"running\"");
            // --to: restored where asked; a VM with no backup is reported lost, exit status 1
            JsonNode to = json(shell, repo, "dr-drill.js", repo + " ws1 --to esx1");
            assertThat(to.at("/vms/0/host").asText()).isEqualTo("esx1");
            assertThat(to.at("/vms/0/hostChoice").asText()).isEqualTo("requested");
            shell.ok("vm create db1 --host esx1 --vcpus 2 --memory 4GiB --os linux-server; vm start db1;"
                    + "wait vm db1 --state running");
            ShellFixture.Result lost = shell.run("run --allow-path " + repo + " " + SCRIPTS.resolve("dr-drill.js") + " " + repo + " esx1");
            assertThat(lost.ok()).isFalse();
            assertThat(lost.out()).containsPattern("db1 +NOT RECOVERED: no backup in").contains("2 of 3 VMs running again");
            assertThat(shell.ctx.status()).isEqualTo(1);
        }
    }
}
