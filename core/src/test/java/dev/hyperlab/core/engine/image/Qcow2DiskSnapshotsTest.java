package dev.hyperlab.core.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.ImageException;
import dev.hyperlab.core.storage.qcow2.HostileImages;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code snapshot revert} reads of a qcow2 snapshot table that may be hostile (issue 13, item 9). */
class Qcow2DiskSnapshotsTest {
    @TempDir Path dir;

    @Test
    void aVmStateLargerThanItsFileIsRefusedBeforeItIsAllocated() throws Exception {
        // a 1 MiB file whose snapshot claims 2 GiB of VM state: revert allocated all of it before reading
        Path p = HostileImages.vmStateSize(dir.resolve("vmstate.qcow2"), 0x7fffffe0L);
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            DiskSnapshots snapshots = new Qcow2DiskSnapshots(() -> img, () -> { });
            assertThat(snapshots.find("s")).isPresent();
            assertThatThrownBy(() -> snapshots.readVmState("s")).isInstanceOf(ImageException.class)
                    .hasMessageContaining("more than the file holds");
        }
    }

    @Test
    void anHonestVmStateReadsBack() throws Exception {
        Path p = HostileImages.base(dir.resolve("base.qcow2"));
        try (Qcow2Image img = DiskImages.openQcow2(p, true)) {
            assertThat(new Qcow2DiskSnapshots(() -> img, () -> { }).readVmState("s")).hasSize(5000);
        }
    }
}
