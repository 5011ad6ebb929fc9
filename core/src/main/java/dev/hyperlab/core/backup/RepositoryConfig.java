package dev.hyperlab.core.backup;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The repository's {@code config} file: what a reader must know before reading anything else. It carries a SHA-256
 * of its own other fields, so damage is reported as damage rather than misread as settings.
 *
 * @param version format version (1)
 * @param encrypted whether blobs and metadata are sealed with AES-256-GCM
 * @param compressionLevel the zstd level new blobs are compressed with
 */
record RepositoryConfig(int version, boolean encrypted, int compressionLevel) {
    static final int VERSION = 1;
    private static final String FORMAT = "hyperlab-backup";

    byte[] encode() {
        Map<String, Object> json = body();
        json.put("checksum", checksum(body()));
        return Json.write(json);
    }

    private Map<String, Object> body() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("version", version);
        json.put("encryption", encrypted ? "aes-256-gcm" : "none");
        json.put("compression", "zstd");
        json.put("compressionLevel", compressionLevel);
        return json;
    }

    private static String checksum(Map<String, Object> body) {
        return ObjectId.sha256(Json.write(body)).hex();
    }

    static RepositoryConfig decode(byte[] data, String what) throws RepositoryException {
        Map<?, ?> json = Json.object(Json.parse(data, what), what);
        if (!FORMAT.equals(json.get("format"))) {
            throw new RepositoryException(what + " is not a hyperlab backup repository's config");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        json.forEach((k, v) -> {
            if (!"checksum".equals(k)) {
                body.put((String) k, v);
            }
        });
        String sum = Json.field(json, "checksum", String.class, what);
        if (!sum.equals(ObjectId.sha256(Json.write(body)).hex())) {
            throw new RepositoryException(what + " is damaged: its checksum does not match its content");
        }
        long version = Json.longField(json, "version", what);
        if (version != VERSION) {
            throw new RepositoryException(what + " has format version " + version + "; this hyperlab reads version "
                    + VERSION);
        }
        String enc = Json.field(json, "encryption", String.class, what);
        if (!enc.equals("none") && !enc.equals("aes-256-gcm")) {
            throw new RepositoryException(what + " names an unknown encryption: " + enc);
        }
        if (!"zstd".equals(json.get("compression"))) {
            throw new RepositoryException(what + " names an unknown compression: " + json.get("compression"));
        }
        long level = Json.longField(json, "compressionLevel", what);
        return new RepositoryConfig((int) version, enc.equals("aes-256-gcm"), (int) level);
    }

    @Override
    public String toString() {
        return new String(encode(), StandardCharsets.UTF_8);
    }
}
