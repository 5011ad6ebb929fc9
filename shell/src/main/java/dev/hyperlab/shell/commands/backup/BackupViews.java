package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.BackupInfo;
import dev.hyperlab.api.lab.BackupRestore;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.render.Times;
import java.io.PrintWriter;

/** How the backup commands show backups and restores to people (JSON is the records themselves). */
final class BackupViews {
    private BackupViews() {}

    /** {@code 1a2b3c4d web1 incremental at 1h2m, 2 disks, 12.0 MiB data}. */
    static String summary(BackupInfo b) {
        return (b.id().isEmpty() ? "" : b.shortId() + " ") + b.vm() + " " + b.strategy() + " at " + Times.at(b.time())
                + ", " + b.disks().size() + (b.disks().size() == 1 ? " disk, " : " disks, ")
                + Sizes.format(b.dataBytes()) + " data";
    }

    /** The lines of a restore's damage and warnings; nothing when it is whole and clean. */
    static void problems(PrintWriter out, BackupRestore r) {
        r.damaged().forEach(d -> out.println("damaged: " + d));
        r.warnings().forEach(w -> out.println("warning: " + w));
    }
}
