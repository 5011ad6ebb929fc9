package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.core.backup.Qcow2BitmapTracker;
import dev.hyperlab.core.calibration.Calibration;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.Extent;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import dev.hyperlab.core.storage.workload.GuestRegions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What guests write reaches their disk images for real in a lab stored in a directory: Windows' boot writes and its
 * steady writes while running, deterministic for a seed, whatever the runs' split, recorded by the disk's dirty
 * bitmap, and accepted by qemu-img check. A Linux guest, with no sourced write rate, writes nothing.
 */
public class GuestWritesTest {
    @TempDir
    Path tmp;

    /** A running host with one Windows and one Linux VM (only Windows writes while it runs), both running. */
    public static void setUp(Lab lab) {
        lab.createHost(HostSpec.of("h", 16, Sizes.parse("64GiB")));
        lab.host("h").install(HypervisorType.TYPE1);
        lab.host("h").powerOn();
        lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(5));
        lab.createVm(VmSpec.of("win", "h", 2, Sizes.parse("4GiB")).withOs("windows-server")
                .withDrivers(List.of("virtio-blk")));
        lab.createVm(VmSpec.of("lin", "h", 2, Sizes.parse("2GiB")).withOs("linux-server"));
        lab.startVms(List.of("win", "lin"));
        lab.vm("win").waitFor(VmState.RUNNING, Duration.ofMinutes(10));
        lab.vm("lin").waitFor(VmState.RUNNING, Duration.ofMinutes(10));
    }

    /** SHA-256 over every cluster the image itself holds (not its backing file): offset and bytes. */
    static String ownData(Path image) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        try (DiskImage img = DiskImages.open(image, true)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 20);
            for (Extent e : img.map(0, img.virtualSize())) {
                if (!e.data() || e.depth() != 0) {
                    continue;
                }
                sha.update(ByteBuffer.allocate(8).putLong(0, e.offset()));
                for (long p = e.offset(); p < e.end(); p += buf.limit()) {
                    buf.clear().limit((int) Math.min(buf.capacity(), e.end() - p));
                    img.read(p, buf);
                    sha.update(buf.flip());
                }
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static long ownBytes(Path image) throws Exception {
        long n = 0;
        try (DiskImage img = DiskImages.open(image, true)) {
            for (Extent e : img.map(0, img.virtualSize())) {
                n += e.data() && e.depth() == 0 ? e.length() : 0;
            }
        }
        return n;
    }

    @Test
    void aWindowsBootAndItsRunningMinutesAreWrittenIntoItsOverlayAndItsBitmap() throws Exception {
        Path dir = tmp.resolve("lab");
        long linuxAtCreation;
        try (LocalLab lab = Labs.open(dir, 11)) {
            lab.createHost(HostSpec.of("h0", 2, Sizes.parse("8GiB")));
            lab.createVm(VmSpec.of("probe", "h0", 1, Sizes.parse("1GiB")).withOs("linux-server"));
        }
        linuxAtCreation = ownBytes(dir.resolve("vms/probe/disk0.qcow2"));
        try (LocalLab lab = Labs.open(dir, 11)) {
            setUp(lab);
            lab.advance("10m");
        }
        Path win = dir.resolve("vms/win/disk0.qcow2");
        Path lin = dir.resolve("vms/lin/disk0.qcow2");
        GuestRegions regions = GuestRegions.of(Sizes.parse("40GiB")).orElseThrow();
        try (Qcow2Image img = DiskImages.openQcow2(win, true)) {
            Qcow2BitmapTracker cbt = Qcow2BitmapTracker.of(img).orElseThrow();
            assertThat(cbt.consistent()).as("the bitmap was stored at close").isTrue();
            List<ByteRange> changed = cbt.changed();
            long dirty = changed.stream().mapToLong(ByteRange::length).sum();
            // the boot's 24 MB, then ten minutes at 30 KiB/s: every byte written is in a dirty cluster
            long steady = (long) (Calibration.WIN_DESKTOP_STEADY_IOPS * Calibration.WIN_DESKTOP_STEADY_WRITE_FRACTION
                    * Calibration.WIN_DESKTOP_STEADY_WRITE_BYTES * 60 * 9);
            assertThat(dirty).isGreaterThanOrEqualTo(Calibration.WINDOWS_BOOT_WRITE_BYTES + steady);
            assertThat(changed).anySatisfy(r -> assertThat(r.offset()).isBetween(regions.system().start(),
                    regions.system().end()));
            assertThat(changed).anySatisfy(r -> assertThat(r.offset()).isBetween(regions.logs().start(),
                    regions.logs().end()));
            assertThat(changed).anySatisfy(r -> assertThat(r.offset()).isBetween(regions.data().start(),
                    regions.data().end()));
            assertThat(changed).allSatisfy(r -> assertThat(r.offset()).isGreaterThanOrEqualTo(regions.system().start()));
            // and the bytes are there: the system region holds the boot's OS state files, not zeros
            ByteBuffer first = ByteBuffer.allocate(4096);
            img.read(regions.system().start(), first);
            assertThat(first.array()).isNotEqualTo(new byte[4096]);
        }
        assertThat(ownBytes(win)).isGreaterThan(Calibration.WINDOWS_BOOT_WRITE_BYTES);
        // a Linux guest writes nothing (docs/calibration.md, gap 28): its overlay is as vm create made it
        assertThat(ownBytes(lin)).isEqualTo(linuxAtCreation);
        QemuImg.require();
        QemuImg.img("check", win.toString()).ok();
        QemuImg.img("check", lin.toString()).ok();
        assertThat(QemuImg.img("info", "--output=json", win.toString()).ok().out()).contains("hyperlab-cbt");
    }

    @Test
    void theSameSeedWritesTheSameBytesHoweverTheRunIsSplitAndSaved() throws Exception {
        Path straight = tmp.resolve("straight");
        try (LocalLab lab = Labs.open(straight, 5)) {
            setUp(lab);
            lab.advance("7m30s");
        }
        Path split = tmp.resolve("split");
        try (LocalLab lab = Labs.open(split, 5)) {
            setUp(lab);
            lab.advance("1m");
            lab.advance("59s");
        }
        try (LocalLab lab = Labs.open(split, 5)) { // reopened from its files mid-run
            lab.advance("2m1s");
            lab.advance("3m30s");
        }
        Path other = tmp.resolve("other-seed");
        try (LocalLab lab = Labs.open(other, 6)) {
            setUp(lab);
            lab.advance("7m30s");
        }
        String a = ownData(straight.resolve("vms/win/disk0.qcow2"));
        assertThat(ownData(split.resolve("vms/win/disk0.qcow2"))).isEqualTo(a);
        assertThat(ownData(other.resolve("vms/win/disk0.qcow2"))).as("another seed, other bytes").isNotEqualTo(a);
    }

    @Test
    void labsInMemoryWriteNothingAndKeepTheSameTimeline() throws Exception {
        Path dir = tmp.resolve("files");
        List<?> inFiles;
        try (LocalLab lab = Labs.open(dir, 9)) {
            setUp(lab);
            lab.advance("5m");
            inFiles = lab.timeline();
        }
        try (LocalLab lab = Labs.inMemory(9)) {
            setUp(lab);
            lab.advance("5m");
            assertThat(lab.timeline()).as("real writes never change the simulation").isEqualTo(inFiles);
            assertThat(lab.disk(lab.vm("win").info().disks().getFirst().path()).info().actualSize())
                    .as("an in-memory Windows disk after boot and five minutes").isZero();
        }
    }
}
