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
import dev.hyperlab.core.extension.Extensions;
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
 * ({@value #HOST}: BIOS, 16 cores, 64 GiB unless {@link Builder#withHost} says otherwise) to start VMs on. Closing it closes the lab and removes a directory the kit
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

    /**
     * What a test lab has, set before {@link #start()}: the plugin's extensions under test, the host the kit brings up,
     * the seed, where the lab lives and the guard's time limit. Each setter returns the builder.
     *
     * <pre>{@code
     * TestLab lab = PluginTestKit.lab()
     *         .withDriver(new MyBlockDriver())                      // registered as a plugin's, through the guard
     *         .withHost(HostSpec.of(TestLab.HOST, 4, Sizes.parse("16GiB"))
     *                 .withDisks(List.of(HostDiskSpec.parse("hdd:2TiB"))))   // a slow disk, where I/O shows
     *         .seed(7)
     *         .start();
     * }</pre>
     */
    public static final class Builder {
        private final List<FirmwareModel> firmware = new ArrayList<>();
        private final List<GuestDriver> drivers = new ArrayList<>();
        private long seed = 1;
        private Duration limit = ExtensionGuard.DEFAULT_LIMIT;
        private Path dir;
        private HostSpec host = HostSpec.of(HOST, 16, Sizes.parse("64GiB")).withFirmware("bios");

        Builder() {}

        /**
         * Registers firmware models as the test plugin's: {@code --firmware ID} of a VM or host spec picks one.
         *
         * @param models the models under test
         * @return this builder
         */
        public Builder withFirmware(FirmwareModel... models) {
            firmware.addAll(List.of(models));
            return this;
        }

        /**
         * Registers guest drivers as the test plugin's: a VM spec's {@code withDrivers(List.of(ID))} gives one to a VM.
         *
         * @param ds the drivers under test
         * @return this builder
         */
        public Builder withDriver(GuestDriver... ds) {
            drivers.addAll(List.of(ds));
            return this;
        }

        /**
         * The host the kit brings up for VMs, instead of the default (16 cores at the default clock, 64 GiB, BIOS,
         * the engine's default disk): its cores, clock, memory and disks are what the VMs' boots compete for, so a
         * driver's effect on disk I/O shows as it does in the shell on the same hardware
         * ({@code host create host1 --cores 4 --disk hdd:2TiB}).
         *
         * @param spec the host; it must be named {@value TestLab#HOST}. An unset firmware is {@code bios}
         * @return this builder
         * @throws IllegalArgumentException for another name
         */
        public Builder withHost(HostSpec spec) {
            if (!spec.name().equals(HOST)) {
                throw new IllegalArgumentException("the test lab's host is named " + HOST + ", not " + spec.name()
                        + " (VM specs name it: VmSpec.of(name, TestLab.HOST, ...))");
            }
            this.host = spec.firmware().isEmpty() ? spec.withFirmware("bios") : spec;
            return this;
        }

        /**
         * The lab's root seed (default 1): every random stream a context gives is split from it, so the same seed
         * gives the same lab.
         *
         * @param s the seed
         * @return this builder
         */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /**
         * How long one call into the plugin may take before it counts as a fault (default
         * {@link ExtensionGuard#DEFAULT_LIMIT}, as in the shell without {@code HYPERLAB_PLUGIN_TIMEOUT}).
         *
         * @param d the limit
         * @return this builder
         */
        public Builder timeLimit(Duration d) {
            this.limit = d;
            return this;
        }

        /**
         * Keeps the lab in {@code d} (new or empty), left in place on close, instead of a temporary directory
         * removed on close: for looking at its images afterwards.
         *
         * @param d the lab's directory
         * @return this builder
         */
        public Builder in(Path d) {
            this.dir = d;
            return this;
        }

        /**
         * Opens the lab, creates {@value TestLab#HOST} with a type 1 hypervisor and runs the lab until it is up.
         *
         * @return the running lab; close it
         */
        public TestLab start() {
            Extensions ext = Extensions.builtIn(new ExtensionGuard(limit));
            ext.addAll(PluginTestKit.PLUGIN, firmware, drivers, List.of());
            boolean own = dir == null;
            TestLab t = new TestLab(own ? PluginTestKit.tempDir("hyperlab-testkit-lab") : dir, own, seed, ext);
            try {
                Lab l = t.lab();
                l.createHost(host);
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
