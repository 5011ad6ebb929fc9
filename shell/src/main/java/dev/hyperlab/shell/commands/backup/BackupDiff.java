package dev.hyperlab.shell.commands.backup;

import dev.hyperlab.api.lab.FileDiff;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup diff FROM TO [--repo DIR] [--json]}, as {@code restic diff}. */
@Command(name = "diff", description = {"What differs between two file backups, one entry a line, as restic diff prints "
        + "it: + added, - removed, M modified (content, a link's target), U metadata only (permissions, owner, "
        + "modification time, links, extended attributes), T of another type; a directory ends in /. Then the counts, "
        + "and the content only TO holds (added) and only FROM holds (removed). Change times and inodes are not "
        + "compared: a restore or a copy changes them, not the file. Subtrees that are the same in both are not read.",
        "JSON: from, to (full ids), changes (change: added, removed, modified, metadata or type; path; type) and the "
                + "bytes added and removed."})
final class BackupDiff extends ReadCommand<FileDiff> {
    @Parameters(index = "0", paramLabel = "FROM", description = "The older file backup: its id, a unique prefix, or "
            + "latest.")
    String from;

    @Parameters(index = "1", paramLabel = "TO", description = "The newer file backup, named the same ways.")
    String to;

    @Option(names = "--repo", paramLabel = "DIR", description = "The repository (default ~/.hyperlab/backups).")
    String repo = "";

    BackupDiff(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected FileDiff read(Lab lab) {
        return Repos.open(ctx, lab, repo).diffFiles(from, to);
    }

    @Override
    protected void print(FileDiff d) {
        out().println("comparing backup " + d.from().substring(0, 8) + " to " + d.to().substring(0, 8) + ":");
        Map<String, Integer> counts = new TreeMap<>();
        for (FileDiff.Change c : d.changes()) {
            out().println(letter(c.change()) + "    " + c.path() + (c.type().equals("directory") ? "/" : ""));
            counts.merge(c.change(), 1, Integer::sum);
        }
        String summary = d.changes().isEmpty() ? "no differences" : counts.getOrDefault("added", 0) + " added, "
                + counts.getOrDefault("removed", 0) + " removed, " + counts.getOrDefault("modified", 0) + " modified, "
                + counts.getOrDefault("metadata", 0) + " metadata only, " + counts.getOrDefault("type", 0)
                + " of another type";
        out().println(summary + "; added " + Sizes.format(d.bytesAdded()) + ", removed "
                + Sizes.format(d.bytesRemoved()));
    }

    private static char letter(String change) {
        return switch (change) {
            case "added" -> '+';
            case "removed" -> '-';
            case "modified" -> 'M';
            case "metadata" -> 'U';
            default -> 'T';
        };
    }
}
