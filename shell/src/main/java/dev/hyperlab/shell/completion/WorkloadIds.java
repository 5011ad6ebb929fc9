package dev.hyperlab.shell.completion;

import java.util.Iterator;
import java.util.List;

/** The workloads {@code --workload} takes, for Tab completion (the lab refuses any other, listing these). */
public final class WorkloadIds implements Iterable<String> {
    public static final List<String> IDS = List.of("idle", "web", "database", "desktop", "build");

    @Override
    public Iterator<String> iterator() {
        return IDS.iterator();
    }
}
