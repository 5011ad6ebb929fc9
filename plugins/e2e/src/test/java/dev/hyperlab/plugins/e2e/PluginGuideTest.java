package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Follows docs/plugins.md from an empty directory, in order: each {@code File `PATH`:} block is written, each
 * {@code sh} block runs in bash (with {@code hyperlab} on the {@code PATH}, a home of its own, and
 * {@code $HYPERLAB_API} the api jar alone), and a {@code text} block right after a {@code sh} block lists lines its
 * output must contain. The one {@code sh maven} block ({@code mvn test}) is done here instead, as Maven would do it:
 * the guide's test sources compiled against the plugin's classes and the test kit, their {@code @Test} methods run.
 * So the plugin is built outside the reactor against the api jar alone, and must load and work.
 */
class PluginGuideTest {
    private static final Pattern BLOCK = Pattern.compile("(?m)^```([a-z]*)( [a-z]+)?\\n(.*?)^```\\n",
            Pattern.DOTALL);
    private static final Pattern FILE = Pattern.compile("File `([^`]+)`:\\s*$");

    @TempDir
    Path tmp;

    @Test
    void theGuideWorksFromAnEmptyDirectoryToPluginInstall() throws Exception {
        String guide = Files.readString(root().resolve("docs/plugins.md"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path bin = writeLauncher(Files.createDirectories(tmp.resolve("bin")));
        Path cwd = work;
        String lastOutput = null;
        int shells = 0;
        boolean tested = false;
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
            } else if (lang.equals("sh") && tag.equals("maven")) {
                runTests(cwd);
                tested = true;
            } else if (lang.equals("sh")) {
                Run r = bash(body, cwd, bin);
                assertThat(r.status).as("exit status of\n" + body + "\n" + r.out).isZero();
                cwd = r.cwd;
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
        assertThat(shells).as("sh blocks followed").isGreaterThanOrEqualTo(6);
        assertThat(tested).as("the guide's test was run").isTrue();
        assertThat(tmp.resolve("home/plugins/qboot-1.0.0.zip")).as("installed where the guide says").exists();
    }

    /** Runs of spaces count as one: tables are padded to their widest cell. */
    private static String normalise(String s) {
        return s.replaceAll("[ \\t]+", " ").strip();
    }

    private static Path root() {
        String r = System.getProperty("hyperlab.root");
        return r != null ? Path.of(r) : Path.of("../..").toAbsolutePath().normalize();
    }

    /** {@code hyperlab} as the launcher runs it, with the shell's class path (no plugin on it). */
    private static Path writeLauncher(Path bin) throws IOException {
        Path launcher = bin.resolve("hyperlab");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\nexec '" + java + "' -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
                + " --enable-native-access=ALL-UNNAMED -cp '" + Shell.classPath() + "' dev.hyperlab.shell.Main \"$@\"\n");
        assertThat(launcher.toFile().setExecutable(true)).isTrue();
        return bin;
    }

    private record Run(int status, String out, Path cwd) {}

    private Run bash(String script, Path cwd, Path bin) throws Exception {
        Path cwdFile = tmp.resolve("cwd");
        ProcessBuilder pb = new ProcessBuilder("bash", "-euo", "pipefail", "-c",
                script + "\npwd > '" + cwdFile + "'\n").directory(cwd.toFile()).redirectErrorStream(true);
        String javaBin = Path.of(System.getProperty("java.home"), "bin").toString();
        pb.environment().put("PATH", bin + File.pathSeparator + javaBin + File.pathSeparator
                + pb.environment().getOrDefault("PATH", ""));
        pb.environment().put("HYPERLAB_HOME", tmp.resolve("home").toString());
        pb.environment().put("HYPERLAB_API", apiJar());
        pb.environment().remove("HYPERLAB_LAB");
        pb.environment().remove("HYPERLAB_PLUGIN_TIMEOUT");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished: " + script).isTrue();
        Path next = p.exitValue() == 0 ? Path.of(Files.readString(cwdFile).strip()) : cwd;
        return new Run(p.exitValue(), out, next);
    }

    /** The api alone (no apiguardian): what the guide tells a plugin author to compile against. */
    private static String apiJar() {
        List<String> api = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String n = e.replace('\\', '/');
            if (n.contains("/api/target/") || n.contains("/hyperlab-api-")) {
                api.add(e);
            }
        }
        assertThat(api).as("the api on the test class path").hasSize(1);
        return api.getFirst();
    }

    /**
     * What {@code mvn test} does with the guide's test: compiles src/test/java against the plugin's classes, the test
     * kit and JUnit (this test's class path), and runs every {@code @Test} method; a failure fails this test.
     */
    private static void runTests(Path project) throws Exception {
        Path classes = project.resolve("build/classes");
        Path testClasses = Files.createDirectories(project.resolve("build/test-classes"));
        List<String> sources;
        try (Stream<Path> s = Files.walk(project.resolve("src/test/java"))) {
            sources = s.filter(p -> p.toString().endsWith(".java")).map(Path::toString).toList();
        }
        assertThat(sources).isNotEmpty();
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> args = new ArrayList<>(List.of("-proc:none", "-nowarn", "-d", testClasses.toString(), "-cp",
                classes + File.pathSeparator + System.getProperty("java.class.path")));
        args.addAll(sources);
        assertThat(javac.run(null, null, null, args.toArray(String[]::new))).as("the guide's test compiles").isZero();
        int ran = 0;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {testClasses.toUri().toURL(),
                classes.toUri().toURL()}, PluginGuideTest.class.getClassLoader())) {
            for (String src : sources) {
                String name = project.resolve("src/test/java").relativize(Path.of(src)).toString()
                        .replace(File.separatorChar, '.').replaceAll("\\.java$", "");
                Class<?> c = loader.loadClass(name);
                for (Method method : c.getDeclaredMethods()) {
                    if (!method.isAnnotationPresent(Test.class)) {
                        continue;
                    }
                    var ctor = c.getDeclaredConstructor();
                    ctor.setAccessible(true);
                    method.setAccessible(true);
                    try {
                        method.invoke(ctor.newInstance());
                    } catch (InvocationTargetException e) {
                        throw new AssertionError("the guide's test " + name + "." + method.getName() + " fails",
                                e.getCause());
                    }
                    ran++;
                }
            }
        }
        assertThat(ran).as("@Test methods of the guide run").isGreaterThanOrEqualTo(2);
    }
}
