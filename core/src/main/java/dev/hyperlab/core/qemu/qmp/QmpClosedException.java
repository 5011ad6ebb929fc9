package dev.hyperlab.core.qemu.qmp;

/** The connection is closed (QEMU exited, or it was closed here); connect again to go on. */
public final class QmpClosedException extends QmpException {
    QmpClosedException(String message, Throwable cause) {
        super(message, cause);
    }
}
