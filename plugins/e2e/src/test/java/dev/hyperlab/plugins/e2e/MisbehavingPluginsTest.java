package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.api.spi.ApiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins that go wrong, through the shell as its own process: one that hangs, one that throws, one that answers
 * nonsense, one built for another api, one that tries to end the shell, one that cannot be stopped, files that are
 * not valid plugins or are zip bombs. The shell keeps running, the lab stays usable, the culprit is named.
 */
class MisbehavingPluginsTest {
    @TempDir
    Path tmp;

    static final String FIRMWARE = "dev.hyperlab.api.spi.FirmwareModel";
    private static final String DRIVER = "dev.hyperlab.api.spi.GuestDriver";

    /** A firmware model whose boot-device search does {@code search}. */
    static String firmware(String pkg, String id, String search) {
        return """
                package %s;
                import dev.hyperlab.api.spi.*;
                import java.util.List;
                public final class Fw implements FirmwareModel {
                    public String id() { return "%s"; }
                    public String description() { return "misbehaves"; }
                    public List<BootStep> post(MachineContext m) { return List.of(); }
                    public BootOutcome searchBoot(BootSearch s) { %s }
                }
                """.formatted(pkg, id, search);
    }

    private Path plugin(String id, String requires, String pkg, String source, String spi) {
        return PluginJar.build(tmp.resolve("build"), id, requires, Map.of(pkg + ".Fw", source),
                Map.of(spi, pkg + ".Fw"));
    }

    @Test
    void hangingThrowingAndNonsensePluginsFailTheirVmsNamingThemAndTheShellGoesOn() throws Exception {
        Shell sh = new Shell(tmp.resolve("home")).env("HYPERLAB_PLUGIN_TIMEOUT", "500ms");
        sh.c("plugin install " + plugin("hang", "0.1.0", "t.hang", firmware("t.hang", "hang-fw",
                "while (true) { try { Thread.sleep(60000); } catch (InterruptedException e) { } }"), FIRMWARE)).ok();
        sh.c("plugin install " + plugin("ghost", "0.1.0", "t.ghost", firmware("t.ghost", "ghost-fw",
                "return BootOutcome.found(\"disk9\", \"MBR boot code\", List.of());"), FIRMWARE)).ok();
        sh.c("plugin install " + PluginJar.build(tmp.resolve("build"), "boom", "0.1.0", Map.of("t.boom.Drv", """
                package t.boom;
                import dev.hyperlab.api.spi.*;
                public final class Drv implements GuestDriver {
                    public String id() { return "boom-net"; }
                    public String description() { return "throws"; }
                    public DeviceClass deviceClass() { return DeviceClass.NET; }
                    public Demand load(GuestContext g) { throw new IllegalStateException("link down"); }
                    public DriverEffect effect() { return DriverEffect.BASELINE; }
                }
                """), Map.of(DRIVER, "t.boom.Drv"))).ok();

        long t0 = System.nanoTime();
        Shell.Run run = sh.c("host create h1 --cores 8 --ram 32GiB --firmware bios; host install h1 --hypervisor type1;"
                + "host power-on h1 --wait;"
                + "vm create a --host h1 --vcpus 1 --memory 1GiB --os linux-server --firmware hang-fw;"
                + "vm create b --host h1 --vcpus 1 --memory 1GiB --os linux-server --firmware ghost-fw;"
                + "vm create c --host h1 --vcpus 1 --memory 1GiB --os linux-server --driver boom-net;"
                + "vm create d --host h1 --vcpus 1 --memory 1GiB --os linux-server;"
                + "vm start a b c d; advance 5m; vm list");
        run.ok();
        assertThat(System.nanoTime() - t0).as("a hung plugin costs one time limit, not the session")
                .isLessThan(60_000_000_000L);
        assertThat(run.out()).containsPattern("a +h1 +crashed").containsPattern("b +h1 +crashed")
                .containsPattern("c +h1 +crashed").containsPattern("d +h1 +running");
        assertThat(sh.c("vm info a --json").ok().json().get("reason").asText())
                .isEqualTo("plugin 'hang' failed: firmware 'hang-fw' boot search did not return within 500ms");
        assertThat(sh.c("vm info b --json").ok().json().get("reason").asText())
                .isEqualTo("plugin 'ghost' failed: firmware 'ghost-fw' boot search returned a boot from device 'disk9',"
                        + " which the machine does not have");
        assertThat(sh.c("vm info c --json").ok().json().get("reason").asText())
                .isEqualTo("plugin 'boom' failed: driver 'boom-net' load threw java.lang.IllegalStateException: link down");

        // faults outlast the session: the next process shows the plugin faulty and refuses it at once (with one
        // hyperlab -c per command, a broken plugin was retried by every process and never listed faulty)
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list.get(0).get("id").asText()).isEqualTo("boom");
        assertThat(list.get(0).get("state").asText()).isEqualTo("faulty");
        assertThat(list.get(0).get("reason").asText()).contains("link down");
        Shell.Run session = sh.c("vm start c");
        assertThat(session.status()).isEqualTo(1);
        assertThat(session.err()).contains("error: plugin 'boom' is faulty (plugin 'boom' failed: driver 'boom-net' load"
                + " threw java.lang.IllegalStateException: link down) (plugin info boom tells more; plugin enable boom"
                + " tries it again)");
        // enabled, it is tried again: and found faulty again
        sh.c("plugin enable boom").ok();
        Shell.Run again = sh.c("vm start c; advance 1m; plugin list --json").ok();
        String listed = again.out().substring(again.out().indexOf("\n[") + 1); // after the start's and advance's lines
        assertThat(new Shell.Run(0, listed, "").json().get(0).get("state").asText()).isEqualTo("faulty");
        assertThat(sh.c("vm info c --json").ok().json().get("reason").asText()).contains("link down");
    }

    @Test
    void aPluginForAnotherApiIsRefusedNamingBothVersionsAndChangesNothing() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        Path future = plugin("future", ">=9.0.0", "t.future", firmware("t.future", "future-fw",
                "return BootOutcome.notFound(\"x\", List.of());"), FIRMWARE);
        Shell.Run r = sh.c("plugin install " + future);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err().strip()).isEqualTo("error: plugin 'future' 1.0.0 requires hyperlab api >=9.0.0; this hyperlab"
                + " has api " + ApiVersion.current() + " (install a release of the plugin built for this api)");
        assertThat(sh.pluginsDir()).doesNotExist();

        // a 0.x plugin built for another minor version is refused too (0.x minor releases may break)
        Path older = plugin("older", "0.0.9", "t.older", firmware("t.older", "older-fw",
                "return BootOutcome.notFound(\"x\", List.of());"), FIRMWARE);
        assertThat(sh.c("plugin install " + older).err()).contains("requires hyperlab api 0.0.9 (>=0.0.9 & <0.1.0)");

        // dropped into the plugin directory by hand, it shows as refused, with the reason, and takes no id
        Files.createDirectories(sh.pluginsDir());
        Files.copy(future, sh.pluginsDir().resolve("future.jar"), StandardCopyOption.REPLACE_EXISTING);
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list.get(0).get("state").asText()).isEqualTo("refused");
        assertThat(list.get(0).get("reason").asText()).isEqualTo("plugin 'future' 1.0.0 requires hyperlab api >=9.0.0;"
                + " this hyperlab has api " + ApiVersion.current());
        assertThat(list.get(0).get("extensions")).isEmpty();
        assertThat(sh.c("plugin enable future").err()).contains("requires hyperlab api >=9.0.0");
        assertThat(sh.c("profiles").ok().out()).doesNotContain("future-fw");
    }

    @Test
    void badInstallsAreOneLineErrorsThatLeaveNothingBehind() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        assertThat(sh.c("plugin install nothing-here.zip").err().strip())
                .startsWith("error: no plugin file nothing-here.zip (give the path of a PF4J plugin .zip or .jar)");
        Path notZip = Files.writeString(tmp.resolve("notes.txt"), "hello");
        assertThat(sh.c("plugin install " + notZip).err()).contains("is not a .zip or .jar");
        // an id that takes a built-in's: refused after loading, and undone
        Path clash = plugin("clash", "0.1.0", "t.clash", firmware("t.clash", "uefi",
                "return BootOutcome.notFound(\"x\", List.of());"), FIRMWARE);
        Shell.Run r = sh.c("plugin install " + clash);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("firmware 'uefi' is already provided by built-in");
        assertThat(sh.pluginsDir().resolve("clash.jar")).doesNotExist();
        assertThat(sh.c("plugin list --json").ok().json()).isEmpty();
        assertThat(sh.c("plugin info nope").err().strip())
                .isEqualTo("error: no plugin 'nope' (plugin list shows the installed plugins)");
    }

    private static final String SETUP = "host create h1 --cores 8 --ram 32GiB --firmware bios;"
            + " host install h1 --hypervisor type1; host power-on h1 --wait;";

    @Test
    void aPluginThatCallsSystemExitIsRefusedAndFaultyAndTheShellGoesOn() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        sh.c("plugin install " + plugin("quitter", "0.1.0", "t.quit", firmware("t.quit", "quit-fw",
                "System.exit(42); return null;"), FIRMWARE)).ok();
        Shell.Run run = sh.c(SETUP + "vm create q --host h1 --vcpus 1 --memory 1GiB --os linux-server --firmware quit-fw;"
                + "vm create d --host h1 --vcpus 1 --memory 1GiB --os linux-server; vm start q d; advance 5m; vm list");
        run.ok(); // before, the process ended here with status 42, without a word
        assertThat(run.out()).containsPattern("q +h1 +crashed").containsPattern("d +h1 +running");
        assertThat(sh.c("vm info q --json").ok().json().get("reason").asText()).isEqualTo("plugin 'quitter' failed:"
                + " firmware 'quit-fw' boot search called System.exit(42) (refused: a plugin may not end hyperlab)");
        // the next session knows it faulty: refused at once, never called
        assertThat(sh.c("vm start q").err()).contains("error: plugin 'quitter' is faulty");
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list.get(0).get("state").asText()).isEqualTo("faulty");
        assertThat(list.get(0).get("reason").asText()).contains("called System.exit(42)");
    }

    @Test
    void aHungPluginThreadThatCannotBeStoppedIsQuarantinedAndShown() throws Exception {
        Shell sh = new Shell(tmp.resolve("home")).env("HYPERLAB_PLUGIN_TIMEOUT", "300ms");
        // blocked inside the JDK, where the plugin's checkpoints are not, and deaf to interrupts
        sh.c("plugin install " + plugin("stuck", "0.1.0", "t.stuck", firmware("t.stuck", "stuck-fw",
                "new java.util.concurrent.Semaphore(0).acquireUninterruptibly(); return null;"), FIRMWARE)).ok();
        Shell.Run run = sh.c(SETUP + "vm create s --host h1 --vcpus 1 --memory 1GiB --os linux-server"
                + " --firmware stuck-fw; vm start s; advance 5m; plugin list; plugin list --json").ok();
        assertThat(run.out()).contains("stuck: plugin 'stuck' failed: firmware 'stuck-fw' boot search did not return"
                + " within 300ms; 1 thread of it quarantined: still running after it was stopped, blocked outside its"
                + " code, never called again");
        JsonNode list = new Shell.Run(0, run.out().substring(run.out().indexOf("\n[") + 1), "").json();
        assertThat(list.get(0).get("state").asText()).isEqualTo("faulty");
        assertThat(list.get(0).get("quarantinedThreads").asInt()).isEqualTo(1);
    }

    @Test
    void disablingAFaultyPluginLastsIntoTheNextSessionAndEnablingUndoesIt() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        sh.c("plugin install " + PluginJar.build(tmp.resolve("build"), "boom", "0.1.0", Map.of("t.boom.Drv", """
                package t.boom;
                import dev.hyperlab.api.spi.*;
                public final class Drv implements GuestDriver {
                    public String id() { return "boom-net"; }
                    public String description() { return "throws"; }
                    public DeviceClass deviceClass() { return DeviceClass.NET; }
                    public Demand load(GuestContext g) { throw new IllegalStateException("link down"); }
                    public DriverEffect effect() { return DriverEffect.BASELINE; }
                }
                """), Map.of(DRIVER, "t.boom.Drv"))).ok();
        Shell.Run off = sh.c(SETUP + "vm create c --host h1 --vcpus 1 --memory 1GiB --os linux-server"
                + " --driver boom-net; vm start c; advance 5m; plugin disable boom").ok();
        assertThat(off.out()).contains("boom disabled");
        assertThat(sh.c("plugin list --json").ok().json().get(0).get("state").asText()).isEqualTo("disabled");
        assertThat(sh.c("vm start c").err()).contains("driver 'boom-net' comes from plugin 'boom', which is not loaded");
        assertThat(sh.c("plugin enable boom").ok().out()).startsWith("boom started");
        assertThat(sh.c("plugin list --json").ok().json().get(0).get("state").asText()).isEqualTo("started");
    }

    @Test
    void installRefusesWhatIsNotAValidPluginNamingTheProblemAndLeavesNothingBehind() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        Path build = tmp.resolve("build");
        String fw = firmware("t.ok", "ok-fw", "return BootOutcome.notFound(\"x\", List.of());");
        Path banana = PluginJar.build(build, "banana", "banana", "0.1.0", Map.of("t.ok.Fw", fw),
                Map.of(FIRMWARE, "t.ok.Fw"), Map.of());
        Path garbage = Files.write(build.resolve("garbage.jar"), new java.util.Random(7).ints(5000, 0, 256)
                .collect(java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> { }).toByteArray());
        Path missing = PluginJar.build(build, "missing", "1.0.0", "0.1.0", Map.of(), Map.of(FIRMWARE, "t.gone.Fw"),
                Map.of());
        Path junk = PluginJar.build(build, "junk", "1.0.0", "0.1.0", Map.of(), Map.of(FIRMWARE, "t.junk.Fw"),
                Map.of("t/junk/Fw.class", "not a class file at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        Path wrongKind = PluginJar.build(build, "wrongkind", "1.0.0", "0.1.0", Map.of("t.ok.Fw", fw),
                Map.of(DRIVER, "t.ok.Fw"), Map.of());
        Path nothing = PluginJar.build(build, "nothing", "1.0.0", "0.1.0", Map.of(), Map.of(), Map.of());
        Map<Path, String> refusals = Map.of(
                banana, "error: " + banana + ": plugin 'banana' has plugin.version 'banana', which is not a semantic"
                        + " version (e.g. 1.0.0 or 0.2.0-beta.1) (fix the plugin's descriptor",
                garbage, "error: cannot install " + garbage + ": garbage.jar is not a readable zip or jar",
                missing, "error: plugin 'missing' lists class t.gone.Fw in META-INF/services/" + FIRMWARE
                        + ", which is not in the plugin (the plugin was not installed)",
                junk, "error: plugin 'junk' lists class t.junk.Fw in META-INF/services/" + FIRMWARE + ", which cannot"
                        + " be loaded: plugin 'junk': t/junk/Fw.class is not a class file hyperlab can load",
                wrongKind, "error: plugin 'wrongkind' lists class t.ok.Fw in META-INF/services/" + DRIVER
                        + ", which does not implement GuestDriver",
                nothing, "error: plugin 'nothing' contributes no firmware model, guest driver or backup strategy");
        for (Map.Entry<Path, String> r : refusals.entrySet()) {
            Shell.Run run = sh.c("plugin install " + r.getKey());
            assertThat(run.status()).as(r.getKey().toString()).isEqualTo(1);
            assertThat(run.err().strip()).startsWith(r.getValue()).doesNotContain("\n").doesNotContain("internal");
        }
        assertThat(sh.c("plugin list --json").ok().json()).isEmpty();
        try (var left = Files.list(sh.pluginsDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).isEmpty();
        }

        // dropped into the plugin directory by hand: refused with the reason, and the others still load
        Files.copy(banana, sh.pluginsDir().resolve("banana.jar"));
        Files.copy(missing, sh.pluginsDir().resolve("missing.jar"));
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list.get(0).get("state").asText()).isEqualTo("refused");
        assertThat(list.get(0).get("reason").asText()).startsWith("plugin 'banana' has plugin.version 'banana'");
        assertThat(list.get(1).get("state").asText()).isEqualTo("refused");
        assertThat(list.get(1).get("reason").asText()).startsWith("plugin 'missing' lists class t.gone.Fw");
    }

    @Test
    void zipBombsAndZipSlipsAreRefusedAndNothingIsUnpacked() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        Path bomb = tmp.resolve("bomb.zip"); // 80 KiB that inflate to 80 MiB
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(bomb))) {
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=bomb\nplugin.version=1.0.0\nplugin.requires=0.1.0\n".getBytes());
            z.putNextEntry(new ZipEntry("lib/zeros.bin"));
            byte[] zeros = new byte[1 << 20];
            for (int i = 0; i < 80; i++) {
                z.write(zeros);
            }
        }
        Path slip = tmp.resolve("slip.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(slip))) {
            z.putNextEntry(new ZipEntry("plugin.properties"));
            z.write("plugin.id=slip\nplugin.version=1.0.0\nplugin.requires=0.1.0\n".getBytes());
            z.putNextEntry(new ZipEntry("../../escaped.txt"));
            z.write("outside".getBytes());
        }
        assertThat(sh.c("plugin install " + bomb).err().strip()).startsWith("error: cannot install " + bomb
                + ": bomb.zip has an entry 'lib/zeros.bin' that inflates more than 100 times (a zip bomb?)");
        assertThat(sh.c("plugin install " + slip).err().strip()).startsWith("error: cannot install " + slip
                + ": slip.zip has an entry named '../../escaped.txt' (a '.' or '..' in its path)");
        assertThat(sh.pluginsDir()).doesNotExist();

        // dropped in by hand, they are listed as refused, and not unpacked
        Files.createDirectories(sh.pluginsDir());
        Files.copy(bomb, sh.pluginsDir().resolve("bomb.zip"));
        Files.copy(slip, sh.pluginsDir().resolve("slip.zip"));
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list.get(0).get("reason").asText()).isEqualTo("not a plugin: bomb.zip has an entry 'lib/zeros.bin'"
                + " that inflates more than 100 times (a zip bomb?)");
        assertThat(list.get(1).get("reason").asText()).startsWith("not a plugin: slip.zip has an entry named");
        try (var left = Files.list(sh.pluginsDir())) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bomb.zip", "slip.zip");
        }
        assertThat(sh.pluginsDir().resolveSibling("escaped.txt")).doesNotExist();
        assertThat(sh.home().resolve("escaped.txt")).doesNotExist();
    }
}
