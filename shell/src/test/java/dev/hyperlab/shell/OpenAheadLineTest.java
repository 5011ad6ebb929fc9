package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.hyperlab.shell.command.ShellHome;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Which {@code -c} lines make the shell begin opening a backup repository ahead (Main.ahead): one {@code backup}
 * command opening an existing local repository, nothing the shell would expand or unquote, no request for help; the
 * index read ahead only for the commands that load it. A line begun wrongly would open a repository the command never
 * opens, or with text the shell has not yet unquoted.
 */
class OpenAheadLineTest {
    @Test
    void aLoneBackupCommandBeginsItsRepository() {
        assertThat(Main.ahead("backup list --repo /r/one", "pw")).isEqualTo(new Main.Ahead("/r/one", "pw", false));
        assertThat(Main.ahead("backup list --repo=/r/one", "pw")).isEqualTo(new Main.Ahead("/r/one", "pw", false));
        assertThat(Main.ahead("  backup check --repo rel/dir  ", "pw")).isEqualTo(new Main.Ahead("rel/dir", "pw", false));
        assertThat(Main.ahead("backup files /usr/share --repo /r", "pw")).isEqualTo(new Main.Ahead("/r", "pw", true));
        assertThat(Main.ahead("backup run web1 --strategy incremental --repo /r", "pw"))
                .isEqualTo(new Main.Ahead("/r", "pw", true));
        assertThat(Main.ahead("backup restore 5657 --to /tmp/d.raw --repo /r", "pw"))
                .isEqualTo(new Main.Ahead("/r", "pw", true));
        assertThat(Main.ahead("backup ls 5657 --repo /r", "pw")).isEqualTo(new Main.Ahead("/r", "pw", true));
        assertThat(Main.ahead("backup diff 5657 latest --repo /r", "pw")).isEqualTo(new Main.Ahead("/r", "pw", true));
        assertThat(Main.ahead("backup prune --repo /r", "pw")).isEqualTo(new Main.Ahead("/r", "pw", false));
        assertThat(Main.ahead("backup forget 5657 --repo /r", "pw")).isEqualTo(new Main.Ahead("/r", "pw", false));
    }

    @Test
    void withoutAPasswordItBeginsWithNone() {
        // an unencrypted repository opens with none; an encrypted one is left alone by BackupRepository.openAhead
        assertThat(Main.ahead("backup run web1 --repo /r", null)).isEqualTo(new Main.Ahead("/r", null, true));
        assertThat(Main.ahead("backup restore 5657 --to d.raw --repo /r", ""))
                .isEqualTo(new Main.Ahead("/r", null, true));
        assertThat(Main.ahead("backup list --repo /r", null)).isEqualTo(new Main.Ahead("/r", null, false));
    }

    @Test
    void noRepoOptionMeansTheDefaultRepository() {
        String home = ShellHome.defaultBackups().toString();
        assertThat(Main.ahead("backup list", "pw")).isEqualTo(new Main.Ahead(home, "pw", false));
        assertThat(Main.ahead("backup run web1 --strategy full", null)).isEqualTo(new Main.Ahead(home, null, true));
        assertThat(Main.ahead("backup files /etc", null)).isEqualTo(new Main.Ahead(home, null, true));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        // help, not an open
        "backup list --help", "backup run web1 -h --repo /r", "backup restore --help --repo /r", "backup list -h",
        // two commands, or more than one line
        "backup list --repo /r; vm list", "backup list --repo /r;backup check --repo /r", "backup list --repo /r\nvm list",
        // what the shell unquotes or expands first
        "backup list --repo '/r'", "backup list --repo \"/r\"", "backup list --repo $HOME/r", "backup list --repo `pwd`",
        "backup list --repo /r\\ x",
        // object storage: opened elsewhere
        "backup list --repo s3:bucket/prefix", "backup run web1 --repo=s3:host/bucket",
        // other commands, and backup commands that open no existing repository or two
        "vm list", "lab info", "backup init /r", "backup copy 5657 --from /a --repo /b", "backup", "backup  ",
        "backups list --repo /r", "xbackup list --repo /r", "backup listing --repo /r", "# backup list --repo /r"})
    void otherLinesBeginNothing(String line) {
        assertThat(Main.ahead(line, "pw")).as(line).isNull();
        assertThat(Main.ahead(line, null)).as(line).isNull();
    }
}
