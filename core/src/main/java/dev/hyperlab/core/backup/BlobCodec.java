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
 * <p>Each thread gets its own native zstd contexts and digest; {@link #close()} frees the contexts.
 */
final class BlobCodec implements AutoCloseable {
    private final RepositoryCipher cipher;
    private final int level;
    private final List<AutoCloseable> natives = new ArrayList<>();
    private final ThreadLocal<ZstdCompressCtx> compressors;
    private final ThreadLocal<ZstdDecompressCtx> decompressors;
    private final ThreadLocal<MessageDigest> digests = ThreadLocal.withInitial(ObjectId::sha256);

    BlobCodec(RepositoryCipher cipher, int level) {
        this.cipher = cipher;
        this.level = level;
        this.compressors = ThreadLocal.withInitial(() -> {
            ZstdCompressCtx c = new ZstdCompressCtx();
            c.setLevel(this.level);
            register(c);
            return c;
        });
        this.decompressors = ThreadLocal.withInitial(() -> {
            ZstdDecompressCtx d = new ZstdDecompressCtx();
            register(d);
            return d;
        });
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
        int n = compressors.get().compressByteArray(comp, 0, comp.length, raw, off, len);
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
        String what = "blob " + id.shortHex() + " in pack " + loc.pack().shortHex();
        byte[] payload = stored;
        int n = loc.storedLength();
        if (cipher.encrypted()) {
            n = cipher.open(PackFormat.blobAad(loc.type(), id), stored, 0, n, scratch, what);
            payload = scratch;
        }
        if (loc.compressed()) {
            int got;
            try {
                got = decompressors.get().decompressByteArray(out, 0, loc.rawLength(), payload, 0, n);
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
            if (payload != out) {
                System.arraycopy(payload, 0, out, 0, n);
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
