package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * docs/commands.md is the generated reference: a command or option missing from it, or one it lists that the shell
 * does not have, fails here. {@code -Dhyperlab.docs.write=true} rewrites it.
 */
class CommandReferenceTest {
    static final Path DOC = Path.of("..", "docs", "commands.md");

    @Test
    void docsCommandsMdIsTheReferenceOfTheCommandsAsDefined() throws Exception {
        try (ShellFixture shell = ShellFixture.inMemory()) {
            String generated = CommandReference.markdown(shell.ctx.commands(), shell.ctx.catalog());
            if (Boolean.getBoolean("hyperlab.docs.write")) {
                Files.writeString(DOC, generated);
            }
            assertThat(DOC).as("docs/commands.md is generated; run " + CommandReference.REGENERATE).exists();
            assertThat(Files.readString(DOC)).as("docs/commands.md differs from the commands; run "
                    + CommandReference.REGENERATE + " and review the diff").isEqualTo(generated);
            for (String path : shell.ctx.commands().paths()) {
                assertThat(generated).contains("### `" + path + "`");
            }
        }
    }
}
