package dev.hyperlab.core.storage.guest;

import java.io.IOException;

/**
 * A file the tiny-linux guest is built from is not on this machine: the message names the file, {@link #debianPackage()}
 * the Debian package that installs it.
 */
public final class MissingGuestPackageException extends IOException {
    private final String debianPackage;

    MissingGuestPackageException(String what, String debianPackage) {
        super(what);
        this.debianPackage = debianPackage;
    }

    public String debianPackage() {
        return debianPackage;
    }
}
