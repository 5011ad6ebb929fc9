package dev.hyperlab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.ByteRange;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.api.spi.SourceDisk;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kit as a plugin author uses it: a firmware model booted in a real lab, a strategy restored byte for byte. */
class PluginTestKitTest {

    /** Boots nothing, after a 2 s POST: the simplest firmware model there is. */
    static final class NothingBoots implements FirmwareModel {
        @Override
        public String id() {
            return "nothing";
        }

        @Override
        public String description() {
            return "boots nothing";
        }

        @Override
        public List<BootStep> post(MachineContext m) {
            return List.of(new BootStep("firmware", "init", Demand.fixed(Duration.ofSeconds(2))));
        }

        @Override
        public BootOutcome searchBoot(BootSearch s) {
            return BootOutcome.notFound("Nothing to boot here", List.of());
        }
    }

    /** Every allocated byte: the spi's own example strategy. */
    static final class EveryByte implements BackupStrategy {
        @Override
        public String id() {
            return "every-byte";
        }

        @Override
        public String description() {
            return "every allocated byte";
        }

        @Override
        public void backup(BackupContext context) throws IOException {
            for (SourceDisk disk : context.disks()) {
                DiskSink sink = context.sink(disk);
                for (ByteRange range : disk.allocated()) {
                    for (long at = range.offset(); at < range.end(); at += sink.maxChunk()) {
                        sink.store(at, (int) Math.min(sink.maxChunk(), range.end() - at));
                    }
                }
            }
        }
    }

    @Test
    void aFirmwareModelBootsInARealLab() {
        try (TestLab lab = PluginTestKit.lab().withFirmware(new NothingBoots()).start()) {
            BootRun run = lab.boot(VmSpec.of("vm1", TestLab.HOST, 1, Sizes.parse("1GiB")).withOs("linux-server")
                    .withFirmware("nothing"));
            assertThat(run.booted()).isFalse();
            assertThat(run.state()).isEqualTo("crashed");
            assertThat(run.reason()).isEqualTo("Nothing to boot here");
            assertThat(run.phase("firmware")).extracting(p -> p.step()).containsExactly("init");
            assertThat(lab.lab().info().plugins()).containsExactly(PluginTestKit.PLUGIN);
            assertThat(lab.faults()).isEmpty();
        }
    }

    @Test
    void aStrategysBackupsRestoreByteForByte() {
        try (TestRepository repo = PluginTestKit.repository().withStrategy(new EveryByte())) {
            TestDisk vda = repo.disk("vda", 32L << 20, 5);
            String first = repo.backup("web1", "every-byte", vda).id();
            String before = vda.sha256();
            vda.write(9, 40);
            String second = repo.backup("web1", "every-byte", vda).id();
            assertThat(PluginTestKit.sha256(repo.restore(first, "vda"))).isEqualTo(before);
            assertThat(PluginTestKit.sha256(repo.restore(second, "vda"))).isEqualTo(vda.sha256()).isNotEqualTo(before);
        }
    }
}
