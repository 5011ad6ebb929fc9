package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.api.spi.LoaderSignature;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import dev.hyperlab.plugins.secureboot.SignatureDatabase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three plugins as a user gets them: zips installed with {@code plugin install} into a fresh shell home, then
 * used by name through the shell, each command a new hyperlab process (PF4J loads them from the zips every time).
 */
class PluginsThroughTheShellTest {
    @TempDir
    Path tmp;

    /** A plugin's zip, as the build made it (the pom passes its path: surefire puts no zip on the class path). */
    static Path zip(String plugin) {
        String path = System.getProperty("hyperlab.zip." + plugin);
        if (path == null || !Files.isRegularFile(Path.of(path))) {
            throw new AssertionError("no zip of plugin " + plugin + " (" + path + "): run this test through Maven");
        }
        return Path.of(path);
    }

    private static String ids(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.get(field).asText()));
        return String.join(",", out);
    }

    @Test
    void installedZipsAreListedAndTheirExtensionsWorkByName() throws Exception {
        Shell sh = new Shell(tmp);
        assertThat(sh.c("plugin list --json").ok().json()).isEmpty();
        for (String p : List.of("secureboot", "passthrough", "forever-incremental")) {
            assertThat(sh.c("plugin install " + zip(p)).ok().out()).startsWith("installed " + p + " 0.1.0-SNAPSHOT: ");
        }
        JsonNode list = sh.c("plugin list --json").ok().json();
        assertThat(ids(list, "id")).isEqualTo("forever-incremental,passthrough,secureboot");
        assertThat(ids(list, "state")).isEqualTo("started,started,started");
        assertThat(list.get(0).get("extensions").get(0).get("kind").asText()).isEqualTo("backup");
        assertThat(list.get(0).get("extensions").get(0).get("id").asText()).isEqualTo("forever-incremental");
        // passthrough is found through META-INF/services, the other two through PF4J's extensions.idx
        assertThat(list.get(1).get("extensions").get(0).get("kind").asText()).isEqualTo("driver");
        assertThat(list.get(1).get("extensions").get(0).get("id").asText()).isEqualTo("vfio-net");
        assertThat(list.get(2).get("extensions").get(0).get("id").asText()).isEqualTo("secureboot");
        assertThat(sh.c("plugin info secureboot").ok().out()).contains("requires", "api 0.1.0", "firmware");
        assertThat(sh.c("profiles").ok().out()).containsPattern("secureboot +secureboot +UEFI with Secure Boot")
                .containsPattern("vfio-net +passthrough +NIC assigned");

        // Secure Boot: the lab's images carry loaders signed by the lab CA, which the plugin trusts; one VM's loses
        // its signature
        sh.c("host create esx1 --cores 16 --ram 64GiB --firmware bios; host install esx1 --hypervisor type1;"
                + "host power-on esx1 --wait;"
                + "vm create plain --host esx1 --vcpus 2 --memory 4GiB --os linux-server --firmware secureboot;"
                + "vm create signed --host esx1 --vcpus 2 --memory 4GiB --os linux-server --firmware secureboot;"
                + "vm create db --host esx1 --vcpus 2 --memory 8GiB --os linux-server --driver vfio-net").ok();
        Path signedDisk = Path.of(sh.c("vm info signed --json").ok().json().get("disks").get(0).get("path").asText());
        unsign(Path.of(sh.c("vm info plain --json").ok().json().get("disks").get(0).get("path").asText()));
        sh.c("vm start plain signed db; advance 5m").ok();
        JsonNode plain = sh.c("vm info plain --json").ok().json();
        assertThat(plain.get("state").asText()).isEqualTo("crashed");
        assertThat(plain.get("reason").asText()).isEqualTo("Secure Boot Violation: \\EFI\\BOOT\\BOOTX64.EFI refused on"
                + " disk0 (unsigned) (BdsDxe: Access Denied)");
        assertThat(sh.c("vm info signed --json").ok().json().get("state").asText()).isEqualTo("running");

        // the passthrough NIC: 8 GiB pinned before the guest's drivers go on (0.365 s + 0.2444 s/GiB)
        JsonNode db = sh.c("timeline db --json").ok().json();
        JsonNode vfio = null;
        for (JsonNode p : db) {
            if (p.get("phase").asText().equals("drivers") && p.get("step").asText().equals("vfio-net")) {
                vfio = p;
            }
        }
        assertThat(vfio).as("a vfio-net row in db's timeline").isNotNull();
        assertThat(vfio.get("end").asDouble() - vfio.get("start").asDouble()).isBetween(2.31, 2.33);
        assertThat(sh.c("lab info --json").ok().json().get("plugins").toString())
                .isEqualTo("[\"passthrough\",\"secureboot\"]");

        // a disabled plugin: the lab still loads and lists, its machines do not start, naming it; enabled, they do
        sh.c("vm shutdown signed; advance 1m").ok();
        assertThat(sh.c("plugin disable secureboot").ok().out()).startsWith("secureboot disabled");
        assertThat(sh.c("plugin list --json").ok().json().get(2).get("state").asText()).isEqualTo("disabled");
        Shell.Run refused = sh.c("vm start signed");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err().strip()).isEqualTo("error: firmware 'secureboot' comes from plugin 'secureboot',"
                + " which is not loaded (plugin list shows the plugins: plugin enable secureboot, or plugin install"
                + " it)");
        assertThat(sh.c("vm list").ok().out()).contains("signed");
        assertThat(sh.c("plugin enable secureboot").ok().out()).startsWith("secureboot started");
        sh.c("vm start signed --wait").ok();

        // the backup strategy, from the installed zip: backup run takes it like a built-in, backup restore gives
        // the disk back byte for byte, and its two runs chain (the second one's parent is the first)
        sh.c("vm shutdown signed; advance 1m").ok();
        String repo = " --repo " + tmp.resolve("repo");
        sh.c("backup init " + tmp.resolve("repo")).ok();
        assertThat(sh.c("backup run signed --strategy forever-incremental" + repo).ok().out())
                .contains("forever-incremental");
        sh.c("backup run signed --strategy forever-incremental" + repo).ok();
        JsonNode backups = sh.c("backup list --json" + repo).ok().json();
        assertThat(backups).hasSize(2);
        assertThat(backups.get(0).get("strategy").asText()).isEqualTo("forever-incremental");
        assertThat(backups.get(1).get("parents").get(0).asText()).isEqualTo(backups.get(0).get("id").asText());
        Path restored = tmp.resolve("signed-restored.raw");
        sh.c("backup restore " + backups.get(1).get("id").asText() + " --to " + restored + repo).ok();
        try (DiskImage img = DiskImages.open(signedDisk, true);
                DiskImage back = DiskImages.open(restored, true)) {
            assertThat(BootDiskProbe.readEspFile(back, "\\EFI\\BOOT\\BOOTX64.EFI").map(SignatureDatabase.shipped()::allows))
                    .contains(true);
            assertThat(sha(back)).isEqualTo(sha(img));
        }
        assertThat(sh.c("plugin list --json").ok().json().get(0).get("state").asText()).isEqualTo("started");
    }

    @Test
    void aPluginCommandsDryRunSaysWhatWouldHappenAndChangesNothing() throws Exception {
        Shell sh = new Shell(tmp);
        assertThat(sh.c("plugin install " + zip("passthrough") + " --dry-run").ok().out())
                .startsWith("dry run: nothing was changed; it would install passthrough 0.1.0-SNAPSHOT: driver vfio-net");
        assertThat(sh.c("plugin list --json").ok().json()).isEmpty();
        assertThat(sh.pluginsDir()).doesNotExist();

        sh.c("plugin install " + zip("passthrough")).ok();
        List<String> files = listing(sh.pluginsDir());
        assertThat(sh.c("plugin disable passthrough --dry-run").ok().out())
                .isEqualTo("dry run: nothing was changed; it would leave passthrough disabled\n");
        assertThat(sh.c("plugin enable passthrough --dry-run").ok().out())
                .isEqualTo("dry run: nothing was changed; it would leave passthrough started\n");
        assertThat(listing(sh.pluginsDir())).as("no disabled.txt, no copy").isEqualTo(files);
        assertThat(sh.c("plugin list --json").ok().json().get(0).get("state").asText()).isEqualTo("started");
        // refusals are the real command's: installing it again is refused, in a dry run too
        Shell.Run again = sh.c("plugin install " + zip("passthrough") + " --dry-run");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("plugin 'passthrough' is installed already");
    }

    @Test
    void aPluginsDirectoryIsOnlyReadAndASecondPluginWithTheSameIdIsOneLine() throws Exception {
        Shell sh = new Shell(tmp);
        Path mine = tmp.resolve("mine");
        Path theirs = tmp.resolve("theirs");
        Files.createDirectories(mine);
        Files.createDirectories(theirs);
        Files.copy(zip("passthrough"), mine.resolve("passthrough.zip"));
        Files.copy(zip("passthrough"), theirs.resolve("copy.zip"));
        List<String> before = listing(mine);

        Shell.Run r = sh.run("--lab", sh.lab().toString(), "--plugins", mine.toString(), "--plugins", theirs.toString(),
                "-c", "plugin list");
        r.ok();
        assertThat(r.out()).contains("passthrough").contains("started");
        // PF4J's text printed both descriptors whole; the refusal names the id and the file that has it
        assertThat(r.out()).contains("copy.zip: plugin id 'passthrough' is already loaded from ")
                .doesNotContain("PluginWrapper").doesNotContain("PluginDescriptor");
        assertThat(r.out().lines().filter(l -> l.startsWith("copy.zip:"))).hasSize(1);
        // the zip is unpacked in the shell's home, not beside it in the directory the user named
        assertThat(listing(mine)).isEqualTo(before);
        assertThat(listing(theirs)).containsExactly("/", "copy.zip " + Files.size(zip("passthrough")));
        assertThat(sh.home().resolve(".hyperlab").resolve("plugin-cache")).isDirectory();
    }

    private static List<String> listing(Path dir) throws Exception {
        try (var all = Files.walk(dir)) {
            return all.map(p -> dir.relativize(p) + (Files.isDirectory(p) ? "/" : " " + p.toFile().length()))
                    .sorted().toList();
        }
    }

    @Test
    void theShellLoadsNoPluginClassUntilAPluginIsNeeded() throws Exception {
        Shell sh = new Shell(tmp);
        sh.c("plugin install " + zip("passthrough")).ok();
        sh.c("host create h1 --cores 4 --ram 8GiB --firmware bios").ok();
        Path log = tmp.resolve("classes.log");
        Shell loud = new Shell(tmp).jvm("-Xlog:class+load=info:file=" + log);
        loud.c("lab info; vm list; host list").ok();
        assertThat(Files.readString(log)).doesNotContain("org.pf4j").doesNotContain("dev.hyperlab.shell.plugin.PluginSystem");
        loud.c("plugin list").ok();
        assertThat(Files.readString(log)).contains("org.pf4j.DefaultPluginManager");
        // a lab that needs a plugin's extension loads PF4J by itself, with no plugin command
        loud.c("host install h1 --hypervisor type1; host power-on h1 --wait;"
                + "vm create v1 --host h1 --vcpus 1 --memory 1GiB --os linux-server --driver vfio-net").ok();
        assertThat(Files.readString(log)).contains("org.pf4j.DefaultPluginManager");
    }

    static String sha(DiskImage img) throws Exception {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
        for (long off = 0; off < img.virtualSize(); off += buf.capacity()) {
            buf.clear().limit((int) Math.min(buf.capacity(), img.virtualSize() - off));
            img.read(off, buf);
            md.update(buf.array(), 0, buf.limit());
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** Takes the signature off the EFI loader on a boot disk, as a loader built by hand comes. */
    static void unsign(Path disk) throws Exception {
        try (DiskImage img = DiskImages.open(disk, false)) {
            byte[] loader = BootDiskProbe.readEspFile(img, "\\EFI\\BOOT\\BOOTX64.EFI").orElseThrow();
            BootDiskLayout.replaceEfiLoader(img, LoaderSignature.unsigned(loader));
        }
    }
}
