package dev.vidmeta.probe;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The ranges of one object that {@link PrefetchingReader} fetched or is fetching, by start offset, held
 * within a byte bound: finished blocks are evicted least recently used. It also counts the planned
 * (prefetched) bytes not read yet, which is how far the prefetch runs ahead of the parser.
 * Not thread-safe: the reader calls it under its own lock.
 */
final class BlockCache {

    /** A fetched (or in-flight) range of the object. */
    static final class Block {
        final long start;
        final int length;
        final CompletableFuture<byte[]> data;
        final boolean planned;
        private long lastUse;
        private boolean served;

        Block(long start, int length, CompletableFuture<byte[]> data, boolean planned) {
            this.start = start;
            this.length = length;
            this.data = data;
            this.planned = planned;
        }

        static Block fetched(long start, byte[] data, int length) {
            byte[] exact = length == data.length ? data : Arrays.copyOf(data, length);
            return new Block(start, length, CompletableFuture.completedFuture(exact), false);
        }

        long end() {
            return start + length;
        }
    }

    private final long maxBytes;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private long cachedBytes;
    private long unservedPlannedBytes;
    private long clock;

    BlockCache(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The block holding {@code offset}, or null. */
    Block blockAt(long offset) {
        Map.Entry<Long, Block> entry = blocks.floorEntry(offset);
        if (entry != null && entry.getValue().end() > offset) {
            return entry.getValue();
        }
        return null;
    }

    /** Shortens a fetch so it stops where an already cached or in-flight block starts. */
    long clipToNextBlock(long offset, long length) {
        Map.Entry<Long, Block> next = blocks.higherEntry(offset);
        if (next != null && next.getKey() < offset + length) {
            return next.getKey() - offset;
        }
        return length;
    }

    /** Adds a block as the most recently used one, then evicts down to the bound. */
    void put(Block block) {
        block.lastUse = ++clock;
        blocks.put(block.start, block);
        cachedBytes += block.length;
        if (block.planned) {
            unservedPlannedBytes += block.length;
        }
        evict();
    }

    /** Notes a read served from {@code block}: it becomes the most recently used one. */
    void served(Block block) {
        block.lastUse = ++clock;
        if (!block.served && block.planned) {
            unservedPlannedBytes -= block.length;
        }
        block.served = true;
    }

    /** Forgets a block (a failed fetch) so that a retry fetches it again. */
    void remove(Block block) {
        if (blocks.remove(block.start, block)) {
            dropped(block);
        }
    }

    /** Bytes of the blocks still in flight. */
    long inFlightBytes() {
        long inFlight = 0;
        for (Block block : blocks.values()) {
            if (!block.data.isDone()) {
                inFlight += block.length;
            }
        }
        return inFlight;
    }

    /** Planned bytes fetched or in flight that no read has asked for yet. */
    long unservedPlannedBytes() {
        return unservedPlannedBytes;
    }

    /** Heap held by cached blocks now. */
    long heldBytes() {
        return cachedBytes;
    }

    void clear() {
        blocks.clear();
        cachedBytes = 0;
        unservedPlannedBytes = 0;
    }

    /** Drops least recently used finished blocks until the cache fits its bound. */
    private void evict() {
        while (cachedBytes > maxBytes) {
            Block oldest = null;
            for (Block block : blocks.values()) {
                if (block.data.isDone() && block.lastUse < clock && (oldest == null || block.lastUse < oldest.lastUse)) {
                    oldest = block;
                }
            }
            if (oldest == null) {
                return;
            }
            blocks.remove(oldest.start);
            dropped(oldest);
        }
    }

    private void dropped(Block block) {
        cachedBytes -= block.length;
        if (block.planned && !block.served) {
            unservedPlannedBytes -= block.length;
        }
    }
}
