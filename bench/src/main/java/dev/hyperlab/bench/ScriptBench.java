package dev.hyperlab.bench;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.BuiltInCommands;
import dev.hyperlab.shell.command.Dispatcher;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Output;
import dev.hyperlab.shell.render.Style;
import dev.hyperlab.shell.script.ScriptingStatus;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Issue 9's speed promises (docs/performance.md, "Issue 9: automation"):
 * <ol>
 *   <li>fib(30) in a script, once warm, within 4x of node's time on the same machine: {@code js fib(30)} through the
 *       shell's dispatcher, timed one evaluation at a time, beside the same function timed in node;</li>
 *   <li>a script that creates and boots 10,000 VMs costs at most 1.5x the same work done through the facade in Java:
 *       {@code run boot10k.js} beside the same calls in Java, each on a fresh in-memory lab, rounds interleaved.</li>
 * </ol>
 * Run it as {@code bench/script-bench.sh}, which starts the JVM as {@code hyperlab run} does (JVMCI and the Graal
 * compiler on the upgrade module path), so scripts are compiled by the Graal JIT; it says so, or that they
 * interpret.
 */
public final class ScriptBench {
    static final int HOSTS = 100;
    static final int VMS = 10_000;

    private ScriptBench() {}

    public static void main(String[] args) throws Exception {
        int fibRuns = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        fib(fibRuns);
        if (rounds > 0) {
            tenThousandVms(rounds);
        }
    }

    /** A shell session on an in-memory lab whose output is kept. */
    private record Session(ShellContext ctx, Dispatcher dispatcher, StringWriter out, StringWriter err) {
        static Session open(long seed) {
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            Output o = new Output(new PrintWriter(out), new PrintWriter(err), Style.PLAIN, () -> 120, false);
            ShellContext ctx = new ShellContext(() -> Labs.inMemory(seed), o, BuiltInCommands.catalog(), false);
            return new Session(ctx, new Dispatcher(ctx), out, err);
        }

        String must(String command) {
            out.getBuffer().setLength(0);
            if (!dispatcher.runText(command)) {
                throw new IllegalStateException(command + ": " + err);
            }
            return out.toString();
        }
    }

    /**
     * fib(30), {@code runs} evaluations to warm up, then batches of hyperlab and node in turn (the machine is shared:
     * interleaving gives both the same conditions); the figure of each is the median of its batches' medians.
     */
    static void fib(int runs) throws Exception {
        Session s = Session.open(1);
        s.must("js function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }");
        double[] first = timeFib(s, runs);
        System.out.println("javascript: " + ScriptingStatus.javascript());
        System.out.printf(Locale.ROOT, "fib(30) in hyperlab js, %d warm-up runs: first %.1f ms, last %.2f ms%n", runs,
                first[0], first[runs - 1]);
        int batches = 5;
        double[] ours = new double[batches];
        double[] theirs = new double[batches];
        String version = null;
        for (int b = 0; b < batches; b++) {
            ours[b] = median(timeFib(s, 20));
            double[] nodeMs = node(20 + 10); // node warms up within its first ten
            if (nodeMs == null) {
                System.out.println("node: not available; install nodejs (apt-get install nodejs) to compare");
                return;
            }
            theirs[b] = median(Arrays.copyOfRange(nodeMs, 10, nodeMs.length));
            System.out.printf(Locale.ROOT, "batch %d: hyperlab %.2f ms, node %.2f ms%n", b + 1, ours[b], theirs[b]);
        }
        s.ctx().close();
        version = new String(new ProcessBuilder("node", "--version").start().getInputStream().readAllBytes(),
                StandardCharsets.UTF_8).strip();
        double a = median(ours);
        double n = median(theirs);
        System.out.printf(Locale.ROOT, "RESULT fib(30) warm: hyperlab %.2f ms, node %s %.2f ms, ratio %.2fx"
                + " (target <= 4x)%n", a, version, n, a / n);
    }

    private static double[] timeFib(Session s, int runs) {
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            String v = s.must("js fib(30)");
            ms[i] = (System.nanoTime() - t0) / 1e6;
            if (!v.strip().equals("832040")) {
                throw new IllegalStateException("fib(30) = " + v);
            }
        }
        return ms;
    }

    /** fib(30) timed {@code runs} times in one node process, or null without node. */
    private static double[] node(int runs) throws Exception {
        String code = """
                function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
                const ms = [];
                for (let i = 0; i < %d; i++) {
                  const t0 = process.hrtime.bigint();
                  if (fib(30) !== 832040) throw new Error('fib');
                  ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
                }
                console.log(ms.join(' '));
                """.formatted(runs);
        Process p;
        try {
            p = new ProcessBuilder("node", "-e", code).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return null;
        }
        String line;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            line = r.readLine();
        }
        if (p.waitFor() != 0 || line == null) {
            return null;
        }
        return Arrays.stream(line.strip().split(" ")).mapToDouble(Double::parseDouble).toArray();
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }

    static final String SCRIPT = """
            // boot10k.js: HOSTS hosts, VMS microVMs spread over them, all started, each waited for
            const hosts = Number(args[0]);
            const vms = Number(args[1]);
            for (let h = 0; h < hosts; h++) {
              lab.createHost({name: 'h' + h, cores: 64, ram: '1TiB'});
              lab.host('h' + h).install('type1');
              lab.host('h' + h).powerOn();
            }
            for (let h = 0; h < hosts; h++) {
              lab.host('h' + h).waitFor('running', '1h');
            }
            const names = [];
            for (let i = 0; i < vms; i++) {
              const name = 'v' + i;
              lab.createVm({name, host: 'h' + (i % hosts), vcpus: 1, memory: '1GiB', os: 'microvm'});
              names.push(name);
            }
            lab.startVms(names);
            for (const name of names) {
              lab.vm(name).waitFor('running', '1h');
            }
            print(lab.vms().filter((v) => v.state() === 'running').length + ' ' + lab.now());
            """;

    /** The script's work in Java, call for call. */
    static String java(Lab lab, int hosts, int vms) {
        for (int h = 0; h < hosts; h++) {
            lab.createHost(HostSpec.of("h" + h, 64, Sizes.parse("1TiB")));
            lab.host("h" + h).install(HypervisorType.TYPE1);
            lab.host("h" + h).powerOn();
        }
        for (int h = 0; h < hosts; h++) {
            lab.host("h" + h).waitFor(HostState.RUNNING, Duration.ofHours(1));
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < vms; i++) {
            String name = "v" + i;
            lab.createVm(VmSpec.of(name, "h" + (i % hosts), 1, Sizes.parse("1GiB")).withOs("microvm"));
            names.add(name);
        }
        lab.startVms(names);
        for (String name : names) {
            lab.vm(name).waitFor(VmState.RUNNING, Duration.ofHours(1));
        }
        Duration now = lab.now();
        return lab.vms().stream().filter(v -> v.state() == VmState.RUNNING).count() + " "
                + (now.getSeconds() + now.getNano() / 1e9);
    }

    static void tenThousandVms(int rounds) throws Exception {
        Path script = Files.createTempFile("boot10k", ".js");
        Files.writeString(script, SCRIPT);
        double[] js = new double[rounds];
        double[] java = new double[rounds];
        String jsResult = null;
        String javaResult = null;
        for (int r = 0; r < rounds; r++) {
            Session s = Session.open(2026);
            long t0 = System.nanoTime();
            jsResult = s.must("run " + script + " " + HOSTS + " " + VMS).strip();
            js[r] = (System.nanoTime() - t0) / 1e9;
            s.ctx().close();
            Lab lab = Labs.inMemory(2026);
            try {
                t0 = System.nanoTime();
                javaResult = java(lab, HOSTS, VMS);
                java[r] = (System.nanoTime() - t0) / 1e9;
            } finally {
                lab.close();
            }
            System.out.printf(Locale.ROOT, "round %d: script %.3f s, java %.3f s%n", r + 1, js[r], java[r]);
        }
        Files.deleteIfExists(script);
        if (!jsResult.equals(javaResult)) {
            throw new IllegalStateException("the script and the Java code disagree: " + jsResult + " vs " + javaResult);
        }
        int skip = rounds / 2; // the script's first rounds are compiled while they run
        double a = median(Arrays.copyOfRange(js, skip, rounds));
        double b = median(Arrays.copyOfRange(java, skip, rounds));
        System.out.printf(Locale.ROOT, "RESULT %d VMs on %d hosts created, started and waited for (%s running at"
                + " lab time): script %.3f s, java %.3f s (medians of the second half of the rounds), ratio %.2fx"
                + " (target <= 1.5x)%n", VMS, HOSTS, jsResult, a, b, a / b);
    }
}
