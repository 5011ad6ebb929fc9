package dev.hyperlab.shell.commands.host;

import dev.hyperlab.shell.command.HelpOption;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.commands.secureboot.SecureBootKeyCommands;
import dev.hyperlab.shell.commands.secureboot.SecureBootKeyCommands.Kind;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code host secureboot enroll|show}: the keys in a host's Secure Boot db (its MOK list); the commands are {@link SecureBootKeyCommands}. */
@Command(name = "secureboot", description = "A host's Secure Boot keys: enroll one, show them.",
        subcommands = {HostSecureBoot.Enroll.class, HostSecureBoot.Show.class})
final class HostSecureBoot {
    @Mixin
    HelpOption help;

    @Command(name = "enroll", description = SecureBootKeyCommands.ENROLL)
    static final class Enroll extends SecureBootKeyCommands.Enroll {
        @Parameters(index = "0", paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        Enroll(ShellContext ctx) {
            super(ctx, Kind.HOST);
        }

        @Override
        protected String name() {
            return name;
        }
    }

    @Command(name = "show", description = SecureBootKeyCommands.SHOW)
    static final class Show extends SecureBootKeyCommands.Show {
        @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        Show(ShellContext ctx) {
            super(ctx, Kind.HOST);
        }

        @Override
        protected String name() {
            return name;
        }
    }
}
