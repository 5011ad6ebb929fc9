package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of a real VM (QEMU, TCG, the tiny-linux guest through SeaBIOS): one with the VM's state while it runs,
 * a reboot that writes the disk again (the guest counts its boots in the first sector of its data partition), a
 * revert that brings the first boot's disk and the running guest back, then snapshots of the VM while it is off,
 * checked by qemu-img and by hyperlab's own qcow2 code; the same from JavaScript and a Java snippet.
 */
class QemuSnapshotTest {
    /** The data partition starts after 1 MiB of GPT and the 48 MiB EFI system partition (docs/tiny-linux.md). */
    private static final long DATA_PARTITION = 49L << 20;

    @TempDir
    Path home;

    @AfterEach
    void stopEverything() throws Exception {
        RealVms.kill(home.resolve("lab"), "g1");
    }

    private ShellFixture open() {
        return new ShellFixture(() -> Labs.open(home.resolve("lab"), 1, Extensions.builtIn(), Optional.of("qemu")));
    }

    /** What the guest last wrote at the start of its data partition ("hyperlab-guest boot N"). */
    private static String bootRecord(Path disk) throws Exception {
        try (DiskImage img = DiskImages.open(disk, true)) {
            ByteBuffer b = ByteBuffer.allocate(64);
            img.read(DATA_PARTITION, b);
            String s = new String(b.array(), StandardCharsets.US_ASCII);
            int end = s.indexOf('\n');
            return end < 0 ? s.replace("\0", "") : s.substring(0, end);
        }
    }

    private static List<String> qemuImgSnapshots(Path disk) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "snapshot", "-l", disk.toString()).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>(new String(p.getInputStream().readAllBytes()).lines().toList());
        p.waitFor();
        return lines;
    }

    @Test
    void aSnapshotWithVmStateTakesTheRunningGuestBackAndTheDisksWithIt() throws Exception {
        try (ShellFixture sh = open()) {
            sh.ok("vm create g1 --host local --vcpus 1 --memory 256MiB --os tiny-linux");
            sh.ok("vm start g1 --wait --timeout 5m");
            Path disk = Path.of(sh.run("vm info g1 --json").json().get("disks").get(0).get("path").asText());

            assertThat(sh.ok("snapshot create g1 booted --description 'first boot'")).contains("booted");
            JsonNode booted = sh.run("snapshot list g1 --json").json().get(0);
            assertThat(booted.get("name").asText()).isEqualTo("booted");
            assertThat(booted.get("state").asText()).isEqualTo("running");
            assertThat(booted.get("diskOnly").asBoolean()).isFalse();
            assertThat(booted.get("vmStateSize").asLong()).as("QEMU saved the VM's RAM in the qcow2").isPositive();
            assertThat(booted.get("current").asBoolean()).isTrue();
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("running");

            // a second boot writes "boot 2" over the first boot's record; the revert takes it back
            sh.ok("vm reboot g1 --wait --timeout 5m");
            assertThat(sh.ok("vm console g1 --no-follow")).contains("boot 2");
            sh.ok("snapshot revert g1 booted");
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("running");
            assertThat(sh.ok("timeline g1")).contains("revert");

            // suspended: the guest's memory saved in the lab, its QEMU gone; resumed from it: the same guest runs on,
            // with no new boot
            long pid = Long.parseLong(Files.readString(home.resolve("lab/vms/g1/qemu.pid")).strip());
            int bioses = sh.ok("vm console g1 --no-follow").split("SeaBIOS", -1).length;
            sh.ok("vm suspend g1");
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("suspended");
            assertThat(Files.size(home.resolve("lab/vms/g1/memory.state"))).isPositive();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            sh.ok("vm resume g1 --wait --timeout 5m");
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("running");
            assertThat(sh.ok("vm console g1 --no-follow").split("SeaBIOS", -1).length).isEqualTo(bioses);
            assertThat(sh.ok("timeline g1")).contains("suspended", "resume");
            sh.ok("vm shutdown g1 --wait --timeout 2m");
            assertThat(bootRecord(disk)).isEqualTo("hyperlab-guest boot 1");

            // off: a disk-only snapshot by hyperlab's own qcow2 code, which qemu-img lists beside QEMU's
            sh.ok("snapshot create g1 off");
            JsonNode off = sh.run("snapshot list g1 --json").json().get(1);
            assertThat(off.get("diskOnly").asBoolean()).isTrue();
            assertThat(off.get("parent").asText()).isEqualTo("booted");
            assertThat(String.join("\n", qemuImgSnapshots(disk))).contains("booted", "off");
            assertThat(sh.ok("js lab.vm('g1').snapshots().map(s => s.name + ':' + s.diskOnly).join(' ')"))
                    .isEqualTo("booted:false off:true\n");
            assertThat(sh.ok("java lab.vm(\"g1\").snapshot(\"booted\").vmStateSize() > 0")).contains("true");
            assertThat(sh.run("snapshot create g1 off").err())
                    .startsWith("error: VM g1 already has a snapshot named 'off'");
            assertThat(sh.run("snapshot create g1 'a b'").err()).startsWith("error: snapshot name 'a b' has a space");

            // from off, a snapshot with VM state starts the VM where it was (-loadvm)
            sh.ok("snapshot revert g1 booted");
            assertThat(sh.run("vm info g1 --json").json().get("state").asText()).isEqualTo("running");
            assertThat(sh.ok("snapshot delete g1 off")).contains("off");
            assertThat(String.join("\n", qemuImgSnapshotsWhileRunning(disk))).doesNotContain(" off ");
            sh.ok("vm destroy g1");
            assertThat(String.join("\n", qemuImgSnapshots(disk))).contains("booted").doesNotContain(" off ");
        }
        // the lab file keeps them: a new shell lists the same
        try (ShellFixture sh = open()) {
            assertThat(sh.ok("snapshot list g1")).contains("booted");
        }
    }

    private static List<String> qemuImgSnapshotsWhileRunning(Path disk) throws Exception {
        Process p = new ProcessBuilder("qemu-img", "snapshot", "-U", "-l", disk.toString()).redirectErrorStream(true)
                .start();
        List<String> lines = new String(p.getInputStream().readAllBytes()).lines().toList();
        p.waitFor();
        return lines;
    }
}
