package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A physical host's disk is one of the lab's images (issue 18: "a host's disk is not in {@code disk list}"): listed
 * once made, as {@code host-disk} used by {@code HOST:DEVICE}, never made by listing, refused as a VM's disk, gone with
 * its host; a fork lists the disks of its own hosts without touching the lab's.
 */
class HostDisksListedTest {
    @TempDir
    Path tmp;

    private static List<DiskInfo> hostDisks(Lab lab) {
        return lab.disks().stream().map(d -> d.info()).filter(i -> i.role().equals("host-disk")).toList();
    }

    @Test
    void aHostsDiskIsListedOnceMadeAndCannotBecomeAVmsDisk() throws Exception {
        Path dir = tmp.resolve("lab");
        Path file = dir.resolve("hosts/h/disk0.raw");
        try (LocalLab lab = Labs.open(dir, 5)) {
            lab.createHost(HostSpec.of("h", 8, Sizes.parse("32GiB")));
            assertThat(hostDisks(lab)).as("not made before the host needs it").isEmpty();
            assertThat(file).as("listing made no disk").doesNotExist();

            lab.host("h").install(HypervisorType.TYPE1);
            List<DiskInfo> listed = hostDisks(lab);
            assertThat(listed).singleElement().satisfies(i -> {
                assertThat(i.path()).isEqualTo(file.toString());
                assertThat(i.format()).isEqualTo("raw");
                assertThat(i.virtualSize()).isEqualTo(Files.size(file));
                assertThat(i.usedBy()).containsExactly("h:disk0");
            });

            lab.host("h").powerOn();
            lab.host("h").waitFor(HostState.RUNNING, Duration.ofMinutes(10));
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("v", "h", 1, Sizes.parse("1GiB"))
                    .withDisks(List.of(file.toString()))))
                    .isInstanceOf(LabException.class)
                    .hasMessageStartingWith(file + " is a physical host's disk: h:disk0 (a VM and its host");
            assertThat(lab.vms()).as("nothing changed").isEmpty();

            Lab fork = lab.fork();
            try {
                fork.createHost(HostSpec.of("f", 4, Sizes.parse("16GiB")));
                fork.host("f").install(HypervisorType.TYPE1);
                assertThat(hostDisks(fork)).extracting(DiskInfo::usedBy)
                        .containsExactly(List.of("h:disk0"), List.of("f:disk0")); // sorted by path: a file first
                assertThat(hostDisks(fork)).extracting(DiskInfo::format).containsOnly("raw");
            } finally {
                fork.close();
            }
            assertThat(hostDisks(lab)).as("the fork's host is not the lab's").hasSize(1);

            lab.host("h").powerOff();
            lab.host("h").delete();
            assertThat(hostDisks(lab)).isEmpty();
            assertThat(file).doesNotExist();
        }
    }
}
