package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup commands as an operator uses them on a lab in a directory: a repository, a live backup, the list as a
 * table and JSON, a restore to a file and a recovery drill (restore as a VM that boots), check, prune, and the
 * mistakes people make.
 */
class BackupCommandsTest {
    @TempDir
    Path tmp;

    @Test
    void backUpAVmLiveRestoreItAsANewVmAndPrune() throws Exception {
        String repo = " --repo " + tmp.resolve("repo");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("vm start web1 --wait");
            assertThat(shell.ok("backup init " + tmp.resolve("repo")))
                    .isEqualTo("created backup repository " + tmp.resolve("repo") + "\n");
            assertThat(shell.ok("backup list" + repo)).startsWith("no backups in ");

            String full = shell.ok("backup run web1 --strategy full" + repo);
            assertThat(full).startsWith("web1: backup ").contains("(full, live): read ", "the VM kept running");
            assertThat(shell.run("vm info web1 --json").json().get("state").asText()).isEqualTo("running");
            assertThat(shell.ok("timeline web1")).contains("snapshot", "backup");
            String second = shell.ok("backup run web1" + repo);
            assertThat(second).contains("(incremental, live): read 0 B");

            JsonNode list = shell.run("backup list --json" + repo).json();
            assertThat(list.size()).isEqualTo(2);
            JsonNode first = list.get(0);
            assertThat(first.get("id").asText()).hasSize(64);
            assertThat(first.get("vm").asText()).isEqualTo("web1");
            assertThat(first.get("strategy").asText()).isEqualTo("full");
            assertThat(first.get("fullFallback").asBoolean()).isFalse();
            assertThat(first.get("disks").get(0).get("name").asText()).isEqualTo("disk0");
            assertThat(list.get(1).get("parents").get(0).asText()).isEqualTo(first.get("id").asText());
            String id = first.get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup list" + repo)).contains("ID", "STRATEGY", id, "full", "incremental");

            Path file = tmp.resolve("web1.raw");
            assertThat(shell.ok("backup restore " + id + " --to " + file + repo))
                    .startsWith("restored " + id + " disk0 to " + file + " (raw, ");
            assertThat(file).exists();

            String drill = shell.ok("backup restore " + id + " --as-vm web1-copy" + repo);
            assertThat(drill).contains("restored " + id + " as VM web1-copy on esx1 (original host)", "recovery time ",
                    ": restore ", " + boot ");
            assertThat(shell.run("vm info web1-copy --json").json().get("state").asText()).isEqualTo("running");
            assertThat(shell.ok("timeline web1-copy")).contains("restore", "kernel");
            JsonNode copyJson = shell.run("backup restore " + id + " --as-vm web1-json --json" + repo).json();
            assertThat(copyJson.get("vm").asText()).isEqualTo("web1-json");
            assertThat(copyJson.get("bootTime").asDouble()).isPositive();

            JsonNode third = shell.run("backup run web1 --json" + repo).json();
            assertThat(third.get("backup").get("strategy").asText()).isEqualTo("incremental");
            assertThat(third.get("backup").get("parents").get(0).asText()).isEqualTo(list.get(1).get("id").asText());

            assertThat(shell.ok("backup check --read-data" + repo)).contains("3 backups", "no errors were found");
            assertThat(shell.ok("backup prune --keep-last 1" + repo)).startsWith("forgot 2 backups (").contains(id);
            assertThat(shell.run("backup list --json" + repo).json().size()).isEqualTo(1);
        }
    }

    @Test
    void mistakesAndDamageAreOneLineErrors() throws Exception {
        Path dir = tmp.resolve("repo");
        String repo = " --repo " + dir;
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + dir + "; backup run web1 --strategy full" + repo);
            assertThat(shell.run("backup run nope" + repo).err()).isEqualTo("error: no VM named 'nope' (vm list shows"
                    + " the VMs)\n");
            assertThat(shell.run("backup run web1 --strategy weekly" + repo).err())
                    .startsWith("error: no backup strategy 'weekly' (full, incremental, dedup");
            assertThat(shell.run("backup list --repo " + tmp.resolve("none")).err())
                    .startsWith("error: no backup repository in " + tmp.resolve("none"));
            assertThat(shell.run("backup restore abcd" + repo).err()).startsWith("error: give --to PATH, --as-vm NAME or --to-host HOST");
            assertThat(shell.run("backup restore ffff --to " + tmp.resolve("x") + repo).err())
                    .startsWith("error: no backup ffff in ");
            assertThat(shell.run("backup init " + dir).err()).contains(dir + " is not empty");
            assertThat(shell.run("backup prune" + repo).err()).contains("--keep-last");
            assertThat(shell.run("backup prune --keep-last 0" + repo).err()).contains("at least 1");

            Path pack;
            try (Stream<Path> s = Files.walk(dir.resolve("data"))) {
                pack = s.filter(Files::isRegularFile).sorted().findFirst().orElseThrow();
            }
            try (RandomAccessFile f = new RandomAccessFile(pack.toFile(), "rw")) {
                f.seek(64);
                int b = f.read();
                f.seek(64);
                f.write(b ^ 0x5a);
            }
            ShellFixture.Result check = shell.run("backup check --read-data" + repo);
            assertThat(check.ok()).isFalse();
            assertThat(check.out()).contains("damaged: ");
            assertThat(check.err()).startsWith("error: " + dir + " is damaged: ").doesNotContain("\tat ");
            assertThat(shell.run("backup check --read-data --json" + repo).json().get("errors").size()).isPositive();
            String id = shell.run("backup list --json" + repo).json().get(0).get("id").asText().substring(0, 8);
            ShellFixture.Result restore = shell.run("backup restore " + id + " --to " + tmp.resolve("r.raw") + repo);
            assertThat(restore.ok()).isFalse();
            assertThat(restore.out()).contains("damaged: disk disk0 bytes ");
            assertThat(restore.err()).startsWith("error: restore of " + id + " is incomplete: ");

            // the hint is a way out that works: a new backup alone finds the damaged blob in the index and skips it
            List<String> damaged = new java.util.ArrayList<>();
            shell.run("backup check --read-data --json" + repo).json().get("damagedBackups")
                    .forEach(n -> damaged.add(n.asText().substring(0, 8)));
            assertThat(damaged).contains(id);
            assertThat(check.err()).contains(" cannot be restored completely: " + String.join(", ", damaged)
                    + " (restore what is intact; then backup forget " + String.join(" ", damaged) + " --prune drops the"
                    + " damaged data, and the next backup stores it again)");
            shell.ok("backup forget " + String.join(" ", damaged) + " --prune" + repo);
            shell.ok("backup run web1 --strategy full" + repo);
            assertThat(shell.run("backup check --read-data" + repo).ok()).isTrue();
        }
    }

    /**
     * A lost index file: check says the data is intact and points to backup repair index, not to forgetting the
     * backups (it named both for forgetting, and forget --prune would have removed data that was there); the repair
     * works from the shell and from a script, and check passes after it.
     */
    @Test
    void aLostIndexFileIsRepairedNotForgotten() throws Exception {
        Path dir = tmp.resolve("repo");
        String repo = " --repo " + dir;
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + dir + "; backup run web1 --strategy full" + repo);
            Path index;
            try (Stream<Path> s = Files.walk(dir.resolve("index"))) {
                index = s.filter(Files::isRegularFile).findFirst().orElseThrow();
            }
            Files.delete(index);

            ShellFixture.Result check = shell.run("backup check" + repo);
            assertThat(check.ok()).isFalse();
            assertThat(check.out()).contains("an index file is lost (the data is intact)");
            assertThat(check.err()).isEqualTo("error: " + dir + " is damaged: 1 error, 0 backups cannot be restored"
                    + " completely (backup repair index" + repo + " lists the packs again; then check again)\n");
            assertThat(shell.run("backup check --json" + repo).json().get("indexNeedsRepair").asBoolean()).isTrue();

            assertThat(shell.ok("backup repair index --dry-run" + repo)).contains("would index ");
            assertThat(dir.resolve("index")).isEmptyDirectory();
            assertThat(shell.ok("backup repair index" + repo)).containsPattern("indexed \\d+ packs? \\(\\d+ blobs\\) from"
                    + " their headers: \\d+ no index listed, 0 listed wrongly, 0 listed but gone; replaced 0 index files");
            assertThat(shell.ok("backup check --read-data" + repo)).contains("no errors were found");
            // a script reaches the same repair: nothing left to add now
            assertThat(shell.ok("js lab.backups('" + dir + "', '').repairIndex().packsAdded")).isEqualTo("0\n");
            assertThat(shell.run("backup repair index --json --dry-run" + repo).err())
                    .startsWith("error: --json and --dry-run exclude each other");
        }
    }

    /** As restic snapshots does: what can be read is listed, what cannot is named, and the command fails. */
    @Test
    void aListNamesTheBackupsWhoseManifestCannotBeRead() throws Exception {
        Path dir = tmp.resolve("repo");
        String repo = " --repo " + dir;
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + dir + "; backup run web1 --strategy full" + repo + "; backup run web1"
                    + repo);
            java.util.List<Path> manifests;
            try (Stream<Path> s = Files.list(dir.resolve("backups"))) {
                manifests = s.sorted().toList();
            }
            assertThat(manifests).hasSize(2);
            flipByte(manifests.getFirst());
            String damaged = manifests.getFirst().getFileName().toString().substring(0, 8);
            String intact = manifests.getLast().getFileName().toString().substring(0, 8);

            ShellFixture.Result list = shell.run("backup list" + repo);
            assertThat(list.ok()).isFalse();
            assertThat(list.out()).contains(intact).doesNotContain(damaged);
            assertThat(list.err()).contains("unreadable: backup " + damaged + " ")
                    .endsWith("error: 1 backup of 2 in " + dir + " cannot be read (backup check says what is lost)\n");
            ShellFixture.Result json = shell.run("backup list --json" + repo);
            assertThat(json.ok()).isFalse();
            assertThat(json.json().size()).isEqualTo(1);

            flipByte(manifests.getLast());
            ShellFixture.Result none = shell.run("backup list" + repo);
            assertThat(none.ok()).isFalse();
            assertThat(none.out()).doesNotContain("no backups");
            assertThat(none.err()).contains("unreadable: backup " + damaged, "unreadable: backup " + intact)
                    .contains("error: 2 backups of 2 in " + dir + " cannot be read");

            // the way out, as restic forget: the damaged backups go, with the data only they used
            assertThat(shell.run("backup prune --keep-last 5" + repo).err()).contains("prune refused");
            assertThat(shell.run("backup forget " + damaged + " --dry-run" + repo).out())
                    .contains("would forget 1 backup (" + damaged + "), keeping 1");
            assertThat(shell.run("backup forget abcd0123" + repo).err()).startsWith("error: no backup abcd0123 in ");
            assertThat(shell.ok("backup forget " + damaged + " " + intact + " --prune" + repo))
                    .startsWith("forgot 2 backups (" + String.join(", ", java.util.stream.Stream.of(damaged, intact)
                            .sorted().toList()) + "), keeping 0; removed ");
            assertThat(shell.ok("backup list" + repo)).startsWith("no backups in ");
            assertThat(shell.ok("backup check --read-data" + repo)).contains("no errors were found");
        }
    }

    private static void flipByte(Path file) throws java.io.IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(40);
            int b = f.read();
            f.seek(40);
            f.write(b ^ 0x5a);
        }
    }

    @Test
    void anEncryptedRepositoryAsksForItsPasswordWithoutEcho() {
        Path dir = tmp.resolve("secret");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small();
            shell.ctx.passwordReader(prompt -> "s3cret");
            assertThat(shell.ok("backup init " + dir + " --encrypt")).startsWith("created encrypted backup repository");
            assertThat(shell.ok("backup run fc1 --strategy dedup --repo " + dir)).contains("(dedup, offline)");
            shell.ctx.passwordReader(prompt -> "wrong");
            assertThat(shell.run("backup list --repo " + dir).err()).startsWith("error: wrong password for repository");
            assertThat(shell.run("backup list --repo " + dir).out()).isEmpty();
        }
    }
}
