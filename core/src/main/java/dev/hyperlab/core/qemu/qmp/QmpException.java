package dev.hyperlab.core.qemu.qmp;

/**
 * A QMP conversation went wrong. The subclasses say how: QEMU refused a command ({@link QmpCommandException}), no
 * answer came in time ({@link QmpTimeoutException}), the peer broke the protocol ({@link QmpProtocolException}), or the
 * connection is gone ({@link QmpClosedException}).
 */
public abstract sealed class QmpException extends RuntimeException
        permits QmpCommandException, QmpTimeoutException, QmpProtocolException, QmpClosedException {
    QmpException(String message, Throwable cause) {
        super(message, cause);
    }
}
