package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.api.spi.ApiVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins that go wrong, through the shell as its own process: one that hangs, one that throws, one that answers
 * nonsense, one built for another api. The shell keeps running, the lab stays usable, the culprit is named.
 */
class MisbehavingPluginsTest {
    @TempDir
    Path tmp;

    private static final String FIRMWARE = "dev.hyperlab.api.spi.FirmwareModel";
    private static final String DRIVER = "dev.hyperlab.api.spi.GuestDriver";

    /** A firmware model whose boot-device search does {@code search}. */
    private static String firmware(String pkg, String id, String search) {
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

        // faults are the session's: a new session (a new process) tries the plugins again and records again
        Shell.Run again = sh.c("vm start c; advance 1m; plugin list --json").ok();
        String listed = again.out().substring(again.out().indexOf("\n[") + 1); // after the start's and advance's lines
        JsonNode list = new Shell.Run(0, listed, "").json();
        assertThat(list.get(0).get("id").asText()).isEqualTo("boom");
        assertThat(list.get(0).get("state").asText()).isEqualTo("faulty");
        assertThat(list.get(0).get("reason").asText()).contains("link down");
        // in one session: faulty, refused at once; enabled, tried again
        Shell.Run session = sh.c("vm start c; advance 1m; vm start c");
        assertThat(session.status()).isEqualTo(1);
        assertThat(session.err()).contains("error: plugin 'boom' is faulty (plugin 'boom' failed: driver 'boom-net' load"
                + " threw java.lang.IllegalStateException: link down) (plugin info boom tells more; plugin enable boom"
                + " tries it again)");
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
}
