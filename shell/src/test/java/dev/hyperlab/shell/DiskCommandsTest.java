package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk commands end to end, as scripts use them: the shell in batch mode in its own process, relative paths
 * resolved against its working directory, exit status, one-line errors on stderr, --json beside qemu-img's own JSON.
 */
class DiskCommandsTest {
    @TempDir
    Path home;

    @BeforeEach
    void needsQemuImg() {
        Assumptions.assumeFalse("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG")), "HYPERLAB_SKIP_QEMU_IMG=1");
    }

    private ShellProcess.Run hl(String commands) {
        return ShellProcess.run(home, null, "--lab", "./lab", "-c", commands);
    }

    private ShellProcess.Run ok(String commands) {
        ShellProcess.Run r = hl(commands);
        assertThat(r.status()).as(commands + "\n" + r.err()).isZero();
        assertThat(r.err()).isEmpty();
        return r;
    }

    /** qemu-img in the shell's working directory; its output, after checking its exit status. */
    private String qemuImg(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("qemu-img"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + "\n" + out).isZero();
        return out;
    }

    private static JsonNode json(String text) throws Exception {
        return ShellFixture.JSON.readTree(text);
    }

    @Test
    void createInfoListCheckAndConvertAgreeWithQemuImg() throws Exception {
        ShellProcess.Run made = ok("disk create base.qcow2 --size 1GiB --os linux-server;"
                + "disk create data.raw --size 64MiB --format raw;"
                + "disk create web.qcow2 --backing base.qcow2;"
                + "disk create big.qcow2 --size 2GiB --backing base.qcow2");
        assertThat(made.out()).contains("created qcow2 image " + home.resolve("base.qcow2"),
                "created raw image " + home.resolve("data.raw"), "backing " + home.resolve("base.qcow2"));
        qemuImg("snapshot", "-c", "before-upgrade", "web.qcow2");
        qemuImg("snapshot", "-c", "after", "web.qcow2");

        for (String image : List.of("base.qcow2", "data.raw", "web.qcow2", "big.qcow2")) {
            JsonNode ours = json(ok("disk info " + image + " --json").out());
            JsonNode qemu = json(qemuImg("info", "--output=json", image));
            assertThat(ours.get("path").asText()).isEqualTo(home.resolve(image).toString());
            assertThat(ours.get("format").asText()).isEqualTo(qemu.get("format").asText());
            assertThat(ours.get("virtualSize").asLong()).as(image).isEqualTo(qemu.get("virtual-size").asLong());
            assertThat(ours.get("clusterSize").asLong()).as(image)
                    .isEqualTo(qemu.has("cluster-size") ? qemu.get("cluster-size").asLong() : 0);
            assertThat(ours.get("backingFile").asText()).as(image)
                    .isEqualTo(qemu.has("backing-filename") ? qemu.get("backing-filename").asText() : "");
            List<String> ourSnapshots = new ArrayList<>();
            ours.get("snapshots").forEach(s -> ourSnapshots.add(s.get("id").asText() + " " + s.get("name").asText()));
            List<String> qemuSnapshots = new ArrayList<>();
            if (qemu.has("snapshots")) {
                qemu.get("snapshots").forEach(s -> qemuSnapshots.add(s.get("id").asText() + " " + s.get("name").asText()));
            }
            assertThat(ourSnapshots).as(image).isEqualTo(qemuSnapshots);
            assertThat(ours.get("role").asText()).isEqualTo("created");
        }
        JsonNode web = json(ok("disk info web.qcow2 --json").out());
        assertThat(web.get("snapshots")).hasSize(2);
        assertThat(web.get("backingChain").get(0).get("path").asText()).isEqualTo(home.resolve("base.qcow2").toString());
        assertThat(web.get("actualSize").asLong()).isPositive();
        qemuImg("check", "base.qcow2");
        qemuImg("check", "big.qcow2");

        JsonNode list = json(ok("disk list --json").out());
        List<String> paths = new ArrayList<>();
        list.forEach(d -> paths.add(d.get("path").asText()));
        assertThat(paths).containsExactly(home.resolve("base.qcow2").toString(), home.resolve("big.qcow2").toString(),
                home.resolve("data.raw").toString(), home.resolve("web.qcow2").toString());
        assertThat(ok("disk list").out()).containsPattern("base.qcow2 +qcow2 +1 GiB +[0-9.]+ MiB +created +-");

        ShellProcess.Run check = ok("disk check web.qcow2; disk check data.raw --json");
        assertThat(check.out()).contains(home.resolve("web.qcow2") + ": no errors were found", "\"corrupt\" : false");

        ok("disk convert web.qcow2 web.raw --format raw; disk convert data.raw data.qcow2");
        qemuImg("compare", "web.qcow2", "web.raw");
        qemuImg("compare", "data.raw", "data.qcow2");
        qemuImg("check", "data.qcow2");
        assertThat(json(ok("disk info web.raw --json").out()).get("role").asText()).isEqualTo("converted");
    }

    @Test
    void aDiskMadeWithAnOsBootsAndABlankOneFailsWithNoBootableDevice() throws Exception {
        ok("disk create win.qcow2 --size 40GiB --os windows-server; disk create blank.qcow2 --size 1GiB;"
                + "disk create lin.raw --size 2GiB --os linux-server --format raw");
        ok("host create h --cores 8 --ram 32GiB; host install h --hypervisor type1; host power-on h --wait;"
                + "vm create w --host h --vcpus 2 --memory 4GiB --disk win.qcow2 --driver virtio-blk;"
                + "vm create l --host h --vcpus 1 --memory 1GiB --disk lin.raw;"
                + "vm create b --host h --vcpus 1 --memory 1GiB --disk blank.qcow2;"
                + "vm start w l --wait");
        ShellProcess.Run blank = hl("vm start b --wait");
        assertThat(blank.status()).isEqualTo(1);
        assertThat(blank.err()).startsWith("error: VM b crashed: No bootable device").endsWith(")\n")
                .doesNotContain("\n\n");
        JsonNode w = json(ok("vm info w --json").out());
        assertThat(w.get("state").asText()).isEqualTo("running");
        assertThat(w.get("os").asText()).isEmpty(); // it boots what its disk holds: the boot loader says windows-server
        assertThat(ok("disk info win.qcow2").out()).contains("used by", "w:disk0", "hyperlab-cbt");
        // the VM's disks are in use: another VM may not write them, nor may one write a base image
        ShellProcess.Run twice = hl("vm create w2 --host h --vcpus 1 --memory 1GiB --disk win.qcow2");
        assertThat(twice.status()).isEqualTo(1);
        assertThat(twice.err()).isEqualTo("error: " + home.resolve("win.qcow2") + " is already a disk of w:disk0 "
                + "(two VMs writing one image corrupt it: give VM w2 an overlay on it, a new disk with "
                + home.resolve("win.qcow2") + " as its backing file)\n");
        ok("vm shutdown w; vm shutdown l");
        qemuImg("check", "win.qcow2");
    }

    @Test
    void badInputIsOneLineOnStderrStatus1AndChangesNothing() throws Exception {
        ok("disk create a.qcow2 --size 1GiB");
        Files.writeString(home.resolve("notes.txt"), "not a disk\n");
        Files.createDirectories(home.resolve("dir"));
        qemuImg("create", "-q", "-f", "qcow2", "l1.qcow2", "1G");
        qemuImg("create", "-q", "-f", "qcow2", "-b", "l1.qcow2", "-F", "qcow2", "l2.qcow2");
        qemuImg("rebase", "-q", "-u", "-b", "l2.qcow2", "-F", "qcow2", "l1.qcow2"); // a backing cycle
        Map<String, String> cases = new TreeMap<>();
        cases.put("disk create x.qcow2 --size -5GiB", "--size: '-5GiB' is negative");
        cases.put("disk create x.qcow2", "a new disk needs a size");
        cases.put("disk create x.qcow2 --size 1000", "disk size 1000 B is not a whole number of 512-byte sectors");
        cases.put("disk create a.qcow2 --size 1GiB", home.resolve("a.qcow2") + " exists");
        cases.put("disk create x.qcow2 --size 1GiB --format vmdk", "unknown image format 'vmdk'");
        cases.put("disk create x.qcow2 --backing nothere.qcow2", "no image file " + home.resolve("nothere.qcow2"));
        cases.put("disk create x.qcow2 --backing notes.txt", home.resolve("notes.txt") + " is not a disk image");
        cases.put("disk create x.qcow2 --backing l2.qcow2", "backing chain loops");
        cases.put("disk create x.raw --format raw --backing a.qcow2", "a raw image cannot have a backing file");
        cases.put("disk create x.qcow2 --size 1GiB --os nope", "no OS profile 'nope'");
        cases.put("disk create x.qcow2 --size 64MiB --os windows-server", "is too small for windows-server");
        cases.put("disk create nodir/x.qcow2 --size 1GiB", "directory " + home.resolve("nodir") + " does not exist");
        cases.put("disk info notes.txt", "is not a disk image");
        cases.put("disk info dir", home.resolve("dir") + " is not a regular file");
        cases.put("disk check nothere.qcow2", "no image file");
        cases.put("disk info l1.qcow2", "backing chain loops");
        cases.put("disk convert nothere.raw y.qcow2", "no image file");
        cases.put("disk convert a.qcow2 notes.txt", home.resolve("notes.txt") + " exists");
        cases.put("disk convert a.qcow2 y.qcow2 --format vdi", "unknown image format 'vdi'");
        Map<String, String> before = DryRunTest.digest(home);
        for (Map.Entry<String, String> c : cases.entrySet()) {
            ShellProcess.Run r = hl(c.getKey());
            assertThat(r.status()).as(c.getKey()).isEqualTo(1);
            assertThat(r.err()).as(c.getKey()).startsWith("error: ").contains(c.getValue()).endsWith("\n")
                    .hasLineCount(1);
            assertThat(r.out()).as(c.getKey()).isEmpty();
        }
        Map<String, String> after = DryRunTest.digest(home);
        after.keySet().removeIf(k -> k.startsWith(".hyperlab")); // the shell's history
        before.keySet().removeIf(k -> k.startsWith(".hyperlab"));
        assertThat(after).as("files after refused commands").isEqualTo(before);
        assertThat(json(ok("disk list --json").out())).hasSize(1);
    }

    @Test
    void aCorruptImageFailsTheCheckAfterItsReportJsonIncluded() throws Exception {
        imageWithAFreeDataCluster(); // its refcount 0 while its L2 entry still points at it: a corruption
        long cluster = json(qemuImg("map", "--output=json", "bad.qcow2")).get(0).get("offset").asLong() / 65536;
        ShellProcess.Run human = hl("disk check bad.qcow2");
        assertThat(human.status()).isEqualTo(1);
        assertThat(human.out()).contains("ERROR cluster " + cluster + " refcount=0 reference=1");
        assertThat(human.err()).isEqualTo("error: " + home.resolve("bad.qcow2") + " is corrupt: 2 corruptions, 0 leaked "
                + "clusters (disk repair " + home.resolve("bad.qcow2") + " repairs refcounts as qemu-img check -r all does; "
                + "copy it first)\n");
        ShellProcess.Run js = hl("disk check bad.qcow2 --json");
        assertThat(js.status()).isEqualTo(1);
        JsonNode report = json(js.out());
        assertThat(report.get("corrupt").asBoolean()).isTrue();
        assertThat(report.get("corruptions").asLong()).isEqualTo(2);
        assertThat(report.get("problems")).hasSize(2);
        assertThat(js.err()).hasLineCount(1).startsWith("error: ");
        // what qemu-img itself says: corruptions, exit status 2
        Process q = new ProcessBuilder("qemu-img", "check", "bad.qcow2").directory(home.toFile()).start();
        q.getInputStream().readAllBytes();
        assertThat(q.waitFor()).isEqualTo(2);
    }

    /**
     * A table that points past the file's end: check no longer sends the user to disk repair, which refuses such an
     * image (as qemu-img check -r all cannot fix it either).
     */
    @Test
    void aTablePastTheFilesEndIsNotSentToRepair() throws Exception {
        qemuImg("create", "-q", "-f", "qcow2", "past.qcow2", "64M");
        try (var f = new java.io.RandomAccessFile(home.resolve("past.qcow2").toFile(), "rw")) {
            f.seek(40);
            long l1 = f.readLong(); // the header's l1_table_offset
            f.seek(l1);
            f.writeLong(0x8000_0000_0000_0000L | 0x7f_ffff_0000L); // L1 entry 0: an L2 table far past the end
        }
        ShellProcess.Run check = hl("disk check past.qcow2");
        assertThat(check.status()).isEqualTo(1);
        assertThat(check.err()).contains("a table that points past the file's end cannot be repaired")
                .doesNotContain("disk repair " + home.resolve("past.qcow2"));
        assertThat(hl("disk repair past.qcow2").status()).isEqualTo(1);
    }

    /** A qcow2 image QEMU wrote whose data cluster QEMU still reads but whose refcount says it is free. */
    private Path imageWithAFreeDataCluster() throws Exception {
        qemuImg("create", "-q", "-f", "qcow2", "bad.qcow2", "64M");
        Process p = new ProcessBuilder("qemu-io", "-c", "write -P 0x5a 0 128k", "bad.qcow2").directory(home.toFile())
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        long cluster = json(qemuImg("map", "--output=json", "bad.qcow2")).get(0).get("offset").asLong() / 65536;
        try (var f = new java.io.RandomAccessFile(home.resolve("bad.qcow2").toFile(), "rw")) {
            f.seek(0x20000 + cluster * 2);
            f.writeShort(0);
        }
        return home.resolve("bad.qcow2");
    }

    @Test
    void aCorruptImageIsNotAttachedUntilDiskRepairMendsIt() throws Exception {
        Path bad = imageWithAFreeDataCluster();
        Files.copy(bad, home.resolve("bad-js.qcow2"));
        Files.copy(bad, home.resolve("bad-java.qcow2"));
        byte[] before = Files.readAllBytes(bad);
        ok("host create h --cores 4 --ram 8GiB; host install h --hypervisor type1");

        ShellProcess.Run refused = hl("vm create v --host h --vcpus 1 --memory 1GiB --disk bad.qcow2");
        assertThat(refused.status()).isEqualTo(1);
        assertThat(refused.err()).hasLineCount(1)
                .startsWith("error: cannot write image " + bad + ": image is corrupt (2 corruptions; first: cluster ")
                .endsWith("nothing was written to it (repair it with disk repair " + bad + " (or qemu-img check -r all "
                        + bad + "); disk check lists every problem)\n");
        assertThat(Files.readAllBytes(bad)).isEqualTo(before);

        ShellProcess.Run dry = ok("disk repair bad.qcow2 --dry-run");
        assertThat(dry.out()).contains("would repair " + bad + ": 2 corruptions, 0 leaked clusters");
        assertThat(Files.readAllBytes(bad)).isEqualTo(before);

        ShellProcess.Run repaired = ok("disk repair bad.qcow2");
        assertThat(repaired.out()).isEqualTo("repaired " + bad + ": 2 corruptions, 0 leaked clusters\n"
                + bad + ": no errors were found\n");
        qemuImg("check", "bad.qcow2");
        // scripts reach the same repair through the facade
        ShellProcess.Run js = hl("js var r = lab.repairDisk('bad-js.qcow2'); r.before.corruptions + ' ' + r.after.corrupt");
        assertThat(js.status()).as(js.err()).isZero();
        assertThat(js.out()).isEqualTo("2 false\n");
        qemuImg("check", "bad-js.qcow2");
        ShellProcess.Run java = hl("java var r = lab.repairDisk(\"bad-java.qcow2\"); r.before().corruptions() + \" \" + r.after().corrupt()");
        assertThat(java.status()).as(java.err()).isZero();
        assertThat(java.out()).contains("\"2 false\"");
        qemuImg("check", "bad-java.qcow2");
        ok("vm create v --host h --vcpus 1 --memory 1GiB --disk bad.qcow2");
        assertThat(ok("disk repair bad.qcow2").out()).isEqualTo(bad + ": no errors were found; nothing to repair\n");
        qemuImg("check", "bad.qcow2");
    }

    @Test
    void dryRunsOfDiskCreateAndConvertWriteNoFile() throws Exception {
        ok("disk create a.qcow2 --size 1GiB");
        Map<String, String> before = DryRunTest.digest(home.resolve("lab"));
        ShellProcess.Run r = ok("disk create b.qcow2 --size 2GiB --os microvm --dry-run;"
                + "disk convert a.qcow2 a.raw --format raw --dry-run");
        assertThat(r.out()).contains("dry run: nothing was changed", "would create qcow2 image " + home.resolve("b.qcow2"),
                "would convert a.qcow2 to raw image " + home.resolve("a.raw"));
        try (Stream<Path> files = Files.list(home)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted())
                    .containsExactly("a.qcow2", "lab");
        }
        assertThat(DryRunTest.digest(home.resolve("lab"))).isEqualTo(before);
    }
}
