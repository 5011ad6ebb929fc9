package dev.hyperlab.core.engine.machine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaFieldAccess;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
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

    /**
     * Stricter than the rule above: each class of a machine (the machine, its step under way, its timeline rows) is the
     * only writer of the fields it declares, whether they are public or not and whatever type the writer reaches them
     * through (a host's run number written as {@code host.run} is Machine's field, not HostMachine's). So a host's
     * committed memory changes through the host, a step's activities through the step, a timeline row ends through
     * its machine.
     */
    @Test
    void eachClassOfAMachineIsTheOnlyWriterOfItsFields() {
        classes().should(writeNoFieldOfAnotherOf(Machine.class, HostMachine.class, VmMachine.class, StepRun.class,
                PhaseRecord.class))
                .because("a machine's state changes through its own methods (issue 22: machines own their state)")
                .check(ENGINE);
    }

    @Test
    void onlyTheMemoryManagerChangesAMemoryAccount() {
        noClasses().that().doNotBelongToAnyOf(MemoryManager.class, MemoryAccount.class)
                .should().setFieldWhere(ownedBy(MemoryAccount.class))
                .because("the host's sums and each VM's account change together, in the memory manager")
                .check(ENGINE);
    }

    /** Writes no field declared in one of {@code owners} other than the writing class itself (nested classes in it). */
    private static ArchCondition<JavaClass> writeNoFieldOfAnotherOf(Class<?>... owners) {
        Set<String> names = Arrays.stream(owners).map(Class::getName).collect(Collectors.toSet());
        return new ArchCondition<>("write no field of " + Arrays.stream(owners).map(Class::getSimpleName)
                .collect(Collectors.joining(", ")) + " but their own") {
            @Override
            public void check(JavaClass writer, ConditionEvents events) {
                String self = writer.getName().split("\\$")[0];
                for (JavaFieldAccess a : writer.getFieldAccessesFromSelf()) {
                    if (a.getAccessType() != JavaFieldAccess.AccessType.SET) {
                        continue;
                    }
                    String declaredIn = a.getTarget().resolveMember().map(f -> f.getOwner().getName())
                            .orElse(a.getTargetOwner().getName());
                    if (names.contains(declaredIn) && !declaredIn.equals(self)) {
                        events.add(SimpleConditionEvent.violated(a, a.getDescription()));
                    }
                }
            }
        };
    }

    private static DescribedPredicate<JavaFieldAccess> ownedBy(Class<?>... owners) {
        Set<String> names = Arrays.stream(owners).map(Class::getName).collect(Collectors.toSet());
        return DescribedPredicate.describe("a field of "
                + Arrays.stream(owners).map(Class::getSimpleName).collect(Collectors.joining(" or ")),
                access -> names.contains(access.getTargetOwner().getName()));
    }
}
