package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Console lines as a real tiny-linux boot under SeaBIOS prints them (escapes included), and the phases they begin. */
class BootPhasesTest {
    private static Optional<String> phase(String raw) {
        return BootPhases.of(ConsoleLines.clean(raw)).map(BootPhases.Phase::id);
    }

    @Test
    void theLinesOfARealBootBeginTheirPhases() {
        assertThat(phase("\u001bc\u001b[?7l\u001b[2J\u001b[0mSeaBIOS (version 1.16.2-debian-1.16.2-1)\r"))
                .contains("firmware/seabios");
        assertThat(phase("Booting from Hard Disk...\r")).contains("firmware/boot-device");
        assertThat(phase("SYSLINUX 6.04 EDD 20210613 Copyright (C) 1994-2015 H. Peter Anvin et al\r"))
                .contains("bootloader");
        assertThat(phase("Loading /VMLINUZ...Loading /VMLINUZ...  ook\r")).contains("bootloader/load-vmlinuz");
        assertThat(phase("Loading /INITRD.GZ..Loading /INITRD.GZ....ook\r")).contains("bootloader/load-initrd.gz");
        assertThat(phase("Probing EDD (edd=off to disable)... o\u001bc\u001b[?7l\u001b[2J[    0.000000] Linux version "
                + "6.1.0-57-amd64 (debian-kernel@lists.debian.org)")).contains("kernel");
        assertThat(phase("hyperlab-guest: init 6.1.0-57-amd64 at 4.21 s\r")).contains("init/init");
        // under OVMF, syslinux.efi's loading lines and the kernel's first line share a console line
        assertThat(phase("\u001b[03;01HL\u001b[03;02Hoading /VMLINUZ... ok\u001b[04;01HLoading /INITRD.GZ... ok"
                + "[    0.000000] Linux version 6.1.0-57-amd64")).contains("kernel");
        assertThat(phase("hyperlab-guest: ready at 5.3 s\r")).contains("ready");
        assertThat(phase("hyperlab-guest# \u001b[6nhyperlab-guest: poweroff at 4.99 s\r")).contains("init/poweroff");
    }

    @Test
    void otherLinesBeginNothing() {
        for (String l : List.of("", "[    1.527964] VFS: Disk quotas dquot_6.6.0", "hyperlab-guest: ",
                "hyperlab-guest: $(rm -rf /) at 1 s", "Loading " + "x".repeat(100) + "...", "No bootable device.")) {
            assertThat(phase(l)).as(l).isEmpty();
        }
    }
}
