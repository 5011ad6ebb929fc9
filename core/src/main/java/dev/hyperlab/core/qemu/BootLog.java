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
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            out.write(Json.writeLine(m));
        } catch (IOException e2) {
            // the timeline is a record of what was seen; a full disk loses a line of it, not the VM
        }
    }

    static List<BootEvent> read(Path file) {
        List<BootEvent> out = new ArrayList<>();
        try {
            if (!Files.isRegularFile(file)) {
                return out;
            }
            long size = Files.size(file);
            byte[] data;
            try (var ch = Files.newByteChannel(file)) {
                long from = Math.max(0, size - MAX_BYTES);
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
                    if (i - start <= MAX_LINE) {
                        parse(data, start, i - start).ifPresent(out::add);
                    }
                    start = i + 1;
                }
            }
        } catch (IOException e) {
            // an unreadable timeline shows as an empty one
        }
        return out;
    }

    private static java.util.Optional<BootEvent> parse(byte[] data, int off, int len) {
        try {
            if (Json.parse(data, off, len, "a timeline line") instanceof Map<?, ?> m
                    && m.get("at") instanceof Long at && m.get("phase") instanceof String phase
                    && m.get("step") instanceof String step && m.get("text") instanceof String text
                    && m.get("offset") instanceof Long offset && m.get("late") instanceof Boolean late) {
                return java.util.Optional.of(new BootEvent(at, phase, step, text, offset, late));
            }
        } catch (IOException e) {
            // skipped
        }
        return java.util.Optional.empty();
    }
}
