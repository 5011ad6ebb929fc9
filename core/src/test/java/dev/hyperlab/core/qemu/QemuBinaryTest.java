package dev.hyperlab.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.LabException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finding QEMU: the real one, a missing one, one too old, a program that is not QEMU. */
class QemuBinaryTest {
    @TempDir
    Path dir;

    private String script(String name, String versionLine) throws Exception {
        Path s = dir.resolve(name);
        Files.writeString(s, "#!/bin/sh\necho '" + versionLine + "'\n");
        Files.setPosixFilePermissions(s, PosixFilePermissions.fromString("rwx------"));
        return s.toString();
    }

    @Test
    void theInstalledQemuIsFoundWithItsVersionAndAccelerator() {
        QemuBinary q = QemuBinary.find("qemu-system-x86_64");
        assertThat(q.major()).isGreaterThanOrEqualTo(QemuBinary.MIN_MAJOR);
        assertThat(q.accelerator()).isEqualTo(Files.isWritable(Path.of("/dev/kvm")) ? "kvm" : "tcg");
        assertThat(q.hypervisorType()).isEqualTo(q.accelerator().equals("kvm") ? "type1" : "type2");
    }

    @Test
    void aMissingQemuIsOneClearError() {
        assertThatThrownBy(() -> QemuBinary.find(dir.resolve("no-qemu").toString()))
                .isInstanceOfSatisfying(LabException.class, e -> assertThat(e.kind()).isEqualTo(LabException.Kind.NOT_FOUND))
                .hasMessageContaining("no QEMU").hasMessageContaining("apt-get install qemu-system-x86");
    }

    @Test
    void aQemuTooOldIsRefused() throws Exception {
        String old = script("old-qemu", "QEMU emulator version 5.2.0 (Debian 1:5.2+dfsg-11)");
        assertThatThrownBy(() -> QemuBinary.find(old)).isInstanceOf(LabException.class)
                .hasMessageContaining("is QEMU 5.2.0, older than 6.2");
    }

    @Test
    void aProgramThatIsNotQemuIsRefused() throws Exception {
        String other = script("not-qemu", "bash, version 5.2");
        assertThatThrownBy(() -> QemuBinary.find(other)).isInstanceOf(LabException.class)
                .hasMessageContaining("is not QEMU");
    }

    @Test
    void aLabWhoseQemuIsMissingOrTooOldIsNotOpenedAndNothingIsWritten() throws Exception {
        Path lab = dir.resolve("lab");
        String old = script("old-qemu2", "QEMU emulator version 5.2.0 (Debian 1:5.2+dfsg-11)");
        for (String qemu : List.of(dir.resolve("no-qemu").toString(), old)) {
            boolean[] locked = {false};
            assertThatThrownBy(() -> QemuLab.open(lab, () -> {
                locked[0] = true;
                return () -> {};
            }, () -> QemuBinary.find(qemu))).isInstanceOf(LabException.class);
            assertThat(locked[0]).as("the lab's lock is not even taken").isFalse();
            assertThat(lab).doesNotExist();
        }
    }

    @Test
    void theVersionIsAskedOnceWhileTheBinaryStaysTheSame() throws Exception {
        Path asked = dir.resolve("asked");
        Path qemu = dir.resolve("counting-qemu");
        Files.writeString(qemu, "#!/bin/sh\necho x >> '" + asked + "'\necho 'QEMU emulator version 8.2.2'\n");
        Files.setPosixFilePermissions(qemu, PosixFilePermissions.fromString("rwx------"));
        Path cache = dir.resolve("qemu-binary");

        assertThat(QemuBinary.find(qemu.toString(), cache).version()).isEqualTo("8.2.2");
        assertThat(QemuBinary.find(qemu.toString(), cache).version()).isEqualTo("8.2.2");
        assertThat(Files.readAllLines(asked)).hasSize(1);

        // an upgrade changes the file: asked again
        Files.writeString(qemu, "#!/bin/sh\necho x >> '" + asked + "'\necho 'QEMU emulator version 9.0.1'\n");
        Files.setLastModifiedTime(qemu, java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L));
        assertThat(QemuBinary.find(qemu.toString(), cache).version()).isEqualTo("9.0.1");
        assertThat(Files.readAllLines(asked)).hasSize(2);

        // a cache that lies or is garbage is not believed: QEMU is asked
        for (String bad : List.of("garbage", Files.readAllLines(cache).get(0) + "\n99999.1.1\n",
                Files.readAllLines(cache).get(0) + "\n5.0.0\n")) {
            Files.writeString(cache, bad);
            assertThat(QemuBinary.find(qemu.toString(), cache).version()).isEqualTo("9.0.1");
        }
        assertThat(Files.readAllLines(asked)).hasSize(5);
    }

    @Test
    void aRefusedQemuLeavesNoCache() throws Exception {
        String old = script("old-qemu3", "QEMU emulator version 5.2.0");
        Path cache = dir.resolve("qemu-binary");
        assertThatThrownBy(() -> QemuBinary.find(old, cache)).isInstanceOf(LabException.class);
        assertThat(cache).doesNotExist();
    }
}
