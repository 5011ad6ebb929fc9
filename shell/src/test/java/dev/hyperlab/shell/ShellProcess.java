package dev.hyperlab.shell;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The shell as a separate process, started the way the launcher starts it (never through the launcher itself). */
final class ShellProcess {
    private ShellProcess() {}

    /** What a run printed and its exit status. */
    record Run(int status, String out, String err) {}

    /** The java command line that runs the shell's main class with the test class path. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto",
                "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add("dev.hyperlab.shell.Main");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The test class path without test classes and test-only jars, i.e. what the launcher puts on it. */
    static String classPath() {
        List<String> keep = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.contains("test-classes") && !e.contains("junit") && !e.contains("assertj")
                    && !e.contains("opentest4j") && !e.contains("surefire")) {
                keep.add(e);
            }
        }
        return String.join(File.pathSeparator, keep);
    }

    /** Runs the shell to completion with {@code stdin} piped in (null: none). */
    static Run run(Path home, String stdin, String... args) {
        return runWith(home, Map.of(), stdin, args);
    }

    /** Runs the shell to completion with {@code env} added to its clean environment and {@code stdin} piped in. */
    static Run runWith(Path home, Map<String, String> env, String stdin, String... args) {
        return runJvm(home, List.of(), env, stdin, args);
    }

    /** {@link #runWith}, the JVM started with {@code jvmOptions} too (as HYPERLAB_JAVA_OPTS gives them). */
    static Run runJvm(Path home, List<String> jvmOptions, Map<String, String> env, String stdin, String... args) {
        return runUnder(List.of(), home, jvmOptions, env, stdin, args);
    }

    /**
     * {@link #runJvm}, the java command run by {@code wrapper} (a command that runs the rest of its arguments, such as
     * setpriv dropping root's powers over file permissions).
     */
    static Run runUnder(List<String> wrapper, Path home, List<String> jvmOptions, Map<String, String> env,
            String stdin, String... args) {
        List<String> cmd = new ArrayList<>(wrapper);
        cmd.addAll(command(jvmOptions, args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        environment(pb.environment(), home);
        pb.environment().putAll(env);
        pb.directory(home.toFile());
        try {
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            // stderr read beside stdout: a child that fills the stderr pipe first would otherwise wait for us forever
            var errReader = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return p.getErrorStream().readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            var out = p.getInputStream().readAllBytes();
            var err = errReader.join();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hyperlab did not exit within 60 s");
            }
            return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** A clean environment: the shell's home (history, default lab) in {@code home}, no colour hints. */
    static void environment(Map<String, String> env, Path home) {
        env.remove("HYPERLAB_LAB");
        env.put("HYPERLAB_HOME", home.resolve(".hyperlab").toString());
        env.put("HOME", home.toString());
    }
}
