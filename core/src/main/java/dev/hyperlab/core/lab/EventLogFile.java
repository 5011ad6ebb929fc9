package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.EventFilter;
import dev.hyperlab.api.lab.LabEvent;
import dev.hyperlab.api.lab.LabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads a lab directory's {@code events.log} without opening the lab (no lock: another process may be running it,
 * as {@code virsh event} watches a domain another client drives): one {@link LabEvent} per line about a host or VM.
 * The simulation's own scheduling lines ({@code timer}, {@code tick}, {@code memory-tick}, {@code start-gate}) are
 * left out, and so is a line the reader cannot parse (a damaged file is read as far as it makes sense).
 *
 * <p>A log can be far larger than memory (a storm of 100,000 VMs writes millions of lines): it is streamed, and only
 * what the filter keeps is held ({@link EventFilter#last()} bounds it).
 */
public final class EventLogFile {
    /** The longest line read as a line; longer ones are damage and skipped. */
    private static final int MAX_LINE = 64 * 1024;

    private EventLogFile() {}

    /** The events of the lab in {@code labDir} that {@code filter} selects, oldest first. */
    public static List<LabEvent> read(Path labDir, EventFilter filter) {
        ArrayDeque<LabEvent> kept = new ArrayDeque<>();
        follow(labDir, 0, filter, e -> {
            kept.addLast(e);
            if (filter.last() > 0 && kept.size() > filter.last()) {
                kept.removeFirst();
            }
        });
        return new ArrayList<>(kept);
    }

    /**
     * Hands {@code out} each selected event of the whole lines from byte {@code from} on and returns where the next
     * read starts (the end of the last whole line). A log shorter than {@code from} was cut back by a load after a
     * killed process: reading starts again where it now ends. {@link EventFilter#last()} is not applied here.
     */
    public static long follow(Path labDir, long from, EventFilter filter, Consumer<LabEvent> out) {
        Path log = labDir.resolve(LabDirectory.LOG);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            long size = ch.size();
            long start = from > size ? size : from;
            ch.position(start);
            InputStream in = Channels.newInputStream(ch);
            byte[] buf = new byte[1 << 16];
            ByteBuffer line = ByteBuffer.allocate(MAX_LINE);
            boolean overlong = false;
            long consumed = start;
            long at = start;
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    at++;
                    if (b == '\n') {
                        if (!overlong) {
                            parse(new String(line.array(), 0, line.position(), StandardCharsets.UTF_8))
                                    .filter(filter::matches).ifPresent(out);
                        }
                        line.clear();
                        overlong = false;
                        consumed = at;
                    } else if (line.hasRemaining()) {
                        line.put(b);
                    } else {
                        overlong = true;
                    }
                }
            }
            return consumed;
        } catch (NoSuchFileException e) {
            throw LabException.notFound("no event log in " + labDir, "a lab directory keeps events.log; an in-memory "
                    + "lab keeps none");
        } catch (IOException e) {
            throw new LabException(LabException.Kind.IO, "cannot read " + log + ": " + e.getMessage(),
                    "check its permissions", e);
        }
    }

    /** One line as an event: {@code SECONDS.NANOS SUBJECT WORDS...}; empty for scheduling lines and damage. */
    static Optional<LabEvent> parse(String line) {
        int sp1 = line.indexOf(' ');
        int sp2 = sp1 < 0 ? -1 : line.indexOf(' ', sp1 + 1);
        if (sp2 < 0) {
            return Optional.empty();
        }
        Optional<Duration> time = time(line.substring(0, sp1));
        String subject = line.substring(sp1 + 1, sp2);
        String rest = line.substring(sp2 + 1);
        if (time.isEmpty() || subject.isEmpty() || rest.isEmpty() || scheduling(subject, rest)) {
            return Optional.empty();
        }
        return Optional.of(new LabEvent(time.get(), subject, rest));
    }

    /** The simulation's own timers (see the engine's SimEvent.describe), not something that happened to a machine. */
    private static boolean scheduling(String subject, String rest) {
        return switch (subject) {
            case "timer" -> rest.contains(" run=") && rest.contains(" part=");
            case "tick" -> rest.contains(":");
            case "memory-tick", "start-gate" -> rest.indexOf(' ') < 0;
            default -> false;
        };
    }

    /** {@code 76.774001112}: seconds, a dot, nine digits of nanoseconds. */
    private static Optional<Duration> time(String s) {
        int dot = s.indexOf('.');
        if (dot < 1 || s.length() - dot - 1 != 9 || dot > 12) {
            return Optional.empty();
        }
        for (int i = 0; i < s.length(); i++) {
            if (i != dot && (s.charAt(i) < '0' || s.charAt(i) > '9')) {
                return Optional.empty();
            }
        }
        return Optional.of(Duration.ofSeconds(Long.parseLong(s.substring(0, dot)),
                Long.parseLong(s.substring(dot + 1))));
    }
}
