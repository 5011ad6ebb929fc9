package dev.hyperlab.core.storage.guest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageFormat;
import dev.hyperlab.core.storage.QemuImg;
import dev.hyperlab.core.storage.fs.FileSystem;
import dev.hyperlab.core.storage.fs.FileSystems;
import dev.hyperlab.core.storage.fs.FsNode;
import dev.hyperlab.core.storage.fs.FsPaths;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import dev.hyperlab.core.storage.layout.Guid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny-linux guest image as QEMU and hyperlab's own readers see it, built from this machine's Debian packages
 * (CI installs them: see {@link GuestPackages}); booting it is {@link TinyLinuxBootTest}'s.
 */
class TinyLinuxImageTest {
    @TempDir
    static Path dir;
    static GuestSources sources;
    static Path image;

    @BeforeAll
    static void build() throws IOException {
        sources = GuestPackages.require();
        image = dir.resolve("guest.qcow2");
        try (DiskImage img = DiskImages.create(image, ImageFormat.QCOW2, 128L << 20)) {
            TinyLinuxImage.write(img, sources, 42);
        }
    }

    @Test
    void qemuImgAcceptsTheImage() throws Exception {
        QemuImg.require();
        QemuImg.run("qemu-img", "check", image.toString()).ok();
    }

    @Test
    void theGptHasALegacyBootableEspAndADataPartitionAndTheMbrCarriesGptmbr() throws Exception {
        try (DiskImage img = DiskImages.open(image, true)) {
            List<FileSystems.Partition> parts = FileSystems.partitions(img);
            assertThat(parts).extracting(FileSystems.Partition::number).containsExactly(1, 2);
            assertThat(parts.get(0).type()).isEqualTo(Guid.EFI_SYSTEM.toString());
            assertThat(parts.get(0).size()).isEqualTo(TinyLinuxImage.ESP_BYTES);
            assertThat(parts.get(1).type()).isEqualTo(Guid.LINUX_FILESYSTEM.toString());
            assertThat(parts.get(1).size()).isGreaterThanOrEqualTo(TinyLinuxImage.DATA_BYTES);
            assertThat(read(img, 0, 440)).isEqualTo(Files.readAllBytes(sources.gptmbr()));
            ByteBuffer entry = ByteBuffer.wrap(read(img, 1024, 128)).order(ByteOrder.LITTLE_ENDIAN);
            assertThat(entry.getLong(48) & BootDiskLayout.LEGACY_BIOS_BOOTABLE).as("ESP attributes").isNotZero();
            BootDiskProbe.Report probe = BootDiskProbe.probe(img);
            assertThat(probe.problems()).isEmpty();
            assertThat(probe.esp().orElseThrow().legacyBiosBootable()).isTrue();
            assertThat(probe.biosBootable()).as("gptmbr.bin starts the legacy-BIOS-bootable ESP").isTrue();
            byte[] syslinuxEfi = Files.readAllBytes(sources.syslinuxEfi());
            assertThat(probe.uefiLoader()).hasValueSatisfying(l -> assertThat(l).isEqualTo(syslinuxEfi));
        }
    }

    @Test
    void theEspHoldsBothLoadersTheKernelAndTheInitramfsAndSyslinuxInstalledItsBootSector() throws Exception {
        try (DiskImage img = DiskImages.open(image, true)) {
            FileSystem fs = FileSystems.open(img, 1);
            assertThat(fs.type()).isEqualTo("fat16");
            assertThat(fs.label()).isEqualTo("TINYLINUX");
            assertThat(file(fs, "/EFI/BOOT/BOOTX64.EFI")).isEqualTo(Files.readAllBytes(sources.syslinuxEfi()));
            assertThat(file(fs, "/EFI/BOOT/LDLINUX.E64")).isEqualTo(Files.readAllBytes(sources.ldlinuxE64()));
            assertThat(file(fs, "/VMLINUZ")).isEqualTo(Files.readAllBytes(sources.kernel()));
            assertThat(new String(file(fs, "/SYSLINUX.CFG"), StandardCharsets.US_ASCII))
                    .contains("KERNEL /VMLINUZ", "INITRD /INITRD.GZ", "APPEND console=ttyS0");
            assertThat(file(fs, "/EFI/BOOT/SYSLINUX.CFG")).isEqualTo(file(fs, "/SYSLINUX.CFG"));
            assertThat(file(fs, "/LDLINUX.SYS")).as("written by syslinux --install").isNotEmpty();
            for (FsNode n : fs.list(fs.root())) {
                assertThat(n.mtimeSeconds()).as("FAT date of %s: fixed, not the build's", new String(n.name(), StandardCharsets.UTF_8))
                        .isEqualTo(1_767_225_600L); // 2026-01-01 00:00 UTC
            }
            byte[] vbr = read(img, 2048L * 512, 512);
            assertThat(new String(vbr, 3, 8, StandardCharsets.US_ASCII)).as("OEM name of syslinux's boot sector").isEqualTo("SYSLINUX");
            assertThat(new String(vbr, 54, 8, StandardCharsets.US_ASCII)).as("the BPB hyperlab wrote, kept").isEqualTo("FAT16   ");
        }
    }

    @Test
    void theInitramfsHoldsBusyboxTheDriversInLoadOrderAndTheInit() throws Exception {
        Map<String, byte[]> cpio;
        try (DiskImage img = DiskImages.open(image, true)) {
            cpio = unpack(file(FileSystems.open(img, 1), "/INITRD.GZ"));
        }
        assertThat(cpio.get("bin/busybox")).isEqualTo(Files.readAllBytes(sources.busybox()));
        assertThat(cpio).containsKeys("dev/console", "lib/modules/virtio_blk.ko", "lib/modules/virtio_pci.ko",
                "lib/modules/virtio_balloon.ko", "bin/hyperlab-write");
        String init = new String(cpio.get("init"), StandardCharsets.UTF_8);
        assertThat(init).doesNotContain("@MODULES@").contains("marker ready");
        String modules = init.lines().filter(l -> l.startsWith("for m in ")).findFirst().orElseThrow();
        List<String> order = Arrays.asList(modules.substring(9, modules.indexOf(';')).split(" "));
        assertThat(order).containsSubsequence("virtio_pci.ko", "virtio_blk.ko");
        // each module after every module it depends on, by this kernel's modules.dep (which of two independent ones
        // comes first is the kernel's: 6.1.0-50 lists virtio.ko and virtio_ring.ko with no dependency between them)
        Map<String, List<String>> deps = new LinkedHashMap<>();
        for (String line : Files.readAllLines(sources.modules().resolve("modules.dep"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                deps.put(baseName(line.substring(0, colon)), Arrays.stream(line.substring(colon + 1).trim().split(" "))
                        .filter(d -> !d.isEmpty()).map(TinyLinuxImageTest::baseName).toList());
            }
        }
        for (int i = 0; i < order.size(); i++) {
            assertThat(order.subList(0, i)).as("loaded before %s", order.get(i))
                    .containsAll(deps.getOrDefault(order.get(i), List.of()));
        }
    }

    /** {@code kernel/drivers/virtio/virtio.ko.xz} as the initramfs names it: {@code virtio.ko}. */
    private static String baseName(String path) {
        String name = path.substring(path.lastIndexOf('/') + 1);
        return name.endsWith(".xz") || name.endsWith(".zst") ? name.substring(0, name.lastIndexOf('.')) : name;
    }

    @Test
    void theSameSeedWritesTheSameBytes() throws Exception {
        Path a = dir.resolve("a.raw");
        Path b = dir.resolve("b.raw");
        for (Path p : List.of(a, b)) {
            try (DiskImage img = DiskImages.create(p, ImageFormat.RAW, TinyLinuxImage.minimumSize())) {
                TinyLinuxImage.write(img, sources, 7);
            }
        }
        assertThat(Files.mismatch(a, b)).as("first differing byte (syslinux's FAT dates, say)").isEqualTo(-1);
    }

    @Test
    void fsckFatFindsTheEspHyperlabAndSyslinuxWroteClean() throws Exception {
        QemuImg.requireTool("fsck.fat");
        Path esp = dir.resolve("esp.fat");
        try (DiskImage img = DiskImages.open(image, true)) {
            Files.write(esp, read(img, 2048L * 512, (int) TinyLinuxImage.ESP_BYTES));
        }
        QemuImg.Result r = QemuImg.tool("fsck.fat", "-n", "-v", esp.toString()).ok();
        assertThat(r.out()).contains("2048 hidden sectors", "11 files").doesNotContain("differ", "Free cluster summary wrong");
    }

    static byte[] read(DiskImage img, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        img.read(at, b);
        return b.array();
    }

    static byte[] file(FileSystem fs, String path) throws IOException {
        FsNode node = FsPaths.resolve(fs, FsPaths.split(path.getBytes(StandardCharsets.UTF_8)), true, path).node();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        fs.read(node, (offset, bytes) -> {
            while (out.size() < offset) out.write(0);
            byte[] chunk = new byte[bytes.remaining()];
            bytes.get(chunk);
            out.write(chunk);
        });
        while (out.size() < node.size()) out.write(0);
        return out.toByteArray();
    }

    /** A gzip'd cpio newc archive's entries by name, read as the kernel's initramfs unpacker reads them. */
    static Map<String, byte[]> unpack(byte[] gz) throws IOException {
        byte[] raw = new GZIPInputStream(new ByteArrayInputStream(gz)).readAllBytes();
        Map<String, byte[]> out = new LinkedHashMap<>();
        int at = 0;
        while (true) {
            String magic = new String(raw, at, 6, StandardCharsets.US_ASCII);
            assertThat(magic).isEqualTo("070701");
            int size = Integer.parseInt(new String(raw, at + 6 + 6 * 8, 8, StandardCharsets.US_ASCII), 16);
            int nameSize = Integer.parseInt(new String(raw, at + 6 + 11 * 8, 8, StandardCharsets.US_ASCII), 16);
            String name = new String(raw, at + 110, nameSize - 1, StandardCharsets.UTF_8);
            int data = (at + 110 + nameSize + 3) & ~3;
            if (name.equals("TRAILER!!!")) return out;
            out.put(name, Arrays.copyOfRange(raw, data, data + size));
            at = (data + size + 3) & ~3;
        }
    }
}
