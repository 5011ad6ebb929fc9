package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.FileDiff;
import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.core.backup.FileChange;
import dev.hyperlab.core.backup.FileDiffResult;
import dev.hyperlab.core.backup.FileListing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

/** How the facade shows file backups: core's records in the api's words. */
final class FileViews {
    private FileViews() {}

    /** Nanoseconds since the epoch as ISO-8601 UTC ({@code 2026-05-01T10:11:12.123456789Z}). */
    static String instant(long nanos) {
        return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L))
                .toString();
    }

    /** The machine's name, as {@code hostname} prints it: the source of its file backups. */
    static String hostName() {
        try {
            String n = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!n.isEmpty()) {
                return n;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        String env = System.getenv("HOSTNAME");
        return env == null || env.isBlank() ? "localhost" : env.strip();
    }

    static FileEntry entry(FileListing l) {
        return new FileEntry(l.path(), l.type(), String.format("%04o", l.mode()), l.user(), l.group(), l.uid(),
                l.gid(), l.size(), l.dataBytes(), Instant.ofEpochSecond(l.mtimeSec(), l.mtimeNsec()).toString(),
                l.target(), l.links(), l.xattrs());
    }

    static FileDiff diff(FileDiffResult r) {
        return new FileDiff(r.from(), r.to(), r.changes().stream()
                .map(c -> new FileDiff.Change(change(c.kind()), c.path(), c.type())).toList(), r.bytesAdded(),
                r.bytesRemoved());
    }

    /** {@code added}, {@code removed}, {@code modified}, {@code metadata}, {@code type}. */
    private static String change(FileChange.Kind k) {
        return k.name().toLowerCase(Locale.ROOT);
    }
}
