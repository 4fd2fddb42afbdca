package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;

/**
 * Bytes addressed by offset: a local file, an HTTP(S) URL or one S3 object version.
 *
 * <p>The probe never asks for the whole object. Every implementation counts the requests it
 * makes and the bytes it receives, so the probe can report what reading a file cost.
 * Implementations are safe for concurrent {@link #read} calls.
 */
public interface RangedReader extends AutoCloseable {

    /** Size of the object in bytes. */
    long size() throws IOException;

    /**
     * Reads up to {@code length} bytes starting at {@code offset} into {@code target}.
     *
     * <p>Like {@link java.io.InputStream#read(byte[], int, int)}, a read may return fewer bytes than
     * asked for (at least one) before the end of the object: a caching reader answers from the
     * block it already holds instead of fetching more than the parser will use. Callers advance by
     * the count returned and call again. The sources that make requests (file, HTTP, S3) fill the
     * whole range unless the object ends first.
     *
     * @return the number of bytes read, at least one; -1 when {@code offset} is at or past the end
     * @throws SourceException when the object is gone, changed, or cannot be read
     */
    int read(long offset, byte[] target, int targetOffset, int length) throws IOException;

    /**
     * Opens the bytes {@code [offset, end)} as one stream, for a caller that reads on sequentially
     * but cannot know how far: a parser streaming through media data. Bytes count as they are read.
     * Closing the stream before {@code end} abandons the rest of the range (a source that makes
     * requests drops the connection rather than read it out), so a parser that stops after 5 MB of
     * a 30 MB range costs about 5 MB, not 30.
     *
     * <p>This default serves the stream with {@link #read} calls; the sources that make requests
     * override it to make one request.
     *
     * @throws SourceException when the object is gone, changed, or cannot be read; reading the
     *     stream throws it too
     */
    default InputStream stream(long offset, long end) throws IOException {
        return new PositionedStream(this::read, offset, end);
    }

    /** Requests made so far (one per ranged GET or stream, or per positioned read or stream of a file). */
    long requestCount();

    /** Bytes received so far. */
    long bytesRead();

    /** A name for logs and errors; never contains a signature, token or credential. */
    String describe();

    @Override
    void close() throws IOException;
}
