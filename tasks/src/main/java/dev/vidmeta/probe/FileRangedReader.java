package dev.vidmeta.probe;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a local file with positioned reads; each {@link #read} call, and each {@link #stream}, counts
 * as one request.
 */
public final class FileRangedReader implements RangedReader {

    private final Path path;
    private final FileChannel channel;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();

    private FileRangedReader(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    public static FileRangedReader open(Path path) throws IOException {
        try {
            return new FileRangedReader(path, FileChannel.open(path, StandardOpenOption.READ));
        } catch (NoSuchFileException e) {
            throw new SourceException(SourceException.Kind.NOT_FOUND, "no such file: " + path, e);
        }
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
        if (offset >= channel.size()) {
            return -1;
        }
        requests.incrementAndGet();
        return fill(offset, target, targetOffset, length);
    }

    @Override
    public InputStream stream(long offset, long end) throws IOException {
        requests.incrementAndGet();
        return new PositionedStream(this::fill, offset, Math.min(end, channel.size()));
    }

    private int fill(long offset, byte[] target, int targetOffset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(target, targetOffset, length);
        long position = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                break;
            }
            position += n;
        }
        int total = (int) (position - offset);
        bytes.addAndGet(total);
        return total;
    }

    @Override
    public long requestCount() {
        return requests.get();
    }

    @Override
    public long bytesRead() {
        return bytes.get();
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
