package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REPL in a real terminal (tmux), driven by keys as a person would. */
class ReplTest {
    static final Duration START = Duration.ofSeconds(30);

    @TempDir
    Path home;

    @BeforeAll
    static void needsTmux() {
        Assumptions.assumeTrue(Tmux.available(), "tmux is not installed (.ci/run installs it): REPL tests skipped");
    }

    private Tmux repl(String lab, String... jvmOptions) {
        Map<String, String> env = new HashMap<>();
        ShellProcess.environment(env, home);
        env.put("TERM", "xterm-256color");
        env.put("PATH", System.getenv("PATH"));
        return new Tmux(ShellProcess.command(List.of(jvmOptions), "--lab", "./" + lab), env, home);
    }

    private void lab(String dir, String commands) {
        try (ShellFixture shell = ShellFixture.in(home.resolve(dir))) {
            shell.ok(commands);
        }
    }

    @Test
    void tabCompletesAVmNameAndAnErrorLeavesTheShellRunning() {
        lab("lab", "host create esx1 --cores 8 --ram 32GiB --firmware bios; host install esx1 --hypervisor type1;"
                + "vm create web1 --host esx1 --vcpus 1 --memory 1GiB --os linux-server;"
                + "vm create web2 --host esx1 --vcpus 1 --memory 1GiB --os linux-server;"
                + "vm create db1 --host esx1 --vcpus 2 --memory 4GiB --os linux-server");
        try (Tmux t = repl("lab")) {
            t.await("the prompt", s -> s.contains("lab 0s>"), START);
            t.send("vm info d", "Tab");
            t.await("db1 completed", s -> s.contains("vm info db1"), Duration.ofSeconds(10));
            t.send("Enter");
            t.await("db1's info", s -> s.contains("boot priority"), Duration.ofSeconds(10));

            t.send("vm star", "Tab"); // vm st: stat or start
            t.await("the verb completed", s -> lastPrompt(s).endsWith("vm start"), Duration.ofSeconds(10));
            t.send("w", "Tab");
            t.await("both web VMs offered", s -> s.contains("web1") && s.contains("web2")
                    && s.lines().anyMatch(l -> l.contains("web1") && l.contains("web2") && !l.contains(">")),
                    Duration.ofSeconds(10));
            t.send("C-u");

            t.send("vm start nope", "Enter");
            t.await("the error", s -> s.contains("error: no VM named 'nope' (vm list shows the VMs)"),
                    Duration.ofSeconds(10));
            t.send("vm starrt web1", "Enter");
            t.await("a suggestion", s -> s.contains("did you mean `vm start`?"), Duration.ofSeconds(10));
            t.send("time", "Enter");
            t.await("the shell still answering", s -> s.contains("lab time 0s"), Duration.ofSeconds(10));
            t.exitAtPrompt(Duration.ofSeconds(10));
        }
    }

    @Test
    void tabCompletesLabAndHandleMembersInJsModeAndLabInJavaMode() {
        lab("lab", "host create esx1 --cores 8 --ram 32GiB --firmware bios; host install esx1 --hypervisor type1;"
                + "vm create web1 --host esx1 --vcpus 1 --memory 1GiB --os linux-server");
        try (Tmux t = repl("lab")) {
            t.await("the prompt", s -> s.contains("lab 0s>"), START);
            t.send("js", "Enter");
            t.await("JavaScript mode", s -> s.contains("lab 0s js>"), Duration.ofSeconds(20));
            t.send("lab.createW", "Tab"); // one method only starts so (createVm and createVms both start createV)
            t.await("lab's method completed", s -> lastPrompt(s).endsWith("lab.createWorkload("),
                    Duration.ofSeconds(10));
            t.send("C-u");
            t.send("lab.vm('web1').shu", "Tab");
            t.await("the VM's method completed", s -> lastPrompt(s).endsWith("lab.vm('web1').shutdown("),
                    Duration.ofSeconds(10));
            t.send("C-u");
            t.send("lab.vm('web1').info().vc", "Tab");
            t.await("a field of what info() returns", s -> lastPrompt(s).endsWith("lab.vm('web1').info().vcpus"),
                    Duration.ofSeconds(10));
            t.send("Enter");
            t.await("its value", s -> s.lines().anyMatch(l -> l.strip().equals("1")), Duration.ofSeconds(20));
            t.send("lab.vm('web1').s", "Tab");
            // the candidates below the prompt, in as many columns as fit: any row may hold either name
            t.await("the VM's s-methods offered", s -> s.contains("\nmethods\n")
                    && s.lines().anyMatch(l -> l.contains("shutdown") && !l.contains(">"))
                    && s.lines().anyMatch(l -> l.contains("snapshot") && !l.contains(">")), Duration.ofSeconds(10));
            t.send("C-u");
            t.send(".exit", "Enter");
            t.send("java", "Enter");
            t.await("Java mode", s -> s.contains("lab 0s java>"), Duration.ofSeconds(20));
            t.send("lab.createW", "Tab");
            t.await("lab's method completed in Java", s -> lastPrompt(s).contains("lab.createWorkload("),
                    Duration.ofSeconds(60));
            t.send("C-u");
            t.send("C-d");
            // the second Ctrl-D only once the command prompt is back: typed while Java mode still closes (canonical
            // mode) it would be lost, as Tmux.exitAtPrompt says
            t.await("back at the command prompt", s -> lastPrompt(s).equals("lab 0s>"), Duration.ofSeconds(30));
            t.exitAtPrompt(Duration.ofSeconds(30));
        }
    }

    @Test
    void historyIsRecalledWithUpAndKeptAcrossSessions() throws Exception {
        lab("hist", "time");
        try (Tmux t = repl("hist")) {
            t.await("the prompt", s -> s.contains("hist 0s>"), START);
            t.send("profiles", "Enter");
            t.await("the profiles", s -> s.contains("windows-server"), Duration.ofSeconds(10));
            t.send("time", "Enter");
            t.awaitCount("lab time 0s", 1, Duration.ofSeconds(10));
            // keys sent before the next prompt reach the terminal while it echoes raw (a race on a busy machine)
            t.await("the next prompt", s -> lastPrompt(s).equals("hist 0s>"), Duration.ofSeconds(10));
            t.send("Up", "Up");
            t.await("profiles recalled", s -> lastPrompt(s).endsWith("> profiles"), Duration.ofSeconds(10));
            t.send("C-u", "pro");
            t.await("profiles suggested from history as the user types", s -> lastPrompt(s).endsWith("> profiles"),
                    Duration.ofSeconds(10));
            t.send("C-u", "exit", "Enter");
            t.await("the shell gone", s -> t.exited(), Duration.ofSeconds(10));
        }
        Path history = home.resolve(".hyperlab/history");
        assertThat(Files.readString(history)).contains("profiles", "time");
        try (Tmux t = repl("hist")) {
            t.await("the prompt", s -> s.contains("hist 0s>"), START);
            t.send("Up");
            t.await("the last command of the last session", s -> s.contains("hist 0s> exit"), Duration.ofSeconds(10));
            t.send("C-u");
            t.exitAtPrompt(Duration.ofSeconds(10));
        }
    }

    /** The last line holding a prompt, trailing blanks cut. */
    static String lastPrompt(String screen) {
        return screen.lines().filter(l -> l.matches("[a-z]+ [0-9][^>]*>( .*)?\\s*")).reduce((a, b) -> b).orElse("")
                .stripTrailing();
    }

    /** A lab file: host {@code big} (256 cores, 4 TiB) and VMs {@code vm0}.. of 512 MiB each, linux-server. */
    static String stormYaml(int vms) {
        StringBuilder yaml = new StringBuilder("hosts: [{name: big, cores: 256, ram: 4TiB, firmware: bios, "
                + "hypervisor: type1}]\nvms:\n");
        for (int i = 0; i < vms; i++) {
            yaml.append("  - {name: vm").append(i).append(", host: big, vcpus: 1, memory: 512MiB, os: linux-server}\n");
        }
        return yaml.toString();
    }

    /**
     * A boot storm big enough to take seconds, in a JVM without JIT ({@code -Xint}) so the wait lasts long enough to
     * press Ctrl-C in it on any machine.
     */
    @Test
    void ctrlCCancelsAWaitTheShellSurvivesAndTheLabIsConsistent() throws Exception {
        Files.writeString(home.resolve("storm.yaml"), stormYaml(2500));
        lab("storm", "lab apply " + home.resolve("storm.yaml") + "; host power-on big --wait; vm start --all");
        try (Tmux t = repl("storm", "-Xint")) {
            t.await("the prompt", s -> lastPrompt(s).startsWith("storm "), Duration.ofSeconds(60));
            t.send("wait vm vm2499", "Enter");
            t.await("the progress bar", s -> s.contains("Ctrl-C stops"), Duration.ofSeconds(60));
            t.send("C-c");
            String screen = t.await("the cancel", s -> s.contains("error: cancelled at lab time"),
                    Duration.ofSeconds(30));
            assertThat(screen).contains("(the lab is consistent there)");
            t.send("time --json", "Enter");
            String json = t.await("the time", s -> s.contains("\"time\" :"), Duration.ofSeconds(30));
            String time = json.substring(json.lastIndexOf("\"time\" :") + 8).strip().split("\\s")[0];
            // closing 2,500 VM images (each storing its dirty bitmap) without JIT takes a while on a busy machine
            t.exitAtPrompt(Duration.ofSeconds(120));
            try (var lab = Labs.open(home.resolve("storm"), 1)) {
                assertThat(lab.now().toNanos()).isEqualTo(new java.math.BigDecimal(time).movePointRight(9)
                        .longValueExact());
                long running = lab.vms().stream().filter(v -> v.state() == VmState.RUNNING).count();
                assertThat(running).as("the storm stopped part-way").isLessThan(2500);
                lab.advance("1h"); // and it goes on from there
                assertThat(lab.vms().stream().allMatch(v -> v.state() == VmState.RUNNING)).isTrue();
            }
        }
    }
}
