package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;

/** The bytes {@code [offset, end)} as a stream, served by positioned reads. */
final class PositionedStream extends InputStream {

    /** One positioned read: at least one byte, or -1 at the end. */
    @FunctionalInterface
    interface Reads {
        int read(long position, byte[] target, int targetOffset, int length) throws IOException;
    }

    private final Reads reads;
    private final long end;
    private long position;

    PositionedStream(Reads reads, long offset, long end) {
        this.reads = reads;
        this.position = offset;
        this.end = end;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int targetOffset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (position >= end) {
            return -1;
        }
        int n = reads.read(position, target, targetOffset, (int) Math.min(length, end - position));
        if (n <= 0) {
            return -1;
        }
        position += n;
        return n;
    }
}
