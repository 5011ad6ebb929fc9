package dev.hyperlab.bench;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.BuiltInCommands;
import dev.hyperlab.shell.commands.Demo;
import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 3's speed promises, measured side by side on this machine (see docs/performance.md, "Issue 3: shell"):
 * <ol>
 *   <li>{@code hyperlab -c 'lab info'} wall time, through the launcher (with the AOT cache if built) and as plain
 *       {@code java} with and without the cache;</li>
 *   <li>start to the first REPL prompt, in a pseudo-terminal ({@code script}), beside {@code jshell}'s start to its
 *       first prompt, runs interleaved;</li>
 *   <li>commands on a lab of 1,000 VMs through the REPL's dispatcher in-process, the save to disk included.</li>
 * </ol>
 * Run from the repository root after {@code ./mvnw -q -B -DskipTests package}:
 * <pre>
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *   -cp "bench/target/classes:shell/target/hyperlab-shell.jar:shell/target/lib/*" dev.hyperlab.bench.StartupBench [RUNS]
 * </pre>
 * With {@code --commands} it measures only the commands on the 1,000-VM lab (issue 4's save cost), which needs no
 * packaged shell: any class path with the shell's classes will do, so an older build can be measured beside this one.
 * <pre>
 * java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
 *   -cp "bench/target/classes:shell/target/hyperlab-shell.jar:shell/target/lib/*" dev.hyperlab.bench.StartupBench --commands
 * </pre>
 */
public final class StartupBench {
    private final Path root = Path.of("").toAbsolutePath();
    private final Path javaHome = Path.of(System.getProperty("java.home"));
    private final Path target = root.resolve("shell/target");
    private final Path work;

    private StartupBench() throws IOException {
        work = Files.createTempDirectory("hyperlab-bench");
    }

    public static void main(String[] args) throws Exception {
        StartupBench b = new StartupBench();
        if (List.of(args).contains("--commands")) {
            System.out.printf(Locale.ROOT, "hyperlab command latency on 1,000 VMs, %d cores, Java %s%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.version());
            b.commands();
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        if (!Files.exists(b.target.resolve("hyperlab-shell.jar"))) {
            System.err.println("build first: ./mvnw -q -B -DskipTests package (run from the repository root)");
            System.exit(1);
        }
        System.out.printf(Locale.ROOT, "hyperlab start-up and command latency, %d runs each, %d cores, Java %s%n",
                runs, Runtime.getRuntime().availableProcessors(), Runtime.version());
        b.startup(runs);
        b.commands();
    }

    // ---- start-up ------------------------------------------------------------------------------------------------

    private void startup(int runs) throws Exception {
        Path lab = work.resolve("demo-lab");
        try (var l = Labs.open(lab, 1)) {
            Demo.build(l);
        }
        boolean aot = Files.exists(target.resolve("hyperlab.aot"));
        String cp = target.resolve("hyperlab-shell.jar") + ":" + target.resolve("lib") + "/*";
        // the launcher's flags (./hyperlab): SerialGC, both JIT tiers
        List<String> base = List.of(javaHome.resolve("bin/java").toString(), "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED", "-Xlog:all=warning:stderr");
        List<String> withAot = concat(base, "-XX:AOTCache=" + target.resolve("hyperlab.aot"), "-cp", cp,
                "dev.hyperlab.shell.Main", "--lab", lab.toString());
        List<String> withoutAot = concat(base, "-Xshare:auto", "-cp", cp, "dev.hyperlab.shell.Main", "--lab",
                lab.toString());
        List<String> launcher = List.of(root.resolve("hyperlab").toString(), "--lab", lab.toString());
        List<String> jshell = List.of(javaHome.resolve("bin/jshell").toString());

        Map<String, List<Double>> t = new LinkedHashMap<>();
        for (int i = 0; i < runs + 1; i++) { // the first round warms the file cache and is not counted
            boolean count = i > 0;
            record(t, count, "-c 'lab info', launcher", wall(concat(launcher, "-c", "lab info")));
            if (aot) {
                record(t, count, "-c 'lab info', java + AOT cache", wall(concat(withAot, "-c", "lab info")));
            }
            record(t, count, "-c 'lab info', java, no AOT cache", wall(concat(withoutAot, "-c", "lab info")));
            record(t, count, "first prompt, launcher", prompt(launcher, "demo-lab", "\u0004"));
            if (aot) {
                record(t, count, "first prompt, java + AOT cache", prompt(withAot, "demo-lab", "\u0004"));
            }
            record(t, count, "first prompt, java, no AOT cache", prompt(withoutAot, "demo-lab", "\u0004"));
            record(t, count, "jshell first prompt", prompt(jshell, "jshell>", "/exit\n"));
        }
        double jshellMedian = median(t.get("jshell first prompt"));
        System.out.println();
        System.out.printf(Locale.ROOT, "%-36s %8s %8s %8s %10s%n", "start-up (wall seconds)", "median", "min", "max",
                "/ jshell");
        for (Map.Entry<String, List<Double>> e : t.entrySet()) {
            double m = median(e.getValue());
            System.out.printf(Locale.ROOT, "%-36s %8.3f %8.3f %8.3f %10.2f%n", e.getKey(), m,
                    e.getValue().stream().mapToDouble(d -> d).min().orElse(0),
                    e.getValue().stream().mapToDouble(d -> d).max().orElse(0), m / jshellMedian);
        }
        System.out.println("promise: median <= 0.400 s and <= 0.25 of jshell's first prompt");
    }

    private static void record(Map<String, List<Double>> t, boolean count, String name, double seconds) {
        t.computeIfAbsent(name, k -> new ArrayList<>());
        if (count) {
            t.get(name).add(seconds);
        }
    }

    /** Wall time of a command run to completion, output discarded. */
    private double wall(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        env(pb);
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + cmd);
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /**
     * Time from start to the first prompt on a pseudo-terminal ({@code script -q -c}): the output is read until
     * {@code prompt} shows (escape sequences ignored), then {@code leave} is typed and the program left to exit.
     */
    private double prompt(List<String> cmd, String prompt, String leave) throws Exception {
        String line = "stty cols 120 rows 40; exec " + String.join(" ",
                cmd.stream().map(c -> "'" + c.replace("'", "'\\''") + "'").toList());
        ProcessBuilder pb = new ProcessBuilder("script", "-q", "-f", "-e", "-c", line, "/dev/null");
        env(pb);
        pb.redirectErrorStream(true);
        long t0 = System.nanoTime();
        Process p = pb.start();
        InputStream in = p.getInputStream();
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        double at = -1;
        long deadline = t0 + Duration.ofSeconds(60).toNanos();
        OutputStream keys = p.getOutputStream();
        int answeredDa = 0;
        int answeredCpr = 0;
        while (at < 0) {
            int n = in.read(buf);
            if (n < 0) {
                throw new IllegalStateException("exited before its prompt: " + cmd + "\n" + seen);
            }
            seen.write(buf, 0, n);
            // answer what a terminal emulator answers at once (device attributes, cursor position): JLine probes
            // the terminal at start and would wait 200 ms for an answer that no emulator gives here
            String raw = seen.toString(StandardCharsets.UTF_8);
            for (int q = count(raw, "\u001b[c"); answeredDa < q; answeredDa++) {
                keys.write("\u001b[?62;22c".getBytes(StandardCharsets.UTF_8));
                keys.flush();
            }
            for (int q = count(raw, "\u001b[6n"); answeredCpr < q; answeredCpr++) {
                keys.write("\u001b[1;1R".getBytes(StandardCharsets.UTF_8));
                keys.flush();
            }
            String text = seen.toString(StandardCharsets.UTF_8).replaceAll("\u001b\\[[0-9;?]*[A-Za-z]", "");
            if (text.contains(prompt) && text.substring(text.indexOf(prompt)).contains(">")) {
                at = (System.nanoTime() - t0) / 1e9;
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("no prompt within 60 s: " + cmd + "\n" + seen);
            }
        }
        keys.write(leave.getBytes(StandardCharsets.UTF_8));
        keys.flush();
        Thread drain = Thread.ofPlatform().daemon().start(() -> {
            try {
                in.transferTo(OutputStream.nullOutputStream());
            } catch (IOException e) {
                // gone
            }
        });
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        drain.join(1000);
        return at;
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    private void env(ProcessBuilder pb) {
        pb.environment().put("TERM", "xterm-256color");
        pb.environment().put("HYPERLAB_HOME", work.resolve("home").toString());
        pb.environment().remove("HYPERLAB_LAB");
        pb.directory(work.toFile());
    }

    // ---- a command on a lab of 1,000 VMs ---------------------------------------------------------------------------

    private void commands() throws Exception {
        Path dir = work.resolve("lab-1000");
        StringBuilder yaml = new StringBuilder("hosts:\n");
        for (int h = 0; h < 10; h++) {
            yaml.append("  - {name: h").append(h).append(", cores: 64, ram: 512GiB, firmware: bios, hypervisor: type1}\n");
        }
        yaml.append("vms:\n");
        for (int v = 0; v < 1000; v++) {
            yaml.append("  - {name: vm").append(v).append(", host: h").append(v % 10)
                    .append(", vcpus: 2, memory: 4GiB, os: linux-server}\n");
        }
        Files.writeString(work.resolve("lab-1000.yaml"), yaml);
        Output quiet = new Output(new PrintWriter(Writer.nullWriter()), new PrintWriter(Writer.nullWriter()),
                Style.PLAIN, () -> 120, false);
        try (ShellContext ctx = new ShellContext(() -> Labs.open(dir, 1), quiet, BuiltInCommands.catalog(), false)) {
            Dispatcher d = new Dispatcher(ctx);
            must(d, "lab apply " + work.resolve("lab-1000.yaml"));
            List<String> hosts = new ArrayList<>();
            for (int h = 0; h < 10; h++) {
                hosts.add("h" + h);
            }
            for (String h : hosts) {
                must(d, "host power-on " + h);
            }
            must(d, "advance 30m");
            List<String> first = new ArrayList<>();
            for (int v = 0; v < 900; v++) {
                first.add("vm" + v);
            }
            must(d, "vm start " + String.join(" ", first) + " --wait");
            Lab lab = ctx.lab();
            System.out.printf(Locale.ROOT, "%nlab of %d hosts, %d VMs (%d running), lab.json %d KiB%n",
                    lab.info().hosts(), lab.info().vms(), lab.info().vmsRunning(),
                    Files.size(dir.resolve("lab.json")) / 1024);
            // {command (%d: a VM number), kind, first VM number}; changes use a fresh VM each run
            String[][] commands = {
                    {"vm info vm500", "read", "0"}, {"vm info vm500 --json", "read", "0"}, {"host info h3", "read", "0"},
                    {"time", "read", "0"}, {"lab info", "read", "0"}, {"vm list", "read, 1,000 rows", "0"},
                    {"vm start vm%d", "change + save", "900"}, {"vm destroy vm%d", "change + save", "900"},
                    {"vm start vm%d --dry-run", "dry run (fork)", "930"}};
            for (int warm = 0; warm < 3; warm++) { // a REPL is warm after a few commands
                for (String[] c : commands) {
                    d.run(List.of(c[0].formatted(960 + warm).split(" ")));
                }
                d.run(List.of(("vm destroy vm" + (960 + warm)).split(" ")));
            }
            System.out.printf(Locale.ROOT, "%-30s %-18s %10s %10s%n", "command (REPL, in-process)", "kind",
                    "median ms", "max ms");
            for (String[] c : commands) {
                List<Double> ms = new ArrayList<>();
                for (int i = 0; i < 21; i++) {
                    String cmd = c[0].formatted(Integer.parseInt(c[2]) + i);
                    long t0 = System.nanoTime();
                    boolean ok = d.run(List.of(cmd.split(" ")));
                    ms.add((System.nanoTime() - t0) / 1e6);
                    if (!ok) {
                        throw new IllegalStateException("failed: " + cmd);
                    }
                }
                System.out.printf(Locale.ROOT, "%-30s %-18s %10.1f %10.1f%n", c[0].replace("%d", "N"), c[1],
                        median(ms), ms.stream().mapToDouble(x -> x).max().orElse(0));
            }
            System.out.println("promise: a command on a lab of 1,000 VMs answers in under 50 ms");
        }
    }

    private static void must(Dispatcher d, String command) {
        if (!d.runText(command)) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(d -> d).sorted().toArray();
        return a.length == 0 ? 0 : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    @SafeVarargs
    private static <T> List<T> concat(List<T> a, T... more) {
        List<T> out = new ArrayList<>(a);
        out.addAll(Arrays.asList(more));
        return out;
    }
}
