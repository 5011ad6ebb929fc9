package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabEvent;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmChange;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CPU and memory hot-add ({@code vm set} on a running VM): within the VM's room, into a guest OS that onlines what is
 * added, at once and kept for its next boot; everything else about a running VM's vCPUs and memory is refused with
 * its reason and changes nothing.
 */
class VmHotPlugTest {
    static final long GIB = Sizes.GiB;

    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    /** A running 2-vCPU, 4 GiB VM {@code name} of {@code os} on an 8-core, 64 GiB host, with room for 8 and 16 GiB. */
    static void running(Lab lab, String name, String os) {
        lab.createVm(VmSpec.of(name, "h", 2, 4 * GIB).withOs(os).withHotPlug(8, 16 * GIB)
                .withDrivers(os.startsWith("windows") ? List.of("virtio-blk") : List.of()));
        lab.vm(name).start();
        lab.vm(name).waitFor(VmState.RUNNING, WorkloadTest.LONG);
    }

    @Test
    void aRunningLinuxGuestTakesMoreVcpusAndMemoryAtOnceAndKeepsThemForItsNextBoot() {
        try (LocalLab lab = Labs.open(tmp.resolve("lab"), 7)) {
            WorkloadTest.host(lab, 8, "64GiB");
            running(lab, "app", "linux-server");
            long committed = lab.host("h").memory().committed();
            java.time.Duration before = lab.info().time();

            VmInfo i = lab.vm("app").set(VmChange.NONE.withVcpus(4).withMemory(8 * GIB));

            assertThat(i.state()).isEqualTo(VmState.RUNNING);
            assertThat(i.vcpus()).isEqualTo(4);
            assertThat(i.memory()).isEqualTo(8 * GIB);
            assertThat(i.maxVcpus()).isEqualTo(8);
            assertThat(i.maxMemory()).isEqualTo(16 * GIB);
            assertThat(lab.info().time()).as("a hot-add takes no lab time").isEqualTo(before);
            assertThat(lab.host("h").memory().committed()).isEqualTo(committed + 4 * GIB);
            assertThat(lab.vm("app").memory().actual()).as("the guest sees the added memory").isEqualTo(8 * GIB);
            List<LabEvent> events = lab.events(dev.hyperlab.api.lab.EventFilter.ALL);
            assertThat(events.getLast().event()).contains("hot-added 2 vCPUs and 4 GiB");

            lab.vm("app").shutdown();
            lab.vm("app").waitFor(VmState.SHUTOFF, WorkloadTest.LONG);
            assertThat(lab.host("h").memory().committed()).isZero();
            lab.vm("app").start();
            lab.vm("app").waitFor(VmState.RUNNING, WorkloadTest.LONG);
            assertThat(lab.vm("app").info().vcpus()).isEqualTo(4);
            assertThat(lab.host("h").memory().committed()).isEqualTo(committed + 4 * GIB);
        }
    }

    @Test
    void aBuildWorkloadWidensWithItsHotAddedVcpus() {
        long[] ready = new long[2];
        for (int added = 0; added < 2; added++) {
            try (LocalLab lab = Labs.inMemory(7)) {
                WorkloadTest.host(lab, 4, "64GiB");
                lab.createVm(VmSpec.of("b", "h", 2, 4 * GIB).withOs("linux-server").withHotPlug(4, 0)
                        .withWorkload("build"));
                lab.createVm(VmSpec.of("n", "h", 2, 4 * GIB).withOs("linux-server").withWorkload("build"));
                WorkloadTest.startAll(lab, List.of("b", "n"));
                if (added == 1) {
                    lab.vm("b").set(VmChange.NONE.withVcpus(4)); // 6 busy vCPUs on 4 cores from now on
                }
                lab.advance("1h");
                ready[added] = Math.round(lab.vm("n").stat().cpuReady() * 1000);
            }
        }
        assertThat(ready[0]).as("4 busy vCPUs on 4 cores: the neighbour waits for none").isZero();
        assertThat(ready[1]).as("6 busy vCPUs on 4 cores: the neighbour waits").isPositive();
    }

    @Test
    void whatARunningVmCannotTakeIsRefusedAndChangesNothing() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 8, "64GiB");
            running(lab, "app", "linux-server");
            lab.createVm(VmSpec.of("fixed", "h", 2, 4 * GIB).withOs("linux-server"));
            lab.vm("fixed").start();
            lab.vm("fixed").waitFor(VmState.RUNNING, WorkloadTest.LONG);
            running(lab, "tiny", "tiny-linux");
            VmInfo app = lab.vm("app").info();

            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withVcpus(9)))
                    .isInstanceOf(LabException.class).hasMessageContaining("at most 8 vCPUs while it runs");
            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withMemory(32 * GIB)))
                    .hasMessageContaining("at most 16 GiB of memory while it runs");
            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withVcpus(1)))
                    .hasMessageContaining("cannot go from 2 to 1 while it runs");
            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withMemory(2 * GIB)))
                    .hasMessageContaining("cannot shrink").hasMessageContaining("mem balloon app 2 GiB");
            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withVcpus(4).withFirmware("uefi")))
                    .as("what is not hot-add needs it stopped").hasMessageContaining("running");
            assertThatThrownBy(() -> lab.vm("app").set(VmChange.NONE.withMaxVcpus(4)))
                    .as("its room is fixed while it runs").hasMessageContaining("running");
            assertThatThrownBy(() -> lab.vm("fixed").set(VmChange.NONE.withVcpus(3)))
                    .hasMessageContaining("at most 2 vCPUs while it runs: its hot-add room");
            assertThatThrownBy(() -> lab.vm("tiny").set(VmChange.NONE.withVcpus(3)))
                    .hasMessageContaining("cannot take vCPUs while it runs").hasMessageContaining("udev");
            assertThat(lab.vm("app").info()).isEqualTo(app);
            assertThat(lab.vm("tiny").info().vcpus()).isEqualTo(2);
        }
    }

    @Test
    void aWindowsServerGuestTakesVcpusAndMemory() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 8, "64GiB");
            running(lab, "win", "windows-server");
            VmInfo i = lab.vm("win").set(VmChange.NONE.withVcpus(3).withMemory(6 * GIB));
            assertThat(i.vcpus()).isEqualTo(3);
            assertThat(i.memory()).isEqualTo(6 * GIB);
        }
    }

    @Test
    void theRoomIsCheckedWhereItIsGiven() {
        try (LocalLab lab = Labs.inMemory(7)) {
            WorkloadTest.host(lab, 8, "64GiB");
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("a", "h", 4, 4 * GIB).withOs("linux-server")
                    .withHotPlug(2, 0))).hasMessageContaining("at most 2 vCPUs while running is fewer than its 4");
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("a", "h", 2, 4 * GIB).withOs("linux-server")
                    .withHotPlug(16, 0))).hasMessageContaining("host h has 8 cores");
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("a", "h", 2, 4 * GIB).withOs("linux-server")
                    .withHotPlug(0, 128 * GIB))).hasMessageContaining("host h has 64 GiB");
            assertThat(lab.vms()).isEmpty();

            lab.createVm(VmSpec.of("a", "h", 2, 4 * GIB).withOs("linux-server"));
            VmInfo i = lab.vm("a").set(VmChange.NONE.withMaxVcpus(6).withMaxMemory(12 * GIB));
            assertThat(i.maxVcpus()).isEqualTo(6);
            assertThat(i.maxMemory()).isEqualTo(12 * GIB);
            i = lab.vm("a").set(VmChange.NONE.withVcpus(8));
            assertThat(i.maxVcpus()).as("more vCPUs than its room: no room left").isEqualTo(8);
            assertThatThrownBy(() -> lab.vm("a").set(VmChange.NONE.withMaxMemory(GIB)))
                    .hasMessageContaining("less than its 4 GiB");
            assertThat(lab.vm("a").info().maxMemory()).isEqualTo(12 * GIB);
        }
    }
}
