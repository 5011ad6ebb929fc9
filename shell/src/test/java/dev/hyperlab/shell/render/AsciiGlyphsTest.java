package dev.hyperlab.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class AsciiGlyphsTest {

    @Test
    void aTerminalThatCannotShowTheGlyphsGetsAsciiLookAlikes() {
        assertThat(AsciiGlyphs.needed(StandardCharsets.US_ASCII)).isTrue();
        assertThat(AsciiGlyphs.needed(StandardCharsets.UTF_8)).isFalse();

        StringWriter screen = new StringWriter();
        try (PrintWriter out = new PrintWriter(new AsciiGlyphs(screen))) {
            out.println("disk latency  85 µs");
            out.print("├── base\n│   └── day2 ───");
            out.write('µ');
        }
        assertThat(screen.toString())
                .isEqualTo("disk latency  85 us" + System.lineSeparator() + "|-- base\n|   `-- day2 ---u");
    }

    @Test
    void namesFromTheLabPassUnchanged() {
        StringWriter screen = new StringWriter();
        try (PrintWriter out = new PrintWriter(new AsciiGlyphs(screen))) {
            out.print("vm-é ☃");
        }
        assertThat(screen.toString()).isEqualTo("vm-é ☃");
    }

    @Test
    void theLocaleNotTheJvmsDefaultCharsetDecides() {
        String was = System.getProperty("stdout.encoding");
        try {
            System.setProperty("stdout.encoding", "ANSI_X3.4-1968"); // what LANG=C gives
            assertThat(AsciiGlyphs.needed(AsciiGlyphs.localeCharset())).isTrue();
            System.setProperty("stdout.encoding", "UTF-8");
            assertThat(AsciiGlyphs.needed(AsciiGlyphs.localeCharset())).isFalse();
            System.setProperty("stdout.encoding", "no-such-charset");
            assertThat(AsciiGlyphs.needed(AsciiGlyphs.localeCharset())).isTrue();
        } finally {
            if (was == null) {
                System.clearProperty("stdout.encoding");
            } else {
                System.setProperty("stdout.encoding", was);
            }
        }
    }
}
