package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.VmInfo;
import dev.hyperlab.api.lab.VmSpec;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A clone's identity: a MAC address in QEMU's 52:54:00 range, unique in the lab and the same for the same seed, and a
 * machine id in /etc/machine-id's form; a linked clone's overlay costs what qemu-img create -b writes.
 */
class VmIdentitiesTest {
    private static final long GIB = 1L << 30;

    private static LabModel lab(long seed) {
        LabModel lab = LabModel.inMemory(seed);
        lab.createHost(HostSpec.of("h", 8, 64 * GIB));
        lab.installHost("h", HypervisorType.TYPE1, null);
        lab.createVm(VmSpec.of("src", "h", 1, GIB).withOs("linux-server"));
        return lab;
    }

    @Test
    void clonesGetUniqueMacsAndMachineIdsThatTheSeedDecides() {
        LabModel a = lab(7);
        LabModel b = lab(7);
        Set<String> macs = new HashSet<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            VmInfo.Identity x = (i % 2 == 0 ? a.cloneVm("src", "c" + i, ProgressListener.NONE)
                    : a.linkedCloneVm("src", "c" + i, ProgressListener.NONE)).identity();
            VmInfo.Identity y = (i % 2 == 0 ? b.cloneVm("src", "c" + i, ProgressListener.NONE)
                    : b.linkedCloneVm("src", "c" + i, ProgressListener.NONE)).identity();
            assertThat(y.mac()).isEqualTo(x.mac());
            assertThat(y.machineId()).isEqualTo(x.machineId());
            assertThat(x.mac()).matches("52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}")
                    .isNotEqualTo(VmIdentities.QEMU_DEFAULT_MAC);
            assertThat(x.machineId()).matches("[0-9a-f]{12}4[0-9a-f]{3}[89ab][0-9a-f]{15}");
            assertThat(x.linkedTo()).isEqualTo(i % 2 == 0 ? "" : "src");
            assertThat(macs.add(x.mac())).as("unique MAC").isTrue();
            assertThat(ids.add(x.machineId())).as("unique machine id").isTrue();
        }
        assertThat(lab(8).cloneVm("src", "c0", ProgressListener.NONE).identity().mac())
                .as("another seed, another address").isNotEqualTo(lab(7).cloneVm("src", "c0", ProgressListener.NONE)
                        .identity().mac());
        assertThat(a.vmInfo("src").identity()).isEqualTo(VmInfo.Identity.NONE);
    }

    @Test
    void anOverlaysMetadataIsWhatQemuImgCreateWrites() {
        // qemu-img create -f qcow2 -b base.qcow2 -F qcow2 overlay.qcow2 [SIZE]: the file sizes it leaves (QEMU 7.2)
        assertThat(VmClones.overlayMetadataBytes(10 * GIB)).isEqualTo(196_768);
        assertThat(VmClones.overlayMetadataBytes(2048 * GIB)).isEqualTo(229_376);
    }
}
