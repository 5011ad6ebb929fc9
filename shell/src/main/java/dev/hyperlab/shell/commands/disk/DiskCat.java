package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.shell.command.ShellCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk cat IMAGE PATH [--partition N]}, as {@code virt-cat} prints a guest's file. */
@Command(name = "cat", description = {"Print a file inside an image, as virt-cat does: its bytes on stdout (holes as "
        + "zeros), so disk cat IMAGE PATH > FILE copies it out whole. A symbolic link inside the image is followed.",
        "In the interactive shell the bytes are shown as UTF-8 text."})
final class DiskCat extends ShellCommand {
    @Parameters(index = "0", paramLabel = "IMAGE", description = "The image (a lab disk or any qcow2 or raw file).",
            completionCandidates = LiveNames.Disks.class)
    String image;

    @Parameters(index = "1", paramLabel = "PATH", description = "The file, in the image's file system.")
    String path;

    @Option(names = "--partition", paramLabel = "N", description = "The partition, from 1 (default: the first that "
            + "holds a file system).")
    int partition;

    DiskCat(ShellContext ctx) {
        super(ctx);
    }

    @Override
    public Integer call() {
        lab().disk(image).readFile(partition, path, output().byteStream());
        return 0;
    }
}
