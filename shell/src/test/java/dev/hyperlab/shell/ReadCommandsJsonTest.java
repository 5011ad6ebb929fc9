package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.SettingCommand;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every command that reads takes {@code --json} and prints one JSON document on stdout, nothing else: the read-only
 * commands, and those that show a setting when given no options ({@code host policy}, {@code mem policy}).
 */
class ReadCommandsJsonTest {
    @TempDir
    Path tmp;

    /** Commands that are neither reads of the lab nor changes of it. */
    static final Set<String> NOT_READS = Set.of("help", "exit", "plugin install", "plugin uninstall", "plugin enable",
            "plugin disable", "disk cat", // disk cat's output is the file's bytes, not a view of them
            "vm console", // the guest's console as it printed it (Vm.console gives scripts the same text)
            "host calibrate"); // boots real guests on a QEMU lab (HostCalibrateTest checks its --json there)

    /**
     * Reads whose JSON is a stream, one object a line (JSON Lines, as virsh event prints), so that a follower can
     * print each event as it comes: every line is one document.
     */
    static final Set<String> JSON_LINES = Set.of("events");

    /** Reads that need what this lab cannot have (an installed plugin): they must declare --json at least. */
    static final Set<String> DECLARED_ONLY = Set.of("plugin info");

    /** One reading invocation of every read command, valid in the lab {@link #setUp} builds. */
    Map<String, String> samples() {
        Map<String, String> s = new LinkedHashMap<>();
        String repo = " --repo " + tmp.resolve("repo");
        s.put("lab info", "lab info");
        s.put("lab list", "lab list");
        s.put("profiles", "profiles");
        s.put("workload list", "workload list");
        s.put("time", "time");
        s.put("timeline", "timeline web1");
        s.put("events", "events --vm web1 --last 3");
        s.put("host list", "host list");
        s.put("host info", "host info esx1");
        s.put("host policy", "host policy esx1");
        s.put("host secureboot show", "host secureboot show esx1");
        s.put("vm list", "vm list");
        s.put("vm info", "vm info web1");
        s.put("vm stat", "vm stat web1");
        s.put("host stat", "host stat esx1");
        s.put("vm stat --history", "vm stat web1 --history");
        s.put("host stat --history", "host stat esx1 --history");
        s.put("vm secureboot show", "vm secureboot show web1");
        s.put("mem stat", "mem stat web1");
        s.put("mem host", "mem host esx1");
        s.put("mem history", "mem history web1");
        s.put("mem policy", "mem policy esx1");
        s.put("disk list", "disk list");
        s.put("disk info", "disk info " + tmp.resolve("lab/vms/web1/disk0.qcow2"));
        s.put("disk check", "disk check " + tmp.resolve("lab/vms/web1/disk0.qcow2"));
        s.put("disk ls", "disk ls " + tmp.resolve("uefi.qcow2") + " /EFI/BOOT -l");
        s.put("disk get", "disk get " + tmp.resolve("uefi.qcow2") + " /EFI --to " + tmp.resolve("esp-copy"));
        s.put("snapshot list", "snapshot list web1");
        s.put("backup list", "backup list" + repo);
        s.put("backup check", "backup check" + repo);
        s.put("backup ls", "backup ls " + fileBackup + " / --recursive" + repo);
        s.put("backup diff", "backup diff " + fileBackup + " latest" + repo);
        s.put("plugin list", "plugin list");
        return s;
    }

    /** The file backup {@link #setUp} makes, for {@code backup ls}. */
    private String fileBackup;

    private void setUp(ShellFixture shell) {
        shell.small().ok("vm start web1 --wait; snapshot create web1 s1 --wait; backup init " + tmp.resolve("repo")
                + "; backup run web1 --strategy full --repo " + tmp.resolve("repo") + "; disk create "
                + tmp.resolve("uefi.qcow2") + " --size 2GiB --os linux-server --firmware uefi");
        try {
            java.nio.file.Files.writeString(java.nio.file.Files.createDirectories(tmp.resolve("files")).resolve("a"),
                    "a");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        fileBackup = shell.ok("backup files " + tmp.resolve("files") + " --repo " + tmp.resolve("repo"))
                .replaceAll("(?s)^\\S+: backup ([0-9a-f]{8}) .*", "$1");
    }

    @Test
    void everyReadCommandTakesJsonAndPrintsOneDocument() {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            setUp(shell);
            Map<String, String> samples = samples();
            for (String path : shell.ctx.commands().paths()) {
                Object command = shell.ctx.commands().command(path);
                boolean reads = command instanceof SettingCommand<?> || !(command instanceof ChangeCommand);
                if (!reads || NOT_READS.contains(path)) {
                    continue;
                }
                String[] words = path.split(" ");
                CommandLine line = shell.ctx.commands().line(words[0]).orElseThrow();
                for (int i = 1; i < words.length; i++) {
                    line = line.getSubcommands().get(words[i]);
                }
                assertThat(line.getCommandSpec().findOption("--json")).as(path + " takes --json").isNotNull();
                if (!DECLARED_ONLY.contains(path)) {
                    assertThat(samples).as("a reading sample for '" + path + "' (a new read command needs one)")
                            .containsKey(path);
                }
            }
            for (Map.Entry<String, String> e : samples.entrySet()) {
                ShellFixture.Result r = shell.run(e.getValue() + " --json");
                assertThat(r.ok()).as(e.getValue() + " --json: " + r.err()).isTrue();
                assertThat(r.err()).as(e.getValue() + " --json writes nothing on stderr").isEmpty();
                if (JSON_LINES.contains(e.getKey())) {
                    assertThat(r.out().lines().toList()).as(e.getValue()).hasSize(3).allSatisfy(l -> assertThat(
                            new ShellFixture.Result(true, l, "").json().isObject()).isTrue());
                    continue;
                }
                JsonNode doc = r.json(); // one document, nothing else
                assertThat(doc).as(e.getValue()).isNotNull();
            }
            assertThat(shell.run("host policy esx1 --json").json().get("maxConcurrentBoots").asInt()).isZero();
            JsonNode set = shell.run("mem policy esx1 --swap 8GiB --json").json();
            assertThat(set.get("swapBytes").asLong()).as("the setting as it is after the command")
                    .isEqualTo(8L << 30);
            assertThat(shell.run("host policy esx1 --json --dry-run").err())
                    .contains("--json and --dry-run exclude each other");
        }
    }
}
