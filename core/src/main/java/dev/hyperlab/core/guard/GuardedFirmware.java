package dev.hyperlab.core.guard;

import dev.hyperlab.api.spi.BootDevice;
import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.BootOutcome;
import dev.hyperlab.api.spi.BootSearch;
import dev.hyperlab.api.spi.BootStep;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.MachineContext;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A plugin's firmware model as the engine calls it: every call through the {@link ExtensionGuard}, every answer
 * checked ({@link Sanity}) before the engine uses it, the boot devices behind a {@link Lease} that ends with the call.
 */
public final class GuardedFirmware extends GuardedExtension implements FirmwareModel {
    private final FirmwareModel model;
    private volatile BootLayout layout;

    private GuardedFirmware(FirmwareModel model, String plugin, ExtensionGuard guard) {
        super(model, "firmware", plugin, guard);
        this.model = model;
    }

    /**
     * Wraps {@code model} of {@code plugin}, reading its id and description once.
     *
     * @throws ExtensionFault when they cannot be read or the id is malformed
     */
    public static GuardedFirmware of(FirmwareModel model, String plugin, ExtensionGuard guard) {
        return new GuardedFirmware(model, plugin, guard);
    }

    @Override
    public List<BootStep> post(MachineContext machine) {
        String what = "firmware '" + id() + "' post";
        List<BootStep> steps = guard.call(plugin, what, () -> model.post(machine));
        Optional<String> bad = Sanity.steps(steps);
        if (bad.isPresent()) {
            throw guard.fault(plugin, what + " returned " + bad.get());
        }
        return List.copyOf(steps);
    }

    @Override
    public BootOutcome searchBoot(BootSearch search) {
        String what = "firmware '" + id() + "' boot search";
        Lease lease = new Lease();
        BootOutcome outcome;
        UncheckedIOException[] unreadable = new UncheckedIOException[1];
        try {
            GuardedBootSearch guarded = new GuardedBootSearch(search, lease);
            outcome = guard.call(plugin, what, () -> {
                try {
                    return model.searchBoot(guarded);
                } catch (UncheckedIOException e) {
                    if (!lease.engineThrew(e)) {
                        throw e;
                    }
                    unreadable[0] = e; // a disk the model read failed: not the plugin's fault, the engine reports it
                    return null;
                }
            });
        } finally {
            lease.expire();
        }
        if (unreadable[0] != null) {
            throw unreadable[0];
        }
        Optional<String> bad = outcome == null ? Optional.of("null instead of an outcome") : problem(outcome, search);
        if (bad.isPresent()) {
            throw guard.fault(plugin, what + " returned " + bad.get());
        }
        return outcome;
    }

    private static Optional<String> problem(BootOutcome outcome, BootSearch search) {
        Optional<String> steps = Sanity.steps(outcome.steps());
        if (steps.isPresent()) {
            return steps;
        }
        return switch (outcome) {
            case BootOutcome.Found f -> {
                if (search.devices().stream().map(BootDevice::name).noneMatch(f.device()::equals)) {
                    yield Optional.of("a boot from device '" + Sanity.printable(f.device()) + "', which the machine"
                            + " does not have");
                }
                if (f.loader().isBlank() || f.loader().length() > 200) {
                    yield Optional.of("a boot loader named '" + Sanity.printable(f.loader()) + "'");
                }
                yield Optional.empty();
            }
            case BootOutcome.NotFound n -> n.message().isBlank() || n.message().length() > 200
                    ? Optional.of("a firmware message of " + n.message().length() + " characters (1 to 200)")
                    : Optional.empty();
        };
    }

    @Override
    public BootLayout bootLayout() {
        BootLayout l = layout;
        if (l == null) {
            String what = "firmware '" + id() + "' boot layout";
            l = guard.call(plugin, what, model::bootLayout);
            if (l == null) {
                throw guard.fault(plugin, what + " returned null");
            }
            layout = l;
        }
        return l;
    }
}
