package dev.hyperlab.core.extension;

import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.spi.BackupStrategy;
import dev.hyperlab.api.spi.BootLayout;
import dev.hyperlab.api.spi.FirmwareModel;
import dev.hyperlab.api.spi.GuestDriver;
import dev.hyperlab.core.firmware.BiosFirmware;
import dev.hyperlab.core.firmware.DirectKernelBoot;
import dev.hyperlab.core.firmware.UefiFirmware;
import dev.hyperlab.core.guard.ExtensionFault;
import dev.hyperlab.core.guard.ExtensionGuard;
import dev.hyperlab.core.guard.GuardedDriver;
import dev.hyperlab.core.guard.GuardedFirmware;
import dev.hyperlab.core.backup.BackupStrategies;
import dev.hyperlab.core.guard.GuardedStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The firmware models, guest drivers and backup strategies a lab can use, by id: the built-ins, then those plugins
 * contribute. Its own package beside the engine (with {@link BuiltInDriver}), since the QEMU backend and the shell
 * read it as much as the simulation does. Sorted maps, so listings and lookups never depend on registration order.
 *
 * <p>A plugin's extensions are added with the plugin's id as their source and reach the engine only through the
 * {@link ExtensionGuard} ({@link GuardedFirmware}, {@link GuardedDriver}, {@link GuardedStrategy}); built-ins are
 * called directly. Plugins are found lazily: the shell gives a {@linkplain #loadPluginsWith loader} that runs the
 * first time an id is not known or a listing is asked for, so a session that never needs a plugin never loads the
 * plugin system.
 *
 * <pre>{@code
 * Extensions ext = Extensions.builtIn();
 * ext.loadPluginsWith(e -> e.addFirmware(new SecureBootFirmware(), "secureboot"));
 * FirmwareModel fw = ext.firmware("secureboot"); // loads, then finds it
 * }</pre>
 */
public final class Extensions {
    /** The source of the extensions hyperlab ships. */
    public static final String BUILT_IN = "built-in";

    private record Entry<T>(T extension, String source) {}

    private final Map<String, Entry<FirmwareModel>> firmware = new TreeMap<>();
    private final Map<String, Entry<GuestDriver>> drivers = new TreeMap<>();
    private final Map<String, Entry<BackupStrategy>> strategies = new TreeMap<>();
    private final ExtensionGuard guard;
    private java.util.function.Consumer<Extensions> loader;
    private boolean loaded;

    private Extensions(ExtensionGuard guard) {
        this.guard = guard;
    }

    /** The built-in firmware models and drivers, plugin calls cut off after {@link ExtensionGuard#DEFAULT_LIMIT}. */
    public static Extensions builtIn() {
        return builtIn(new ExtensionGuard(ExtensionGuard.DEFAULT_LIMIT));
    }

    /** The built-ins, plugin calls going through {@code guard}. */
    public static Extensions builtIn(ExtensionGuard guard) {
        Extensions e = new Extensions(guard);
        for (FirmwareModel f : List.of(new BiosFirmware(), new UefiFirmware(), new DirectKernelBoot())) {
            e.firmware.put(f.id(), new Entry<>(f, BUILT_IN));
        }
        for (GuestDriver d : BuiltInDriver.all()) {
            e.drivers.put(d.id(), new Entry<>(d, BUILT_IN));
        }
        // backup strategies stay with the repository (BackupStrategies.builtIns()); only plugins' are kept here
        return e;
    }

    /** The guard plugin calls go through; it knows which plugins are faulty. */
    public ExtensionGuard guard() {
        return guard;
    }

    /**
     * Sets what adds the plugins' extensions, run once, the first time an id is not found or a listing is asked for
     * (and again after {@link #reload}).
     */
    public synchronized void loadPluginsWith(java.util.function.Consumer<Extensions> loader) {
        this.loader = loader;
        this.loaded = false;
    }

    /** Lets the loader run again at the next miss (after plugins were installed, enabled or disabled). */
    public synchronized void reload() {
        loaded = false;
    }

    /** Runs the plugin loader now if it has not run. */
    public synchronized void loadPlugins() {
        if (!loaded && loader != null) {
            loaded = true; // before the call: the loader adds extensions through this object, which must not recurse
            loader.accept(this);
        }
    }

    /**
     * Adds a plugin's extensions all at once: none is added when one id is malformed, taken or unreadable.
     *
     * @throws LabException ({@code CONFLICT}) when an id is taken; {@link ExtensionFault} when the plugin fails
     */
    public synchronized void addAll(String plugin, List<FirmwareModel> fws, List<GuestDriver> drs,
            List<BackupStrategy> sts) {
        if (plugin.equals(BUILT_IN)) {
            throw new IllegalArgumentException("a plugin cannot be called " + BUILT_IN);
        }
        List<GuardedFirmware> f = new ArrayList<>();
        List<GuardedDriver> d = new ArrayList<>();
        List<GuardedStrategy> s = new ArrayList<>();
        for (FirmwareModel m : fws) {
            f.add(GuardedFirmware.of(m, plugin, guard));
        }
        for (GuestDriver m : drs) {
            d.add(GuardedDriver.of(m, plugin, guard));
        }
        for (BackupStrategy m : sts) {
            s.add(GuardedStrategy.of(m, plugin, guard));
        }
        java.util.Set<String> builtInStrategies = java.util.Set.copyOf(
                BackupStrategies.builtIns().stream().map(BackupStrategy::id).toList());
        checkFree("firmware", firmware, f.stream().map(GuardedFirmware::id).toList(), java.util.Set.of());
        checkFree("driver", drivers, d.stream().map(GuardedDriver::id).toList(), java.util.Set.of());
        checkFree("backup strategy", strategies, s.stream().map(GuardedStrategy::id).toList(), builtInStrategies);
        f.forEach(x -> firmware.put(x.id(), new Entry<>(x, plugin)));
        d.forEach(x -> drivers.put(x.id(), new Entry<>(x, plugin)));
        s.forEach(x -> strategies.put(x.id(), new Entry<>(x, plugin)));
    }

    private static void checkFree(String kind, Map<String, ? extends Entry<?>> taken, List<String> ids,
            java.util.Set<String> reserved) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String id : ids) {
            Entry<?> e = taken.get(id);
            if (e != null || reserved.contains(id) || !seen.add(id)) {
                throw LabException.conflict(kind + " '" + id + "' is already provided by "
                        + (e != null ? e.source() : reserved.contains(id) ? BUILT_IN : "the same plugin"),
                        "a plugin must use ids of its own");
            }
        }
    }

    /** Adds one firmware model of {@code source} (a plugin id); an id already taken is refused. */
    public void addFirmware(FirmwareModel f, String source) {
        addAll(source, List.of(f), List.of(), List.of());
    }

    /** Adds one guest driver of {@code source} (a plugin id); an id already taken is refused. */
    public void addDriver(GuestDriver d, String source) {
        addAll(source, List.of(), List.of(d), List.of());
    }

    /** Adds one backup strategy of {@code source} (a plugin id); an id already taken is refused. */
    public void addStrategy(BackupStrategy s, String source) {
        addAll(source, List.of(), List.of(), List.of(s));
    }

    /** Removes every extension of {@code plugin} (disabled or unloaded) and ends its thread. */
    public synchronized void removeSource(String plugin) {
        firmware.values().removeIf(e -> e.source().equals(plugin));
        drivers.values().removeIf(e -> e.source().equals(plugin));
        strategies.values().removeIf(e -> e.source().equals(plugin));
        guard.release(plugin);
    }

    /** The firmware model with this id; a miss first loads the plugins. */
    public synchronized FirmwareModel firmware(String id) {
        FirmwareModel f = find(firmware, id);
        if (f == null) {
            throw LabException.notFound("no firmware '" + id + "'", "one of " + String.join(", ", firmware.keySet()));
        }
        return f;
    }

    /** The guest driver with this id; a miss first loads the plugins. */
    public synchronized GuestDriver driver(String id) {
        GuestDriver d = find(drivers, id);
        if (d == null) {
            throw LabException.notFound("no guest driver '" + id + "'",
                    "one of " + String.join(", ", drivers.keySet()));
        }
        return d;
    }

    /** Whether a firmware model with this id is available (loading the plugins on a miss). */
    public synchronized boolean hasFirmware(String id) {
        return find(firmware, id) != null;
    }

    /** Whether a guest driver with this id is available (loading the plugins on a miss). */
    public synchronized boolean hasDriver(String id) {
        return find(drivers, id) != null;
    }

    /** The extension with this id, or null; no Optional: a boot storm looks drivers up several times per VM. */
    private <T> T find(Map<String, Entry<T>> map, String id) {
        Entry<T> e = entry(map, id);
        return e == null ? null : e.extension();
    }

    /** The entry with this id, or null; a miss first loads the plugins. */
    private <T> Entry<T> entry(Map<String, Entry<T>> map, String id) {
        Entry<T> e = map.get(id);
        if (e == null && !loaded && loader != null) {
            loadPlugins();
            e = map.get(id);
        }
        return e;
    }

    /**
     * {@code built-in}, or the id of the plugin that provides firmware {@code id}, loading the plugins on a miss (as
     * {@link #hasFirmware}); null when none does. One look-up where a start asks both whether it is there and whose.
     */
    public synchronized String firmwareSourceLoading(String id) {
        return sourceLoading(firmware, id);
    }

    /** As {@link #firmwareSourceLoading}, for guest driver {@code id}. */
    public synchronized String driverSourceLoading(String id) {
        return sourceLoading(drivers, id);
    }

    private <T> String sourceLoading(Map<String, Entry<T>> map, String id) {
        Entry<T> e = entry(map, id);
        return e == null ? null : e.source();
    }

    /** Whether firmware {@code id} is a built-in one (no plugins are loaded to answer). */
    public synchronized boolean builtInFirmware(String id) {
        Entry<FirmwareModel> e = firmware.get(id);
        return e != null && e.source().equals(BUILT_IN);
    }

    /** Whether guest driver {@code id} is a built-in one (no plugins are loaded to answer). */
    public synchronized boolean builtInDriver(String id) {
        Entry<GuestDriver> e = drivers.get(id);
        return e != null && e.source().equals(BUILT_IN);
    }

    /** {@code built-in}, or the id of the plugin that provides firmware {@code id}; empty when none does. */
    public synchronized Optional<String> firmwareSource(String id) {
        return Optional.ofNullable(firmware.get(id)).map(Entry::source);
    }

    /** {@code built-in}, or the id of the plugin that provides driver {@code id}; empty when none does. */
    public synchronized Optional<String> driverSource(String id) {
        return Optional.ofNullable(drivers.get(id)).map(Entry::source);
    }

    /**
     * The layout a new boot disk gets for firmware {@code id}, as {@code BootLayouts} names it ({@code bios},
     * {@code uefi}, {@code direct}).
     */
    public synchronized String layoutName(String id) {
        BootLayout layout = firmware(id).bootLayout();
        return switch (layout) {
            case MBR -> "bios";
            case GPT_ESP -> "uefi";
            case ROOT_FS -> "direct";
        };
    }

    /** The plugin backup strategy with this id (loading the plugins on a miss), as {@link #driver} finds drivers. */
    public synchronized Optional<BackupStrategy> strategy(String id) {
        return Optional.ofNullable(find(strategies, id));
    }

    /** The plugins' backup strategies, sorted by id (the built-ins are {@code BackupStrategies.builtIns()}). */
    public synchronized List<BackupStrategy> strategies() {
        loadPlugins();
        List<BackupStrategy> out = new ArrayList<>();
        strategies.values().forEach(e -> out.add(e.extension()));
        return out;
    }

    /**
     * One extension a plugin contributes.
     *
     * @param kind {@code firmware}, {@code driver} or {@code backup}
     * @param id what {@code --firmware}, {@code --driver} or {@code --strategy} takes
     * @param description one line for people
     */
    public record Contribution(String kind, String id, String description) {}

    /** What {@code plugin} contributes now, firmware first, then drivers, then backup strategies, each by id. */
    public synchronized List<Contribution> contributionsOf(String plugin) {
        List<Contribution> out = new ArrayList<>();
        firmware.forEach((id, e) -> {
            if (e.source().equals(plugin)) {
                out.add(new Contribution("firmware", id, e.extension().description()));
            }
        });
        drivers.forEach((id, e) -> {
            if (e.source().equals(plugin)) {
                out.add(new Contribution("driver", id, e.extension().description()));
            }
        });
        strategies.forEach((id, e) -> {
            if (e.source().equals(plugin)) {
                out.add(new Contribution("backup", id, e.extension().description()));
            }
        });
        return out;
    }

    /** Firmware models for {@code profiles}, built-in and from plugins (loading them). */
    public synchronized List<Profiles.ExtensionInfo> firmwareInfo() {
        loadPlugins();
        List<Profiles.ExtensionInfo> out = new ArrayList<>();
        firmware.forEach((id, e) -> out.add(new Profiles.ExtensionInfo(id, e.extension().description(), e.source())));
        return out;
    }

    /** Guest drivers for {@code profiles}, built-in and from plugins (loading them). */
    public synchronized List<Profiles.ExtensionInfo> driverInfo() {
        loadPlugins();
        List<Profiles.ExtensionInfo> out = new ArrayList<>();
        drivers.forEach((id, e) -> out.add(new Profiles.ExtensionInfo(id, e.extension().description(), e.source())));
        return out;
    }

    /** Backup strategies of plugins, as {@link Profiles.ExtensionInfo}s (loading them). */
    public synchronized List<Profiles.ExtensionInfo> strategyInfo() {
        loadPlugins();
        List<Profiles.ExtensionInfo> out = new ArrayList<>();
        strategies.forEach((id, e) -> out.add(new Profiles.ExtensionInfo(id, e.extension().description(),
                e.source())));
        return out;
    }
}
