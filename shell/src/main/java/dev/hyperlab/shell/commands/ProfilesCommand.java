package dev.hyperlab.shell.commands;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import picocli.CommandLine.Command;

/** {@code profiles}: OS profiles, firmware models and guest drivers available. */
@Command(name = "profiles", description = "OS profiles (--os), firmware models (--firmware) and guest drivers "
        + "(--driver) available, built-in and from plugins.")
public final class ProfilesCommand extends ReadCommand<Profiles> {
    ProfilesCommand(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected Profiles read(Lab lab) {
        return lab.profiles();
    }

    @Override
    protected void print(Profiles p) {
        Table os = new Table("OS PROFILE", "FIRMWARE", "INBOX DRIVERS", "BASE IMAGE", "DESCRIPTION").alignRight(3);
        p.os().forEach(o -> os.row(o.id(), o.firmware(), o.inboxDrivers().isEmpty() ? "-"
                : String.join(",", o.inboxDrivers()), Sizes.format(o.baseImageSize()), o.description()));
        os.print(out(), style());
        out().println();
        Table fw = new Table("FIRMWARE", "SOURCE", "DESCRIPTION");
        p.firmware().forEach(f -> fw.row(f.id(), f.source(), f.description()));
        fw.print(out(), style());
        out().println();
        Table dr = new Table("DRIVER", "SOURCE", "DESCRIPTION");
        p.drivers().forEach(d -> dr.row(d.id(), d.source(), d.description()));
        dr.print(out(), style());
    }
}
