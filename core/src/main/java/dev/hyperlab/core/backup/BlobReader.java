package dev.hyperlab.core.backup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;

/** Reads single blobs back from their packs, verified: map pages, blobs being repacked, check's reads. */
final class BlobReader {
    private final Backend backend;
    private final RepositoryIndex index;
    private final BlobCodec codec;

    BlobReader(Backend backend, RepositoryIndex index, BlobCodec codec) {
        this.backend = backend;
        this.index = index;
        this.codec = codec;
    }

    /**
     * The blob's bytes.
     *
     * @throws RepositoryException when no index lists it, its pack is missing, or it is damaged
     */
    byte[] read(ObjectId id) throws IOException {
        BlobLocation loc = index.get(id).orElseThrow(
                () -> new RepositoryException("blob " + id.shortHex() + " is missing: no index lists it"));
        byte[] stored = readStored(loc, id);
        byte[] out = new byte[loc.rawLength()];
        codec.decode(id, loc, stored, out, codec.cipher().encrypted() ? new byte[loc.storedLength()] : null);
        return out;
    }

    /** Buffers one thread reuses to read many blobs: grown to the largest blob read. */
    static final class Buffers {
        private byte[] stored = new byte[BlobCodec.maxStored(BackupPipeline.MAX_CHUNK)];
        private byte[] out = new byte[BackupPipeline.MAX_CHUNK];
        private byte[] scratch;
        private byte[] run;

        /** The last blob read: its first {@code rawLength} bytes. */
        byte[] out() {
            return out;
        }
    }

    /**
     * Reads the blob at {@code loc} into {@code b.out()}, verified.
     *
     * @throws RepositoryException when its pack is missing or truncated, or the blob is damaged
     */
    void read(ObjectId id, BlobLocation loc, Buffers b) throws IOException {
        if (b.stored.length < loc.storedLength()) {
            b.stored = new byte[loc.storedLength()];
        }
        grow(b, loc);
        load(loc, id, ByteBuffer.wrap(b.stored, 0, loc.storedLength()));
        codec.decode(id, loc, b.stored, b.out, b.scratch);
    }

    /** What {@link #readRun} hands on for each blob: its bytes ({@code data[0, rawLength)}), or why it has none. */
    @FunctionalInterface
    interface BlobSink {
        /**
         * @param data the blob's bytes, verified against its id; valid only during the call; null when damaged
         * @param problem why the blob could not be read, naming it (null when {@code data} is given)
         */
        void accept(PackRuns.Wanted blob, byte[] data, String problem) throws IOException;
    }

    /**
     * Reads the blobs of {@code run} with one read of the pack, hands each (verified) or the reason it could not be
     * read to {@code sink}, in the pack's order. When the pack is missing or shorter than the index says, each blob is
     * read on its own instead, so each gets its own verdict.
     *
     * @throws IOException only what {@code sink} throws, or a read error of the repository's storage
     */
    void readRun(PackRuns.Run run, Buffers b, BlobSink sink) throws IOException {
        if (b.run == null || b.run.length < run.length()) {
            // at least twice the last size (up to a run's most): made to each new run's length, a restore of /usr/share
            // made eleven buffers (87 MB, each in the old generation and faulted in afresh) where two would do
            int grown = b.run == null ? 0 : (int) Math.min(PackRuns.MAX_RUN, 2L * b.run.length);
            b.run = new byte[Math.max(run.length(), grown)];
        }
        try {
            backend.load(FileKind.PACK, run.pack().hex(), run.start(), ByteBuffer.wrap(b.run, 0, run.length()));
        } catch (NoSuchFileException | java.io.EOFException e) {
            for (PackRuns.Wanted w : run.blobs()) {
                String problem = null;
                try {
                    read(w.id(), w.loc(), b);
                } catch (RepositoryException x) {
                    problem = x.getMessage();
                }
                sink.accept(w, problem == null ? b.out : null, problem);
            }
            return;
        }
        for (PackRuns.Wanted w : run.blobs()) {
            BlobLocation loc = w.loc();
            grow(b, loc);
            String problem = null;
            try {
                codec.decode(w.id(), loc, b.run, loc.offset() - run.start(), b.out, b.scratch);
            } catch (RepositoryException x) {
                problem = x.getMessage();
            }
            sink.accept(w, problem == null ? b.out : null, problem);
        }
    }

    private void grow(Buffers b, BlobLocation loc) {
        if (b.out.length < loc.rawLength()) {
            b.out = new byte[loc.rawLength()];
        }
        if (codec.cipher().encrypted() && (b.scratch == null || b.scratch.length < loc.storedLength())) {
            b.scratch = new byte[Math.max(loc.storedLength(), b.stored.length)];
        }
    }

    /** The blob's stored bytes, as they are in the pack. */
    byte[] readStored(BlobLocation loc, ObjectId id) throws IOException {
        byte[] stored = new byte[loc.storedLength()];
        load(loc, id, ByteBuffer.wrap(stored));
        return stored;
    }

    /** Loads the stored bytes of blob {@code id} at {@code loc} into {@code into}; a missing pack is named. */
    private void load(BlobLocation loc, ObjectId id, ByteBuffer into) throws IOException {
        try {
            backend.load(FileKind.PACK, loc.pack().hex(), loc.offset(), into);
        } catch (NoSuchFileException e) {
            throw new RepositoryException("blob " + id.shortHex() + " is missing: pack " + loc.pack().shortHex()
                    + " does not exist", e);
        } catch (java.io.EOFException e) {
            throw new RepositoryException("blob " + id.shortHex() + " is missing: pack " + loc.pack().shortHex()
                    + " is truncated", e);
        }
    }
}
