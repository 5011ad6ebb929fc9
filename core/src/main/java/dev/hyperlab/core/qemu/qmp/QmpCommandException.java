package dev.hyperlab.core.qemu.qmp;

/**
 * QEMU answered a command with an error: its class ({@code GenericError}, {@code CommandNotFound},
 * {@code DeviceNotActive}, ...) and its own description, which is the message.
 */
public final class QmpCommandException extends QmpException {
    private final String command;
    private final String errorClass;

    QmpCommandException(String command, String errorClass, String description) {
        super(description, null);
        this.command = command;
        this.errorClass = errorClass;
    }

    /** The command QEMU refused. */
    public String command() {
        return command;
    }

    /** QEMU's error class, e.g. {@code GenericError}. */
    public String errorClass() {
        return errorClass;
    }
}
