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
}
