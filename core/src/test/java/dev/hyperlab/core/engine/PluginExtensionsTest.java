package dev.hyperlab.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.Demand;
import dev.hyperlab.api.spi.DeviceClass;
import dev.hyperlab.api.spi.DriverEffect;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestContext;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.api.spi.MachineContext;
import dev.hyperlab.core.firmware.BiosFirmware;
import dev.hyperlab.core.firmware.UefiFirmware;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.sim.EventLog;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.hyperlab.core.extension.Extensions;

/**
 * Plugins' extensions in the engine: they are peers of the built-ins when they behave (same results, same event log),
 * and when they do not (throw, hang, answer nonsense) the machine they served fails with a message naming the plugin,
 * the plugin is marked faulty, and the lab goes on.
 */
class PluginExtensionsTest {
    private static final Duration LIMIT = Duration.ofMillis(300);

    @TempDir
    Path tmp;

    /** A firmware model that behaves as another, under an id of its own. */
    record Renamed(String id, FirmwareModel as) implements FirmwareModel {
        @Override
        public String description() {
            return "the same as " + as.id();
        }

        @Override
        public List<BootStep> post(MachineContext machine) {
            return as.post(machine);
        }

        @Override
        public BootOutcome searchBoot(BootSearch search) {
            return as.searchBoot(search);
        }

        @Override
        public BootLayout bootLayout() {
            return as.bootLayout();
        }
    }

    /** A firmware model whose search answers with {@code answer} (after the real BIOS search, reading the disks). */
    record Bad(String id, Function<BootSearch, BootOutcome> answer) implements FirmwareModel {
        @Override
        public String description() {
            return "misbehaves";
        }

        @Override
        public List<BootStep> post(MachineContext machine) {
            return List.of(new BootStep("post", "cpu-init", Demand.fixed(Duration.ofMillis(100))));
        }

        @Override
        public BootOutcome searchBoot(BootSearch search) {
            return answer.apply(search);
        }
    }

    /** A block driver whose load does {@code load}. */
    record Driver(String id, Function<GuestContext, Demand> load) implements GuestDriver {
        @Override
        public String description() {
            return "a block driver";
        }

        @Override
        public DeviceClass deviceClass() {
            return DeviceClass.BLOCK;
        }

        @Override
        public Demand load(GuestContext guest) {
            return load.apply(guest);
        }

        @Override
        public DriverEffect effect() {
            return DriverEffect.BASELINE;
        }
    }

    private static Extensions extensions() {
        return Extensions.builtIn(new ExtensionGuard(LIMIT));
    }

    /** A running type 1 host with one linux-server VM defined per firmware and driver given. */
    private static LabModel lab(Extensions ext, StringWriter log) {
        LabModel lab = LabModel.create(11, ext, null);
        if (log != null) {
            lab.sim().setLog(EventLog.to(log));
        }
        lab.createHost(HostSpec.of("h1", 16, Sizes.parse("64GiB")).withFirmware("bios"));
        lab.installHost("h1", HypervisorType.TYPE1, null);
        lab.powerOn("h1");
        lab.waitHost("h1", HostState.RUNNING, Duration.ofHours(1), ProgressListener.NONE);
        return lab;
    }

    private static String boot(LabModel lab, String vm, String firmware, List<String> drivers) {
        lab.createVm(VmSpec.of(vm, "h1", 2, Sizes.parse("4GiB")).withOs("linux-server").withFirmware(firmware)
                .withDrivers(drivers));
        lab.startVm(vm);
        lab.advance(Duration.ofMinutes(5), ProgressListener.NONE);
        return lab.vmState(vm).id();
    }

    private static String timeline(LabModel lab, String vm) {
        return lab.timeline(List.of(vm)).stream().map(p -> p.phase() + " " + p.step() + " " + p.start().toNanos()
                + "-" + p.end().map(Duration::toNanos).orElse(-1L) + " " + p.boundBy().id())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aWellBehavedPluginGivesExactlyTheResultsOfTheBuiltInItWraps() {
        StringWriter builtInLog = new StringWriter();
        LabModel a = lab(extensions(), builtInLog);
        assertThat(boot(a, "web", "bios", List.of())).isEqualTo("running");

        // the same model under a plugin's id: the guard is on the path now, and the answers must not change
        StringWriter pluginLog = new StringWriter();
        Extensions withPlugin = extensions();
        withPlugin.addFirmware(new Renamed("bios2", new BiosFirmware()), "renamer");
        LabModel b = lab(withPlugin, pluginLog);
        assertThat(boot(b, "web", "bios2", List.of())).isEqualTo("running");

        assertThat(timeline(b, "web")).isEqualTo(timeline(a, "web"));
        assertThat(pluginLog.toString()).isEqualTo(builtInLog.toString());
        assertThat(withPlugin.guard().faults()).isEmpty();
        assertThat(b.pluginsUsed()).containsExactly("renamer");
    }

    @Test
    void aHangingFirmwareIsCutOffTheVmCrashesNamingThePluginAndTheLabGoesOn() {
        Extensions ext = extensions();
        ext.addFirmware(new Bad("stuck", s -> {
            while (true) {
                try {
                    Thread.sleep(60_000);
                } catch (InterruptedException e) {
                    // a plugin that ignores interrupts: the guard must not depend on it stopping
                }
            }
        }), "stuck-plugin");
        LabModel lab = lab(ext, null);
        long t0 = System.nanoTime();
        assertThat(boot(lab, "vm1", "stuck", List.of())).isEqualTo("crashed");
        assertThat(System.nanoTime() - t0).isLessThan(Duration.ofSeconds(20).toNanos());
        assertThat(lab.vmInfo("vm1").reason()).isEqualTo("plugin 'stuck-plugin' failed: firmware 'stuck' boot search"
                + " did not return within 300ms");
        assertThat(ext.guard().faults()).containsOnlyKeys("stuck-plugin");

        // later starts are refused at once, changing nothing, until the plugin is enabled again
        long t1 = System.nanoTime();
        assertThatThrownBy(() -> lab.startVm("vm1")).isInstanceOf(LabException.class)
                .hasMessageContaining("plugin 'stuck-plugin' is faulty");
        assertThat(System.nanoTime() - t1).isLessThan(LIMIT.toNanos());
        assertThat(lab.vmState("vm1")).isEqualTo(VmState.CRASHED);

        // the lab is usable: a VM with built-in firmware boots on the same host
        assertThat(boot(lab, "vm2", "bios", List.of())).isEqualTo("running");
    }

    @Test
    void aThrowingDriverFailsItsVmWithTheExceptionAndThePluginsName() {
        Extensions ext = extensions();
        ext.addDriver(new Driver("flaky-blk", g -> {
            throw new IllegalStateException("no device at 0000:00:04.0\nsecond line");
        }), "flaky");
        LabModel lab = lab(ext, null);
        assertThat(boot(lab, "vm1", "bios", List.of("flaky-blk"))).isEqualTo("crashed");
        assertThat(lab.vmInfo("vm1").reason()).isEqualTo("plugin 'flaky' failed: driver 'flaky-blk' load threw"
                + " java.lang.IllegalStateException: no device at 0000:00:04.0");
        List<TimelinePhase> t = lab.timeline(List.of("vm1"));
        assertThat(t.getLast().phase()).isEqualTo("kernel"); // the boot got as far as the drivers
        assertThat(boot(lab, "vm2", "bios", List.of())).isEqualTo("running");
    }

    @Test
    void nonsenseAnswersAreFaultsNotCrashes() {
        Map<String, Function<BootSearch, BootOutcome>> answers = Map.of(
                "null-outcome", s -> null,
                "ghost-device", s -> BootOutcome.found("disk7", "MBR boot code", List.of()),
                "null-steps", s -> BootOutcome.notFound("nothing", java.util.Arrays.asList((BootStep) null)),
                "bad-phase", s -> BootOutcome.notFound("nothing", List.of(new BootStep("Boot Search!", "x",
                        Demand.NONE))),
                "ten-years", s -> BootOutcome.notFound("slow", List.of(new BootStep("boot-search", "wait",
                        Demand.fixed(Duration.ofDays(3650))))),
                "negative", s -> BootOutcome.notFound("x", List.of(new BootStep("boot-search", "x",
                        Demand.fixed(Duration.ofSeconds(-1))))));
        Map<String, String> expected = Map.of(
                "null-outcome", "returned null instead of an outcome",
                "ghost-device", "returned a boot from device 'disk7', which the machine does not have",
                "null-steps", "threw java.lang.NullPointerException",
                "bad-phase", "returned a step with phase 'Boot Search!' (lower-case letters, digits and dashes)",
                "ten-years", "returned step 'wait' with a delay of PT87600H (at most a day)",
                "negative", "threw java.lang.IllegalArgumentException: fixed and network delays must be 0 or more");
        Extensions ext = extensions();
        answers.forEach((id, answer) -> ext.addFirmware(new Bad(id, answer), "p-" + id));
        LabModel lab = lab(ext, null);
        for (String id : answers.keySet()) {
            assertThat(boot(lab, "vm-" + id, id, List.of())).as(id).isEqualTo("crashed");
            assertThat(lab.vmInfo("vm-" + id).reason()).as(id)
                    .startsWith("plugin 'p-" + id + "' failed: firmware '" + id + "' boot search ")
                    .contains(expected.get(id));
        }
        assertThat(ext.guard().faults()).hasSize(answers.size());
        assertThat(boot(lab, "fine", "bios", List.of())).isEqualTo("running");
    }

    @Test
    void aHostWithAFaultyPluginFirmwareFailsWithTheMessage() {
        Extensions ext = extensions();
        ext.addFirmware(new Bad("broken", s -> {
            throw new UnsupportedOperationException("not yet");
        }), "brk");
        LabModel lab = LabModel.create(1, ext, null);
        lab.createHost(HostSpec.of("h9", 4, Sizes.parse("8GiB")).withFirmware("broken"));
        lab.installHost("h9", HypervisorType.TYPE1, null);
        lab.powerOn("h9");
        lab.advance(Duration.ofMinutes(1), ProgressListener.NONE);
        assertThat(lab.hostState("h9")).isEqualTo(HostState.FAILED);
        assertThat(lab.hostInfo("h9").reason()).isEqualTo("plugin 'brk' failed: firmware 'broken' boot search threw"
                + " java.lang.UnsupportedOperationException: not yet");
    }

    @Test
    void aPluginCannotTakeAnIdThatIsTakenAndAddsAllOrNothing() {
        Extensions ext = extensions();
        assertThatThrownBy(() -> ext.addAll("evil", List.of(new Renamed("mine", new BiosFirmware()),
                new Renamed("uefi", new UefiFirmware())), List.of(), List.of()))
                .isInstanceOf(LabException.class).hasMessageContaining("firmware 'uefi' is already provided by built-in");
        assertThat(ext.hasFirmware("mine")).isFalse();
        assertThatThrownBy(() -> ext.addFirmware(new Renamed("Bad Id", new BiosFirmware()), "evil"))
                .isInstanceOf(LabException.class).hasMessageContaining("is not lower-case letters");
    }

    @Test
    void aLabUsingAPluginThatIsGoneStillLoadsAndRefusesToStartItsMachinesNamingThePlugin() {
        Path dir = tmp.resolve("lab");
        Extensions with = extensions();
        with.addAll("fw-pack", List.of(new Renamed("uefi-plus", new UefiFirmware())),
                List.of(new Driver("pv-blk", g -> Demand.fixed(Duration.ofMillis(20)))), List.of());
        try (var lab = dev.hyperlab.core.lab.Labs.open(dir, 3, with)) {
            lab.createHost(HostSpec.of("h1", 8, Sizes.parse("32GiB")).withFirmware("bios"));
            lab.host("h1").install(HypervisorType.TYPE1);
            lab.host("h1").powerOn();
            lab.host("h1").waitFor(HostState.RUNNING, Duration.ofHours(1));
            lab.createVm(VmSpec.of("v1", "h1", 1, Sizes.parse("2GiB")).withOs("linux-server")
                    .withFirmware("uefi-plus").withDrivers(List.of("pv-blk")));
            lab.vm("v1").start();
            lab.vm("v1").waitFor(VmState.RUNNING, Duration.ofHours(1));
            assertThat(lab.info().plugins()).containsExactly("fw-pack");
            assertThat(lab.timeline(List.of("v1")).stream().map(TimelinePhase::step)).contains("pv-blk");
            lab.vm("v1").shutdown();
            lab.vm("v1").waitFor(VmState.SHUTOFF, Duration.ofHours(1));
        }
        // the plugin is gone (disabled, uninstalled): the lab loads, its plugins are still named, starts are refused
        try (var lab = dev.hyperlab.core.lab.Labs.open(dir, 3, extensions())) {
            assertThat(lab.info().plugins()).containsExactly("fw-pack");
            assertThat(lab.vm("v1").info().firmware()).isEqualTo("uefi-plus");
            assertThatThrownBy(() -> lab.vm("v1").start()).isInstanceOf(LabException.class)
                    .hasMessage("firmware 'uefi-plus' comes from plugin 'fw-pack', which is not loaded (plugin list"
                            + " shows the plugins: plugin enable fw-pack, or plugin install it)");
            assertThat(lab.vm("v1").state()).isEqualTo(VmState.SHUTOFF);
            assertThatThrownBy(() -> lab.createVm(VmSpec.of("v2", "h1", 1, Sizes.parse("2GiB")).withOs("linux-server")
                    .withFirmware("uefi-plus"))).isInstanceOf(LabException.class)
                    .hasMessageContaining("comes from plugin 'fw-pack'");
        }
    }

    @Test
    void pluginsAreLoadedOnlyWhenAnIdIsMissingOrAListingIsAsked() {
        Extensions ext = extensions();
        int[] loads = {0};
        ext.loadPluginsWith(e -> {
            loads[0]++;
            e.addFirmware(new Renamed("late", new BiosFirmware()), "lazy");
        });
        LabModel lab = lab(ext, null);
        assertThat(boot(lab, "a", "bios", List.of())).isEqualTo("running");
        assertThat(loads[0]).isZero();
        assertThat(boot(lab, "b", "late", List.of())).isEqualTo("running");
        assertThat(loads[0]).isEqualTo(1);
        assertThat(ext.firmwareInfo()).extracting(i -> i.id() + "@" + i.source())
                .contains("bios@built-in", "late@lazy");
        assertThat(loads[0]).isEqualTo(1);
        assertThat(Set.copyOf(ext.contributionsOf("lazy"))).containsExactly(
                new Extensions.Contribution("firmware", "late", "the same as bios"));
    }
}
