package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.shell.repl.ShellCompleter;
import dev.hyperlab.shell.repl.ShellParser;
import dev.hyperlab.shell.snippet.JavaSession;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.api.Test;

/** Java snippets ({@code java}): JShell in this JVM on the session's live lab, its completion, its Ctrl-C. */
class JavaSnippetTest {

    @Test
    void aSnippetSeesAndChangesTheLiveLabTheCommandsUse() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            assertThat(shell.ok("lab info")).contains("JShell not loaded yet");
            assertThat(shell.ok("java lab.vms().size()")).isEqualTo("$1 ==> 3\n");
            shell.ok("java var web = lab.vm(\"web1\");");
            shell.ok("java web.start()");
            assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("starting");
            shell.ok("vm start fc1");
            assertThat(shell.ok("java lab.vm(\"fc1\").state()")).endsWith("==> STARTING\n");
            shell.ok("advance 2m");
            assertThat(shell.ok("java web.state()")).endsWith("==> RUNNING\n");
            // snippets build on each other, as in jshell; System.out reaches the shell's output
            shell.ok("java int twice(int n) { return 2 * n; }");
            assertThat(shell.ok("java System.out.println(twice(lab.vms().size()))")).isEqualTo("6\n");
            assertThat(shell.ok("lab info")).contains("JShell 25 in this JVM (local execution)");
        }
    }

    @Test
    void errorsAreOneLineAndARefusedChangeChangesNothing() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            ShellFixture.Result r = shell.run("java int x = ;");
            assertThat(r.err().strip()).isEqualTo("error: java:1:9: illegal start of expression");
            r = shell.run("java lab.vm(\"ghost\")");
            assertThat(r.err().strip()).isEqualTo(shell.run("vm info ghost").err().strip());
            r = shell.run("java undefinedThing()");
            assertThat(r.err().strip()).isEqualTo("error: java:1:1: cannot find symbol (symbol: method undefinedThing())");
            r = shell.run("java Integer.parseInt(\"x\")");
            assertThat(r.err().strip()).isEqualTo("error: NumberFormatException: For input string: \"x\"");
            r = shell.run("java lab.createVm(VmSpec.of(\"big\", \"esx1\", 2, Sizes.parse(\"4GiB\")).withOs(\"nope\"))");
            assertThat(r.ok()).isFalse();
            assertThat(shell.ok("vm list")).doesNotContain("big");
            assertThat(shell.run("java while (true) {").err()).contains("incomplete snippet");
        }
    }

    @Test
    void aSnippetThatRunsTheHeapOutEndsInOneLineNotTheJvmsError(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        ShellProcess.Run r = ShellProcess.runJvm(dir, java.util.List.of("-Xmx256m"), java.util.Map.of(), null, "--lab",
                dir.resolve("lab").toString(), "-c", "java var kept = new java.util.ArrayList<long[]>();"
                        + " while (true) kept.add(new long[1 << 20]);");
        assertThat(r.err().strip()).startsWith("error: java: memory limit reached: the shell's heap of")
                .doesNotContain("\n").doesNotContain("OutOfMemoryError");
        assertThat(r.status()).isEqualTo(1);
    }

    @Test
    void dryRunPointsLabAtAThrowAwayCopy() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            String out = shell.ok("java --dry-run lab.vm(\"web1\").start()");
            assertThat(out).contains("web1");
            assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("defined");
        }
    }

    @Test
    void ctrlCStopsASnippetThatLoopsForever() throws Exception {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            shell.ok("java int n = 0;");
            CompletableFuture<ShellFixture.Result> run = CompletableFuture.supplyAsync(
                    () -> shell.run("java while (true) { n++; }"));
            Thread.sleep(3000);
            shell.ctx.requestCancel();
            ShellFixture.Result r = run.get(30, TimeUnit.SECONDS);
            assertThat(r.err().strip()).isEqualTo("error: java: stopped (Ctrl-C)");
            assertThat(shell.ok("java n != 0")).endsWith("==> true\n"); // it ran (and may have wrapped round)
        }
    }

    @Test
    void tabCompletesJavaMembersFromJShellsSourceAnalysis() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            JavaSession java = shell.ctx.service(JavaSession.class, () -> new JavaSession(shell.ctx));
            JavaSession.Completion c = java.complete("lab.vm", 6);
            assertThat(c.anchor()).isEqualTo(4);
            // vms has an overload (a filter), so JShell offers it open: vms(
            assertThat(c.continuations()).extracting(JavaSession.Candidate::text).contains("vm(", "vms(");
            // through the REPL's parser and completer: the word before the cursor is replaced, quotes and all
            ShellParser parser = new ShellParser(shell.ctx.catalog());
            String line = "java lab.vm(\"web1\").sta";
            ParsedLine parsed = parser.parse(line, line.length(), ParseContext.COMPLETE);
            assertThat(parsed.word()).isEqualTo(".sta");
            List<Candidate> candidates = new ShellCompleter(shell.ctx).code(parsed);
            assertThat(candidates).extracting(Candidate::value).contains(".start(", ".state()");
            // in java mode every line is code
            ShellParser mode = new ShellParser(shell.ctx.catalog(), () -> "java");
            parsed = mode.parse("Sizes.pa", 8, ParseContext.COMPLETE);
            assertThat(new ShellCompleter(shell.ctx).code(parsed)).extracting(Candidate::value)
                    .contains("Sizes.parse(");
        }
    }
}
