package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.DiskInfo;
import dev.hyperlab.api.lab.Sizes;

/** One-line views of a disk shared by the disk commands. */
final class DiskViews {
    private DiskViews() {}

    /** {@code qcow2 image /x/web.qcow2: 20 GiB, 196 KiB allocated, backing /x/base.qcow2}. */
    static String summary(DiskInfo i) {
        StringBuilder s = new StringBuilder(i.format()).append(" image ").append(i.path()).append(": ")
                .append(Sizes.format(i.virtualSize())).append(", ").append(Sizes.format(i.actualSize()))
                .append(" allocated");
        if (!i.backingChain().isEmpty()) {
            s.append(", backing ").append(i.backingChain().getFirst().path());
        }
        return s.toString();
    }
}
