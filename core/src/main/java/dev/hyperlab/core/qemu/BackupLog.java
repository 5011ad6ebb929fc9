package dev.hyperlab.core.qemu;

import dev.hyperlab.api.lab.BoundBy;
import dev.hyperlab.api.lab.TimelinePhase;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A VM's {@code timeline-backups.jsonl}: one line for each backup of it that reached the repository, with its wall
 * start and end (microseconds since the epoch). The timeline shows each as a {@code backup} row beside the VM's boot
 * phases, as a simulated lab does (the backup runs next to the guest, not as a step of its boot); it is a file of its
 * own because the boot events' log also says where the console stood, which a backup does not move. Torn or foreign
 * lines are skipped, as in {@link BootLog}.
 */
final class BackupLog {
    /** Far more than any line hyperlab writes. */
    private static final int MAX_LINE = 1024;
    /** Older lines beyond this many bytes of the file's end are not read. */
    private static final long MAX_BYTES = 4L << 20;

    /** One backup: {@code step} is {@code live, blockdev-backup} or {@code offline}. */
    record Span(long startMicros, long endMicros, String step) {}

    private BackupLog() {}

    static void append(Path file, Span s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("start", s.startMicros());
        m.put("end", s.endMicros());
        m.put("step", s.step());
        BootLog.appendLine(file, m);
    }

    static List<Span> read(Path file) {
        return BootLog.readLines(file, MAX_BYTES, MAX_LINE, "a backup line", m -> {
            if (m.get("start") instanceof Long start && m.get("end") instanceof Long end
                    && m.get("step") instanceof String step && end >= start) {
                return Optional.of(new Span(start, end, step));
            }
            return Optional.empty();
        });
    }

    /** The timeline rows of a VM's backups; times are lab times (wall time since the lab was made). */
    static List<TimelinePhase> phases(String machine, List<Span> spans, long labStartMicros) {
        List<TimelinePhase> out = new ArrayList<>();
        for (Span s : spans) {
            out.add(new TimelinePhase(machine, "backup", s.step(), at(s.startMicros(), labStartMicros),
                    Optional.of(at(s.endMicros(), labStartMicros)), BoundBy.DISK));
        }
        return out;
    }

    private static Duration at(long micros, long labStartMicros) {
        return Duration.ofNanos(Math.max(0, micros - labStartMicros) * 1000);
    }
}
