package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.lab.Labs;
import java.math.BigDecimal;
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

/**
 * Long waits in a real terminal (tmux): each shows a progress line once it lasts, Ctrl-C stops each of them (an
 * {@code advance} while the guests write into their images, a {@code --wait}, {@code js}, {@code run}, {@code java}),
 * the shell goes on and the lab is saved where the wait stopped; batch modes never draw the line.
 */
class WaitsInTerminalTest {
    private static final Duration START = Duration.ofSeconds(60);
    private static final Duration SOON = Duration.ofSeconds(60); // a loaded machine (two builds at once) needed more than 30 s to save and exit
    /** What every progress line ends with (when the terminal is wide enough). */
    private static final String PROGRESS = "(Ctrl-C stops)";

    @TempDir
    Path home;

    @BeforeAll
    static void needsTmux() {
        Assumptions.assumeTrue(Tmux.available(), "tmux is not installed (.ci/run installs it): terminal tests skipped");
    }

    private Tmux shell(List<String> jvmOptions, String... args) {
        Map<String, String> env = new HashMap<>();
        ShellProcess.environment(env, home);
        env.put("TERM", "xterm-256color");
        env.put("PATH", System.getenv("PATH"));
        return new Tmux(ShellProcess.command(jvmOptions, args), env, home);
    }

    /** Two Windows VMs running in lab directory {@code name}: an advance writes their guest data into real images. */
    private void windowsLab(String name) {
        try (ShellFixture shell = ShellFixture.in(home.resolve(name))) {
            shell.ok("host create h --cores 16 --ram 64GiB --firmware bios; host install h --hypervisor type1;"
                    + "host power-on h --wait;"
                    + "vm create w1 --host h --vcpus 2 --memory 4GiB --os windows-server --driver virtio-blk;"
                    + "vm create w2 --host h --vcpus 2 --memory 4GiB --os windows-server --driver virtio-blk;"
                    + "vm start --all --wait");
        }
    }

    private static String lastPrompt(String screen) {
        return ReplTest.lastPrompt(screen);
    }

    /** The screen after the last {@code mark}, or nothing when it does not show it. */
    private static String after(String screen, String mark) {
        int at = screen.lastIndexOf(mark);
        return at < 0 ? "" : screen.substring(at + mark.length());
    }

    private static BigDecimal labTime(Tmux t) {
        t.send("time --json", "Enter");
        String json = t.await("the time", s -> s.contains("\"time\" :"), SOON);
        return new BigDecimal(json.substring(json.lastIndexOf("\"time\" :") + 8).strip().split("\\s")[0]);
    }

    @Test
    void anAdvanceWritingGuestDataShowsItsProgressAndCtrlCStopsItWhereTheLabIsSaved() throws Exception {
        windowsLab("win");
        BigDecimal stopped;
        try (Tmux t = shell(List.of(), "--lab", "./win")) {
            t.await("the prompt", s -> lastPrompt(s).startsWith("win "), START);
            BigDecimal before = labTime(t);
            t.send("advance 3650d", "Enter");
            String line = t.await("the progress line", s -> s.contains(PROGRESS) && s.contains("guest writes"), SOON);
            String progress = line.lines().filter(l -> l.contains(PROGRESS)).reduce((a, b) -> b).orElseThrow();
            assertThat(progress).startsWith("lab time ").contains(" of 3650d ", "%", "guest writes ", " left");
            assertThat(progress.length()).as("one line of the 120-column terminal, with room for the ^C echo").isLessThanOrEqualTo(117);
            t.send("C-c");
            String screen = t.await("the cancel", s -> s.contains("error: cancelled at lab time"), SOON);
            assertThat(screen).contains("(the lab is consistent there)");
            assertThat(screen.lines().filter(l -> l.contains(PROGRESS)).count()).as("the line is taken away").isZero();
            stopped = labTime(t);
            assertThat(stopped).isGreaterThan(before).isLessThan(before.add(BigDecimal.valueOf(3650L * 86400)));
            t.send("vm list", "Enter"); // the shell goes on, the VMs as they were
            t.await("the VMs", s -> Tmux.count(s, "running") >= 2, SOON);
            t.exitAtPrompt(SOON);
        }
        try (var lab = Labs.open(home.resolve("win"), 1)) {
            assertThat(BigDecimal.valueOf(lab.now().toNanos()).movePointLeft(9)).isEqualByComparingTo(stopped);
            assertThat(lab.vms()).allSatisfy(v -> assertThat(v.state()).isEqualTo(VmState.RUNNING));
        }
    }

    @Test
    void ctrlCStopsAnAdvanceInsideJsRunAndJavaAndTheShellGoesOn() throws Exception {
        windowsLab("code");
        Files.writeString(home.resolve("long.js"), "print('long script begins');\nlab.advance('3650d');\nprint('not reached');\n");
        try (Tmux t = shell(List.of(), "--lab", "./code")) {
            t.await("the prompt", s -> lastPrompt(s).startsWith("code "), START);
            t.send("js lab.advance('3650d')", "Enter");
            t.await("the progress line of js", s -> s.contains(PROGRESS), START);
            t.send("C-c");
            t.await("js cancelled", s -> Tmux.count(s, "cancelled") >= 1, SOON);

            t.send("run long.js", "Enter");
            t.await("the progress line of run", s -> after(s, "long script begins").contains(PROGRESS), START);
            t.send("C-c");
            // the advance answers with CANCELLED, or the script is stopped first: either way, at line 2
            t.await("run cancelled", s -> s.contains("long.js:2:1: cancelled"), SOON);

            t.send("java lab.advance(\"3650d\")", "Enter");
            t.await("the progress line of java", s -> after(s, "java lab.advance").contains(PROGRESS), START);
            t.send("C-c");
            t.await("java stopped", s -> after(s, "java lab.advance").contains("java: stopped (Ctrl-C)")
                    || after(s, "java lab.advance").contains("cancelled"), SOON);

            t.send("js 6 * 7", "Enter");
            t.await("the shell goes on", s -> s.contains("42"), SOON);
            t.exitAtPrompt(SOON);
        }
    }

    /**
     * A boot storm in a JVM without JIT ({@code -Xint}) so that {@code vm start --all --wait} lasts long enough to
     * press Ctrl-C in it on any machine. It waits for each VM in turn: Ctrl-C stops the wait under way, or the next
     * one if it lands between two (even one that needs no lab time).
     */
    @Test
    void aWaitingStartShowsTheMachinesBootingAndCtrlCStopsIt() throws Exception {
        Files.writeString(home.resolve("storm.yaml"), ReplTest.stormYaml(800));
        try (ShellFixture shell = ShellFixture.in(home.resolve("storm"))) {
            shell.ok("lab apply " + home.resolve("storm.yaml") + "; host power-on big --wait");
        }
        try (Tmux t = shell(List.of("-Xint"), "--lab", "./storm")) {
            t.await("the prompt", s -> lastPrompt(s).startsWith("storm "), START);
            t.send("vm start --all --wait", "Enter");
            String line = t.await("the progress line", s -> s.contains(PROGRESS) && s.contains("VMs booting"), START);
            assertThat(line).containsPattern("waiting: lab time [^\\n]+ \\(timeout at [^\\n]+\\)  [0-9]+ VMs booting, "
                    + "[0-9]+/800 running");
            t.send("C-c");
            // (without JIT, saving the 800 VMs' lab before the error is shown takes seconds)
            t.await("the cancel", s -> s.contains("error: cancelled at lab time"), START);
            BigDecimal stopped = labTime(t);
            t.exitAtPrompt(START);
            try (var lab = Labs.open(home.resolve("storm"), 1)) {
                assertThat(BigDecimal.valueOf(lab.now().toNanos()).movePointLeft(9)).isEqualByComparingTo(stopped);
                lab.advance("1h"); // and it goes on from there
                assertThat(lab.vms()).allSatisfy(v -> assertThat(v.state()).isEqualTo(VmState.RUNNING));
            }
        }
    }

    @Test
    void batchModeOnATerminalDrawsNoProgress() throws Exception {
        windowsLab("batch");
        try (Tmux t = shell(List.of(), "--lab", "./batch", "-c", "advance 1d; time")) {
            // watched all along: the line would show after a second of the advance's several
            t.await("the batch run to end", s -> {
                assertThat(s).doesNotContain(PROGRESS).doesNotContain("guest writes");
                return t.exited();
            }, START);
            assertThat(t.screen()).contains("-> 1d").doesNotContain(PROGRESS);
        }
    }
}
