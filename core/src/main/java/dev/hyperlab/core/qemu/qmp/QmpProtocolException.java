package dev.hyperlab.core.qemu.qmp;

/**
 * The peer broke the QMP protocol (no greeting, a line too long, JSON that does not parse, a message that is neither
 * a reply nor an event). The connection is closed: a peer that sends one bad message is not trusted with the next.
 */
public final class QmpProtocolException extends QmpException {
    QmpProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
