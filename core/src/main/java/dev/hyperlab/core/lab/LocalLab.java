package dev.hyperlab.core.lab;

import dev.hyperlab.core.firmware.SigningKeys;
import dev.hyperlab.api.lab.ApplyResult;
import dev.hyperlab.api.lab.Disk;
import dev.hyperlab.api.lab.DiskRepair;
import dev.hyperlab.api.lab.DiskSpec;
import dev.hyperlab.api.lab.EventFilter;
import dev.hyperlab.api.lab.Host;
import dev.hyperlab.api.lab.HostSpec;
import dev.hyperlab.api.lab.HostState;
import dev.hyperlab.api.lab.Lab;
import dev.hyperlab.api.lab.LabEvent;
import dev.hyperlab.api.lab.LabException;
import dev.hyperlab.api.lab.LabInfo;
import dev.hyperlab.api.lab.MemorySample;
import dev.hyperlab.api.lab.ProgressListener;
import dev.hyperlab.api.lab.Profiles;
import dev.hyperlab.api.lab.TimelinePhase;
import dev.hyperlab.api.lab.Vm;
import dev.hyperlab.api.lab.VmSpec;
import dev.hyperlab.api.lab.VmState;
import dev.hyperlab.core.engine.LabModel;
import dev.hyperlab.core.calibration.HostProfile;
import dev.hyperlab.core.calibration.OsProfile;
import dev.hyperlab.core.engine.image.DiskFiles;
import dev.hyperlab.api.lab.Names;
import java.nio.file.Path;
import dev.hyperlab.core.calibration.OsProfiles;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The {@link Lab} facade over the engine, for a lab in a directory or in memory. Every change goes through
 * {@link #change}: it runs on the model, then the model is saved, so a lab in a directory is on disk as it is in
 * memory when a call returns. An unexpected failure (a bug, not a refused request) or a file that could not be written
 * (a full disk) reloads the last save, so a half-applied change never lingers.
 */
public final class LocalLab implements Lab, AutoCloseable {
    private final LabDirectory dir;
    private final boolean dryRun;
    private LabModel model;
    private ProgressListener progress = ProgressListener.NONE;
    private boolean closed;

    LocalLab(LabDirectory dir, LabModel model, boolean dryRun) {
        this.dir = dir;
        this.model = model;
        this.dryRun = dryRun;
    }

    /** The engine behind this facade, for core-internal callers (benchmarks, persistence tests). */
    public LabModel model() {
        return model;
    }

    ProgressListener progress() {
        return progress;
    }

    <T> T read(Function<LabModel, T> query) {
        requireOpen();
        return query.apply(model);
    }

    void change(Consumer<LabModel> op) {
        requireOpen();
        try {
            op.accept(model);
        } catch (LabException e) {
            if (e.kind() == LabException.Kind.IO) {
                rollBack(); // a file that could not be written (a full disk) may have stopped the model mid-step
            } else {
                save(); // refused requests change nothing; waits and cancelled runs keep the time they reached
            }
            throw e;
        } catch (RuntimeException | Error e) {
            rollBack();
            throw e;
        }
        save();
    }

    /**
     * Saves the lab in the middle of a change: an operation that must survive a killed process (a snapshot's) saves
     * what it is about to do before it touches an image, and the load that follows a kill finishes or undoes it.
     */
    void checkpoint() {
        save();
    }

    private void save() {
        if (dir != null) {
            dir.save(model);
        }
    }

    private void rollBack() {
        if (dir != null && dir.hasModel()) {
            model.closeImages();
            model = dir.load(model.extensions());
        }
    }

    private void requireOpen() {
        if (closed) {
            throw LabException.notAllowed("this lab is closed", "open it again");
        }
    }

    @Override
    public LabInfo info() {
        return read(m -> {
            DiskUsage used = dir == null ? new DiskUsage(0, 0) : DiskUsage.of(dir.path(), m.disks().pathsBesideHostDisks());
            OptionalLong free = m.freeSpace();
            return new LabInfo(dir == null ? "" : dir.path().toString(), m.seed(),
                    Duration.ofNanos(m.sim().now()), m.hostCount(), m.hostsIn(HostState.RUNNING), m.vmCount(),
                    m.vmsIn(VmState.RUNNING), m.sim().pendingEvents(), LabModel.ENGINE_VERSION, m.pluginsUsed(),
                    used.allocated(), used.apparent(), free.orElse(0), m.diskBudgetBytes(free),
                    m.diskBudgetSetting(), "simulation");
        });
    }

    @Override
    public Duration now() {
        return read(m -> Duration.ofNanos(m.sim().now()));
    }

    @Override
    public List<Host> hosts() {
        return read(m -> m.hostNames().stream().map(n -> (Host) new HostHandle(this, n)).toList());
    }

    @Override
    public Host host(String name) {
        return read(m -> {
            if (!m.hasHost(name)) {
                throw m.noSuch("host", name);
            }
            return new HostHandle(this, name);
        });
    }

    @Override
    public Optional<Host> findHost(String name) {
        return read(m -> m.hasHost(name) ? Optional.of(new HostHandle(this, name)) : Optional.empty());
    }

    @Override
    public Host createHost(HostSpec spec) {
        change(m -> m.createHost(spec));
        return new HostHandle(this, spec.name());
    }

    @Override
    public List<Host> createHosts(List<HostSpec> specs) {
        change(m -> m.createHosts(specs));
        return specs.stream().map(s -> (Host) new HostHandle(this, s.name())).toList();
    }

    @Override
    public Host createHost(String name, String profileFile) {
        Names.check("host", name);
        HostProfile profile = HostProfile.read(Path.of(DiskFiles.absolute(profileFile)));
        change(m -> m.createHost(name, profile));
        return new HostHandle(this, name);
    }

    @Override
    public List<Vm> vms() {
        return read(m -> m.vmNames().stream().map(n -> (Vm) new VmHandle(this, n)).toList());
    }

    @Override
    public Vm vm(String name) {
        return read(m -> {
            if (!m.hasVm(name)) {
                throw m.noSuch("VM", name);
            }
            return new VmHandle(this, name);
        });
    }

    @Override
    public Optional<Vm> findVm(String name) {
        return read(m -> m.hasVm(name) ? Optional.of(new VmHandle(this, name)) : Optional.empty());
    }

    @Override
    public Vm createVm(VmSpec spec) {
        change(m -> m.createVm(spec));
        return new VmHandle(this, spec.name());
    }

    @Override
    public List<Vm> createVms(List<VmSpec> specs) {
        change(m -> m.createVms(specs));
        return specs.stream().map(s -> (Vm) new VmHandle(this, s.name())).toList();
    }

    @Override
    public ApplyResult apply(String yaml) {
        LabFile file = LabFile.parse(yaml);
        read(m -> file.applyTo(m.fork())); // all or nothing: a refusal anywhere in the file happens on a copy
        ApplyResult[] result = new ApplyResult[1];
        change(m -> result[0] = file.applyTo(m));
        return result[0];
    }

    @Override
    public void startVms(List<String> names) {
        change(m -> m.startVms(names));
    }

    @Override
    public List<Disk> disks() {
        return read(m -> m.disks().paths().stream().map(p -> (Disk) new DiskHandle(this, p)).toList());
    }

    @Override
    public Disk disk(String path) {
        return read(m -> new DiskHandle(this, m.disks().require(path)));
    }

    @Override
    public Disk createDisk(DiskSpec spec) {
        String[] path = new String[1];
        change(m -> path[0] = m.disks().create(spec));
        return new DiskHandle(this, path[0]);
    }

    @Override
    public Disk convertDisk(String source, String target, String format) {
        String[] path = new String[1];
        change(m -> path[0] = m.disks().convert(source, target, format == null ? "" : format));
        return new DiskHandle(this, path[0]);
    }

    @Override
    public DiskRepair repairDisk(String path) {
        DiskRepair[] out = new DiskRepair[1];
        change(m -> out[0] = m.disks().repair(path));
        return out[0];
    }

    /** Enrolls the key of PEM file {@code file} in {@code kind} ({@code vm}, {@code host}) {@code name}'s db. */
    dev.hyperlab.api.lab.SecureBootKey enrollKey(String kind, String name, String file) {
        SigningKeys.PublicHalf key = SigningKeys.publicHalf(SigningKeys.readPem(file, "the certificate"), file);
        dev.hyperlab.api.lab.SecureBootKey[] out = new dev.hyperlab.api.lab.SecureBootKey[1];
        change(m -> out[0] = m.enrollKey(kind, name, key));
        return out[0];
    }

    @Override
    public dev.hyperlab.api.lab.SignedLoader signLoader(String image, String keyFile, String certificateFile) {
        java.security.PrivateKey key = SigningKeys.privateKey(SigningKeys.readPem(keyFile, "the key"), keyFile);
        SigningKeys.PublicHalf cert = SigningKeys.publicHalf(SigningKeys.readPem(certificateFile, "the certificate"),
                certificateFile);
        SigningKeys.requirePair(key, cert.key(), keyFile, certificateFile);
        dev.hyperlab.api.lab.SignedLoader[] out = new dev.hyperlab.api.lab.SignedLoader[1];
        change(m -> out[0] = m.disks().signLoader(image, key, cert));
        return out[0];
    }

    @Override
    public dev.hyperlab.api.lab.Backups initBackups(String dir, String password) {
        requireOpen();
        return LocalBackups.init(this, dir, password);
    }

    @Override
    public dev.hyperlab.api.lab.Backups backups(String dir, String password) {
        requireOpen();
        return LocalBackups.open(this, dir, password);
    }

    @Override
    public Profiles profiles() {
        return read(m -> new Profiles(OsProfiles.all().stream().map(OsProfile::info).toList(),
                m.extensions().firmwareInfo(), m.extensions().driverInfo()));
    }

    @Override
    public void advance(Duration duration) {
        change(m -> m.advance(duration, progress));
    }

    @Override
    public void setDiskBudget(String budget) {
        change(m -> m.setDiskBudget(budget));
    }

    @Override
    public List<TimelinePhase> timeline(List<String> machines) {
        return read(m -> m.timeline(machines));
    }

    @Override
    public List<MemorySample> memoryHistory(List<String> machines) {
        return read(m -> m.memoryHistory(machines));
    }

    @Override
    public List<dev.hyperlab.api.lab.WorkloadInfo> workloads() {
        return read(m -> m.workloads().infos());
    }

    @Override
    public dev.hyperlab.api.lab.WorkloadInfo createWorkload(dev.hyperlab.api.lab.WorkloadSpec spec) {
        dev.hyperlab.api.lab.WorkloadInfo[] made = new dev.hyperlab.api.lab.WorkloadInfo[1];
        change(m -> made[0] = m.createWorkload(spec));
        return made[0];
    }

    @Override
    public void deleteWorkload(String id) {
        change(m -> m.deleteWorkload(id));
    }

    @Override
    public List<dev.hyperlab.api.lab.StatSample> statHistory(List<String> machines) {
        return read(m -> m.statHistory(machines));
    }

    @Override
    public List<LabEvent> events(EventFilter filter) {
        requireOpen();
        if (dir == null) {
            return Lab.super.events(filter); // in memory or a dry run's copy: no log
        }
        String m = filter.machine();
        if (!m.isEmpty() && findHost(m).isEmpty() && findVm(m).isEmpty()) {
            throw LabException.notFound("no host or VM named '" + m + "'", "host list and vm list show them");
        }
        return EventLogFile.read(dir.path(), filter);
    }

    @Override
    public Lab fork() {
        return read(m -> new LocalLab(null, m.fork(), true));
    }

    /** True for a throw-away copy made by {@link #fork()}. */
    public boolean isDryRun() {
        return dryRun;
    }

    @Override
    public void onProgress(ProgressListener listener) {
        this.progress = listener == null ? ProgressListener.NONE : listener;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        model.closeImages();
        if (dir != null) {
            dir.close();
        }
    }
}
