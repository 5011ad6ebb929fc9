package dev.hyperlab.core.storage.guest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The files of this machine's Debian packages that the tiny-linux guest is built from, found under a root directory
 * ({@code /}, or a test's stand-in):
 *
 * <ul>
 *   <li>{@code linux-image-amd64}: the newest {@code /boot/vmlinuz-VERSION-amd64} and {@code /lib/modules/VERSION}
 *   <li>{@code busybox-static}: {@code /bin/busybox}, statically linked (the initramfs has no C library)
 *   <li>{@code syslinux-common}: {@code /usr/lib/SYSLINUX/gptmbr.bin} and the EFI module {@code ldlinux.e64}
 *   <li>{@code syslinux-efi}: {@code /usr/lib/SYSLINUX.EFI/efi64/syslinux.efi}
 *   <li>{@code syslinux}: the installer {@code /usr/bin/syslinux}, which writes the FAT boot sector and ldlinux.sys
 * </ul>
 *
 * @param kernelVersion e.g. {@code 6.1.0-57-amd64}
 */
public record GuestSources(Path kernel, String kernelVersion, Path modules, Path busybox, Path gptmbr, Path syslinuxEfi,
        Path ldlinuxE64, Path syslinuxInstaller) {
    private static final Pattern KERNEL = Pattern.compile("vmlinuz-(.+-amd64)");

    /** This machine's files. */
    public static GuestSources find() throws IOException {
        return find(Path.of("/"));
    }

    /**
     * The files under {@code root}.
     *
     * @throws MissingGuestPackageException naming the first file missing and its package
     */
    public static GuestSources find(Path root) throws IOException {
        Path boot = root.resolve("boot");
        List<String> versions = new ArrayList<>();
        if (Files.isDirectory(boot)) {
            try (Stream<Path> files = Files.list(boot)) {
                files.map(f -> KERNEL.matcher(f.getFileName().toString())).filter(Matcher::matches)
                        .map(m -> m.group(1)).forEach(versions::add);
            }
        }
        String version = versions.stream().max(GuestSources::compareVersions).orElseThrow(() ->
                new MissingGuestPackageException("no kernel " + boot.resolve("vmlinuz-*-amd64"), "linux-image-amd64"));
        Path kernel = regular(boot.resolve("vmlinuz-" + version), "linux-image-amd64");
        Path modules = root.resolve("lib/modules/" + version);
        regular(modules.resolve("modules.dep"), "linux-image-amd64");
        Path busybox = regular(root.resolve("bin/busybox"), "busybox-static");
        if (!staticElf(busybox)) {
            throw new MissingGuestPackageException(busybox + " is not a statically linked x86-64 program", "busybox-static");
        }
        return new GuestSources(kernel, version, modules, busybox,
                regular(root.resolve("usr/lib/SYSLINUX/gptmbr.bin"), "syslinux-common"),
                regular(root.resolve("usr/lib/SYSLINUX.EFI/efi64/syslinux.efi"), "syslinux-efi"),
                regular(root.resolve("usr/lib/syslinux/modules/efi64/ldlinux.e64"), "syslinux-common"),
                regular(root.resolve("usr/bin/syslinux"), "syslinux"));
    }

    private static Path regular(Path p, String debianPackage) throws MissingGuestPackageException {
        if (!Files.isRegularFile(p)) throw new MissingGuestPackageException("no " + p, debianPackage);
        return p;
    }

    /** Compares dotted and dashed versions number by number ({@code 6.1.0-9} before {@code 6.1.0-57}), as sort -V does. */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[.-]");
        String[] y = b.split("[.-]");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = x[i].matches("\\d{1,18}") && y[i].matches("\\d{1,18}")
                    ? Long.compare(Long.parseLong(x[i]), Long.parseLong(y[i])) : x[i].compareTo(y[i]);
            if (c != 0) return c;
        }
        return Integer.compare(x.length, y.length);
    }

    /** An x86-64 ELF executable without a PT_INTERP program header: it needs no dynamic loader. */
    private static boolean staticElf(Path file) throws IOException {
        byte[] head = new byte[4096];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, head.length);
        }
        ByteBuffer b = ByteBuffer.wrap(head, 0, n).order(ByteOrder.LITTLE_ENDIAN);
        if (n < 64 || b.getInt(0) != 0x464c457f || head[4] != 2 || b.getShort(18) != 62) return false;
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        if (phentsize < 56 || phoff < 64 || phoff + (long) phnum * phentsize > n) return false;
        for (int i = 0; i < phnum; i++) {
            if (b.getInt((int) (phoff + (long) i * phentsize)) == 3) return false; // PT_INTERP
        }
        return true;
    }
}
