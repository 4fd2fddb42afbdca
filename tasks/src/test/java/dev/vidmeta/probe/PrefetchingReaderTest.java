package dev.vidmeta.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prefetcher over a counting file source: request and byte counts are what a remote source
 * would send over the network, and they are deterministic for a given file.
 */
class PrefetchingReaderTest {

    private static final Fixtures FIXTURES = Fixtures.inTarget();

    /**
     * Scaled down with the fixtures (80-350 KB instead of 30 MB-2 GB): a 4 KB first block, so the
     * moov and the fragments lie beyond it.
     */
    private static final int HEAD = 4 << 10;

    private static PrefetchingReader.Limits limits() {
        return limits(HEAD, PrefetchingReader.Limits.defaults().maxStreamBytes(),
                PrefetchingReader.Limits.defaults().cacheBytes());
    }

    private static PrefetchingReader.Limits limits(int head, long maxStreamBytes, long cacheBytes) {
        PrefetchingReader.Limits d = PrefetchingReader.Limits.defaults();
        return new PrefetchingReader.Limits(head, maxStreamBytes, d.maxMoovBytes(), d.prefetchAheadBytes(), 4,
                cacheBytes, d.maxBytesPerObject(), d.maxTimePerObject());
    }

    /** A top-level box as the file really has it. */
    record Box(String type, long offset, long size) {}

    @Test
    void moovAtEnd_shouldCostTwoRequests_headAndTail() throws IOException {
        // GIVEN an MP4 whose moov follows its mdat
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_MOOV_AT_END);
        Box moov = only(boxes(file), "moov");
        assertThat(moov.offset()).isGreaterThan(HEAD);

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            // WHEN a parser walks it the way MediaInfo does (box headers, whole moov, skip mdat)
            walkBoxes(reader, file);

            // THEN it took the first block plus the tail (the moov) in one request, and nothing else
            assertThat(reader.requestCount()).isEqualTo(2);
            assertThat(reader.bytesRead()).isEqualTo(HEAD + (Files.size(file) - moov.offset()));
        }
    }

    @Test
    void faststart_shouldReadALargeMoovOnFromTheFirstStream() throws IOException {
        // GIVEN a faststart MP4 and a first block smaller than its moov
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_FASTSTART);
        List<Box> boxes = boxes(file);
        Box moov = only(boxes, "moov");
        Box mdat = only(boxes, "mdat");
        assertThat(mdat.offset()).isGreaterThan(moov.offset());
        int head = (int) (moov.offset() + moov.size() / 2);
        PrefetchingReader.Limits small = limits(head, limits().maxStreamBytes(), limits().cacheBytes());

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), small)) {
            walkBoxes(reader, file);

            // THEN the rest of the moov, the boxes after it and the mdat header came on the stream the
            // first block started
            assertThat(reader.requestCount()).isEqualTo(1);
            assertThat(reader.bytesRead()).isEqualTo(mdat.offset() + 16);
        }
    }

    @Test
    void fragmentedWithMfra_shouldPrefetchEveryMoofFromTheIndex() throws IOException {
        // GIVEN a fragmented MP4 with an mfra index at the end
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_FRAGMENTED);
        List<Box> boxes = boxes(file);
        long moofsBeyondHead = boxes.stream().filter(b -> b.type().equals("moof") && b.offset() >= HEAD).count();
        assertThat(moofsBeyondHead).isGreaterThanOrEqualTo(2);

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            walkBoxes(reader, file);

            // THEN: first block, one tail read holding the mfra, one bounded read per moof -- and no
            // request for the mdat between them or for the mfra when the parser reaches it
            assertThat(reader.requestCount()).isEqualTo(2 + moofsBeyondHead);
            long largestMoof = boxes.stream().filter(b -> b.type().equals("moof")).mapToLong(Box::size).max().orElseThrow();
            assertThat(reader.bytesRead()).isLessThan(2 * HEAD + moofsBeyondHead * (2 * largestMoof + 2048));
        }
    }

    @Test
    void fragmentedWithMfra_shouldReadEachByteOnce_whenTheTailOverlapsTheFirstBlock() throws IOException {
        // GIVEN a fragmented MP4 (mfra index at the end) smaller than two first blocks: the tail that holds
        // the mfra starts inside the first block
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_FRAGMENTED);
        long size = Files.size(file);
        int head = (int) (size * 3 / 4);
        assertThat(size - head).isLessThan(head);
        PrefetchingReader.Limits overlapping = limits(head, limits().maxStreamBytes(), limits().cacheBytes());

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), overlapping)) {
            // WHEN a parser walks it
            walkBoxes(reader, file);

            // THEN the first block and the rest of the file came once each: the tail read began where the
            // first block ended, and the moofs in it needed no request of their own
            assertThat(reader.bytesRead()).isEqualTo(size);
            assertThat(reader.requestCount()).isEqualTo(2);
        }
    }

    @Test
    void fragmented_shouldRequestTheMoofsAheadOfTheParser() throws Exception {
        // GIVEN a fragmented MP4 with an mfra index
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_FRAGMENTED);
        List<Box> moofs = boxes(file).stream().filter(b -> b.type().equals("moof") && b.offset() >= HEAD).toList();
        long moofsBeyondHead = moofs.size();

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            // WHEN the parser has read the first bytes and the first fragment's moof beyond them
            reader.read(0, new byte[8], 0, 8);
            readExactly(reader, moofs.getFirst().offset(), (int) moofs.getFirst().size());

            // THEN the other moof headers are being fetched in the background (bounded wait, no timing claim)
            for (int i = 0; i < 200 && reader.requestCount() < 2 + moofsBeyondHead; i++) {
                Thread.sleep(50);
            }
            assertThat(reader.requestCount()).isEqualTo(2 + moofsBeyondHead);
        }
    }

    @Test
    void fragmentedWithSidx_shouldPrefetchEveryMoofWithoutReadingTheTail() throws IOException {
        Path file = FIXTURES.path(Fixtures.Fixture.MP4_FRAGMENTED_SIDX);
        List<Box> boxes = boxes(file);
        assertThat(boxes).extracting(Box::type).contains("sidx");
        long moofsBeyondHead = boxes.stream().filter(b -> b.type().equals("moof") && b.offset() >= HEAD).count();
        Box mfra = only(boxes, "mfra");

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            // WHEN the parser walks every box up to the mfra
            walkBoxes(reader, file, mfra.offset());

            // THEN: the first stream and one read per moof; the tail (mfra) was not fetched for the index
            assertThat(reader.requestCount()).isEqualTo(1 + moofsBeyondHead);
            assertThat(reader.bytesRead()).isLessThan(HEAD + moofsBeyondHead * (16 << 10));
        }
    }

    @Test
    void sequentialReads_shouldTakeOneStream_andReturnTheFileExactly() throws IOException {
        // GIVEN an MPEG-TS, read front to back in 2 KB chunks
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        byte[] expected = Files.readAllBytes(file);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            byte[] got = readAll(reader, 2 << 10);

            // THEN the bytes are the file's, read once, on the one stream the first block started
            assertThat(got).isEqualTo(expected);
            assertThat(reader.bytesRead()).isEqualTo(expected.length);
            assertThat(reader.requestCount()).isEqualTo(1);
        }
    }

    @Test
    void sequentialReads_shouldOpenAnotherStream_whenOneReachesItsLongestRange() throws IOException {
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        long size = Files.size(file);
        long longest = 16 << 10;
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file),
                limits(HEAD, longest, limits().cacheBytes()))) {
            byte[] got = readAll(reader, 2 << 10);

            assertThat(got).isEqualTo(Files.readAllBytes(file));
            assertThat(reader.requestCount()).isEqualTo((size + longest - 1) / longest);
        }
    }

    @Test
    void parserStoppingEarly_shouldCostOnlyWhatItRead() throws IOException {
        // GIVEN a source that counts the bytes streamed, as a remote one charges them
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            // WHEN the parser reads on 40 KB past the first block and stops
            readExactly(reader, 0, HEAD + (40 << 10));

            // THEN that cost the one stream the first block started, and only the bytes read from it
            assertThat(reader.requestCount()).isEqualTo(1);
            assertThat(reader.bytesRead()).isEqualTo(HEAD + (40 << 10));
        }
    }

    @Test
    void seek_shouldReadThroughAShortGap_butOpenANewStreamForAFarOne() throws IOException {
        // GIVEN a file long enough for a seek past the read-through distance (256 KB)
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS_GOP_50);
        byte[] expected = Files.readAllBytes(file);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            readExactly(reader, 0, HEAD + 1000);

            // WHEN the parser skips 10 KB: the open stream reads through the gap, no new request
            int near = HEAD + 1000 + (10 << 10);
            assertThat(readExactly(reader, near, 100)).isEqualTo(Arrays.copyOfRange(expected, near, near + 100));
            assertThat(reader.requestCount()).isEqualTo(1);

            // WHEN it goes back to bytes it has read: they come from the cache
            assertThat(readExactly(reader, HEAD + 500, 100))
                    .isEqualTo(Arrays.copyOfRange(expected, HEAD + 500, HEAD + 600));
            assertThat(reader.requestCount()).isEqualTo(1);

            // WHEN it seeks 300 KB ahead: a new stream starts there
            int far = near + 100 + (300 << 10);
            assertThat(readExactly(reader, far, 100)).isEqualTo(Arrays.copyOfRange(expected, far, far + 100));
            assertThat(reader.requestCount()).isEqualTo(2);
            assertThat(reader.bytesRead()).isEqualTo(near + 100 + 100);
        }
    }

    @Test
    void cache_shouldStayWithinItsBound_whateverTheFileSize() throws IOException {
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        long bound = 32 << 10;
        PrefetchingReader.Limits tight = limits(HEAD, limits().maxStreamBytes(), bound);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), tight)) {
            long most = 0;
            byte[] chunk = new byte[2 << 10];
            for (long pos = 0; pos < reader.size(); ) {
                pos += reader.read(pos, chunk, 0, chunk.length);
                most = Math.max(most, reader.heldBytes());
            }
            assertThat(Files.size(file)).isGreaterThan(2 * bound);
            assertThat(most).isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void read_shouldFailLimitExceeded_whenTheByteBudgetIsSpent() throws IOException {
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file),
                limits().withMaxBytesPerObject(20 << 10))) {
            assertThatThrownBy(() -> readAll(reader, 2 << 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.LIMIT_EXCEEDED));
            assertThat(reader.bytesRead()).isLessThanOrEqualTo(20 << 10);
        }
    }

    @Test
    void read_shouldFailLimitExceeded_whenTheTimeBudgetIsSpent() throws IOException {
        Path file = FIXTURES.path(Fixtures.Fixture.MPEG_TS);
        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file),
                limits().withMaxTimePerObject(Duration.ZERO))) {
            assertThatThrownBy(() -> reader.read(0, new byte[10], 0, 10))
                    .isInstanceOfSatisfying(SourceException.class,
                            e -> assertThat(e.kind()).isEqualTo(SourceException.Kind.LIMIT_EXCEEDED));
        }
    }

    @Test
    void absurdBoxSize_shouldPlanNothing_andStillServeTheBytes(@TempDir Path dir)
            throws IOException {
        // GIVEN an ftyp followed by an mdat that claims to be far larger than the file
        ByteBuffer bytes = ByteBuffer.allocate(100_000);
        bytes.putInt(16).put("ftypisom".getBytes()).putInt(0);
        bytes.putInt(Integer.MAX_VALUE).put("mdat".getBytes());
        Path file = dir.resolve("absurd.mp4");
        Files.write(file, bytes.array());

        try (PrefetchingReader reader = PrefetchingReader.wrap(FileRangedReader.open(file), limits())) {
            byte[] got = readAll(reader, 2 << 10);

            assertThat(got).isEqualTo(bytes.array());
            assertThat(reader.requestCount()).isEqualTo(1);
        }
    }

    /**
     * Reads box headers and the whole of ftyp/moov/moof/sidx/mfra, seeking over mdat: the access
     * pattern of MediaInfo's MP4 parser. Checks every byte against the file.
     */
    private static void walkBoxes(RangedReader reader, Path file) throws IOException {
        walkBoxes(reader, file, Long.MAX_VALUE);
    }

    /** The same, for the boxes that start before {@code stop}. */
    private static void walkBoxes(RangedReader reader, Path file, long stop) throws IOException {
        byte[] expected = Files.readAllBytes(file);
        for (Box box : boxes(file).stream().filter(b -> b.offset() < stop).toList()) {
            long length = box.type().equals("mdat") ? 16 : box.size();
            byte[] got = readExactly(reader, box.offset(), (int) length);
            assertThat(got).isEqualTo(Arrays.copyOfRange(expected, (int) box.offset(), (int) (box.offset() + length)));
        }
    }

    private static byte[] readExactly(RangedReader reader, long offset, int length) throws IOException {
        byte[] out = new byte[length];
        int filled = 0;
        while (filled < length) {
            int n = reader.read(offset + filled, out, filled, length - filled);
            assertThat(n).isPositive();
            filled += n;
        }
        return out;
    }

    private static byte[] readAll(RangedReader reader, int chunk) throws IOException {
        byte[] out = new byte[(int) reader.size()];
        byte[] buffer = new byte[chunk];
        long pos = 0;
        int n;
        while ((n = reader.read(pos, buffer, 0, chunk)) > 0) {
            System.arraycopy(buffer, 0, out, (int) pos, n);
            pos += n;
        }
        return out;
    }

    private static List<Box> boxes(Path file) throws IOException {
        ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file));
        List<Box> boxes = new ArrayList<>();
        long pos = 0;
        while (pos + 8 <= all.limit()) {
            long size = Integer.toUnsignedLong(all.getInt((int) pos));
            String type = new String(all.array(), (int) pos + 4, 4);
            if (size == 1) {
                size = all.getLong((int) pos + 8);
            }
            boxes.add(new Box(type, pos, size));
            pos += size;
        }
        return boxes;
    }

    private static Box only(List<Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type().equals(type)).findFirst().orElseThrow();
    }
}
