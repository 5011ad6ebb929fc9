package dev.hyperlab.core.backup;

/**
 * Where a blob is stored.
 *
 * @param pack the pack file's id
 * @param type what the blob holds
 * @param compressed whether the stored payload is zstd-compressed (incompressible blobs are stored as they are)
 * @param offset byte offset of the stored (possibly sealed) blob in the pack
 * @param storedLength bytes it occupies in the pack
 * @param rawLength bytes of the blob itself, as hashed
 */
record BlobLocation(ObjectId pack, BlobType type, boolean compressed, int offset, int storedLength, int rawLength) {}
