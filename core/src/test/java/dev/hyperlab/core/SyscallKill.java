package dev.hyperlab.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Crash tests' child processes, killed with SIGKILL at a chosen system call: strace counts how often an uninterrupted
 * child makes each call, then injects the kill into the Nth one. The crash suites (SnapshotFaultTest,
 * KillThenBackupTest) share it.
 */
public final class SyscallKill {
    private SyscallKill() {}

    /** Skips the test where strace is missing: it is what kills the child at a chosen call. */
    public static void requireStrace() {
        Assumptions.assumeTrue(works("strace", "-V"), "needs strace to kill the child at a chosen system call");
    }

    /** A finished child: its exit status and what it printed (stdout and stderr). */
    public record Run(int exit, String out) {
        /** Whether the child got to print {@code done}, that is, the kill did not land inside its command. */
        public boolean finished() {
            return out.contains("done");
        }
    }

    /** The command that starts {@code mainClass} in a JVM like this one, with this classpath. */
    public static List<String> java(Class<?> mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), mainClass.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** Runs {@code cmd} to its end, at most {@code seconds}. */
    public static Run run(List<String> cmd, int seconds) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(seconds, TimeUnit.SECONDS)).as("%s finished", cmd).isTrue();
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Whether {@code cmd} runs and exits 0 (a tool is there, a copy worked). */
    public static boolean works(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    /** A copy of directory {@code from} at {@code to}, sparse files kept sparse. */
    public static Path copy(Path from, Path to) {
        assertThat(works("cp", "-a", "--sparse=always", from.toString(), to.toString())).as("copy of " + from).isTrue();
        return to;
    }

    /** How many times each of {@code syscalls} runs in {@code child} left to finish; {@code log} is strace's. */
    public static Map<String, Integer> count(List<String> child, List<String> syscalls, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "--seccomp-bpf", "-qq", "-e",
                "trace=" + String.join(",", syscalls), "-o", log.toString()));
        cmd.addAll(child);
        Run r = run(cmd, 300);
        assertThat(r.exit()).as(r.out()).isZero();
        List<String> lines = Files.readAllLines(log);
        Map<String, Integer> counts = new TreeMap<>();
        for (String syscall : syscalls) {
            // "PID call(" starts a call; "<... call resumed>" ends one that another thread's line interrupted
            counts.put(syscall, (int) lines.stream().filter(l -> l.contains(" " + syscall + "(")).count());
        }
        Files.delete(log);
        return counts;
    }

    /** Runs {@code child} and kills it with SIGKILL as it makes its {@code n}th {@code syscall}. */
    public static Run killAt(List<String> child, String syscall, int n) throws Exception {
        // no --seccomp-bpf here: with it, strace does not stop other threads' calls to inject into them
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", "/dev/null", "-e", "trace=" + syscall,
                "-e", "inject=" + syscall + ":signal=KILL:when=" + n));
        cmd.addAll(child);
        return run(cmd, 300);
    }
}
