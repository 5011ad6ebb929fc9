package dev.hyperlab.core.guard;

import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_MethodHandles_Lookup;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_String;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Rewrites a plugin's class file as its class loader defines it (the JDK's Class-File API), so that the plugin's code
 * can be stopped and cannot end the process. With the Security Manager gone there is no other way to do either: a
 * thread cannot be stopped from outside, and nothing intercepts {@code System.exit}.
 *
 * <ul>
 *   <li>A checkpoint ({@link PluginHooks#checkpoint}) at every method entry and before every backward jump: a
 *       stopped plugin's loop, or a loop in the JDK that keeps calling the plugin, ends at its next iteration.
 *   <li>{@code System.exit}, {@code Runtime.exit} and {@code Runtime.halt}, called directly or named by a method
 *       reference ({@code System::exit}), become refusals ({@link PluginHooks#exit}).
 *   <li>{@code Method.invoke} and the {@code MethodHandles.Lookup} methods that make a handle from a name or a
 *       {@code Method} check the method first, so the same calls by reflection are refused too.
 * </ul>
 *
 * The inserted code leaves the operand stack as it found it and adds no jump target, so the class's own stack map
 * frames stay true and are kept: nothing needs the plugin's class hierarchy, which may name classes that are absent.
 *
 * <pre>{@code
 * byte[] safe = new PluginCodeRewriter("secureboot").rewrite(classFileBytes);
 * }</pre>
 */
public final class PluginCodeRewriter {
    private static final ClassDesc HOOKS = ClassDesc.of(PluginHooks.class.getName());
    private static final ClassDesc RUNTIME = ClassDesc.of("java.lang.Runtime");
    private static final ClassDesc METHOD = ClassDesc.of("java.lang.reflect.Method");
    private static final MethodTypeDesc CHECKPOINT = MethodTypeDesc.of(CD_void, CD_String);
    private static final MethodTypeDesc EXIT = MethodTypeDesc.of(CD_void, CD_int);
    private static final MethodTypeDesc RUNTIME_EXIT = MethodTypeDesc.of(CD_void, RUNTIME, CD_int);
    private static final MethodTypeDesc INVOKE = MethodTypeDesc.of(CD_Object, CD_Object, CD_Object.arrayType());
    /** Lookup methods that make a direct handle to a method named by the caller. */
    private static final Set<String> LOOKUPS = Set.of("findStatic", "findVirtual", "findSpecial", "unreflect",
            "unreflectSpecial");

    private final String plugin;
    private final ClassFile classFile = ClassFile.of(ClassFile.StackMapsOption.DROP_STACK_MAPS);

    /** Rewrites classes of {@code plugin}, whose id their checkpoints carry. */
    public PluginCodeRewriter(String plugin) {
        this.plugin = plugin;
    }

    /**
     * The class file with checkpoints and refusals in place.
     *
     * @throws IllegalArgumentException when it is not a class file this JDK can read, or its code cannot take the
     *     checkpoints (a method already at the 64 KiB limit)
     */
    public byte[] rewrite(byte[] bytes) {
        ClassModel model = classFile.parse(bytes);
        return classFile.transformClass(model, ClassTransform.transformingMethods((method, element) -> {
            if (element instanceof CodeModel code) {
                method.transformCode(code, new MethodRewrite(code));
            } else {
                method.with(element);
            }
        }));
    }

    /** One method's code: knows which labels it has passed, so that a jump to one of them is a back-edge. */
    private final class MethodRewrite implements CodeTransform {
        private final CodeModel original;
        private final Set<Label> passed = new HashSet<>();

        MethodRewrite(CodeModel original) {
            this.original = original;
        }

        @Override
        public void atStart(CodeBuilder code) {
            checkpoint(code);
        }

        @Override
        public void accept(CodeBuilder code, CodeElement element) {
            switch (element) {
                case LabelTarget t -> {
                    passed.add(t.label());
                    code.with(t);
                }
                case BranchInstruction b when passed.contains(b.target()) -> {
                    checkpoint(code);
                    code.with(b);
                }
                case TableSwitchInstruction s when backward(s.defaultTarget(), s.cases()) -> {
                    checkpoint(code);
                    code.with(s);
                }
                case LookupSwitchInstruction s when backward(s.defaultTarget(), s.cases()) -> {
                    checkpoint(code);
                    code.with(s);
                }
                case InvokeInstruction i -> invoke(code, i);
                case InvokeDynamicInstruction i -> invokedynamic(code, i);
                case ConstantInstruction.LoadConstantInstruction c when c.constantEntry() instanceof MethodHandleEntry h
                        && refusal(h.asSymbol()).isPresent() -> code.loadConstant(refusal(h.asSymbol()).get());
                default -> code.with(element);
            }
        }

        /** The class's own stack map frames: still true, as the inserted code changes no frame (see above). */
        @Override
        public void atEnd(CodeBuilder code) {
            original.findAttribute(Attributes.stackMapTable()).ifPresent(code::with);
        }

        private boolean backward(Label fallback, List<SwitchCase> cases) {
            return passed.contains(fallback) || cases.stream().anyMatch(c -> passed.contains(c.target()));
        }
    }

    private void checkpoint(CodeBuilder code) {
        code.loadConstant(plugin).invokestatic(HOOKS, "checkpoint", CHECKPOINT);
    }

    private static void invoke(CodeBuilder code, InvokeInstruction i) {
        String owner = i.owner().asInternalName();
        String name = i.name().stringValue();
        MethodTypeDesc type = i.typeSymbol();
        if (owner.equals("java/lang/System") && name.equals("exit") && type.equals(EXIT)
                && i.opcode() == Opcode.INVOKESTATIC) {
            code.invokestatic(HOOKS, "exit", EXIT);
        } else if (owner.equals("java/lang/Runtime") && (name.equals("exit") || name.equals("halt"))
                && type.equals(EXIT) && i.opcode() == Opcode.INVOKEVIRTUAL) {
            code.invokestatic(HOOKS, name, RUNTIME_EXIT);
        } else if (owner.equals("java/lang/reflect/Method") && name.equals("invoke") && type.equals(INVOKE)) {
            // the method is under its two arguments: park them, check it, put them back (the plugin still makes the
            // call itself, so reflection's access checks see the plugin's class, as before)
            int args = code.allocateLocal(TypeKind.REFERENCE);
            int target = code.allocateLocal(TypeKind.REFERENCE);
            code.astore(args).astore(target).dup().invokestatic(HOOKS, "checkInvoke", MethodTypeDesc.of(CD_void,
                    METHOD)).aload(target).aload(args).with(i);
        } else if (i.owner().asSymbol().equals(CD_MethodHandles_Lookup) && LOOKUPS.contains(name)) {
            code.with(i).dup().invokestatic(HOOKS, "checkHandle", MethodTypeDesc.of(CD_void, CD_MethodHandle));
        } else {
            code.with(i);
        }
    }

    /** A method reference to an exit method ({@code System::exit}) becomes one to its refusal. */
    private static void invokedynamic(CodeBuilder code, InvokeDynamicInstruction i) {
        List<ConstantDesc> args = i.bootstrapArgs();
        ConstantDesc[] rewritten = new ConstantDesc[args.size()];
        boolean changed = false;
        for (int k = 0; k < rewritten.length; k++) {
            ConstantDesc a = args.get(k);
            Optional<DirectMethodHandleDesc> r = a instanceof DirectMethodHandleDesc h ? refusal(h) : Optional.empty();
            rewritten[k] = r.isPresent() ? r.get() : a;
            changed |= r.isPresent();
        }
        if (changed) {
            code.invokedynamic(DynamicCallSiteDesc.of(i.bootstrapMethod(), i.name().stringValue(), i.typeSymbol(),
                    rewritten));
        } else {
            code.with(i);
        }
    }

    /** The refusal that stands for a handle to an exit method; empty for any other handle. */
    private static Optional<DirectMethodHandleDesc> refusal(DirectMethodHandleDesc h) {
        String owner = h.owner().descriptorString();
        if (!h.lookupDescriptor().equals(EXIT.descriptorString())) {
            return Optional.empty();
        }
        if (owner.equals("Ljava/lang/System;") && h.methodName().equals("exit")
                && h.kind() == DirectMethodHandleDesc.Kind.STATIC) {
            return Optional.of(MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, HOOKS, "exit", EXIT));
        }
        if (owner.equals("Ljava/lang/Runtime;") && (h.methodName().equals("exit") || h.methodName().equals("halt"))
                && h.kind() == DirectMethodHandleDesc.Kind.VIRTUAL) {
            return Optional.of(MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC, HOOKS, h.methodName(),
                    RUNTIME_EXIT));
        }
        return Optional.empty();
    }
}
