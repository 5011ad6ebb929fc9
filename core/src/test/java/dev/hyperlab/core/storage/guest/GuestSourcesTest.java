package dev.hyperlab.core.storage.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each missing Debian package is named, and the newest kernel is the one taken. */
class GuestSourcesTest {
    @TempDir
    Path root;

    /** The smallest ELF header that reads as a static x86-64 program: no program headers, so no PT_INTERP. */
    private static byte[] staticElf() {
        byte[] b = new byte[64];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        b[4] = 2;
        b[18] = 62;
        b[32] = 64; // e_phoff
        b[54] = 56; // e_phentsize
        return b;
    }

    private void put(String path, byte[] content) throws IOException {
        Path p = root.resolve(path);
        Files.createDirectories(p.getParent());
        Files.write(p, content);
    }

    @Test
    void eachMissingFileNamesItsPackageUntilAllArePresent() throws Exception {
        missing("linux-image-amd64", "vmlinuz-*-amd64");
        put("boot/vmlinuz-6.1.0-9-amd64", new byte[1]);
        put("boot/vmlinuz-6.1.0-57-amd64", new byte[2]);
        put("boot/vmlinuz-6.1.0-57-amd64.bak", new byte[3]);
        missing("linux-image-amd64", "lib/modules/6.1.0-57-amd64/modules.dep");
        put("lib/modules/6.1.0-57-amd64/modules.dep", new byte[0]);
        missing("busybox-static", "bin/busybox");
        put("bin/busybox", new byte[64]);
        missing("busybox-static", "is not a statically linked");
        put("bin/busybox", staticElf());
        missing("syslinux-common", "gptmbr.bin");
        put("usr/lib/SYSLINUX/gptmbr.bin", new byte[440]);
        missing("syslinux-efi", "syslinux.efi");
        put("usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", new byte[1]);
        missing("syslinux-common", "ldlinux.e64");
        put("usr/lib/syslinux/modules/efi64/ldlinux.e64", new byte[1]);
        missing("syslinux", "usr/bin/syslinux");
        put("usr/bin/syslinux", new byte[1]);
        GuestSources s = GuestSources.find(root);
        assertThat(s.kernelVersion()).isEqualTo("6.1.0-57-amd64");
        assertThat(s.kernel()).isEqualTo(root.resolve("boot/vmlinuz-6.1.0-57-amd64"));
    }

    private void missing(String debianPackage, String named) {
        assertThatThrownBy(() -> GuestSources.find(root)).isInstanceOfSatisfying(MissingGuestPackageException.class,
                e -> assertThat(e.debianPackage()).isEqualTo(debianPackage)).hasMessageContaining(named);
    }

    @Test
    void versionsCompareNumberByNumber() {
        assertThat(GuestSources.compareVersions("6.1.0-9-amd64", "6.1.0-57-amd64")).isNegative();
        assertThat(GuestSources.compareVersions("6.10.0-1-amd64", "6.9.0-3-amd64")).isPositive();
        assertThat(GuestSources.compareVersions("6.1.0-57-amd64", "6.1.0-57-amd64")).isZero();
    }
}
