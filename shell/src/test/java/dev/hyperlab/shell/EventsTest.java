package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** events, as virsh event and govc events: the shell, scripts and snippets, and a second process following. */
class EventsTest {
    @TempDir
    Path home;

    @Test
    void eventsAreFilteredTheSameFromTheShellJavaScriptAndJava() throws Exception {
        try (ShellFixture shell = ShellFixture.in(home.resolve("lab"))) {
            shell.small().ok("vm start web1 --wait");
            String web1 = shell.ok("events --vm web1");
            assertThat(web1).contains("web1", "start requested", "done kernel", "running").doesNotContain("esx1 ")
                    .doesNotContain("timer");
            List<String> lines = shell.ok("events --vm web1 --json").lines().toList();
            JsonNode first = new ObjectMapper().readTree(lines.getFirst());
            assertThat(first.get("machine").asText()).isEqualTo("web1");
            assertThat(first.get("event").asText()).isEqualTo("created on esx1");
            assertThat(new ObjectMapper().readTree(lines.getLast()).get("event").asText()).isEqualTo("running");
            assertThat(shell.ok("events --last 1 --json").lines()).hasSize(1);
            assertThat(shell.ok("events --since 100d")).isEqualTo("no events match\n");

            assertThat(shell.ok("js lab.events({machine: 'web1', last: 1})[0].event")).isEqualTo("running\n");
            assertThat(shell.ok("java lab.events(EventFilter.ALL.withMachine(\"esx1\")).getFirst().event()"))
                    .endsWith("==> \"created\"\n");

            assertThat(shell.run("events --vm nope").err()).startsWith("error: no host or VM named 'nope'");
            assertThat(shell.run("events --last -1").err()).startsWith("error: last must be 0 (all) or more");
        }
        try (ShellFixture memory = ShellFixture.inMemory()) {
            assertThat(memory.run("events").err()).startsWith("error: this lab keeps no event log");
        }
    }

    /** One hyperlab drives the lab; another, started on the same directory, follows its events as they come. */
    @Test
    void aSecondProcessFollowsTheEventsOfALabAnotherOneIsRunning() throws Exception {
        Path dir = home.resolve("lab");
        try (ShellFixture shell = ShellFixture.in(dir)) {
            shell.small();
            ProcessBuilder pb = new ProcessBuilder(ShellProcess.command(List.of(), "--lab", dir.toString(), "-c",
                    "events --follow --json --vm fc1"));
            ShellProcess.environment(pb.environment(), home);
            pb.redirectErrorStream(true);
            Process follower = pb.start();
            try {
                BlockingQueue<String> lines = new LinkedBlockingQueue<>();
                Thread reader = Thread.ofPlatform().daemon().start(() -> {
                    try (BufferedReader r = new BufferedReader(new InputStreamReader(follower.getInputStream(),
                            StandardCharsets.UTF_8))) {
                        for (String l = r.readLine(); l != null; l = r.readLine()) {
                            lines.add(l);
                        }
                    } catch (java.io.IOException e) {
                        // the follower was stopped
                    }
                });
                String created = lines.poll(60, TimeUnit.SECONDS);
                assertThat(created).as("the events so far, first").contains("\"machine\":\"fc1\"", "created on esx1");
                shell.ok("vm start fc1 --wait"); // in this process, while the other one follows
                String line;
                boolean running = false;
                while (!running && (line = lines.poll(60, TimeUnit.SECONDS)) != null) {
                    assertThat(line).contains("\"machine\":\"fc1\"");
                    running = line.contains("\"event\":\"running\"");
                }
                assertThat(running).as("the follower saw fc1 reach running").isTrue();
                reader.interrupt();
            } finally {
                follower.destroy();
                follower.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
