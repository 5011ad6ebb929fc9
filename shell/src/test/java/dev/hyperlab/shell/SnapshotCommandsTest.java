package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.hyperlab.core.lab.Labs;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The snapshot commands as an operator uses them: take, list as a table, a tree and JSON, revert, delete. */
class SnapshotCommandsTest {
    private final ShellFixture shell = new ShellFixture(() -> Labs.inMemory(1));

    @AfterEach
    void close() {
        shell.close();
    }

    @Test
    void controlCharactersInADescriptionReachTheTerminalEscapedAndTheJsonValid() {
        shell.small();
        // clear the screen, home the cursor and reverse what follows: before, all of it reached the terminal raw
        String hostile = "\u001b[2J\u001b[Hok\u202etxt.exe\u0007";
        shell.ok("snapshot create web1 s1 --description '" + hostile + "'");
        String table = shell.ok("snapshot list web1");
        assertThat(table).contains("\\x1b[2J\\x1b[Hok\\u202etxt.exe\\x07").doesNotContain("\u001b[2J")
                .doesNotContain("\u202e").doesNotContain("\u0007");
        assertThat(shell.run("snapshot list web1 --json").json().get(0).get("description").asText()).isEqualTo(hostile);
        assertThat(shell.run("vm info web1\u001b[2J").err()).contains("\\x1b[2J").doesNotContain("\u001b[2J");
    }

    @Test
    void createListRevertDeleteThroughTheShell() {
        shell.small();
        assertThat(shell.ok("snapshot list web1")).contains("web1 has no snapshots");
        assertThat(shell.ok("snapshot create web1 clean --description 'as installed'"))
                .contains("snapshot clean taken", "disk-only", "offline-consistent");
        shell.ok("vm start web1 --wait");
        assertThat(shell.ok("snapshot create web1 booted")).contains("taken after clean", "crash-consistent",
                "web1 paused: snapshot under way");
        assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("paused");
        shell.ok("advance 1m");
        assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("running");

        String table = shell.ok("snapshot list web1");
        assertThat(table).contains("NAME", "PARENT", "CONSISTENCY", "clean", "as installed", "* booted", "crash");
        shell.ok("snapshot revert web1 clean; snapshot create web1 other");
        String tree = shell.ok("snapshot list web1 --tree");
        assertThat(tree).contains("clean", "├── booted", "└── other *");

        JsonNode list = shell.run("snapshot list web1 --json").json();
        assertThat(list.size()).isEqualTo(3);
        JsonNode booted = list.get(1);
        assertThat(booted.get("name").asText()).isEqualTo("booted");
        assertThat(booted.get("parent").asText()).isEqualTo("clean");
        assertThat(booted.get("state").asText()).isEqualTo("running");
        assertThat(booted.get("diskOnly").asBoolean()).isFalse();
        assertThat(booted.get("memory").asLong()).isPositive();
        assertThat(booted.get("consistency").asText()).isEqualTo("crash");
        assertThat(booted.get("stateDigest").asText()).hasSize(64);
        assertThat(list.get(0).get("children").toString()).isEqualTo("[\"booted\",\"other\"]");

        assertThat(shell.ok("snapshot revert web1 booted; vm list")).contains("web1: reverted to booted", "web1 paused: revert under way");
        assertThat(shell.ok("snapshot delete web1 clean --children")).contains("deleted clean, booted, other");
        assertThat(shell.ok("snapshot list web1")).contains("no snapshots");
    }

    @Test
    void badInputSaysWhatAndHowAndChangesNothing() {
        shell.small();
        shell.ok("snapshot create web1 a");
        assertThat(shell.run("snapshot create web1 a").err())
                .startsWith("error: VM web1 already has a snapshot named 'a' (choose another name");
        assertThat(shell.run("snapshot revert dev1 a").err())
                .isEqualTo("error: VM dev1 has no snapshot named 'a' ('a' is a snapshot of VM web1; snapshot list dev1"
                        + " shows dev1's)\n");
        assertThat(shell.run("snapshot delete web1 zz").err()).contains("no snapshot named 'zz'");
        assertThat(shell.run("snapshot list nope").err()).contains("no VM named 'nope'");
        assertThat(shell.run("snapshot create web1 'two words'").err()).contains("a space");
        assertThat(shell.run("snapshot list web1 --json").json().size()).isEqualTo(1);
    }

    @Test
    void tabCompletesTheSnapshotsOfTheVmNamedBefore() {
        shell.small().ok("snapshot create web1 alpha; snapshot create web1 beta; snapshot create dev1 gamma");
        var completer = new dev.hyperlab.shell.repl.ShellCompleter(shell.ctx);
        assertThat(values(completer.candidates(List.of("snapshot", ""), 1)))
                .contains("create", "list", "revert", "delete");
        assertThat(values(completer.candidates(List.of("snapshot", "revert", "web1", ""), 3)))
                .containsExactly("alpha", "beta");
        assertThat(values(completer.candidates(List.of("snapshot", "delete", "dev1", ""), 3)))
                .containsExactly("gamma");
    }

    private static List<String> values(List<org.jline.reader.Candidate> candidates) {
        return candidates.stream().map(org.jline.reader.Candidate::value).toList();
    }
}
