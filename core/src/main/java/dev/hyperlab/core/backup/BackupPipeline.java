package dev.hyperlab.core.backup;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stores one backup run's chunks: the calling thread reads each chunk into a pooled buffer, worker threads (one per
 * core) hash it and, when the repository lacks it, compress and seal it, and a committer appends the results to pack
 * files strictly in the order the chunks were read. That order makes packs, pack names and the index file the same in
 * every run over the same data, whatever the threads' timing; a saver thread writes each full pack to the backend
 * while the next one fills.
 *
 * <p>Memory is bounded: {@value #SLOTS} chunk buffers of at most {@value #MAX_CHUNK} bytes (plus scratch) and two pack
 * buffers, about 90 MiB whatever the disk's size, each allocated when first needed (the JVM zeroes every new array:
 * 90 MiB made up front cost a backup of a small disk a third of a second). A reader waits when every buffer is in flight, which is the
 * back-pressure that keeps the heap flat. Chunks that are all zeros are recorded as holes without hashing. A file
 * backup's small chunks travel in batches ({@link #BATCH_BELOW}): a slot of up to 1 MiB of them, plus 1 MiB for their
 * encoded bytes.
 *
 * <p>Nothing is visible to other processes until {@link #finish} writes the index file: a run that dies before leaves
 * only whole pack files no index lists, which check reports as leftovers and prune removes.
 */
final class BackupPipeline implements AutoCloseable {
    /**
     * Largest chunk, and the full strategy's grid: 4 MiB, as Proxmox Backup Server cuts VM images. zstd sees a whole
     * 4 MiB chunk as its window, which on the reference image makes level 3's output 1.4% smaller than with 1 MiB
     * chunks, and that margin pays for the faster levels {@link BlobCodec} picks for chunks that compress less.
     * Day-to-day changes are backed up by the incremental strategy in dirty-bitmap clusters, not by this grid.
     */
    static final int MAX_CHUNK = 4 << 20;
    /** Pack files are closed once their blobs reach 16 MiB: few files and fsyncs, yet prune repacks little. */
    static final int PACK_TARGET = 16 << 20;
    /** Chunks in flight: one being read, one per worker, and a few finished ones waiting for their turn to commit. */
    static final int SLOTS = 6;

    private enum Kind { HOLE, KNOWN, NEW, FAILED, ORDERED, BATCH }

    /** Where a chunk's piece goes once committed: a disk's map, a file's content list. */
    @FunctionalInterface
    interface PieceSink {
        void add(Piece piece);
    }

    /** Work that must see every chunk handed over before it committed: a directory's tree, which lists them. */
    @FunctionalInterface
    interface Ordered {
        void run() throws IOException;
    }

    /** The smallest chunk buffer a slot is made with (then grown by powers of two, up to {@link #MAX_CHUNK}). */
    static final int MIN_SLOT = 64 << 10;

    /**
     * Copied chunks shorter than this (a small file's one chunk) are gathered in one slot, a batch, and handed to a
     * worker together: a first backup of /usr/share is 47,000 files, most under 64 KiB, and one hand-over each (a
     * worker woken, a slot committed, one freed) cost the reader and the workers more than the files' hashing. A batch
     * is handed over when full ({@link #BATCH_BYTES}, {@link #BATCH_PARTS}), and before anything else is: a larger
     * chunk, an {@link #ordered} action, {@link #acquire}, {@link #drain}; its chunks are committed one by one in the
     * order they came, so packs and pieces are what one slot per chunk gives.
     */
    static final int BATCH_BELOW = 64 << 10;
    /** A batch's bytes at most. */
    static final int BATCH_BYTES = 1 << 20;
    /** A batch's chunks at most. */
    static final int BATCH_PARTS = 256;

    /** The chunks of a batch slot: where each lies in {@code in}, and what the worker made of it in {@code out}. */
    private static final class Parts {
        int count;
        int filled;
        final int[] at = new int[BATCH_PARTS];
        final int[] length = new int[BATCH_PARTS];
        final long[] offset = new long[BATCH_PARTS];
        final PieceSink[] sink = new PieceSink[BATCH_PARTS];
        final Kind[] kind = new Kind[BATCH_PARTS];
        final ObjectId[] id = new ObjectId[BATCH_PARTS];
        final int[] outAt = new int[BATCH_PARTS];
        final int[] outLength = new int[BATCH_PARTS];
        final boolean[] compressed = new boolean[BATCH_PARTS];
        byte[] out = Slot.NONE;
        /** What {@code out} must hold: every chunk's {@link BlobCodec#maxStored}. */
        int outNeeded;

        void clear() {
            java.util.Arrays.fill(sink, 0, count, null);
            java.util.Arrays.fill(id, 0, count, null);
            count = 0;
            filled = 0;
            outNeeded = 0;
        }
    }

    private static final class Slot {
        private static final byte[] NONE = new byte[0];
        private final boolean encrypted;
        byte[] in = NONE;
        byte[] comp = NONE;
        byte[] sealed;
        long seq;
        int length;
        long offset;
        PieceSink sink;
        Ordered action;
        Kind kind;
        ObjectId id;
        BlobCodec.Encoded encoded;
        /** Set while the slot is a batch (made when first needed, then kept). */
        Parts parts;

        Slot(boolean encrypted) {
            this.encrypted = encrypted;
        }

        /**
         * Makes the buffers hold a chunk of {@code length} bytes (producer only, before the slot is handed over). Sized
         * to the chunks actually read: an incremental backup reads dirty-bitmap extents of tens of KiB, and six slots
         * of 4 MiB in and 4 MiB out each (48 MiB the JVM zeroes, and the kernel faults in) cost it more than its data;
         * a full backup's first 4 MiB chunk sizes each slot as before.
         */
        byte[] fit(int length) {
            if (in.length < length) {
                int size = Math.max(length,
                        Math.min(MAX_CHUNK, Math.max(MIN_SLOT, Integer.highestOneBit(length - 1) << 1)));
                in = new byte[size];
                comp = new byte[BlobCodec.maxStored(size)];
                sealed = encrypted ? new byte[BlobCodec.maxStored(size)] : null;
            }
            return in;
        }
    }

    private final Backend backend;
    private final RepositoryIndex index;
    private final BlobCodec codec;
    private final int packTarget;
    private final ArrayBlockingQueue<Slot> free = new ArrayBlockingQueue<>(SLOTS);
    /** Chunk buffers made so far (producer only): made as they are first needed, so a small backup allocates little. */
    private int slotsMade;
    private final boolean encrypted;
    private final ArrayBlockingQueue<byte[]> packBuffers = new ArrayBlockingQueue<>(2);
    /** Whether the second pack buffer exists (committer only); like the first, it is allocated when first written. */
    private boolean sparePackMade;
    private final ExecutorService workers;
    private final ExecutorService saver;
    private final Set<ObjectId> stored = ConcurrentHashMap.newKeySet();

    private final Object commitLock = new Object();
    private final Slot[] window = new Slot[SLOTS];
    private long committed;
    private final PackWriter pack;
    private final List<Future<?>> saves = new ArrayList<>();
    private final SortedMap<ObjectId, List<PackFormat.Entry>> newPacks = new TreeMap<>();
    private long blobsAdded;
    private long bytesAdded;

    private long nextSeq;
    private long bytesRead;
    private volatile Throwable failure;

    BackupPipeline(Backend backend, RepositoryIndex index, BlobCodec codec, int packTarget) {
        this.backend = backend;
        this.index = index;
        this.codec = codec;
        this.packTarget = packTarget;
        this.encrypted = codec.cipher().encrypted();
        this.pack = new PackWriter(packTarget + BlobCodec.maxStored(MAX_CHUNK) + 64 * 1024);
        int cores = Math.max(1, Runtime.getRuntime().availableProcessors());
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(cores, r -> daemon(r, "backup-worker-" + n.incrementAndGet()));
        this.saver = Executors.newSingleThreadExecutor(r -> daemon(r, "backup-saver"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ---- producer side (the strategy's thread) ----

    /** A free chunk buffer of at least {@code length} bytes for the caller to fill; waits while all are in flight. */
    byte[] acquire(int length) throws IOException {
        flushBatch();
        return slot().fit(length);
    }

    private Slot pending;

    private Slot slot() throws IOException {
        if (pending != null) {
            return pending;
        }
        pending = take();
        return pending;
    }

    /** A free slot; waits while all are in flight. */
    private Slot take() throws IOException {
        try {
            Slot s = free.poll();
            if (s == null && slotsMade < SLOTS) {
                slotsMade++;
                s = new Slot(encrypted);
            }
            while (s == null) {
                checkFailure();
                s = free.poll(100, TimeUnit.MILLISECONDS);
            }
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
    }

    /** Hands the buffer from {@link #acquire(int)}, now holding {@code length} bytes at {@code offset}, over. */
    void submit(PieceSink sink, long offset, int length) {
        Slot s = pending;
        if (s == null) {
            throw new IllegalStateException("submit without acquire");
        }
        pending = null;
        s.seq = nextSeq++;
        s.kind = null; // not a batch, whatever the slot was last
        s.sink = sink;
        s.offset = offset;
        s.length = length;
        bytesRead += length;
        workers.execute(() -> process(s));
    }

    /**
     * Copies {@code src[off, off + len)} into a chunk buffer and hands it over: a chunk shorter than
     * {@link #BATCH_BELOW} into the batch being gathered, handed over when full or when something else is.
     */
    void submit(PieceSink sink, long offset, byte[] src, int off, int len) throws IOException {
        if (len >= batchBelow) {
            System.arraycopy(src, off, acquire(len), 0, len);
            submit(sink, offset, len);
            return;
        }
        if (batch != null && (batch.parts.filled + len > BATCH_BYTES || batch.parts.count == BATCH_PARTS)) {
            flushBatch();
        }
        if (batch == null) {
            Slot s = pending != null ? pending : take();
            pending = null;
            s.fit(BATCH_BYTES);
            if (s.parts == null) {
                s.parts = new Parts();
            }
            batch = s;
        }
        Parts p = batch.parts;
        int i = p.count++;
        System.arraycopy(src, off, batch.in, p.filled, len);
        p.at[i] = p.filled;
        p.length[i] = len;
        p.offset[i] = offset;
        p.sink[i] = sink;
        p.filled += len;
        p.outNeeded += BlobCodec.maxStored(len);
        bytesRead += len;
    }

    /** Chunks shorter than this are batched: {@link #BATCH_BELOW}, or 0 (none) where a test compares. */
    int batchBelow = BATCH_BELOW;

    /** The batch being gathered (producer only), or null. */
    private Slot batch;

    /** Hands the batch being gathered over, if there is one. */
    private void flushBatch() {
        Slot s = batch;
        if (s == null) {
            return;
        }
        batch = null;
        Parts p = s.parts;
        if (p.out.length < p.outNeeded) {
            p.out = new byte[Math.max(p.outNeeded, BlobCodec.maxStored(BATCH_BYTES))];
        }
        s.seq = nextSeq++;
        s.kind = Kind.BATCH;
        workers.execute(() -> process(s));
    }

    /**
     * Runs {@code action} on the committer once every chunk handed over before has been committed, in that order
     * among the chunks: so the pieces those chunks produced are in their sinks, and blobs the action stores land in
     * the same place of the same pack in every run.
     */
    void ordered(Ordered action) throws IOException {
        flushBatch();
        Slot s = slot();
        pending = null;
        s.seq = nextSeq++;
        s.kind = Kind.ORDERED;
        s.action = action;
        complete(s);
    }

    /** The chunk buffer from {@link #acquire(int)} is not needed after all (the read failed). */
    void release() {
        if (pending != null) {
            free.add(pending);
            pending = null;
        }
    }

    // ---- workers ----

    private void process(Slot s) {
        try {
            if (failure != null) {
                s.kind = Kind.FAILED;
            } else if (s.kind == Kind.BATCH) {
                processParts(s);
            } else if (Zeros.isZero(s.in, 0, s.length)) {
                s.kind = Kind.HOLE;
            } else {
                s.id = codec.hash(s.in, 0, s.length);
                if (index.contains(s.id) || stored.contains(s.id)) {
                    s.kind = Kind.KNOWN;
                } else {
                    s.encoded = codec.encode(BlobType.DATA, s.id, s.in, 0, s.length, s.comp, s.sealed);
                    s.kind = Kind.NEW;
                }
            }
        } catch (Throwable t) {
            fail(t);
            s.kind = Kind.FAILED;
        }
        complete(s);
    }

    /** A batch's chunks, each as {@link #process} does one, their encoded bytes one after another in {@code out}. */
    private void processParts(Slot s) {
        Parts p = s.parts;
        int outAt = 0;
        for (int i = 0; i < p.count; i++) {
            int at = p.at[i];
            int len = p.length[i];
            if (Zeros.isZero(s.in, at, len)) {
                p.kind[i] = Kind.HOLE;
                continue;
            }
            ObjectId id = codec.hash(s.in, at, len);
            p.id[i] = id;
            if (index.contains(id) || stored.contains(id)) {
                p.kind[i] = Kind.KNOWN;
                continue;
            }
            BlobCodec.Encoded e = codec.encode(BlobType.DATA, id, s.in, at, len, s.comp, s.sealed);
            System.arraycopy(e.buf(), 0, p.out, outAt, e.length());
            p.outAt[i] = outAt;
            p.outLength[i] = e.length();
            p.compressed[i] = e.compressed();
            outAt += e.length();
            p.kind[i] = Kind.NEW;
        }
    }

    private void complete(Slot s) {
        synchronized (commitLock) {
            window[(int) (s.seq % SLOTS)] = s;
            while (true) {
                int at = (int) (committed % SLOTS);
                Slot c = window[at];
                if (c == null || c.seq != committed) {
                    break;
                }
                window[at] = null;
                commit(c);
                committed++;
            }
            commitLock.notifyAll();
        }
    }

    // ---- committer (under commitLock, in read order) ----

    private void commit(Slot c) {
        try {
            switch (c.kind) {
                case HOLE, FAILED -> {}
                case KNOWN -> c.sink.add(new Piece(c.offset, c.length, c.id, 0));
                case NEW -> {
                    stored.add(c.id);
                    append(BlobType.DATA, c.id, c.encoded, c.length);
                    c.sink.add(new Piece(c.offset, c.length, c.id, 0));
                }
                case ORDERED -> {
                    if (failure == null) {
                        c.action.run();
                    }
                }
                case BATCH -> commitParts(c.parts);
            }
        } catch (Throwable t) {
            fail(t);
        } finally {
            c.sink = null;
            c.action = null;
            c.encoded = null;
            if (c.parts != null) {
                c.parts.clear();
            }
            free.add(c);
        }
    }

    private void commitParts(Parts p) throws IOException {
        for (int i = 0; i < p.count; i++) {
            switch (p.kind[i]) {
                case KNOWN -> p.sink[i].add(new Piece(p.offset[i], p.length[i], p.id[i], 0));
                case NEW -> {
                    stored.add(p.id[i]);
                    append(BlobType.DATA, p.id[i], p.compressed[i], p.length[i], p.out, p.outAt[i], p.outLength[i]);
                    p.sink[i].add(new Piece(p.offset[i], p.length[i], p.id[i], 0));
                }
                default -> {}
            }
        }
    }

    /** Blobs appended to a pack in this run (committer only); the first of two equal chunks is the one stored. */
    private final Set<ObjectId> packedIds = new java.util.HashSet<>();

    private void append(BlobType type, ObjectId id, BlobCodec.Encoded e, int rawLength) throws IOException {
        append(type, id, e.compressed(), rawLength, e.buf(), 0, e.length());
    }

    private void append(BlobType type, ObjectId id, boolean compressed, int rawLength, byte[] buf, int off, int len)
            throws IOException {
        if (!packedIds.add(id)) {
            return;
        }
        pack.add(type, id, compressed, rawLength, buf, off, len);
        blobsAdded++;
        bytesAdded += len;
        if (pack.size() >= packTarget) {
            flushPack();
        }
    }

    private void flushPack() throws IOException {
        byte[] next = packBuffers.poll();
        try {
            if (next == null && !sparePackMade) {
                sparePackMade = true; // null: the writer allocates the second buffer when it first appends
            } else {
                while (next == null) {
                    checkFailure();
                    next = packBuffers.poll(100, TimeUnit.MILLISECONDS);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("backup interrupted");
        }
        PackWriter.Finished f = pack.finish(codec.cipher(), next);
        saves.add(saver.submit(() -> {
            try {
                backend.save(FileKind.PACK, f.id().hex(), f.bytes(), 0, f.length());
                synchronized (newPacks) {
                    newPacks.put(f.id(), f.entries());
                }
                packBuffers.add(f.bytes());
            } catch (Throwable t) {
                fail(t);
                throw t;
            }
            return null;
        }));
    }

    // ---- finishing ----

    /** Waits until every chunk handed over is committed. */
    void drain() throws IOException {
        flushBatch();
        synchronized (commitLock) {
            try {
                while (committed < nextSeq) {
                    checkFailure();
                    commitLock.wait(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("backup interrupted");
            }
        }
        checkFailure();
    }

    /**
     * Stores a blob of metadata (a map page after {@link #drain()}, a tree from an {@link #ordered} action) unless the
     * repository has it; returns its id.
     */
    ObjectId storeMeta(BlobType type, byte[] raw) throws IOException {
        ObjectId id = codec.hash(raw, 0, raw.length);
        synchronized (commitLock) {
            if (!index.contains(id) && !packedIds.contains(id)) {
                stored.add(id);
                append(type, id, codec.encode(type, id, raw), raw.length);
            }
        }
        return id;
    }

    /**
     * Writes the last pack, waits for every pack to be durable, then writes the index file that lists them. Returns
     * the packs written.
     */
    SortedMap<ObjectId, List<PackFormat.Entry>> finish() throws IOException {
        drain();
        synchronized (commitLock) {
            if (pack.count() > 0) {
                flushPack();
            }
        }
        for (Future<?> f : saves) {
            try {
                f.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof IOException io) {
                    throw io;
                }
                throw new IOException("writing a pack failed: " + cause, cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("backup interrupted");
            }
        }
        checkFailure();
        SortedMap<ObjectId, List<PackFormat.Entry>> packs;
        synchronized (newPacks) {
            packs = new TreeMap<>(newPacks);
        }
        if (!packs.isEmpty()) {
            byte[] plain = IndexFile.encode(packs);
            RepositoryCipher cipher = codec.cipher();
            backend.save(FileKind.INDEX, cipher.fileId(plain).hex(), cipher.seal(IndexFile.AAD, plain));
        }
        return packs;
    }

    long bytesRead() {
        return bytesRead;
    }

    long blobsAdded() {
        synchronized (commitLock) {
            return blobsAdded;
        }
    }

    long bytesAdded() {
        synchronized (commitLock) {
            return bytesAdded;
        }
    }

    private void fail(Throwable t) {
        synchronized (this) {
            if (failure == null) {
                failure = t;
            } else if (failure != t) {
                failure.addSuppressed(t);
            }
        }
    }

    private void checkFailure() throws IOException {
        Throwable t = failure;
        if (t == null) {
            return;
        }
        if (t instanceof IOException io) {
            throw io;
        }
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        throw new IOException(t);
    }

    @Override
    public void close() {
        workers.shutdownNow();
        saver.shutdown();
        try {
            // a pack being written when the run failed is left to finish (or fail) on its own: its temporary file
            // is removed by the backend either way; waiting keeps the next operation from racing it
            saver.awaitTermination(1, TimeUnit.MINUTES);
            workers.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
