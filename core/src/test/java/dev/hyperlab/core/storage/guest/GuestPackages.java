package dev.hyperlab.core.storage.guest;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * What the tiny-linux tests need on the machine. The guest's Debian packages are installed by .ci/run, so a missing one
 * fails the test naming it (a developer may set {@code HYPERLAB_SKIP_QEMU_IMG=1} to skip, as for the other external
 * tools); QEMU's system emulator is needed only to boot, and a machine without it skips the boot tests with a message.
 */
final class GuestPackages {
    static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
    static final Path OVMF_CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    static final Path OVMF_VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    private GuestPackages() {}

    static GuestSources require() throws IOException {
        try {
            return GuestSources.find();
        } catch (MissingGuestPackageException e) {
            if ("1".equals(System.getenv("HYPERLAB_SKIP_QEMU_IMG"))) {
                Assumptions.abort(e.getMessage() + " and HYPERLAB_SKIP_QEMU_IMG=1: skipping the tiny-linux guest");
            }
            return fail(e.getMessage() + ": install the Debian package " + e.debianPackage() + " (.ci/run does)");
        }
    }

    static void requireQemu() {
        Assumptions.assumeTrue(Files.isExecutable(QEMU), "qemu-system-x86_64 is not installed (Debian package "
                + "qemu-system-x86): skipping the real boots of the tiny-linux guest");
        if (!Files.isRegularFile(OVMF_CODE) || !Files.isRegularFile(OVMF_VARS)) {
            fail("no " + OVMF_CODE + ": install the Debian package ovmf (.ci/run does)");
        }
    }
}
