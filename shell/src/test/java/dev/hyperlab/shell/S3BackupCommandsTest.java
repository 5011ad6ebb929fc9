package dev.hyperlab.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backup commands on a repository in a real S3-compatible server (S3Proxy, in memory, on loopback), credentials
 * given as the AWS tools take them (here the {@code aws.*} system properties, as the shell runs in this JVM).
 */
class S3BackupCommandsTest {
    private static final String ACCESS = "shell-test";
    private static final String SECRET = "shell-test-secret";

    @TempDir
    Path tmp;

    static BlobStoreContext context;
    static S3Proxy proxy;

    @BeforeAll
    static void start() throws Exception {
        Properties props = new Properties();
        context = ContextBuilder.newBuilder("transient").overrides(props).build(BlobStoreContext.class);
        context.getBlobStore().createContainerInLocation(null, "lab-backups");
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
        System.setProperty("aws.accessKeyId", ACCESS);
        System.setProperty("aws.secretAccessKey", SECRET);
    }

    @AfterAll
    static void stop() throws Exception {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        proxy.stop();
        context.close();
    }

    private static String url(String bucketAndPrefix) {
        return "s3:http://127.0.0.1:" + proxy.getPort() + "/" + bucketAndPrefix;
    }

    @Test
    void everyRepositoryCommandWorksOnS3() throws Exception {
        String location = url("lab-backups/web");
        String repo = " --repo " + location;
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("vm start web1 --wait");
            assertThat(shell.ok("backup init " + location)).isEqualTo("created backup repository " + location + "\n");
            assertThat(shell.ok("backup run web1 --strategy full" + repo)).startsWith("web1: backup ");
            assertThat(shell.ok("backup run web1" + repo)).contains("(incremental, live): read 0 B");
            var list = shell.run("backup list --json" + repo).json();
            assertThat(list.size()).isEqualTo(2);
            String id = list.get(0).get("id").asText().substring(0, 8);
            Path file = tmp.resolve("web1.raw");
            assertThat(shell.ok("backup restore " + id + " --to " + file + repo))
                    .startsWith("restored " + id + " disk0 to " + file);
            assertThat(shell.ok("backup restore " + id + " --as-vm web1-copy" + repo))
                    .contains("restored " + id + " as VM web1-copy");
            assertThat(shell.ok("backup check --read-data" + repo)).contains("2 backups", "no errors were found");
            assertThat(shell.ok("backup prune --keep-last 1" + repo)).startsWith("forgot 1 backup (" + id + ")");
            assertThat(shell.ok("backup check --read-data" + repo)).contains("1 backup", "no errors were found");
        }
    }

    @Test
    void copyTakesBackupsToS3AndBackUnderEachRepositorysOwnPassword() throws Exception {
        String s3 = url("lab-backups/offsite");
        Path local = tmp.resolve("local");
        Path back = tmp.resolve("back");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("vm start web1 --wait");
            // the source's password is asked for by its own prompt (or $HYPERLAB_FROM_PASSWORD), the target's by its
            shell.ctx.passwordReader(prompt -> "local");
            shell.ok("backup init " + local + " --encrypt; backup init " + back);
            shell.ctx.passwordReader(prompt -> "offsite");
            shell.ok("backup init " + s3 + " --encrypt");
            shell.ctx.passwordReader(prompt -> prompt.contains(s3) ? "offsite" : "local");
            shell.ok("backup run web1 --strategy full --repo " + local + "; advance 1m; backup run web1 --repo " + local);
            var ids = shell.run("backup list --json --repo " + local).json();
            String first = ids.get(0).get("id").asText().substring(0, 8);
            String second = ids.get(1).get("id").asText().substring(0, 8);

            String out = shell.ok("backup copy --from " + local + " --to " + s3);
            assertThat(out).contains("copied " + first + " as ", "copied " + second + " as ",
                    "copied 2 backups from " + local + " to " + s3 + ": ");
            assertThat(shell.ok("backup check --read-data --repo " + s3)).contains("2 backups", "no errors were found");
            assertThat(shell.ok("backup copy --from " + local + " --to " + s3 + " " + second))
                    .contains(second + " is in " + s3 + " already", "copied 0 backups");

            String s3Id = shell.run("backup list --json --repo " + s3).json().get(1).get("id").asText().substring(0, 8);
            assertThat(shell.ok("backup copy --from " + s3 + " --to " + back + " " + s3Id))
                    .startsWith("copied " + s3Id + " as ");
            Path restored = tmp.resolve("restored.raw");
            String backId = shell.run("backup list --json --repo " + back).json().get(0).get("id").asText()
                    .substring(0, 8);
            assertThat(shell.ok("backup restore " + backId + " --to " + restored + " --repo " + back))
                    .startsWith("restored " + backId);
            Path fromLocal = tmp.resolve("from-local.raw");
            shell.ok("backup restore " + second + " --to " + fromLocal + " --repo " + local);
            assertThat(java.nio.file.Files.mismatch(restored, fromLocal)).isEqualTo(-1L);

            // refusals: one line, nothing copied
            assertThat(shell.run("backup copy --from " + local + " --to " + local).err()).isEqualTo("error: cannot copy"
                    + " repository " + local + " into itself (name two different repositories)\n");
            assertThat(shell.run("backup copy --from " + local + " --to " + back + " 0000abcd").err())
                    .isEqualTo("error: no backup 0000abcd in " + local + " (see backup list)\n");
            shell.ctx.passwordReader(prompt -> prompt.contains(s3) ? "wrong" : "local");
            assertThat(shell.run("backup copy --from " + local + " --to " + s3).err())
                    .isEqualTo("error: wrong password for repository " + s3 + "\n");
            shell.ctx.passwordReader(prompt -> prompt.contains(s3) ? "offsite" : "wrong");
            assertThat(shell.run("backup copy --from " + local + " --to " + s3).err())
                    .isEqualTo("error: wrong password for repository " + local + "\n");
            assertThat(shell.run("backup list --json --repo " + back).json().size()).isEqualTo(1);
        }
    }

    @Test
    void scriptsAndSnippetsCopyThroughTheFacade() throws Exception {
        String s3 = url("lab-backups/scripted");
        String local = tmp.resolve("local").toString();
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + local + "; backup init " + s3 + "; backup run fc1 --strategy full --repo "
                    + local);
            assertThat(shell.ok("js const c = lab.backups('" + local + "', '').copy(lab.backups('" + s3 + "', ''), []);"
                    + " [c.backups.length, c.backups[0].existed, c.blobsCopied > 0, c.to].join(' ')"))
                    .isEqualTo("1 false true " + s3 + "\n");
            // back to where it came from: the same backup (both unencrypted, so the same id), nothing to copy
            shell.ok("java var c = lab.backups(\"" + s3 + "\", \"\").copy(lab.backups(\"" + local
                    + "\", \"\"), List.of());");
            assertThat(shell.ok("java c.backups().get(0).existed() + \" \" + c.blobsCopied()"))
                    .endsWith("==> \"true 0\"\n");
            assertThat(shell.run("js lab.backups('" + local + "', '').copy(lab.backups('" + local + "', ''), [])").err())
                    .isEqualTo(shell.run("backup copy --from " + local + " --to " + local).err()
                            .replace("error: ", "error: js:1:1: "));
            assertThat(shell.run("java lab.backups(\"" + local + "\", \"\").copy(lab.backups(\"" + s3
                    + "\", \"\"), List.of(\"0000abcd\"))").err())
                    .isEqualTo("error: no backup 0000abcd in " + local + " (see backup list)\n");
        }
    }

    /** Puts a lock object of a process on another host, written {@code age} ago, into the repository at prefix. */
    private static void remoteLock(String prefix, String name, java.time.Duration age) {
        long time = System.currentTimeMillis() - age.toMillis(); // locks are about real processes: wall-clock time
        var store = context.getBlobStore();
        store.putBlob("lab-backups", store.blobBuilder(prefix + "/locks/" + name).payload(("{\"pid\":4242,"
                + "\"started\":0,\"host\":\"another-host\",\"boot\":\"x\",\"exclusive\":false,\"operation\":"
                + "\"backup of db1\",\"seq\":1,\"time\":" + time + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build());
    }

    @Test
    void aLockOfAnotherHostExpiresAfterThirtyMinutesInTheShellAndInScripts() {
        String location = url("lab-backups/locked");
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small().ok("backup init " + location + "; backup run fc1 --strategy full --repo " + location);
            remoteLock("locked", "4242-fresh", java.time.Duration.ofMinutes(1));
            assertThat(shell.run("backup prune --keep-last 1 --repo " + location).err()).isEqualTo("error: repository"
                    + " is locked by process 4242 on another-host (backup of db1); try again when it has finished\n");
            assertThat(shell.run("js lab.backups('" + location + "', '').prune(1)").err())
                    .contains("is locked by process 4242 on another-host");

            store().removeBlob("lab-backups", "locked/locks/4242-fresh");
            remoteLock("locked", "4242-old", java.time.Duration.ofMinutes(45));
            assertThat(shell.ok("backup check --repo " + location)).contains("note: removed stale lock of process 4242"
                    + " on another-host (backup of db1), not refreshed for 45 min (a lock expires after 30)");
            remoteLock("locked", "4242-old", java.time.Duration.ofMinutes(90));
            assertThat(shell.ok("js lab.backups('" + location + "', '').check(false).notes.join('|')"))
                    .contains("not refreshed for 90 min");
            assertThat(store().list("lab-backups", org.jclouds.blobstore.options.ListContainerOptions.Builder
                    .prefix("locked/locks/")).size()).isZero();
        }
    }

    private static org.jclouds.blobstore.BlobStore store() {
        return context.getBlobStore();
    }

    @Test
    void unreachableMissingAndRefusedAreOneLineErrors() throws Exception {
        try (ShellFixture shell = ShellFixture.in(tmp.resolve("lab"))) {
            shell.small();
            assertThat(shell.run("backup init " + url("no-such-bucket")).err()).isEqualTo("error: bucket no-such-bucket at"
                    + " http://127.0.0.1:" + proxy.getPort() + " does not exist (create it first)\n");
            assertThat(shell.run("backup list --repo " + url("lab-backups/none")).err())
                    .startsWith("error: " + url("lab-backups/none") + " is not a backup repository");
            assertThat(shell.run("backup init s3:ftp://x/y").err()).startsWith("error: bad S3 location s3:ftp://x/y");
            System.setProperty("aws.secretAccessKey", "wrong");
            try {
                assertThat(shell.run("backup init " + url("lab-backups/other")).err())
                        .startsWith("error: the S3 server refused the credentials for bucket lab-backups")
                        .doesNotContain("\tat ").hasLineCount(1);
            } finally {
                System.setProperty("aws.secretAccessKey", SECRET);
            }
        }
    }
}
