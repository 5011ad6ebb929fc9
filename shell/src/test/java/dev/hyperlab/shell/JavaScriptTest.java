package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JavaScript through the shell ({@code js}, {@code run}): what scripts see (plain values, JS specs, the same facade
 * methods as the commands), what they cannot reach, how they fail and how they are stopped.
 */
class JavaScriptTest {
    @TempDir
    Path dir;

    private Path script(String name, String code) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, code);
        return p;
    }

    @Test
    void handlesCanBeExploredTheirMethodsListedAndDescribed() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            assertThat(shell.ok("js const k = Object.keys(lab.vm('web1')); k.includes('start') && k.includes('info')"
                    + " && k.includes('createSnapshot') && !k.includes('toString')")).isEqualTo("true\n");
            assertThat(shell.ok("js Object.keys(lab).includes('vm')")).isEqualTo("true\n");
            String printed = shell.ok("js print(lab.vm('web1'))");
            assertThat(printed).startsWith("vm web1 {").contains("  start(),").contains("  info(),");
            assertThat(shell.ok("js lab.host('esx1')")).startsWith("host esx1 {").contains("powerOn()");
            // a handle still reads as its name in a string and in JSON
            assertThat(shell.ok("js 'on ' + lab.vm('web1')")).isEqualTo("on vm web1\n");
            assertThat(shell.ok("js JSON.stringify(lab.vms())")).isEqualTo("[\"dev1\",\"fc1\",\"web1\"]\n");
            assertThat(shell.ok("js lab.vm('web1').start === lab.vm('dev1').start")).isEqualTo("true\n");
        }
    }

    /**
     * A script given to run names this machine's files only below its lab's directory, hyperlab's home and the
     * directories run --allow-path gives, and URLs only with --allow-net: it backed up any file, restored over any
     * directory and reached any S3 endpoint. Through a symbolic link below an allowed directory it gets no further.
     */
    @Test
    void aScriptNamesOnlyTheFilesItWasAllowed() throws Exception {
        Path secret = Files.writeString(Files.createDirectories(dir.resolve("secret")).resolve("creds.txt"), "token\n");
        Path allowed = Files.createDirectories(dir.resolve("allowed"));
        Files.createSymbolicLink(allowed.resolve("link"), secret.getParent());
        Path js = script("escape.js", """
                const tries = {
                  repo: () => lab.initBackups(args[0] + '/repo', ''),
                  files: () => lab.initBackups(args[0] + '/repo2', '').backupFiles([args[1]], []),
                  viaLink: () => lab.initBackups(args[0] + '/link/repo', ''),
                  net: () => lab.backups('s3:http://127.0.0.1:9/bucket/x', ''),
                  disk: () => lab.createDisk({path: args[1] + '.qcow2', size: '1GiB'}),
                  vmDisk: () => lab.createVm({name: 'x1', host: 'esx1', vcpus: 1, memory: '1GiB', disks: ['1GiB', args[1]]}),
                  labFile: () => lab.apply('vms:\\n  - name: x2\\n    host: esx1\\n    vcpus: 1\\n    memory: 1GiB\\n'
                      + '    disks: [' + args[1] + ']\\n'),
                };
                for (const [name, t] of Object.entries(tries)) {
                  try { t(); console.log(name + ' allowed'); } catch (e) { console.log(name + ' ' + e.kind + ': ' + e.message); }
                }
                """);
        try (ShellFixture shell = ShellFixture.in(dir.resolve("lab"))) {
            shell.small();
            String confined = shell.ok("run " + js + " " + allowed + " " + secret);
            assertThat(confined).contains("repo not-allowed: lab.initBackups: " + allowed + "/repo is outside the"
                    + " directories this script may use (run --allow-path DIR lets it use DIR)");
            assertThat(confined).contains("net not-allowed: lab.backups: a script may not reach s3:");
            assertThat(confined).contains("disk not-allowed: ").contains("vmDisk not-allowed: ")
                    .contains("labFile not-allowed: ").doesNotContain(" allowed\n");
            assertThat(allowed.resolve("repo")).doesNotExist();

            String widened = shell.ok("run --allow-path " + allowed + " " + js + " " + allowed + " " + secret);
            assertThat(widened).contains("repo allowed").contains("viaLink not-allowed: ")
                    .contains("files not-allowed: backups.backupFiles: " + secret + " is outside");
            assertThat(allowed.resolve("repo")).isDirectory();
            assertThat(secret.getParent().resolve("repo")).doesNotExist();
            // a dangling link given as an allowed directory is taken as written, not an internal error
            Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
            assertThat(shell.ok("run --allow-path " + dir.resolve("dangling") + " " + js + " " + allowed + " " + secret))
                    .contains("repo not-allowed: ");
            // a js line is the user's own, as a command is
            assertThat(shell.ok("js lab.initBackups('" + dir.resolve("mine") + "', '') !== null")).isEqualTo("true\n");
        }
    }

    @Test
    void resultsArePlainJavaScriptValuesShapedLikeTheCommandsJson() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            assertThat(shell.ok("js Array.isArray(lab.vms()) && lab.vms().length === 3")).isEqualTo("true\n");
            assertThat(shell.ok("js Object.getPrototypeOf(lab.vm('web1').info()) === Object.prototype"))
                    .isEqualTo("true\n");
            assertThat(shell.ok("js const a = lab.vms(); a.push('x'); a.length")).isEqualTo("4\n");
            assertThat(shell.ok("js lab.vms().map(v => v.name()).join(',')")).isEqualTo("dev1,fc1,web1\n");
            // JSON.stringify of what a script reads is the command's --json, field for field
            JsonNode fromScript = new ShellFixture.Result(true, shell.ok("js JSON.stringify(lab.vm('web1').info())"),
                    "").json();
            assertSameJson(fromScript, shell.run("vm info web1 --json").json());
            JsonNode host = new ShellFixture.Result(true, shell.ok("js JSON.stringify(lab.host('esx1').memory())"),
                    "").json();
            assertSameJson(host, shell.run("mem host esx1 --json").json());
            // durations are lab-time seconds, enums their ids, an absent end null
            assertThat(shell.ok("js const p = lab.timeline(['esx1'])[0]; [typeof p.start, p.boundBy.length > 0]"))
                    .contains("\"number\"", "true");
            assertThat(shell.ok("js lab.vm('web1').state()")).isEqualTo("defined\n");
        }
    }

    @Test
    void scriptsWaitForSnapshotsRevertsAndSuspendsUnlessToldNotTo() {
        try (ShellFixture shell = ShellFixture.in(dir.resolve("lab")).small()) {
            shell.ok("vm start web1 --wait");
            // virsh's snapshot-create-as and snapshot-revert return when done, and so do these in a script
            assertThat(shell.ok("js const vm = lab.vm('web1'); vm.createSnapshot('s1'); vm.state()"))
                    .isEqualTo("running\n");
            assertThat(shell.ok("js lab.vm('web1').createSnapshot('s2', {description: 'two'}); "
                    + "lab.vm('web1').state()")).isEqualTo("running\n");
            assertThat(shell.ok("js lab.vm('web1').revertTo('s1'); lab.vm('web1').state()")).isEqualTo("running\n");
            assertThat(shell.ok("js lab.vm('web1').suspend(); lab.vm('web1').state()")).isEqualTo("suspended\n");
            // the others start the work and return, as from Java; a Wait says how long to wait
            assertThat(shell.ok("js lab.vm('web1').resume(); lab.vm('web1').info().operation")).isEqualTo("resume\n");
            shell.ok("js lab.advance('1m')");
            assertThat(shell.ok("js lab.vm('web1').shutdown({timeout: '1h'}); lab.vm('web1').state()"))
                    .isEqualTo("shutoff\n");
            shell.ok("vm start web1 --wait");
            assertThat(shell.ok("js lab.vm('web1').createSnapshot('s3', {noWait: true}); lab.vm('web1').state()"))
                    .isEqualTo("paused\n");
        }
    }

    /** Equal as JSON values: numbers by value (a script's 0 is the command's 0.0). */
    private static void assertSameJson(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            assertThat(a.decimalValue()).isEqualByComparingTo(b.decimalValue());
            return;
        }
        assertThat(a.getNodeType()).as(a + " vs " + b).isEqualTo(b.getNodeType());
        if (a.isContainerNode()) {
            assertThat(a.size()).as(a + " vs " + b).isEqualTo(b.size());
            for (int i = 0; a.isArray() && i < a.size(); i++) {
                assertSameJson(a.get(i), b.get(i));
            }
            a.fieldNames().forEachRemaining(f -> {
                assertThat(b.has(f)).as(b + " has " + f).isTrue();
                assertSameJson(a.get(f), b.get(f));
            });
        } else {
            assertThat(a).isEqualTo(b);
        }
    }

    @Test
    void specsAreObjectsWithSizesAndDurationsAsPeopleWriteThem() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            shell.ok("js lab.createVm({name: 'app1', host: 'esx1', vcpus: 2, memory: '3GiB', os: 'linux-server',"
                    + " bootPriority: 2})");
            JsonNode vm = shell.run("vm info app1 --json").json();
            assertThat(vm.get("memory").asLong()).isEqualTo(3L << 30);
            assertThat(vm.get("host").asText()).isEqualTo("esx1");
            // a handle where a name goes, and a number of seconds where a duration goes
            double t0 = shell.run("time --json").json().get("time").asDouble();
            shell.ok("js lab.host('esx1').setStartPolicy({maxConcurrentBoots: 2, groupDelay: 5});"
                    + " lab.startVms([lab.vm('app1'), 'web1']); lab.advance(90)");
            assertThat(shell.run("host info esx1 --json").json().at("/startPolicy/maxConcurrentBoots").asInt())
                    .isEqualTo(2);
            assertThat(shell.run("vm info app1 --json").json().get("state").asText()).isEqualTo("running");
            assertThat(shell.run("time --json").json().get("time").asDouble() - t0).isCloseTo(90.0,
                    org.assertj.core.data.Offset.offset(1e-6));
            // a spread of what the facade returned, changed by its short name, goes back in
            shell.ok("js const h = lab.host('esx1'); h.setMemoryPolicy({...h.memoryPolicy(), swap: '8GiB'})");
            assertThat(shell.ok("js lab.host('esx1').memoryPolicy().swapBytes")).isEqualTo("8589934592\n");
            // a setter changes only the fields it is given, as mem policy --swap and host policy do (the others took
            // their empty values: ballooning and page sharing went off)
            shell.ok("mem policy esx1 --auto-balloon on --page-sharing on --swap 8GiB");
            shell.ok("js lab.host('esx1').setMemoryPolicy({swap: '16GiB'}); lab.host('esx1').setStartPolicy({groupDelay: 7})");
            assertThat(shell.ok("js JSON.stringify(lab.host('esx1').memoryPolicy())"))
                    .isEqualTo("{\"autoBalloon\":true,\"swapBytes\":17179869184,\"pageSharing\":true}\n");
            assertThat(shell.ok("js lab.host('esx1').startPolicy().maxConcurrentBoots")).isEqualTo("2\n");
        }
    }

    @Test
    void badArgumentsAreOneLineErrorsAndChangeNothing() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            String before = shell.ok("vm list --json");
            ShellFixture.Result r = shell.run("js lab.createVm({name: 'x1', host: 'esx1', vcpus: 2, memry: '4GiB'})");
            assertThat(r.ok()).isFalse();
            assertThat(r.err().strip()).startsWith("error: js:1:1: lab.createVm has an unknown field 'memry'")
                    .doesNotContain("\tat ").hasLineCount(1);
            r = shell.run("js lab.createVm({name: 'x1', host: 'esx1', memory: '4GiB'})");
            assertThat(r.err()).contains("lab.createVm has no 'vcpus' (a VmSpec needs name, host, vcpus, memory)");
            r = shell.run("js lab.createVm({name: 'x1', host: 'esx1', vcpus: 2, memory: 'lots'})");
            assertThat(r.err()).contains("'lots' is not a size");
            r = shell.run("js lab.advance('soon')");
            assertThat(r.err()).contains("'soon' is not a duration");
            // no Java in the messages: a null argument was a NullPointerException inside the lab, a string given to
            // exit() a TruffleString
            assertThat(shell.run("js lab.advance(null)").err().strip())
                    .isEqualTo("error: js:1:1: lab.advance needs a value, not null");
            assertThat(shell.run("js exit('x')").err().strip())
                    .isEqualTo("error: js:1:1: exit('x'): the status must be a whole number from 0 to 255 (e.g. exit(1))");
            r = shell.run("js lab.vm('web1').waitFor('running')");
            assertThat(r.err()).contains("vm.waitFor takes 2 argument(s), not 1");
            r = shell.run("js lab.vm('web1').reboot(1, 2)");
            assertThat(r.err()).contains("vm.reboot takes 0 or 1 argument(s), not 2");
            r = shell.run("js lab.vm('web1').reboot(1)");
            assertThat(r.err()).contains("vm.reboot must be an object, not a number (1) (with noWait, timeout)");
            assertThat(shell.ok("vm list --json")).isEqualTo(before);
        }
    }

    @Test
    void aRefusalOfTheFacadeReadsAsTheCommandsAndIsALabErrorScriptsCanCatch() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            String command = shell.run("vm info nope").err().strip();
            String script = shell.run("js lab.vm('nope')").err().strip();
            assertThat(script).isEqualTo(command.replace("error: ", "error: js:1:1: "));
            assertThat(shell.ok("js try { lab.vm('nope') } catch (e) { [e instanceof LabError, e.kind, e.hint] }"))
                    .contains("true", "not-found", "vm list shows the VMs");
        }
    }

    @Test
    void scriptsReachTheLabAndNothingElse() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            assertThat(shell.ok("js [typeof Java, typeof Packages, typeof Polyglot, typeof load, typeof require,"
                    + " typeof process, typeof Graal, typeof quit].join()"))
                    .isEqualTo("undefined,undefined,undefined,undefined,undefined,undefined,undefined,undefined\n");
            // nothing Java shows through a handle, a result or an error
            assertThat(shell.ok("js const v = lab.vm('web1'); [typeof v.getClass, typeof v.hashCode,"
                    + " typeof lab.vm('web1').info().getClass, typeof v.notify].join()"))
                    .isEqualTo("undefined,undefined,undefined,undefined\n");
            assertThat(shell.ok("js try { lab.vm('x') } catch (e) { typeof e.getClass + ' ' + typeof e.printStackTrace }"))
                    .isEqualTo("undefined undefined\n");
            // the hidden handle gives the facade and no more: no method of the Java object behind it
            assertThat(shell.run("js const h = Object.getOwnPropertySymbols(lab.vm('web1')).map(s => lab.vm('web1')[s])[0];"
                    + " h.getClass()").err()).contains("TypeError");
            assertThat(shell.run("js lab.vm('web1').toString.constructor('return this')().Java").ok()).isTrue();
            assertThat(shell.ok("js typeof lab.vm('web1').toString.constructor('return this')().Java"))
                    .isEqualTo("undefined\n");
            assertThat(shell.run("js lab.onProgress(() => 1)").err()).contains("onProgress is not a function");
            assertThat(shell.run("js lab.close()").err())
                    .contains("the script's lab belongs to the shell (close only labs from lab.fork())");
            assertThat(shell.run("js new Worker('x')").err()).contains("ReferenceError");
            // a promise that rejects: unhandled, it is the line's error
            assertThat(shell.run("js import('fs')").err()).startsWith("error: js:");
            assertThat(shell.ok("js let why = ''; import('/etc/passwd').catch(e => why = String(e)); 1")).isEqualTo("1\n");
        }
    }

    @Test
    void theLanguageIsDeterministicMathRandomIsSeededFromTheLabAndTheClockIsTheLabs() throws Exception {
        Path s = script("r.js", "print([Math.random(), Math.random()].join(' '))");
        String a;
        String b;
        String other;
        try (ShellFixture shell = new ShellFixture(() -> Labs.inMemory(7))) {
            a = shell.ok("run " + s);
            b = shell.ok("run " + s);
        }
        try (ShellFixture shell = new ShellFixture(() -> Labs.inMemory(8))) {
            other = shell.ok("run " + s);
        }
        assertThat(a).isEqualTo(b).isNotEqualTo(other);
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("advance 90s");
            assertThat(shell.ok("js [Date.now(), new Date().toISOString(), typeof Date()]"))
                    .contains("90000", "1970-01-01T00:01:30.000Z", "\"string\"");
            assertThat(shell.ok("js new Date(2020, 0, 1).getFullYear()")).isEqualTo("2020\n");
            assertThat(shell.ok("js console.time('t'); lab.advance('2s'); console.timeEnd('t')"))
                    .isEqualTo("t: 2000ms (lab time)\n");
        }
    }

    @Test
    void runGivesArgumentsAndEndsWithTheScriptsStatus() throws Exception {
        Path s = script("args.js", """
                // prints its arguments, then exits with the second
                print(JSON.stringify(args));
                exit(Number(args[1]));
                print("not reached");
                """);
        try (ShellFixture shell = ShellFixture.inMemory()) {
            ShellFixture.Result r = shell.run("run " + s + " --hosts 3");
            assertThat(r.out()).isEqualTo("[\"--hosts\",\"3\"]\n");
            assertThat(r.ok()).isFalse();
            assertThat(r.err()).doesNotContain("error:");
            assertThat(shell.ctx.status()).isEqualTo(3);
            assertThat(shell.run("run " + s + " x 0").ok()).isTrue();
            assertThat(shell.ctx.status()).isZero();
            // exit() cannot be caught
            Path t = script("catch.js", "try { exit(4) } catch (e) { print('caught') } print('after')");
            r = shell.run("run " + t);
            assertThat(r.out()).isEmpty();
            assertThat(shell.ctx.status()).isEqualTo(4);
        }
    }

    @Test
    void errorsShowScriptLineAndColumnAndNeverAJavaStackTrace() throws Exception {
        Path s = script("bad.js", "const a = 1;\nconst b = a +;\n");
        try (ShellFixture shell = ShellFixture.inMemory()) {
            ShellFixture.Result r = shell.run("run " + s);
            assertThat(r.err().strip()).isEqualTo("error: " + s + ":2:14: SyntaxError: Expected an operand but found ;");
            assertThat(shell.ctx.status()).isEqualTo(1);
            Path t = script("throw.js", "function f() {\n  lab.vm('ghost');\n}\nf();\n");
            r = shell.run("run " + t);
            // inside a function: the script's stack below the error line, innermost first, as node prints it
            assertThat(r.err().strip()).isEqualTo("error: " + t + ":2:3: no VM named 'ghost' (vm list shows the VMs)\n"
                    + "    at f (" + t + ":2:3)\n"
                    + "    at " + t + ":4:1");
            Path u = script("type.js", "let x = null;\nx.y = 1;\n");
            r = shell.run("run " + u);
            assertThat(r.err().strip()).startsWith("error: " + u + ":2:1: TypeError:").doesNotContain("\tat ");
            r = shell.run("run " + dir.resolve("missing.js"));
            assertThat(r.err().strip()).isEqualTo("error: no script " + dir.resolve("missing.js")
                    + " (check the path; scripts/ has examples)");
            // an unhandled rejection is an uncaught error, as in node (it was dropped, and the run ended with 0)
            Path p = script("reject.js", "Promise.reject(new Error('async boom'));\n");
            r = shell.run("run " + p);
            assertThat(r.ok()).isFalse();
            assertThat(r.err().strip()).isEqualTo("error: " + p + ":1:16: Error: async boom");
        }
    }

    @Test
    void theStatementAndCpuLimitsStopARunawayScript() throws Exception {
        Path loop = script("loop.js", "let i = 0;\nwhile (true) { i++; }\n");
        try (ShellFixture shell = ShellFixture.inMemory()) {
            ShellFixture.Result r = shell.run("run --statement-limit 10000 " + loop);
            assertThat(r.err().strip()).isEqualTo("error: " + loop
                    + ":2:16: statement limit of 10000 reached (--statement-limit raises it)");
            long t0 = System.nanoTime();
            r = shell.run("run --statement-limit 0 --cpu-limit 1s " + loop);
            assertThat(r.err()).contains(loop + ":2:").contains("CPU time limit of 1s reached (--cpu-limit raises it)");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            assertThat(shell.run("run --cpu-limit soon " + loop).err()).contains("'soon' is not a duration");
            // the simulation a script asks for counts too, whichever threads it runs on
            shell.small();
            Path sim = script("sim.js", "lab.vm('web1').start(); lab.vm('web1').set({workload: 'database'});\n"
                    + "lab.advance('100000d');\n");
            t0 = System.nanoTime();
            r = shell.run("run --cpu-limit 1s " + sim);
            assertThat(r.err()).contains("CPU time limit of 1s reached (--cpu-limit raises it)");
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(60));
            // the js session survives its limit: a new one starts
            assertThat(shell.ok("js 1 + 1")).isEqualTo("2\n");
        }
    }

    @Test
    void aScriptThatKeepsMemoryWithoutBoundIsStoppedAtItsLimitWithOneLineAndNoJavaError() throws Exception {
        // 200 typed arrays of 8 MiB: before the limit, 5.95 GB of resident memory, then "statement limit reached"
        Path hog = script("hog.js", "const kept = [];\nfor (let i = 0; i < 200; i++) { kept.push(new Float64Array(1 << 20)); }\n");
        String lab = dir.resolve("lab").toString();
        ShellProcess.Run r = ShellProcess.run(dir, null, "--lab", lab, "-c", "run --memory-limit 256MiB " + hog);
        assertThat(r.status()).isEqualTo(1);
        assertThat(errorLine(r)).startsWith("error: " + hog + ":2:")
                .contains("memory limit of 256 MiB reached (--memory-limit raises it)")
                .doesNotContain("statement limit");
        assertThat(r.err()).doesNotContain("OutOfMemoryError").doesNotContain("\tat ");
        // with no limit of its own, the heap's ceiling stops it, in a small heap, still as one line
        r = ShellProcess.runJvm(dir, java.util.List.of("-Xmx512m"), java.util.Map.of(), null, "--lab", lab, "-c",
                "run --memory-limit 0 " + hog);
        assertThat(r.status()).isEqualTo(1);
        assertThat(errorLine(r)).startsWith("error: " + hog + ":2:").contains("memory limit reached")
                .doesNotContain("\n").doesNotContain("OutOfMemoryError");
        assertThat(errorLine(ShellProcess.run(dir, null, "--lab", lab, "-c", "run --memory-limit -1GiB " + hog)))
                .startsWith("error: ");
    }

    /** The error of a run, past the note on which JavaScript runtime runs (the test JVM has no Graal JIT flags). */
    private static String errorLine(ShellProcess.Run r) {
        java.util.List<String> lines = r.err().strip().lines().filter(l -> !l.startsWith("note: JavaScript runs on")).toList();
        assertThat(lines).hasSize(1);
        return lines.getFirst();
    }

    @Test
    void ctrlCStopsAScriptLoopingInJavaScript() throws Exception {
        Path loop = script("loop.js", "while (true) {}\n");
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            CompletableFuture<ShellFixture.Result> run = CompletableFuture.supplyAsync(() -> shell.run("run " + loop));
            Thread.sleep(1500);
            shell.ctx.requestCancel();
            ShellFixture.Result r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.ok()).isFalse();
            assertThat(r.err().strip()).endsWith(loop + ":1:1: cancelled (Ctrl-C)");
            assertThat(shell.ok("js 6 * 7")).isEqualTo("42\n"); // the session goes on
        }
    }

    @Test
    void ctrlCStopsAScriptInALongSimulationWhereTheLabIsConsistent() throws Exception {
        Path sim = script("sim.js", "print('start');\nlab.advance('1000d');\nprint('not reached');\n");
        SlowLab slow = new SlowLab(Labs.inMemory(1));
        try (ShellFixture shell = new ShellFixture(slow::lab)) {
            CompletableFuture<ShellFixture.Result> run = CompletableFuture.supplyAsync(() -> shell.run("run " + sim));
            Thread.sleep(1500);
            shell.ctx.requestCancel();
            ShellFixture.Result r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.out()).isEqualTo("start\n");
            assertThat(r.err().strip()).endsWith(sim + ":2:1: cancelled (Ctrl-C)");
            assertThat(slow.cancelled).as("the simulation itself was cancelled, at a safe point").isTrue();
        }
    }

    @Test
    void aDryRunOfAScriptLeavesItsOutputOneJsonDocument() throws Exception {
        Path s = script("made.js", """
                lab.vm('web1').start();
                print(JSON.stringify({ started: 'web1', json: args.includes('--json') }));
                """);
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            ShellFixture.Result r = shell.run("run --dry-run " + s + " --json");
            assertThat(r.ok()).isTrue();
            // stdout is the script's: the prediction that used to follow its JSON goes to stderr
            assertThat(new ShellFixture.Result(true, r.out(), "").json().get("started").asText()).isEqualTo("web1");
            assertThat(r.out()).isEqualTo("{\"started\":\"web1\",\"json\":true}\n");
            assertThat(r.err()).contains("dry run: nothing was changed").contains("web1");
            assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("defined");
        }
    }

    @Test
    void jsLinesShareOneContextAndDryRunChangesNothing() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            shell.ok("js let count = lab.vms().length");
            assertThat(shell.ok("js count * 2")).isEqualTo("6\n");
            String out = shell.ok("js --dry-run lab.vm('web1').start()");
            assertThat(out).contains("web1");
            assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("defined");
            assertThat(shell.ok("js lab.vm('web1').state()")).isEqualTo("defined\n");
            // forks a script makes are its own, closed when it ends; the lab is untouched
            assertThat(shell.ok("js const f = lab.fork(); f.vm('web1').start(); f.advance('1m');"
                    + " [f.vm('web1').state(), lab.vm('web1').state()].join()")).isEqualTo("running,defined\n");
        }
    }

    @Test
    void aCommandFileTakesMultiLineJavaScriptBlocks() throws Exception {
        Path file = script("cmds.hl", """
                host create h1 --cores 8 --ram 32GiB
                js for (const name of ['a', 'b']) {
                  lab.createVm({name, host: 'h1', vcpus: 1, memory: '1GiB', os: 'microvm'});
                }
                vm list --json
                """);
        ShellProcess.Run r = ShellProcess.run(dir, null, "--lab", dir.resolve("lab").toString(), file.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("\"name\" : \"a\"", "\"name\" : \"b\"");
    }

    @Test
    void labInfoSaysWhichRuntimeRunsScriptsAndTheLaunchersFlagsGiveTheGraalJit() throws Exception {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("js 1");
            // this JVM has no JVMCI: GraalJS interprets, and says so (once per JVM: maybe to an earlier test)
            assertThat(shell.ok("lab info")).containsPattern("javascript +GraalJS 25\\.0\\.\\d+, interpreter \\(");
            assertThat(shell.run("js 2").err()).isEmpty();
        }
        Path file = script("jit.hl", "lab info --json\njs 1\nlab info --json\n");
        ShellFixture.Result r = withJit(java.util.List.of(), "--lab", dir.resolve("lab").toString(), file.toString());
        String out = r.out();
        assertThat(r.err()).doesNotContain("interpreter");
        java.util.List<String> docs = java.util.Arrays.stream(out.split("(?m)^(?=\\{)")).toList();
        assertThat(docs).hasSize(2);
        JsonNode before = new ShellFixture.Result(true, docs.get(0).substring(0, docs.get(0).lastIndexOf('}') + 1),
                "").json();
        assertThat(docs.get(0)).endsWith("}\n1\n");
        JsonNode after = new ShellFixture.Result(true, docs.get(1), "").json();
        assertThat(before.get("javascript").asText()).startsWith("not loaded yet").contains("Graal JIT on");
        assertThat(after.get("javascript").asText()).matches("GraalJS 25\\.0\\.\\d+, Graal JIT \\(.*optimizing runtime\\)");
    }

    @Test
    void aShortScriptQueuesNoCompileTheColdGraalCompilerCouldNotFinish() throws Exception {
        // issue 15: Truffle's default thresholds queued compiles after a few dozen calls of the prelude, which the
        // Graal compiler, cold in every new JVM, never finished before a short script ended; only cost
        Path file = script("short.js", """
                const w = lab.fork();
                for (let h = 0; h < 3; h++) {
                    w.createHost({ name: 'h' + h, cores: 16, ram: '128GiB', disks: ['ssd:2TiB'] });
                    w.host('h' + h).install('type1');
                    w.host('h' + h).powerOn();
                    w.host('h' + h).waitFor('running', '1h');
                }
                const names = [];
                for (let i = 0; i < 12; i++) {
                    w.createVm({ name: 'v' + i, host: 'h' + (i % 3), vcpus: 2, memory: '4GiB', os: 'linux-server' });
                    names.push('v' + i);
                }
                w.startVms(names);
                w.advance('1h');
                print(w.vms().filter((v) => v.state() === 'running').length + ' running');
                """);
        ShellFixture.Result r = withJit(TRACE_COMPILES,
                "--lab", dir.resolve("lab").toString(), "run", file.toString());
        assertThat(r.out()).isEqualTo("12 running\n");
        assertThat(r.err()).doesNotContain("opt queued");
        // the trace itself works here: a hot function is still compiled
        Path hot = script("hot.js", "function f(n) { return n < 2 ? n : f(n - 1) + f(n - 2); }\nprint(f(25));\n");
        ShellFixture.Result h = withJit(TRACE_COMPILES,
                "--lab", dir.resolve("lab").toString(), "run", hot.toString());
        assertThat(h.out()).isEqualTo("75025\n");
        assertThat(h.err()).contains("opt queued").contains(" f ");
    }

    @Test
    void theInterpreterByDefaultSaysNothingButAMissingJitAskedForIsNoted() throws Exception {
        // issue 15: scripts interpret by default (the cold Graal compiler cost more than it gave back), so a run
        // prints only the script's own output; a JIT asked for (HYPERLAB_JS_JIT=on) that could not come up is noted
        Path file = script("one.js", "print(6 * 7);\n");
        ShellFixture.Result quiet = inJvm(java.util.List.of(), "--lab", dir.resolve("lab").toString(), "run",
                file.toString());
        assertThat(quiet.out()).isEqualTo("42\n");
        assertThat(quiet.err()).isEmpty();
        ShellFixture.Result off = inJvm(java.util.List.of("-Dhyperlab.js.jit=off"), "--lab",
                dir.resolve("lab").toString(), "run", file.toString());
        assertThat(off.err()).isEmpty();
        ShellFixture.Result missed = inJvm(java.util.List.of("-Dhyperlab.js.jit=on"), "--lab",
                dir.resolve("lab").toString(), "run", file.toString());
        assertThat(missed.out()).isEqualTo("42\n");
        assertThat(missed.err()).contains("note: JavaScript runs on the GraalJS interpreter (the Graal compiler is not"
                + " in this JVM's boot layer)");
    }

    /** Truffle's trace of each compile queued and started (an experimental option, allowed here for the trace). */
    private static final java.util.List<String> TRACE_COMPILES = java.util.List.of(
            "-Dpolyglot.engine.AllowExperimentalOptions=true", "-Dpolyglot.engine.TraceCompilationDetails=true");

    /** The shell in a JVM started as the launcher starts `hyperlab run`: JVMCI on, the Graal compiler upgraded. */
    private ShellFixture.Result withJit(java.util.List<String> jvmOptions, String... args) throws Exception {
        StringBuilder modules = new StringBuilder();
        try (var jars = Files.list(Path.of("target", "jit"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).forEach(j -> modules.append(j.toAbsolutePath())
                    .append(java.io.File.pathSeparator));
        }
        java.util.List<String> options = new java.util.ArrayList<>(java.util.List.of("-XX:TieredStopAtLevel=4",
                "-XX:+UnlockExperimentalVMOptions", "-XX:+EnableJVMCI", "--upgrade-module-path=" + modules,
                "-Dhyperlab.js.jit=on"));
        options.addAll(jvmOptions);
        return inJvm(options, args);
    }

    /** The shell in a JVM of its own with {@code options}; it must exit with status 0. */
    private ShellFixture.Result inJvm(java.util.List<String> options, String... args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ShellProcess.command(options, args));
        ShellProcess.environment(pb.environment(), dir);
        Process p = pb.start();
        var stderr = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        String err = stderr.get();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        return new ShellFixture.Result(true, out, err);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void whatTheFacadeGainsScriptsCanCallSnapshotsAndDisksWithNoScriptCode() {
        try (ShellFixture shell = ShellFixture.in(dir.resolve("lab")).small()) {
            shell.ok("js lab.vm('web1').createSnapshot('before', {description: 'from a script'})");
            JsonNode list = shell.run("snapshot list web1 --json").json();
            assertThat(list.toString()).contains("\"before\"", "from a script");
            assertThat(shell.ok("js lab.vm('web1').snapshots().map(s => s.name).join()")).isEqualTo("before\n");
            assertThat(shell.ok("js lab.disks().length > 0 && lab.disks().every(d => typeof d.info().format"
                    + " === 'string')")).isEqualTo("true\n");
            assertThat(shell.run("js lab.vm('web1').snapshot('nope')").err())
                    .isEqualTo(shell.run("snapshot revert web1 nope").err().replace("error: ", "error: js:1:1: "));
        }
    }
}
