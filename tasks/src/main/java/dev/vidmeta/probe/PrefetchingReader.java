package dev.vidmeta.probe;

import dev.vidmeta.probe.BlockCache.Block;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Arrays;
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
 * Passed straight to S3, each seek is a request with its full latency. This reader instead
 * (the MP4 planning is {@link ReadPlan}'s, the cache {@link BlockCache}'s):
 * <ul>
 *   <li>opens a stream at the start of the object and sniffs its first block. For ISO BMFF (MP4,
 *       MOV) it walks the top-level boxes; a moov after mdat is the tail of the object, fetched whole
 *       in one request, while a moov at the start (however large) comes with the stream;
 *   <li>for fragmented MP4 it reads the fragment index (sidx in the first block, or the mfra at the
 *       end) to learn every moof's position up front, and fetches the moof headers with parallel
 *       bounded reads ahead of the parser, so wall time does not grow with the fragment count;
 *   <li>serves every other read (media data, TS, MKV) from one {@linkplain RangedReader#stream
 *       stream} per run of sequential reads, the first one included: one request up to the next
 *       cached block (or at most {@link Limits#maxStreamBytes()}), abandoned when the parser seeks
 *       elsewhere or finishes.
 *       Nobody knows in advance where MediaInfo stops (after so many frames, or when it has seen
 *       four equal GOPs), and a stream costs one request whatever that is, and only the bytes sent
 *       before it is abandoned.
 * </ul>
 * A read returns what the block holding {@code offset} has (possibly fewer bytes than asked, as
 * {@link RangedReader#read} allows), so a prefetched moof header is not padded out to the
 * parser's chunk size.
 *
 * <p>Memory is bounded by {@link Limits#cacheBytes()} whatever the object's size: blocks are
 * evicted least recently used. Bytes fetched and time spent per object are bounded too, as a
 * backstop above {@link ProbeLimits} (whose own limit ends a probe with a partial report); going
 * past either is a {@link SourceException.Kind#LIMIT_EXCEEDED}. Request and byte counts are the
 * wrapped source's: they are what crossed the network.
 */
public final class PrefetchingReader implements RangedReader {

    /** A seek this far ahead of the open stream reads through it rather than start a new request. */
    private static final long SKIP_THROUGH = 256 << 10;

    /**
     * The knobs, with the defaults in {@link #defaults()}.
     *
     * @param headBytes the block sniffed at the start of the object (and kept)
     * @param maxStreamBytes the longest range one stream asks for; a parser reading on past it gets a new one
     * @param maxMoovBytes largest moov (or object tail after mdat) fetched in one request
     * @param prefetchAheadBytes moof headers fetched ahead of the parser at most
     * @param parallelism concurrent prefetch requests (the S3/HTTP client must allow as many connections)
     * @param cacheBytes heap held by cached blocks at most
     * @param maxBytesPerObject bytes fetched for one object at most
     * @param maxTimePerObject wall time for one object at most
     */
    public record Limits(
            int headBytes,
            long maxStreamBytes,
            int maxMoovBytes,
            int prefetchAheadBytes,
            int parallelism,
            long cacheBytes,
            long maxBytesPerObject,
            Duration maxTimePerObject) {

        /**
         * The byte and time budgets are twice {@link ProbeLimits#defaults()}'s: they only stop what
         * the probe's own limits cannot (a prefetch running away), and the probe's are meant to trip
         * first, with a partial report.
         */
        public static Limits defaults() {
            ProbeLimits probe = ProbeLimits.defaults();
            return new Limits(256 << 10, 256L << 20, 12 << 20, 4 << 20, 64, 20L << 20, probe.maxBytes() * 2,
                    probe.timeout().multipliedBy(2));
        }

        public Limits withMaxBytesPerObject(long bytes) {
            return new Limits(headBytes, maxStreamBytes, maxMoovBytes, prefetchAheadBytes, parallelism, cacheBytes,
                    bytes, maxTimePerObject);
        }

        public Limits withMaxTimePerObject(Duration time) {
            return new Limits(headBytes, maxStreamBytes, maxMoovBytes, prefetchAheadBytes, parallelism, cacheBytes,
                    maxBytesPerObject, time);
        }
    }


    private final RangedReader source;
    private final Limits limits;
    private final long deadlineNanos;
    private final BlockCache cache;

    private boolean initialised;
    private long size;
    private ReadPlan plan = ReadPlan.none();
    private ExecutorService prefetcher;

    /** The open stream, if any, and the next offset it delivers: reads from there on continue it. */
    private InputStream stream;
    private long streamPosition;
    private long streamEnd;

    private PrefetchingReader(RangedReader source, Limits limits) {
        this.source = source;
        this.limits = limits;
        this.cache = new BlockCache(limits.cacheBytes());
        this.deadlineNanos = System.nanoTime() + limits.maxTimePerObject().toNanos();
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
        Block block = cache.blockAt(offset);
        if (block == null) {
            block = readStream(offset, length);
        }
        byte[] data = await(block);
        int n = (int) Math.min(length, block.end() - offset);
        System.arraycopy(data, (int) (offset - block.start), target, targetOffset, n);
        cache.served(block);
        schedulePlanned();
        return n;
    }

    private void initialise() throws IOException {
        if (initialised) {
            return;
        }
        initialised = true;
        // One stream from the start: its first block is sniffed, and a parser that reads on (a faststart
        // moov, the first frames, a TS or Matroska file) continues it. Its response tells a remote source
        // the object's size (Content-Range): no separate HEAD.
        InputStream first = source.stream(0, limits.maxStreamBytes());
        byte[] head;
        try {
            head = first.readNBytes(limits.headBytes());
            size = source.size();
        } catch (IOException e) {
            first.close();
            throw e;
        }
        streamEnd = Math.min(size, limits.maxStreamBytes());
        if (head.length == 0 || head.length >= streamEnd) {
            first.close();
        } else {
            stream = first;
            streamPosition = head.length;
        }
        if (head.length == 0) {
            return;
        }
        cache.put(Block.fetched(0, head, head.length));
        plan = ReadPlan.of(head, size, limits, new ReadPlan.Fetches() {
            @Override
            public byte[] fetchWhole(long start, long end) throws IOException {
                return PrefetchingReader.this.fetchWhole(start, end);
            }

            @Override
            public int readFully(long offset, byte[] target, int length) throws IOException {
                return PrefetchingReader.this.readFully(offset, target, length);
            }

            @Override
            public boolean cached(long offset) {
                return cache.blockAt(offset) != null;
            }
        });
        schedulePlanned();
    }

    /**
     * The bytes {@code [start, end)} now (a moov, an index), unless they are too many to hold: what the
     * cache holds already is copied, only the gaps are fetched (as blocks), so a tail that overlaps the
     * first block is not read twice. Shorter than asked if the object ends first.
     */
    private byte[] fetchWhole(long start, long end) throws IOException {
        long length = end - start;
        if (length <= 0 || length > limits.maxMoovBytes()) {
            return null;
        }
        byte[] whole = new byte[(int) length];
        int filled = 0;
        while (filled < length) {
            long at = start + filled;
            Block block = cache.blockAt(at);
            boolean endedEarly = false;
            if (block == null) {
                long asked = cache.clipToNextBlock(at, Math.min(length - filled, size - at));
                block = fetchNow(at, (int) (length - filled));
                endedEarly = block.length < asked;
            }
            byte[] data = await(block);
            int n = (int) Math.min(length - filled, data.length - (at - block.start));
            if (n <= 0) {
                break;
            }
            System.arraycopy(data, (int) (at - block.start), whole, filled, n);
            filled += n;
            if (endedEarly) {
                break;
            }
        }
        return filled == length ? whole : Arrays.copyOf(whole, filled);
    }

    /** Starts planned fetches while fewer than prefetchAheadBytes of them are waiting to be read. */
    private void schedulePlanned() throws IOException {
        while (plan.hasNext() && cache.unservedPlannedBytes() < limits.prefetchAheadBytes()) {
            long start = plan.next();
            if (cache.blockAt(start) == null) {
                startAsync(start, (int) Math.min(plan.fragmentWindow(), size - start));
            }
        }
    }

    private void startAsync(long start, int wanted) throws IOException {
        int length = (int) cache.clipToNextBlock(start, wanted);
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
        cache.put(new Block(start, length, data, true));
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

    /**
     * Serves a read no block holds from the open stream when it continues it (a short gap is read
     * through: the bytes are likely in flight already), else from a new stream opened here, which
     * ends where the next cached block starts.
     */
    private Block readStream(long offset, int length) throws IOException {
        boolean continues = offset >= streamPosition && offset < streamEnd && offset - streamPosition <= SKIP_THROUGH;
        if (stream != null && !continues) {
            closeStream();
        }
        if (stream == null) {
            long end = offset + cache.clipToNextBlock(offset, Math.min(size - offset, limits.maxStreamBytes()));
            stream = source.stream(offset, end);
            streamPosition = offset;
            streamEnd = end;
        }
        try {
            if (offset > streamPosition) {
                reserve(offset - streamPosition);
                stream.skipNBytes(offset - streamPosition);
            }
            int want = (int) cache.clipToNextBlock(offset, Math.min(length, streamEnd - offset));
            reserve(want);
            byte[] data = stream.readNBytes(want);
            if (data.length < want) {
                throw new SourceException(SourceException.Kind.CHANGED,
                        source.describe() + ": ended at " + (offset + data.length) + ", before its size " + size);
            }
            streamPosition = offset + want;
            if (streamPosition >= streamEnd) {
                closeStream();
            }
            Block block = Block.fetched(offset, data, want);
            cache.put(block);
            return block;
        } catch (IOException e) {
            try {
                closeStream();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private void closeStream() throws IOException {
        if (stream != null) {
            InputStream open = stream;
            stream = null;
            open.close();
        }
    }

    /** Fetches up to {@code length} bytes at {@code offset} now, stopping at the next cached block. */
    private Block fetchNow(long offset, int length) throws IOException {
        int want = (int) cache.clipToNextBlock(offset, Math.min(length, size - offset));
        reserve(want);
        byte[] data = new byte[want];
        int n = readFully(offset, data, want);
        if (n <= 0) {
            throw new SourceException(SourceException.Kind.CHANGED,
                    source.describe() + ": ended at " + offset + ", before its size " + size);
        }
        Block block = Block.fetched(offset, data, n);
        cache.put(block);
        return block;
    }

    /** Refuses a fetch that would take the object past its byte budget. */
    private void reserve(long length) throws SourceException {
        if (source.bytesRead() + cache.inFlightBytes() + length > limits.maxBytesPerObject()) {
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
            cache.remove(block);
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
        return cache.heldBytes();
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
        cache.clear();
        try {
            closeStream();
        } finally {
            source.close();
        }
    }
}
