package dev.hyperlab.core.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.api.lab.EventFilter;
import dev.hyperlab.api.lab.LabEvent;
import dev.hyperlab.api.lab.LabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event log read as events: machines' lines kept, the simulation's timers and damage left out, followed. */
class EventLogFileTest {
    @TempDir
    Path dir;

    private static final String LOG = """
            0.000000000 esx1 power-on
            6.000000000 timer esx1 run=2 part=fixed
            6.000000000 tick host:esx1:cpu
            7.000000000 memory-tick esx1
            7.000000000 start-gate esx1
            76.774001112 esx1 running
            not a line at all
            77.5 web1 half a stamp
            86.207406970 web1 running
            90.000000000 timer running
            """;

    @Test
    void machinesLinesAreEventsAndTheRestIsLeftOut() throws IOException {
        Files.writeString(dir.resolve("events.log"), LOG);
        List<LabEvent> all = EventLogFile.read(dir, EventFilter.ALL);
        assertThat(all).containsExactly(
                new LabEvent(Duration.ZERO, "esx1", "power-on"),
                new LabEvent(Duration.ofSeconds(76, 774001112), "esx1", "running"),
                new LabEvent(Duration.ofSeconds(86, 207406970), "web1", "running"),
                new LabEvent(Duration.ofSeconds(90), "timer", "running")); // a VM may be named timer
        assertThat(EventLogFile.read(dir, EventFilter.ALL.withMachine("esx1"))).hasSize(2);
        assertThat(EventLogFile.read(dir, EventFilter.ALL.withSince(Duration.ofSeconds(80)))).hasSize(2);
        assertThat(EventLogFile.read(dir, EventFilter.ALL.withLast(1))).extracting(LabEvent::machine)
                .containsExactly("timer");
    }

    @Test
    void followReadsWholeLinesOnlyAndStartsAgainWhereACutLogEnds() throws IOException {
        Path log = dir.resolve("events.log");
        Files.writeString(log, "1.000000000 web1 start requested\n2.000000000 web1 runn");
        List<LabEvent> seen = new ArrayList<>();
        long at = EventLogFile.follow(dir, 0, EventFilter.ALL, seen::add);
        assertThat(seen).extracting(LabEvent::event).containsExactly("start requested");
        Files.writeString(log, "ing\n", StandardOpenOption.APPEND);
        at = EventLogFile.follow(dir, at, EventFilter.ALL, seen::add);
        assertThat(seen).extracting(LabEvent::event).containsExactly("start requested", "running");
        // a load after a killed process cuts the log back: the follower goes on from where it now ends
        Files.writeString(log, "1.000000000 web1 start requested\n");
        at = EventLogFile.follow(dir, at, EventFilter.ALL, seen::add);
        Files.writeString(log, "3.000000000 web1 paused\n", StandardOpenOption.APPEND);
        EventLogFile.follow(dir, at, EventFilter.ALL, seen::add);
        assertThat(seen).extracting(LabEvent::event).containsExactly("start requested", "running", "paused");
    }

    @Test
    void aDamagedLogIsReadAsFarAsItMakesSenseAndAMissingOneIsAOneLineError() throws IOException {
        byte[] huge = new byte[200_000];
        java.util.Arrays.fill(huge, (byte) 'x');
        Files.write(dir.resolve("events.log"), huge);
        Files.writeString(dir.resolve("events.log"), "\n5.000000000 web1 running\n", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);
        assertThat(EventLogFile.read(dir, EventFilter.ALL)).extracting(LabEvent::event).containsExactly("running");
        assertThatThrownBy(() -> EventLogFile.read(dir.resolve("none"), EventFilter.ALL))
                .isInstanceOf(LabException.class).hasMessageStartingWith("no event log in ");
    }
}
