package dev.vidmeta.probe;

import java.io.IOException;

/** A reader that passes everything to another; tests override one method to change a behaviour. */
class ForwardingReader implements RangedReader {
    private final RangedReader delegate;

    ForwardingReader(RangedReader delegate) {
        this.delegate = delegate;
    }

    @Override
    public long size() throws IOException {
        return delegate.size();
    }

    @Override
    public int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
        return delegate.read(offset, target, targetOffset, length);
    }

    @Override
    public long requestCount() {
        return delegate.requestCount();
    }

    @Override
    public long bytesRead() {
        return delegate.bytesRead();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() throws IOException {
        delegate.close();
    }
}
