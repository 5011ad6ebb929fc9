package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.firmware.LabCa;
import dev.hyperlab.shell.command.ChangeCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** --dry-run on every command that changes the lab: the prediction is printed, the lab's files do not change. */
class DryRunTest {
    @TempDir
    Path tmp;

    /**
     * One invocation of every changing command, valid in the lab {@link #setUp} builds; {@code --dry-run} goes at the
     * end, or where {@link #DRY} is (code and a script's arguments come last).
     */
    Map<String, String> samples() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("lab apply", "lab apply " + tmp.resolve("more.yaml"));
        s.put("lab set", "lab set --disk-budget 1GiB");
        s.put("workload create", "workload create half-build --like build --cpu 0.5");
        s.put("workload delete", "workload delete mine");
        s.put("advance", "advance 5m");
        s.put("wait", "wait vm boot1");
        s.put("host create", "host create h9 --cores 2 --ram 4GiB --firmware bios");
        s.put("host install", "host install bare --hypervisor type2 --host-os windows");
        s.put("host power-on", "host power-on off1 --wait");
        s.put("host power-off", "host power-off ws1");
        s.put("host reset", "host reset ws1");
        s.put("host policy", "host policy esx1 --max-concurrent-boots 1 --group-delay 5s");
        s.put("vm create", "vm create v9 --host esx1 --vcpus 1 --memory 1GiB --os microvm --workload web");
        s.put("vm start", "vm start web1 fc1 --wait");
        s.put("vm shutdown", "vm shutdown dev1");
        s.put("vm destroy", "vm destroy dev1");
        s.put("vm reboot", "vm reboot dev1");
        s.put("vm suspend", "vm suspend dev1");
        s.put("vm resume", "vm resume sus1");
        s.put("vm delete", "vm delete fc1");
        s.put("vm set", "vm set fc1 --vcpus 2 --memory 512MiB --boot-priority 3");
        s.put("host delete", "host delete bare");
        s.put("host preload", "host preload esx1 --os windows-server");
        s.put("vm clone", "vm clone web1 web9");
        s.put("vm clone --linked", "vm clone web1 web8 --linked");
        s.put("vm set --max-vcpus", "vm set fc1 --max-vcpus 4 --max-memory 1GiB");
        s.put("vm set --cpu-reservation", "vm set dev1 --cpu-shares 4000 --cpu-reservation 1core --mem-limit 2GiB");
        s.put("vm set --disk-shares", "vm set dev1 --disk-shares high --disk-iops-limit 20000 --disk-iops-reservation 5000");
        s.put("vm migrate", "vm migrate web1 --to efi1");
        s.put("vm migrate --live", "vm migrate dev1 --to efi1 --live");
        s.put("host maintenance", "host maintenance efi1 on");
        s.put("vm rename", "vm rename web1 web0");
        s.put("mem balloon", "mem balloon dev1 512MiB");
        s.put("mem policy", "mem policy esx1 --swap 8GiB --page-sharing on --auto-balloon off");
        s.put("snapshot create", "snapshot create dev1 s2 --description before");
        s.put("snapshot revert", "snapshot revert dev1 base");
        s.put("snapshot delete", "snapshot delete dev1 base --children");
        s.put("disk create", "disk create " + tmp.resolve("new.qcow2") + " --size 2GiB --os linux-server");
        s.put("disk convert", "disk convert " + tmp.resolve("lab/vms/web1/disk0.qcow2") + " " + tmp.resolve("web1.raw")
                + " --format raw");
        s.put("disk repair", "disk repair " + tmp.resolve("lab/vms/web1/disk0.qcow2"));
        s.put("disk sign", "disk sign " + tmp.resolve("sb/uefi.qcow2") + " --key " + tmp.resolve("ca.key") + " --cert "
                + tmp.resolve("ca.crt"));
        s.put("vm secureboot enroll", "vm secureboot enroll web1 " + tmp.resolve("ca.crt"));
        s.put("host secureboot enroll", "host secureboot enroll esx1 " + tmp.resolve("ca.crt"));
        String repo = " --repo " + tmp.resolve("repo");
        s.put("backup init", "backup init " + tmp.resolve("repo2") + " --encrypt");
        s.put("backup run", "backup run dev1 --strategy incremental" + repo);
        s.put("backup restore", "backup restore " + backupId + " --as-vm dev1-copy" + repo);
        s.put("backup run --image", "backup run off1 --image" + repo);
        s.put("backup run --files", "backup run efi1 --files /boot/efi" + repo);
        s.put("backup restore --to-host", "backup restore " + hostImageId + " --to-host bare" + repo);
        s.put("backup prune", "backup prune --keep-last 1" + repo);
        s.put("backup repair index", "backup repair index" + repo);
        s.put("backup forget", "backup forget " + backupId + " --prune" + repo);
        s.put("backup files", "backup files " + tmp.resolve("lab") + " --exclude *.raw" + repo);
        s.put("backup copy", "backup copy --from " + tmp.resolve("repo3") + " --to " + tmp.resolve("repo"));
        s.put("demo", "demo");
        s.put("js", "js " + DRY + " lab.vm('web1').start()");
        s.put("java", "java " + DRY + " lab.vm(\"web1\").start()");
        s.put("run", "run " + DRY + " " + tmp.resolve("start.js") + " web1");
        return s;
    }

    /** The first 8 digits of the backup {@link #setUp} takes. */
    private String backupId;
    /** The first 8 digits of the host image {@link #setUp} takes. */
    private String hostImageId;

    static final String DRY = "{--dry-run}";

    static String dry(String sample) {
        return sample.contains(DRY) ? sample.replace(DRY, "--dry-run") : sample + " --dry-run";
    }

    private void setUp(ShellFixture shell) throws IOException {
        Files.writeString(tmp.resolve("start.js"), "lab.vm(args[0]).start();\n");
        // the published lab CA's key pair, as a user's own would be signed and enrolled with
        Files.createDirectories(tmp.resolve("sb"));
        Files.writeString(tmp.resolve("ca.crt"), LabCa.certificatePem());
        try (var key = LabCa.class.getResourceAsStream("lab-ca.key.pem")) {
            Files.write(tmp.resolve("ca.key"), key.readAllBytes());
        }
        Files.writeString(tmp.resolve("more.yaml"),
                "vms: [{name: more1, host: esx1, vcpus: 1, memory: 1GiB, os: linux-server}]\n");
        shell.small().ok("vm create sus1 --host ws1 --vcpus 1 --memory 1GiB --os linux-server;"
                + "vm start dev1 sus1 --wait; vm suspend sus1; advance 1m; snapshot create dev1 base; advance 1m;"
                + "host create off1 --cores 4 --ram 8GiB --firmware bios; host install off1 --hypervisor type1;"
                + "host create bare --cores 4 --ram 8GiB --firmware bios;"
                + "disk create " + tmp.resolve("sb/uefi.qcow2") + " --size 256MiB --os linux-server --firmware uefi;"
                + "host create efi1 --cores 4 --ram 8GiB; host install efi1 --hypervisor type1; host power-on efi1 --wait;"
                + "vm create boot1 --host esx1 --vcpus 1 --memory 1GiB --os linux-server; vm start boot1;"
                + "workload create mine --like web --reads 200;"
                + "backup init " + tmp.resolve("repo") + "; backup run dev1 --strategy full --repo " + tmp.resolve("repo")
                + "; backup init " + tmp.resolve("repo3") + "; backup run dev1 --strategy dedup --repo "
                + tmp.resolve("repo3") + "; backup run off1 --image --repo " + tmp.resolve("repo"));
        shell.ctx.passwordReader(prompt -> "secret");
        hostImageId = shell.run("backup list --json --repo " + tmp.resolve("repo")).json().get(1).get("id").asText()
                .substring(0, 8);
        backupId = shell.run("backup list --json --repo " + tmp.resolve("repo")).json().get(0).get("id").asText()
                .substring(0, 8);
    }

    @Test
    void everyChangingCommandHasADryRunThatChangesNoFile() throws Exception {
        Path dir = tmp.resolve("lab");
        try (ShellFixture shell = ShellFixture.in(dir)) {
            setUp(shell);
            Map<String, String> samples = samples();
            for (String path : shell.ctx.commands().paths()) {
                if (leaf(shell, path) instanceof ChangeCommand) {
                    assertThat(samples).as("a dry-run sample for '" + path + "' (a new changing command needs one)")
                            .containsKey(path);
                }
            }
            samples.remove("demo"); // its names are taken in this lab: below, on an empty one
            for (Map.Entry<String, String> e : samples.entrySet()) {
                Map<String, String> before = digest(dir);
                Map<String, String> repoBefore = digest(tmp.resolve("repo"));
                Map<String, String> imageBefore = digest(tmp.resolve("sb"));
                ShellFixture.Result r = shell.run(dry(e.getValue()));
                assertThat(r.ok()).as(e.getValue() + ": " + r.err()).isTrue();
                // a script's stdout is its own: run reports its prediction on stderr
                if (e.getKey().equals("run")) {
                    assertThat(r.err()).as(e.getValue()).contains("dry run: nothing was changed");
                } else {
                    assertThat(r.out()).as(e.getValue()).startsWith("dry run: nothing was changed");
                }
                assertThat(digest(dir)).as("files after " + e.getValue() + " --dry-run").isEqualTo(before);
                assertThat(digest(tmp.resolve("repo"))).as("the repository after " + e.getValue() + " --dry-run")
                        .isEqualTo(repoBefore);
                assertThat(digest(tmp.resolve("sb"))).as("the image after " + e.getValue() + " --dry-run")
                        .isEqualTo(imageBefore);
                assertThat(tmp.resolve("repo2")).doesNotExist();
            }
        }
        Path empty = tmp.resolve("empty");
        try (ShellFixture shell = ShellFixture.in(empty)) {
            shell.ok("time");
            Map<String, String> before = digest(empty);
            assertThat(shell.ok("demo --dry-run")).contains("esx1", "host", "running");
            assertThat(digest(empty)).isEqualTo(before);
            assertThat(shell.ok("host list")).startsWith("no hosts yet");
        }
    }

    @Test
    void aDryRunPredictsTheTimelineAndEndStateOfABootStorm() throws Exception {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("storm"))) {
            setUp(shell);
            String prediction = shell.ok("vm start web1 fc1 --dry-run");
            assertThat(prediction).contains("Predicted from lab time", "kernel", "init", "bound by:");
            assertThat(prediction).containsPattern("web1 +vm +defined +running");
            assertThat(prediction).containsPattern("fc1 +vm +defined +running");
            String real = shell.ok("vm start web1 fc1 --wait; vm list");
            assertThat(real).containsPattern("web1 +esx1 +running");
            assertThat(shell.run("vm start web1 --dry-run").err()).contains("web1 is running");
        }
    }

    private static Object leaf(ShellFixture shell, String path) {
        String[] words = path.split(" ");
        CommandLine line = shell.ctx.commands().line(words[0]).orElseThrow();
        for (int i = 1; i < words.length; i++) {
            line = line.getSubcommands().get(words[i]);
        }
        return line.getCommand();
    }

    /**
     * Every file in the directory and the SHA-256 of its size and bytes. Host disks are sparse files of terabytes:
     * only their data runs are read (everything else reads as zeros), found as qemu-img finds them.
     */
    static Map<String, String> digest(Path dir) {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(dir)) {
            // lab.lock names the process holding the lab (pid, since): who looked, not what the lab holds
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().equals("lab.lock"))
                    .toList()) {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long size = Files.size(f);
                sha.update(Long.toString(size).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                try (var ch = java.nio.channels.FileChannel.open(f)) {
                    for (var run : dev.hyperlab.core.storage.SparseFiles.dataRuns(f, 0, size)) {
                        sha.update(Long.toString(run.start()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(1 << 20);
                        for (long pos = run.start(); pos < run.end(); ) {
                            buf.clear().limit((int) Math.min(buf.capacity(), run.end() - pos));
                            int n = ch.read(buf, pos);
                            if (n < 0) {
                                break;
                            }
                            sha.update(buf.flip());
                            pos += n;
                        }
                    }
                }
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(sha.digest()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
