package dev.hyperlab.core.qemu.qmp;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * Splits what a channel gives into lines ({@code \n}-ended, a {@code \r} before it dropped), refusing a line longer
 * than a limit before it is held in memory: a peer cannot make the reader allocate more than the limit.
 */
final class LineReader {
    private final ReadableByteChannel in;
    private final int maxLine;
    private final ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
    private byte[] line = new byte[1024];
    private int length;

    LineReader(ReadableByteChannel in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
        buf.flip();
    }

    /**
     * The next line, or null at the end of the stream (a last line without its newline is dropped: QEMU ends each
     * message with one).
     *
     * @throws QmpProtocolException for a line over the limit
     */
    byte[] next() throws IOException {
        while (true) {
            while (buf.hasRemaining()) {
                byte b = buf.get();
                if (b == '\n') {
                    int n = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                    length = 0;
                    return Arrays.copyOf(line, n);
                }
                if (length == maxLine) {
                    throw new QmpProtocolException("a QMP line is longer than " + maxLine + " bytes", null);
                }
                if (length == line.length) {
                    line = Arrays.copyOf(line, (int) Math.min((long) line.length * 2, maxLine));
                }
                line[length++] = b;
            }
            buf.clear();
            int n = in.read(buf);
            buf.flip();
            if (n < 0) {
                return null;
            }
        }
    }
}
