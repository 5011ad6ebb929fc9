package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HypervisorType;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.core.engine.DeterminismTest;
import dev.hyperlab.core.engine.LabCodec;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A process killed at any moment loses at most the command in flight; another JVM gives the same results. */
class LabCrashTest {
    @TempDir
    Path tmp;

    /** The child: runs numbered commands on a lab directory and prints "done N" after each returns. */
    public static void main(String[] args) throws Exception {
        if (args[0].equals("storm")) {
            System.out.println("sha " + sha(DeterminismTest.storm(Long.parseLong(args[1]))));
            return;
        }
        try (LocalLab lab = Labs.open(Path.of(args[0]), 5)) {
            if (lab.findHost("h").isEmpty()) {
                lab.createHost(HostSpec.of("h", 32, Sizes.parse("512GiB")));
                lab.host("h").install(HypervisorType.TYPE1);
                lab.host("h").powerOn();
            }
            for (int i = lab.vms().size(); i < 1000; i++) {
                lab.createVm(VmSpec.of("vm" + i, "h", 1, Sizes.parse("1GiB")).withOs("linux-server"));
                lab.advance("2s");
                System.out.println("done " + i);
                System.out.flush();
            }
        }
    }

    static Process child(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), LabCrashTest.class.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    @Test
    void aKill9AtAnyPointLeavesALabThatLoadsAndGoesOn() throws Exception {
        Path dir = tmp.resolve("lab");
        SplittableRandom random = new SplittableRandom(20261122);
        int lastDone = -1;
        for (int round = 0; round < 8; round++) {
            int killAfter = lastDone + 1 + random.nextInt(4);
            Process p = child(dir.toString());
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream()))) {
                String line;
                while ((line = out.readLine()) != null) {
                    int n = Integer.parseInt(line.substring(5));
                    lastDone = Math.max(lastDone, n);
                    if (n >= killAfter) {
                        // let it get into the next command, then kill it mid-flight at a seeded moment
                        Thread.sleep(random.nextInt(30));
                        p.toHandle().destroyForcibly(); // SIGKILL (Process.destroyForcibly would close our pipe too)
                        break;
                    }
                }
                // what it reported done while we slept before the kill is still in the pipe: count it too
                while ((line = out.readLine()) != null) {
                    lastDone = Math.max(lastDone, Integer.parseInt(line.substring(5)));
                }
            }
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            try (LocalLab lab = Labs.open(dir, 5)) {
                int vms = lab.vms().size();
                // every command the child reported done is there; at most the one in flight is beyond
                assertThat(vms).isBetween(lastDone + 1, lastDone + 2);
                Map<String, Object> doc;
                try (InputStream in = Files.newInputStream(dir.resolve("lab.json"))) {
                    doc = LabCodec.readDocument(in);
                }
                assertThat(Files.size(dir.resolve("events.log"))).isEqualTo(LabCodec.num(doc, "logBytes"));
                lab.advance("1s"); // and it goes on
            }
        }
        assertThat(lastDone).isGreaterThan(8);
    }

    @Test
    void anotherJvmSimulatesTheSameStormByteForByte() throws Exception {
        String here = sha(DeterminismTest.storm(13));
        Process p = child("storm", "13");
        String there = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(there).isEqualTo("sha " + here);
    }

    static String sha(String log) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(log.getBytes(StandardCharsets.UTF_8)));
    }
}
