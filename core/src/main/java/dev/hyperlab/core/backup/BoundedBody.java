package dev.hyperlab.core.backup;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body read whole, but never more than a limit: the S3 server may be hostile or broken, and the JDK's
 * {@code BodyHandlers.ofByteArray()} keeps whatever it is sent. Past the limit the download is cancelled and the body
 * fails with {@link TooLarge}, which the backend reports instead of retrying.
 *
 * <pre>{@code
 * http.send(request, BoundedBody.handler(4096));   // a range of 4 KiB: a longer answer is refused as it arrives
 * }</pre>
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
    /** The answer was longer than the limit. */
    static final class TooLarge extends IOException {
        TooLarge(long limit) {
            super("answered more than " + limit + " bytes");
        }
    }

    private final long limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    private BoundedBody(long limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<byte[]> handler(long limit) {
        return info -> new BoundedBody(limit);
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : items) {
            if (out.size() + (long) b.remaining() > limit) {
                subscription.cancel();
                result.completeExceptionally(new TooLarge(limit));
                return;
            }
            byte[] a = new byte[b.remaining()];
            b.get(a);
            out.write(a, 0, a.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(out.toByteArray());
    }

    /** Whether {@code e}, or what it wraps, is a {@link TooLarge}: the JDK client may wrap the body's failure. */
    static boolean tooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TooLarge) {
                return true;
            }
        }
        return false;
    }
}
