package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.DiskCopy;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import dev.hyperlab.shell.render.Json;
import dev.hyperlab.shell.render.Plural;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk get IMAGE PATH --to DIR [--partition N] [--json]}, as {@code virt-copy-out} copies a guest's files. */
@Command(name = "get", description = {"Copy a file or directory tree out of an image, as virt-copy-out does: PATH "
        + "and everything below it are made inside DIR (created if missing; its parent must exist), with contents (holes "
        + "stay holes), permissions, modification times and symbolic links. Owners stay the copying user's; hard "
        + "links become separate files; device files and sockets are left out with a warning.",
        "Nothing is written outside DIR: an entry that exists there already stops the copy, and a name in the image "
                + "that could leave DIR is left out with a warning. PATH / copies the whole file system's contents."})
final class DiskGet extends ShellCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image (a lab disk or any qcow2 or raw file).",
            completionCandidates = LiveNames.Disks.class)
    String image;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file or directory, in the image's file system.")
    String path;

    @Option(names = "--to", required = true, paramLabel = "DIR", description = "The directory to copy into.")
    String to;

    @Option(names = "--partition", paramLabel = "N", description = "The partition, from 1 (default: the first that "
            + "holds a file system).")
    int partition;

    @Option(names = "--json", description = "Print one JSON document on stdout (sizes in bytes).")
    boolean json;

    DiskGet(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        DiskCopy c = lab().disk(image).copyFiles(partition, path, to);
        if (json) {
            Json.write(c, out());
        } else {
            c.warnings().forEach(w -> output().note("warning: " + w));
            out().println("copied " + c.path() + " (" + c.fileSystem() + ") to " + c.directory() + ": "
                    + Plural.of(c.files(), "file") + ", " + c.directories() + (c.directories() == 1 ? " directory, " : " directories, ")
                    + Plural.of(c.links(), "symbolic link") + ", " + Sizes.format(c.bytesWritten()));
        }
        out().flush();
        return 0;
    }
}
