package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.NamedLab;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** -c, command files and piped stdin: what scripts depend on (exit status, stdout, stderr). */
class BatchModeTest {
    @TempDir
    Path home;

    @Test
    void dashCRunsCommandsInOrderAndStopsAtTheFirstErrorWithStatus1() {
        ShellProcess.Run ok = ShellProcess.run(home, null, "--lab", "lab1", "-c",
                "host create h1 --cores 4 --ram 16GiB --firmware bios; host list --json");
        assertThat(ok.status()).isZero();
        assertThat(ok.err()).isEmpty();
        assertThat(ok.out()).contains("created host h1", "\"name\" : \"h1\"").doesNotContain("\u001b[");

        ShellProcess.Run bad = ShellProcess.run(home, null, "--lab", "lab1", "-c",
                "time; vm start ghost; host create h2 --cores 4 --ram 16GiB");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).isEqualTo("error: no VM named 'ghost' (vm list shows the VMs)\n");
        assertThat(bad.out()).startsWith("lab time 0s");
        ShellProcess.Run after = ShellProcess.run(home, null, "--lab", "lab1", "-c", "host list --json");
        assertThat(after.out()).doesNotContain("h2"); // nothing after the error ran

        // a script's exit(7) ends the run with 7, as hyperlab run does, not with 1
        java.nio.file.Path script = home.resolve("ex.js");
        try {
            java.nio.file.Files.writeString(script, "exit(7)");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        ShellProcess.Run exited = ShellProcess.run(home, null, "--lab", "lab1", "-c", "run " + script + "; time");
        assertThat(exited.status()).isEqualTo(7);
        assertThat(exited.out()).doesNotContain("lab time");
    }

    /** In batch mode snapshot delete waits for its pause to end, as create and revert do (it left the VM paused). */
    @Test
    void snapshotDeleteWaitsInBatchModeAsCreateAndRevertDo() {
        ShellProcess.Run r = ShellProcess.run(home, null, "--lab", "labs1", "-c",
                "host create h1 --cores 4 --ram 16GiB --firmware bios; host install h1 --hypervisor type1;"
                        + " host power-on h1 --wait; vm create v1 --host h1 --vcpus 1 --memory 1GiB --os linux-server;"
                        + " vm start v1 --wait; snapshot create v1 s1; snapshot delete v1 s1; vm list");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("v1 +h1 +running").doesNotContainPattern("v1 +h1 +paused");
    }

    /**
     * Start-up (issue 15): a jar is opened by reading and indexing its whole directory, and the GraalJS jars hold tens
     * of thousands of entries. A command that loads nothing from them must not open them: picocli's probe for Groovy
     * and Runtime.exit's logger lookup each searched the whole class path. The JDK's own class-path debugging names
     * every jar as it is opened.
     */
    @Test
    void aReadCommandOpensNoneOfTheScriptingJars() {
        ShellProcess.Run r = ShellProcess.runJvm(home, java.util.List.of("-Dsun.misc.URLClassPath.debug=true"),
                java.util.Map.of(), null, "--lab", "lab1", "-c", "lab info");
        assertThat(r.status()).isZero();
        assertThat(r.err()).contains("Opening ") // the debugging is on: the jars the command does use are named
                .doesNotContain("groovy/lang/Closure").doesNotContain("js-language").doesNotContain("icu4j");
    }

    @Test
    void aCommandFileAndPipedStdinBehaveAlike() throws Exception {
        String script = """
                # a command file: one command a line
                host create h1 --cores 4 --ram 16GiB --firmware bios
                host install h1 \\
                    --hypervisor type1
                host power-on h1 --wait   # comments only at the start of a line
                """.replace("   # comments only at the start of a line", "");
        Files.writeString(home.resolve("setup.hl"), script);
        ShellProcess.Run file = ShellProcess.run(home, null, "--lab", "labf", "setup.hl");
        assertThat(file.status()).as(file.err()).isZero();
        assertThat(file.out()).contains("h1 running after");
        ShellProcess.Run piped = ShellProcess.run(home, script, "--lab", "labp");
        assertThat(piped.status()).as(piped.err()).isZero();
        assertThat(piped.out()).isEqualTo(file.out());

        // an error says where the failed command is: stdin:LINE, FILE:LINE (a continued command: its first line)
        ShellProcess.Run failing = ShellProcess.run(home, "time\nvm info nope\ntime\n", "--lab", "labp");
        assertThat(failing.status()).isEqualTo(1);
        assertThat(failing.err()).isEqualTo("error: stdin:2: no VM named 'nope' (vm list shows the VMs)\n");
        assertThat(failing.out().lines().count()).isEqualTo(1);
        Files.writeString(home.resolve("bad.hl"), "# setting up\ntime\n\nvm info \\\n  nope\n");
        ShellProcess.Run badFile = ShellProcess.run(home, null, "--lab", "labp", "bad.hl");
        assertThat(badFile.status()).isEqualTo(1);
        assertThat(badFile.err()).isEqualTo("error: bad.hl:4: no VM named 'nope' (vm list shows the VMs)\n");
        assertThat(ShellProcess.run(home, null, "--lab", "labp", "missing.hl").err())
                .isEqualTo("error: no command file missing.hl (hyperlab --help shows the forms)\n");
    }

    @Test
    void labDemoCreatesTheDemoOnceAndItsBootStormRuns() {
        ShellProcess.Run storm = ShellProcess.run(home, null, "--lab", "demo", "-c", "vm start --all --wait; vm list --json");
        assertThat(storm.status()).as(storm.err()).isZero();
        assertThat(storm.err()).isEqualTo("created the demo lab in " + home.resolve(".hyperlab/labs/demo") + "\n");
        String list = storm.out().substring(storm.out().indexOf('['));
        assertThat(Tmux.count(list, "\"state\" : \"running\"")).isEqualTo(8);
        assertThat(list).contains("\"linux-server\"", "\"linux-desktop\"", "\"windows-server\"", "\"microvm\"", "\"uefi\"", "\"bios\"", "\"direct\"");
        ShellProcess.Run again = ShellProcess.run(home, null, "--lab", "demo", "-c", "host list --json");
        assertThat(again.err()).isEmpty(); // created once: the second start opens it as it is
        assertThat(again.out()).contains("\"type1\"", "\"type2\"");
    }

    @Test
    void aBareLabNameIsKeptInTheHomeAPathIsADirectoryAndLabListShowsTheNamedOnes() throws Exception {
        ShellProcess.Run named = ShellProcess.run(home, null, "--lab", "mylab", "-c",
                "host create h1 --cores 4 --ram 16GiB; lab info --json");
        assertThat(named.status()).as(named.err()).isZero();
        Path kept = home.resolve(".hyperlab/labs/mylab");
        assertThat(named.out()).contains("\"directory\" : \"" + kept);
        assertThat(kept.resolve("lab.json")).exists();
        assertThat(home.resolve("mylab")).as("nothing in the working directory").doesNotExist();

        for (String path : new String[] {"./here", home.resolve("abs").toString(), "sub/dir"}) {
            ShellProcess.Run r = ShellProcess.run(home, null, "--lab", path, "-c", "time");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(home.resolve(path).resolve("lab.json")).as(path + " is a directory").exists();
        }
        assertThat(home.resolve(".hyperlab/labs/here")).doesNotExist();

        ShellProcess.Run other = ShellProcess.run(home, null, "--lab", "other", "-c", "time");
        assertThat(other.status()).isZero();
        ShellProcess.Run real = ShellProcess.run(home, null, "--lab", "real", "--backend", "qemu", "-c", "lab info");
        assertThat(real.status()).as(real.err()).isZero();
        ShellProcess.Run list = ShellProcess.run(home, null, "--lab", "mylab", "-c", "lab list");
        assertThat(list.status()).as(list.err()).isZero();
        assertThat(list.out()).contains("NAME", "BACKEND", "DISK USED", "* mylab", "other", kept.getParent().toString())
                .containsPattern("(?m)^real +qemu ").containsPattern("(?m)^other +simulation ")
                .doesNotContainPattern("(?m)^(\\* )?(here|abs|sub)\\b");
        ShellProcess.Run json = ShellProcess.run(home, null, "--lab", "./here", "-c", "lab list --json");
        assertThat(json.out()).contains("\"name\" : \"mylab\"", "\"name\" : \"other\"", "\"hosts\" : 1",
                "\"current\" : false").doesNotContain("\"current\" : true");
        assertThat(json.out()).contains("\"backend\" : \"qemu\"", "\"backend\" : \"simulation\"");
        assertThat(Labs.list(kept.getParent())).extracting(NamedLab::name).containsExactly("mylab", "other", "real");

        ShellProcess.Run twice = ShellProcess.run(home, null, "--lab", "a", "--lab", "b", "-c", "time");
        assertThat(twice.status()).isEqualTo(1);
        assertThat(twice.err()).isEqualTo("error: --lab given twice: 'a' and 'b' (give one lab)\n");
        assertThat(home.resolve(".hyperlab/labs/a")).doesNotExist();
        assertThat(home.resolve(".hyperlab/labs/b")).doesNotExist();
    }

    @Test
    void versionHelpAndBadInvocations() {
        ShellProcess.Run version = ShellProcess.run(home, null, "--version");
        assertThat(version.status()).isZero();
        assertThat(version.out()).startsWith("hyperlab ");
        ShellProcess.Run help = ShellProcess.run(home, null, "--help");
        assertThat(help.out()).contains("--lab NAME|DIR", "-c", "--seed", "FILE.hl", "HYPERLAB_LAB");
        ShellProcess.Run bad = ShellProcess.run(home, null, "--frobnicate");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).startsWith("error: unknown option '--frobnicate'");
        assertThat(Files.exists(home.resolve(".hyperlab"))).as("no lab is opened for --version or --help").isFalse();
    }

    @Test
    void theDefaultLabSeedsAndDebug() {
        ShellProcess.Run info = ShellProcess.run(home, null, "--seed", "42", "-c", "lab info --json");
        assertThat(info.status()).isZero();
        assertThat(info.out()).contains("\"seed\" : 42", home.resolve(".hyperlab/labs/default").toString());
        ShellProcess.Run again = ShellProcess.run(home, null, "--seed", "7", "-c", "lab info --json");
        assertThat(again.out()).contains("\"seed\" : 42");
        assertThat(again.err()).contains("--seed 7 is for new labs");

        ShellProcess.Run plain = ShellProcess.run(home, null, "-c", "vm create x --host nowhere --vcpus 1 --memory 1GiB");
        assertThat(plain.err()).doesNotContain("\tat ");
        ShellProcess.Run debug = ShellProcess.run(home, null, "--debug", "-c",
                "vm create x --host nowhere --vcpus 1 --memory 1GiB");
        assertThat(debug.err()).startsWith("error: ").contains("\tat dev.hyperlab");
    }

    @Test
    void aLabOpenInAnotherProcessIsRefusedClearly() throws Exception {
        try (var lab = dev.hyperlab.core.lab.Labs.open(home.resolve("busy"), 1)) {
            assertThat(lab.hosts()).isEmpty();
            ShellProcess.Run r = ShellProcess.run(home, null, "--lab", "./busy", "-c", "time");
            assertThat(r.status()).isEqualTo(1);
            // who holds it: this test's JVM, on this machine
            String host = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
            assertThat(r.err().strip()).startsWith("error: lab ./busy is open in another hyperlab process (process "
                    + ProcessHandle.current().pid() + " on " + host + " since ").doesNotContain("\n");
        }
        // a process that ends, even killed, leaves no lock behind: the kernel releases it
        java.nio.file.Path spin = java.nio.file.Files.writeString(home.resolve("spin.js"), "while (true) {}\n");
        Process holder = new ProcessBuilder(ShellProcess.command(java.util.List.of(), "--lab",
                home.resolve("killed").toString(), "-c", "run --statement-limit 0 --cpu-limit 0 " + spin))
                .redirectErrorStream(true).start();
        try {
            java.nio.file.Path lock = home.resolve("killed/lab.lock");
            for (int i = 0; i < 600 && !(java.nio.file.Files.exists(lock) && java.nio.file.Files.size(lock) > 0); i++) {
                Thread.sleep(50);
            }
            assertThat(ShellProcess.run(home, null, "--lab", "./killed", "-c", "time").err())
                    .contains("(process " + holder.pid() + " on ");
        } finally {
            holder.destroyForcibly().waitFor();
        }
        assertThat(ShellProcess.run(home, null, "--lab", "./killed", "-c", "time").status()).isZero();
    }
}
