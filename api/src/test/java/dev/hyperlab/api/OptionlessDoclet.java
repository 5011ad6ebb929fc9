package dev.hyperlab.api;

import java.util.Locale;
import java.util.Set;
import javax.lang.model.SourceVersion;
import jdk.javadoc.doclet.Doclet;
import jdk.javadoc.doclet.Reporter;

/** What the tests' doclets share: no options, no reporter, the latest source version; each says its name and run. */
abstract class OptionlessDoclet implements Doclet {
    @Override
    public void init(Locale locale, Reporter reporter) {}

    @Override
    public Set<? extends Option> getSupportedOptions() {
        return Set.of();
    }

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latest();
    }
}
