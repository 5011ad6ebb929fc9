package dev.hyperlab.core.engine;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages depend on each other in one direction only, checked over the compiled classes: the lab (this
 * package: the facade's operations, saving, snapshots, backups) uses machines, images, snapshot records, lifecycles
 * and the saved-document helpers, and none of those reaches back up. (The registry of firmware models, drivers and
 * strategies, with the built-in driver, is core's {@code extension} package, outside the engine: a second backend
 * uses it too.) A loop would tie them into one room
 * again; a second backend (issue 16) plugs in below the lab, beside the machines.
 */
class EnginePackagesTest {
    static final String ENGINE = EnginePackagesTest.class.getPackageName();

    /** Each class by its package under the engine: the engine's own package is one slice, each sub-package another. */
    static final SliceAssignment BY_PACKAGE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            String p = c.getPackageName();
            if (p.equals(ENGINE)) {
                return SliceIdentifier.of("engine");
            }
            if (p.startsWith(ENGINE + ".")) {
                return SliceIdentifier.of("engine." + p.substring(ENGINE.length() + 1).split("\\.")[0]);
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "the engine's packages";
        }
    };

    @Test
    void noImportLoopBetweenTheEnginesPackages() {
        slices().assignedFrom(BY_PACKAGE).should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(ENGINE));
    }
}
