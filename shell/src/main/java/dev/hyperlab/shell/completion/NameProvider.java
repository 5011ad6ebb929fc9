package dev.hyperlab.shell.completion;

import dev.hyperlab.api.lab.Lab;
import java.util.List;

/**
 * Live names for Tab completion of one kind of argument (hosts, VMs, OS profiles, ...; later snapshots, disks,
 * backups, plugins). A command's option or parameter says which kind it takes with
 * {@code completionCandidates = LiveNames.X.class}; the completer asks the provider of that kind.
 *
 * <pre>{@code
 * names.register("snapshot", (lab, words) -> lab.vm(words.get(2)).snapshots().stream().map(Snapshot::name).toList());
 * }</pre>
 */
@FunctionalInterface
public interface NameProvider {
    /**
     * The names to offer.
     *
     * @param lab the session's lab
     * @param words the words of the command line before the one being completed (so a provider can depend on an
     *     earlier argument, e.g. the VM whose snapshots to list)
     */
    List<String> names(Lab lab, List<String> words);
}
