package dev.hyperlab.shell.commands.host;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.shell.command.HelpOption;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.commands.secureboot.SecureBootKeyCommands;
import dev.hyperlab.shell.completion.LiveNames;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code host secureboot enroll|show}: the keys in a host's Secure Boot db (its MOK list). */
@Command(name = "secureboot", description = "A host's Secure Boot keys: enroll one, show them.",
        subcommands = {HostSecureBoot.Enroll.class, HostSecureBoot.Show.class})
final class HostSecureBoot {
    @Mixin
    HelpOption help;

    /** {@code host secureboot enroll NAME CERT}. */
    @Command(name = "enroll", description = SecureBootKeyCommands.ENROLL)
    static final class Enroll extends SecureBootKeyCommands.Enroll {
        @Parameters(index = "0", paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        Enroll(ShellContext ctx) {
            super(ctx);
        }

        @Override
        protected String name() {
            return name;
        }

        @Override
        protected SecureBootKey enroll(Lab lab, String file) {
            return lab.host(name).secureBootEnroll(file);
        }

        @Override
        protected List<String> machines() {
            return List.of(name);
        }
    }

    /** {@code host secureboot show NAME}. */
    @Command(name = "show", description = SecureBootKeyCommands.SHOW)
    static final class Show extends SecureBootKeyCommands.Show {
        @Parameters(paramLabel = "NAME", description = "The host.", completionCandidates = LiveNames.Hosts.class)
        String name;

        Show(ShellContext ctx) {
            super(ctx);
        }

        @Override
        protected String name() {
            return name;
        }

        @Override
        protected List<SecureBootKey> read(Lab lab) {
            return lab.host(name).secureBootKeys();
        }
    }
}
