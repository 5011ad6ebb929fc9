package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.Backups;
import dev.hyperlab.api.lab.Wait;
import java.nio.file.Path;

/**
 * The child process of {@link KillDuringHostRestoreTest}: {@code DIR} restores the repository's first backup (a host
 * image) onto host {@code spare} of the lab in DIR/lab, without waiting for the boot, and prints "done".
 */
public final class KillDuringHostRestoreChild {
    private KillDuringHostRestoreChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 3)) {
            Backups repo = lab.backups(dir.resolve("repo").toString(), "");
            repo.restoreToHost(repo.list().getFirst().id(), "spare", Wait.NONE);
        }
        System.out.println("done");
    }
}
