package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The body of one ranged GET, as the HTTP and S3 sources hand it out: it counts the bytes read from
 * it, turns a body that ends before its range into {@link SourceException.Kind#UNAVAILABLE}, and,
 * closed before the end, drops the connection instead of reading out the rest.
 */
public final class RangeBody extends InputStream {

    private final InputStream body;
    private final long offset;
    private final long length;
    private final boolean exact;
    private final AtomicLong counter;
    private final Runnable abort;
    private final String described;
    private long read;
    private boolean closed;

    private RangeBody(InputStream body, long offset, long length, boolean exact, AtomicLong counter, Runnable abort,
            String described) {
        this.body = body;
        this.offset = offset;
        this.length = length;
        this.exact = exact;
        this.counter = counter;
        this.abort = abort;
        this.described = described;
    }

    /**
     * @param body the response body
     * @param offset where the range starts in the object, for messages
     * @param length the bytes this stream hands out
     * @param exact whether the body is exactly those bytes; a server that ignored the range sends more,
     *     and then the connection is dropped even when all {@code length} bytes were read
     * @param counter the source's byte count
     * @param abort drops the connection (the SDK's {@code abort()}); closing the body alone would read
     *     out the rest to reuse the connection
     * @param described the source, for messages
     */
    static RangeBody of(InputStream body, long offset, long length, boolean exact, AtomicLong counter,
            Runnable abort, String described) {
        return new RangeBody(body, offset, length, exact, counter, abort, described);
    }

    /** The bytes this stream hands out in all. */
    public long length() {
        return length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int targetOffset, int wanted) throws IOException {
        if (wanted == 0) {
            return 0;
        }
        if (read >= length) {
            return -1;
        }
        int n;
        try {
            n = body.read(target, targetOffset, (int) Math.min(wanted, length - read));
        } catch (IOException e) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE,
                    described + ": reading at offset " + (offset + read) + " failed: " + e.getMessage(), e);
        }
        if (n < 0) {
            throw new SourceException(SourceException.Kind.UNAVAILABLE, described + ": connection closed after "
                    + read + " of " + length + " bytes at offset " + offset);
        }
        read += n;
        counter.addAndGet(n);
        return n;
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (read == length && exact) {
                // Wait for the end of the body (nothing is left): only a body read to its end hands
                // the connection back to the pool for the next request.
                body.transferTo(OutputStream.nullOutputStream());
            } else {
                abort.run();
            }
        } catch (IOException e) {
            abort.run();
        } finally {
            body.close();
        }
    }
}
