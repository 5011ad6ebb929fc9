package dev.hyperlab.core.backup;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * A repository in an S3 bucket, spoken to with the JDK's own HTTP client and AWS Signature Version 4: no SDK, so
 * nothing of it is loaded until an {@code s3:} repository is used, and the launcher's jar stays small.
 *
 * <p>Atomic visibility without rename: an S3 PUT makes an object visible whole or not at all, under its final key,
 * and the repository writes each pack, index and key under the hash of its content and the manifest last, so a
 * killed upload leaves nothing, or a whole object no manifest names yet (which prune removes). Retries: a 5xx answer,
 * a timeout or a reset connection is retried with doubling backoff ({@link #ATTEMPTS} tries in all); a 4xx never is,
 * and becomes a one-line error naming its S3 code (missing bucket, wrong credentials). No answer is kept past what
 * was asked for ({@link BoundedBody}): a range, a listing page, an error document.
 */
public final class S3Backend implements Backend {

    /** Tries per request: the first and three retries, after 0.2, 0.4 and 0.8 s. */
    static final int ATTEMPTS = 4;

    /**
     * Objects of this size or more go up in parts: 8 MiB, so packs (16 MiB and more) are uploaded in parallel parts
     * while index files, manifests, keys and locks stay one PUT each (a multipart upload costs two more requests).
     */
    static final int MULTIPART_FROM = 8 << 20;
    /** Part size: S3's minimum (5 MiB, all parts but the last), the most parts a pack can be cut into. */
    static final int PART_SIZE = 5 << 20;
    /** S3's limit on the parts of one upload. */
    private static final int MAX_PARTS = 10_000;
    /**
     * Uploads in flight at once per backend: 4. The parts are slices of the pack buffer already in memory, so the bound
     * is not about memory but about the server and the link: four streams fill a loopback or LAN link to a
     * self-hosted store (one stream is limited by one thread's hashing and the server's per-request work), and more
     * only add connections for the store to juggle, as the AWS CLI's default of 10 does on high-latency links.
     */
    static final int PARALLEL_UPLOADS = 4;

    private static final long FIRST_BACKOFF_MILLIS = 200;
    /** The most an answer without data may hold: an S3 error document is a few hundred bytes. */
    private static final long ERROR_BYTES = 64 << 10;
    /** The most a listing page may hold: 1,000 keys (S3's page) of at most 1 KiB each, with their XML. */
    private static final long LISTING_BYTES = 8 << 20;
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");
    private static final HexFormat HEX = HexFormat.of();

    private final S3Location location;
    private final String accessKey;
    private final String secretKey;
    private final String region;
    private final HttpClient http;
    private final java.util.concurrent.Semaphore uploadSlots = new java.util.concurrent.Semaphore(PARALLEL_UPLOADS);

    /** A backend over {@code location} with the given credentials and signing region. */
    public S3Backend(S3Location location, String accessKey, String secretKey, String region) {
        this.location = location;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.region = region;
        this.http = client();
    }

    /**
     * A new HTTP client, made on a thread of the root thread group: a client's selector thread joins the group of the
     * thread that made it and ends only once the client is collected, and JShell's local execution waits for every
     * thread of a snippet's group to end, so a Java snippet that opened an S3 repository hung until a garbage
     * collection happened to come (CI waited on it for minutes).
     */
    private static HttpClient client() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        java.util.concurrent.FutureTask<HttpClient> make = new java.util.concurrent.FutureTask<>(() ->
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1)
                        .build());
        Thread t = new Thread(root, make, "hyperlab-s3-client");
        t.setDaemon(true);
        t.start();
        try {
            return make.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while making the S3 client", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("cannot make the S3 client", e.getCause());
        }
    }

    /**
     * A backend over {@code location} with credentials found where the AWS tools look: the Java system properties
     * {@code aws.accessKeyId}, {@code aws.secretAccessKey} and {@code aws.region}, else the environment variables
     * {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY} and {@code AWS_DEFAULT_REGION} or {@code AWS_REGION};
     * the region defaults to us-east-1 (self-hosted stores ignore it, but it is part of the signature).
     */
    public static S3Backend fromEnvironment(S3Location location, Map<String, String> env) throws RepositoryException {
        String key = setting("aws.accessKeyId", env.get("AWS_ACCESS_KEY_ID"));
        String secret = setting("aws.secretAccessKey", env.get("AWS_SECRET_ACCESS_KEY"));
        if (key == null || secret == null) {
            throw new RepositoryException("no S3 credentials for " + location + " (set AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY)");
        }
        String region = setting("aws.region", env.getOrDefault("AWS_DEFAULT_REGION", env.get("AWS_REGION")));
        return new S3Backend(location, key, secret, region == null ? "us-east-1" : region);
    }

    private static String setting(String property, String fromEnvironment) {
        String v = System.getProperty(property);
        v = v == null || v.isEmpty() ? fromEnvironment : v;
        return v == null || v.isEmpty() ? null : v;
    }

    /** Where this backend stores. */
    public S3Location location() {
        return location;
    }

    String key(FileKind kind, String name) {
        if (name.length() < 2 || name.startsWith(".") || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("bad repository file name: " + name);
        }
        return location.prefix() + switch (kind) {
            case CONFIG -> FileKind.CONFIG.dir();
            case PACK -> kind.dir() + "/" + name.substring(0, 2) + "/" + name;
            default -> kind.dir() + "/" + name;
        };
    }

    /** Fails with a one-line error unless the bucket exists and the credentials are accepted. */
    public void requireBucket() throws IOException {
        send("HEAD", "", Map.of(), Map.of(), null, "bucket " + location.bucket(), ERROR_BYTES);
    }

    @Override
    public void save(FileKind kind, String name, byte[] data, int offset, int length) throws IOException {
        if (kind == FileKind.TEMP) {
            throw new IllegalArgumentException("temporary files are the backend's own");
        }
        String what = kind.dir() + "/" + name;
        if (length >= MULTIPART_FROM) {
            saveInParts(key(kind, name), data, offset, length, what);
        } else {
            send("PUT", key(kind, name), Map.of(), Map.of(), new Body(data, offset, length), what, ERROR_BYTES);
        }
    }

    /**
     * Uploads an object in parts (CreateMultipartUpload, UploadPart for each part, CompleteMultipartUpload), the parts
     * in parallel, at most {@link #PARALLEL_UPLOADS} requests at once across this backend. Nothing is visible until
     * the completion, which makes the object whole at once; on any failure the upload is aborted, so the server frees
     * its parts and no object appears.
     */
    private void saveInParts(String key, byte[] data, int offset, int length, String what) throws IOException {
        HttpResponse<byte[]> created = send("POST", key, Map.of("uploads", ""), Map.of(), null,
                "the start of an upload of " + what, ERROR_BYTES);
        String uploadId = element(created.body(), "UploadId");
        if (uploadId == null || uploadId.isEmpty() || uploadId.length() > 1024) {
            throw new IOException("S3 server started an upload of " + what + " without a usable UploadId");
        }
        int partSize = Math.max(PART_SIZE, (int) ((length + MAX_PARTS - 1L) / MAX_PARTS));
        int parts = (int) ((length + (long) partSize - 1) / partSize);
        String[] etags = new String[parts];
        boolean done = false;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> uploads = new ArrayList<>();
            for (int i = 0; i < parts; i++) {
                int part = i;
                uploads.add(pool.submit(() -> {
                    int from = part * partSize;
                    Body body = new Body(data, offset + from, Math.min(partSize, length - from));
                    uploadSlots.acquire();
                    try {
                        HttpResponse<byte[]> r = send("PUT", key, Map.of("partNumber", String.valueOf(part + 1),
                                "uploadId", uploadId), Map.of(), body, "part " + (part + 1) + " of " + what,
                                ERROR_BYTES);
                        etags[part] = r.headers().firstValue("etag").orElseThrow(() -> new IOException(
                                "S3 server gave no ETag for part " + (part + 1) + " of " + what));
                    } finally {
                        uploadSlots.release();
                    }
                    return null;
                }));
            }
            for (Future<?> f : uploads) {
                await(f);
            }
            StringBuilder xml = new StringBuilder("<CompleteMultipartUpload>");
            for (int i = 0; i < parts; i++) {
                xml.append("<Part><PartNumber>").append(i + 1).append("</PartNumber><ETag>")
                        .append(etags[i].replace("&", "&amp;").replace("<", "&lt;")).append("</ETag></Part>");
            }
            byte[] complete = xml.append("</CompleteMultipartUpload>").toString().getBytes(StandardCharsets.UTF_8);
            HttpResponse<byte[]> r = send("POST", key, Map.of("uploadId", uploadId), Map.of(), Body.of(complete),
                    "the completion of an upload of " + what, ERROR_BYTES);
            // S3 may fail a completion after answering 200: the error is then in the document
            if (element(r.body(), "Code") != null) {
                throw new RepositoryException("the S3 server at " + location.endpoint() + " could not complete the"
                        + " upload of " + what + " (" + element(r.body(), "Code") + ")");
            }
            done = true;
        } finally {
            if (!done) {
                abort(key, uploadId);
            }
        }
    }

    private static void await(Future<?> f) throws IOException {
        try {
            f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while uploading");
        }
    }

    /** AbortMultipartUpload; a failure here leaves parts the server's lifecycle rules remove, and no object. */
    private void abort(String key, String uploadId) {
        try {
            send("DELETE", key, Map.of("uploadId", uploadId), Map.of(), null, "the abort of an upload", ERROR_BYTES);
        } catch (IOException | RuntimeException e) {
            // the upload's own failure is the one to report
        }
    }

    /** The text of the first {@code <name>} element of a small XML answer, or null. */
    private static String element(byte[] xml, String name) {
        String s = new String(xml, StandardCharsets.UTF_8);
        int a = s.indexOf("<" + name + ">");
        int b = a < 0 ? -1 : s.indexOf("</" + name + ">", a);
        return b < 0 ? null : s.substring(a + name.length() + 2, b).trim();
    }

    @Override
    public void load(FileKind kind, String name, long offset, ByteBuffer dst) throws IOException {
        int want = dst.remaining();
        if (want == 0) {
            stat(kind, name);
            return;
        }
        String what = kind.dir() + "/" + name;
        HttpResponse<byte[]> r = send("GET", key(kind, name), Map.of(),
                Map.of("range", "bytes=" + offset + "-" + (offset + want - 1)), null, what, Math.max(want, ERROR_BYTES));
        byte[] got = r.body();
        if (r.statusCode() == 416 || got.length < want) {
            throw new EOFException(what + " ends before byte " + (offset + want));
        }
        if (got.length > want) {
            throw new IOException("S3 server answered " + got.length + " bytes for a range of " + want + " in " + what);
        }
        dst.put(got);
    }

    @Override
    public long stat(FileKind kind, String name) throws IOException {
        HttpResponse<byte[]> r = send("HEAD", key(kind, name), Map.of(), Map.of(), null, kind.dir() + "/" + name,
                ERROR_BYTES);
        return r.headers().firstValueAsLong("content-length").orElseThrow(
                () -> new IOException("S3 server gave no size for " + kind.dir() + "/" + name));
    }

    @Override
    public List<String> list(FileKind kind) throws IOException {
        String prefix = location.prefix() + (kind == FileKind.CONFIG ? FileKind.CONFIG.dir() : kind.dir() + "/");
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> query = new TreeMap<>();
            query.put("list-type", "2");
            query.put("prefix", prefix);
            if (token != null) {
                query.put("continuation-token", token);
            }
            HttpResponse<byte[]> r = send("GET", "", query, Map.of(), null, "the listing of " + kind.dir(),
                    LISTING_BYTES);
            token = parseListing(r.body(), prefix, kind, names);
        } while (token != null);
        names.sort(null);
        return names;
    }

    /** Adds the names under {@code prefix} to {@code names}; returns the continuation token, or null at the end. */
    private static String parseListing(byte[] xml, String prefix, FileKind kind, List<String> names) throws IOException {
        XMLInputFactory f = XMLInputFactory.newFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        String token = null;
        boolean truncated = false;
        try {
            XMLStreamReader x = f.createXMLStreamReader(new ByteArrayInputStream(xml));
            while (x.hasNext()) {
                if (x.next() != XMLStreamReader.START_ELEMENT) {
                    continue;
                }
                switch (x.getLocalName()) {
                    case "Key" -> {
                        String k = x.getElementText();
                        if (!k.startsWith(prefix)) {
                            continue;
                        }
                        String rest = k.substring(prefix.length());
                        if (kind == FileKind.CONFIG) {
                            if (rest.isEmpty()) {
                                names.add("config");
                            }
                        } else {
                            if (kind == FileKind.PACK) {
                                int slash = rest.indexOf('/');
                                rest = slash == 2 ? rest.substring(3) : "";
                            }
                            if (!rest.isEmpty() && !rest.contains("/") && !rest.startsWith(".")) {
                                names.add(rest);
                            }
                        }
                    }
                    case "IsTruncated" -> truncated = "true".equals(x.getElementText().trim());
                    case "NextContinuationToken" -> token = x.getElementText();
                    default -> { }
                }
            }
        } catch (XMLStreamException e) {
            throw new IOException("S3 server sent a listing that is not XML: " + e.getMessage());
        }
        if (truncated && (token == null || token.isEmpty())) {
            throw new IOException("S3 server cut a listing short without a continuation token");
        }
        return truncated ? token : null;
    }

    @Override
    public void remove(FileKind kind, String name) throws IOException {
        send("DELETE", key(kind, name), Map.of(), Map.of(), null, kind.dir() + "/" + name, ERROR_BYTES);
    }

    /**
     * Sends a signed request, retrying 5xx answers and transport failures; returns a 2xx answer (or 416 for a GET).
     *
     * @throws NoSuchFileException for a 404 on an object
     * @throws RepositoryException one line naming the failure for any other 4xx, or for a server that stays down
     */
    private HttpResponse<byte[]> send(String method, String key, Map<String, String> query,
            Map<String, String> headers, Body body, String what, long maxAnswer) throws IOException {
        IOException last = null;
        String lastAnswer = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                sleep(FIRST_BACKOFF_MILLIS << (attempt - 1));
            }
            HttpResponse<byte[]> r;
            try {
                r = http.send(sign(method, key, query, headers, body), BoundedBody.handler(maxAnswer));
            } catch (ConnectException e) {
                last = e;
                lastAnswer = "cannot reach the S3 server at " + location.endpoint() + " (is it running?)";
                continue;
            } catch (IOException e) {
                if (BoundedBody.tooLarge(e)) { // not a passing failure: the same question gets the same answer
                    throw new RepositoryException("the S3 server at " + location.endpoint() + " answered more than "
                            + maxAnswer + " bytes for " + what + ", more than was asked");
                }
                last = e;
                lastAnswer = "the S3 server at " + location.endpoint() + " failed while sending " + what + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while sending " + what);
            }
            int status = r.statusCode();
            if (status / 100 == 2 || status == 416 && method.equals("GET")) {
                return r;
            }
            if (status >= 500) {
                lastAnswer = "the S3 server at " + location.endpoint() + " kept failing on " + what + " (HTTP " + status
                        + " " + errorCode(r.body()) + ")";
                continue;
            }
            throw clientError(status, errorCode(r.body()), key, what);
        }
        throw new RepositoryException(lastAnswer + " after " + ATTEMPTS + " tries", last);
    }

    private IOException clientError(int status, String code, String key, String what) {
        String bucket = "bucket " + location.bucket() + " at " + location.endpoint();
        return switch (code) {
            case "NoSuchBucket" -> new RepositoryException(bucket + " does not exist (create it first)");
            case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied" -> refusedCredentials(bucket, code);
            default -> {
                if (status == 404 && !key.isEmpty()) {
                    yield new NoSuchFileException(what);
                }
                if (status == 404) {
                    yield new RepositoryException(bucket + " does not exist (create it first)");
                }
                if (status == 403) { // a HEAD answer has no body to name the code
                    yield refusedCredentials(bucket, "HTTP 403");
                }
                yield new RepositoryException("the S3 server refused " + what + " in " + bucket + " (HTTP " + status
                        + (code.isEmpty() ? "" : " " + code) + ")");
            }
        };
    }

    private static RepositoryException refusedCredentials(String bucket, String why) {
        return new RepositoryException("the S3 server refused the credentials for " + bucket + " (" + why + ": check"
                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)");
    }

    /** The {@code <Code>} of an S3 error document, or "" when there is none. */
    private static String errorCode(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 4096), StandardCharsets.UTF_8);
        int a = s.indexOf("<Code>");
        int b = s.indexOf("</Code>");
        return a >= 0 && b > a ? s.substring(a + 6, b).replaceAll("[^A-Za-z0-9]", "") : "";
    }

    private static void sleep(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting to retry");
        }
    }

    /** An AWS Signature Version 4 request (path-style, payload hash signed). */
    private HttpRequest sign(String method, String key, Map<String, String> query, Map<String, String> headers,
            Body body) {
        String path = "/" + location.bucket() + (key.isEmpty() ? "" : "/" + encodePath(key));
        StringBuilder q = new StringBuilder();
        new TreeMap<>(query).forEach((k, v) -> q.append(q.isEmpty() ? "" : "&").append(encode(k)).append('=')
                .append(encode(v)));
        String payloadHash = body == null ? EMPTY_SHA256 : body.sha256Hex();
        String now = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
        String day = now.substring(0, 8);
        URI endpoint = location.endpoint();
        String host = endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort());
        String signedHeaders = "host;x-amz-content-sha256;x-amz-date";
        String canonical = method + "\n" + path + "\n" + q + "\nhost:" + host + "\nx-amz-content-sha256:" + payloadHash
                + "\nx-amz-date:" + now + "\n\n" + signedHeaders + "\n" + payloadHash;
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + now + "\n" + scope + "\n"
                + Body.of(canonical.getBytes(StandardCharsets.UTF_8)).sha256Hex();
        byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
        k = hmac(k, region);
        k = hmac(k, "s3");
        k = hmac(k, "aws4_request");
        String signature = HEX.formatHex(hmac(k, toSign));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path + (q.isEmpty() ? "" : "?" + q)))
                .timeout(Duration.ofSeconds(60))
                .header("x-amz-content-sha256", payloadHash)
                .header("x-amz-date", now)
                .header("authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders="
                        + signedHeaders + ", Signature=" + signature);
        headers.forEach(b::header); // unsigned (Range only): SigV4 needs only host and the x-amz headers signed
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body.data(), body.offset(), body.length());
        return b.method(method, publisher).build();
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static String encodePath(String key) {
        return encode(key).replace("%2F", "/");
    }

    /** A request body: {@code data[offset, offset + length)}, sent and hashed in place (a pack is not copied). */
    private record Body(byte[] data, int offset, int length) {
        static Body of(byte[] data) {
            return new Body(data, 0, data.length);
        }

        String sha256Hex() {
            return HEX.formatHex(sha256(data, offset, length));
        }
    }

    private static byte[] sha256(byte[] data, int offset, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(data, offset, length);
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
