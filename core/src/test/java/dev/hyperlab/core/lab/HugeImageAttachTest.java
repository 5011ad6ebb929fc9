package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.core.storage.qcow2.Qcow2CreateOptions;
import dev.hyperlab.core.storage.qcow2.Qcow2Image;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vm create --disk} with the largest images qcow2 allows (issue 13, item 10): the 2 PiB one ended in
 * OutOfMemoryError (a 4 GiB dirty bitmap), the 2 EiB one in ArrayIndexOutOfBoundsException.
 */
class HugeImageAttachTest {
    @TempDir Path tmp;

    @Test
    void theLargestImagesAreAttachedOrRefusedClearly() throws Exception {
        Path pib = tmp.resolve("2pib.qcow2"); // the most 64 KiB clusters address
        Qcow2Image.create(pib, Qcow2CreateOptions.ofSize(1L << 51)).close();
        Path eib = tmp.resolve("2eib.qcow2"); // the most 2 MiB clusters address
        Qcow2Image.create(eib, Qcow2CreateOptions.ofSize(1L << 61).withClusterSize(2 << 20)).close();
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 3)) {
            lab.createHost(HostSpec.of("h", 8, Sizes.parse("32GiB")));
            lab.createVm(VmSpec.of("pib", "h", 1, Sizes.parse("1GiB")).withDisks(List.of(pib.toString())));
            assertThat(lab.vm("pib").info().disks().getFirst().virtualSize()).isEqualTo(1L << 51);
            // its write tracking bitmap: 16 MiB per bit keeps it at 16 MiB of memory
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("eib", "h", 1, Sizes.parse("1GiB")).withDisks(List.of(eib.toString()))))
                    .isInstanceOf(LabException.class).hasMessageContaining("dirty bitmap").hasMessageNotContaining("\n");
        }
        try (Qcow2Image img = Qcow2Image.open(pib, true, List.of())) {
            assertThat(img.bitmaps()).singleElement().satisfies(b -> assertThat(b.granularity()).isEqualTo(16L << 20));
        }
    }
}
