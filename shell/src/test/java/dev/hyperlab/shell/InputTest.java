package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.hyperlab.core.lab.Labs;
import dev.hyperlab.shell.command.CommandCatalog;
import dev.hyperlab.shell.command.CommandGroup;
import dev.hyperlab.shell.command.Section;
import dev.hyperlab.shell.commands.script.ScriptFiles;
import dev.hyperlab.shell.error.ShellException;
import dev.hyperlab.shell.command.Tokenizer;
import dev.hyperlab.shell.commands.TimeCommand;
import dev.hyperlab.shell.repl.ShellParser;
import java.util.List;
import org.jline.reader.EOFError;
import org.jline.reader.Parser;
import org.junit.jupiter.api.Test;

/** How typed text becomes commands: words, quotes, ';', comments, continuations, multi-line blocks. */
class InputTest {
    @Test
    void wordsQuotesSemicolonsAndComments() {
        assertThat(Tokenizer.commands("vm start web1; timeline web1 --html 'my storm.html'"))
                .containsExactly(List.of("vm", "start", "web1"), List.of("timeline", "web1", "--html", "my storm.html"));
        assertThat(Tokenizer.commands("# setup\nhost list\n\n  # indented comment\ntime"))
                .containsExactly(List.of("host", "list"), List.of("time"));
        assertThat(Tokenizer.commands("lab apply \"a \\\"b\\\".yaml\"")).containsExactly(List.of("lab", "apply",
                "a \"b\".yaml"));
        assertThat(Tokenizer.commands("host install h1 \\\n  --hypervisor type1"))
                .containsExactly(List.of("host", "install", "h1", "--hypervisor", "type1"));
        assertThatThrownBy(() -> Tokenizer.commands("vm info 'web1")).isInstanceOf(ShellException.class)
                .hasMessageStartingWith("unclosed single quote");
        assertThat(Tokenizer.isComplete("vm info 'web\n")).isFalse();
        assertThat(Tokenizer.isComplete("host install h1 \\\n")).isFalse();
        assertThat(Tokenizer.isComplete("# it's a comment\n")).isTrue();
        assertThat(Tokenizer.isComplete("vm info web1\n")).isTrue();
    }

    @Test
    void aMultiLineGroupKeepsReadingWhileBracketsAreOpen() {
        CommandCatalog catalog = new CommandCatalog(List.of(new CommandGroup("js", Section.PLUGINS,
                TimeCommand.class, true), CommandGroup.of("time", Section.LAB, TimeCommand.class)));
        ShellParser parser = new ShellParser(catalog);
        assertThatThrownBy(() -> parser.parse("js for (const vm of lab.vms()) {", 0, Parser.ParseContext.ACCEPT_LINE))
                .isInstanceOf(EOFError.class);
        assertThat(parser.parse("js for (const vm of lab.vms()) {\n  print(vm.name())\n}", 0,
                Parser.ParseContext.ACCEPT_LINE).words()).first().isEqualTo("js");
        assertThat(parser.parse("time (", 0, Parser.ParseContext.ACCEPT_LINE).words()).contains("time");
        assertThat(ShellParser.openBrackets("f({ s: '}' ")).isEqualTo("})");
        assertThat(ShellParser.openBrackets("a(/* ) */ b // )\n)")).isEmpty();
    }

    @Test
    void tabOffersCommandsVerbsOptionsAndLiveNames() {
        try (ShellFixture shell = new ShellFixture(() -> Labs.inMemory(1))) {
            shell.small();
            var completer = new dev.hyperlab.shell.repl.ShellCompleter(shell.ctx);
            assertThat(values(completer.candidates(List.of(""), 0))).contains("vm", "host", "timeline", "help");
            assertThat(values(completer.candidates(List.of("vm", ""), 1))).contains("start", "create", "delete");
            assertThat(values(completer.candidates(List.of("vm", "start", ""), 2))).containsExactly("dev1", "fc1",
                    "web1");
            assertThat(values(completer.candidates(List.of("vm", "start", "web1", ""), 3))).contains("dev1", "fc1");
            assertThat(values(completer.candidates(List.of("vm", "start", "--"), 2))).contains("--wait", "--dry-run",
                    "--timeout", "--all");
            assertThat(values(completer.candidates(List.of("vm", "create", "x", "--host", ""), 4)))
                    .containsExactly("esx1", "ws1");
            assertThat(values(completer.candidates(List.of("vm", "create", "x", "--os", ""), 4)))
                    .contains("linux-server", "microvm", "windows-server");
            assertThat(values(completer.candidates(List.of("host", "install", "esx1", "--hypervisor", ""), 4)))
                    .containsExactly("type1", "type2");
            assertThat(values(completer.candidates(List.of("wait", ""), 1))).containsExactly("host", "vm");
            assertThat(values(completer.candidates(List.of("wait", "host", ""), 2))).containsExactly("esx1", "ws1");
            assertThat(values(completer.candidates(List.of("wait", "vm", "web1", "--state", ""), 4)))
                    .contains("running", "shutoff");
            assertThat(values(completer.candidates(List.of("timeline", ""), 1))).contains("esx1", "web1");
            assertThat(values(completer.candidates(List.of("help", "vm", ""), 2))).contains("start");
            assertThat(values(completer.candidates(List.of("time;", "vm", ""), 2))).contains("start");
        }
    }

    @Test
    void aGroupBringsTheLiveNamesItsCommandsComplete() {
        // `run FILE<Tab>` offers script files: the provider comes with the run group, not from completion/
        try (ShellFixture shell = ShellFixture.inMemory()) {
            var completer = new dev.hyperlab.shell.repl.ShellCompleter(shell.ctx);
            assertThat(shell.ctx.names().find(ScriptFiles.KIND)).isPresent();
            assertThat(values(completer.candidates(List.of("run", ""), 1))).containsAll(ScriptFiles.list());
        }
    }

    @Test
    void knownCommandsAreHighlightedAndUnknownOnesMarked() {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            var highlighter = new dev.hyperlab.shell.repl.ShellHighlighter(shell.ctx);
            var line = highlighter.highlight(null, "vm start web1 --wait; vm strat x; tiem; ho");
            String text = line.toString();
            org.jline.utils.AttributedStyle command = line.styleAt(text.indexOf("start"));
            org.jline.utils.AttributedStyle option = line.styleAt(text.indexOf("--wait"));
            org.jline.utils.AttributedStyle typo = line.styleAt(text.indexOf("strat"));
            org.jline.utils.AttributedStyle plain = line.styleAt(text.indexOf("web1"));
            assertThat(command).isNotEqualTo(plain);
            assertThat(option).isNotEqualTo(plain).isNotEqualTo(command);
            assertThat(typo).isNotEqualTo(plain).isNotEqualTo(command);
            assertThat(line.styleAt(text.indexOf("tiem"))).as("no command starts so").isEqualTo(typo);
            assertThat(line.styleAt(text.indexOf("ho"))).as("still being typed: not marked yet").isEqualTo(plain);
            assertThat(line.styleAt(text.indexOf("vm"))).isEqualTo(command);
        }
    }

    private static List<String> values(List<org.jline.reader.Candidate> candidates) {
        return candidates.stream().map(org.jline.reader.Candidate::value).toList();
    }
}
