package dev.vidmeta.probe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.jna.Memory;
import dev.vidmeta.record.ProbeStatus;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Runs libmediainfo over a {@link RangedReader} with MediaInfo's buffer API, reading only the ranges
 * MediaInfo asks for.
 *
 * <h2>Why the loop copies MediaInfoLib's own file reader</h2>
 * The goal is the JSON that {@code mediainfo --Output=JSON <file>} prints. The CLI does not use the
 * buffer API: it opens the file through MediaInfoLib's {@code Reader_File}, which drives the same
 * parsers but differently from a naive buffer loop, and some parsers notice the difference. This loop
 * therefore does what {@code Reader_File::Format_Test_PerParser_Continue} (MediaInfoLib 23.04) does:
 * <ul>
 *   <li><b>Read sizes come from the parser.</b> Reader_File hands the parsers a pointer to its
 *       next-read size ({@code File_Buffer_Size_Hint_Pointer}) and reads what they ask for, 64 KiB at
 *       first; we pass the same option and do the same. The chunking is visible in the output: fed in
 *       fixed 4 MiB chunks, MediaInfo drops fields the CLI reports on our MP4, MOV and MPEG-TS
 *       fixtures (x264's settings, ProRes colour description, ADTS audio details), because a parser
 *       that sees a whole element at once takes other paths than one that waits for more data. File_Mk
 *       (Matroska/WebM) even branches on the pointer itself ({@code File_Mk::Header_Parse}).</li>
 *   <li><b>A seek re-initializes with an unknown size.</b> Reader_File calls
 *       {@code Open_Buffer_Init((int64u)-1, offset)}. With a real size, MediaInfo_Internal runs the
 *       parser's full {@code Open_Buffer_Init}, which un-synchronizes it when a jump is pending
 *       (clearing every stream's Duration and the per-stream packet state) instead of just moving
 *       the position.</li>
 *   <li><b>Short forward jumps are read through</b> (under 128 KiB), as Reader_File does, so the
 *       parser skips them itself; a seek at or past the end stops reading.</li>
 *   <li><b>The file name is set</b> ({@code File_FileName}) when the caller knows it: parsers test
 *       for a name to tell a file from a buffer (File_Mk::Streams_Finish frees its per-stream state
 *       only with one), and the name fills @ref and FileExtension as the CLI does.</li>
 * </ul>
 * One thing differs on purpose: <b>a read may be short.</b> Reader_File reads a local file, so every
 * chunk is as long as the parser asked. We feed what one {@link RangedReader#read} returns, which
 * {@link PrefetchingReader} cuts at the end of the block it holds (a moof and its mdat header, say).
 * A short chunk only means the parser has less in its buffer than it hoped: it waits for the rest of
 * an element and asks again, and when it jumps it says
 * so with a GoTo before the rest is read. Filling every 64 KiB chunk instead fetched 64 KiB per
 * fragment of a fragmented MP4 that MediaInfo then skipped. MediaProbeCliEqualityIT checks the
 * equality with reads cut short on every fixture.
 *
 * <h2>ParseSpeed: the CLI's, on every container</h2>
 * MediaInfo's defaults (ParseSpeed 0.5) stay: they are the CLI's, so every parser takes the same
 * decisions on the same bytes. Lower speeds read less but change what is reported, and not only on
 * exotic files. Two cases measured on MediaInfoLib 23.04:
 * <ul>
 *   <li><b>GOP.</b> Below 0.3, File_Avc (and File_Mpegv) stop after 2 frames ({@code Frame_Count_Valid}),
 *       so {@code Format_Settings_GOP} ("M=1, N=50") is missing on any clip with 5 GOPs or more: on
 *       MP4, MOV, fragmented MP4, MPEG-TS and Matroska alike. At 0.5 the parser reads frames until
 *       {@code GOP_Detect} sees 4 equal GOPs (up to 512 frames).</li>
 *   <li><b>Matroska frame rate</b> (the "buffer mode loses FrameRate on MKV" trap, which is a
 *       ParseSpeed effect, not a buffer-API one). File_Mk decides between constant and variable frame
 *       rate from the first block timestamps it collects; at ParseSpeed 0 it stops after 3 packets per
 *       track. With B-frames the timestamps come in decode order, the few it has leave gaps, the track
 *       is declared VFR, FrameRate is cleared and FrameCount disappears.</li>
 * </ul>
 * ParseSpeed 0.3 gives the CLI's JSON on every fixture and benchmark file we have and reads less on
 * MPEG-TS and PCM audio, but between 0.3 and 0.5 the AAC and MPEG audio parsers look at 32 instead of
 * 128 frames and the MPEG-TS, PSI and RIFF parsers change course, so equality there would rest on
 * our samples rather than on MediaInfo's own logic.
 *
 * <p>A MediaInfo handle is not thread-safe: every call to {@link #probe} uses its own.
 */
public final class MediaProbe {

    /** Reader_File's {@code Buffer_NoJump}: forward jumps shorter than this are read, not seeked. */
    private static final long NO_JUMP = 128 * 1024;
    /** MediaInfoLib's {@code Buffer_NormalSize}, its first read size. */
    private static final int FIRST_READ_SIZE = 64 * 1024;
    /** Containers that always hold audio or video: recognized but trackless means damaged, not "not media". */
    private static final Set<String> MEDIA_CONTAINERS = Set.of(
            "mpeg-4", "quicktime", "matroska", "webm", "mpeg-ts", "bdav", "mpeg-ps", "avi", "flash video", "ogg",
            "mxf", "wave", "riff", "mpeg audio", "adts", "flac", "dv", "gxf", "lxf", "realmedia", "windows media");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MediaInfoLibrary library;
    private final ProbeLimits limits;

    private MediaProbe(MediaInfoLibrary library, ProbeLimits limits) {
        this.library = library;
        this.limits = limits;
    }

    /** A probe over the system's libmediainfo (or the Lambda layer's) with default limits. */
    public static MediaProbe create() {
        return new MediaProbe(MediaInfoLibrary.system(), ProbeLimits.defaults());
    }

    public static MediaProbe create(MediaInfoLibrary library, ProbeLimits limits) {
        return new MediaProbe(library, limits);
    }

    /**
     * Probes one object.
     *
     * @param reader the object's bytes; not closed here
     * @param fileName the object's name as MediaInfo should see it (a path, an S3 key's last segment), or
     *     null; it only names the file in MediaInfo's report, it is never opened
     * @return a result for every outcome that retrying would not change
     * @throws IOException when the source failed transiently ({@link SourceException.Kind#UNAVAILABLE} or an
     *     I/O error): worth a retry
     */
    public ProbeResult probe(RangedReader reader, String fileName) throws IOException {
        long started = System.nanoTime();
        String source = reader.describe();
        try {
            long size = reader.size();
            if (size == 0) {
                return ProbeResult.failed(ProbeStatus.EMPTY, "the object is empty (0 bytes)", source,
                        stats(reader, started));
            }
            try (MediaInfoHandle mediaInfo = library.newHandle()) {
                if (fileName != null && !fileName.isBlank()) {
                    mediaInfo.option("File_FileName", fileName);
                }
                mediaInfo.enableReadSizeHint(FIRST_READ_SIZE);
                Feed feed = feed(mediaInfo, reader, size, started);
                mediaInfo.openBufferFinalize();
                JsonNode report = JSON.readTree(mediaInfo.inform());
                return classify(feed, report, source, stats(reader, started));
            }
        } catch (SourceException e) {
            ProbeStatus status = switch (e.kind()) {
                case NOT_FOUND -> ProbeStatus.NOT_FOUND;
                case ACCESS_DENIED -> ProbeStatus.ACCESS_DENIED;
                case CHANGED -> ProbeStatus.SOURCE_CHANGED;
                case UNAVAILABLE -> throw e;
                case LIMIT_EXCEEDED -> ProbeStatus.LIMIT_EXCEEDED;
            };
            return ProbeResult.failed(status, e.getMessage(), source, stats(reader, started));
        }
    }

    /** How feeding ended: MediaInfo's last status bits, and the bound hit, if any. */
    private record Feed(int status, String limitHit) {
        boolean accepted() {
            return (status & MediaInfoHandle.ACCEPTED) != 0;
        }
    }

    private Feed feed(MediaInfoHandle mediaInfo, RangedReader reader, long size, long started)
            throws IOException {
        long deadline = started + limits.timeout().toNanos();
        byte[] chunk = new byte[FIRST_READ_SIZE];
        try (Memory nativeChunk = new Memory(limits.maxReadSize())) {
            mediaInfo.openBufferInit(size, 0);
            int status = 0;
            long position = 0;
            long fed = 0;
            int reads = 0;
            while (position < size) {
                long hint = mediaInfo.readSizeHint();
                if (hint <= 0) {
                    break;
                }
                int length = (int) Math.min(Math.min(hint, limits.maxReadSize()), size - position);
                String limitHit = limitHit(fed + length, reads + 1, deadline);
                if (limitHit != null) {
                    return new Feed(status, limitHit);
                }
                if (chunk.length < length) {
                    chunk = new byte[Math.max(length, Math.min(chunk.length * 2, limits.maxReadSize()))];
                }
                // What one read returns, not a filled chunk: see the class comment.
                int n = reader.read(position, chunk, 0, length);
                if (n <= 0) {
                    throw new SourceException(SourceException.Kind.CHANGED, "the object ended at byte " + position
                            + " although its size was " + size + " when the probe began");
                }
                reads++;
                fed += n;
                nativeChunk.write(0, chunk, 0, n);
                status = mediaInfo.openBufferContinue(nativeChunk, n);
                position += n;
                if ((status & MediaInfoHandle.FINALIZED) != 0) {
                    break;
                }
                long goTo = mediaInfo.openBufferContinueGoToGet();
                if (goTo != MediaInfoHandle.NO_SEEK) {
                    if (Long.compareUnsigned(goTo, size) >= 0) {
                        break;
                    }
                    if (!(goTo > position && goTo < position + NO_JUMP)) {
                        position = goTo;
                        mediaInfo.openBufferInit(-1, goTo);
                    }
                }
            }
            return new Feed(status, null);
        }
    }

    private String limitHit(long bytes, int reads, long deadline) {
        if (bytes > limits.maxBytes()) {
            return "MediaInfo was still reading after " + limits.maxBytes() + " bytes (limit)";
        }
        if (reads > limits.maxReads()) {
            return "MediaInfo was still reading after " + limits.maxReads() + " reads (limit)";
        }
        if (System.nanoTime() - deadline > 0) {
            return "MediaInfo was still reading after " + limits.timeout().toSeconds() + " s (limit)";
        }
        return null;
    }

    private static ProbeResult classify(Feed feed, JsonNode report, String source, ProbeStats stats) {
        TechnicalMetadata metadata = TechnicalMetadata.fromMediaInfo(report);
        // MediaInfo's status bits are not enough: after every parser rejected random bytes the last
        // status can still carry "accepted". A report without a General Format is the reliable sign.
        if (!feed.accepted() || metadata.general().format() == null) {
            return new ProbeResult(ProbeStatus.NOT_MEDIA, "MediaInfo does not recognize the format",
                    source, report, null, stats);
        }
        if (feed.limitHit() != null) {
            return new ProbeResult(ProbeStatus.LIMIT_EXCEEDED, feed.limitHit() + "; the metadata may be partial",
                    source, report, metadata, stats);
        }
        if (metadata.hasMedia()) {
            if (metadata.truncated()) {
                return new ProbeResult(ProbeStatus.TRUNCATED, "MediaInfo reports the file as truncated (IsTruncated):"
                        + " it is shorter than its own structure says, so the metadata may be incomplete",
                        source, report, metadata, stats);
            }
            return new ProbeResult(ProbeStatus.OK, null, source, report, metadata, stats);
        }
        String format = metadata.general().format();
        boolean truncated = metadata.truncated();
        if (truncated || MEDIA_CONTAINERS.contains(format.toLowerCase(Locale.ROOT))) {
            return new ProbeResult(ProbeStatus.UNREADABLE, "recognized as " + format
                    + " but no audio, video or image track could be read: "
                    + (truncated ? "the file is truncated" : "truncated or damaged"),
                    source, report, metadata, stats);
        }
        // A PDF, say: MediaInfo recognizes it (and even lists a Text track) but it holds no media.
        return new ProbeResult(ProbeStatus.NOT_MEDIA, "recognized as " + format
                + ", which holds no audio, video or image", source, report, metadata, stats);
    }

    private static ProbeStats stats(RangedReader reader, long started) {
        return new ProbeStats(reader.requestCount(), reader.bytesRead(), (System.nanoTime() - started) / 1_000_000);
    }
}
