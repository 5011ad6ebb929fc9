package dev.hyperlab.core.storage;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a backing chain is (where the next file is, whether the chain loops or is too deep, which format a file has)
 * depends on no image format, checked over the compiled classes: a format opens the links of its chain itself
 * (Qcow2Image), so the formats and the chain do not import each other round in a circle. Nor do the files of the
 * image formats and of storage's own package: the parts of a qcow2 image (its tables, reading, copy-on-write,
 * internal snapshots, bitmaps, the reference count that the check, the write guard and the repair share) each use
 * the ones below them and none reaches back up.
 */
class StorageDependenciesTest {
    static final String STORAGE = StorageDependenciesTest.class.getPackageName();

    @Test
    void theBackingChainAndTheFormatProbeOpenNoImage() {
        noClasses().that().belongToAnyOf(BackingChain.class, ImageFormat.class)
                .should().dependOnClassesThat().resideInAnyPackage("..storage.qcow2..", "..storage.raw..")
                .orShould().dependOnClassesThat().belongToAnyOf(DiskImages.class, ImageConverter.class)
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(BackingChain.class.getPackageName()));
    }

    /** The image formats and storage's own package. */
    static final Set<String> FILES_WITHOUT_LOOPS = Set.of(STORAGE, STORAGE + ".qcow2", STORAGE + ".raw");

    /** Each top-level class of those packages with its nested classes, so that a cycle between two files shows. */
    static final SliceAssignment BY_FILE = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass c) {
            if (!FILES_WITHOUT_LOOPS.contains(c.getPackageName())) return SliceIdentifier.ignore();
            String name = c.getName();
            int nested = name.indexOf('$');
            return SliceIdentifier.of(nested < 0 ? name : name.substring(0, nested));
        }

        @Override
        public String getDescription() {
            return "the files of storage and its image formats";
        }
    };

    @Test
    void noImportLoopBetweenTheFilesOfTheImageFormats() {
        slices().assignedFrom(BY_FILE).should().beFreeOfCycles()
                .check(new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages(STORAGE));
    }
}
