package dev.hyperlab.core.engine.machine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Machines own their state, checked over the compiled classes: other classes ask a machine to change (its methods)
 * instead of writing its fields, and only the memory manager changes a VM's memory account. (That a machine sees the
 * lab only through {@link MachineEnv} follows from EnginePackagesTest: this package may not depend on the lab's.)
 */
class MachineStateTest {
    static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.hyperlab.core.engine");

    @Test
    void onlyAMachineWritesItsFields() {
        noClasses().that().doNotBelongToAnyOf(Machine.class, VmMachine.class)
                .should().setFieldWhere(ownedBy(Machine.class, VmMachine.class))
                .because("a VM changes its own state when asked (snapshots, the memory manager and the codec ask)")
                .check(ENGINE);
    }

    @Test
    void onlyTheMemoryManagerChangesAMemoryAccount() {
        noClasses().that().doNotBelongToAnyOf(MemoryManager.class, MemoryAccount.class)
                .should().setFieldWhere(ownedBy(MemoryAccount.class))
                .because("the host's sums and each VM's account change together, in the memory manager")
                .check(ENGINE);
    }

    private static DescribedPredicate<JavaFieldAccess> ownedBy(Class<?>... owners) {
        Set<String> names = Arrays.stream(owners).map(Class::getName).collect(Collectors.toSet());
        return DescribedPredicate.describe("a field of "
                + Arrays.stream(owners).map(Class::getSimpleName).collect(Collectors.joining(" or ")),
                access -> names.contains(access.getTargetOwner().getName()));
    }
}
