package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who sets {@code $HYPERLAB_PASSWORD} expects an encrypted repository: the shell opens the repository with it
 * only, so one that says it is not encrypted (an attacker removed its keys and its config's MAC) is refused, never read
 * or written in plaintext. Without the variable, unencrypted repositories open as before.
 */
class BackupPasswordTest {
    @Test
    void aPasswordInTheEnvironmentRefusesAnUnencryptedRepository(@TempDir Path home) {
        ShellProcess.Run init = ShellProcess.run(home, null, "--lab", "./lab", "-c", "backup init repo");
        assertThat(init.status()).as(init.err()).isZero();

        ShellProcess.Run plain = ShellProcess.run(home, null, "--lab", "./lab", "-c", "backup list --repo repo");
        assertThat(plain.status()).as(plain.err()).isZero();

        ShellProcess.Run withPassword = ShellProcess.runWith(home, Map.of("HYPERLAB_PASSWORD", "secret"), null,
                "--lab", "./lab", "-c", "backup list --repo repo");
        assertThat(withPassword.status()).isEqualTo(1);
        assertThat(withPassword.err()).contains("is not encrypted, yet a password was given")
                .doesNotContain("Exception");
    }
}
