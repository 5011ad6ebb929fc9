package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The demo lab: two hosts (type 1 and type 2) powered on and running, and a handful of VMs with different OS
 * profiles, ready for a boot storm. Built through the facade ({@link Lab#apply}, power-on, wait) from
 * {@code demo.yaml}, so it is also an example lab file.
 */
public final class Demo {
    private Demo() {}

    /** The demo's lab file. */
    public static String yaml() {
        try (InputStream in = Demo.class.getResourceAsStream("demo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether {@code lab} is brand new: nothing in it, no time passed (a directory to create the demo in). */
    public static boolean isEmpty(Lab lab) {
        // not lab.info(): that measures the disk the lab takes (every image's allocated blocks) at each start
        return lab.hosts().isEmpty() && lab.vms().isEmpty() && lab.now().isZero();
    }

    /** Creates the demo's hosts and VMs in {@code lab} and boots the hosts. */
    public static void build(Lab lab) {
        lab.apply(yaml());
        for (Host h : lab.hosts()) {
            if (h.state() == HostState.OFF) {
                h.powerOn();
            }
        }
        for (Host h : lab.hosts()) {
            h.waitFor(HostState.RUNNING, Duration.ofMinutes(30));
        }
    }

    /** What to type next. */
    public static String guide() {
        return """
                Demo lab ready: esx1 (type 1, UEFI) and ws1 (type 2 on Linux, BIOS) are running, 8 VMs are defined \
                (linux-server, linux-desktop, windows-server, microvm; BIOS, UEFI and direct kernel boot). Try:
                  vm list                      the VMs, all defined
                  vm start --all --dry-run     what a boot storm would do, changing nothing
                  vm start --all --wait        the boot storm itself
                  timeline                     where the boot time went (timeline --html storm.html for a browser)
                  help                         every command""";
    }
}
