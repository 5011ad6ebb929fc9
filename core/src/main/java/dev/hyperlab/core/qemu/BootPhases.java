package dev.hyperlab.core.qemu;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which boot phase a serial console line begins, by what the real components print: SeaBIOS's banner and its
 * "Booting from ..." lines, a boot loader's (SYSLINUX, ISOLINUX, GRUB), the kernel's first line ("Linux version"), and
 * the markers of hyperlab's tiny-linux init ("hyperlab-guest: WORD ...", docs/qemu.md). "ready" ends a boot.
 */
final class BootPhases {
    /** The end of a boot: the guest's init said it is ready. */
    static final String READY = "ready";
    /** What a guest marker line starts with. */
    static final String MARKER = "hyperlab-guest: ";

    /** SYSLINUX's "Loading /VMLINUZ... ok" (dots and all, twice on a serial console): the file it loads (a name of its own config, so bounded here). */
    private static final Pattern LOADING = Pattern.compile(
            "Loading /?([A-Za-z0-9_-]{1,32}(?:\\.[A-Za-z0-9_-]{1,8})?)\\.\\..*");

    private BootPhases() {}

    /** A phase and its step ("" when none). */
    record Phase(String phase, String step) {
        String id() {
            return step.isEmpty() ? phase : phase + "/" + step;
        }
    }

    /** The phase {@code line} (escapes already taken out) begins, if it begins one. */
    static Optional<Phase> of(String line) {
        String l = line.strip();
        if (l.startsWith("SeaBIOS (version")) {
            return Optional.of(new Phase("firmware", "seabios"));
        }
        if (l.startsWith("BdsDxe:") || l.contains("UEFI Interactive Shell")) {
            return Optional.of(new Phase("firmware", "boot-device"));
        }
        if (l.startsWith("Booting from ")) {
            return Optional.of(new Phase("firmware", "boot-device"));
        }
        if (l.startsWith("SYSLINUX ") || l.startsWith("ISOLINUX ") || l.startsWith("EXTLINUX ")
                || l.startsWith("GNU GRUB") || l.startsWith("Welcome to GRUB")) {
            return Optional.of(new Phase("bootloader", ""));
        }
        if (l.startsWith("Linux version ") || l.contains("] Linux version ")) {
            return Optional.of(new Phase("kernel", "")); // may follow the boot loader's last words on its line
        }
        Matcher load = LOADING.matcher(l);
        if (load.matches()) { // SYSLINUX reads the kernel, then the initramfs, through the firmware's disk calls
            return Optional.of(new Phase("bootloader", "load-" + load.group(1).toLowerCase(java.util.Locale.ROOT)));
        }
        int marker = l.indexOf(MARKER); // at the start of a line, or after the shell's prompt
        if (marker >= 0) {
            String word = l.substring(marker + MARKER.length()).split("\\s+", 2)[0];
            if (word.equals(READY)) {
                return Optional.of(new Phase(READY, ""));
            }
            if (word.matches("[a-z][a-z0-9-]{0,30}")) {
                return Optional.of(new Phase("init", word));
            }
        }
        return Optional.empty();
    }
}
