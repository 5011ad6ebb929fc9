package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostDiskSpec;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * docs/validation.md cannot drift from the model: every concurrent-boot case there is run again here (the scenario
 * scripts/validate-contention.js runs) and its predicted ratio and error must be what the document says.
 */
class ContentionValidationTest {
    static final Duration HOUR = Duration.ofHours(1);

    /** One row of the contention table: case id, cores, VMs at once, predicted ratio, measured ratio, error in %. */
    record Row(String id, int cores, int vms, String predicted, double measured, String error, String line) {}

    static List<Row> rows() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path repo = Files.exists(root.resolve("docs/validation.md")) ? root : root.getParent();
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(repo.resolve("docs/validation.md"))) {
            if (!line.startsWith("| `ncu-")) {
                continue;
            }
            String[] c = line.split("\\|");
            // | case | host | sheet | cores | VMs | predicted | measured (ratio, then the two times) | error |
            rows.add(new Row(c[1].trim(), Integer.parseInt(c[4].trim()), Integer.parseInt(c[5].trim()), c[6].trim(),
                    Double.parseDouble(c[7].trim().split(" ")[0]), c[8].trim(), line));
        }
        return rows;
    }

    /** Mean lab seconds one of {@code n} single-vCPU Linux VMs takes to boot when all start at once. */
    static double meanBoot(int cores, int n) {
        LabModel lab = bootAtOnce(HostSpec.of("ncu", cores, Sizes.parse("64GiB"))
                .withDisks(List.of(HostDiskSpec.parse("nvme:1TiB"))), n, "evm-", "2GiB");
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += BootBehaviourTest.bootSeconds(lab, "evm-" + i);
        }
        return sum / n;
    }

    /**
     * A type 1 {@code host} booting {@code n} single-vCPU Linux VMs ({@code prefix}0 ..) of {@code memory} at once; the
     * lab once all of them run.
     */
    static LabModel bootAtOnce(HostSpec host, int n, String prefix, String memory) {
        LabModel lab = LabModel.inMemory(11);
        lab.createHost(host);
        lab.installHost(host.name(), HypervisorType.TYPE1, null);
        lab.powerOn(host.name());
        lab.waitHost(host.name(), HostState.RUNNING, HOUR, ProgressListener.NONE);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(prefix + i);
            lab.createVm(VmSpec.of(prefix + i, host.name(), 1, Sizes.parse(memory)).withOs("linux-server"));
        }
        lab.startVms(names);
        for (String name : names) {
            lab.waitVm(name, VmState.RUNNING, Duration.ofDays(1), ProgressListener.NONE);
        }
        return lab;
    }

    @Test
    void everyPredictedRatioInTheValidationDocIsWhatTheModelGives() throws Exception {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThanOrEqualTo(10);
        Map<String, Double> boots = new HashMap<>();
        boolean write = Boolean.getBoolean("hyperlab.docs.write"); // print the rows as the model gives them instead
        for (Row r : rows) {
            double solo = boots.computeIfAbsent(r.cores() + "/1", k -> meanBoot(r.cores(), 1));
            double many = boots.computeIfAbsent(r.cores() + "/" + r.vms(), k -> meanBoot(r.cores(), r.vms()));
            double ratio = many / solo;
            if (write) {
                String predicted = String.format(Locale.ROOT, "%.3f", ratio);
                double error = (Double.parseDouble(predicted) - r.measured()) / r.measured() * 100;
                System.out.println(r.line().replace(" " + r.predicted() + " | " + r.line().split("\\|")[7].trim()
                        + " | " + r.error() + " |", " " + predicted + " | " + r.line().split("\\|")[7].trim() + " | "
                        + String.format(Locale.ROOT, "%+.1f %%", error) + " |"));
                continue;
            }
            assertThat(r.predicted()).as(r.id() + ": predicted ratio").isEqualTo(String.format(Locale.ROOT, "%.3f", ratio));
            double error = (Double.parseDouble(r.predicted()) - r.measured()) / r.measured() * 100;
            assertThat(r.error()).as(r.id() + ": error").isEqualTo(String.format(Locale.ROOT, "%+.1f %%", error));
        }
    }
}
