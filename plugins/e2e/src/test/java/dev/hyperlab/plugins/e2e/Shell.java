package dev.hyperlab.plugins.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * hyperlab as its own process, started as the launcher starts it, with a home of its own ({@code HYPERLAB_HOME}: its
 * plugins and default lab) and only the shell's class path: no plugin, test kit or test class on it, so every plugin
 * comes from a zip through PF4J.
 */
final class Shell {
    static final ObjectMapper JSON = new ObjectMapper();

    /** What a run printed and its exit status. */
    record Run(int status, String out, String err) {
        JsonNode json() {
            try {
                return JSON.readTree(out);
            } catch (IOException e) {
                throw new AssertionError("not one JSON document: " + out + err, e);
            }
        }

        Run ok() {
            if (status != 0) {
                throw new AssertionError("hyperlab exited " + status + ": " + err + out);
            }
            return this;
        }
    }

    private final Path home;
    private final Map<String, String> env = new HashMap<>();
    private final List<String> jvm = new ArrayList<>();

    Shell(Path home) {
        this.home = home;
    }

    Shell env(String name, String value) {
        env.put(name, value);
        return this;
    }

    Shell jvm(String option) {
        jvm.add(option);
        return this;
    }

    Path home() {
        return home;
    }

    Path pluginsDir() {
        return home.resolve(".hyperlab").resolve("plugins");
    }

    Path lab() {
        return home.resolve("lab");
    }

    /** {@code hyperlab --lab LAB -c COMMANDS}. */
    Run c(String commands) {
        return run("--lab", lab().toString(), "-c", commands);
    }

    Run run(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xshare:auto", "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", classPath(), "dev.hyperlab.shell.Main"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile());
        pb.environment().remove("HYPERLAB_LAB");
        pb.environment().remove("HYPERLAB_PLUGIN_TIMEOUT");
        pb.environment().put("HYPERLAB_HOME", home.resolve(".hyperlab").toString());
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        try {
            Files.createDirectories(home);
            Path out = Files.createTempFile(home, "out", ".txt");
            Path err = Files.createTempFile(home, "err", ".txt");
            Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("hyperlab did not exit within 120 s: " + String.join(" ", args));
            }
            Run r = new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.delete(out);
            Files.delete(err);
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The test class path less tests, test tools, the test kit and every plugin: what the launcher puts on it. */
    static String classPath() {
        List<String> keep = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String n = e.replace('\\', '/');
            if (n.contains("test-classes") || n.contains("junit") || n.contains("assertj") || n.contains("opentest4j")
                    || n.contains("surefire") || n.endsWith(".zip") || n.contains("hyperlab-plugin-")
                    || n.contains("/plugin-testkit/") || n.contains("/secureboot/") || n.contains("/passthrough/")
                    || n.contains("/forever-incremental/") || n.contains("jackson-databind")
                    || n.contains("jackson-annotations")) {
                continue;
            }
            keep.add(e);
        }
        return String.join(File.pathSeparator, keep);
    }
}
