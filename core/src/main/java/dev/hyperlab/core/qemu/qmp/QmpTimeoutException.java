package dev.hyperlab.core.qemu.qmp;

/** No answer (or no awaited event) came from QEMU in the time allowed; the connection stays usable. */
public final class QmpTimeoutException extends QmpException {
    QmpTimeoutException(String message) {
        super(message, null);
    }
}
