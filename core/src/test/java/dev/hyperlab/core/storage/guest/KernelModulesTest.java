package dev.hyperlab.core.storage.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drivers resolve to module files through modules.dep, dependencies first; built-in ones need none. */
class KernelModulesTest {
    @TempDir
    Path dir;

    @Test
    void dependenciesComeFirstEachOnceAndBuiltInDriversNeedNothing() throws Exception {
        Files.writeString(dir.resolve("modules.dep"), String.join("\n",
                "kernel/drivers/virtio/virtio_ring.ko:",
                "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_modern_dev.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko:",
                "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko",
                ""));
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/input/evdev.ko\n");
        List<String> order = KernelModules.read(dir).loadOrder(List.of("virtio_pci", "virtio-blk", "evdev"));
        assertThat(order).containsExactly("kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
                "kernel/drivers/virtio/virtio_pci_modern_dev.ko", "kernel/drivers/virtio/virtio_pci.ko",
                "kernel/drivers/block/virtio_blk.ko");
    }

    @Test
    void anUnknownDriverACompressedModuleAndALoopAreRefused() throws Exception {
        Files.writeString(dir.resolve("modules.dep"), String.join("\n",
                "kernel/a.ko: kernel/b.ko",
                "kernel/b.ko: kernel/a.ko",
                "kernel/c.ko.xz:",
                ""));
        KernelModules m = KernelModules.read(dir);
        assertThatThrownBy(() -> m.loadOrder(List.of("virtio_blk"))).hasMessageContaining("has no driver virtio_blk");
        assertThatThrownBy(() -> m.loadOrder(List.of("c"))).hasMessageContaining("is compressed");
        assertThatThrownBy(() -> m.loadOrder(List.of("a"))).hasMessageContaining("depends on itself");
    }
}
