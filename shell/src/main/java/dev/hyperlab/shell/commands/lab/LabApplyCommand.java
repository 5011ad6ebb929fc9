package dev.hyperlab.shell.commands.lab;

import dev.hyperlab.api.lab.ApplyResult;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.error.ShellException;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lab apply FILE.yaml}: creates the hosts and VMs a file declares (idempotent, all or nothing). */
@Command(name = "apply", description = {
        "Create the hosts and VMs declared in a YAML file that do not exist yet (idempotent: what exists as declared "
                + "is left alone; all or nothing: a conflict refuses the whole file).",
        "Keys are the JSON field names of host info and vm info, e.g.:",
        "  hosts: [{name: esx1, cores: 16, ram: 128GiB, firmware: bios, hypervisor: type1}]",
        "  vms: [{name: web1, host: esx1, vcpus: 2, memory: 4GiB, os: linux-server}]"})
final class LabApplyCommand extends ChangeCommand {
    @Parameters(paramLabel = "FILE.yaml", description = "The lab file.")
    Path file;

    private ApplyResult result;

    LabApplyCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ShellException("no lab file " + file, "check the path");
        } catch (MalformedInputException e) {
            throw new ShellException("lab file " + file + " is not UTF-8 text", "save it as UTF-8");
        } catch (IOException e) {
            throw new ShellException("cannot read lab file " + file + ": " + e.getMessage(), "check the path");
        }
        result = lab.apply(yaml);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        String prefix = dryRun ? "would have " : "";
        result.changes().forEach(c -> out().println(prefix + c));
        if (!result.unchanged().isEmpty()) {
            out().println("unchanged: " + String.join(", ", result.unchanged()));
        }
        if (result.changes().isEmpty() && result.unchanged().isEmpty()) {
            out().println("the file declares nothing");
        }
    }
}
