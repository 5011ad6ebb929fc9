package dev.hyperlab.core.qemu.qmp;

import java.util.List;

/** What QEMU says first on a QMP socket: its version ({@code 7.2.22}) and the capabilities it offers. */
public record QmpGreeting(int major, int minor, int micro, String vendor, List<String> capabilities) {
    public QmpGreeting {
        capabilities = List.copyOf(capabilities);
    }

    /** The version as QEMU prints it, {@code major.minor.micro}. */
    public String version() {
        return major + "." + minor + "." + micro;
    }
}
