package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File backups of this machine through the shell ({@code backup files}, {@code backup ls}, {@code backup restore ID
 * --to DIR}), JavaScript and Java snippets (the same facade: {@code Backups.backupFiles}, {@code listFiles},
 * {@code restoreFiles}), and the mistakes people make, each a one-line error that changes nothing.
 */
class FileBackupCommandsTest {
    @TempDir
    Path tmp;

    /**
     * A backup that could not read a file is made, says so, lets the rest of the line run, and ends the batch run with
     * restic's status 3 (it ended the run with 1 at the backup, so nothing after it ran and scripts could not tell a
     * made backup from a failed one).
     */
    @Test
    void aBackupThatLeftAFileOutLetsTheLineGoOnAndEndsWithStatus3() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("left/src"));
        Files.writeString(src.resolve("ok"), "ok");
        Path secret = Files.writeString(src.resolve("secret"), "s");
        Files.setPosixFilePermissions(secret, java.util.Set.of());
        // root reads any file: the child drops the capabilities that let it (as FileBackupProcessTest does)
        boolean root = ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(!root || Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "setpriv is missing");
        java.util.List<String> wrapper = root
                ? java.util.List.of("setpriv", "--bounding-set=-dac_override,-dac_read_search", "--inh-caps=-all")
                : java.util.List.of();
        Path repo = tmp.resolve("left/repo");
        ShellProcess.Run r = ShellProcess.runUnder(wrapper, tmp, java.util.List.of(), java.util.Map.of(), null,
                "--lab", tmp.resolve("left/lab").toString(), "-c", "backup init " + repo + "; backup files " + src
                        + " --repo " + repo + "; backup list --repo " + repo);
        assertThat(r.out()).contains("warning: " + secret + ": permission denied; skipped");
        assertThat(r.out()).as("backup list ran after it").containsPattern("(?m)^[0-9a-f]{8} .*files");
        assertThat(r.status()).as(r.err()).isEqualTo(3);

        ShellProcess.Run failing = ShellProcess.runUnder(wrapper, tmp, java.util.List.of(), java.util.Map.of(), null,
                "--lab", tmp.resolve("left/lab").toString(), "-c", "backup files " + src + " --repo " + repo
                        + "; backup ls nosuch --repo " + repo);
        assertThat(failing.status()).as("an error after an incomplete backup still ends the run with 1").isEqualTo(1);
    }

    /** A file that --overwrite could not restore (a directory in its place) is named, counted, and ends with 3. */
    @Test
    void aRestoreThatLeftAFileAsItWasEndsWithStatus3() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("ow/src"));
        Files.writeString(src.resolve("plain.txt"), "plain");
        Files.writeString(src.resolve("other.txt"), "other");
        Path repo = tmp.resolve("ow/repo");
        Path lab = tmp.resolve("ow/lab");
        Path target = tmp.resolve("ow/target");
        Files.createDirectories(Path.of(target + src.toString(), "plain.txt")); // a directory where the file goes
        ShellProcess.Run r = ShellProcess.run(tmp, null, "--lab", lab.toString(), "-c", "backup init " + repo
                + "; backup files " + src + " --repo " + repo + "; backup restore latest --to " + target
                + " --overwrite --repo " + repo + "; js lab.backups('" + repo + "', '').restoreFiles('latest', '"
                + target + "', [], true).leftOut");
        assertThat(r.out()).contains("warning: " + src + "/plain.txt is a directory in the target, left as it is (the"
                + " backup has a file there)");
        assertThat(r.out().strip()).as("the facade counts it").endsWith("1");
        assertThat(Files.readString(Path.of(target + src.toString(), "other.txt"))).isEqualTo("other");
        assertThat(r.status()).as(r.err()).isEqualTo(3);
    }

    private Path sample() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src/etc"));
        Files.writeString(src.resolve("hosts"), "127.0.0.1 localhost\n");
        Files.writeString(src.resolve("cache.tmp"), "scratch");
        Files.createSymbolicLink(src.resolve("link"), Path.of("hosts"));
        Files.setLastModifiedTime(src.resolve("hosts"), FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
        return src;
    }

    @Test
    void backUpListAndRestoreFilesOfThisMachine() throws Exception {
        Path src = sample();
        String repo = " --repo " + tmp.resolve("repo");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("backup init " + tmp.resolve("repo"));
            String first = shell.ok("backup files " + src + " --exclude *.tmp" + repo);
            assertThat(first).matches("(?s)\\S+: backup [0-9a-f]{8} \\(files\\): 1 file \\(20 B\\), \\d+ directories,"
                    + " 1 other; 1 new, 0 changed, 0 unchanged; read 20 B, added .*\n");
            assertThat(shell.ok("backup files " + src + repo)).contains("2 files", "1 unchanged", "1 new", "read 7 B");

            JsonNode list = shell.run("backup list --json" + repo).json();
            assertThat(list.size()).isEqualTo(2);
            assertThat(list.get(0).get("strategy").asText()).isEqualTo("files");
            assertThat(list.get(0).get("paths").get(0).asText()).isEqualTo(src.toString());
            assertThat(list.get(1).get("parents").get(0).asText()).isEqualTo(list.get(0).get("id").asText());
            String id = list.get(0).get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup list" + repo)).contains(id, "files", src.toString());

            String ls = shell.ok("backup ls " + id + " " + src + repo);
            assertThat(ls).contains("MODE", "-rw-r--r--", "2024-01-02 03:04:05", src + "/hosts",
                    "lrwxrwxrwx", src + "/link -> hosts").doesNotContain("cache.tmp");
            JsonNode entries = shell.run("backup ls " + id + " / --recursive --json" + repo).json();
            assertThat(entries.findValuesAsText("path")).contains("/" + src.getName(0), src + "/hosts");

            // latest, as restic has it: the second backup, the only one that holds cache.tmp
            assertThat(shell.ok("backup ls latest " + src + repo)).contains(src + "/cache.tmp");
            Path newest = tmp.resolve("newest");
            String second = list.get(1).get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup restore latest --to " + newest + repo)).startsWith("latest is backup "
                    + second + " of " + list.get(1).get("vm").asText() + " (files)\nrestored " + second + " to "
                    + newest + ": 2 files, ");
            assertThat(Path.of(newest + src.toString(), "cache.tmp")).hasContent("scratch");

            // (the directories above src are in both backups too, and other tests touch /tmp meanwhile)
            assertThat(shell.ok("backup diff " + id + " latest" + repo)).startsWith("comparing backup " + id + " to "
                    + list.get(1).get("id").asText().substring(0, 8) + ":\n").contains("\n+    " + src
                    + "/cache.tmp\n").doesNotContain(src + "/hosts").endsWith(" 0 of another type; added 7 B, removed"
                    + " 0 B\n");
            JsonNode diff = shell.run("backup diff latest " + id + " --json" + repo).json();
            // (the directories above src may show metadata changes: other processes create files in /tmp)
            assertThat(diff.get("changes").findValuesAsText("path")).contains(src + "/cache.tmp");
            diff.get("changes").forEach(c -> {
                if (c.get("path").asText().equals(src + "/cache.tmp")) {
                    assertThat(c.get("change").asText()).isEqualTo("removed");
                }
            });
            assertThat(diff.get("bytesRemoved").asLong()).isEqualTo(7);
            assertThat(shell.run("backup diff " + id + " zz" + repo).err()).startsWith("error: bad backup id: zz");

            Path target = tmp.resolve("restored");
            assertThat(shell.ok("backup restore " + id + " --to " + target + repo))
                    .startsWith("restored " + id + " to " + target + ": 1 file, ");
            assertThat(Files.readString(Path.of(target + src.toString(), "hosts"))).isEqualTo("127.0.0.1 localhost\n");
            assertThat(Files.getLastModifiedTime(Path.of(target + src.toString(), "hosts")).toInstant())
                    .isEqualTo(Instant.parse("2024-01-02T03:04:05Z"));
            assertThat(Files.readSymbolicLink(Path.of(target + src.toString(), "link"))).isEqualTo(Path.of("hosts"));

            // --json, as restic backup --json and restore --json: the facade's result, nothing else on stdout
            JsonNode again = shell.run("backup files " + src + " --json" + repo).json();
            assertThat(again.get("bytesRead").asLong()).isZero();
            assertThat(again.get("backup").get("files").get("unchangedFiles").asLong()).isEqualTo(2);
            JsonNode back = shell.run("backup restore latest --to " + tmp.resolve("as-json") + " --json" + repo)
                    .json();
            assertThat(back.get("files").asLong()).isEqualTo(2);
            assertThat(back.get("leftOut").asLong()).isZero();
            assertThat(back.get("backupId").asText()).isEqualTo(again.get("backup").get("id").asText());

            assertThat(shell.ok("backup check --read-data" + repo)).contains("3 backups", "no errors were found");
            assertThat(shell.ok("backup prune --keep-last 1" + repo)).startsWith("forgot 2 backups (").contains(id);
        }
    }

    @Test
    void eachRestoreInOneShellReportsItselfNotTheOneBefore() throws Exception {
        // the shell keeps each command object for the next line: a file restore's report once stood in for the VM
        // restore that followed it
        Path src = sample();
        String repo = " --repo " + tmp.resolve("repo");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + tmp.resolve("repo"));
            String id = "(?s)^\\S+: backup ([0-9a-f]{8}) .*";
            String files = shell.ok("backup files " + src + repo).replaceAll(id, "$1");
            String vm = shell.ok("backup run web1 --strategy full" + repo).replaceAll(id, "$1");
            assertThat(shell.ok("backup restore " + files + " --to " + tmp.resolve("f1") + repo))
                    .startsWith("restored " + files + " to " + tmp.resolve("f1") + ": 2 files");
            assertThat(shell.ok("backup restore " + vm + " --to " + tmp.resolve("v1.raw") + repo))
                    .startsWith("restored " + vm + " disk0 to " + tmp.resolve("v1.raw") + " (raw, ");
            assertThat(shell.ok("backup restore " + files + " --to " + tmp.resolve("f2") + repo))
                    .startsWith("restored " + files + " to " + tmp.resolve("f2"));
        }
    }

    @Test
    void mistakesAreOneLineErrorsThatChangeNothing() throws Exception {
        Path src = sample();
        String repo = " --repo " + tmp.resolve("repo");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + tmp.resolve("repo"));
            shell.ok("backup files " + src + repo);
            String id = shell.run("backup list --json" + repo).json().get(0).get("id").asText().substring(0, 8);

            assertThat(shell.run("backup files " + tmp.resolve("nope") + repo).err())
                    .startsWith("error: cannot back up " + tmp.resolve("nope")).doesNotContain("\n\t");
            assertThat(shell.run("backup files " + src + " --exclude [a-" + repo).err())
                    .isEqualTo("error: bad pattern \"[a-\": '[' without ']'\n");
            assertThat(shell.run("backup ls " + id + " /no/such/path" + repo).err()).startsWith("error: ");

            Path target = Files.createDirectories(tmp.resolve("occupied"));
            Files.writeString(target.resolve("mine"), "keep");
            assertThat(shell.run("backup restore " + id + " --to " + target + repo).err())
                    .isEqualTo("error: " + target + " exists and is not empty (restore into a new directory, or "
                            + "write over what is there with --overwrite)\n");
            assertThat(Files.list(target).count()).isEqualTo(1);

            shell.ok("backup run web1 --strategy full" + repo);
            String disk = "";
            for (JsonNode b : shell.run("backup list --json" + repo).json()) {
                if (b.get("strategy").asText().equals("full")) {
                    disk = b.get("id").asText().substring(0, 8);
                }
            }
            assertThat(shell.run("backup ls " + disk + repo).err()).contains("not of files");
            assertThat(shell.run("backup list --json" + repo).json().size()).isEqualTo(2);
        }
    }

    @Test
    void scriptsAndSnippetsBackUpAndRestoreFilesThroughTheSameFacade() throws Exception {
        Path src = sample();
        String dir = tmp.resolve("repo").toString();
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.ok("backup init " + dir);
            String id = shell.ok("js const r = lab.backups('" + dir + "', '').backupFiles(['" + src + "'],"
                    + " ['*.tmp']); r.backup.id").strip();
            assertThat(id).hasSize(64);
            assertThat(shell.ok("js lab.backups('" + dir + "', '').listFiles('" + id + "', '" + src + "', false)"
                    + ".map(e => e.path + ':' + e.type).join(',')"))
                    .isEqualTo(src + "/hosts:file," + src + "/link:symlink\n");
            Path target = tmp.resolve("from-js");
            assertThat(shell.ok("js lab.backups('" + dir + "', '').restoreFiles('" + id + "', '" + target + "', [],"
                    + " false).files")).isEqualTo("1\n");
            assertThat(Path.of(target + src.toString(), "hosts")).exists();

            shell.ok("java var b = lab.backups(\"" + dir + "\", \"\");");
            assertThat(shell.ok("java b.backupFiles(java.util.List.of(\"" + src + "\"), java.util.List.of())"
                    + ".backup().files().unchangedFiles()")).endsWith("==> 1\n");
            Path fromJava = tmp.resolve("from-java");
            assertThat(shell.ok("java b.restoreFiles(\"" + id.substring(0, 8) + "\", \"" + fromJava + "\","
                    + " java.util.List.of(\"**/hosts\"), false).files()")).endsWith("==> 1\n");
            assertThat(Path.of(fromJava + src.toString(), "link")).doesNotExist();
            // the Java snippet's backup took cache.tmp in: the diff from the script's says so, in both front ends
            assertThat(shell.ok("js lab.backups('" + dir + "', '').diffFiles('" + id + "', 'latest').changes"
                    + ".filter(c => c.path.startsWith('" + src + "')).map(c => c.change + ' ' + c.path).join(',')"))
                    .isEqualTo("added " + src + "/cache.tmp\n");
            assertThat(shell.ok("java b.diffFiles(\"latest\", \"" + id.substring(0, 8) + "\").changes().stream()"
                    + ".filter(c -> c.path().endsWith(\"cache.tmp\")).map(c -> c.change()).toList()"))
                    .endsWith("==> [removed]\n");
            assertThat(shell.run("js lab.backups('" + dir + "', '').restoreFiles('" + id + "', '" + target + "', [],"
                    + " false)").err()).startsWith("error: ").contains("not empty").doesNotContain("\tat ")
                    .contains("write over what is there with overwrite)").doesNotContain("--overwrite");
        }
    }
}
