package dev.hyperlab.core.backup;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a blob into the bytes stored in a pack and back: zstd compression (skipped when it does not make the blob
 * smaller), then sealing in an encrypted repository; on the way back, opening, decompression and a SHA-256 check
 * against the blob's id, so a blob is never handed out unless it is exactly what was stored.
 *
 * <p>Large blobs (whole chunks of a disk) get a level by how well they compress: a probe compresses four 16 KiB
 * samples at level 1 (about 2% of level 3's time), and a chunk that hardly shrinks there ({@value #POOR} of its size
 * or more: compressed archives, media) is compressed at level 1, one that shrinks moderately ({@value #GOOD} or more)
 * one level below the repository's, and only the well-compressible rest at the repository's level. Level 3 costs
 * about twice level 1's time for a few percent of size, and almost all of that gain is on the well-compressible
 * chunks: on the reference image (a JDK's files) this keeps the repository the size level 3 alone gives with 1 MiB
 * chunks while compressing 20% faster. The choice is a property of the data, so the same chunk is stored the same
 * way in every run; decoding needs no level.
 *
 * <p>Each thread gets its own native zstd contexts and digest; {@link #close()} frees the contexts.
 */
final class BlobCodec implements AutoCloseable {
    private final RepositoryCipher cipher;
    private final int level;
    private final List<AutoCloseable> natives = new ArrayList<>();
    /** Probe ratio at or above which a chunk is compressed at level 1. */
    static final double POOR = 0.80;
    /** Probe ratio at or above which (and below {@link #POOR}) a chunk is compressed one level below the default. */
    static final double GOOD = 0.45;
    /** Blobs at least this large get a level by their probe; smaller ones (dirty clusters, map pages) the default. */
    static final int ADAPTIVE_MIN = 1 << 20;
    private static final int PROBE_SAMPLES = 4;
    private static final int PROBE_SAMPLE = 16 * 1024;
    /** zstd's window: a whole chunk, so that a match anywhere earlier in it is found (levels 1-3 default to less). */
    private static final int WINDOW_LOG = 22;

    /** One thread's compression contexts: [0] the repository's level, [1] one below, [2] level 1. */
    private final ThreadLocal<ZstdCompressCtx[]> compressors;
    private final ThreadLocal<ZstdDecompressCtx> decompressors;
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(ObjectId::sha256);

    BlobCodec(RepositoryCipher cipher, int level) {
        this.cipher = cipher;
        this.level = level;
        this.compressors = ThreadLocal.withInitial(() -> new ZstdCompressCtx[] {
            context(this.level), context(Math.max(1, this.level - 1)), context(1)});
        this.decompressors = ThreadLocal.withInitial(() -> {
            ZstdDecompressCtx d = new ZstdDecompressCtx();
            register(d);
            return d;
        });
    }

    private ZstdCompressCtx context(int lvl) {
        ZstdCompressCtx c = new ZstdCompressCtx();
        c.setLevel(lvl);
        c.setWindowLog(WINDOW_LOG);
        register(c);
        return c;
    }

    private synchronized void register(AutoCloseable c) {
        natives.add(c);
    }

    RepositoryCipher cipher() {
        return cipher;
    }

    /** Room an encoded blob of {@code raw} bytes may need. */
    static int maxStored(int raw) {
        return (int) Zstd.compressBound(raw) + RepositoryCipher.OVERHEAD;
    }

    /** The SHA-256 of {@code data[off, off + len)}, with this thread's digest. */
    ObjectId hash(byte[] data, int off, int len) {
        MessageDigest md = digests.get();
        md.update(data, off, len);
        return ObjectId.wrap(md.digest());
    }

    /** An encoded blob: {@code buf[0, length)} goes into the pack. */
    record Encoded(byte[] buf, int length, boolean compressed) {}

    /**
     * Encodes {@code raw[off, off + len)}, using {@code comp} (at least {@code compressBound(len)}) and, when
     * encrypted, {@code sealed} (at least {@link #maxStored}) as scratch; the result points into one of them or into
     * {@code raw}.
     */
    Encoded encode(BlobType type, ObjectId id, byte[] raw, int off, int len, byte[] comp, byte[] sealed) {
        int n = compressor(raw, off, len, comp).compressByteArray(comp, 0, comp.length, raw, off, len);
        byte[] payload = comp;
        int payloadOff = 0;
        boolean compressed = n < len;
        if (!compressed) {
            payload = raw;
            payloadOff = off;
            n = len;
        }
        if (!cipher.encrypted()) {
            if (payload == raw && off != 0) {
                System.arraycopy(raw, off, comp, 0, len);
                payload = comp;
            }
            return new Encoded(payload, n, compressed);
        }
        int s = cipher.seal(PackFormat.blobAad(type, id), payload, payloadOff, n, sealed, 0);
        return new Encoded(sealed, s, compressed);
    }

    /** The context for {@code raw[off, off + len)}: by a level-1 probe of samples for large blobs (see above). */
    private ZstdCompressCtx compressor(byte[] raw, int off, int len, byte[] scratch) {
        return compressors.get()[choice(raw, off, len, scratch)];
    }

    /**
     * Which of this thread's contexts compresses {@code raw[off, off + len)}: 0 the repository's level, 1 one below,
     * 2 level 1 (see above); {@code scratch} holds the probe's output.
     */
    int choice(byte[] raw, int off, int len, byte[] scratch) {
        if (len < ADAPTIVE_MIN || level <= 1) {
            return 0;
        }
        ZstdCompressCtx probe = compressors.get()[2];
        long probed = 0;
        for (int i = 0; i < PROBE_SAMPLES; i++) {
            int at = off + (int) ((long) len * i / PROBE_SAMPLES);
            probed += probe.compressByteArray(scratch, 0, scratch.length, raw, at, PROBE_SAMPLE);
        }
        double ratio = (double) probed / (PROBE_SAMPLES * PROBE_SAMPLE);
        return ratio >= POOR ? 2 : ratio >= GOOD ? 1 : 0;
    }

    /** The zstd level of {@link #choice} {@code c}. */
    int levelOf(int c) {
        return c == 0 ? level : c == 1 ? Math.max(1, level - 1) : 1;
    }

    /** Compresses {@code raw[off, off + len)} into {@code comp} with this thread's context {@code c}; returns the size. */
    int compress(int c, byte[] raw, int off, int len, byte[] comp) {
        return compressors.get()[c].compressByteArray(comp, 0, comp.length, raw, off, len);
    }

    /** Encodes into fresh arrays: for the few blobs (map pages) that do not go through the pipeline's buffers. */
    Encoded encode(BlobType type, ObjectId id, byte[] raw) {
        return encode(type, id, raw, 0, raw.length, new byte[maxStored(raw.length)],
                cipher.encrypted() ? new byte[maxStored(raw.length)] : null);
    }

    /**
     * Decodes a stored blob into {@code out} (at least {@code loc.rawLength()} bytes) and checks its hash, using
     * {@code scratch} (at least {@code loc.storedLength()} bytes) when encrypted.
     *
     * @throws RepositoryException naming the blob and its pack when it does not open, decompress or hash right
     */
    void decode(ObjectId id, BlobLocation loc, byte[] stored, byte[] out, byte[] scratch) throws RepositoryException {
        decode(id, loc, stored, 0, out, scratch);
    }

    /** As {@link #decode(ObjectId, BlobLocation, byte[], byte[], byte[])}, the stored blob at {@code stored[at]}. */
    void decode(ObjectId id, BlobLocation loc, byte[] stored, int at, byte[] out, byte[] scratch)
            throws RepositoryException {
        String what = "blob " + id.shortHex() + " in pack " + loc.pack().shortHex();
        byte[] payload = stored;
        int payloadOff = at;
        int n = loc.storedLength();
        if (cipher.encrypted()) {
            n = cipher.open(PackFormat.blobAad(loc.type(), id), stored, at, n, scratch, what);
            payload = scratch;
            payloadOff = 0;
        }
        if (loc.compressed()) {
            int got;
            try {
                got = decompressors.get().decompressByteArray(out, 0, loc.rawLength(), payload, payloadOff, n);
            } catch (ZstdException e) {
                throw new RepositoryException(what + " is damaged: it does not decompress (" + e.getMessage() + ")", e);
            }
            if (got != loc.rawLength()) {
                throw new RepositoryException(what + " is damaged: " + got + " bytes instead of " + loc.rawLength());
            }
        } else {
            if (n != loc.rawLength()) {
                throw new RepositoryException(what + " is damaged: " + n + " bytes instead of " + loc.rawLength());
            }
            if (payload != out || payloadOff != 0) {
                System.arraycopy(payload, payloadOff, out, 0, n);
            }
        }
        if (!hash(out, 0, loc.rawLength()).equals(id)) {
            throw new RepositoryException(what + " is damaged: its content does not match its id");
        }
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : natives) {
            try {
                c.close();
            } catch (Exception e) {
                // freeing native memory cannot fail in a way the caller could act on
            }
        }
        natives.clear();
    }
}
