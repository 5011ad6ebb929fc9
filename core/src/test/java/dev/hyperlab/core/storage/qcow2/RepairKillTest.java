package dev.hyperlab.core.storage.qcow2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.core.storage.DamagedImages;
import dev.hyperlab.core.storage.DamagedImages.Damage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.QemuImg;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A repair killed with SIGKILL at any of its image writes loses no guest data, and a second repair (or QEMU's)
 * finishes the job: the in-place path only ever writes true refcounts, the rebuild path switches to its new structure
 * in one header write. strace injects the kill at the n-th {@code pwrite64} of a child JVM, for every n.
 */
class RepairKillTest {
    @TempDir
    Path dir;

    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    /** Runs the repair child under strace (killing it at the n-th pwrite64 when n > 0); its output. */
    private static String repair(Path image, Path trace, int n) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("strace", "-f", "-qq", "-o", trace.toString(), "-e", "trace=pwrite64"));
        if (n > 0) cmd.addAll(List.of("-e", "inject=pwrite64:signal=KILL:when=" + n));
        cmd.addAll(List.of(JAVA, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                RepairChild.class.getName(), image.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    @ParameterizedTest
    @EnumSource(value = Damage.class, names = {"DATA_REFCOUNTS_ZEROED", "REFCOUNT_BLOCK_ON_L1_TABLE"})
    void aRepairKilledAtAnyWriteLosesNothingAndASecondRepairFinishes(Damage damage) throws Exception {
        QemuImg.require();
        Assumptions.assumeTrue(QemuImg.run("strace", "-V").exit() == 0, "needs strace to kill the child at a chosen write");
        Path template = DamagedImages.make(dir.resolve("template.qcow2"), damage);
        Path trace = dir.resolve("trace");
        Path counted = dir.resolve("counted.qcow2");
        Files.copy(template, counted);
        assertThat(repair(counted, trace, 0)).contains("done");
        int writes = (int) Files.readAllLines(trace).stream().filter(l -> l.contains("pwrite64(")).count();
        assertThat(writes).isPositive();
        int killed = 0;
        for (int n = 1; n <= writes; n++) {
            Path p = dir.resolve("killed-" + n + ".qcow2");
            Files.copy(template, p);
            if (!repair(p, trace, n).contains("done")) killed++;
            String as = damage + " killed at write " + n + " of " + writes;
            assertThat(DamagedImages.dataIntact(p)).as(as).isTrue();
            assertThat(DiskImages.repair(p).after().clean()).as(as).isTrue();
            QemuImg.assertClean(p);
            assertThat(DamagedImages.dataIntact(p)).as(as).isTrue();
            Files.delete(p);
        }
        assertThat(killed).as("the kills landed inside the repair").isGreaterThanOrEqualTo(writes / 2);
    }
}
