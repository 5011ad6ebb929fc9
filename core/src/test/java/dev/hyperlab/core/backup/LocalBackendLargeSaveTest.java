package dev.hyperlab.core.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Packs of {@link LocalBackend#DIRECT_MIN} and more are written past the page cache where the file system allows. */
class LocalBackendLargeSaveTest {
    @TempDir
    Path tmp;

    @Test
    void largeFilesOfAnyLengthAndOffsetAreSavedByteForByte() throws IOException {
        LocalBackend.createLayout(tmp.resolve("r"));
        List<String> steps = new ArrayList<>();
        LocalBackend b = new LocalBackend(tmp.resolve("r"), steps::add);
        byte[] data = new byte[(10 << 20) + 8192];
        new Random(15).nextBytes(data);
        int[][] cases = {{0, LocalBackend.DIRECT_MIN}, {1, LocalBackend.DIRECT_MIN + 1},
            {4095, (2 << 20) + 4097}, {7, (3 << 20) + 511}, {0, LocalBackend.DIRECT_MIN - 1},
            {4096, (9 << 20) + 100}, {3, 10 << 20}};
        for (int i = 0; i < cases.length; i++) {
            int off = cases[i][0];
            int len = cases[i][1];
            String name = String.format("%02x", i) + "aa" + i;
            b.save(FileKind.PACK, name, data, off, len);
            byte[] back = Files.readAllBytes(b.path(FileKind.PACK, name));
            assertThat(back).as("case %d", i).isEqualTo(Arrays.copyOfRange(data, off, off + len));
        }
        // the steps a kill test stops at are the same as for small files, in the same order
        assertThat(steps.subList(0, 5)).containsExactly("save data/00aa0: half written", "save data/00aa0: written",
                "save data/00aa0: synced", "save data/00aa0: renamed", "save data/00aa0: directory synced");
        try (var s = Files.list(tmp.resolve("r").resolve(FileKind.TEMP.dir()))) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aLargeSaveStoppedHalfWayLeavesNoFile() throws IOException {
        LocalBackend.createLayout(tmp.resolve("r"));
        LocalBackend b = new LocalBackend(tmp.resolve("r"), step -> {
            if (step.endsWith(": half written")) {
                throw new IOException("disk unplugged");
            }
        });
        byte[] data = new byte[(2 << 20) + 100];
        assertThatThrownBy(() -> b.save(FileKind.PACK, "abcd", data, 0, data.length))
                .hasMessageContaining("disk unplugged");
        assertThat(Files.exists(b.path(FileKind.PACK, "abcd"))).isFalse();
        try (var s = Files.list(tmp.resolve("r").resolve(FileKind.TEMP.dir()))) {
            assertThat(s).isEmpty();
        }
    }
}
