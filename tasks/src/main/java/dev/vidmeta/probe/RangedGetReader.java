package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source that makes one ranged GET per {@link #read} and per {@link #stream} (HTTP, S3): both
 * come from {@link #open}, so a read is a stream read to its end. Requests and bytes are counted
 * here: {@link #countRequest()} for each request sent, and the bodies {@link #body} makes count
 * their bytes as they are read.
 */
public abstract class RangedGetReader implements RangedReader {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    @Override
    public final int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        try (RangeBody body = open(offset, offset + length)) {
            return body == null ? -1 : body.readNBytes(target, targetOffset, (int) body.length());
        }
    }

    /** One GET for {@code [offset, end)}; closed before its end, the request is abandoned. */
    @Override
    public final InputStream stream(long offset, long end) throws IOException {
        RangeBody body = open(offset, end);
        return body == null ? InputStream.nullInputStream() : body;
    }

    /**
     * Sends one GET for {@code [offset, end)}, cut at the object's end, and checks its response.
     *
     * @return its body, or null when {@code offset} is at or past the object's end
     * @throws SourceException when the object is gone, changed, or cannot be read
     */
    protected abstract RangeBody open(long offset, long end) throws IOException;

    /** Counts a request about to be sent. */
    protected final void countRequest() {
        requests.incrementAndGet();
    }

    /** A response body as {@link #open} returns it; see {@link RangeBody#of} for the parameters. */
    protected final RangeBody body(InputStream body, long offset, long length, boolean exact, Runnable abort) {
        return RangeBody.of(body, offset, length, exact, bytes, abort, describe());
    }

    @Override
    public final long requestCount() {
        return requests.get();
    }

    @Override
    public final long bytesRead() {
        return bytes.get();
    }
}
