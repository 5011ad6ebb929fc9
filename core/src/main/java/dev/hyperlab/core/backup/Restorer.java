package dev.hyperlab.core.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Restores one disk of a backup. Blobs are read in pack order (sequential reads), decoded and verified by one worker
 * per core, and each written to every place the disk map puts it. Every blob is checked against its id before a byte
 * of it is written, so a restore never writes wrong data: what cannot be verified is left as zeros and named in the
 * result, which is then not complete.
 */
final class Restorer {
    private final Backend backend;
    private final RepositoryIndex index;
    private final BlobCodec codec;
    private final BlobReader reader;

    Restorer(Backend backend, RepositoryIndex index, BlobCodec codec) {
        this.backend = backend;
        this.index = index;
        this.codec = codec;
        this.reader = new BlobReader(backend, index, codec);
    }

    private record Job(ObjectId blob, BlobLocation loc, List<Piece> pieces) {}

    /** A disk's map as far as it could be read: its pieces, and the GiBs whose map page could not be read. */
    record DiskMapRead(List<Piece> pieces, List<RestoreResult.DamagedRange> unreadable) {}

    /**
     * Reads the map of disk {@code disk} of backup {@code backupId} and checks it against the manifest, before the
     * target is created: a page that cannot be read makes its GiB damaged (the rest is still restored), but a map
     * that contradicts its manifest (pieces out of order or overlapping, data beyond the disk's end, other sizes) is
     * refused whole, since then nothing says which of the two to believe.
     *
     * @throws RepositoryException when the map contradicts the manifest
     */
    DiskMapRead readMap(String backupId, Manifest.Disk disk) throws IOException {
        String what = Manifests.describe(backupId, disk);
        List<RestoreResult.DamagedRange> unreadable = new ArrayList<>();
        List<Piece> pieces = new ArrayList<>();
        for (Manifest.MapPage page : disk.pages()) {
            long start = page.index() * DiskMap.PAGE;
            byte[] raw;
            try {
                raw = reader.read(page.blob());
            } catch (RepositoryException e) {
                unreadable.add(new RestoreResult.DamagedRange(start, Math.min(DiskMap.PAGE, disk.virtualSize() - start),
                        "map of this GiB unreadable: " + e.getMessage()));
                continue;
            }
            try {
                pieces.addAll(DiskMap.decodePage(raw, start, "map page " + page.blob().shortHex()));
            } catch (RepositoryException e) {
                throw new RepositoryException(what + " is damaged: " + e.getMessage() + " (nothing was restored)", e);
            }
        }
        DiskMap.checkAgainst(disk, pieces, unreadable.isEmpty(), what);
        return new DiskMapRead(pieces, unreadable);
    }

    /** Restores a disk whose map {@link #readMap} read into {@code target}, which is at least the disk's size. */
    RestoreResult restore(String backupId, Manifest.Disk disk, DiskMapRead map, RestoreTarget target,
            List<String> warnings) throws IOException {
        List<RestoreResult.DamagedRange> damaged = new ArrayList<>(map.unreadable());
        List<Piece> pieces = map.pieces();
        // zero what the target holds where the backup has holes (a no-op on a new file)
        long at = 0;
        for (Piece p : pieces) {
            if (p.offset() > at) {
                target.zero(at, p.offset() - at);
            }
            at = p.end();
        }
        if (at < disk.virtualSize()) {
            target.zero(at, disk.virtualSize() - at);
        }

        Map<ObjectId, List<Piece>> byBlob = new LinkedHashMap<>();
        for (Piece p : pieces) {
            byBlob.computeIfAbsent(p.blob(), k -> new ArrayList<>()).add(p);
        }
        List<Job> jobs = new ArrayList<>();
        for (Map.Entry<ObjectId, List<Piece>> e : byBlob.entrySet()) {
            var loc = index.get(e.getKey());
            if (loc.isEmpty()) {
                for (Piece p : e.getValue()) {
                    damaged.add(new RestoreResult.DamagedRange(p.offset(), p.length(),
                            "blob " + e.getKey().shortHex() + " is missing: no index or pack lists it"));
                }
                continue;
            }
            jobs.add(new Job(e.getKey(), loc.get(), e.getValue()));
        }
        jobs.sort(Comparator.comparing((Job j) -> j.loc().pack()).thenComparingInt(j -> j.loc().offset()));

        long written = runJobs(jobs, target, damaged);
        damaged.sort(Comparator.comparingLong(RestoreResult.DamagedRange::offset));
        target.finish();
        return new RestoreResult(backupId, disk.name(), disk.virtualSize(), written, damaged, warnings);
    }

    private long runJobs(List<Job> jobs, RestoreTarget target, List<RestoreResult.DamagedRange> damaged)
            throws IOException {
        // one worker per core: two per core, to hide the waits of reading packs a backup wrote past the page cache
        // (and of O_DIRECT restore writes, since dropped), cost more CPU (user+sys 2.50-2.78 against 2.17-2.44 s) and
        // were slower in two of three interleaved runs (docs/performance.md, issue 15)
        int workers = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(workers, r -> {
            Thread t = new Thread(r, "restore-worker");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<long[]>> futures = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                futures.add(pool.submit(() -> work(jobs, next, target, damaged)));
            }
            long written = 0;
            for (Future<long[]> f : futures) {
                try {
                    written += f.get()[0];
                } catch (ExecutionException e) {
                    next.set(jobs.size()); // stop the other workers
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw io;
                    }
                    throw new IOException("restore failed: " + c, c);
                }
            }
            return written;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("restore interrupted");
        } finally {
            pool.shutdownNow();
        }
    }

    /** One worker: takes blobs in order until none are left; target write errors abort, blob damage is recorded. */
    private long[] work(List<Job> jobs, AtomicInteger next, RestoreTarget target,
            List<RestoreResult.DamagedRange> damaged) throws IOException {
        BlobReader.Buffers buffers = new BlobReader.Buffers();
        long written = 0;
        for (int i = next.getAndIncrement(); i < jobs.size(); i = next.getAndIncrement()) {
            Job job = jobs.get(i);
            BlobLocation loc = job.loc();
            String problem = null;
            try {
                reader.read(job.blob(), loc, buffers);
            } catch (RepositoryException e) {
                problem = e.getMessage();
            }
            byte[] out = buffers.out();
            for (Piece p : job.pieces()) {
                if (problem != null) {
                    synchronized (damaged) {
                        damaged.add(new RestoreResult.DamagedRange(p.offset(), p.length(), problem));
                    }
                    continue;
                }
                if ((long) p.blobOffset() + p.length() > loc.rawLength()) {
                    synchronized (damaged) {
                        damaged.add(new RestoreResult.DamagedRange(p.offset(), p.length(), "the disk map refers past"
                                + " the end of blob " + job.blob().shortHex()));
                    }
                    continue;
                }
                target.write(p.offset(), out, p.blobOffset(), p.length());
                written += p.length();
            }
        }
        return new long[] {written};
    }
}
