package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.shell.script.JsCompletion;
import dev.hyperlab.shell.script.JsCompletion.Member;
import dev.hyperlab.shell.repl.ShellCompleter;
import dev.hyperlab.shell.repl.ShellParser;
import java.util.List;
import org.jline.reader.Candidate;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser.ParseContext;
import org.junit.jupiter.api.Test;

/** What Tab offers in JavaScript, from the facade's types: the REPL test drives the same through a terminal. */
class JsCompletionTest {
    private static List<String> names(String code) {
        return JsCompletion.complete(code, code.length()).members().stream().map(Member::name).toList();
    }

    @Test
    void labsMembersAndWhatItsCallsReturn() {
        assertThat(names("lab.")).contains("vm", "vms", "host", "createVm", "timeline").doesNotContain("toString");
        assertThat(names("lab.vm")).contains("vm", "vms").doesNotContain("host");
        assertThat(names("lab.vm('web1').")).contains("start", "shutdown", "info", "createSnapshot");
        assertThat(names("lab.vm(\"a(b\").sh")).containsExactly("shutdown");
        assertThat(names("lab.host('esx1').po")).contains("powerOn", "powerOff");
        assertThat(names("lab.vms()[0].sta")).contains("start", "state");
        // records are plain objects in a script: their fields, no parentheses
        assertThat(names("lab.vm('web1').info().")).contains("name", "state", "host", "vcpus");
        assertThat(JsCompletion.complete("lab.vm('x').info().vc", 21).members())
                .containsExactly(new Member("vcpus", false));
        assertThat(JsCompletion.complete("lab.vm('x').st", 14).members()).contains(new Member("start", true));
        assertThat(new Member("start", true).text()).isEqualTo("start(");
        assertThat(JsCompletion.complete("x = lab.vm('x').st", 18).anchor()).isEqualTo(16);
    }

    @Test
    void nothingForWhatHasNoTypeBeforeItRunsAndTheGlobalsAtAWordsStart() {
        assertThat(names("vm.")).isEmpty();
        assertThat(names("mylab.")).isEmpty();
        assertThat(names("lab.nothing().")).isEmpty();
        assertThat(names("lab.vms().")).isEmpty();
        assertThat(names("la")).containsExactly("lab");
        assertThat(names("const v = S")).containsExactly("Sizes");
    }

    @Test
    void throughTheReplsParserAndCompleterTheWordBeforeTheCursorIsReplaced() {
        try (ShellFixture shell = ShellFixture.inMemory().small()) {
            ShellParser parser = new ShellParser(shell.ctx.catalog());
            String line = "js lab.vm('web1').sta";
            ParsedLine parsed = parser.parse(line, line.length(), ParseContext.COMPLETE);
            assertThat(parsed.word()).isEqualTo(".sta");
            assertThat(new ShellCompleter(shell.ctx).code(parsed)).extracting(Candidate::value)
                    .contains(".start(", ".state(");
            ShellParser mode = new ShellParser(shell.ctx.catalog(), () -> "js");
            parsed = mode.parse("lab.createV", 11, ParseContext.COMPLETE);
            assertThat(new ShellCompleter(shell.ctx).code(parsed)).extracting(Candidate::value)
                    .containsExactly("lab.createVm(", "lab.createVms(");
        }
    }
}
