package dev.hyperlab.shell.commands.vm;

import dev.hyperlab.shell.command.HelpOption;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.commands.secureboot.SecureBootKeyCommands;
import dev.hyperlab.shell.commands.secureboot.SecureBootKeyCommands.Kind;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code vm secureboot enroll|show}: the keys in a VM's Secure Boot db (its OVMF_VARS); the commands are {@link SecureBootKeyCommands}. */
@Command(name = "secureboot", description = "A VM's Secure Boot keys: enroll one, show them.",
        subcommands = {VmSecureBoot.Enroll.class, VmSecureBoot.Show.class})
final class VmSecureBoot {
    @Mixin
    HelpOption help;

    @Command(name = "enroll", description = SecureBootKeyCommands.ENROLL)
    static final class Enroll extends SecureBootKeyCommands.Enroll {
        @Parameters(index = "0", paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
        String name;

        Enroll(ShellContext ctx) {
            super(ctx, Kind.VM);
        }

        @Override
        protected String name() {
            return name;
        }
    }

    @Command(name = "show", description = SecureBootKeyCommands.SHOW)
    static final class Show extends SecureBootKeyCommands.Show {
        @Parameters(paramLabel = "NAME", description = "The VM.", completionCandidates = LiveNames.Vms.class)
        String name;

        Show(ShellContext ctx) {
            super(ctx, Kind.VM);
        }

        @Override
        protected String name() {
            return name;
        }
    }
}
