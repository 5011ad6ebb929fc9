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

    /**
     * Records the line {@code subject + " " + text} without making the caller build it: the model logs several lines
     * per boot step, and a storm of 100,000 VMs would otherwise spend its time concatenating strings.
     */
    default void record(long time, String subject, String... words) {
        StringBuilder b = new StringBuilder(subject);
        for (String w : words) {
            b.append(' ').append(w);
        }
        record(time, b.toString());
    }

    /**
     * The line of {@link #record(long, String, String...)} with its first {@code n} (1 to 4) of {@code w1..w4} as the
     * words: no array per line (a storm logs a million step ends). Logs that build lines override it.
     */
    default void recordWords(long time, String subject, int n, String w1, String w2, String w3, String w4) {
        String[] all = {w1, w2, w3, w4};
        record(time, subject, java.util.Arrays.copyOf(all, n));
    }

    /** No further words. */
    String[] NO_WORDS = {};

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
        StringBuilder b = new StringBuilder(24);
        appendStamp(b, time);
        return b.toString();
    }

    /** Fills {@code buf} with one log line: stamp, subject, words, newline. */
    static void line(StringBuilder buf, long time, String subject, String... words) {
        buf.setLength(0);
        appendStamp(buf, time);
        buf.append(' ').append(subject);
        for (String w : words) {
            buf.append(' ').append(w);
        }
        buf.append('\n');
    }

    /** {@link #line} with the first {@code n} of {@code w1..w4} as the words. */
    static void line(StringBuilder buf, long time, String subject, int n, String w1, String w2, String w3, String w4) {
        buf.setLength(0);
        appendStamp(buf, time);
        buf.append(' ').append(subject);
        if (n > 0) {
            buf.append(' ').append(w1);
        }
        if (n > 1) {
            buf.append(' ').append(w2);
        }
        if (n > 2) {
            buf.append(' ').append(w3);
        }
        if (n > 3) {
            buf.append(' ').append(w4);
        }
        buf.append('\n');
    }

    /** Appends {@link #stamp} without the intermediate string (the log's hot path). */
    static void appendStamp(StringBuilder b, long time) {
        b.append(time / 1_000_000_000L).append('.');
        long frac = time % 1_000_000_000L;
        for (long d = 100_000_000L; d > frac && d > 1; d /= 10) {
            b.append('0');
        }
        b.append(frac);
    }

    /** Writes lines to a writer (the lab's events.log). */
    static EventLog to(Writer out) {
        return new EventLog() {
            private final StringBuilder buf = new StringBuilder(128);

            @Override
            public void record(long time, String line) {
                record(time, line, NO_WORDS);
            }

            @Override
            public void record(long time, String subject, String... words) {
                line(buf, time, subject, words);
                write();
            }

            @Override
            public void recordWords(long time, String subject, int n, String w1, String w2, String w3, String w4) {
                line(buf, time, subject, n, w1, w2, w3, w4);
                write();
            }

            private void write() {
                try {
                    out.append(buf);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
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

        private final StringBuilder buf = new StringBuilder(128);
        private byte[] bytes = new byte[256];
        private char[] chars = new char[256];

        @Override
        public void record(long time, String line) {
            record(time, line, NO_WORDS);
        }

        @Override
        public void record(long time, String subject, String... words) {
            line(buf, time, subject, words);
            update(buf);
            lines++;
        }

        @Override
        public void recordWords(long time, String subject, int n, String w1, String w2, String w3, String w4) {
            line(buf, time, subject, n, w1, w2, w3, w4);
            update(buf);
            lines++;
        }

        /**
         * UTF-8 of the buffer into the digest, through reused arrays (ASCII fast path). The characters come out in one
         * {@code getChars}, not one {@code charAt} each: the bench's storm runs C1 alone, which does not inline an
         * interface call, and a {@code CharSequence.charAt} per character was 8 % of a logged storm's samples.
         */
        private void update(StringBuilder sb) {
            int n = sb.length();
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
                chars = new char[bytes.length];
            }
            char[] cs = chars;
            sb.getChars(0, n, cs, 0);
            byte[] out = bytes;
            for (int i = 0; i < n; i++) {
                char c = cs[i];
                if (c >= 0x80) {
                    sha.update(sb.toString().getBytes(StandardCharsets.UTF_8));
                    return;
                }
                out[i] = (byte) c;
            }
            sha.update(out, 0, n);
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
