package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.extension.Extensions;
import dev.hyperlab.core.lab.Labs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code host calibrate} on a real host (QEMU, TCG, the tiny-linux guest) and {@code host create --profile} in a
 * simulated lab (issue 16, "the simulator learns from real boots"): the real boots are timed phase by phase, alone and
 * two at once, the temporary guests are gone afterwards, and a simulated host made from the profile boots the same guest
 * through the same phases in the same time alone; what more at once cost is the model's.
 */
class HostCalibrateTest {
    @TempDir
    Path home;

    @AfterEach
    void stopEverything() throws Exception {
        for (String vm : List.of("calibrate-1", "calibrate-2")) {
            RealVms.kill(home.resolve("real"), vm);
        }
    }

    @Test
    void realBootsMakeAProfileThatASimulatedHostBootsBy() throws Exception {
        Path profile = home.resolve("local.profile.json");
        JsonNode c;
        try (ShellFixture real = new ShellFixture(() -> Labs.open(home.resolve("real"), 1, Extensions.builtIn(),
                Optional.of("qemu")))) {
            assertThat(real.run("host calibrate local --max 0").err())
                    .isEqualTo("error: host calibrate boots 1 to 16 guests at once, not 0 (e.g. --max 4)\n");
            assertThat(real.run("host calibrate local --out " + home.resolve("no/such/dir.json")).err())
                    .startsWith("error: cannot write the host profile to ");
            assertThat(real.ok("vm list --json").strip()).isEqualTo("[ ]");

            c = real.run("host calibrate local --max 2 --out " + profile + " --json").json();
            assertThat(c.get("host").asText()).isEqualTo("local");
            assertThat(c.get("guest").asText()).isEqualTo("tiny-linux");
            assertThat(c.get("profile").asText()).isEqualTo(profile.toString());
            assertThat(c.get("rows")).hasSize(2);
            JsonNode alone = c.get("rows").get(0);
            assertThat(alone.get("atOnce").asInt()).isEqualTo(1);
            assertThat(alone.get("slowdown").asDouble()).isEqualTo(1.0);
            List<String> phases = new ArrayList<>();
            alone.get("phaseSeconds").fieldNames().forEachRemaining(phases::add);
            assertThat(phases).as("the real boot's phases, from QEMU's start to the guest's init")
                    .contains("vmm/start", "vmm/qmp", "firmware/seabios", "bootloader", "kernel", "init/init");
            double sum = 0;
            for (String p : phases) {
                sum += alone.get("phaseSeconds").get(p).asDouble();
            }
            assertThat(sum).as("phases cover the boot end to end").isCloseTo(alone.get("meanBootSeconds").asDouble(),
                    org.assertj.core.data.Offset.offset(1e-6));
            assertThat(c.get("rows").get(1).get("atOnce").asInt()).isEqualTo(2);
            assertThat(Files.readString(profile)).contains("\"kind\" : \"hyperlab-host-profile\"");
            if (c.get("cores").asInt() >= 2) { // 2 at once on free cores: the machine's own co-runner slowdown
                assertThat(Files.readString(profile)).contains("\"corunnerSlowdown\" : ");
            }
            assertThat(real.ok("vm list --json").strip()).as("the temporary guests are gone").isEqualTo("[ ]");
            assertThat(home.resolve("real/vms/calibrate-1")).doesNotExist();
        }

        try (ShellFixture sim = ShellFixture.in(home.resolve("sim"))) {
            assertThat(sim.ok("host create real --profile " + profile)).startsWith("created host real: ");
            assertThat(sim.ok("js lab.host('real').info().cores")).isEqualTo(c.get("cores").asInt() + "\n");
            assertThat(sim.ok("java lab.createHost(\"real2\", \"" + profile + "\").name()")).endsWith("==> \"real2\"\n");
            assertThat(sim.run("host calibrate real").err()).startsWith("error: host real is simulated: host "
                    + "calibrate measures real boots");
            sim.ok("host install real --hypervisor type2; host power-on real --wait; vm create a --host real --vcpus 1 "
                    + "--memory 256MiB --os tiny-linux --firmware bios; vm start a --wait");
            JsonNode boot = sim.run("timeline a --json").json();
            double simulated = 0;
            List<String> simPhases = new ArrayList<>();
            for (JsonNode p : boot) {
                simulated += p.get("end").asDouble() - p.get("start").asDouble();
                simPhases.add(p.get("step").asText().isEmpty() ? p.get("phase").asText()
                        : p.get("phase").asText() + "/" + p.get("step").asText());
            }
            assertThat(simPhases).as("the simulated boot goes through the real one's phases").containsExactlyElementsOf(
                    iterable(c.get("rows").get(0).get("phaseSeconds").fieldNames()));
            assertThat(simulated).as("alone, as long as the real boot was alone")
                    .isCloseTo(c.get("rows").get(0).get("meanBootSeconds").asDouble(),
                            org.assertj.core.data.Offset.offset(1e-3));
        }

        try (ShellFixture again = ShellFixture.in(home.resolve("sim"))) {
            assertThat(again.ok("vm destroy a; vm start a --wait")).as("the profile stays with the lab")
                    .contains("running");
            Files.writeString(home.resolve("bad.json"), Files.readString(profile).replace("\"cpu\"", "\"disk\""));
            assertThat(again.run("host create bad --profile " + home.resolve("bad.json")).err())
                    .startsWith("error: host profile " + home.resolve("bad.json") + " is not usable: solo[")
                    .contains("is neither fixed nor cpu");
            assertThat(again.run("host create bad --profile " + profile + " --cores 4").err())
                    .startsWith("error: host create: --profile gives the host's cores, memory and clock");
            assertThat(again.ok("host list")).doesNotContain("bad");
        }
    }

    private static List<String> iterable(java.util.Iterator<String> it) {
        List<String> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }
}
