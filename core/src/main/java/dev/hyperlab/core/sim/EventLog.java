package dev.hyperlab.core.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Where the simulation writes one line per event it processes. Same seed and same commands give a byte-identical
 * log: tests compare logs, scale runs keep only a digest, and the lab keeps the log in its directory.
 */
public interface EventLog {

    /** Records {@code line} at lab time {@code time} (ns). */
    void record(long time, String line);

    /** Whether lines are wanted at all (callers skip building them when not). */
    default boolean enabled() {
        return true;
    }

    /** A log that keeps nothing. */
    EventLog NONE = new EventLog() {
        @Override
        public void record(long time, String line) {}

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /** Formats a lab time as seconds with nanosecond digits, the way every log line starts. */
    static String stamp(long time) {
        return String.format(java.util.Locale.ROOT, "%d.%09d", time / 1_000_000_000L, time % 1_000_000_000L);
    }

    /** Writes lines to a writer (the lab's events.log). */
    static EventLog to(Writer out) {
        return (time, line) -> {
            try {
                out.write(stamp(time));
                out.write(' ');
                out.write(line);
                out.write('\n');
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    /** Keeps a SHA-256 of the log's bytes: what scale runs compare. */
    final class Digest implements EventLog {
        private final MessageDigest sha;
        private long lines;

        public Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void record(long time, String line) {
            sha.update((stamp(time) + ' ' + line + '\n').getBytes(StandardCharsets.UTF_8));
            lines++;
        }

        public long lines() {
            return lines;
        }

        /** Hex SHA-256 of everything recorded so far. */
        public String hex() {
            try {
                return HexFormat.of().formatHex(((MessageDigest) sha.clone()).digest());
            } catch (CloneNotSupportedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
