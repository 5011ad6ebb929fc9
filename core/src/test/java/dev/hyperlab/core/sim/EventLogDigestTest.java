package dev.hyperlab.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The digest is the SHA-256 of exactly the bytes the text log writes (UTF-8), whichever way a line is recorded: ASCII
 * lines (the fast path), a line with a non-ASCII word, and lines longer than the digest's reused arrays.
 */
class EventLogDigestTest {
    @Test
    void digestIsTheSha256OfTheTextLog() throws Exception {
        StringWriter text = new StringWriter();
        EventLog writer = EventLog.to(text);
        EventLog.Digest digest = new EventLog.Digest();
        String longWord = "x".repeat(300);
        String longer = "y".repeat(1000);
        for (EventLog log : new EventLog[] {writer, digest}) {
            log.record(0, "lab started");
            log.record(1_500_000_000L, "vm1", "done", "boot", "cpu");
            log.recordWords(2_000_000_001L, "h0", 3, "start", "vm1", "ok", null);
            log.record(3_000_000_000L, "vm-ü", "done", "grüße");
            log.record(4_000_000_000L, "vm2", longWord, "after");
            log.recordWords(5_000_000_000L, "vm3", 4, longer, "a", "b", "c");
            log.record(6_000_000_000L, "vm4", "short", "again");
        }
        byte[] sha = MessageDigest.getInstance("SHA-256").digest(text.toString().getBytes(StandardCharsets.UTF_8));
        assertThat(digest.hex()).isEqualTo(HexFormat.of().formatHex(sha));
        assertThat(digest.lines()).isEqualTo(7);
    }
}
