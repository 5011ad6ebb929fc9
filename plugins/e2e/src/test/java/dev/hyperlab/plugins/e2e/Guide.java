package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Follows a plugin guide (docs/plugins.md and its siblings) from an empty directory, in order, as an author outside
 * the repository would: each {@code File `PATH`:} block is written; each {@code sh} block runs in bash with
 * {@code hyperlab} and {@code mvn} on the {@code PATH} and a hyperlab home of its own; a {@code sh checkout} block
 * (the step that publishes the api and the test kit) runs at the root of this checkout; a {@code text} block right
 * after a {@code sh} block lists lines its output must contain.
 *
 * <p>Maven runs offline with a local repository of the test's own ({@code -Dmaven.repo.local}), backed read-only by
 * the build's ({@code -Dmaven.repo.local.tail}) for third-party artifacts: what the guide's install step publishes
 * lands there, never in {@code ~/.m2}, and the guide's pom.xml resolves hyperlab's artifacts from it alone.
 */
final class Guide {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```([a-z]*)( [a-z]+)?\\n(.*?)^```\\n",
            Pattern.DOTALL);
    private static final Pattern FILE = Pattern.compile("File `([^`]+)`:\\s*$");

    /** What following a guide did. */
    record Followed(int shells, int checkouts, Path home, Path work, String output) {}

    private final Path tmp;
    private final Path repository;

    /** @param repository the local Maven repository the guide's install step publishes into */
    Guide(Path tmp, Path repository) {
        this.tmp = tmp;
        this.repository = repository;
    }

    static Path root() {
        String r = System.getProperty("hyperlab.root");
        return r != null ? Path.of(r) : Path.of("../..").toAbsolutePath().normalize();
    }

    Followed follow(String guideFile) throws Exception {
        String guide = Files.readString(root().resolve(guideFile));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path bin = writeLaunchers(Files.createDirectories(tmp.resolve("bin")));
        Path cwd = work;
        String lastOutput = null;
        int shells = 0;
        int checkouts = 0;
        StringBuilder output = new StringBuilder();
        Matcher m = BLOCK.matcher(guide);
        int end = 0;
        while (m.find()) {
            String before = guide.substring(end, m.start()).strip();
            String lang = m.group(1);
            String tag = m.group(2) == null ? "" : m.group(2).strip();
            String body = m.group(3);
            end = m.end();
            Matcher file = FILE.matcher(before.lines().reduce((a, b) -> b).orElse(""));
            if (file.find()) {
                Path target = cwd.resolve(file.group(1));
                Files.createDirectories(target.getParent());
                Files.writeString(target, body);
            } else if (lang.equals("sh")) {
                boolean checkout = tag.equals("checkout");
                Run r = bash(body, checkout ? root() : cwd, bin);
                assertThat(r.status).as("exit status of\n" + body + "\n" + r.out).isZero();
                output.append(r.out);
                if (checkout) {
                    checkouts++;
                } else {
                    cwd = r.cwd;
                }
                lastOutput = r.out;
                shells++;
                continue;
            } else if (lang.equals("text") && lastOutput != null && before.isEmpty()) {
                for (String line : body.lines().filter(l -> !l.isBlank()).toList()) {
                    assertThat(normalise(lastOutput)).as("the output the guide shows").contains(normalise(line));
                }
            }
            lastOutput = null;
        }
        return new Followed(shells, checkouts, tmp.resolve("home"), work, output.toString());
    }

    /** Runs of spaces count as one: tables are padded to their widest cell. */
    private static String normalise(String s) {
        return s.replaceAll("[ \\t]+", " ").strip();
    }

    /**
     * {@code hyperlab} as the launcher runs it, with the shell's class path (no plugin on it), and {@code mvn} as
     * this checkout's Maven wrapper.
     */
    private static Path writeLaunchers(Path bin) throws IOException {
        Path launcher = bin.resolve("hyperlab");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " --enable-native-access=ALL-UNNAMED -cp '" + Shell.classPath() + "' dev.hyperlab.shell.Main \"$@\"\n");
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, "#!/bin/sh\nexec '" + root().resolve("mvnw") + "' \"$@\"\n");
        assertThat(launcher.toFile().setExecutable(true) && mvn.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    private record Run(int status, String out, Path cwd) {}

    private Run bash(String script, Path cwd, Path bin) throws Exception {
        Path cwdFile = tmp.resolve("cwd");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
                script + "\npwd > '" + cwdFile + "'\n").directory(cwd.toFile()).redirectErrorStream(true);
        String javaHome = System.getProperty("java.home");
        pb.environment().put("PATH", bin + File.pathSeparator + Path.of(javaHome, "bin") + File.pathSeparator
                + pb.environment().getOrDefault("PATH", ""));
        pb.environment().put("JAVA_HOME", javaHome);
        pb.environment().put("HYPERLAB_HOME", tmp.resolve("home").toString());
        // Maven 3.9 puts MAVEN_ARGS before the command line's: offline, publishing into and resolving from the
        // test's repository, third-party artifacts read from the build's own
        pb.environment().put("MAVEN_ARGS", "-o -Dmaven.repo.local=" + repository
                + " -Dmaven.repo.local.tail=" + buildRepository());
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().remove("HYPERLAB_LAB");
        pb.environment().remove("HYPERLAB_PLUGIN_TIMEOUT");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(600, TimeUnit.SECONDS)).as("finished: " + script).isTrue();
        Path next = p.exitValue() == 0 ? Path.of(Files.readString(cwdFile).strip()) : cwd;
        return new Run(p.exitValue(), out, next);
    }

    /** The local repository the build runs with (surefire passes it), where the guide's pom finds JUnit and Maven's plugins. */
    private static Path buildRepository() {
        String r = System.getProperty("hyperlab.maven.repository");
        return r != null ? Path.of(r) : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }
}
