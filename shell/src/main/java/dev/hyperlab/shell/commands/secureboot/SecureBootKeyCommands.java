package dev.hyperlab.shell.commands.secureboot;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.SecureBootKey;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ReadCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.render.Table;
import java.util.List;
import picocli.CommandLine.Parameters;

/**
 * {@code vm|host secureboot enroll NAME CERT.pem} and {@code vm|host secureboot show NAME}: the keys a machine's
 * Secure Boot db holds on top of its firmware's own, as {@code mokutil --import} and {@code mokutil --list-enrolled}
 * (or an OVMF_VARS with the key in db) do. The {@code vm} and {@code host} groups subclass these, adding only the
 * NAME parameter (its Tab completion differs).
 */
public final class SecureBootKeyCommands {
    private SecureBootKeyCommands() {}

    /** Which kind of machine a command is about, and its facade calls. */
    public enum Kind {
        VM, HOST;

        SecureBootKey enroll(Lab lab, String name, String file) {
            return this == VM ? lab.vm(name).secureBootEnroll(file) : lab.host(name).secureBootEnroll(file);
        }

        List<SecureBootKey> keys(Lab lab, String name) {
            return this == VM ? lab.vm(name).secureBootKeys() : lab.host(name).secureBootKeys();
        }
    }

    /** The description both groups' {@code enroll} share. */
    public static final String ENROLL = "Enroll a key in a machine's Secure Boot db, as mokutil --import (or an "
            + "OVMF_VARS with the key in db) does: from its next boot, a Secure Boot firmware (--firmware secureboot) "
            + "also starts EFI loaders signed by it (disk sign). CERT is a PEM X.509 certificate or public key of an "
            + "RSA key, as openssl req -new -x509 -newkey rsa:2048 -nodes writes it. The key stays with the lab.";

    /** The description both groups' {@code show} share. */
    public static final String SHOW = "The keys enrolled in a machine's Secure Boot db, in the order enrolled: "
            + "key id (SHA-256 of the key's SubjectPublicKeyInfo, what a signature names its signer by) and the "
            + "certificate's subject. The firmware's own db (the secureboot plugin's: the hyperlab lab CA) comes on top.";

    /** {@code KIND secureboot enroll NAME CERT}. */
    public abstract static class Enroll extends ChangeCommand {
        @Parameters(index = "1", paramLabel = "CERT", description = "The PEM certificate or public key.")
        String certificate;

        private final Kind kind;
        private SecureBootKey key;

        protected Enroll(ShellContext ctx, Kind kind) {
            super(ctx);
            this.kind = kind;
        }

        /** The machine's name (the subclass's NAME parameter). */
        protected abstract String name();

        @Override
        protected void apply(Lab lab) {
            key = kind.enroll(lab, name(), certificate);
        }

        @Override
        protected List<String> machines() {
            return List.of(name());
        }

        @Override
        protected void report(Lab lab, boolean dryRun) {
            if (!dryRun) {
                out().println("enrolled " + (key.subject().isEmpty() ? "key" : key.subject()) + " on " + name()
                        + " (key id " + key.keyId() + "): its Secure Boot firmware trusts loaders signed by it from "
                        + "its next boot");
            }
        }

        @Override
        protected boolean settles() {
            return false; // nothing starts: the key counts from the next boot
        }
    }

    /** {@code KIND secureboot show NAME}. */
    public abstract static class Show extends ReadCommand<List<SecureBootKey>> {
        private final Kind kind;

        protected Show(ShellContext ctx, Kind kind) {
            super(ctx);
            this.kind = kind;
        }

        /** The machine's name (the subclass's NAME parameter). */
        protected abstract String name();

        @Override
        protected List<SecureBootKey> read(Lab lab) {
            return kind.keys(lab, name());
        }

        @Override
        protected void print(List<SecureBootKey> keys) {
            if (keys.isEmpty()) {
                out().println(name() + " has no enrolled keys: its Secure Boot firmware trusts its own db only (the "
                        + "secureboot plugin's: the hyperlab lab CA)");
                return;
            }
            Table t = new Table("KEY ID", "SUBJECT");
            for (SecureBootKey k : keys) {
                t.row(k.keyId(), k.subject().isEmpty() ? "(public key)" : k.subject());
            }
            t.print(out(), style());
        }
    }
}
