package dev.hyperlab.shell.commands.disk;

import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.SignedLoader;
import dev.hyperlab.api.lab.Sizes;
import dev.hyperlab.shell.command.ChangeCommand;
import dev.hyperlab.shell.command.ShellContext;
import dev.hyperlab.shell.completion.LiveNames;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code disk sign IMAGE --key KEY.pem --cert CERT.pem}: the ESP's EFI loader signed in place, as sbsign does. */
@Command(name = "sign", description = {"Sign the EFI loader \\EFI\\BOOT\\BOOTX64.EFI of an image's EFI system "
        + "partition (raw or qcow2) in place, as sbsign --key KEY --cert CERT does, replacing a signature it carries: "
        + "a VM or host with --firmware secureboot then boots it once the certificate is enrolled on it (vm secureboot "
        + "enroll). A key pair made by openssl req -new -x509 -newkey rsa:2048 -nodes -keyout KEY.pem -out CERT.pem "
        + "-subj /CN=me works.",
        "The loaders of the lab's --os profiles come signed by the hyperlab lab CA, which the secureboot plugin "
                + "trusts. Nothing else in the image changes; a refusal (no ESP, no loader, a key that is not the "
                + "certificate's or not RSA, a file that is not PEM) changes nothing."})
final class DiskSign extends ChangeCommand {
    @Parameters(paramLabel = "IMAGE", description = "The image (a lab disk or any qcow2 or raw file).",
            completionCandidates = LiveNames.Disks.class)
    String image;

    @Option(names = "--key", required = true, paramLabel = "KEY", description = "The PEM RSA private key "
            + "(PKCS#8 or PKCS#1, unencrypted).")
    String key;

    @Option(names = "--cert", required = true, paramLabel = "CERT", description = "The PEM X.509 certificate (or "
            + "public key) of the same key pair.")
    String cert;

    private SignedLoader signed;

    DiskSign(ShellContext ctx) {
        super(ctx);
    }

    @Override
    protected void apply(Lab lab) {
        signed = lab.signLoader(image, key, cert);
    }

    @Override
    protected void report(Lab lab, boolean dryRun) {
        if (!dryRun) {
            out().println("signed " + signed.loader() + " of " + signed.image() + " with "
                    + (signed.subject().isEmpty() ? "key" : signed.subject()) + " (key id " + signed.keyId() + ", "
                    + Sizes.format(signed.bytes()) + ")");
        }
    }

    @Override
    protected boolean settles() {
        return false; // nothing boots: the image is signed, not started
    }
}
