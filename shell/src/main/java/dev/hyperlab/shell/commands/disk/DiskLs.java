package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.FileEntry;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.FileEntries;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk ls IMAGE [PATH] [-l] [-R] [--partition N] [--json]}, as {@code virt-ls} lists a guest's files. */
@Command(name = "ls", description = {"The files inside an image, as virt-ls lists them: the entries of directory PATH "
        + "(default /) of the file system in the image, read-only (ext2/3/4 and FAT12/16/32, on the whole disk or in a "
        + "partition of its MBR or GPT). A file's own entry when PATH is not a directory.",
        "Names are shown as backup ls shows them (a byte that is not printable UTF-8 as \\xNN); symbolic links inside "
                + "the image are followed on the way to PATH, never out of it. JSON: a list of entries as backup ls "
                + "gives them (owner names empty)."})
final class DiskLs extends ReadCommand<List<FileEntry>> {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image (a lab disk or any qcow2 or raw file).",
            completionCandidates = LiveNames.Disks.class)
    String image;

    @Parameters(index = "1", arity = "0..1", paramLabel = "PATH", description = "Where in the file system (default /).")
    String path = "/";

    @Option(names = "-l", description = "Long listing: permissions, owner/group ids, links, size, time (UTC), path.")
    boolean long_;

    @Option(names = {"-R", "--recursive"}, description = "Everything below PATH, a directory's entries then each "
            + "subdirectory's; full paths.")
    boolean recursive;

    @Option(names = "--partition", paramLabel = "N", description = "The partition, from 1 (default: the first that "
            + "holds a file system).")
    int partition;

    DiskLs(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected List<FileEntry> read(Lab lab) {
        return lab.disk(image).listFiles(partition, path, recursive);
    }

    @Override
    protected void print(List<FileEntry> entries) {
        if (long_) {
            FileEntries.print(entries, out(), style());
            return;
        }
        for (FileEntry e : entries) {
            out().println(recursive ? e.path() : e.path().substring(e.path().lastIndexOf('/') + 1));
        }
    }
}
