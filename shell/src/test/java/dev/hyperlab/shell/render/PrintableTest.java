package dev.hyperlab.shell.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {
    @Test
    void controlCharactersAreEscapedAndColoursKept() {
        assertThat(Printable.of("web1")).isEqualTo("web1");
        assertThat(Printable.of("a\u001b[2Jb")).isEqualTo("a\\x1b[2Jb");
        assertThat(Printable.of("a\u001b]0;title\u0007")).isEqualTo("a\\x1b]0;title\\x07");
        assertThat(Printable.of("line\nnext\tcol\rback")).isEqualTo("line\\nnext\\tcol\\rback");
        assertThat(Printable.of("\u0085\u009b6n\u007f")).isEqualTo("\\x85\\x9b6n\\x7f");
        assertThat(Printable.of("abc\u202etxt.exe\u2066")).isEqualTo("abc\\u202etxt.exe\\u2066");
        String red = Style.ANSI.red("crashed");
        assertThat(Printable.of(red)).isEqualTo(red);
        assertThat(Printable.of(red + "\u001b[1A")).isEqualTo(red + "\\x1b[1A");
        assertThat(Printable.of("grüße ✓")).isEqualTo("grüße ✓");
    }
}
