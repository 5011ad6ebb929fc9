package dev.hyperlab.core.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * What a backing chain is (where the next file is, whether the chain loops or is too deep, which format a file has)
 * depends on no image format, checked over the compiled classes: a format opens the links of its chain itself
 * (Qcow2Image), so the formats and the chain do not import each other round in a circle.
 */
class StorageDependenciesTest {
    @Test
    void theBackingChainAndTheFormatProbeOpenNoImage() {
        noClasses().that().belongToAnyOf(BackingChain.class, ImageFormat.class)
                .should().dependOnClassesThat().resideInAnyPackage("..storage.qcow2..", "..storage.raw..")
                .orShould().dependOnClassesThat().belongToAnyOf(DiskImages.class, ImageConverter.class)
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(BackingChain.class.getPackageName()));
    }
}
