package dev.hyperlab.core.lab;

import dev.hyperlab.api.lab.Backups;
import java.nio.file.Path;

/**
 * The child process of {@link KillThenBackupTest}: {@code DIR OP} runs one command on the lab in DIR/lab (its backup
 * repository in DIR/repo) and prints "done"; the parent kills it with SIGKILL at a chosen system call, through strace.
 * <ul>
 *   <li>{@code advance}: ten minutes of lab time, the Windows guest writing to its disk;
 *   <li>{@code backup}: a live incremental backup of the VM;
 *   <li>{@code snapshot-create}, {@code snapshot-revert}: a snapshot of the running VM, a revert to s1;
 *   <li>{@code restore-as-vm}: the first backup restored as a new VM, which boots.
 * </ul>
 */
public final class KillThenBackupChild {
    static final String VM = "win";
    static final String COPY = "copy";

    private KillThenBackupChild() {}

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (LocalLab lab = Labs.open(dir.resolve("lab"), 5)) {
            Backups repo = lab.backups(dir.resolve("repo").toString(), "");
            switch (args[1]) {
                case "advance" -> lab.advance("10m");
                case "backup" -> repo.run(VM, "incremental");
                case "snapshot-create" -> lab.vm(VM).createSnapshot("new");
                case "snapshot-revert" -> lab.vm(VM).revertTo("s1");
                case "restore-as-vm" -> repo.restoreAsVm(repo.list().getFirst().id(), COPY, "");
                default -> throw new IllegalArgumentException(args[1]);
            }
        }
        System.out.println("done");
    }
}
