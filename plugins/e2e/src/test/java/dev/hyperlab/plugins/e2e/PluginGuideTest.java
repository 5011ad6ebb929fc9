package dev.hyperlab.plugins.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin guides followed from an empty directory outside the reactor ({@link Guide}): the api and the test kit
 * published by the guide's one install step, the plugin built and tested by Maven with the guide's pom.xml, packaged,
 * installed and used through the shell.
 */
class PluginGuideTest {
    /** Where the guides' install step publishes the api and the test kit: shared, so it is built once. */
    @TempDir
    static Path repository;

    @TempDir
    Path tmp;

    @Test
    void theFirmwareGuideWorksFromAnEmptyDirectoryToPluginInstall() throws Exception {
        Guide.Followed run = new Guide(tmp, repository).follow("docs/plugins.md");
        assertThat(run.checkouts()).as("the install step run").isEqualTo(1);
        assertThat(run.shells()).as("sh blocks followed").isGreaterThanOrEqualTo(7);
        assertThat(repository.resolve("dev/hyperlab/hyperlab-plugin-testkit")).as("published by the guide's step")
                .isDirectory();
        assertThat(run.work().resolve("qboot-plugin/target/surefire-reports")).as("the guide's tests ran")
                .isDirectoryContaining("glob:**/TEST-org.example.qboot.QbootFirmwareTest.xml");
        assertThat(run.home().resolve("plugins/qboot-1.0.0.zip")).as("installed where the guide says").exists();
        // Maven puts apiguardian on the class path with the api: javac has every annotation's enum
        assertThat(run.output()).contains("Compiling 1 source file").doesNotContain("unknown enum constant");
    }

    @Test
    void theDriverGuideWorksFromAnEmptyDirectoryToABootStorm() throws Exception {
        Guide.Followed run = new Guide(tmp, repository).follow("docs/plugin-drivers.md");
        assertThat(run.checkouts()).as("the install step run").isEqualTo(1);
        assertThat(run.shells()).as("sh blocks followed").isGreaterThanOrEqualTo(5);
        assertThat(run.work().resolve("vhost-blk-plugin/target/surefire-reports")).as("the guide's tests ran")
                .isDirectoryContaining("glob:**/TEST-org.example.vhostblk.VhostBlkDriverTest.xml");
        assertThat(run.home().resolve("plugins/vhost-blk-1.0.0.zip")).as("installed where the guide says").exists();
    }

    @Test
    void theStrategyGuideWorksFromAnEmptyDirectoryToBackupRun() throws Exception {
        Guide.Followed run = new Guide(tmp, repository).follow("docs/plugin-strategies.md");
        assertThat(run.checkouts()).as("the install step run").isEqualTo(1);
        assertThat(run.shells()).as("sh blocks followed").isGreaterThanOrEqualTo(5);
        assertThat(run.work().resolve("changed-only-plugin/target/surefire-reports")).as("the guide's tests ran")
                .isDirectoryContaining("glob:**/TEST-org.example.changedonly.ChangedOnlyStrategyTest.xml");
        assertThat(run.home().resolve("plugins/changed-only-1.0.0.zip")).as("installed where the guide says").exists();
        assertThat(run.work().resolve("changed-only-plugin/backups/config")).as("the repository the guide made")
                .exists();
    }
}
