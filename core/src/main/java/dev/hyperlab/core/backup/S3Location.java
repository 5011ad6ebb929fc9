package dev.hyperlab.core.backup;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * A repository location on S3-compatible object storage: {@code s3:http://HOST:PORT/BUCKET[/PREFIX]} (or {@code
 * s3:https://...}), as restic writes it. Path-style addressing, which every self-hosted store (MinIO, Ceph RGW,
 * Garage, S3Proxy) serves.
 */
public record S3Location(URI endpoint, String bucket, String prefix) {

    /** The scheme word that marks an S3 location. */
    public static final String SCHEME = "s3:";

    /** Whether {@code location} names an S3 repository rather than a directory. */
    public static boolean is(String location) {
        return location.startsWith(SCHEME);
    }

    /**
     * Parses {@code s3:http(s)://HOST[:PORT]/BUCKET[/PREFIX]}.
     *
     * @throws RepositoryException naming what is wrong with it
     */
    public static S3Location parse(String location) throws RepositoryException {
        String rest = location.substring(SCHEME.length());
        URI uri;
        try {
            uri = new URI(rest);
        } catch (URISyntaxException e) {
            throw new RepositoryException("bad S3 location " + location + " (write s3:http://HOST:PORT/BUCKET/PREFIX)");
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new RepositoryException("bad S3 location " + location + " (write s3:http://HOST:PORT/BUCKET/PREFIX"
                    + " or s3:https://...)");
        }
        String path = uri.getPath() == null ? "" : uri.getPath();
        while (path.startsWith("/")) {
            path = path.substring(1);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.isEmpty()) {
            throw new RepositoryException("S3 location " + location + " names no bucket (write s3:http://HOST:PORT/BUCKET)");
        }
        int slash = path.indexOf('/');
        String bucket = slash < 0 ? path : path.substring(0, slash);
        String prefix = slash < 0 ? "" : path.substring(slash + 1) + "/";
        if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || prefix.contains("//") || prefix.contains("..")) {
            throw new RepositoryException("bad S3 location " + location + " (bucket names are 3 to 63 lower-case"
                    + " letters, digits, dots and dashes)");
        }
        URI endpoint = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()));
        return new S3Location(endpoint, bucket, prefix);
    }

    @Override
    public String toString() {
        return SCHEME + endpoint + "/" + bucket + (prefix.isEmpty() ? "" : "/" + prefix.substring(0, prefix.length() - 1));
    }
}
