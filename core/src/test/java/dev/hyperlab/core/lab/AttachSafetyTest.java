package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.core.storage.DamagedImages;
import dev.hyperlab.core.storage.DamagedImages.Damage;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Issue 13: a failed attach damaged the image (items 6 and 17), and a failed convert left its output behind (item 16).
 * Through the facade, as {@code vm create --disk} and {@code disk convert} reach it.
 */
class AttachSafetyTest {
    @TempDir
    Path tmp;

    @BeforeEach
    void qemu() {
        QemuImg.require();
    }

    private LocalLab lab(String name) {
        LocalLab lab = Labs.open(tmp.resolve(name), 7);
        lab.createHost(HostSpec.of("h", 4, Sizes.parse("8GiB")));
        lab.host("h").install(HypervisorType.TYPE1);
        return lab;
    }

    private static VmSpec vmWith(String name, Path disk) {
        return VmSpec.of(name, "h", 1, Sizes.parse("1GiB")).withDisks(List.of(disk.toString()));
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"REFCOUNT_TABLE_ENTRY_ZEROED", "DATA_REFCOUNTS_ZEROED"})
    void vmCreateRefusesACorruptImageAndLeavesItAsItWas(Damage damage) throws Exception {
        Path img = DamagedImages.make(tmp.resolve("damaged.qcow2"), damage);
        byte[] before = Files.readAllBytes(img);
        try (LocalLab lab = lab("lab")) {
            assertThatThrownBy(() -> lab.createVm(vmWith("v", img)))
                    .isInstanceOfSatisfying(LabException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LabException.Kind.INVALID);
                        assertThat(e.what()).startsWith("cannot write image " + img + ": image is corrupt (")
                                .endsWith("; nothing was written to it").doesNotContain("\n");
                        assertThat(e.hint()).contains("disk repair " + img, "qemu-img check -r all " + img);
                    });
            assertThat(lab.vms()).isEmpty();
        }
        assertThat(Files.readAllBytes(img)).isEqualTo(before);
        assertThat(DamagedImages.dataIntact(img)).isTrue();
        QemuImg.img("check", "-r", "all", img.toString()).ok();
    }

    @Test
    void twoLabsCannotBothWriteOneImage() throws Exception {
        Path img = DamagedImages.healthy(tmp.resolve("shared.qcow2"));
        try (LocalLab first = lab("first"); LocalLab second = lab("second")) {
            first.createVm(vmWith("a", img));
            assertThatThrownBy(() -> second.createVm(vmWith("b", img)))
                    .isInstanceOfSatisfying(LabException.class, e -> {
                        assertThat(e.kind()).isEqualTo(LabException.Kind.CONFLICT);
                        assertThat(e.what()).isEqualTo("image " + img + " is in use: failed to get \"write\" lock: "
                                + "another process is using the image (a running VM, qemu-io, qemu-img or another lab)");
                        assertThat(e.hint()).startsWith("close it there first");
                    });
            QemuImg.Result qemu = QemuImg.io("-c", "write 8M 512", img.toString());
            assertThat(qemu.exit()).isNotZero();
            assertThat(qemu.err()).contains("Failed to get \"write\" lock");
            var shared = second.disk(img.toString()).check(); // inspection shares, as qemu-img -U
            assertThat(shared.clean()).as("%s", shared).isTrue();
        }
        QemuImg.io("-c", "write 8M 512", img.toString()).ok(); // the lab released it when it closed
        QemuImg.assertClean(img);
        assertThat(DamagedImages.dataIntact(img)).isTrue();
    }

    @Test
    void aConvertThatFailsLeavesNoOutput() throws Exception {
        Path odd = tmp.resolve("odd.qcow2");
        QemuImg.img("create", "-q", "-f", "qcow2", odd.toString(), "1M").ok();
        try (var f = new java.io.RandomAccessFile(odd.toFile(), "rw")) {
            f.seek(24);
            f.writeLong(1_000_001); // a virtual size that is not whole sectors
        }
        Path out = tmp.resolve("out").resolve("odd.raw");
        Files.createDirectories(out.getParent());
        try (LocalLab lab = lab("lab")) {
            assertThatThrownBy(() -> lab.convertDisk(odd.toString(), out.toString(), "raw"))
                    .isInstanceOf(LabException.class)
                    .hasMessageContaining("not a whole number of 512-byte sectors");
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertThat(left).isEmpty();
        }
    }
}
