package dev.vidmeta.probe;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Serves the probe's reads from a bounded block cache and turns them into a few bounded requests.
 *
 * <p>MediaInfo reads a container in small chunks and seeks ({@code GoTo}) to the boxes it wants.
 * Passed straight to S3, each seek is a request with its full latency. This reader instead:
 * <ul>
 *   <li>fetches a first block and sniffs it. For ISO BMFF (MP4, MOV) it walks the top-level boxes
 *       and fetches the whole moov in one request wherever it is: a moov after mdat is the tail of
 *       the object, a moov larger than the first block is its remainder;
 *   <li>for fragmented MP4 it reads the fragment index (sidx in the first block, or the mfra at the
 *       end) to learn every moof's position up front, and fetches the moof headers with parallel
 *       bounded reads ahead of the parser, so wall time does not grow with the fragment count;
 *   <li>otherwise (TS, MKV, ...) it reads ahead, doubling the block size while reads stay sequential.
 * </ul>
 * A read returns what the block holding {@code offset} has (possibly fewer bytes than asked, as
 * {@link RangedReader#read} allows), so a prefetched moof header is not padded out to the
 * parser's chunk size.
 *
 * <p>Memory is bounded by {@link Limits#cacheBytes()} whatever the object's size: blocks are
 * evicted least recently used. Bytes fetched and time spent per object are bounded too, and going
 * past either is a {@link SourceException.Kind#LIMIT_EXCEEDED}. Request and byte counts are the
 * wrapped source's: they are what crossed the network.
 */
public final class PrefetchingReader implements RangedReader {

    /**
     * The knobs, with the defaults in {@link #defaults()}.
     *
     * @param headBytes first block; holds ftyp+moov of most faststart files and the first frames
     * @param readAheadBytes block fetched on a miss; doubles while reads stay sequential
     * @param maxReadAheadBytes upper bound of that doubling
     * @param maxMoovBytes largest moov (or object tail after mdat) fetched in one request
     * @param prefetchAheadBytes moof headers fetched ahead of the parser at most
     * @param parallelism concurrent prefetch requests (the S3/HTTP client must allow as many connections)
     * @param cacheBytes heap held by cached blocks at most
     * @param maxBytesPerObject bytes fetched for one object at most
     * @param maxTimePerObject wall time for one object at most
     */
    public record Limits(
            int headBytes,
            int readAheadBytes,
            int maxReadAheadBytes,
            int maxMoovBytes,
            int prefetchAheadBytes,
            int parallelism,
            long cacheBytes,
            long maxBytesPerObject,
            Duration maxTimePerObject) {

        public static Limits defaults() {
            return new Limits(256 << 10, 512 << 10, 4 << 20, 12 << 20, 4 << 20, 64, 20L << 20, 512L << 20,
                    Duration.ofMinutes(2));
        }

        public Limits withMaxBytesPerObject(long bytes) {
            return new Limits(headBytes, readAheadBytes, maxReadAheadBytes, maxMoovBytes, prefetchAheadBytes,
                    parallelism, cacheBytes, bytes, maxTimePerObject);
        }

        public Limits withMaxTimePerObject(Duration time) {
            return new Limits(headBytes, readAheadBytes, maxReadAheadBytes, maxMoovBytes, prefetchAheadBytes,
                    parallelism, cacheBytes, maxBytesPerObject, time);
        }
    }

    /** A fetched (or in-flight) range of the object. */
    private static final class Block {
        final long start;
        final int length;
        final CompletableFuture<byte[]> data;
        final boolean planned;
        final boolean streaming;
        long lastUse;
        boolean served;

        Block(long start, int length, CompletableFuture<byte[]> data, boolean planned, boolean streaming) {
            this.start = start;
            this.length = length;
            this.data = data;
            this.planned = planned;
            this.streaming = streaming;
        }

        static Block fetched(long start, byte[] data, int length, boolean streaming) {
            byte[] exact = length == data.length ? data : Arrays.copyOf(data, length);
            return new Block(start, length, CompletableFuture.completedFuture(exact), false, streaming);
        }

        long end() {
            return start + length;
        }
    }


    private final RangedReader source;
    private final Limits limits;
    private final long deadlineNanos;
    private final TreeMap<Long, Block> blocks = new TreeMap<>();
    private long cachedBytes;
    private long clock;

    private boolean initialised;
    private long size;
    /** Where the index says fragments (moofs) start, beyond the first block; fetched in this order. */
    private List<Long> plan = List.of();
    private int nextPlanned;
    private int fragmentWindow;
    /** Until the parser has read the first planned fragment we do not know how much it takes at each. */
    private boolean fragmentAppetiteKnown;
    private long shortReadEnd = -1;
    private int shortReadRest;
    private long unservedPlannedBytes;
    private ExecutorService prefetcher;

    private long lastMissEnd = -1;
    private int readAhead;

    private PrefetchingReader(RangedReader source, Limits limits) {
        this.source = source;
        this.limits = limits;
        this.deadlineNanos = System.nanoTime() + limits.maxTimePerObject().toNanos();
        this.readAhead = limits.readAheadBytes();
    }

    public static PrefetchingReader wrap(RangedReader source) {
        return new PrefetchingReader(source, Limits.defaults());
    }

    public static PrefetchingReader wrap(RangedReader source, Limits limits) {
        return new PrefetchingReader(source, limits);
    }

    @Override
    public synchronized long size() throws IOException {
        initialise();
        return size;
    }

    @Override
    public synchronized int read(long offset, byte[] target, int targetOffset, int length) throws IOException {
        initialise();
        if (offset >= size) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        checkTime();
        boolean fillsChunks = learnFragmentAppetite(offset, length);
        Block block = blockAt(offset);
        if (block == null) {
            block = fillsChunks ? fetchNow(offset, length, false) : fetchOnMiss(offset, length);
        }
        byte[] data = await(block);
        int n = (int) Math.min(length, block.end() - offset);
        if (block.planned && !fragmentAppetiteKnown) {
            if (n < length) {
                shortReadEnd = offset + n;
                shortReadRest = length - n;
            } else {
                fragmentAppetiteKnown = true;
            }
        }
        System.arraycopy(data, (int) (offset - block.start), target, targetOffset, n);
        block.lastUse = ++clock;
        if (!block.served) {
            if (block.planned) {
                unservedPlannedBytes -= block.length;
            }
            if (block.streaming) {
                // The parser is streaming through: have the next block in flight while it parses this one.
                readAheadAfter(block);
            }
        }
        block.served = true;
        schedulePlanned();
        return n;
    }

    private void initialise() throws IOException {
        if (initialised) {
            return;
        }
        initialised = true;
        // The first read tells a remote source the object's size (Content-Range): no separate HEAD.
        byte[] head = new byte[limits.headBytes()];
        int headLength = readFully(0, head, head.length);
        size = source.size();
        if (headLength <= 0) {
            return;
        }
        Block first = Block.fetched(0, head, headLength, false);
        put(first);
        byte[] exact = first.data.join();
        Mp4Layout layout = Mp4Layout.read(exact, headLength, size);
        if (layout != null) {
            planMp4(layout, headLength);
        }
    }

    private void planMp4(Mp4Layout layout, long headEnd) throws IOException {
        if (layout.fragmented()) {
            planFragments(layout, headEnd);
        } else if (layout.moovOffset() >= 0 && layout.moovOffset() + layout.moovSize() > headEnd) {
            // Faststart with a moov larger than the first block: the rest of it, plus the first frames.
            long end = Math.min(size, layout.moovOffset() + layout.moovSize() + limits.headBytes());
            fetchWhole(headEnd, end);
        } else if (layout.moovOffset() < 0 && layout.nextUnknown() < size) {
            // No moov before mdat's end: it is in the tail, which is usually nothing but the moov.
            fetchWhole(layout.nextUnknown(), size);
        }
    }

    private void planFragments(Mp4Layout layout, long headEnd) throws IOException {
        List<Long> moofs = layout.sidxMoofOffsets();
        if (moofs.isEmpty()) {
            moofs = mfraMoofOffsets();
        }
        // A moof header plus the following mdat's header; sized on the first moof, with slack.
        long window = layout.firstMoofSize() > 0 ? layout.firstMoofSize() + layout.firstMoofSize() / 4 + 16 : 16 << 10;
        fragmentWindow = (int) Math.min(Math.max(((window + 1023) / 1024) * 1024, 2048), 1 << 20);
        List<Long> starts = new ArrayList<>();
        for (long moof : moofs) {
            if (moof >= headEnd && moof < size && blockAt(moof) == null) {
                starts.add(moof);
            }
        }
        plan = List.copyOf(starts);
        schedulePlanned();
    }

    /**
     * Learns, on the first planned fragment, whether the parser takes a short read (then a moof-sized
     * window is all it gets) or fills its chunk (then it asks at once for the rest of the chunk,
     * and every later fragment is fetched chunk-sized instead of costing two requests).
     *
     * @return true when this read is such a "rest of the chunk" request
     */
    private boolean learnFragmentAppetite(long offset, int length) {
        if (fragmentAppetiteKnown || shortReadEnd < 0) {
            return false;
        }
        fragmentAppetiteKnown = true;
        boolean fills = offset == shortReadEnd && length == shortReadRest && blockAt(offset) == null;
        if (fills) {
            fragmentWindow = (int) Math.min((long) fragmentWindow + length, limits.maxReadAheadBytes());
        }
        return fills;
    }

    /** The mfra at the end: its mfro (last 16 bytes) gives its size; a tail as big as the head usually holds it all. */
    private List<Long> mfraMoofOffsets() throws IOException {
        long tailStart = Math.max(0, size - limits.headBytes());
        Block tail = fetchWhole(tailStart, size);
        if (tail == null || tail.length < 16) {
            return List.of();
        }
        byte[] data = await(tail);
        long mfraSize = Mp4Layout.mfroMfraSize(data, tail.length - 16);
        if (mfraSize < 16 || mfraSize > size) {
            return List.of();
        }
        long mfraStart = size - mfraSize;
        if (mfraStart >= tailStart) {
            return Mp4Layout.mfraMoofOffsets(data, (int) (mfraStart - tailStart), (int) mfraSize);
        }
        if (mfraSize > limits.maxMoovBytes()) {
            return List.of();
        }
        byte[] mfra = new byte[(int) mfraSize];
        int n = readFully(mfraStart, mfra, mfra.length);
        return Mp4Layout.mfraMoofOffsets(mfra, 0, n);
    }

    /** Fetches {@code [start, end)} now as one block (a moov, an index), unless it is too big to hold. */
    private Block fetchWhole(long start, long end) throws IOException {
        long length = end - start;
        if (length <= 0 || length > limits.maxMoovBytes()) {
            return null;
        }
        return fetchNow(start, (int) length, false);
    }

    /**
     * Starts planned fetches while fewer than prefetchAheadBytes of them are waiting to be read; only
     * the first one until the parser's appetite per fragment is known.
     */
    private void schedulePlanned() throws IOException {
        while (nextPlanned < plan.size() && unservedPlannedBytes < limits.prefetchAheadBytes()
                && (fragmentAppetiteKnown || nextPlanned == 0)) {
            long start = plan.get(nextPlanned++);
            if (blockAt(start) == null) {
                Block block = startAsync(start, (int) Math.min(fragmentWindow, size - start), true, false);
                unservedPlannedBytes += block.length;
            }
        }
    }

    /** Fetches the block after a streamed one in the background, twice as big (up to the bound). */
    private void readAheadAfter(Block block) throws IOException {
        long start = block.end();
        if (start >= size || blockAt(start) != null) {
            return;
        }
        long length = Math.min(Math.min((long) block.length * 2, limits.maxReadAheadBytes()), size - start);
        Block next = startAsync(start, (int) length, false, true);
        lastMissEnd = next.end();
        readAhead = next.length;
    }

    private Block startAsync(long start, int wanted, boolean planned, boolean streaming) throws IOException {
        int length = clipToNextBlock(start, wanted);
        reserve(length);
        CompletableFuture<byte[]> data = CompletableFuture.supplyAsync(() -> {
            try {
                byte[] bytes = new byte[length];
                int n = readFully(start, bytes, length);
                return n == length ? bytes : Arrays.copyOf(bytes, Math.max(n, 0));
            } catch (IOException e) {
                throw new CompletionException(e);
            }
        }, executor());
        Block block = new Block(start, length, data, planned, streaming);
        put(block);
        return block;
    }

    private ExecutorService executor() {
        if (prefetcher == null) {
            prefetcher = Executors.newFixedThreadPool(limits.parallelism(), runnable -> {
                Thread thread = new Thread(runnable, "prefetch " + source.describe());
                thread.setDaemon(true);
                return thread;
            });
        }
        return prefetcher;
    }

    private Block fetchOnMiss(long offset, int length) throws IOException {
        // Sequential misses (TS, MKV, mdat data) double the block; a seek starts again small. The first
        // miss after the head block does not count as sequential: a parser that jumps there may want only
        // a little of it.
        boolean sequential = offset == lastMissEnd;
        readAhead = sequential
                ? (int) Math.min((long) readAhead * 2, limits.maxReadAheadBytes())
                : limits.readAheadBytes();
        // A second block in a row means the parser streams (TS, MKV): from now on read ahead of it.
        Block block = fetchNow(offset, Math.max(readAhead, length), sequential);
        lastMissEnd = block.end();
        return block;
    }

    /** Fetches up to {@code length} bytes at {@code offset} now, stopping at the next cached block. */
    private Block fetchNow(long offset, int length, boolean streaming) throws IOException {
        int want = clipToNextBlock(offset, (int) Math.min(length, size - offset));
        reserve(want);
        byte[] data = new byte[want];
        int n = readFully(offset, data, want);
        if (n <= 0) {
            throw new SourceException(SourceException.Kind.CHANGED,
                    source.describe() + ": ended at " + offset + ", before its size " + size);
        }
        Block block = Block.fetched(offset, data, n, streaming);
        put(block);
        return block;
    }

    /** Shortens a fetch so it stops where an already cached or in-flight block starts. */
    private int clipToNextBlock(long offset, int length) {
        Map.Entry<Long, Block> next = blocks.higherEntry(offset);
        if (next != null && next.getKey() < offset + length) {
            return (int) (next.getKey() - offset);
        }
        return length;
    }

    private Block blockAt(long offset) {
        Map.Entry<Long, Block> entry = blocks.floorEntry(offset);
        if (entry != null && entry.getValue().end() > offset) {
            return entry.getValue();
        }
        return null;
    }

    private void put(Block block) {
        block.lastUse = ++clock;
        blocks.put(block.start, block);
        cachedBytes += block.length;
        evict();
    }

    /** Drops least recently used finished blocks until the cache fits its bound. */
    private void evict() {
        while (cachedBytes > limits.cacheBytes()) {
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
            cachedBytes -= oldest.length;
            if (oldest.planned && !oldest.served) {
                unservedPlannedBytes -= oldest.length;
            }
        }
    }

    /** Refuses a fetch that would take the object past its byte budget. */
    private void reserve(long length) throws SourceException {
        long planned = 0;
        for (Block block : blocks.values()) {
            if (!block.data.isDone()) {
                planned += block.length;
            }
        }
        if (source.bytesRead() + planned + length > limits.maxBytesPerObject()) {
            throw new SourceException(SourceException.Kind.LIMIT_EXCEEDED, source.describe()
                    + ": reading it needs more than the " + limits.maxBytesPerObject() + " bytes allowed per object");
        }
    }

    private void checkTime() throws SourceException {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new SourceException(SourceException.Kind.LIMIT_EXCEEDED, source.describe()
                    + ": reading it takes longer than the " + limits.maxTimePerObject() + " allowed per object");
        }
    }

    private byte[] await(Block block) throws IOException {
        try {
            long left = deadlineNanos - System.nanoTime();
            return block.data.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new SourceException(SourceException.Kind.LIMIT_EXCEEDED, source.describe()
                    + ": reading it takes longer than the " + limits.maxTimePerObject() + " allowed per object");
        } catch (ExecutionException e) {
            // A failed prefetch must not poison the cache: forget it so a retry refetches.
            blocks.remove(block.start);
            cachedBytes -= block.length;
            if (block.planned && !block.served) {
                unservedPlannedBytes -= block.length;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new SourceException(SourceException.Kind.UNAVAILABLE, source.describe() + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(SourceException.Kind.UNAVAILABLE, source.describe() + ": interrupted", e);
        }
    }

    /** Fills {@code length} bytes from the source unless the object ends first. */
    private int readFully(long offset, byte[] target, int length) throws IOException {
        int filled = 0;
        while (filled < length) {
            int n = source.read(offset + filled, target, filled, length - filled);
            if (n < 0) {
                break;
            }
            filled += n;
        }
        return filled == 0 && length > 0 ? -1 : filled;
    }

    /** Heap held by cached blocks now; for tests of the bound. */
    synchronized long heldBytes() {
        return cachedBytes;
    }

    @Override
    public long requestCount() {
        return source.requestCount();
    }

    @Override
    public long bytesRead() {
        return source.bytesRead();
    }

    @Override
    public String describe() {
        return source.describe();
    }

    @Override
    public synchronized void close() throws IOException {
        if (prefetcher != null) {
            // Let fetches in flight end (they are bounded blocks) so no request outlives the reader:
            // the source's client may be closed right after, and a server may be waiting to stop.
            prefetcher.shutdownNow();
            try {
                prefetcher.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        blocks.clear();
        cachedBytes = 0;
        source.close();
    }
}
