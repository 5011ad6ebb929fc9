package dev.hyperlab.core.backup;

import dev.hyperlab.api.spi.BackupContext;
import dev.hyperlab.api.spi.DiskSink;
import dev.hyperlab.api.spi.PriorBackup;
import dev.hyperlab.api.spi.SourceDisk;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@link BackupContext} of one run: the source's disks, the repository's earlier backups, the sinks, the notes. */
final class BackupRun implements BackupContext {
    private final String source;
    private final List<SourceDisk> disks;
    private final List<PriorBackup> priors;
    private final Map<SourceDisk, DiskRecorder> recorders = new IdentityHashMap<>();
    private final List<DiskRecorder> order = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    BackupRun(String source, List<ImageDisk> disks, List<PriorBackup> priors, BackupPipeline pipeline,
            RepositoryIndex index, DiskRecorder.PriorMaps maps) {
        this.source = source;
        this.disks = List.copyOf(disks);
        this.priors = List.copyOf(priors);
        for (ImageDisk d : disks) {
            DiskRecorder r = new DiskRecorder(d, pipeline, index, maps, this::note);
            recorders.put(d, r);
            order.add(r);
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public List<SourceDisk> disks() {
        return disks;
    }

    /** Priors are ordered oldest first (lab time, then id), so the last of this source is the latest. */
    @Override
    public Optional<PriorBackup> latest() {
        for (int i = priors.size() - 1; i >= 0; i--) {
            if (priors.get(i).source().equals(source)) {
                return Optional.of(priors.get(i));
            }
        }
        return Optional.empty();
    }

    @Override
    public List<PriorBackup> history() {
        return priors.stream().filter(p -> p.source().equals(source)).toList();
    }

    @Override
    public Optional<PriorBackup> backup(String id) {
        return priors.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    @Override
    public DiskSink sink(SourceDisk disk) {
        DiskRecorder r = recorders.get(disk);
        if (r == null) {
            throw new IllegalArgumentException("disk " + disk.name() + " is not one of this backup's disks");
        }
        return r;
    }

    @Override
    public synchronized void note(String message) {
        if (message == null || message.isBlank()) {
            throw new IllegalArgumentException("empty note");
        }
        notes.add(message.strip().replace('\n', ' '));
    }

    List<DiskRecorder> recorders() {
        return order;
    }

    synchronized List<String> notes() {
        return List.copyOf(notes);
    }
}
