package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.ProgressListener;

/** Where a long operation's progress is drawn (the REPL's progress bar), and how to take it off the screen. */
public interface ProgressView extends ProgressListener {
    /** Nothing drawn: batch modes. */
    ProgressView NONE = new ProgressView() {
        @Override
        public void progress(java.time.Duration now, java.time.Duration target, int machinesBooting) {}

        @Override
        public void clear() {}
    };

    /** Removes what was drawn, before anything else is printed. */
    void clear();
}
