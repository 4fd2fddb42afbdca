package dev.vidmeta.probe;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link PrefetchingReader} fetches ahead of the parser, planned from the object's first block.
 * For ISO BMFF (MP4, MOV): a moov after mdat is the tail of the object, fetched whole at once; a
 * fragmented MP4's moof positions come from its index (sidx in the first block, else the mfra at the
 * end), and the moof headers are then fetched ahead of the parser, in file order. Anything else
 * (a faststart moov, TS, Matroska) has no plan: it is read as the parser asks.
 */
final class ReadPlan {

    /** The fetches planning needs, made by the reader (they go through its cache and byte budget). */
    interface Fetches {
        /** {@code [start, end)} fetched now as one cached block, or null if it is too big to hold. */
        byte[] fetchWhole(long start, long end) throws IOException;

        /** Up to {@code length} bytes at {@code offset}, read now: the count read, or -1 at the end. */
        int readFully(long offset, byte[] target, int length) throws IOException;

        /** Whether a block fetched already (or in flight) holds {@code offset}. */
        boolean cached(long offset);
    }

    private static final ReadPlan NONE = new ReadPlan(List.of(), 0);

    /** Where the index says fragments (moofs) start, beyond the first block; fetched in this order. */
    private final List<Long> fragmentStarts;
    private final int fragmentWindow;
    private int next;

    private ReadPlan(List<Long> fragmentStarts, int fragmentWindow) {
        this.fragmentStarts = fragmentStarts;
        this.fragmentWindow = fragmentWindow;
    }

    static ReadPlan none() {
        return NONE;
    }

    /**
     * Plans the reads of an object of {@code size} bytes whose first {@code head.length} bytes are
     * {@code head}; a moov in the tail, or the mfra index, is fetched now through {@code fetches}.
     */
    static ReadPlan of(byte[] head, long size, PrefetchingReader.Limits limits, Fetches fetches)
            throws IOException {
        Mp4Layout layout = Mp4Layout.read(head, head.length, size);
        if (layout == null) {
            return NONE;
        }
        if (layout.fragmented()) {
            return fragments(layout, head.length, size, limits, fetches);
        }
        if (layout.moovOffset() < 0 && layout.nextUnknown() < size) {
            // No moov before mdat's end: it is in the tail, which is usually nothing but the moov.
            fetches.fetchWhole(layout.nextUnknown(), size);
        }
        return NONE;
    }

    private static ReadPlan fragments(Mp4Layout layout, long headEnd, long size, PrefetchingReader.Limits limits,
            Fetches fetches) throws IOException {
        List<Long> moofs = layout.sidxMoofOffsets();
        if (moofs.isEmpty()) {
            moofs = mfraMoofOffsets(size, limits, fetches);
        }
        // A moof header plus the following mdat's header; sized on the first moof, with slack.
        long window = layout.firstMoofSize() > 0 ? layout.firstMoofSize() + layout.firstMoofSize() / 4 + 16 : 16 << 10;
        int fragmentWindow = (int) Math.min(Math.max(((window + 1023) / 1024) * 1024, 2048), 1 << 20);
        List<Long> starts = new ArrayList<>();
        for (long moof : moofs) {
            if (moof >= headEnd && moof < size && !fetches.cached(moof)) {
                starts.add(moof);
            }
        }
        return new ReadPlan(List.copyOf(starts), fragmentWindow);
    }

    /** The mfra at the end: its mfro (last 16 bytes) gives its size; a tail as big as the head usually holds it all. */
    private static List<Long> mfraMoofOffsets(long size, PrefetchingReader.Limits limits, Fetches fetches)
            throws IOException {
        long tailStart = Math.max(0, size - limits.headBytes());
        byte[] tail = fetches.fetchWhole(tailStart, size);
        if (tail == null || tail.length < 16) {
            return List.of();
        }
        long mfraSize = Mp4Layout.mfroMfraSize(tail, tail.length - 16);
        if (mfraSize < 16 || mfraSize > size) {
            return List.of();
        }
        long mfraStart = size - mfraSize;
        if (mfraStart >= tailStart) {
            return Mp4Layout.mfraMoofOffsets(tail, (int) (mfraStart - tailStart), (int) mfraSize);
        }
        if (mfraSize > limits.maxMoovBytes()) {
            return List.of();
        }
        byte[] mfra = new byte[(int) mfraSize];
        int n = fetches.readFully(mfraStart, mfra, mfra.length);
        return Mp4Layout.mfraMoofOffsets(mfra, 0, n);
    }

    /** Whether a planned fragment is left to fetch. */
    boolean hasNext() {
        return next < fragmentStarts.size();
    }

    /** The start of the next planned fragment. */
    long next() {
        return fragmentStarts.get(next++);
    }

    /** How many bytes to fetch at a fragment's start: its moof header and the following mdat's header. */
    int fragmentWindow() {
        return fragmentWindow;
    }
}
