package dev.hyperlab.testkit;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.engine.extension.Extensions;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.core.lab.LocalLab;
import dev.hyperlab.core.storage.DiskImage;
import dev.hyperlab.core.storage.DiskImages;
import dev.hyperlab.core.storage.layout.BootDiskLayout;
import dev.hyperlab.core.storage.layout.BootDiskProbe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A lab in a directory, with a test plugin's firmware models and drivers registered, and a running type 1 host
 * ({@value #HOST}, BIOS, 16 cores, 64 GiB) to start VMs on. Closing it closes the lab and removes a directory the kit
 * made.
 *
 * <pre>{@code
 * try (TestLab lab = PluginTestKit.lab().withDriver(new MyDriver()).start()) {
 *     BootRun run = lab.boot(VmSpec.of("db", TestLab.HOST, 4, Sizes.parse("8GiB")).withOs("linux-server")
 *             .withDrivers(List.of("my-driver")));
 * }
 * }</pre>
 */
public final class TestLab implements AutoCloseable {
    /** The running host every test lab has. */
    public static final String HOST = "host1";
    /** How long a boot may take in lab time before the kit gives up waiting. */
    public static final Duration BOOT_WAIT = Duration.ofHours(1);

    private final Path dir;
    private final boolean ownDir;
    private final long seed;
    private final Extensions extensions;
    private LocalLab lab;

    private TestLab(Path dir, boolean ownDir, long seed, Extensions extensions) {
        this.dir = dir;
        this.ownDir = ownDir;
        this.seed = seed;
        this.extensions = extensions;
        this.lab = Labs.open(dir, seed, extensions);
    }

    /** What a test lab has: extensions, seed, where it lives, the guard's time limit. */
    public static final class Builder {
        private final List<FirmwareModel> firmware = new ArrayList<>();
        private final List<GuestDriver> drivers = new ArrayList<>();
        private long seed = 1;
        private Duration limit = ExtensionGuard.DEFAULT_LIMIT;
        private Path dir;

        Builder() {}

        /** Registers firmware models as the test plugin's. */
        public Builder withFirmware(FirmwareModel... models) {
            firmware.addAll(List.of(models));
            return this;
        }

        /** Registers guest drivers as the test plugin's. */
        public Builder withDriver(GuestDriver... ds) {
            drivers.addAll(List.of(ds));
            return this;
        }

        /** The lab's root seed (default 1). */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** How long one call into the plugin may take (default {@link ExtensionGuard#DEFAULT_LIMIT}). */
        public Builder timeLimit(Duration d) {
            this.limit = d;
            return this;
        }

        /** Keeps the lab in {@code d} (new or empty) instead of a temporary directory. */
        public Builder in(Path d) {
            this.dir = d;
            return this;
        }

        /** Opens the lab and brings up {@value TestLab#HOST}. */
        public TestLab start() {
            Extensions ext = Extensions.builtIn(new ExtensionGuard(limit));
            ext.addAll(PluginTestKit.PLUGIN, firmware, drivers, List.of());
            boolean own = dir == null;
            TestLab t = new TestLab(own ? PluginTestKit.tempDir("hyperlab-testkit-lab") : dir, own, seed, ext);
            try {
                Lab l = t.lab();
                l.createHost(HostSpec.of(HOST, 16, Sizes.parse("64GiB")).withFirmware("bios"));
                l.host(HOST).install(HypervisorType.TYPE1);
                l.host(HOST).powerOn();
                l.host(HOST).waitFor(HostState.RUNNING, BOOT_WAIT);
                return t;
            } catch (RuntimeException e) {
                t.close();
                throw e;
            }
        }
    }

    /** The lab, through the same facade the shell and scripts use. */
    public Lab lab() {
        return lab;
    }

    /** Creates the VM, starts it, and runs the lab until its boot ends (running, crashed, or refused). */
    public BootRun boot(VmSpec spec) {
        Lab l = lab;
        l.createVm(spec);
        l.vm(spec.name()).start();
        try {
            l.vm(spec.name()).waitFor(VmState.RUNNING, BOOT_WAIT);
        } catch (LabException e) {
            // crashed, or still starting after BOOT_WAIT: the run says which
        }
        var info = l.vm(spec.name()).info();
        return new BootRun(spec.name(), info.state().id(), info.reason(), l.timeline(List.of(spec.name())));
    }

    /** Creates a host (its firmware may be the plugin's), installs a type 1 hypervisor, powers it on, runs until its boot ends. */
    public BootRun bootHost(HostSpec spec) {
        Lab l = lab;
        l.createHost(spec);
        l.host(spec.name()).install(HypervisorType.TYPE1);
        l.host(spec.name()).powerOn();
        try {
            l.host(spec.name()).waitFor(HostState.RUNNING, BOOT_WAIT);
        } catch (LabException e) {
            // failed: the run says why
        }
        var info = l.host(spec.name()).info();
        return new BootRun(spec.name(), info.state().id(), info.reason(), l.timeline(List.of(spec.name())));
    }

    /** The boot disk image of a VM, as a file. */
    public Path bootDisk(String vm) {
        Path p = Path.of(lab.vm(vm).info().disks().getFirst().path());
        return p.isAbsolute() ? p : dir.resolve(p);
    }

    /**
     * Rewrites the EFI boot loader on a VM's boot disk ({@code \EFI\BOOT\BOOTX64.EFI} of its EFI system partition)
     * with what {@code edit} makes of it, e.g. a signed copy. The lab is closed while the image is written (it keeps
     * its images open) and opened again after.
     */
    public void editEfiLoader(String vm, UnaryOperator<byte[]> edit) {
        Path disk = bootDisk(vm);
        lab.close();
        try (DiskImage img = DiskImages.open(disk, false)) {
            byte[] loader = BootDiskProbe.readEspFile(img, BootDiskProbe.UEFI_FALLBACK_LOADER).orElseThrow(() ->
                    new IllegalStateException(vm + "'s boot disk has no EFI loader (use a UEFI-layout firmware)"));
            BootDiskLayout.replaceEfiLoader(img, edit.apply(loader));
        } catch (IOException e) {
            throw new UncheckedIOException("rewriting the EFI loader of " + disk, e);
        } finally {
            lab = Labs.open(dir, seed, extensions);
        }
    }

    /** The plugins marked faulty so far, with their first fault. */
    public Map<String, String> faults() {
        return extensions.guard().faults();
    }

    @Override
    public void close() {
        lab.close();
        if (ownDir) {
            PluginTestKit.deleteTree(dir);
        }
    }
}
