package dev.hyperlab.core.qemu;

import dev.hyperlab.core.json.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * A VM's {@code timeline.jsonl}: the {@link BootEvent}s, appended one JSON object a line. A torn last line (a process
 * killed while writing) and lines that do not read as events are skipped: the log is a record, not a model.
 */
final class BootLog {
    /** Longer than any event hyperlab writes (an event keeps at most 200 characters of its console line). */
    private static final int MAX_LINE = 4096;
    /** More than a long-lived VM's boots: older events beyond this are not read. */
    private static final long MAX_BYTES = 16L << 20;

    private BootLog() {}

    static void append(Path file, BootEvent e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", e.atMicros());
        m.put("phase", e.phase());
        m.put("step", e.step());
        m.put("text", e.text().length() > 200 ? e.text().substring(0, 200) : e.text());
        m.put("offset", e.offset());
        m.put("late", e.late());
        appendLine(file, m);
    }

    static List<BootEvent> read(Path file) {
        return readLines(file, MAX_BYTES, MAX_LINE, "a timeline line", m -> {
            if (m.get("at") instanceof Long at && m.get("phase") instanceof String phase
                    && m.get("step") instanceof String step && m.get("text") instanceof String text
                    && m.get("offset") instanceof Long offset && m.get("late") instanceof Boolean late) {
                return Optional.of(new BootEvent(at, phase, step, text, offset, late));
            }
            return Optional.empty();
        });
    }

    /** Appends one JSON object as a line; a full disk loses the line (these logs are records, not the VM). */
    static void appendLine(Path file, Map<String, Object> m) {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(Json.writeLine(m));
        } catch (IOException e2) {
            // the log is a record of what was seen; a full disk loses a line of it, not the VM
        }
    }

    /**
     * The lines of a JSON-lines log that {@code parse} takes, from at most the last {@code maxBytes} of the file; lines
     * longer than {@code maxLine}, torn ones and ones that are no JSON object are skipped. An unreadable file reads as
     * an empty one.
     */
    static <T> List<T> readLines(Path file, long maxBytes, int maxLine, String what,
            Function<Map<?, ?>, Optional<T>> parse) {
        List<T> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) {
                return out;
            }
            byte[] data;
            try (var ch = Files.newByteChannel(file)) {
                long size = ch.size();
                long from = Math.max(0, size - maxBytes);
                ch.position(from);
                data = new byte[(int) (size - from)];
                var buf = java.nio.ByteBuffer.wrap(data);
                while (buf.hasRemaining() && ch.read(buf) >= 0) {
                    // read on
                }
            }
            int start = 0;
            for (int i = 0; i < data.length; i++) {
                if (data[i] == '\n') {
                    if (i - start <= maxLine) {
                        try {
                            if (Json.parse(data, start, i - start, what) instanceof Map<?, ?> m) {
                                parse.apply(m).ifPresent(out::add);
                            }
                        } catch (IOException e) {
                            // skipped
                        }
                    }
                    start = i + 1;
                }
            }
        } catch (IOException e) {
            // an unreadable log shows as an empty one
        }
        return out;
    }
}
