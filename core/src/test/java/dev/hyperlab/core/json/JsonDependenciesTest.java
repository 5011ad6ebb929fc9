package dev.hyperlab.core.json;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Core's one JSON helper uses nothing else of hyperlab, checked over the compiled classes: storage, backup, the QEMU
 * backend and the engine may all use it without an import loop through it.
 */
class JsonDependenciesTest {
    @Test
    void theJsonHelperDependsOnNothingElseInHyperlab() {
        noClasses().that().resideInAPackage(Json.class.getPackageName())
                .should().dependOnClassesThat().resideOutsideOfPackages(Json.class.getPackageName(), "java..", "com.fasterxml.jackson..")
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(Json.class.getPackageName()));
    }
}
