package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.shell.commands.Demo;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The commands of the contract, run as the REPL runs them, checked as a user reads them. */
class CommandsTest {
    private final ShellFixture shell = ShellFixture.inMemory();

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void jsonFieldsAreTheContractsAndUnitsAreBytesAndSeconds() {
        shell.small().ok("vm start web1 --wait");
        JsonNode vm = shell.run("vm info web1 --json").json();
        assertThat(fields(vm)).containsSubsequence("name", "host", "state", "vcpus", "memory", "firmware", "disks",
                "drivers").contains("reason");
        assertThat(vm.get("state").asText()).isEqualTo("running");
        assertThat(vm.get("memory").asLong()).isEqualTo(4L << 30);
        assertThat(fields(vm.get("disks").get(0))).contains("path", "format", "virtualSize");

        JsonNode host = shell.run("host info ws1 --json").json();
        assertThat(host.get("state").asText()).isEqualTo("running");
        assertThat(host.get("ram").asLong()).isEqualTo(32L << 30);
        assertThat(host.get("hypervisor").asText()).isEqualTo("type2");
        assertThat(host.get("hostOs").asText()).isEqualTo("linux");
        assertThat(host.get("disks").get(0).get("kind").asText()).isEqualTo("ssd");
        assertThat(host.get("startPolicy").get("groupDelay").isNumber()).isTrue();

        JsonNode lab = shell.run("lab info --json").json();
        assertThat(fields(lab)).contains("seed", "time", "hosts", "vms", "plugins", "engineVersion");
        assertThat(lab.get("vms").asInt()).isEqualTo(3);

        double time = shell.run("time --json").json().get("time").asDouble();
        assertThat(time).isEqualTo(lab.get("time").asDouble()).isPositive();

        JsonNode timeline = shell.run("timeline web1 --json").json();
        assertThat(timeline.isArray()).isTrue();
        List<String> phases = new ArrayList<>();
        timeline.forEach(p -> {
            assertThat(fields(p)).containsExactly("machine", "phase", "step", "start", "end", "boundBy");
            assertThat(p.get("start").isNumber()).isTrue();
            assertThat(p.get("boundBy").asText()).isIn("cpu", "disk", "memory", "fixed", "network");
            phases.add(p.get("phase").asText());
        });
        assertThat(phases).contains("vmm", "firmware", "bootloader", "kernel", "init", "drivers");

        JsonNode profiles = shell.run("profiles --json").json();
        assertThat(profiles.get("os").findValuesAsText("id"))
                .contains("linux-server", "linux-desktop", "windows-server", "microvm");
        assertThat(shell.run("host list --json").json().size()).isEqualTo(2);
        assertThat(shell.run("vm list --json").json().size()).isEqualTo(3);
    }

    @Test
    void readCommandsPrintOneJsonDocumentAndNothingElse() {
        shell.small();
        for (String command : List.of("lab info", "profiles", "time", "host list", "host info esx1", "vm list",
                "vm info web1", "timeline", "timeline esx1")) {
            ShellFixture.Result r = shell.run(command + " --json");
            assertThat(r.ok()).as(command).isTrue();
            assertThat(r.err()).as(command).isEmpty();
            assertThat(r.json()).as(command).isNotNull();
        }
    }

    @Test
    void humanOutputIsAlignedWithUnitsPeopleRead() {
        shell.small().ok("vm start web1 fc1 --wait");
        String list = shell.ok("vm list");
        List<String> lines = list.lines().toList();
        assertThat(lines.getFirst()).startsWith("NAME").contains("STATE");
        int stateColumn = lines.getFirst().indexOf("STATE");
        assertThat(lines.subList(1, lines.size())).allSatisfy(l -> assertThat(l.charAt(stateColumn - 1)).isEqualTo(' '));
        assertThat(list).contains("4 GiB", "256 MiB", "running", "defined");
        assertThat(shell.ok("host info esx1")).contains("64 GiB", "type1", "esx1");
        assertThat(shell.ok("time")).matches("lab time \\d+m [\\d.]+s\\n");
        String gantt = shell.ok("timeline web1");
        assertThat(gantt).contains("kernel", "init", "cpu", "bound by:");
    }

    @Test
    void errorsAreOneLineNamingTheEntityAndLeaveTheSessionUsable() {
        shell.small();
        ShellFixture.Result r = shell.run("vm start nope");
        assertThat(r.ok()).isFalse();
        assertThat(r.err()).isEqualTo("error: no VM named 'nope' (vm list shows the VMs)\n");
        assertThat(shell.run("vm starrt web1").err()).contains("did you mean `vm start`?");
        assertThat(shell.run("starrt web1").err()).contains("did you mean `vm start`?");
        assertThat(shell.run("hots list").err()).contains("did you mean `host list`?");
        assertThat(shell.run("host create x --corse 4 --ram 8GiB").err())
                .contains("unknown option '--corse'", "did you mean `--cores`?");
        assertThat(shell.run("host create x --cores 4").err()).contains("missing required option '--ram=SIZE'");
        assertThat(shell.run("host create x --cores 4 --ram 8XB").err()).startsWith("error: --ram: '8XB'");
        assertThat(shell.run("vm create big --host esx1 --vcpus 2 --memory 1TiB --os linux-server").err())
                .startsWith("error: ").doesNotContain("\tat ");
        assertThat(shell.run("advance -5s").err()).startsWith("error: ");
        assertThat(shell.run("wait box web1").err()).contains("neither host nor vm");
        assertThat(shell.run("vm").err()).contains("'vm' needs a subcommand");
        for (String bad : List.of("vm start nope", "vm strat", "host create x --cores 4", "advance 5parsecs")) {
            assertThat(shell.run(bad).err().lines().count()).as(bad).isEqualTo(1);
        }
        assertThat(shell.run("vm start web1 --wait").ok()).isTrue(); // still usable
    }

    /** virsh list / govc ls with filters, the same selection from the shell, JavaScript and a Java snippet. */
    @Test
    void listsFilterByHostStateOsAndNameGlob() {
        shell.small().ok("vm start web1 --wait");
        assertThat(names(shell.run("vm list --host esx1 --json").json())).containsExactly("fc1", "web1");
        assertThat(names(shell.run("vm list --state running --json").json())).containsExactly("web1");
        assertThat(names(shell.run("vm list --os linux-server --json").json())).containsExactly("dev1", "web1");
        assertThat(names(shell.run("vm list '*1' --host ws1 --json").json())).containsExactly("dev1");
        assertThat(names(shell.run("vm list 'w?b*' --json").json())).containsExactly("web1");
        assertThat(shell.ok("vm list 'nothing*'")).isEqualTo("no VM matches\n");
        assertThat(names(shell.run("host list --state running --json").json())).containsExactly("esx1", "ws1");
        assertThat(names(shell.run("host list 'e*' --json").json())).containsExactly("esx1");

        assertThat(shell.ok("js lab.vms({host: 'esx1', state: 'running'}).map(v => v.name()).join(',')"))
                .isEqualTo("web1\n");
        assertThat(shell.ok("js lab.hosts({name: 'w*'}).map(h => h.name()).join(',')")).isEqualTo("ws1\n");
        assertThat(shell.ok("java lab.vms(VmFilter.ALL.withOs(\"microvm\")).getFirst().name()"))
                .endsWith("==> \"fc1\"\n");

        // typos are errors, not empty lists, and change nothing
        assertThat(shell.run("vm list --state runing").err()).startsWith("error: 'runing' is not a VM state");
        assertThat(shell.run("vm list --host esx9").err()).startsWith("error: no host named 'esx9'");
        assertThat(shell.run("vm list --os linux-srv").err()).startsWith("error: no OS profile 'linux-srv'");
        assertThat(shell.run("host list --state up").err()).startsWith("error: 'up' is not a host state");
        assertThat(shell.run("js lab.vms({state: 'runing'})").err()).contains("'runing' is not a VM state");
    }

    private static java.util.List<String> names(com.fasterxml.jackson.databind.JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        list.forEach(n -> out.add(n.get("name").asText()));
        return out;
    }

    @Test
    void aCommandRunTwiceStartsFromItsDefaults() {
        shell.small();
        shell.ok("host create h3 --cores 2 --ram 4GiB --disk hdd:2TiB --disk ssd:1TiB --boot-order net,disk");
        shell.ok("host create h4 --cores 2 --ram 4GiB");
        JsonNode h4 = shell.run("host info h4 --json").json();
        assertThat(h4.get("disks").size()).isEqualTo(1);
        assertThat(h4.get("bootOrder").toString()).isEqualTo("[\"disk\",\"net\"]");
        assertThat(shell.run("host info h3 --json").json().get("disks").size()).isEqualTo(2);
        assertThat(shell.ok("time")).doesNotStartWith("{");
    }

    @Test
    void advanceWaitAndTheVmLifecycle() {
        shell.small();
        assertThat(shell.ok("vm start web1 dev1")).contains("starting: web1, dev1");
        assertThat(shell.ok("wait vm web1 --timeout 5m")).contains("vm web1 is running");
        assertThat(shell.run("wait vm fc1 --timeout 1s").err()).contains("fc1 is defined");
        assertThat(shell.ok("advance 30s")).contains("->");
        shell.ok("vm suspend web1; advance 1m; vm resume web1; advance 1m; vm reboot web1; wait vm web1; vm shutdown web1; advance 1m");
        assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("shutoff");
        shell.ok("vm delete web1");
        assertThat(shell.run("vm info web1").err()).contains("no VM named 'web1'");
        shell.ok("host policy esx1 --max-concurrent-boots 1 --group-delay 10s");
        assertThat(shell.ok("host policy esx1")).contains("at most 1 concurrent boot,", "10s");
        shell.ok("host power-off ws1");
        assertThat(shell.run("vm info dev1 --json").json().get("state").asText()).isEqualTo("crashed");
    }

    @Test
    void helpListsEveryGroupAndCommandHelpComesFromTheDefinition() {
        String help = shell.ok("help");
        assertThat(help).contains("Lab and clock", "Hosts and hypervisors", "Virtual machines", "Timelines",
                "vm start", "host power-on", "lab apply", "timeline", "advance");
        assertThat(shell.ok("help vm")).contains("Usage: vm", "start", "shutdown");
        assertThat(shell.ok("help vm start")).contains("Usage: vm start", "--wait", "--dry-run");
        assertThat(shell.ok("vm start --help")).isEqualTo(shell.ok("help vm start"));
        assertThat(shell.ok("vm info --help")).contains("--json");
        assertThat(shell.run("help nope").err()).contains("no command group 'nope'");
    }

    @Test
    void negativeSizesAndDurationsAreRefusedAsSuchAndChangeNothing(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        shell.small();
        String before = shell.ok("time");
        java.nio.file.Path disk = tmp.resolve("neg.qcow2");
        for (String[] c : new String[][] {
                {"advance -1h", "error: '-1h' is negative (sizes and durations are 0 or more)"},
                {"mem balloon web1 -1GiB", "error: '-1GiB' is negative (sizes and durations are 0 or more)"},
                {"disk create " + disk + " --size -5GiB", "error: --size: '-5GiB' is negative (sizes are 0 or more, like 512MiB or 64GiB)"},
                {"vm create n1 --host esx1 --vcpus 1 --memory=-1GiB", "error: --memory: '-1GiB' is negative (sizes are 0 or more, like 512MiB or 64GiB)"}}) {
            ShellFixture.Result r = shell.run(c[0]);
            assertThat(r.err().strip()).as(c[0]).isEqualTo(c[1]);
        }
        assertThat(shell.ok("time")).isEqualTo(before);
        assertThat(disk).doesNotExist();
        assertThat(shell.run("vm list --json").json().toString()).doesNotContain("\"n1\"");
    }

    @Test
    void timelineFilesAreWellFormedAndHoldEveryPhase(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        shell.small().ok("vm start web1 fc1 --wait");
        java.nio.file.Path svg = tmp.resolve("t.svg");
        java.nio.file.Path html = tmp.resolve("out/t.html");
        // no directory is made that the user did not ask for: before, out/ was created and the command said nothing
        assertThat(shell.run("timeline web1 --html " + html).err().strip()).isEqualTo("error: cannot write " + html
                + ": directory " + tmp.resolve("out") + " does not exist (create it first)");
        assertThat(tmp.resolve("out")).doesNotExist();
        java.nio.file.Files.createDirectory(tmp.resolve("out"));
        assertThat(shell.run("timeline web1 --svg " + tmp.resolve("out")).err()).isEqualTo("error: cannot write "
                + tmp.resolve("out") + ": Is a directory (check the directory and its permissions)\n");
        assertThat(shell.ok("timeline web1 esx1 --svg " + svg + " --html " + html)).contains("wrote " + svg);
        int phases = shell.run("timeline web1 esx1 --json").json().size();
        var doc = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        var rects = doc.getElementsByTagName("rect");
        int bars = 0;
        for (int i = 0; i < rects.getLength(); i++) {
            var r = (org.w3c.dom.Element) rects.item(i);
            if (r.getAttribute("class").startsWith("phase")) {
                bars++;
                assertThat(r.getElementsByTagName("title").getLength()).isEqualTo(1);
            }
        }
        assertThat(bars).isEqualTo(phases).isPositive();
        assertThat(java.nio.file.Files.readString(html)).startsWith("<!DOCTYPE html>").contains("id=\"memory\"");
        ShellFixture.Result json = shell.run("timeline web1 --json --svg " + svg);
        assertThat(json.json().isArray()).isTrue(); // stdout stays one JSON document
        assertThat(json.err()).contains("wrote");
    }

    @Test
    void labApplyCreatesFromAFileAndIsIdempotent(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path file = tmp.resolve("lab.yaml");
        java.nio.file.Files.writeString(file, Demo.yaml());
        assertThat(shell.ok("lab apply " + file)).contains("created host esx1", "created vm win2");
        assertThat(shell.ok("lab apply " + file)).contains("unchanged: host esx1");
        assertThat(shell.run("lab apply " + tmp.resolve("none.yaml")).err())
                .isEqualTo("error: no lab file " + tmp.resolve("none.yaml") + " (check the path)\n");
    }

    private static List<String> fields(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
