package dev.hyperlab.plugins.e2e;

import static dev.hyperlab.plugins.e2e.MisbehavingPluginsTest.FIRMWARE;
import static dev.hyperlab.plugins.e2e.MisbehavingPluginsTest.firmware;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plugin install --upgrade FILE} and {@code plugin uninstall ID} through the shell, as its own process: both by
 * the plugin's id, whatever its files are named; a failed upgrade keeps the installed version.
 */
class PluginUninstallUpgradeTest {
    @TempDir
    Path tmp;

    /** A plugin {@code fw} of {@code version} whose firmware model is {@code fwId}, in a jar named {@code name}. */
    private Path plugin(String version, String fwId, String name) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("build-" + version));
        String pkg = "t.v" + version.replace('.', '_');
        Path jar = PluginJar.build(dir, "fw", version, "0.1.0",
                Map.of(pkg + ".Fw", firmware(pkg, fwId, "return BootOutcome.notFound(\"x\", List.of());")),
                Map.of(FIRMWARE, pkg + ".Fw"), Map.of());
        return Files.move(jar, dir.resolve(name));
    }

    private static List<String> files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void upgradeReplacesThePluginOfTheSameIdAndUninstallRemovesIt() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        Path v1 = plugin("1.0.0", "fw-one", "fw.jar");
        Path v2 = plugin("2.0.0", "fw-two", "fw-2.0.0.jar");
        assertThat(sh.c("plugin install " + v1).ok().out()).startsWith("installed fw 1.0.0: firmware fw-one");

        Shell.Run again = sh.c("plugin install " + v2);
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err().strip()).startsWith("error: plugin 'fw' is installed already (version 1.0.0")
                .endsWith("(plugin install --upgrade " + v2 + " replaces it)");

        assertThat(sh.c("plugin install --upgrade " + v2).ok().out().strip())
                .isEqualTo("upgraded fw 1.0.0 -> 2.0.0: firmware fw-two");
        assertThat(files(sh.pluginsDir())).containsExactly("fw-2.0.0.jar");
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("version").asText()).isEqualTo("2.0.0");
        assertThat(list.get(0).get("state").asText()).isEqualTo("started");

        // an upgrade that fails after the old one is set aside puts the old one back, started
        Path empty = Files.move(PluginJar.build(Files.createDirectories(tmp.resolve("build-3")), "fw", "3.0.0",
                "0.1.0", Map.of(), Map.of(), Map.of()), tmp.resolve("fw-3.0.0.jar"));
        Shell.Run failed = sh.c("plugin install --upgrade " + empty);
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err().strip()).startsWith("error: plugin 'fw' contributes no firmware model")
                .endsWith("(version 2.0.0 of fw is installed still)").doesNotContain("\n");
        assertThat(files(sh.pluginsDir())).containsExactly("fw-2.0.0.jar");
        assertThat(sh.c("plugin list").ok().out()).contains("fw", "2.0.0", "started", "firmware fw-two");

        // nothing to upgrade: refused, nothing changed
        Path other = Files.move(PluginJar.build(Files.createDirectories(tmp.resolve("build-other")), "other",
                "1.0.0", "0.1.0", Map.of("t.o.Fw", firmware("t.o", "o-fw", "return null;")),
                Map.of(FIRMWARE, "t.o.Fw"), Map.of()), tmp.resolve("other.jar"));
        assertThat(sh.c("plugin install --upgrade " + other).err().strip())
                .isEqualTo("error: plugin 'other' is not installed, so there is nothing to upgrade (plugin install "
                        + other + " installs it)");

        // uninstall by id, also when it is disabled: its file and its disabled mark go
        assertThat(sh.c("plugin disable fw").ok().out()).startsWith("fw disabled");
        assertThat(sh.c("plugin uninstall fw").ok().out().strip()).isEqualTo("uninstalled fw 2.0.0");
        assertThat(files(sh.pluginsDir())).doesNotContain("fw-2.0.0.jar");
        Path disabled = sh.pluginsDir().resolve("disabled.txt");
        if (Files.exists(disabled)) {
            assertThat(Files.readString(disabled)).doesNotContain("fw");
        }
        assertThat(sh.c("plugin list --json").ok().json()).isEmpty();
        assertThat(sh.c("plugin uninstall fw").err().strip()).startsWith("error: no plugin 'fw'");
        // installed again, it starts: the disabled mark went with it
        assertThat(sh.c("plugin install " + v1).ok().out()).startsWith("installed fw 1.0.0: firmware fw-one");
    }

    @Test
    void aPluginFromAPluginsDirectoryIsNotInstalledSoNotUninstalled() throws Exception {
        Shell sh = new Shell(tmp.resolve("home"));
        Path dir = Files.createDirectories(tmp.resolve("mine"));
        Files.move(plugin("1.0.0", "fw-one", "fw.jar"), dir.resolve("fw.jar"));
        Shell.Run run = sh.run("--plugins", dir.toString(), "--lab", sh.lab().toString(), "-c", "plugin uninstall fw");
        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("error: plugin 'fw' comes from " + dir + ", not from the installed"
                + " plugins (" + sh.pluginsDir() + ") (leave out the --plugins directory that holds it)");
        assertThat(dir.resolve("fw.jar")).exists();
    }
}
