package dev.hyperlab.shell.render;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Output written as bytes (UTF-8: a script's {@code print}, a Java snippet's {@code System.out}) onto the shell's
 * writer, a line at a time and flushed at each line, so a long script's progress shows as it runs and never splits a
 * character.
 */
public final class LineStream extends OutputStream {
    private final PrintWriter writer;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    public LineStream(PrintWriter writer) {
        this.writer = writer;
    }

    @Override
    public synchronized void write(int b) {
        line.write(b);
        if (b == '\n') {
            flush();
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    @Override
    public synchronized void flush() {
        if (line.size() > 0) {
            writer.write(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
        writer.flush();
    }
}
