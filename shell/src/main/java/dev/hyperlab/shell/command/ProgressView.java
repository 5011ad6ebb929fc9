package dev.hyperlab.shell.command;

import dev.hyperlab.api.lab.RunProgress;

/** Where a long operation's progress is drawn (the REPL's progress line), and how to take it off the screen. */
public interface ProgressView {
    /** Nothing drawn: batch modes, output that is not a terminal. */
    ProgressView NONE = new ProgressView() {
        @Override
        public void progress(RunProgress progress) {}

        @Override
        public void clear() {}
    };

    /** Shows how far the operation got (called about ten times a second while it runs). */
    void progress(RunProgress progress);

    /** Removes what was drawn, before anything else is printed. */
    void clear();
}
