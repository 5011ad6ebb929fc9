package dev.hyperlab.core.backup;

import java.net.URI;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/** A real S3-compatible server (S3Proxy over a local directory) on a free loopback port, for the S3 backend's tests. */
final class S3TestServer implements AutoCloseable {
    static final String ACCESS = "hyperlab-test";
    static final String SECRET = "hyperlab-test-secret";

    private final S3Proxy proxy;
    private final BlobStoreContext context;

    S3TestServer(Path dir) throws Exception {
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", dir.toString());
        context = ContextBuilder.newBuilder("filesystem").overrides(props).build(BlobStoreContext.class);
        proxy = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET).build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(5);
        }
    }

    int port() {
        return proxy.getPort();
    }

    /** Creates {@code bucket} on the server. */
    void createBucket(String bucket) {
        context.getBlobStore().createContainerInLocation(null, bucket);
    }

    S3Location location(String bucketAndPrefix) throws RepositoryException {
        return S3Location.parse("s3:http://127.0.0.1:" + port() + "/" + bucketAndPrefix);
    }

    S3Backend backend(String bucketAndPrefix) throws RepositoryException {
        return new S3Backend(location(bucketAndPrefix), ACCESS, SECRET, "us-east-1");
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        context.close();
    }
}
