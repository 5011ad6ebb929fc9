package dev.hyperlab.shell;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shell's packages depend on each other in one direction only, checked over the compiled classes (issue 22). The
 * root package is the composition root ({@link Main}, {@link BuiltInCommands}): it may use every package, and none
 * reaches back up to it. Below it, {@code commands/} (the groups) use {@code command/} (the machinery), which never
 * names a group; {@code completion/} defines the name providers and the groups bring their own; the exception type
 * lives in the leaf {@code error/}.
 */
class ShellPackagesTest {
    static final String SHELL = ShellPackagesTest.class.getPackageName();

    static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(SHELL);

    @Test
    void noImportLoopBetweenTheShellsPackages() {
        slices().matching(SHELL + ".(*)..").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void nothingBelowTheRootDependsOnIt() {
        noClasses().that().resideInAPackage(SHELL + ".*..").should().dependOnClassesThat().resideInAPackage(SHELL)
                .check(CLASSES);
    }
}
