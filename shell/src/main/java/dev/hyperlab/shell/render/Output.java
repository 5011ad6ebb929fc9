package dev.hyperlab.shell.render;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.function.IntSupplier;

/**
 * Where a command writes: results to {@code out}, errors and progress to {@code err}, decorated with a {@link Style},
 * laid out for a width. One per session; the REPL gives its terminal, batch modes give stdout and stderr.
 *
 * @param out results (tables, JSON)
 * @param err errors, notes and progress bars
 * @param style colours or plain text
 * @param width the current width in columns (a terminal's changes when it is resized)
 * @param terminal whether a person watches a terminal: progress bars are drawn only then
 * @param bytes the stream under {@code out} for output that is bytes, not text ({@code disk cat} of a binary file);
 *     null where {@code out} is a terminal's, whose bytes would be lost on the screen anyway: there, such output is
 *     shown as UTF-8 text
 */
public record Output(PrintWriter out, PrintWriter err, Style style, IntSupplier width, boolean terminal,
        OutputStream bytes) {

    /** Output of text only. */
    public Output(PrintWriter out, PrintWriter err, Style style, IntSupplier width, boolean terminal) {
        this(out, err, style, width, terminal, null);
    }

    /**
     * Where to write bytes: {@link #bytes()} after what {@code out} holds is flushed, or, where there is none, a stream
     * that shows them on {@code out} as UTF-8 text.
     */
    public OutputStream byteStream() {
        out.flush();
        return bytes != null ? bytes : new LineStream(out);
    }

    /** Columns to lay out for: the terminal's width, at least 60 so tables and charts stay legible. */
    public int columns() {
        return Math.max(60, width.getAsInt());
    }

    /** Prints {@code error: MESSAGE} on the error stream. */
    public void error(String message) {
        out.flush();
        err.println(style.red("error: ") + Printable.of(message));
        err.flush();
    }

    /** Prints a note (not an error) on the error stream, so results on stdout stay clean. */
    public void note(String message) {
        out.flush();
        err.println(style.dim(Printable.of(message)));
        err.flush();
    }

    public void flush() {
        out.flush();
        err.flush();
    }
}
