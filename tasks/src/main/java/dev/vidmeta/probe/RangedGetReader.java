package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;

/**
 * A source that makes one ranged GET per {@link #read} and per {@link #stream} (HTTP, S3): both
 * come from {@link #open}, so a read is a stream read to its end.
 */
public abstract class RangedGetReader implements RangedReader {

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
}
